/**
 * Runs hostile cases in a child process under a time and memory limit, and judges each run:
 * - abort: the run did not complete (non-zero exit, a thrown error, the child died);
 * - hang: the case took longer than its time limit (the child is killed);
 * - memory: the child's resident memory passed the limit (sampled from /proc), or V8 ran out of heap;
 * - evidence: an input file's SHA-256 or modification time changed;
 * - silent-drop: a record produced neither an item nor a warning (see `silentDrops` for the rule);
 * - control: the good log read after the hostile input lost events (the run did not go on).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, constants as zlibConstants } from "node:zlib";
import type { Answer, Facts, FileFact, Job } from "./worker.js";

/** The compiled worker (the harness runs from test/ under vitest and from dist/test/ under node). */
export const ROOT = fileURLToPath(new URL(import.meta.url.includes("/dist/test/") ? "../../../" : "../../", import.meta.url));
export const WORKER = join(ROOT, "dist/test/hostile/worker.js");

export type Check = "abort" | "hang" | "memory" | "evidence" | "silent-drop" | "control";

export interface Failure {
  check: Check;
  detail: string;
}

export interface Limits {
  timeoutMs: number;
  /** Resident memory of the child, bytes. */
  rssBytes: number;
  /** V8 heap of the child (--max-old-space-size), MiB. */
  heapMiB: number;
}

export interface Outcome {
  failures: Failure[];
  ms: number;
  peakRss: number;
  facts?: Facts;
}

const NOBODY = 65534;

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One child at a time; a new one after a kill, and one of its own for each unprivileged job. */
export class Runner {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private jobsOnChild = 0;
  /** The end of the current child's stderr (why it died). */
  private stderr = "";

  constructor(private readonly limits: Limits) {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} missing: build first (npm run build)`);
  }

  private spawn(asNobody: boolean): Promise<ChildProcess> {
    const uid = asNobody && process.getuid?.() === 0 ? NOBODY : undefined;
    this.stderr = "";
    const child = fork(WORKER, [], {
      execArgv: [`--max-old-space-size=${this.limits.heapMiB}`],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      ...(uid !== undefined ? { uid, gid: NOBODY } : {}),
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4000);
    });
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if ((message as { ready?: boolean }).ready) {
          child.off("message", onMessage);
          resolve(child);
        }
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`worker exited before it was ready (${code}): ${this.stderr.slice(-1000)}`)));
    });
  }

  kill(): void {
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }

  async run(job: Omit<Job, "id">, asNobody = false): Promise<{ answer?: Answer; failure?: Failure; ms: number; peakRss: number }> {
    if (asNobody || this.jobsOnChild >= 200) this.kill();
    const child = this.child ?? (await this.spawn(asNobody));
    this.child = asNobody ? undefined : child;
    this.jobsOnChild = asNobody ? 0 : this.jobsOnChild + 1;
    const id = this.nextId++;
    const started = Date.now();
    let peakRss = 0;
    this.stderr = "";
    const result = await new Promise<{ answer?: Answer; failure?: Failure }>((resolve) => {
      const finish = (value: { answer?: Answer; failure?: Failure }): void => {
        clearInterval(sampler);
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(value);
      };
      const sampler = setInterval(() => {
        const rss = rssOf(child.pid ?? 0);
        peakRss = Math.max(peakRss, rss);
        if (rss > this.limits.rssBytes) {
          this.kill();
          finish({ failure: { check: "memory", detail: `resident memory ${Math.round(rss / 2 ** 20)} MiB passed the limit of ${Math.round(this.limits.rssBytes / 2 ** 20)} MiB` } });
        }
      }, 25);
      const timer = setTimeout(() => {
        this.kill();
        finish({ failure: { check: "hang", detail: `no answer within ${this.limits.timeoutMs} ms` } });
      }, this.limits.timeoutMs);
      const onMessage = (message: unknown): void => {
        const answer = message as Answer;
        if (answer.id === id) finish({ answer });
      };
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = undefined;
        const stderr = this.stderr;
        const heap = /heap out of memory|Allocation failed/i.test(stderr);
        finish({ failure: heap ? { check: "memory", detail: `V8 heap limit of ${this.limits.heapMiB} MiB reached` } : { check: "abort", detail: `worker died (code ${code}, signal ${signal}): ${stderr.slice(-500)}` } });
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send({ ...job, id });
    });
    if (asNobody) child.kill("SIGKILL");
    return { ...result, ms: Date.now() - started, peakRss };
  }
}

/** SHA-256 and mtime of every regular file under `root` (special files by type only: never opened). */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: Buffer): void => {
    for (const name of readdirSync(dir, { encoding: "buffer" })) {
      const path = Buffer.concat([dir, Buffer.from("/"), name]);
      const stats = lstatSync(path);
      const key = path.toString("latin1");
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile()) {
        let digest = "unreadable";
        try {
          digest = createHash("sha256").update(readFileSync(path)).digest("hex");
        } catch {
          // mode 000 as an unprivileged reader: the mode and mtime still tell a change
        }
        out.set(key, `${digest} ${stats.mtimeMs} ${stats.mode}`);
      } else out.set(key, `special ${stats.mode} ${stats.mtimeMs}`);
    }
  };
  walk(Buffer.from(root));
  return out;
}

export function compareSnapshots(before: Map<string, string>, after: Map<string, string>): Failure[] {
  const failures: Failure[] = [];
  for (const [path, value] of before) {
    if (after.get(path) !== value) failures.push({ check: "evidence", detail: `${path}: ${value} became ${after.get(path) ?? "(gone)"}` });
  }
  for (const path of after.keys()) if (!before.has(path)) failures.push({ check: "evidence", detail: `${path} appeared in the evidence` });
  return failures;
}

/** Formats whose every non-blank line is a record. `#` lines are comments or headers (counted in notes). */
const LINE_FORMATS = new Set(["dovecot-log", "dovecot-events", "exchange-protocol-log"]);
/** CSV formats: a line is a record start when an even number of `"` precede it (RFC 4180); line 1 is the header. */
const CSV_FORMATS = new Set(["entra-signins-csv", "m365-audit-csv"]);
/** Members of folder formats that are metadata for other records, not records themselves. */
const METADATA_MEMBER = /(^|\/)(dovecot-uidlist|dovecot-keywords|maildirfolder|acquisition\.json|imap-journal\.jsonl|Manifest\.xml|Results\.csv)$/;

/** The bytes a line format read: the file, or a .gz's content (partial when damaged, capped at 64 MiB). */
function decodedContent(abs: string, gz: boolean): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(abs);
  } catch {
    return undefined;
  }
  if (!gz) return data;
  try {
    return gunzipSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 64 * 2 ** 20 });
  } catch {
    return undefined;
  }
}

