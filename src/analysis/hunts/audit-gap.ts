/** Audit gaps: a throttled MailItemsAccessed record means the next 24 h of reads are unaudited (ATT&CK T1562.008). */
import type { Finding, Hunt } from "../findings.js";
import { finding, LIVE_EVENTS, number, Settings, text } from "./common.js";

const ID = "audit-gap";

export const auditGap: Hunt = {
  id: ID,
  title: "Mail access auditing throttled",
  technique: "T1562.008",
  techniqueName: "Disable or Modify Cloud Logs",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const hours = s.num("gap_hours");
    const rows = await store.all(`
      SELECT id, ts, lower(user_name) AS account, coalesce(lower(mailbox), lower(user_name)) AS box, client_ip AS ip
      FROM ${LIVE_EVENTS}
      WHERE kind = 'mail.read' AND TRY_CAST((data->>'throttled') AS BOOLEAN) IS TRUE
      ORDER BY ts, id`);
    const findings: Finding[] = [];
    for (const row of rows) {
      const box = text(row, "box") ?? "";
      const account = text(row, "account") ?? "";
      const ip = text(row, "ip");
      const ts = number(row, "ts");
      const end = ts + hours * 3_600_000;
      findings.push(
        finding({
          id: `${ID}:${box}:${new Date(ts).toISOString()}`,
          rule: ID,
          title: `MailItemsAccessed for ${box} unaudited from ${new Date(ts).toISOString()} for ${hours} h`,
          severity: s.severity("severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `The MailItemsAccessed record of ${account || "an unknown account"}${ip ? ` from ${ip}` : ""} on ${box} at ${new Date(ts).toISOString()} is marked IsThrottled: ` +
            `Exchange writes no more MailItemsAccessed records for this mailbox until ${new Date(end).toISOString()}. ` +
            `Reads in that window leave no record, so "no record" there does not mean "not read": treat the mailbox's contents in that period as possibly exposed. ` +
            `Throttling follows a very high number of accesses (over 1,000 in 24 hours), itself a sign of bulk collection or of a heavy sync client.`,
          eventIds: [String(row["id"])],
          accounts: [box, account],
          ips: ip ? [ip] : [],
          first: ts,
          last: end,
        }),
      );
    }
    return findings;
  },
};
