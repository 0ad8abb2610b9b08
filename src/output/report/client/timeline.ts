/** "The attacker's actions": every attacker event with its provenance, filtered and sorted. */
import type { AttackerRow } from "../data.js";
import { section, type Report } from "./context.js";
import { add, button, el, select } from "./dom.js";
import { fmt, plural, time } from "./format.js";
import { byNumber, byText, pagedTable } from "./paged-table.js";

/** Whether an event passes the timeline's filters (and is one of `ids`, a finding's events, if given). */
function matches(report: Report, row: AttackerRow, ids: Set<string> | null): boolean {
  const { COL, str } = report;
  const f = report.timeline.filter;
  if (ids && !ids.has(row[COL.id])) return false;
  if (f.account && str(row[COL.user]) !== f.account && str(row[COL.mailbox]) !== f.account) return false;
  if (f.ip && str(row[COL.ip]) !== f.ip) return false;
  if (f.kind && str(row[COL.kind]) !== f.kind) return false;
  if (f.source && str(row[COL.parser]) !== f.source) return false;
  if (f.text) {
    const hay = [COL.detail, COL.userAgent, COL.file, COL.action, COL.reasons, COL.session].map((c) => str(row[c] as number)).join(" ").toLowerCase();
    if (!hay.includes(f.text) && !row[COL.id].toLowerCase().includes(f.text)) return false;
  }
  return true;
}

function eventTable(report: Report) {
  const { COL, str } = report;
  return pagedTable<AttackerRow>(
    "timeline",
    [
      { label: "Time (UTC)", cell: (row) => time(row[COL.ts]), sort: byNumber((row) => row[COL.ts]), className: "nowrap" },
      {
        label: "What",
        cell: (row) => [el("strong", undefined, str(row[COL.action]) || str(row[COL.kind])), el("br"), el("span", "small", str(row[COL.kind])), str(row[COL.result]) ? el("span", `result ${str(row[COL.result])}`, str(row[COL.result])) : null],
        sort: byText((row) => str(row[COL.kind]) + str(row[COL.action])),
      },
      {
        label: "Account",
        cell: (row) => {
          const user = str(row[COL.user]);
          const mailbox = str(row[COL.mailbox]);
          return [user || mailbox, mailbox && user && mailbox !== user ? el("span", "small block", `mailbox ${mailbox}`) : null];
        },
        sort: byText((row) => str(row[COL.user]) || str(row[COL.mailbox])),
      },
      {
        label: "From",
        cell: (row) => [el("span", "mono", str(row[COL.ip])), str(row[COL.country]) ? ` (${str(row[COL.country])})` : null, str(row[COL.userAgent]) ? el("span", "small block", str(row[COL.userAgent])) : null],
        sort: byText((row) => str(row[COL.ip])),
      },
      {
        label: "Detail",
        cell: (row) => [str(row[COL.detail]), row[COL.count] > 0 ? el("span", "small block", plural(row[COL.count], "message")) : null],
        className: "detail",
      },
    ],
    100,
    {
      attrs: (row, tr) => {
        tr.dataset["eventId"] = row[COL.id];
      },
      sub: (row) => {
        const sha = str(row[COL.sha256]);
        const hash = el("span", "mono", sha ? `${sha.slice(0, 16)}…` : "unknown");
        if (sha) hash.title = sha;
        const reasons = str(row[COL.reasons]);
        return [
          el("span", "prov", "Found in ", el("span", "mono", str(row[COL.file])), `, ${str(row[COL.ref])} (read as ${str(row[COL.parser])}; file SHA-256 `, hash, ")"),
          reasons ? el("span", "why block", `Why the attacker: ${reasons}`) : null,
        ];
      },
    },
  );
}

export function timeline(report: Report): void {
  const { data, COL, str } = report;
  const timelineFilter = report.timeline.filter;
  const node = section(
    report,
    "timeline",
    "The attacker's actions",
    "Every event attributed to the attacker, with where it was found in the evidence (file, line or record, SHA-256 of the file). Filter and sort below; normal activity is in timeline.csv.",
  );
  const rows = data.attacker;
  if (rows.length === 0) {
    node.appendChild(el("p", "missing", "No attacker event in this case."));
    return;
  }
  const distinct = (get: (row: AttackerRow) => string[]): string[] => {
    const set = new Set<string>();
    for (const row of rows) for (const value of get(row)) if (value) set.add(value);
    return [...set].sort();
  };
  const controls = el("div", "controls filters");
  const findingChip = el("div", "chip");
  findingChip.hidden = true;
  const search = document.createElement("input");
  search.type = "search";
  search.placeholder = "search detail, user agent, file…";
  search.addEventListener("input", () => {
    timelineFilter.text = search.value.toLowerCase();
    apply();
  });
  add(
    controls,
    select("Account", distinct((row) => [str(row[COL.user]), str(row[COL.mailbox])]), (v) => ((timelineFilter.account = v), apply())),
    select("Address", distinct((row) => [str(row[COL.ip])]), (v) => ((timelineFilter.ip = v), apply())),
    select("Kind", distinct((row) => [str(row[COL.kind])]), (v) => ((timelineFilter.kind = v), apply())),
    select("Source", distinct((row) => [str(row[COL.parser])]), (v) => ((timelineFilter.source = v), apply())),
    el("label", "field", el("span", undefined, "Search"), search),
  );
  const table = eventTable(report);
  add(node, controls, findingChip, table.node);

  function apply(): void {
    const finding = timelineFilter.finding;
    const ids = finding ? new Set(finding.eventIds) : null;
    findingChip.replaceChildren();
    findingChip.hidden = !finding;
    if (finding) {
      add(findingChip, `Only the events of the finding “${finding.title}”`, finding.eventCount > finding.eventIds.length ? ` (its first ${fmt(finding.eventIds.length)} events)` : "", " ", button("show all", () => ((timelineFilter.finding = null), apply()), "btn small"));
    }
    table.setRows(rows.filter((row) => matches(report, row, ids)));
  }
  report.timeline.apply = apply;
  apply();
}
