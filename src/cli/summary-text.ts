import type { Summary } from "../output/case-files.js";

const OUTPUTS = ["timeline.csv", "timeline.jsonl", "timesketch.jsonl", "manifest.json", "warnings.jsonl", "summary.json", "case.duckdb"];

/** The short human summary printed at the end of a command. */
export function humanSummary(command: string, summary: Summary, outDir: string): string {
  const lines = [
    `mailtrail ${command}: ${summary.files.total} files (${summary.files.parsed} parsed, ${summary.files.unrecognised} unrecognised, ${summary.files.failed} with errors)`,
    `  ${summary.records} records -> ${summary.events} events (${summary.duplicates_dropped.total} duplicates dropped), ${summary.warnings} warnings`,
    `  events: ${Object.entries(summary.events_by_kind)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ")}`,
    `  attacker events: ${summary.attacker_events}`,
  ];
  if (summary.messages.total > 0) lines.push(`  messages in the inventory: ${summary.messages.total} in ${Object.keys(summary.messages.by_mailbox).length} mailboxes`);
  if (summary.affected) lines.push(`  affected: ${Object.entries(summary.affected).map(([level, count]) => `${level} ${count}`).join(", ")}`);
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  lines.push(`outputs in ${outDir}: ${OUTPUTS.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
