/** "Affected people": one group per exposure level, strongest first, each person with the reason. */
import { LEVELS, notComputed, section, type Report } from "./context.js";
import { add, el } from "./dom.js";
import { isoTime, plural, spaced } from "./format.js";
import { byNumber, byText, pagedTable } from "./paged-table.js";

const LEVEL_TEXT: Record<string, string> = {
  confirmed: "Logs show the attacker read mail in these mailboxes, item by item.",
  likely: "The attacker signed in to these accounts or held access to the mailbox, but no log shows which messages were read.",
  attempted: "The attacker tried to sign in to these accounts and did not succeed.",
  correspondent: "Their own accounts were not touched, but they sent or received messages the attacker read elsewhere.",
};

function peopleTable(level: string, group: Record<string, string>[]): HTMLElement {
  const table = pagedTable<Record<string, string>>(
    `affected-${level}`,
    [
      { label: "Person", cell: (p) => [p["display_name"] || p["email"] || "", p["display_name"] && p["email"] ? el("span", "small block", p["email"]) : null, p["employee_id"] ? null : el("span", "small block", "no employee id (shared mailbox or unknown)")], sort: byText((p) => p["display_name"] || p["email"] || "") },
      { label: "Department", cell: (p) => p["department"] ?? "", sort: byText((p) => p["department"] ?? "") },
      { label: "Account compromised", cell: (p) => (p["account_compromised"] === "yes" ? el("strong", "bad", "yes") : p["account_compromised"] ?? "") },
      { label: "Attacker activity", cell: (p) => [isoTime(p["first_attacker_activity"] ?? ""), p["last_attacker_activity"] ? el("span", "small block", `to ${isoTime(p["last_attacker_activity"])}`) : null], sort: byText((p) => p["first_attacker_activity"] ?? "") },
      { label: "Messages exposed", cell: (p) => [p["messages_exposed"] ?? "", p["messages_as_correspondent"] && p["messages_as_correspondent"] !== "0" ? el("span", "small block", `${p["messages_as_correspondent"]} as correspondent`) : null], className: "num", sort: byNumber((p) => Number(p["messages_exposed"] ?? 0) + Number(p["messages_as_correspondent"] ?? 0)) },
      { label: "Attacker addresses", cell: (p) => el("span", "mono small", spaced(p["attacker_ips"])) },
    ],
    50,
    { sub: (p) => [el("span", "why", `Why: ${p["reasons"] ?? ""}`)] },
  );
  table.setRows(group);
  return table.node;
}

export function people(report: Report): void {
  const { data, affected } = report;
  const node = section(report, "affected", "Affected people", "Everyone whose mail the attacker reached or tried to reach, strongest exposure first, with the reason for each.");
  if (!data.affected) {
    node.appendChild(notComputed("Affected people"));
    return;
  }
  const levels = [...LEVELS, ...new Set(affected.map((row) => row["exposure"] ?? "").filter((level) => !LEVELS.includes(level)))];
  for (const level of levels) {
    const group = affected.filter((row) => row["exposure"] === level);
    const box = el("div", "group");
    box.dataset["level"] = level;
    add(box, el("h3", undefined, `${level || "(no level)"}: ${plural(group.length, "person", "people")}`), LEVEL_TEXT[level] ? el("p", "intro", LEVEL_TEXT[level]) : null);
    if (group.length > 0) box.appendChild(peopleTable(level, group));
    node.appendChild(box);
  }
}
