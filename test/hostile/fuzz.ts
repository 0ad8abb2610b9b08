/**
 * Seeded mutation fuzzer over the real ingest: `npm run fuzz -- --seconds N --seed S`.
 *
 * Every fixture file is a seed. A case copies one seed (with its claimed folder — Maildir,
 * eDiscovery export, IMAP acquisition — when it is a member of one), applies one to three
 * byte-level mutations (flip, insert, delete, splice from another seed, repeat a chunk, truncate),
 * sometimes wraps the mutant in a .gz or a .zip, and runs the ingest pipeline on it in a child
 * process under a time and memory limit (harness.ts), next to a control log. It then judges:
 * completed (no abort), in time (no hang), memory under the bound, no silent drop, evidence
 * unchanged, control log read. Same seed, same cases.
 *
 * Output: cases and failures per family, cases per second, and each failure with its seed, case
 * number and a reproducer folder (`<out>/failures/<seed>-<case>/evidence`: run it with
 * `mailtrail run <that folder> --out /tmp/x`, or again with `--seed S --case N`).
 * Options: --seconds N (budget, default 60), --seed S (default 1), --cases N (at most N cases),
 * --case N (only case N), --out DIR (default test-artifacts/fuzz).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { buildZip, randomBytes, rng } from "./build.js";
import { CONTROL, CONTROL_EVENTS, CONTROL_NAME } from "./corpus.js";
import { ROOT, runAndJudge, Runner, type Failure, type Limits } from "./harness.js";

export interface FuzzOptions {
  seed: number;
  seconds: number;
  /** Stop after this many cases even if time is left. */
  maxCases?: number;
  /** Run this one case number only (to reproduce a failure). */
  only?: number;
  /** Where reproducers go. */
  out: string;
  limits: Limits;
  log?: (line: string) => void;
}

export interface FuzzFailure {
  seed: number;
  caseNo: number;
  family: string;
  seedFile: string;
  mutations: string[];
  failures: Failure[];
  reproducer: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  byFamily: Record<string, { cases: number; failed: number }>;
  failures: FuzzFailure[];
}

const FIXTURES = join(ROOT, "fixtures");

interface Seed {
  /** The fixture file mutated. */
  file: string;
  /** The folder copied with it (a claimed folder), or the file itself. */
  unit: string;
  family: string;
}

/** The root of the claimed folder a file belongs to (Maildir, eDiscovery export, IMAP acquisition). */
function folderRoot(file: string): string | undefined {
  for (let dir = dirname(file); dir.startsWith(FIXTURES) && dir !== FIXTURES; dir = dirname(dir)) {
    const names = new Set(readdirSync(dir));
    if (names.has("Manifest.xml") || names.has("imap-journal.jsonl")) return dir;
    if (names.has("cur") && names.has("new")) {
      // Maildir++: subfolders (.Sent) are part of the account folder above them.
      const parent = dirname(dir);
      const parentNames = new Set(readdirSync(parent));
      return parentNames.has("cur") && parentNames.has("new") ? parent : dir;
    }
  }
  return undefined;
}

function familyOf(file: string): string {
  const parts = relative(FIXTURES, file).split("/");
  if (parts[0] === "demo-case") return `demo-${parts[2] ?? "case"}`;
  return parts[1] ?? parts[0] ?? "?";
}

export function seeds(): Seed[] {
  const out: Seed[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = statSync(path);
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile() && name !== "README.md" && stats.size > 0) out.push({ file: path, unit: folderRoot(path) ?? path, family: familyOf(path) });
    }
  };
  walk(FIXTURES);
  return out;
}

const TOKENS = ["\n", "\r\n", '"', ",", ";", "{", "}", "[", "]", "\0", "\xff\xfe", "From a@x Thu Nov 26 14:00:00 2026\n", "--", "\n\n", "=?utf-8?B?", "\\", "9999999999999999999999", "-1", "@4000000000000000", "Content-Type: multipart/mixed; boundary=x\n"];

