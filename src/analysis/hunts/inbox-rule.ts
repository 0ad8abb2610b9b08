/**
 * Inbox rules that forward, redirect or delete mail, mark it read, or move it where the owner does
 * not look (ATT&CK T1564.008 Email Hiding Rules; forwarding rules T1114.003).
 */
import type { MailboxConfigEvent } from "../../model/events.js";
import type { Finding, Hunt, Severity } from "../findings.js";
import { finding, LIVE_EVENTS, lowerSet, Settings, text } from "./common.js";

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

export const inboxRule: Hunt = {
  id: ID,
  title: "Suspicious inbox rules",
  technique: "T1564.008",
  techniqueName: "Email Hiding Rules",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    // One finding per rule (mailbox and name): New-InboxRule and later Set-InboxRule together.
    const groups = new Map<string, Group>();
    for await (const rows of store.stream(`
      SELECT id, ts, client_ip, user_name, mailbox, action, data FROM ${LIVE_EVENTS}
      WHERE kind = 'mailbox.config' AND (data->>'change') = 'inbox-rule' ORDER BY ts, id`)) {
      for (const row of rows) {
        if (REMOVALS.has(text(row, "action") ?? "")) continue;
        const event = JSON.parse(String(row["data"])) as MailboxConfigEvent;
        const box = (text(row, "mailbox") ?? text(row, "user_name") ?? "").toLowerCase();
        const name = event.rule?.name ?? event.target ?? "";
        const key = `${box}\u0000${name}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { box, name, events: [] }));
        group.events.push({ id: String(row["id"]), ts: Number(row["ts"]), ip: text(row, "client_ip"), user: text(row, "user_name")?.toLowerCase(), event });
      }
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
          rule: ID,
          title: `Inbox rule ${JSON.stringify(group.name)} in ${group.box} ${forwarding ? "forwards mail" : deletes ? "deletes mail" : "hides mail"}`,
          severity,
          technique: forwarding ? "T1114.003" : this.technique,
          techniqueName: forwarding ? "Email Forwarding Rule" : this.techniqueName,
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
};
