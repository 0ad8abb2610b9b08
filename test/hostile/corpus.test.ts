/**
 * The hostile corpus (test/hostile/corpus.ts) through `mailtrail run`, then a bounded fuzz pass
 * (test/hostile/fuzz.ts) through the ingest pipeline. The corpus runs each case in a child
 * process under a time and memory limit (harness.ts). A case fails on an aborted run, a hang,
 * memory over the bound, a silent drop, a changed evidence file, or a control log not read.
 *
 * Cases that fail today because of work planned for stage 2 of issue 14 (the pipeline's
 * only-regular-files rule, names as bytes, validation at the store boundary) are listed ONCE, in
 * KNOWN_UNTIL_STAGE_2, with the check they fail and why; the test asserts that they still fail
 * that check, so the list must shrink when stage 2 lands.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCase, CASES, CONTROL_EVENTS, CONTROL_NAME, type CaseSpec } from "./corpus.js";
import { FUZZ_LIMITS, runFuzz } from "./fuzz.js";
import { ROOT, runAndJudge, Runner, type Check, type Failure, type Limits } from "./harness.js";

/**
 * THE list of failures known until stage 2. An entry names a corpus case (asserted to still fail
 * with `check`) or, for the fuzz pass, a `signature` matched against "<seed file>: <failure
 * detail>" (tolerated and printed, never silent).
 */
const KNOWN_UNTIL_STAGE_2: { name?: string; signature?: RegExp; check: Check; reason: string }[] = [
  { name: "dovecot-tai64n-zero", check: "abort", reason: "store boundary: a time before 1970 in a TAI64N stamp aborts the run at flush (\"Failed to Flush appender: incomplete append to row\")" },
  { name: "dovecot-tai64n-max", check: "abort", reason: "store boundary: a TAI64N stamp past the range of a date aborts the run at flush" },
  { name: "maildir-hostile-uidlist", check: "abort", reason: "store boundary: a UID/UIDVALIDITY past 2^63 from dovecot-uidlist aborts the run at flush" },
  { name: "maildir-fifo-in-cur", check: "hang", reason: "pipeline openMember opens a FIFO in cur/ and blocks (only regular files may be opened)" },
  { name: "maildir-dir-in-cur", check: "abort", reason: "pipeline openMember: EISDIR from createReadStream is an unhandled 'error' event that kills the process" },
  { name: "maildir-unreadable", check: "abort", reason: "pipeline openMember: EACCES from createReadStream is an unhandled 'error' event (an unreadable member must be a located warning)" },
  { name: "ediscovery-unreadable", check: "abort", reason: "pipeline openMember: EACCES on an export's .msg is an unhandled 'error' event" },
  { name: "maildir-symlink-loop", check: "abort", reason: "pipeline openMember: ELOOP from createReadStream is an unhandled 'error' event" },
  { name: "maildir-non-utf8-name", check: "abort", reason: "names are decoded to strings and re-encoded before opening: ENOENT, an unhandled 'error' event" },
  { name: "acquisition-journal-dir", check: "abort", reason: "pipeline openMember: EISDIR on the journal is an unhandled 'error' event" },
  { name: "acquisition-journal-fifo", check: "hang", reason: "pipeline openMember opens the FIFO journal and blocks" },
  { name: "acquisition-message-fifo", check: "hang", reason: "pipeline openMember opens a FIFO message file and blocks" },
  { name: "zip-short-member", check: "abort", reason: "pipeline: the error of a zip member's stream (fewer bytes than declared) is not forwarded through .pipe(tap): an unhandled 'error' event kills the process" },
  // Fuzz signatures: the same causes reached by mutation.
  { signature: /worker died .*(Unhandled 'error' event|Emitted 'error' event)/s, check: "abort", reason: "pipeline: a stream error of a zip or folder member is not forwarded through .pipe(tap) (unhandled 'error' event)" },
  { signature: /Failed to Flush appender/, check: "abort", reason: "store boundary: a value outside its column's range (time, UID) aborts the flush" },
  { signature: /a message file of a folder format is not in the manifest/, check: "silent-drop", reason: "pipeline: files of a claimed folder the parser never opens (an .eml not in the IMAP journal, a Maildir file not listed) must be listed and warned about" },
  // Not stage 2, listed here so that nothing is tolerated outside this list: src/lib/csv.ts.
  { name: "entra-csv-broken-quotes-repeated", check: "hang", reason: "NOT stage 2 — src/lib/csv.ts: CsvScanner.recover re-reads the swallowed lines by recursion: quadratic time (3,000 repeats: 6 s; 4,000: over 10 s) and then 'Maximum call stack size exceeded', which stops the whole file (0 records)" },
  { signature: /^fixtures\/m365\/[^:]*\.csv: no answer within/, check: "hang", reason: "NOT stage 2 — src/lib/csv.ts: recovery from a broken quote re-reads the swallowed lines recursively (quadratic time, then 'Maximum call stack size exceeded'); 1.8 MB of repeated broken rows takes over 20 s" },
];