type Mutator = (data: Buffer, next: () => number, other: () => Buffer) => { data: Buffer; what: string };

const pick = (next: () => number, n: number): number => Math.floor(next() * n);

const MUTATORS: Mutator[] = [
  (data, next) => {
    const out = Buffer.from(data);
    const flips = 1 + pick(next, 8);
    for (let i = 0; i < flips && out.length > 0; i += 1) {
      const at = pick(next, out.length);
      out[at] = (out[at] ?? 0) ^ (1 << pick(next, 8));
    }
    return { data: out, what: `flip ${flips} bits` };
  },
  (data, next) => {
    const at = pick(next, data.length + 1);
    const insert = next() < 0.5 ? Buffer.from(TOKENS[pick(next, TOKENS.length)] ?? "", "latin1") : randomBytes(next, 1 + pick(next, 64));
    return { data: Buffer.concat([data.subarray(0, at), insert, data.subarray(at)]), what: `insert ${insert.length} bytes at ${at}` };
  },
  (data, next) => {
    const at = pick(next, data.length);
    const length = 1 + pick(next, Math.max(1, Math.min(4096, data.length - at)));
    return { data: Buffer.concat([data.subarray(0, at), data.subarray(at + length)]), what: `delete ${length} bytes at ${at}` };
  },
  (data, next, other) => {
    const donor = other();
    const from = pick(next, donor.length);
    const length = 1 + pick(next, Math.max(1, Math.min(8192, donor.length - from)));
    const at = pick(next, data.length + 1);
    return { data: Buffer.concat([data.subarray(0, at), donor.subarray(from, from + length), data.subarray(at)]), what: `splice ${length} bytes of another seed at ${at}` };
  },
  (data, next) => {
    const at = pick(next, data.length);
    const length = 1 + pick(next, Math.max(1, Math.min(512, data.length - at)));
    const times = 2 + pick(next, Math.floor((1024 * 1024) / length));
    const chunk = data.subarray(at, at + length);
    return { data: Buffer.concat([data.subarray(0, at), ...Array.from({ length: Math.min(times, 20_000) }, () => chunk), data.subarray(at)]), what: `repeat ${length} bytes ${times} times at ${at}` };
  },
  (data, next) => {
    const at = pick(next, data.length);
    return { data: data.subarray(0, at), what: `truncate at ${at}` };
  },
];

