/** Forwarding set on a mailbox (Set-Mailbox -ForwardingSmtpAddress / -ForwardingAddress; ATT&CK T1114.003). */
import { eventField } from "../../store/sql.js";
import type { Finding } from "../findings.js";
import { lowerSet } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "mailbox-forwarding";

/** Values that switch forwarding off. */
function isCleared(value: string | undefined): boolean {
  return value === undefined || /^(\$null|null|)$/i.test(value.trim());
}

export const mailboxForwarding = defineHunt({
  id: ID,
  title: "Forwarding set on a mailbox",
  technique: "T1114.003",
  techniqueName: "Email Forwarding Rule",
  async run({ s, events, finding }) {
    const internal = lowerSet(s.list("internal_domains"));
    const findings: Finding[] = [];
    const seen = new Map<string, Finding>();
    for await (const event of events("mailbox.config", `${eventField("change", "e")} = 'forwarding'`)) {
      const parameters = event.parameters ?? {};
      const smtp = parameters["ForwardingSmtpAddress"];
      const address = parameters["ForwardingAddress"];
      const destination = !isCleared(smtp) ? (event.grantee ?? smtp ?? "") : !isCleared(address) ? (address ?? "") : undefined;
      if (destination === undefined) continue;
      const box = (event.mailbox ?? event.target ?? event.user ?? "").toLowerCase();
      const actor = event.user?.toLowerCase() ?? "";
      const ip = event.clientIp;
      const domain = destination.includes("@") ? destination.slice(destination.lastIndexOf("@") + 1).toLowerCase() : undefined;
      // A ForwardingAddress names a recipient object of the organisation; an SMTP address may go anywhere.
      const external = domain === undefined ? false : !internal.has(domain);
      const keep = isTrue(parameters["DeliverToMailboxAndForward"]) ? "a copy stays in the mailbox" : "the mailbox may not keep a copy";
      const id = `${ID}:${box}:${destination.toLowerCase()}`;
      const existing = seen.get(id);
      if (existing) {
        existing.eventIds.push(event.id);
        existing.last = new Date(event.ts).toISOString();
        continue;
      }
      const made = finding({
        id,
        title: `${box} forwards all mail to ${destination}`,
        severity: external ? s.severity("external_severity") : s.severity("internal_severity"),
        explanation:
          `${event.action} by ${actor || "an unknown account"} from ${ip ?? "an unknown address"} at ${new Date(event.ts).toISOString()} set forwarding of ${box} to ${destination}` +
          `${external ? ", outside the organisation's domains" : ""} (${keep}). Every message the mailbox receives from then on goes to that address too: ` +
          `a quiet, lasting collection channel. Benign when an administrator set it for a leaver or an absence: check the ticket.`,
        eventIds: [event.id],
        accounts: [box, actor],
        ips: ip ? [ip] : [],
        first: event.ts,
        last: event.ts,
      });
      seen.set(id, made);
      findings.push(made);
    }
    return findings;
  },
});

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === "true";
}
