/**
 * `npm run bench`: generates large realistic evidence, then times `mailtrail ingest` end to end
 * (parse + store + the timeline files `ingest` writes) next to plain Unix baselines (grep, awk, jq,
 * mlr) over the same files in the same run. Prints a table and writes it as JSON.
 *
 *   node dist/bench/run.js [--quick] [--keep] [--only dovecot,m365,mbox,cloudtrail] [--no-split]
 *
 * --quick     small sizes (minutes instead of the better part of an hour)
 * --keep      keep the generated files (a later run with the same sizes reuses them)
 * --only      run only these dataset groups
 * --no-split  skip the breakdown after each ingest: the parser alone (bench/parse-only.ts) and the
 *             output stage alone (`mailtrail timeline` on the case just built)
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCloudTrail, type TrailSummary } from "./gen-cloudtrail.js";
import { generateDovecotLog } from "./gen-dovecot.js";

const MIB = 1024 * 1024;
const JQ_ARRAY_LIMIT = 200 * 1000 * 1000;
const GNU_TIME = "/usr/bin/time";
const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const PARSE_ONLY = fileURLToPath(new URL("./parse-only.js", import.meta.url));

interface Options {
  quick: boolean;
  keep: boolean;
  split: boolean;
  only: Set<string> | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, keep: false, split: true, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") options.quick = true;
    else if (arg === "--keep") options.keep = true;
    else if (arg === "--no-split") options.split = false;
    else if (arg === "--only") options.only = new Set((argv[++i] ?? "").split(","));
    else if (arg?.startsWith("--only=")) options.only = new Set(arg.slice(7).split(","));
    else throw new Error(`unknown option ${arg ?? ""} (use --quick, --keep, --only <groups>, --no-split)`);
  }
  return options;
}

/** What one timed process cost. */
interface Timing {
  seconds: number;
  cpuSeconds: number;
  peakRssMib: number;
  exitCode: number;
  stdout: string;
  stderrTail: string;
  rssMethod: string;
}

/** One row of the results table. */
interface Row {
  dataset: string;
  tool: string;
  command: string;
  seconds: number | undefined;
  cpuSeconds: number | undefined;
  records: number;
  bytes: number;
  recordsPerSecond: number | undefined;
  mibPerSecond: number | undefined;
  peakRssMib: number | undefined;
  ratio: string;
  load1: number;
  note?: string;
  summary?: Record<string, unknown>;
}

const HAVE_GNU_TIME = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0;

function haveTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

/**
 * Runs a command and measures wall time (hrtime around the spawn), CPU time and peak RSS. Peak RSS
 * comes from GNU time (the kernel's ru_maxrss of the process and its waited-for children) when
 * /usr/bin/time exists, else from polling /proc/<pid>/status VmHWM every 20 ms (the child only).
 */