function decodeText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString("utf16le");
  return data.toString("utf8");
}

/**
 * No silent drop, per file of the manifest:
 * - every file, zip member and folder member that holds bytes gave an event, a message or a
 *   warning (`events + messages + warnings >= 1`), except metadata members of folder formats;
 * - in line formats (Dovecot logs, event-exporter JSON lines, Exchange protocol logs), every
 *   non-blank line that is not a `#` comment is the line of an event (duplicates included: they
 *   stay in the store, marked), of a message or of a warning; a warning with no line stands for
 *   the whole file, "parsing stopped" at line L for L and after; lines a note counts as skipped
 *   ("N lines of other programs") may be that many;
 * - in CSV formats the same for each record's first line, the header excepted (a record starts
 *   on a line begun outside a quoted cell; each line the parser located a record or warning on
 *   starts one, whatever came before);
 * - every regular file in a Maildir's cur/ and new/, and every .eml/.msg of an eDiscovery or IMAP
 *   acquisition folder, is listed in the manifest (a member never opened is a drop too).
 */
export function silentDrops(evidenceRoot: string, facts: Facts): Failure[] {
  const base = join(evidenceRoot, "..");
  const failures: Failure[] = [];
  const byPath = new Map(facts.files.map((file) => [file.path, file]));
  const containers = new Set(facts.files.map((file) => file.container).filter((c): c is string => c !== null));
  for (const file of facts.files) {
    if (containers.has(file.path) && file.container === null) continue; // a claimed folder or a zip: its members are judged
    const abs = join(base, file.path);
    let size = 0;
    try {
      const stats = lstatSync(abs);
      size = stats.isFile() ? stats.size : 0;
    } catch {
      size = file.path.includes("!") ? 1 : 0;
    }
    if (METADATA_MEMBER.test(file.path)) continue;
    if (size > 0 && file.events + file.messages + file.warnings === 0) failures.push({ check: "silent-drop", detail: `${file.path}: ${size} bytes gave no event, message or warning` });
    const format = file.parser ?? "";
    if (file.path.includes("!") || (!LINE_FORMATS.has(format) && !CSV_FORMATS.has(format))) continue;
    const content = decodedContent(abs, (file.format ?? "").endsWith("+gzip"));
    if (content === undefined) continue;
    const warnings = facts.warnings[file.fileId] ?? [];
    if (warnings.some((warning) => warning.line === null)) continue;
    const stoppedAt = Math.min(...warnings.filter((warning) => warning.reason.startsWith("parsing stopped")).map((warning) => warning.line ?? Infinity));
    const covered = new Set([...(facts.itemLines[file.fileId] ?? []), ...warnings.map((warning) => warning.line ?? 0)]);
    const allowance = facts.notes.filter((note) => note.startsWith(`${file.path}:`)).reduce((sum, note) => sum + Number(/: (\d+) /.exec(note)?.[1] ?? 0), 0);
    const lines = decodeText(content).split("\n");
    const missing: number[] = [];
    const csv = new QuoteState();
    for (let i = 0; i < lines.length; i += 1) {
      const lineNo = i + 1;
      const text = (lines[i] ?? "").replace(/\r$/, "");
      // The parser's own record starts (its events and warnings) resynchronise the quote state,
      // as its recovery from a broken quote re-reads from there.
      if (covered.has(lineNo) || lineNo === 1) csv.inQuotes = false;
      const recordStart = !csv.inQuotes;
      csv.feed(text);
      if (CSV_FORMATS.has(format) && (lineNo === 1 || !recordStart)) continue;
      if (text.trim() === "" || text.startsWith("#") || lineNo >= stoppedAt) continue;
      if (!covered.has(lineNo)) missing.push(lineNo);
    }
    if (missing.length > allowance) {
      failures.push({ check: "silent-drop", detail: `${file.path}: ${missing.length} line(s) gave no event and no warning (notes allow ${allowance}): lines ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", ..." : ""}` });
    }
  }
  for (const expected of folderMembers(evidenceRoot)) {
    const rel = relative(base, expected);
    if (!byPath.has(rel)) failures.push({ check: "silent-drop", detail: `${rel}: a message file of a folder format is not in the manifest` });
  }
  return failures;
}

