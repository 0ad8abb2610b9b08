/**
 * Multi-factor authentication turned off for a user (ATT&CK T1556.006): Entra's `Disable Strong
 * Authentication` (per-user MFA) as the unified audit log records it. With MFA off, a stolen
 * password alone signs in to the mailbox.
 */
import type { Finding } from "../findings.js";
import { byWhom, ofOneEvent, extraText, operationEvents } from "./admin-changes.js";
import { iso } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "mfa-disabled";

export const mfaDisabled = defineHunt({
  id: ID,
  title: "Multi-factor authentication turned off for a user",
  technique: "T1556.006",
  techniqueName: "Multi-Factor Authentication",
  async run(tools) {
    const { s, finding } = tools;
    const findings: Finding[] = [];
    for (const event of await operationEvents(tools, s.list("operations"))) {
      if (event.result === "failure") continue;
      const target = (extraText(event, "target") ?? "").toLowerCase();
      const actor = (event.user ?? "").toLowerCase();
      findings.push(
        finding({
          id: `${ID}:${target || actor}:${iso(event.ts)}`,
          title: `MFA turned off for ${target || "a user the record does not name"}`,
          severity: s.severity("severity"),
          explanation:
            `${byWhom(event)}: ${event.action.replace(/\.$/, "")}${target ? ` for ${target}` : ""}. ` +
            `From then on the account signs in with its password alone: an intruder who holds the password, or who wants to keep a way in, turns MFA off. ` +
            `Benign when the help desk did it for a user who lost their phone (and turned it back on): check the ticket.`,
          accounts: [target, actor],
          ...ofOneEvent(event),
        }),
      );
    }
    return findings;
  },
});
