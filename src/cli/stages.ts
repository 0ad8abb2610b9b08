/** The stages of `mailtrail run`, each usable alone on an existing case. */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileFormats, folderFormats, formatByName } from "../formats/index.js";
import { markDuplicates } from "../analysis/dedup.js";
import { loadIocs, NO_IOCS } from "../analysis/ioc.js";
import { analyze, type AnalysisResult } from "../analysis/analyze.js";
import { loadHuntConfig } from "../analysis/hunt-config.js";
import { runHunts } from "../analysis/run-hunts.js";
import { EMPTY_DIRECTORY, loadDirectory } from "../analysis/directory.js";
import { EXPOSURE_LEVELS } from "../analysis/affected.js";
import { writeAffected, writeExposedMessages, writeFindings } from "../output/analysis-files.js";
import { ingest } from "../evidence/pipeline.js";
import { MailtrailError } from "../model/errors.js";
import type { FileFormat } from "../model/format.js";
import { isValidZone } from "../lib/time.js";
import { buildSummary, writeManifest, writeSummary, writeWarnings, type RunInfo, type Summary } from "../output/case-files.js";
import { writeTimelines } from "../output/timeline.js";
import { writeReport } from "../output/report/index.js";
import { CASE_FILE, CaseStore } from "../store/case-store.js";
import { createProgress } from "./progress.js";
import { loadMailboxMap } from "./mailbox-map.js";

/** The version in package.json (found from src/ under vitest and from dist/src/ when built). */
function readVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) {
      const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "mailtrail" && pkg.version) return pkg.version;
    }
  }
  return "0.0.0";
}

export const TOOL_VERSION = readVersion();

/** Every file a case folder's commands write besides the store. */
const CASE_OUTPUTS = [
  "manifest.json",
  "warnings.jsonl",
  "summary.json",
  "timeline.csv",
  "timeline.jsonl",
  "timesketch.jsonl",
  "findings.json",
  "affected-employees.csv",
  "exposed-messages.csv",
  "report.html",
];

export interface IngestArgs {
  evidence: string[];
  out: string;
  mailboxMap?: string;
  format?: string;
  tz?: string;
  year?: number;
  jobs?: number;
  quiet?: boolean;
}

export interface AnalyzeArgs {
  ioc?: string;
  directory?: string;
  expand?: boolean;
  huntConfig?: string;
}

/** Checks the ingest options; returns the file format `--format` forces, if any. */
function checkIngestArgs(args: IngestArgs): FileFormat | undefined {
  if (args.tz !== undefined && !isValidZone(args.tz)) throw new MailtrailError("USAGE", `--tz: unknown time zone '${args.tz}' (use an IANA name such as Europe/Paris)`);
  if (args.year !== undefined && (!Number.isInteger(args.year) || args.year < 1970 || args.year > 9999)) throw new MailtrailError("USAGE", `--year: '${args.year}' is not a year`);
  if (args.format === undefined) return undefined;
  const format = formatByName(args.format);
  if (!format) throw new MailtrailError("USAGE", `--format: unknown parser '${args.format}' (see 'mailtrail formats')`);
  // A folder format is found by the folder's layout in discovery; there is no file to force it on.
  if (format.kind === "folder") throw new MailtrailError("USAGE", `--format: '${args.format}' reads folders, which are recognised by their layout; --format takes a file format (see 'mailtrail formats')`);
  return format;
}

/** Parses the evidence into a new case store in `out` (an earlier case there is replaced). */
export async function ingestStage(args: IngestArgs, startedAt: string): Promise<CaseStore> {
  const forceFormat = checkIngestArgs(args);
  const out = resolve(args.out);
  // A new case replaces the old one whole: no output of an earlier run may outlive its store.
  for (const leftover of [CASE_FILE, `${CASE_FILE}.wal`, ...CASE_OUTPUTS]) rmSync(join(out, leftover), { force: true });
  const store = await CaseStore.create(out);
  const progress = createProgress(args.quiet === true);
  try {
    const result = await ingest(store, {
      roots: args.evidence,
      fileFormats,
      folderFormats,
      forceFormat,
      parse: { tz: args.tz, year: args.year, mailboxMap: args.mailboxMap ? loadMailboxMap(args.mailboxMap, args.evidence) : undefined },
      observer: progress,
      exclude: [out],
    });
    for (const note of result.notes) await store.addNote(note);
    await store.setMeta("evidence", JSON.stringify(args.evidence.map((path) => resolve(path))));
    await store.setMeta("ingest_options", JSON.stringify({ format: args.format, tz: args.tz ?? "UTC", year: args.year, jobs: args.jobs ?? 1, mailboxMap: args.mailboxMap }));
    await store.setMeta("started_at", startedAt);
  } finally {
    progress.stop();
  }
  await markDuplicates(store);
  await store.resetAnalysisMarks();
  return store;
}

/** Re-runs the analysis on the case: marks, findings and ledgers are rebuilt from scratch. */
export async function analyzeStage(store: CaseStore, args: AnalyzeArgs): Promise<AnalysisResult> {
  const iocs = args.ioc ? loadIocs(args.ioc) : NO_IOCS;
  const directory = args.directory ? loadDirectory(args.directory) : EMPTY_DIRECTORY;
  const huntConfig = loadHuntConfig(args.huntConfig);
  await store.allowLargeQueries();
  const result = await analyze(store, { iocs, directory, expand: args.expand === true, huntConfig, runHunts });
  await store.setMeta("analysis_options", JSON.stringify({ ioc: args.ioc, directory: args.directory, expand: args.expand === true, huntConfig: args.huntConfig }));
  return result;
}

export interface OutputResult {
  summary: Summary;
  outDir: string;
}

/** Writes every output file of the case. */
export async function outputStage(store: CaseStore, command: string, analysis?: AnalysisResult): Promise<OutputResult> {
  const outDir = store.dir;
  await store.allowLargeQueries();
  let exposedMessages: number | undefined;
  if (analysis) {
    await writeTimelines(store, outDir);
    writeFindings(outDir, analysis.findings);
    await writeAffected(outDir, analysis.affected);
    exposedMessages = await writeExposedMessages(store, outDir);
  }
  await writeWarnings(store, outDir);
  const run: RunInfo = {
    tool: "mailtrail",
    version: TOOL_VERSION,
    command,
    evidence: JSON.parse((await store.getMeta("evidence")) ?? "[]") as string[],
    options: {
      ...(JSON.parse((await store.getMeta("ingest_options")) ?? "{}") as object),
      ...(JSON.parse((await store.getMeta("analysis_options")) ?? "{}") as object),
    },
    startedAt: (await store.getMeta("started_at")) ?? "",
    finishedAt: new Date().toISOString(),
  };
  await writeManifest(store, outDir, run);
  const affected = analysis
    ? Object.fromEntries(EXPOSURE_LEVELS.map((level) => [level, analysis.affected.filter((row) => row.exposure === level).length]))
    : undefined;
  const deepNotes = analysis ? analysis.deep.failed.map((failure) => `deep pass (attachment hashes) could not re-read ${failure}`) : [];
  const summary = await buildSummary(store, { affected, findings: analysis?.findings.length, exposedMessages, notes: deepNotes });
  writeSummary(outDir, summary);
  // The report reads the files above, so it comes last.
  if (analysis) await writeReport(outDir);
  return { summary, outDir };
}