/**
 * Limits per case. Memory: `mailtrail run` over the demo case peaks at 223 MiB resident
 * (measured with /usr/bin/time -v); the corpus cases peak at 120-220 MiB. 512 MiB leaves room for
 * the machine and still catches any blow-up (the MSG loops took over 5 GB before cfb-check.ts).
 */
export const CORPUS_LIMITS: Limits = { timeoutMs: 20_000, rssBytes: 512 * 2 ** 20, heapMiB: 1024 };
/** A case known to hang is given less time: it is killed either way. */
const KNOWN_HANG_MS = 6_000;
const SEED = 14;

let work: string;
let runner: Runner;
let hangRunner: Runner;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "mailtrail-hostile-"));
  runner = new Runner(CORPUS_LIMITS);
  hangRunner = new Runner({ ...CORPUS_LIMITS, timeoutMs: KNOWN_HANG_MS });
});

afterAll(() => {
  runner?.kill();
  hangRunner?.kill();
  rmSync(work, { recursive: true, force: true });
});

async function runCorpusCase(spec: CaseSpec, dir: string, runnerToUse: Runner): Promise<{ failures: Failure[]; ms: number; peakRss: number }> {
  const evidence = await buildCase(spec, dir, SEED);
  const out = join(dir, "out");
  if (spec.asNobody === true && process.getuid?.() === 0) {
    // The child runs as nobody: it must reach the case and write its output folder.
    for (const path of [work, dir]) chmodSync(path, 0o755);
    mkdirSync(out);
    chownSync(out, 65534, 65534);
  }
  return runAndJudge(runnerToUse, { mode: "run", evidence, out }, { name: CONTROL_NAME, events: CONTROL_EVENTS }, spec.asNobody === true);
}

describe("hostile corpus: no abort, hang, blow-up, silent drop or evidence change", () => {
  for (const spec of CASES) {
    const known = KNOWN_UNTIL_STAGE_2.find((entry) => entry.name !== undefined && entry.name === spec.name);
    it(`${spec.family}: ${spec.name} — ${spec.what}${known ? ` [known failure: ${known.check}]` : ""}`, async () => {
      const dir = join(work, spec.name);
      const { failures, ms, peakRss } = await runCorpusCase(spec, dir, known?.check === "hang" ? hangRunner : runner);
      console.log(`[hostile] ${spec.family}/${spec.name}: ${failures.length === 0 ? "pass" : failures.map((f) => `${f.check}: ${f.detail}`).join("; ")} (${ms} ms, ${Math.round(peakRss / 2 ** 20)} MiB)`);
      if (known) {
        expect(failures.map((failure) => failure.check), `${spec.name} is listed as failing "${known.check}" until stage 2 (${known.reason}); it no longer does: move it out of KNOWN_UNTIL_STAGE_2`).toContain(known.check);
        expect(failures.filter((failure) => failure.check !== known.check && !(known.check === "hang" && failure.check === "control"))).toEqual([]);
      } else {
        expect(failures).toEqual([]);
      }
    }, CORPUS_LIMITS.timeoutMs + 30_000);
  }
});

/** The bounded fuzz pass: fixed seed, at most FUZZ_CASES cases or FUZZ_SECONDS (test/hostile/fuzz.ts). */
const FUZZ_SEED = 14;
const FUZZ_CASES = 200;
const FUZZ_SECONDS = 100;

describe("bounded fuzz pass over the fixtures", () => {
  it(`seed ${FUZZ_SEED}: ${FUZZ_CASES} mutants through the ingest pipeline, no failure but the known ones`, async () => {
    const report = await runFuzz({ seed: FUZZ_SEED, seconds: FUZZ_SECONDS, maxCases: FUZZ_CASES, out: join(ROOT, "test-artifacts/fuzz"), limits: FUZZ_LIMITS });
    const tolerated: string[] = [];
    const unexpected: string[] = [];
    for (const failure of report.failures) {
      for (const found of failure.failures) {
        const known = KNOWN_UNTIL_STAGE_2.find((entry) => entry.signature !== undefined && entry.check === found.check && entry.signature.test(`${failure.seedFile}: ${found.detail}`));
        const line = `case ${failure.caseNo} (${failure.seedFile}: ${failure.mutations.join(", ")}) ${found.check}: ${found.detail.slice(0, 200)} — reproducer ${failure.reproducer}`;
        (known ? tolerated : unexpected).push(known ? `${line} [known until stage 2: ${known.reason}]` : line);
      }
    }
    console.log(`[fuzz] seed ${FUZZ_SEED}: ${report.cases} cases in ${report.seconds.toFixed(1)} s (${report.casesPerSecond.toFixed(2)} cases/s); ${Object.entries(report.byFamily).map(([family, counts]) => `${family} ${counts.cases}/${counts.failed} failed`).join(", ")}`);
    for (const line of tolerated) console.log(`[fuzz] known: ${line}`);
    expect(report.cases).toBeGreaterThan(20);
    expect(unexpected).toEqual([]);
  }, (FUZZ_SECONDS + 60) * 1000);
});
