/** "What happened": the story in words, the key figures and the attacker's addresses. */
import type { AttackerAddress } from "../data.js";
import { leadSentence } from "../../lead.js";
import { LEVELS, section, type Report } from "./context.js";
import { add, el } from "./dom.js";
import { fmt, listText, plural, time } from "./format.js";
import { byNumber, byText, pagedTable } from "./paged-table.js";

function story(report: Report): HTMLElement {
  const { data, COL, str, compromised } = report;
  const node = el("div", "story");
  if (data.attacker.length === 0) {
    // What the hunts found comes first: without IOCs nothing is marked, which is not "nothing happened".
    const lead = leadSentence({ attacker_events: report.attackerEvents, ioc: report.summary["ioc"] });
    add(node, el("p", "lead", lead ?? "No activity in this case is marked as the attacker's. That does not prove there was no intrusion: see the findings and what the analysis could not see, below."));
    return node;
  }
  const r = data.range;
  add(
    node,
    el("p", "lead", `Between ${time(r.attackerFirst)} and ${time(r.attackerLast)}, ${plural(report.attackerEvents, "event")} in the evidence were made by the attacker, from ${plural(data.addresses.length, "network address", "network addresses")}.`),
    el(
      "p",
      undefined,
      data.targeted.length > 0 ? `The attacker tried to sign in to ${plural(data.targeted.length, "account")}` : "No attacker sign-in attempt is recorded",
      data.targeted.length > 0 ? (compromised.length > 0 ? ` and got into ${plural(compromised.length, "account")}: ${listText(compromised, 8)}.` : ", none successfully.") : ".",
    ),
  );
  const reads = data.attacker.filter((row) => str(row[COL.kind]) === "mail.read").length;
  const changes = data.attacker.filter((row) => str(row[COL.kind]) === "mailbox.config").length;
  const sends = data.attacker.filter((row) => str(row[COL.kind]) === "mail.send").length;
  add(node, el("p", undefined, `In those accounts the attacker's recorded actions include ${plural(reads, "mail read event")}, ${plural(changes, "mailbox setting change")} (inbox rules, forwarding, permissions) and ${plural(sends, "message sent", "messages sent")}.`));
  return node;
}

function figures(report: Report): HTMLElement {
  const { data, summary, affectedCounts } = report;
  const node = el("div", "figures");
  const figure = (name: string, value: number | null, label: string, note?: string): void => {
    const box = el("div", "figure");
    box.dataset["figure"] = name;
    const number = el("span", "value", value === null ? "not computed" : fmt(value));
    if (value === null) number.classList.add("na");
    add(box, number, el("span", "label", label), note ? el("span", "note", note) : null);
    node.appendChild(box);
  };
  figure("compromised", report.compromised.length, "accounts compromised", data.affected ? "from the affected list" : "successful attacker sign-ins");
  figure("addresses", data.addresses.length, "attacker addresses");
  figure("attacker-events", report.attackerEvents, "attacker events", `of ${fmt(summary["events"])} events`);
  figure("exposed-messages", report.exposedCount, "messages exposed");
  for (const level of LEVELS) figure(`affected-${level}`, affectedCounts ? (affectedCounts[level] ?? 0) : null, `people: ${level}`);
  return node;
}

function addresses(report: Report): HTMLElement {
  const { data } = report;
  if (data.addresses.length === 0) return el("p", undefined, "No attacker address is known.");
  const table = pagedTable<AttackerAddress>(
    "addresses",
    [
      { label: "Address", cell: (a) => el("span", "mono", a.ip), sort: byText((a) => a.ip) },
      { label: "Country", cell: (a) => a.countries.join(", ") || "unknown", sort: byText((a) => a.countries.join(",")) },
      { label: "Events", cell: (a) => fmt(a.events), sort: byNumber((a) => a.events), className: "num" },
      { label: "First seen", cell: (a) => time(a.first), sort: byNumber((a) => a.first) },
      { label: "Last seen", cell: (a) => time(a.last), sort: byNumber((a) => a.last) },
      { label: "Accounts", cell: (a) => listText(a.accounts, 5) + (a.accountsTotal > a.accounts.length ? ` (${fmt(a.accountsTotal)} in all)` : "") },
      { label: "Why it is the attacker", cell: (a) => a.reasons.join("; "), className: "small" },
    ],
    10,
  );
  table.setRows(data.addresses);
  return table.node;
}

export function headline(report: Report): void {
  const node = section(report, "summary", "What happened");
  node.appendChild(story(report));
  node.appendChild(figures(report));
  node.appendChild(el("h3", undefined, "From where"));
  node.appendChild(addresses(report));
}