async function timed(command: string, args: string[], stdoutTo: "capture" | "null", scratch: string): Promise<Timing> {
  const timeFile = join(scratch, "time.txt");
  rmSync(timeFile, { force: true });
  const devNull = stdoutTo === "null" ? openSync("/dev/null", "w") : undefined;
  const [file, argv] = HAVE_GNU_TIME ? [GNU_TIME, ["-f", "%e %M %U %S", "-o", timeFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: ["ignore", devNull ?? "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let polledHwmKib = 0;
  let polledCpuTicks = 0;
  const poll = HAVE_GNU_TIME
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
          if (hwm) polledHwmKib = Math.max(polledHwmKib, Number(hwm[1]));
          const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          polledCpuTicks = Number(fields[11]) + Number(fields[12]);
        } catch {
          // The process has just exited: keep the last reading.
        }
      }, 20);
  const exitCode: number = await new Promise((resolveExit) => child.on("close", (code) => resolveExit(code ?? 1)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (poll) clearInterval(poll);
  if (devNull !== undefined) closeSync(devNull);
  if (HAVE_GNU_TIME && existsSync(timeFile)) {
    const lines = readFileSync(timeFile, "utf8").trim().split("\n");
    const [, maxRssKib, user, sys] = (lines[lines.length - 1] ?? "").split(" ").map(Number);
    return { seconds, cpuSeconds: (user ?? 0) + (sys ?? 0), peakRssMib: (maxRssKib ?? 0) / 1024, exitCode, stdout, stderrTail: stderr, rssMethod: "GNU time ru_maxrss" };
  }
  return { seconds, cpuSeconds: polledCpuTicks / 100, peakRssMib: polledHwmKib / 1024, exitCode, stdout, stderrTail: stderr, rssMethod: "polled /proc VmHWM" };
}

interface Dataset {
  group: string;
  name: string;
  file: string;
  /** What mailtrail is given, when not the file itself (a folder whose name tells the mailbox owner). */
  evidence?: string;
  bytes: number;
  records: number;
  recordUnit: string;
}

interface DatasetMeta {
  generator: string;
  records: number;
  bytes: number;
}

const BENCH_ROOT = join(tmpdir(), "mailtrail-bench");

/** Where a generated file's size and generator are noted (outside the data folders, which are evidence). */
function metaPath(file: string): string {
  const dir = join(BENCH_ROOT, "meta");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${basename(dirname(file))}__${basename(file)}.json`);
}

/** Generates `file` unless an earlier `--keep` run left the same file (same generator, size and count). */
async function ensureDataset(
  group: string,
  name: string,
  file: string,
  generator: string,
  records: number,
  recordUnit: string,
  generate: () => Promise<void>,
): Promise<Dataset> {
  const metaFile = metaPath(file);
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as DatasetMeta;
    if (meta.generator === generator && meta.records === records && meta.bytes === statSync(file).size) {
      log(`reusing ${file} (${(meta.bytes / MIB).toFixed(0)} MiB)`);
      return { group, name, file, bytes: meta.bytes, records, recordUnit };
    }
  }
  rmSync(file, { force: true });
  rmSync(metaFile, { force: true });
  log(`generating ${name} → ${file}`);
  const started = Date.now();
  await generate();
  const bytes = statSync(file).size;
  writeFileSync(metaFile, JSON.stringify({ generator, records, bytes } satisfies DatasetMeta));
  log(`  ${(bytes / MIB).toFixed(0)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { group, name, file, bytes, records, recordUnit };
}

/** The line of a failed command's stderr that says what went wrong (an `Error` line if any, else the last lines). */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split("\n").filter((line) => line.trim() !== "");
  return (lines.find((line) => /error/i.test(line)) ?? lines.slice(-3).join(" | ")).slice(0, 300);
}

function log(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** Reads the file once so every tool after it sees the same warm page cache. */
function warm(file: string): void {
  spawnSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });
}

function row(dataset: Dataset, tool: string, command: string, timing: Timing | undefined, note?: string): Row {
  const ok = timing !== undefined && timing.exitCode === 0;
  return {
    dataset: dataset.name,
    tool,
    command,
    seconds: ok ? timing.seconds : undefined,
    cpuSeconds: ok ? timing.cpuSeconds : undefined,
    records: dataset.records,
    bytes: dataset.bytes,
    recordsPerSecond: ok ? dataset.records / timing.seconds : undefined,
    mibPerSecond: ok ? dataset.bytes / MIB / timing.seconds : undefined,
    peakRssMib: ok ? timing.peakRssMib : undefined,
    ratio: "",
    load1: loadavg()[0] ?? 0,
    ...(note === undefined ? {} : { note }),
  };
}

interface Baseline {
  tool: string;
  binary: string;
  args: string[];
  stdout: "capture" | "null";
  skip?: string;
}

/** Times the baselines, then mailtrail ingest (and, with split, the output stage alone) on one dataset. */
async function benchDataset(dataset: Dataset, baselines: Baseline[], options: Options, work: string, rows: Row[]): Promise<Row | undefined> {
  warm(dataset.file);
  const baseRows: Row[] = [];
  for (const base of baselines) {
    const command = `${base.binary} ${base.args.map((a) => (/[\s'"*$|]/.test(a) ? `'${a}'` : a)).join(" ")}${base.stdout === "null" ? " > /dev/null" : ""}`;
    if (base.skip) {
      log(`skip ${base.tool} on ${dataset.name}: ${base.skip}`);
      rows.push(row(dataset, base.tool, command, undefined, `skipped: ${base.skip}`));
      continue;
    }
    if (!haveTool(base.binary)) {
      log(`skip ${base.tool}: '${base.binary}' is not installed`);
      rows.push(row(dataset, base.tool, command, undefined, `skipped: ${base.binary} not installed`));
      continue;
    }
    log(`${dataset.name}: ${command}`);
    const timing = await timed(base.binary, base.args, base.stdout, work);
    const failed = timing.exitCode !== 0 && !(base.binary === "grep" && timing.exitCode === 1);
    const result = row(dataset, base.tool, command, failed ? undefined : { ...timing, exitCode: 0 }, failed ? `failed (exit ${timing.exitCode}): ${errorLine(timing.stderrTail)}` : base.stdout === "capture" ? `output: ${timing.stdout.trim()}` : undefined);
    rows.push(result);
    baseRows.push(result);
  }

  const caseDir = join(work, "case");
  rmSync(caseDir, { recursive: true, force: true });
  const args = [CLI, "ingest", dataset.evidence ?? dataset.file, "--out", caseDir, "--quiet", "--json", "--year", "2025"];
  log(`${dataset.name}: mailtrail ingest (end to end)`);
  const timing = await timed(process.execPath, args, "capture", work);
  let summary: Record<string, unknown> | undefined;
  let note: string | undefined;
  if (timing.exitCode === 0) {
    try {
      summary = JSON.parse(timing.stdout) as Record<string, unknown>;
    } catch {
      note = "could not read the --json summary";
    }
    const files = summary?.["files"] as { unrecognised?: number } | undefined;
    if (files?.unrecognised) note = "no registered parser recognised this file (events = 0): throughput is discovery + hashing only";
  } else {
    note = `failed (exit ${timing.exitCode}) after ${timing.seconds.toFixed(1)} s, peak RSS ${timing.peakRssMib.toFixed(0)} MB: ${errorLine(timing.stderrTail)}`;
  }
  const mailtrail = row(dataset, "mailtrail ingest", `node dist/src/cli/main.js ${args.slice(1).join(" ").replace(work, "$TMP")}`, timing, note);
  if (summary) {
    mailtrail.summary = {
      events: summary["events"],
      records: summary["records"],
      warnings: summary["warnings"],
      events_by_kind: summary["events_by_kind"],
      messages: (summary["messages"] as { total?: number } | undefined)?.total,
      first_warnings: firstWarnings(caseDir, 3),
      case_bytes: dirBytes(caseDir),
      case_files: caseFiles(caseDir),
    };
  }
  mailtrail.ratio = baseRows
    .filter((b) => b.seconds !== undefined && mailtrail.seconds !== undefined)
    .map((b) => `${((mailtrail.seconds as number) / (b.seconds as number)).toFixed(1)}× ${b.tool}`)
    .join(", ");
  rows.push(mailtrail);

  if (options.split && timing.exitCode === 0 && summary) {
    log(`${dataset.name}: parser alone (no store, no output)`);
    const as = dataset.evidence ? ["--as", relative(dirname(dataset.evidence), dataset.file)] : [];
    const parse = await timed(process.execPath, [PARSE_ONLY, dataset.file, "--year", "2025", ...as], "capture", work);
    const parseRow = row(
      dataset,
      "  of which parse (parser alone)",
      `node dist/bench/parse-only.js $FILE --year 2025`,
      parse,
      parse.exitCode === 0 ? `output: ${parse.stdout.trim()}` : `failed (exit ${parse.exitCode}): ${errorLine(parse.stderrTail)}`,
    );
    if (parse.exitCode === 0 && mailtrail.seconds !== undefined) parseRow.ratio = `${((100 * parse.seconds) / mailtrail.seconds).toFixed(0)}% of ingest`;
    rows.push(parseRow);
    // Whether `ingest` itself wrote the timeline decides how the timeline row reads.
    const ingestWroteTimeline = existsSync(join(caseDir, "timeline.csv"));
    log(`${dataset.name}: mailtrail timeline (the output stage, alone)`);
    const output = await timed(process.execPath, [CLI, "timeline", caseDir, "--json"], "capture", work);
    const label = ingestWroteTimeline ? "  of which output (timeline re-run)" : "mailtrail timeline (next step)";
    const failure = `failed (exit ${output.exitCode}) after ${output.seconds.toFixed(1)} s, peak RSS ${output.peakRssMib.toFixed(0)} MB: ${errorLine(output.stderrTail)}`;
    const outRow = row(dataset, label, `node dist/src/cli/main.js timeline $TMP/case --json`, output, output.exitCode === 0 ? undefined : failure);
    if (output.exitCode === 0 && !ingestWroteTimeline) {
      outRow.ratio = `ingest + timeline = ${((mailtrail.seconds ?? 0) + output.seconds).toFixed(2)} s`;
      outRow.note = `ingest in this build writes no timeline; timeline files (MB): ${JSON.stringify(caseFiles(caseDir))}`;
    } else if (output.exitCode === 0 && mailtrail.seconds !== undefined) {
      outRow.ratio = `${((100 * output.seconds) / mailtrail.seconds).toFixed(0)}% of ingest`;
      const rest = mailtrail.seconds - output.seconds;
      outRow.note = `ingest without its output stage ≈ ${rest.toFixed(1)} s = ${Math.round(dataset.records / rest).toLocaleString("en-US")} ${dataset.recordUnit}/s`;
      if (parseRow.seconds !== undefined) outRow.note += `; store and the rest ≈ ingest − parse − output = ${(rest - parseRow.seconds).toFixed(1)} s`;
    }
    rows.push(outRow);
  }
  rmSync(caseDir, { recursive: true, force: true });
  return mailtrail;
}

function dirBytes(dir: string): number {
  let total = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

/** The first few lines of the case's warnings.jsonl, to show what a warning was about. */
function firstWarnings(dir: string, count: number): string[] {
  const file = join(dir, "warnings.jsonl");
  if (!existsSync(file) || statSync(file).size === 0) return [];
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(16 * 1024);
  const got = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  return buffer.toString("utf8", 0, got).split("\n").filter((line) => line !== "").slice(0, count);
}

function caseFiles(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) out[entry.name] = Math.round(statSync(join(dir, entry.name)).size / MIB);
  return out;
}

type Generator = (path: string, count: number) => Promise<unknown>;

/** A generator exported by another helper's bench file, if that file exists and exports it. */
async function optionalGenerator(module: string, name: string, notes: string[]): Promise<Generator | undefined> {
  const url = new URL(`./${module}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    notes.push(`bench/${module}.ts is not built: its datasets are skipped`);
    return undefined;
  }
  try {
    const loaded = (await import(url.href)) as Record<string, unknown>;
    const fn = loaded[name];
    if (typeof fn === "function") return fn as Generator;
    notes.push(`bench/${module}.ts exports no ${name}(): its dataset is skipped`);
  } catch (error) {
    notes.push(`bench/${module}.ts failed to load (${String(error)}): its datasets are skipped`);
  }
  return undefined;
}

/** The commit measured, and whether src/ or parsers/ had uncommitted changes (other people work in the same tree). */
function treeState(): string {
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const head = spawnSync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  if (head.status !== 0) return "unknown (not a git checkout)";
  const dirty = spawnSync("git", ["-C", repo, "status", "--porcelain", "--", "src", "parsers"], { encoding: "utf8" });
  const changed = dirty.stdout.split("\n").filter((line) => line.trim() !== "").length;
  return `${head.stdout.trim()}${changed > 0 ? ` + ${changed} uncommitted file(s) in src/ and parsers/` : ""}`;
}

function fmt(value: number | undefined, digits: number): string {
  if (value === undefined) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function printTable(rows: Row[]): string {
  const header = ["dataset", "tool", "seconds", "cpu s", "records/s", "rec/cpu-s", "MB/s", "peak RSS MB", "ratio vs baseline", "load1"];
  const body = rows.map((r) => [
    r.dataset,
    r.tool,
    fmt(r.seconds, 2),
    fmt(r.cpuSeconds, 2),
    fmt(r.recordsPerSecond, 0),
    fmt(r.cpuSeconds ? r.records / r.cpuSeconds : undefined, 0),
    fmt(r.mibPerSecond, 1),
    fmt(r.peakRssMib, 0),
    r.ratio,
    fmt(r.load1, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? "").length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 9]);
  const line = (cells: string[]): string => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  const lines = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const tree = treeState();
  const root = BENCH_ROOT;
  const data = join(root, "data");
  const work = join(root, "work");
  mkdirSync(data, { recursive: true });
  mkdirSync(work, { recursive: true });
  const wants = (group: string): boolean => options.only === undefined || options.only.has(group);
  const rows: Row[] = [];
  const notes: string[] = [];
  const generated: string[] = [];
  if (!HAVE_GNU_TIME) notes.push("peak RSS: /usr/bin/time is missing, so RSS is polled from /proc VmHWM every 20 ms (may miss short peaks)");
  else notes.push("peak RSS: GNU time ru_maxrss (/usr/bin/time -f %M)");
  notes.push("MB = 2^20 bytes; seconds = wall clock; cpu s = user + system of the process and its children (DuckDB may use 2 threads); rec/cpu-s = records per CPU second, less sensitive to the shared machine's load; load1 = 1-minute load average when the row finished (2-core machine)");
  notes.push("each file is read once with cat before its first tool, so every tool sees a warm page cache");
  log(`${options.quick ? "quick" : "full"} run; data in ${data}; cpus=${cpus().length}, memory=${(totalmem() / 1024 ** 3).toFixed(1)} GiB, load=${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const track = (dataset: Dataset): Dataset => {
    generated.push(dataset.file, metaPath(dataset.file));
    return dataset;
  };
  const done = (dataset: Dataset): void => {
    if (options.keep) return;
    rmSync(dataset.file, { force: true });
    rmSync(metaPath(dataset.file), { force: true });
    if (dataset.evidence) rmSync(join(dataset.evidence, ".."), { recursive: true, force: true });
  };

  // Dovecot: two sizes, four times apart, to show throughput and whether memory stays flat.
  const dovecotRows: Row[] = [];
  if (wants("dovecot")) {
    for (const lines of options.quick ? [200_000, 800_000] : [2_000_000, 8_000_000]) {
      const label = `dovecot ${lines / 1_000_000} M lines`;
      const file = join(data, `dovecot-${lines}.log`);
      const dataset = track(await ensureDataset("dovecot", label, file, "gen-dovecot v1 seed 7", lines, "lines", () => generateDovecotLog(file, lines).then(() => undefined)));
      const result = await benchDataset(
        dataset,
        [
          { tool: "grep -c Login", binary: "grep", args: ["-c", "Login: ", file], stdout: "capture" },
          { tool: "awk NF", binary: "awk", args: ["{print NF}", file], stdout: "null" },
        ],
        options,
        work,
        rows,
      );
      if (result) dovecotRows.push(result);
      done(dataset);
    }
  }

  // Microsoft 365 (generators from bench/gen-m365.ts, when present).
  if (wants("m365")) {
    const ndjson = await optionalGenerator("gen-m365", "generateSignInsNdjson", notes);
    const array = await optionalGenerator("gen-m365", "generateSignInsArray", notes);
    const purview = await optionalGenerator("gen-m365", "generatePurviewCsv", notes);
    const signIns = options.quick ? 100_000 : 1_000_000;
    const ualRows = options.quick ? 50_000 : 500_000;
    if (ndjson) {
      const file = join(data, `signins-${signIns}.ndjson`);
      const dataset = track(await ensureDataset("m365", `sign-ins NDJSON ${signIns / 1000} k`, file, "gen-m365 ndjson seed 1", signIns, "sign-ins", () => ndjson(file, signIns).then(() => undefined)));
      await benchDataset(dataset, [{ tool: "jq select", binary: "jq", args: ["-c", "select(.id)", file], stdout: "null" }], options, work, rows);
      done(dataset);
    }
    if (array) {
      const file = join(data, `signins-${signIns}.json`);
      const dataset = track(await ensureDataset("m365", `sign-ins JSON array ${signIns / 1000} k`, file, "gen-m365 array seed 1", signIns, "sign-ins", () => array(file, signIns).then(() => undefined)));
      const tooBig = dataset.bytes > JQ_ARRAY_LIMIT ? `file is ${(dataset.bytes / 1e6).toFixed(0)} MB > 200 MB: jq '.[]' loads the whole array (it needed 7.7 GB on 1 M sign-ins)` : undefined;
      await benchDataset(dataset, [{ tool: "jq .[]", binary: "jq", args: ["-c", ".[]", file], stdout: "null", ...(tooBig ? { skip: tooBig } : {}) }], options, work, rows);
      done(dataset);
    }
    if (purview) {
      const file = join(data, `purview-${ualRows}.csv`);
      const dataset = track(await ensureDataset("m365", `Purview UAL CSV ${ualRows / 1000} k`, file, "gen-m365 purview seed 1", ualRows, "rows", () => purview(file, ualRows).then(() => undefined)));
      await benchDataset(dataset, [{ tool: "mlr csv→json", binary: "mlr", args: ["--icsv", "--ojson", "cat", file], stdout: "null" }], options, work, rows);
      done(dataset);
    }
  }

  // mbox (generator from bench/gen-mbox.ts, when present).
  if (wants("mbox")) {
    const mbox = await optionalGenerator("gen-mbox", "generateMbox", notes);
    if (mbox) {
      const target = options.quick ? 200 * MIB : 2048 * MIB;
      // The owner's address in the path, as exports are usually laid out: the parser takes the mailbox from it.
      const owner = join(data, `mbox-${target / MIB}MiB`, "alice@agency.example");
      mkdirSync(owner, { recursive: true });
      const file = join(owner, "Inbox.mbox");
      const dataset = track(
        await ensureDataset("mbox", `mbox ${target / MIB} MiB`, file, "gen-mbox seed 42", target, "messages", async () => {
          await mbox(file, target);
        }),
      );
      // The generator's count is by bytes; count messages the way the baseline does, for records/s.
      const count = spawnSync("grep", ["-c", "^From ", file], { encoding: "utf8" });
      dataset.records = Number(count.stdout.trim()) || 0;
      dataset.evidence = owner;
      await benchDataset(dataset, [{ tool: "grep -c '^From '", binary: "grep", args: ["-c", "^From ", file], stdout: "capture" }], options, work, rows);
      done(dataset);
    }
  }

  // CloudTrail: a trail as delivered to S3 (.json.gz files of {"Records":[…]}), against jq on the same files.
  if (wants("cloudtrail")) {
    const records = options.quick ? 50_000 : 500_000;
    const base = join(data, `cloudtrail-${records}`);
    const trail = join(base, "trail");
    const marker = join(data, `cloudtrail-${records}.summary.json`);
    const dataset = track(
      await ensureDataset("cloudtrail", `CloudTrail ${records / 1000} k records (.json.gz)`, marker, "gen-cloudtrail v1 seed 2026", records, "records", async () => {
        rmSync(base, { recursive: true, force: true });
        const summary = await generateCloudTrail(trail, records);
        writeFileSync(marker, JSON.stringify(summary));
      }),
    );
    const summary = JSON.parse(readFileSync(marker, "utf8")) as TrailSummary;
    dataset.evidence = trail;
    // Throughput is of the JSON (uncompressed); the files on disk are summary.compressedBytes.
    dataset.bytes = summary.bytes;
    const files = `${trail}/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz`;
    spawnSync("sh", ["-c", `cat ${files} > /dev/null`]);
    notes.push(`CloudTrail: ${summary.files} .json.gz files, ${(summary.compressedBytes / MIB).toFixed(0)} MB on disk, ${(summary.bytes / MIB).toFixed(0)} MB of JSON (MB/s is of the JSON); jq reads the same files through gzip -dc, as it cannot read gzip itself`);
    await benchDataset(
      dataset,
      [
        { tool: "gzip -dc", binary: "sh", args: ["-c", `gzip -dc ${files}`], stdout: "null" },
        { tool: "jq -c .Records[]", binary: "sh", args: ["-c", `gzip -dc ${files} | jq -c '.Records[]'`], stdout: "null", ...(haveTool("jq") ? {} : { skip: "jq is not installed (Debian package jq)" }) },
      ],
      // The parser-alone split reads one file; a trail is hundreds: its breakdown would not compare.
      { ...options, split: false },
      work,
      rows,
    );
    done(dataset);
  }

  const table = printTable(rows);
  process.stdout.write(`\nmailtrail bench (${options.quick ? "--quick" : "full"}), ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cpus, tree ${tree}\n\n${table}\n\n`);
  for (const r of rows) if (r.note) process.stdout.write(`- ${r.dataset} / ${r.tool.trim()}: ${r.note}\n`);
  for (const r of rows) {
    if (!r.summary) continue;
    process.stdout.write(
      `- ${r.dataset}: events ${String(r.summary["events"])}, messages ${String(r.summary["messages"])}, warnings ${String(r.summary["warnings"])}, by kind ${JSON.stringify(r.summary["events_by_kind"])}, case files after ingest (MB) ${JSON.stringify(r.summary["case_files"])}\n`,
    );
    for (const warning of (r.summary["first_warnings"] as string[] | undefined) ?? []) process.stdout.write(`    warning: ${warning.slice(0, 300)}\n`);
  }
  if (dovecotRows.length === 2) {
    const [small, large] = dovecotRows as [Row, Row];
    if (small.peakRssMib !== undefined && large.peakRssMib !== undefined) {
      process.stdout.write(
        `- memory flatness (Dovecot): peak RSS ${small.peakRssMib.toFixed(0)} MB at ${small.dataset.replace("dovecot ", "")} vs ${large.peakRssMib.toFixed(0)} MB at ${large.dataset.replace("dovecot ", "")} (×${(large.peakRssMib / small.peakRssMib).toFixed(2)} for ×${(large.records / small.records).toFixed(0)} input)\n`,
      );
    }
  }
  for (const note of notes) process.stdout.write(`- ${note}\n`);
  const resultsFile = join(root, "latest.json");
  writeFileSync(resultsFile, `${JSON.stringify({ run: { quick: options.quick, at: new Date().toISOString(), tree, node: process.version, cpus: cpus().length, notes }, rows }, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${resultsFile}\n`);
  if (!options.keep) for (const file of generated) rmSync(file, { force: true });
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
