/** Forwarding set on a mailbox (Set-Mailbox -ForwardingSmtpAddress / -ForwardingAddress; ATT&CK T1114.003). */
import type { MailboxConfigEvent } from "../../model/events.js";
import type { Finding, Hunt } from "../findings.js";
import { finding, LIVE_EVENTS, lowerSet, Settings, text } from "./common.js";

const ID = "mailbox-forwarding";

/** Values that switch forwarding off. */
function isCleared(value: string | undefined): boolean {
  return value === undefined || /^(\$null|null|)$/i.test(value.trim());
}

export const mailboxForwarding: Hunt = {
  id: ID,
  title: "Forwarding set on a mailbox",
  technique: "T1114.003",
  techniqueName: "Email Forwarding Rule",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const internal = lowerSet(s.list("internal_domains"));
    const findings: Finding[] = [];
    const seen = new Map<string, Finding>();
    for await (const rows of store.stream(`
      SELECT id, ts, client_ip, user_name, mailbox, action, data FROM ${LIVE_EVENTS}
      WHERE kind = 'mailbox.config' AND (data->>'change') = 'forwarding' ORDER BY ts, id`)) {
      for (const row of rows) {
        const event = JSON.parse(String(row["data"])) as MailboxConfigEvent;
        const parameters = event.parameters ?? {};
        const smtp = parameters["ForwardingSmtpAddress"];
        const address = parameters["ForwardingAddress"];
        const destination = !isCleared(smtp) ? (event.grantee ?? smtp ?? "") : !isCleared(address) ? (address ?? "") : undefined;
        if (destination === undefined) continue;
        const box = (text(row, "mailbox") ?? event.target ?? text(row, "user_name") ?? "").toLowerCase();
        const actor = text(row, "user_name")?.toLowerCase() ?? "";
        const ip = text(row, "client_ip");
        const domain = destination.includes("@") ? destination.slice(destination.lastIndexOf("@") + 1).toLowerCase() : undefined;
        // A ForwardingAddress names a recipient object of the organisation; an SMTP address may go anywhere.
        const external = domain === undefined ? false : !internal.has(domain);
        const keep = isTrue(parameters["DeliverToMailboxAndForward"]) ? "a copy stays in the mailbox" : "the mailbox may not keep a copy";
        const id = `${ID}:${box}:${destination.toLowerCase()}`;
        const existing = seen.get(id);
        if (existing) {
          existing.eventIds.push(String(row["id"]));
          existing.last = new Date(Number(row["ts"])).toISOString();
          continue;
        }
        const made = finding({
          id,
          rule: ID,
          title: `${box} forwards all mail to ${destination}`,
          severity: external ? s.severity("external_severity") : s.severity("internal_severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${event.action} by ${actor || "an unknown account"} from ${ip ?? "an unknown address"} at ${new Date(Number(row["ts"])).toISOString()} set forwarding of ${box} to ${destination}` +
            `${external ? ", outside the organisation's domains" : ""} (${keep}). Every message the mailbox receives from then on goes to that address too: ` +
            `a quiet, lasting collection channel. Benign when an administrator set it for a leaver or an absence: check the ticket.`,
          eventIds: [String(row["id"])],
          accounts: [box, actor],
          ips: ip ? [ip] : [],
          first: Number(row["ts"]),
          last: Number(row["ts"]),
        });
        seen.set(id, made);
        findings.push(made);
      }
    }
    return findings;
  },
};

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === "true";
}
