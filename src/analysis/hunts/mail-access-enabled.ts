/**
 * A door to mail opened on a mailbox (ATT&CK T1098): Set-CASMailbox turning on IMAP, POP3, OWA, EWS,
 * ActiveSync or SMTP AUTH. An intruder with a password but no MFA-capable client enables the
 * legacy protocols that take a password alone, then downloads the mailbox with any mail client.
 */
import type { Finding } from "../findings.js";
import { byWhom, ofOneEvent, cmdletRules, normalised, operationEvents, parameter, parametersOf } from "./admin-changes.js";
import { iso } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "mail-access-enabled";

export const mailAccessEnabled = defineHunt({
  id: ID,
  title: "Mail protocol access turned on for a mailbox",
  technique: "T1098",
  techniqueName: "Account Manipulation",
  async run(tools) {
    const { s, finding } = tools;
    const rules = cmdletRules(s, "changes");
    const findings: Finding[] = [];
    for (const event of await operationEvents(tools, rules.map((rule) => rule.cmdlet))) {
      if (event.result === "failure") continue;
      const parameters = parametersOf(event);
      const opened = rules.filter((rule) => {
        if (rule.cmdlet.toLowerCase() !== event.action.toLowerCase()) return false;
        const value = parameter(parameters, rule.parameter);
        return value !== undefined && rule.values.includes(normalised(value));
      });
      if (opened.length === 0) continue;
      const box = (event.mailbox ?? parameter(parameters, "Identity") ?? "").toLowerCase();
      const what = opened.map((rule) => `-${rule.parameter} ${parameter(parameters, rule.parameter) ?? ""}`).join(" ");
      findings.push(
        finding({
          id: `${ID}:${box}:${iso(event.ts)}`,
          title: `${event.action} ${what} on ${box || "a mailbox"}`,
          severity: s.severity("severity"),
          explanation:
            `${byWhom(event)} ran ${event.action} ${what} on ${box || "a mailbox the record does not name"}. ` +
            `These protocols let any mail client read the mailbox with a password alone (IMAP and POP3 download it whole, and take no MFA); ` +
            `an intruder turns them on to collect mail. Benign when a ticket explains it (a scanner, a migration, a line-of-business app): check who asked.`,
          accounts: [box, (event.user ?? "").toLowerCase()],
          ...ofOneEvent(event),
        }),
      );
    }
    return findings;
  },
});
