/**
 * Auditing turned off (ATT&CK T1562.008): the changes that hide mail access from the audit log this
 * tool reads — unified audit log ingestion off for the organisation, a mailbox's auditing off or its
 * records kept for no time, an account's access set to bypass auditing. Each change is a finding,
 * and so is the audit gap it opens: from that moment until a later change turns it back on (or the
 * end of the evidence), for the mailboxes it covers, "no record" does not mean "not read". Gaps are
 * findings of rule `audit-gap`, as the throttling gaps of audit-gap.ts are.
 */
import type { MailEvent } from "../../model/events.js";
import type { Finding } from "../findings.js";
import { byWhom, cmdletRules, normalised, operationEvents, parameter, parametersOf, type CmdletRule } from "./admin-changes.js";
import { iso } from "./common.js";
import { defineHunt, type HuntTools } from "./define.js";

const ID = "audit-disabled";

type Scope = "organisation" | "mailbox" | "account";

interface ScopedRule extends CmdletRule {
  scope: Scope;
}

/** One setting of one parameter on one target, in time order: off, or something else (back on). */
interface Setting {
  event: MailEvent;
  rule: ScopedRule;
  value: string;
  off: boolean;
}

const COVERS: Record<Scope, (target: string) => string> = {
  organisation: () => "every mailbox of the organisation",
  mailbox: (target) => `the mailbox ${target}`,
  account: (target) => `every mailbox ${target} opens`,
};

const TITLE: Record<Scope, (target: string) => string> = {
  organisation: () => "Auditing turned off for the whole organisation",
  mailbox: (target) => `Mailbox auditing turned off for ${target}`,
  account: (target) => `Audit bypass set for ${target}: its mailbox access is not recorded`,
};

function targetOf(rule: ScopedRule, event: MailEvent, parameters: Record<string, string> | undefined): string {
  if (rule.scope === "organisation") return "organisation";
  return (event.mailbox ?? parameter(parameters, "Identity") ?? event.user ?? "").toLowerCase();
}

export const auditDisabled = defineHunt({
  id: ID,
  title: "Auditing of mail access turned off",
  technique: "T1562.008",
  techniqueName: "Disable or Modify Cloud Logs",
  async run(tools) {
    const { s, finding } = tools;
    const rules: ScopedRule[] = [
      ...cmdletRules(s, "organisation_changes").map((rule) => ({ ...rule, scope: "organisation" as const })),
      ...cmdletRules(s, "mailbox_changes").map((rule) => ({ ...rule, scope: "mailbox" as const })),
      ...cmdletRules(s, "account_changes").map((rule) => ({ ...rule, scope: "account" as const })),
    ];
    const byTarget = new Map<string, Setting[]>();
    for (const event of await operationEvents(tools, rules.map((rule) => rule.cmdlet))) {
      if (event.result === "failure") continue; // the cmdlet failed: nothing changed
      const parameters = parametersOf(event);
      for (const rule of rules) {
        if (rule.cmdlet.toLowerCase() !== event.action.toLowerCase()) continue;
        const value = parameter(parameters, rule.parameter);
        if (value === undefined) continue;
        const key = `${rule.scope}\u0000${rule.cmdlet.toLowerCase()}\u0000${rule.parameter.toLowerCase()}\u0000${targetOf(rule, event, parameters)}`;
        const list = byTarget.get(key) ?? [];
        list.push({ event, rule, value, off: rule.values.includes(normalised(value)) });
        byTarget.set(key, list);
      }
    }
    const findings: Finding[] = [];
    for (const settings of byTarget.values()) {
      for (let i = 0; i < settings.length; i += 1) {
        const first = settings[i] as Setting;
        if (!first.off) continue;
        // Off from here until the next setting that is not off.
        let j = i;
        while (j + 1 < settings.length && (settings[j + 1] as Setting).off) j += 1;
        const offs = settings.slice(i, j + 1);
        const restore = settings[j + 1];
        findings.push(...findingsOf(first, offs, restore, tools));
        i = j;
      }
    }
    return findings;
  },
});

/** The change and the audit gap it opens. */
function findingsOf(first: Setting, offs: Setting[], restore: Setting | undefined, { s, finding }: Pick<HuntTools, "s" | "finding">): Finding[] {
  const { rule, event } = first;
  const target = targetOf(rule, event, parametersOf(event));
  const covers = COVERS[rule.scope](target);
  const actors = offs.map((o) => (o.event.user ?? "").toLowerCase());
  const ips = offs.map((o) => o.event.clientIp ?? "");
  const accounts = rule.scope === "organisation" ? actors : [target, ...actors];
  const change = `${rule.cmdlet} -${rule.parameter} ${first.value}`;
  const until = restore
    ? `until ${byWhom(restore.event)} set -${rule.parameter} ${restore.value}`
    : "to the end of the evidence (nothing in it turns this back on)";
  const end = restore?.event.ts;
  const changeFinding = finding({
    id: `${ID}:${rule.scope}:${target}:${rule.parameter}:${iso(event.ts)}`,
    title: `${TITLE[rule.scope](target)} (${change})`,
    severity: s.severity("severity"),
    explanation:
      `${byWhom(event)} ran ${change}${rule.scope === "organisation" ? "" : ` on ${target}`}. ` +
      `mailtrail reads mail access from the audit log (MailItemsAccessed and mailbox audit records): from then on access to ${covers} leaves no record ${until}. ` +
      `Turning auditing off is what an intruder does before reading mail unseen; it is benign only when a documented change explains it.` +
      (offs.length > 1 ? ` The same change was made ${offs.length} times in a row.` : ""),
    eventIds: offs.map((o) => o.event.id),
    accounts,
    ips,
    first: event.ts,
    last: offs[offs.length - 1]?.event.ts ?? event.ts,
  });
  const gap = finding({
    rule: "audit-gap",
    id: `audit-gap:${ID}:${rule.scope}:${target}:${rule.parameter}:${iso(event.ts)}`,
    title: `No audit records for ${covers} from ${iso(event.ts)}${end === undefined ? "" : ` to ${iso(end)}`}`,
    severity: s.severity("gap_severity"),
    explanation:
      `${change} at ${iso(event.ts)} stops the audit log recording access to ${covers}, ${until}. ` +
      `In that window "no record" does not mean "not read": treat the mail of ${covers} in that period as possibly exposed, and look for the access in other evidence (sign-ins, protocol logs, the mail server).`,
    eventIds: [...offs.map((o) => o.event.id), ...(restore ? [restore.event.id] : [])],
    accounts: rule.scope === "organisation" ? [] : [target],
    ips,
    first: event.ts,
    ...(end === undefined ? {} : { last: end }),
  });
  return [changeFinding, gap];
}
