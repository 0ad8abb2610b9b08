/**
 * Inbox rules that forward, redirect or delete mail, mark it read, or move it where the owner does
 * not look (ATT&CK T1564.008 Email Hiding Rules; forwarding rules T1114.003).
 */
import type { MailboxConfigEvent } from "../../model/events.js";
import { eventField } from "../../store/sql.js";
import type { Finding, Severity } from "../findings.js";
import { lowerSet, type Settings } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "inbox-rule";
const FORWARD_ACTIONS = ["ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"];
const DELETE_ACTIONS = ["DeleteMessage", "SoftDeleteMessage"];
const MOVE_ACTIONS = ["MoveToFolder", "CopyToFolder"];
/** Operations that remove or switch off a rule: not a rule being set up. */
const REMOVALS = new Set(["Remove-InboxRule", "Disable-InboxRule"]);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() !== "false" && value.trim() !== "";
}

/** `erin:\Conversation History`, `\Inbox\Conversation History` → `conversation history`. */
function leafFolder(value: string): string {
  const parts = value.split(/[\\/]/).filter((part) => part.length > 0);
  return (parts[parts.length - 1] ?? value).trim().toLowerCase();
}

interface RuleReading {
  forwards: string[];
  deletes: boolean;
  movesTo?: string;
  obscure: boolean;
  marksRead: boolean;
  oddName: boolean;
  keywords: string[];
}

/** What a rule does, from its actions (cmdlet parameters, or the Outlook text of UpdateInboxRules). */
export function readRule(event: MailboxConfigEvent, s: Settings): RuleReading {
  const actions = event.rule?.actions ?? {};
  const conditions = event.rule?.conditions ?? {};
  const forwards: string[] = [];
  let deletes = false;
  let marksRead = false;
  let movesTo: string | undefined;
  for (const [name, value] of Object.entries(actions)) {
    if (FORWARD_ACTIONS.includes(name) && value.trim() !== "") forwards.push(value);
    else if (DELETE_ACTIONS.includes(name) && isTrue(value)) deletes = true;
    else if (name === "MarkAsRead" && isTrue(value)) marksRead = true;
    else if (MOVE_ACTIONS.includes(name) && value.trim() !== "") movesTo = value;
    else if (!/^(ForwardTo|RedirectTo|ForwardAsAttachmentTo|DeleteMessage|SoftDeleteMessage|MarkAsRead|MoveToFolder|CopyToFolder)$/.test(name)) {
      // Outlook rule edits (UpdateInboxRules) describe actions in words.
      if (/forward|redirect/i.test(value)) forwards.push(value);
      if (/delete/i.test(value)) deletes = true;
      if (/mark\s*as\s*read/i.test(value)) marksRead = true;
      if (/move\s*to\s*folder/i.test(value)) movesTo ??= value;
    }
  }
  const obscureFolders = lowerSet(s.list("obscure_folders"));
  const obscure = movesTo !== undefined && (obscureFolders.has(leafFolder(movesTo)) || [...obscureFolders].some((folder) => movesTo.toLowerCase().includes(folder)));
  if (movesTo !== undefined && obscureFolders.has("deleted items") && leafFolder(movesTo) === "deleted items") deletes = true;
  const name = (event.rule?.name ?? event.target ?? "").trim();
  const oddName = name.length <= s.num("max_suspicious_name_length") || /^[\p{P}\p{S}\s]*$/u.test(name);
  const words = Object.values(conditions).join(" ").toLowerCase();
  const keywords = s.list("keywords").filter((word) => new RegExp(`(^|[^\\p{L}\\p{N}])${word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}])`, "u").test(words));
  return { forwards, deletes, movesTo, obscure, marksRead, oddName, keywords };
}

interface Group {
  box: string;
  name: string;
  events: { id: string; ts: number; ip?: string; user?: string; event: MailboxConfigEvent }[];
}

