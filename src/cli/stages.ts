/** The stages of `mailtrail run`, each usable alone on an existing case. */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileFormats, folderFormats, formatByName } from "../formats/index.js";
import { markDuplicates } from "../analysis/dedup.js";
import { loadIocs, NO_IOCS, type Iocs } from "../analysis/ioc.js";
import { analyze, type AnalysisResult } from "../analysis/analyze.js";
import { loadHuntConfig } from "../analysis/hunt-config.js";
import type { HuntConfig } from "../analysis/findings.js";
import { hunts } from "../analysis/hunts/index.js";
import { runHunts } from "../analysis/run-hunts.js";
import { EMPTY_DIRECTORY, loadDirectory, type Directory } from "../analysis/directory.js";
import { EXPOSURE_LEVELS } from "../analysis/affected.js";
import { writeAffected, writeExposedMessages, writeFindings } from "../output/analysis-files.js";
import { ingest } from "../evidence/pipeline.js";
import { MailtrailError } from "../model/errors.js";
import type { FileFormat } from "../model/format.js";
import { isValidZone, ZONE_FORMS } from "../lib/time.js";
import { iocSummary } from "../output/lead.js";
import { DEFAULT_CSV, type CsvOptions } from "../output/writer.js";
import { buildSummary, writeManifest, writeSummary, writeWarnings, type RunInfo, type Summary } from "../output/case-files.js";
import { writeTimelines } from "../output/timeline.js";
import { writeReport } from "../output/report/index.js";
import { CaseStore } from "../store/case-store.js";
import { createProgress, type Progress } from "./progress.js";
import { progressStream, type CliContext } from "./context.js";
import { loadMailboxMap } from "./mailbox-map.js";
import { CASE_NAMES, checkOutFolder } from "./out-folder.js";

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

export interface IngestArgs {
  evidence: string[];
  out: string;
  mailboxMap?: string;
  format?: string;
  tz?: string;
  /** As typed (`--year 2026`); checked by planIngest. */
  year?: string | number;
  jobs?: number;
  /** Write into an --out that holds another case or other files. */
  force?: boolean;
}

export interface AnalyzeArgs {
  ioc?: string;
  directory?: string;
  expand?: boolean;
  huntConfig?: string;
}

/** An ingest whose options were all checked, before any evidence is read. */
export interface IngestPlan {
  args: IngestArgs;
  out: string;
  evidence: string[];
  forceFormat: FileFormat | undefined;
  year: number | undefined;
  mailboxMap: Record<string, string> | undefined;
}

/** The analysis options, loaded (and so checked) before any evidence is read. */
export interface AnalysisInputs {
  args: AnalyzeArgs;
  iocs: Iocs;
  directory: Directory;
  huntConfig: HuntConfig;
}

/** `--year`: four digits (a typed number or text). */
function parseYear(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const year = /^\d{4}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(year) || year < 1970) throw new MailtrailError("USAGE", `--year: '${text}' is not a year (four digits from 1970, e.g. 2026)`);
  return year;
}

/** Checks the file format `--format` forces, if any. */
function checkFormat(name: string | undefined): FileFormat | undefined {
  if (name === undefined) return undefined;
  const format = formatByName(name);
  if (!format) throw new MailtrailError("USAGE", `--format: unknown parser '${name}' (see 'mailtrail formats')`);
  // A folder format is found by the folder's layout in discovery; there is no file to force it on.
  if (format.kind === "folder") throw new MailtrailError("USAGE", `--format: '${name}' reads folders, which are recognised by their layout; --format takes a file format (see 'mailtrail formats')`);
  return format;
}

/** Runs `work` with progress on the CLI's stderr (none with --quiet); the last stage ends before the summary is printed. */
export async function withProgress<T>(context: CliContext, quiet: boolean, work: (progress: Progress) => Promise<T>): Promise<T> {
  const progress = createProgress({ quiet, stream: progressStream(context.io) });
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}

/** Every ingest option checked, and the out folder judged, before anything is read or removed. */
export async function planIngest(args: IngestArgs): Promise<IngestPlan> {
  if (args.tz !== undefined && !isValidZone(args.tz)) throw new MailtrailError("USAGE", `--tz: unknown time zone '${args.tz}' (${ZONE_FORMS})`);
  const year = parseYear(args.year);
  const forceFormat = checkFormat(args.format);
  const mailboxMap = args.mailboxMap ? loadMailboxMap(args.mailboxMap, args.evidence) : undefined;
  const out = resolve(args.out);
  const evidence = args.evidence.map((path) => resolve(path));
  await checkOutFolder(out, evidence, args.force === true);
  return { args, out, evidence, forceFormat, year, mailboxMap };
}

/** Loads the IOC file, directory and hunt config: a mistake in any of them fails here, in seconds. */
export function loadAnalysisInputs(args: AnalyzeArgs): AnalysisInputs {
  return {
    args,
    iocs: args.ioc ? loadIocs(args.ioc) : NO_IOCS,
    directory: args.directory ? loadDirectory(args.directory) : EMPTY_DIRECTORY,
    huntConfig: loadHuntConfig(args.huntConfig),
  };
}

