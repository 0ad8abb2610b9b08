/** "Exposed messages": per mailbox, then every message the attacker read or touched. */
import { notComputed, section, type Report } from "./context.js";
import { add, el, select } from "./dom.js";
import { fmt, isoTime, spaced } from "./format.js";
import { byNumber, byText, pagedTable } from "./paged-table.js";

interface MailboxEntry {
  count: number;
  access: Set<string>;
}

function perMailbox(exposed: Record<string, string>[]): Map<string, MailboxEntry> {
  const boxes = new Map<string, MailboxEntry>();
  for (const row of exposed) {
    const entry = boxes.get(row["mailbox"] ?? "") ?? { count: 0, access: new Set<string>() };
    entry.count += 1;
    for (const how of (row["access"] ?? "").split(";")) if (how) entry.access.add(how);
    boxes.set(row["mailbox"] ?? "", entry);
  }
  return boxes;
}

export function messages(report: Report): void {
  const { data, exposed } = report;
  const node = section(report, "messages", "Exposed messages", "Messages the attacker read or touched, per mailbox. Subjects and senders are shown as recorded, including anything the attacker wrote.");
  if (!data.exposed) {
    node.appendChild(notComputed("Exposed messages"));
    return;
  }
  const boxes = perMailbox(exposed);
  const overview = pagedTable<[string, MailboxEntry]>(
    "mailboxes",
    [
      { label: "Mailbox", cell: ([mailbox]) => mailbox || "(unknown)", sort: byText(([mailbox]) => mailbox) },
      { label: "Messages", cell: ([, e]) => fmt(e.count), className: "num", sort: byNumber(([, e]) => e.count) },
      { label: "How", cell: ([, e]) => [...e.access].sort().join(", ") },
    ],
    25,
  );
  overview.setRows([...boxes.entries()].sort((a, b) => b[1].count - a[1].count));
  const list = pagedTable<Record<string, string>>(
    "exposed",
    [
      { label: "Mailbox / folder", cell: (m) => [m["mailbox"] ?? "", el("span", "small block", m["folder"] ?? "")], sort: byText((m) => (m["mailbox"] ?? "") + (m["folder"] ?? "")) },
      { label: "Date", cell: (m) => isoTime(m["date"] ?? ""), sort: byText((m) => m["date"] ?? ""), className: "nowrap" },
      { label: "From / to", cell: (m) => [m["from"] ?? "", m["to"] ? el("span", "small block", `to ${m["to"]}`) : null], sort: byText((m) => m["from"] ?? "") },
      { label: "Subject", cell: (m) => [m["subject"] || el("span", "small", m["message_id"] ?? ""), m["attachments"] ? el("span", "small block", `attachments: ${m["attachments"]}`) : null], className: "detail", sort: byText((m) => m["subject"] ?? "") },
      { label: "Access", cell: (m) => [spaced(m["access"]), el("span", "small block", isoTime(m["first_access"] ?? ""))], sort: byText((m) => m["first_access"] ?? "") },
      { label: "Attacker addresses", cell: (m) => el("span", "mono small", spaced(m["attacker_ips"])) },
    ],
    50,
  );
  let mailboxFilter = "";
  const refresh = (): void => list.setRows(mailboxFilter ? exposed.filter((m) => m["mailbox"] === mailboxFilter) : exposed);
  add(node, overview.node, el("h3", undefined, "The messages"), el("div", "controls", select("Mailbox", [...boxes.keys()].sort(), (v) => ((mailboxFilter = v), refresh()))), list.node);
  refresh();
}
