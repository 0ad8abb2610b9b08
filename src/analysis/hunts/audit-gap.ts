/** Audit gaps: a throttled MailItemsAccessed record means the next 24 h of reads are unaudited (ATT&CK T1562.008). */
import { EVENTS, pick, varchar } from "../../model/columns.js";
import { eventField } from "../../store/sql.js";
import type { Finding } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";
import { defineHunt } from "./define.js";

const ID = "audit-gap";
const E = EVENTS.col;
const THROTTLED = { ...pick(EVENTS, "id", "ts"), account: varchar(), box: varchar(), ip: varchar() };

export const auditGap = defineHunt({
  id: ID,
  title: "Mail access auditing throttled",
  technique: "T1562.008",
  techniqueName: "Disable or Modify Cloud Logs",
  async run({ store, s, finding }) {
    const hours = s.num("gap_hours");
    const rows = await store.rows(
      THROTTLED,
      `
      SELECT ${E.id}, ${E.ts}, lower(${E.userName}) AS account, coalesce(lower(${E.mailbox}), lower(${E.userName})) AS box, ${E.clientIp} AS ip
      FROM ${LIVE_EVENTS}
      WHERE ${E.kind} = 'mail.read' AND TRY_CAST(${eventField("throttled")} AS BOOLEAN) IS TRUE
      ORDER BY ${E.ts}, ${E.id}`,
    );
    const findings: Finding[] = [];
    for (const row of rows) {
      const box = row.box ?? "";
      const account = row.account ?? "";
      const ip = row.ip ?? undefined;
      const ts = row.ts;
      const end = ts + hours * 3_600_000;
      findings.push(
        finding({
          id: `${ID}:${box}:${new Date(ts).toISOString()}`,
          title: `MailItemsAccessed for ${box} unaudited from ${new Date(ts).toISOString()} for ${hours} h`,
          severity: s.severity("severity"),
          explanation:
            `The MailItemsAccessed record of ${account || "an unknown account"}${ip ? ` from ${ip}` : ""} on ${box} at ${new Date(ts).toISOString()} is marked IsThrottled: ` +
            `Exchange writes no more MailItemsAccessed records for this mailbox until ${new Date(end).toISOString()}. ` +
            `Reads in that window leave no record, so "no record" there does not mean "not read": treat the mailbox's contents in that period as possibly exposed. ` +
            `Throttling follows a very high number of accesses (over 1,000 in 24 hours), itself a sign of bulk collection or of a heavy sync client.`,
          eventIds: [row.id],
          accounts: [box, account],
          ips: ip ? [ip] : [],
          first: ts,
          last: end,
        }),
      );
    }
    return findings;
  },
});
