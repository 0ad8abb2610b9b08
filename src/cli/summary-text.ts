import type { AffectedRow } from "../analysis/affected.js";
import type { Summary } from "../output/case-files.js";
import { leadSentence } from "../output/lead.js";
import type { CliIo } from "./context.js";
import type { OutputResult } from "./stages.js";

const INGEST_OUTPUTS = ["manifest.json", "warnings.jsonl", "summary.json", "case.duckdb"];
const ANALYSIS_OUTPUTS = ["report.html", "timeline.csv", "timeline.jsonl", "timesketch.jsonl", "findings.json", "affected-employees.csv", "exposed-messages.csv"];

/** The short human summary printed at the end of a command. */
function humanSummary(command: string, summary: Summary, outDir: string): string {
  const lines = [
    `mailtrail ${command}: ${summary.files.total} files (${summary.files.parsed} parsed, ${summary.files.unrecognised} unrecognised, ${summary.files.failed} with errors)`,
    `  ${summary.records} records -> ${summary.events} events (${summary.duplicates_dropped.total} duplicates dropped), ${summary.warnings} warnings`,
    `  events: ${Object.entries(summary.events_by_kind)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ")}`,
    `  attacker events: ${summary.attacker_events}`,
  ];
  const lead = leadSentence(summary);
  if (lead) lines.push(`  ${lead}`);
  if (summary.messages.total > 0) lines.push(`  messages in the inventory: ${summary.messages.total} in ${Object.keys(summary.messages.by_mailbox).length} mailboxes`);
  if (summary.affected) lines.push(`  affected people: ${Object.entries(summary.affected).map(([level, count]) => `${level} ${count}`).join(", ")}`);
  if (summary.exposed_messages !== undefined) lines.push(`  messages exposed: ${summary.exposed_messages}; findings: ${summary.findings ?? 0}`);
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  const outputs = summary.affected ? [...ANALYSIS_OUTPUTS, ...INGEST_OUTPUTS] : INGEST_OUTPUTS;
  lines.push(`outputs in ${outDir}: ${outputs.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** The affected people, one line each, strongest exposure first. */
export function affectedText(rows: readonly AffectedRow[], outDir: string): string {
  const lines = rows.map((row) => `  ${row.exposure.padEnd(13)} ${(row.displayName || row.email).padEnd(28)} ${row.accountCompromised ? "account compromised; " : ""}${row.messagesExposed} message(s) exposed`);
  return `${rows.length} affected (details in ${outDir}/affected-employees.csv)\n${lines.join("\n")}\n`;
}

/** Prints a case command's summary: as JSON with `--json`, else in words. */
export function printSummary(io: CliIo, json: boolean, command: string, result: OutputResult): void {
  if (json) io.stdout(`${JSON.stringify(result.summary, null, 2)}\n`);
  else io.stdout(humanSummary(command, result.summary, result.outDir));
}