export const inboxRule = defineHunt({
  id: ID,
  title: "Suspicious inbox rules",
  technique: "T1564.008",
  techniqueName: "Email Hiding Rules",
  async run({ s, events, finding, technique, techniqueName }) {
    // One finding per rule (mailbox and name): New-InboxRule and later Set-InboxRule together.
    const groups = new Map<string, Group>();
    for await (const event of events("mailbox.config", `${eventField("change", "e")} = 'inbox-rule'`)) {
      if (REMOVALS.has(event.action)) continue;
      const box = (event.mailbox ?? event.user ?? "").toLowerCase();
      const name = event.rule?.name ?? event.target ?? "";
      const key = `${box}\u0000${name}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { box, name, events: [] }));
      group.events.push({ id: event.id, ts: event.ts, ip: event.clientIp, user: event.user?.toLowerCase(), event });
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const readings = group.events.map((entry) => readRule(entry.event, s));
      const forwards = [...new Set(readings.flatMap((r) => r.forwards))];
      const deletes = readings.some((r) => r.deletes);
      const obscure = readings.find((r) => r.obscure)?.movesTo;
      const marksRead = readings.some((r) => r.marksRead);
      const oddName = readings.some((r) => r.oddName);
      const keywords = [...new Set(readings.flatMap((r) => r.keywords))];
      const reasons: string[] = [];
      let severity: Severity | undefined;
      if (forwards.length > 0) {
        reasons.push(`forwards or redirects mail to ${forwards.join(", ")}`);
        severity = s.severity("forward_severity");
      }
      if (deletes) {
        reasons.push("deletes the messages it matches");
        severity ??= s.severity("delete_severity");
      }
      const hiding: string[] = [];
      if (obscure !== undefined) hiding.push(`moves mail to "${obscure}", a folder the owner rarely opens`);
      if (marksRead) hiding.push("marks it as read");
      if (oddName) hiding.push(`has a name that is no name (${JSON.stringify(group.name)})`);
      // A keyword alone is a normal filing rule ("Invoices" into an Invoices folder).
      if (keywords.length > 0 && (hiding.length > 0 || reasons.length > 0)) hiding.push(`matches on ${keywords.map((word) => `"${word}"`).join(", ")}`);
      reasons.push(...hiding);
      if (hiding.length > 0) severity ??= hiding.length >= 2 ? s.severity("combined_severity") : s.severity("hide_severity");
      if (severity === undefined) continue;
      const first = group.events[0];
      const last = group.events[group.events.length - 1];
      if (!first || !last) continue;
      const forwarding = forwards.length > 0;
      const rule = first.event.rule;
      const described = rule ? [...Object.entries(rule.conditions), ...Object.entries(rule.actions)].map(([k, v]) => `${k}=${v}`).join(", ") : (first.event.detail ?? "");
      const actors = [...new Set(group.events.map((entry) => entry.user).filter((user): user is string => user !== undefined))];
      const ips = [...new Set(group.events.map((entry) => entry.ip).filter((ip): ip is string => ip !== undefined))];
      findings.push(
        finding({
          id: `${ID}:${group.box}:${group.name}`,
          title: `Inbox rule ${JSON.stringify(group.name)} in ${group.box} ${forwarding ? "forwards mail" : deletes ? "deletes mail" : "hides mail"}`,
          severity,
          technique: forwarding ? "T1114.003" : technique,
          techniqueName: forwarding ? "Email Forwarding Rule" : techniqueName,
          explanation:
            `${group.events.map((entry) => entry.event.action).join(", ")} by ${actors.join(", ") || "an unknown account"} from ${ips.join(", ") || "an unknown address"} ` +
            `at ${new Date(first.ts).toISOString()}: the rule ${JSON.stringify(group.name)} on ${group.box} ${reasons.join("; ")} (${described}). ` +
            `Attackers add such rules to read replies before the owner does, hide warnings from colleagues or the bank, and keep a copy of the mail. ` +
            `Benign when the owner made it knowingly: ask them.`,
          eventIds: group.events.map((entry) => entry.id),
          accounts: [group.box, ...actors],
          ips,
          first: first.ts,
          last: last.ts,
        }),
      );
    }
    return findings;
  },
});
