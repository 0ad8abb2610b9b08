/**
 * The script of report.html, bundled at build time (scripts/build-report-client.mjs) into one
 * inline script. The page calls `renderReport` with the row layout and the display names of the
 * formats registry; it reads the data from the page's JSON block and draws every section.
 */
import type { ReportData } from "../data.js";
import { chart } from "./chart.js";
import { createReport, type Layout } from "./context.js";
import { evidence, gaps } from "./evidence.js";
import { findings } from "./findings.js";
import { headline } from "./headline.js";
import { messages } from "./messages.js";
import { people } from "./people.js";
import { timeline } from "./timeline.js";

export function renderReport(COL: Layout, sourceNames: Readonly<Record<string, string>>): void {
  const dataNode = document.getElementById("report-data");
  const data = JSON.parse(dataNode?.textContent ?? "null") as ReportData;
  const root = document.getElementById("report");
  if (!data || !root) return;
  const report = createReport(data, COL, sourceNames, root);
  headline(report);
  chart(report);
  findings(report);
  timeline(report);
  people(report);
  messages(report);
  evidence(report);
  gaps(report);
  document.body.dataset["ready"] = "yes";
}