/** Builds case `caseNo` of `seed` under `dir/evidence`; returns what was done. */
export function buildFuzzCase(all: Seed[], seed: number, caseNo: number, dir: string): { seed: Seed; mutations: string[]; evidence: string } {
  const next = rng((seed * 1_000_003 + caseNo) >>> 0);
  // A family first, then one of its files: the demo Maildir's hundred messages do not crowd out the rest.
  const families = [...new Set(all.map((entry) => entry.family))].sort();
  const family = families[pick(next, families.length)];
  const members = all.filter((entry) => entry.family === family);
  const chosen = members[pick(next, members.length)] as Seed;
  const evidence = join(dir, "evidence");
  mkdirSync(evidence, { recursive: true });
  const unitName = basename(chosen.unit);
  const target = chosen.unit === chosen.file ? join(evidence, unitName) : join(evidence, unitName, relative(chosen.unit, chosen.file));
  if (chosen.unit !== chosen.file) cpSync(chosen.unit, join(evidence, unitName), { recursive: true });
  let data: Buffer = readFileSync(chosen.file);
  const mutations: string[] = [];
  const count = 1 + pick(next, 3);
  const other = (): Buffer => readFileSync((all[pick(next, all.length)] as Seed).file);
  for (let i = 0; i < count; i += 1) {
    const result = (MUTATORS[pick(next, MUTATORS.length)] as Mutator)(data, next, other);
    data = result.data;
    mutations.push(result.what);
  }
  const wrap = chosen.unit === chosen.file ? next() : 1;
  if (wrap < 0.1) {
    writeFileSync(`${target}.gz`, gzipSync(data));
    mutations.push("wrapped in .gz");
  } else if (wrap < 0.15) {
    writeFileSync(`${target}.zip`, buildZip([{ name: unitName, data, deflate: true }]));
    mutations.push("wrapped in .zip");
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  writeFileSync(join(evidence, CONTROL_NAME), CONTROL);
  return { seed: chosen, mutations, evidence };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const all = seeds();
  const work = mkdtempSync(join(tmpdir(), "mailtrail-fuzz-"));
  const runner = new Runner(options.limits);
  const byFamily: FuzzReport["byFamily"] = {};
  const failures: FuzzFailure[] = [];
  const started = Date.now();
  let cases = 0;
  try {
    for (let caseNo = options.only ?? 0; Date.now() - started < options.seconds * 1000 && (options.maxCases === undefined || caseNo < options.maxCases); caseNo += 1) {
      if (options.only !== undefined && caseNo !== options.only) break;
      const dir = join(work, `case-${caseNo}`);
      const built = buildFuzzCase(all, options.seed, caseNo, dir);
      const { failures: found } = await runAndJudge(runner, { mode: "ingest", evidence: built.evidence, out: join(dir, "out") }, { name: CONTROL_NAME, events: CONTROL_EVENTS });
      cases += 1;
      const family = (byFamily[built.seed.family] ??= { cases: 0, failed: 0 });
      family.cases += 1;
      if (found.length > 0) {
        family.failed += 1;
        const reproducer = join(options.out, "failures", `${options.seed}-${caseNo}`);
        rmSync(reproducer, { recursive: true, force: true });
        mkdirSync(reproducer, { recursive: true });
        cpSync(built.evidence, join(reproducer, "evidence"), { recursive: true });
        const failure: FuzzFailure = { seed: options.seed, caseNo, family: built.seed.family, seedFile: relative(ROOT, built.seed.file), mutations: built.mutations, failures: found, reproducer };
        writeFileSync(join(reproducer, "case.json"), `${JSON.stringify(failure, null, 2)}\n`);
        failures.push(failure);
        log(`FAIL seed ${options.seed} case ${caseNo} (${failure.seedFile}: ${built.mutations.join(", ")}): ${found.map((f) => `${f.check}: ${f.detail}`).join("; ").slice(0, 400)}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    runner.kill();
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  return { seed: options.seed, cases, seconds, casesPerSecond: cases / Math.max(seconds, 0.001), byFamily, failures };
}

export const FUZZ_LIMITS: Limits = { timeoutMs: 20_000, rssBytes: 512 * 2 ** 20, heapMiB: 1024 };

function argument(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

async function cli(): Promise<void> {
  const args = process.argv.slice(2);
  const seed = Number(argument(args, "seed") ?? 1);
  const seconds = Number(argument(args, "seconds") ?? 60);
  const maxCases = argument(args, "cases") !== undefined ? Number(argument(args, "cases")) : undefined;
  const only = argument(args, "case") !== undefined ? Number(argument(args, "case")) : undefined;
  const out = argument(args, "out") ?? join(ROOT, "test-artifacts/fuzz");
  const report = await runFuzz({ seed, seconds, maxCases, only, out, limits: FUZZ_LIMITS, log: (line) => console.log(line) });
  console.log(`\nseed ${report.seed}: ${report.cases} cases in ${report.seconds.toFixed(1)} s (${report.casesPerSecond.toFixed(2)} cases/s), ${report.failures.length} failed`);
  for (const [family, counts] of Object.entries(report.byFamily).sort()) console.log(`  ${family.padEnd(28)} ${String(counts.cases).padStart(5)} cases, ${counts.failed} failed`);
  for (const failure of report.failures) console.log(`  seed ${failure.seed} case ${failure.caseNo}: ${failure.failures.map((f) => f.check).join(", ")} — reproducer ${failure.reproducer}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `report-${seed}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  void cli();
}