/**
 * Where a CSV record starts: a `"` opens a quoted cell only at the start of a cell; inside one,
 * `""` is a quote and `"` closes it. A line begun outside a quoted cell starts a record.
 */
class QuoteState {
  inQuotes = false;

  feed(line: string): void {
    let cellStart = !this.inQuotes;
    for (let i = 0; i < line.length; i += 1) {
      const char = line[i];
      if (this.inQuotes) {
        if (char === '"') {
          if (line[i + 1] === '"') i += 1;
          else this.inQuotes = false;
        }
      } else if (char === '"' && cellStart) {
        this.inQuotes = true;
      }
      cellStart = !this.inQuotes && char === ",";
    }
  }
}

/** Message files that folder formats must list: Maildir cur/ and new/, .eml/.msg of exports. */
function folderMembers(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, inExport: boolean): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    const isMaildir = names.includes("cur") && names.includes("new");
    const isExport = inExport || names.includes("Manifest.xml") || names.includes("imap-journal.jsonl");
    for (const name of names) {
      const path = join(dir, name);
      let stats;
      try {
        stats = lstatSync(path);
      } catch {
        continue; // a name the OS gave as bytes that do not survive decoding (stage 2: names as bytes)
      }
      if (stats.isDirectory()) {
        if (isMaildir && (name === "cur" || name === "new")) {
          for (const member of readdirSync(path)) {
            try {
              if (!member.startsWith(".") && lstatSync(join(path, member)).isFile()) out.push(join(path, member));
            } catch {
              // undecodable name: see above
            }
          }
        } else if (!(isMaildir && name === "tmp")) walk(path, isExport);
      } else if (stats.isFile() && isExport && /\.(eml|msg)$/i.test(name)) out.push(path);
    }
  };
  walk(root, false);
  return out;
}

/** Events of the control log: its lines must all be there. */
export function controlEvents(facts: Facts, controlName: string): number {
  return facts.files.filter((file: FileFact) => file.path.endsWith(`/${controlName}`)).reduce((sum, file) => sum + file.events, 0);
}

/**
 * Builds, runs and judges one case: the evidence is snapshotted before and after, the run must
 * complete (exit 0), drop nothing silently, and read the control log's `control.events` events.
 */
export async function runAndJudge(
  runner: Runner,
  job: Omit<Job, "id">,
  control: { name: string; events: number },
  asNobody = false,
): Promise<{ failures: Failure[]; ms: number; peakRss: number }> {
  const before = snapshot(job.evidence);
  const result = await runner.run(job, asNobody);
  const failures: Failure[] = [];
  if (result.failure) failures.push(result.failure);
  const answer = result.answer;
  if (answer && !answer.ok) failures.push({ check: "abort", detail: answer.error.split("\n").slice(0, 3).join(" | ") });
  if (answer?.ok) {
    if (answer.code !== 0) failures.push({ check: "abort", detail: `exit code ${answer.code}: ${answer.stderr.trim().slice(0, 300)}` });
    else {
      failures.push(...silentDrops(job.evidence, answer.facts));
      const events = controlEvents(answer.facts, control.name);
      if (events !== control.events) failures.push({ check: "control", detail: `control log gave ${events} events, not ${control.events}` });
    }
  }
  failures.push(...compareSnapshots(before, snapshot(job.evidence)));
  return { failures, ms: result.ms, peakRss: result.peakRss };
}
