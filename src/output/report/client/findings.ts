/** "Findings": the hunts' and indicators' results, most severe first, each able to filter the timeline. */
import type { ReportFinding } from "../data.js";
import { notComputed, section, type Report } from "./context.js";
import { add, button, el } from "./dom.js";
import { isoTime, listText, plural } from "./format.js";

const SEVERITY = ["critical", "high", "medium", "low", "info"];

const rank = (f: ReportFinding): number => {
  const at = SEVERITY.indexOf(f.severity);
  return at < 0 ? SEVERITY.length : at;
};

function card(report: Report, finding: ReportFinding, attackerIds: Set<string>): HTMLElement {
  const node = el("article", `finding sev-${SEVERITY.includes(finding.severity) ? finding.severity : "other"}`);
  node.dataset["findingId"] = finding.id;
  const when = finding.first ? `${isoTime(finding.first)}${finding.last && finding.last !== finding.first ? ` to ${isoTime(finding.last)}` : ""}` : "";
  add(
    node,
    el("h3", undefined, el("span", "severity", finding.severity || "?"), " ", finding.title),
    el("p", "small", `${finding.technique} ${finding.techniqueName}`, finding.strength ? ` · link strength: ${finding.strength}` : "", when ? ` · ${when}` : ""),
    el("p", undefined, finding.explanation),
    finding.accounts.length > 0 ? el("p", "small", `Accounts: ${listText(finding.accounts, 10)}`) : null,
    finding.ips.length > 0 ? el("p", "small mono", `Addresses: ${listText(finding.ips, 10)}`) : null,
  );
  const shown = finding.eventIds.filter((id) => attackerIds.has(id)).length;
  if (shown > 0) {
    node.appendChild(
      button(`Show its ${plural(shown, "attacker event")} in the timeline`, () => {
        report.timeline.filter.finding = finding;
        report.timeline.apply();
        document.getElementById("timeline")?.scrollIntoView();
      }),
    );
  } else if (finding.eventCount > 0) {
    node.appendChild(el("p", "small", `Its ${plural(finding.eventCount, "event")} are not marked as the attacker's; they are in timeline.csv (ids: ${listText(finding.eventIds, 3)}).`));
  }
  return node;
}

export function findings(report: Report): void {
  const { data, COL } = report;
  const node = section(report, "findings", "Findings", "What the hunts and indicators found, most severe first, with the MITRE ATT&CK technique.");
  if (!data.findings) {
    node.appendChild(notComputed("Findings"));
    return;
  }
  if (data.findings.length === 0) {
    node.appendChild(el("p", undefined, "No finding."));
    return;
  }
  const sorted = [...data.findings].sort((a, b) => rank(a) - rank(b) || a.first.localeCompare(b.first) || a.id.localeCompare(b.id));
  const list = el("div", "findings");
  const attackerIds = new Set(data.attacker.map((row) => row[COL.id]));
  const folded = sorted.filter((f) => rank(f) > SEVERITY.indexOf("high"));
  const more = el("details", "more-findings");
  if (folded.length > 0) {
    add(more, el("summary", undefined, `${plural(folded.length, "more finding")} of medium or lower severity`));
    add(list, el("p", "small", `${plural(sorted.length - folded.length, "finding")} of high or critical severity:`));
  }
  for (const finding of sorted) (folded.includes(finding) ? more : list).appendChild(card(report, finding, attackerIds));
  if (folded.length > 0) list.appendChild(more);
  // A printed report shows the folded findings too.
  window.addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("details")) details.open = true;
  });
  node.appendChild(list);
}