/** Parses the evidence into a new case store in `out` (an earlier case there is replaced). */
export async function ingestStage(plan: IngestPlan, startedAt: string, progress: Progress): Promise<CaseStore> {
  const { args, out } = plan;
  // A new case replaces the old one whole: no output of an earlier run may outlive its store.
  for (const leftover of CASE_NAMES) rmSync(join(out, leftover), { force: true });
  const store = await CaseStore.create(out);
  let parsedFiles = 0;
  try {
    // Recorded first, so that even an interrupted ingest says which evidence its folder holds.
    await store.setMeta("evidence", JSON.stringify(plan.evidence));
    progress.stage("ingest");
    const result = await ingest(store, {
      roots: args.evidence,
      fileFormats,
      folderFormats,
      forceFormat: plan.forceFormat,
      parse: { tz: args.tz, year: plan.year, mailboxMap: plan.mailboxMap },
      observer: progress.observer,
      exclude: [out],
    });
    // A file a parser took is evidence even if it later failed part way.
    parsedFiles = result.files.filter((file) => file.parser !== undefined).length;
    for (const note of result.notes) await store.addNote(note);
    await store.setMeta("ingest_options", JSON.stringify({ format: args.format, tz: args.tz ?? "UTC", year: plan.year, jobs: args.jobs ?? 1, mailboxMap: args.mailboxMap }));
    await store.setMeta("started_at", startedAt);
    progress.stage("de-duplication");
    await markDuplicates(store);
    await store.resetAnalysisMarks();
  } catch (error) {
    progress.stop();
    await store.close();
    throw error;
  }
  if (parsedFiles === 0) {
    // The folder keeps what was seen (manifest, warnings, summary): the reason per file.
    try {
      await outputStage(store, "ingest", { progress });
    } finally {
      await store.close();
    }
    throw new MailtrailError("NO_EVIDENCE", `nothing in ${args.evidence.join(", ")} is evidence mailtrail reads: no file was recognised (why, per file: ${join(out, "warnings.jsonl")}; 'mailtrail formats' lists what is read; --format forces a parser)`);
  }
  return store;
}

/** Re-runs the analysis on the case: marks, findings and ledgers are rebuilt from scratch. */
export async function analyzeStage(store: CaseStore, inputs: AnalysisInputs, progress: Progress): Promise<AnalysisResult> {
  const { args } = inputs;
  progress.stage("analysis");
  await store.allowLargeQueries();
  await store.ensureLiveEventsView();
  const result = await analyze(store, { iocs: inputs.iocs, directory: inputs.directory, expand: args.expand === true, huntConfig: inputs.huntConfig, runHunts });
  await store.setMeta("analysis_options", JSON.stringify({ ioc: args.ioc, directory: args.directory, expand: args.expand === true, huntConfig: args.huntConfig }));
  return result;
}

export interface OutputResult {
  summary: Summary;
  outDir: string;
}

export interface OutputOptions {
  analysis?: AnalysisResult;
  csv?: CsvOptions;
  progress?: Progress;
}

const HUNT_RULES: ReadonlySet<string> = new Set(hunts.map((hunt) => hunt.id));

/** Writes every output file of the case. */
export async function outputStage(store: CaseStore, command: string, options: OutputOptions = {}): Promise<OutputResult> {
  const { analysis } = options;
  const csv = options.csv ?? DEFAULT_CSV;
  options.progress?.stage("outputs");
  const outDir = store.dir;
  await store.allowLargeQueries();
  let exposedMessages: number | undefined;
  if (analysis) {
    await writeTimelines(store, outDir, csv);
    writeFindings(outDir, analysis.findings);
    await writeAffected(outDir, analysis.affected, csv);
    exposedMessages = await writeExposedMessages(store, outDir, csv);
  }
  await writeWarnings(store, outDir);
  const analysisOptions = JSON.parse((await store.getMeta("analysis_options")) ?? "{}") as { ioc?: string };
  const run: RunInfo = {
    tool: "mailtrail",
    version: TOOL_VERSION,
    command,
    evidence: JSON.parse((await store.getMeta("evidence")) ?? "[]") as string[],
    options: {
      ...(JSON.parse((await store.getMeta("ingest_options")) ?? "{}") as object),
      ...analysisOptions,
    },
    startedAt: (await store.getMeta("started_at")) ?? "",
    finishedAt: new Date().toISOString(),
  };
  await writeManifest(store, outDir, run);
  const affected = analysis
    ? Object.fromEntries(EXPOSURE_LEVELS.map((level) => [level, analysis.affected.filter((row) => row.exposure === level).length]))
    : undefined;
  const deepNotes = analysis ? analysis.deep.failed.map((failure) => `deep pass (attachment hashes) could not re-read ${failure}`) : [];
  const ioc = analysis ? iocSummary(analysisOptions.ioc !== undefined, analysis.findings, HUNT_RULES) : undefined;
  const summary = await buildSummary(store, { affected, findings: analysis?.findings.length, exposedMessages, notes: deepNotes, ioc });
  writeSummary(outDir, summary);
  // The report reads the files above, so it comes last.
  if (analysis) await writeReport(outDir);
  return { summary, outDir };
}
