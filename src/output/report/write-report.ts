/** report.html from the files of a case folder (docs/output-contract.md), streamed: normal events are only counted. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readCsv, readFindings, readManifest, readSummary, type Problems } from "./case-inputs.js";
import type { ReportData } from "./data.js";
import { renderPage } from "./page.js";
import { StringTable } from "./strings.js";
import { digestTimeline } from "./timeline-digest.js";

export const REPORT_FILE = "report.html";

/** Everything the page shows, read from `outDir`; missing files become `null` sections. */
export async function collectReportData(outDir: string): Promise<ReportData> {
  const problems: Problems = { list: [] };
  const strings = new StringTable();
  const summary = readSummary(join(outDir, "summary.json"), problems);
  const manifest = readManifest(join(outDir, "manifest.json"), problems);
  const findings = readFindings(join(outDir, "findings.json"), problems);
  const affected = await readCsv(join(outDir, "affected-employees.csv"), problems);
  const exposed = await readCsv(join(outDir, "exposed-messages.csv"), problems);
  const digest = await digestTimeline(join(outDir, "timeline.jsonl"), strings);
  if (!summary) problems.list.push("summary.json is missing: the headline counts come from the timeline alone.");
  if (!digest) problems.list.push("timeline.jsonl is missing: no attacker timeline and no chart.");
  return {
    tool: { version: manifest.version, command: manifest.command },
    summary,
    files: manifest.files,
    findings,
    affected,
    exposed,
    strings: strings.values,
    attacker: digest?.attacker ?? [],
    addresses: digest?.addresses ?? [],
    signedIn: digest?.signedIn ?? [],
    targeted: digest?.targeted ?? [],
    moments: digest?.moments ?? [],
    chart: digest?.chart ?? { sources: [], buckets: [], fine: null },
    range: digest?.range ?? { first: 0, last: 0, attackerFirst: 0, attackerLast: 0, events: 0 },
    readProblems: [...problems.list, ...(digest?.problems ?? [])],
  };
}

/** Writes `<outDir>/report.html`: one self-contained page, safe to open from disk. */
export async function writeReport(outDir: string): Promise<void> {
  const data = await collectReportData(outDir);
  await writeFile(join(outDir, REPORT_FILE), renderPage(data), "utf8");
}
