/** "The evidence" (the files, their hashes, the tool) and "What this report could not see". */
import type { EvidenceFile } from "../data.js";
import { section, type Report } from "./context.js";
import { add, el } from "./dom.js";
import { fmt, plural } from "./format.js";
import { byNumber, byText, pagedTable } from "./paged-table.js";

const fileCounts = (report: Report): Record<string, number> => (report.summary["files"] ?? {}) as Record<string, number>;

export function evidence(report: Report): void {
  const { data, summary } = report;
  const node = section(report, "evidence", "The evidence", "The files this report rests on. The SHA-256 lets anyone check that the evidence was not changed since (mailtrail verify).");
  const files = fileCounts(report);
  const duplicates = (summary["duplicates_dropped"] ?? {}) as { total?: number };
  const facts = el("p", "facts");
  facts.dataset["figure"] = "evidence";
  add(facts, `${plural(files["total"] ?? data.files.length, "file")} (${fmt(files["parsed"])} read, ${fmt(files["unrecognised"])} not recognised, ${fmt(files["failed"])} failed), ${plural(Number(summary["records"] ?? 0), "record")}, ${plural(Number(summary["events"] ?? 0), "event")} after dropping ${plural(duplicates.total ?? 0, "duplicate")}, ${plural(Number(summary["warnings"] ?? 0), "warning")} (unreadable records, listed in warnings.jsonl).`);
  node.appendChild(facts);
  const table = pagedTable<EvidenceFile>(
    "files",
    [
      { label: "File", cell: (f) => [f.path, f.error ? el("span", "small block bad", f.error) : null], sort: byText((f) => f.path), className: "detail" },
      { label: "Read as", cell: (f) => f.parser || f.format || "not recognised", sort: byText((f) => f.parser || f.format) },
      { label: "Records", cell: (f) => fmt(f.records), className: "num", sort: byNumber((f) => f.records) },
      { label: "Warnings", cell: (f) => fmt(f.warnings), className: "num", sort: byNumber((f) => f.warnings) },
      { label: "SHA-256", cell: (f) => el("span", "mono small hash", f.sha256) },
    ],
    20,
  );
  table.setRows(data.files);
  node.appendChild(table.node);
  if (data.tool.version || data.tool.command) node.appendChild(el("p", "small", `Produced by mailtrail ${data.tool.version}: `, el("span", "mono", data.tool.command)));
}

export function gaps(report: Report): void {
  const { data, summary } = report;
  const files = fileCounts(report);
  const node = section(report, "gaps", "What this report could not see", "Limits of the evidence and of the analysis: read these before concluding that something did not happen.");
  const items = el("ul", "gaps");
  const notes = Array.isArray(summary["notes"]) ? (summary["notes"] as unknown[]).map(String) : [];
  for (const note of [...notes, ...data.readProblems]) items.appendChild(el("li", undefined, note));
  if ((files["unrecognised"] ?? 0) > 0) items.appendChild(el("li", undefined, `${plural(files["unrecognised"] ?? 0, "file")} could not be recognised and were not read.`));
  if ((files["failed"] ?? 0) > 0) items.appendChild(el("li", undefined, `${plural(files["failed"] ?? 0, "file")} failed to read (see the evidence table).`));
  if (!data.findings) items.appendChild(el("li", undefined, "Hunts (findings.json) were not computed for this case."));
  if (!data.affected) items.appendChild(el("li", undefined, "The list of affected people (affected-employees.csv) was not computed for this case."));
  if (!data.exposed) items.appendChild(el("li", undefined, "The exposed messages (exposed-messages.csv) were not computed for this case."));
  if (items.childNodes.length === 0) items.appendChild(el("li", undefined, "No gap recorded."));
  node.appendChild(items);
}
