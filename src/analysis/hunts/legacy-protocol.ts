/** Sign-ins over legacy (basic-authentication) protocols, which bypass MFA (ATT&CK T1078, T1114.002). */
import { bigint, EVENTS, varchar, varcharList, varcharListWithNulls } from "../../model/columns.js";
import { eventField } from "../../store/sql.js";
import type { Finding } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";
import { addressList, cappedIds, lowerSet, nonEmpty, plural, quoteList, sqlList } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "legacy-protocol";
const E = EVENTS.col;

const LEGACY_SIGNINS = {
  account: varchar().notNull,
  ip: varchar(),
  protocols: varcharListWithNulls(),
  failures: bigint().notNull,
  nEvents: bigint().notNull,
  ids: varcharList(),
  firstTs: bigint().notNull,
  lastTs: bigint().notNull,
};

export const legacyProtocol = defineHunt({
  id: ID,
  title: "Legacy-protocol sign-ins",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, s, idList, finding }) {
    const allowIps = addressList(s, "allow_ips");
    const allowUsers = lowerSet(s.list("allow_users"));
    const results = s.bool("include_failures") ? "" : `AND ${E.result} IS DISTINCT FROM 'failure'`;
    const protocol = eventField("protocol");
    const rows = await store.rows(
      LEGACY_SIGNINS,
      `
      SELECT coalesce(lower(${E.userName}), '') AS account, ${E.clientIp} AS ip,
             list_sort(list(DISTINCT coalesce(${protocol}, ${E.action}))) AS protocols,
             count(*) FILTER (WHERE ${E.result} = 'failure')::BIGINT AS failures,
             count(*)::BIGINT AS n_events, ${idList()} AS ids, min(${E.ts}) AS first_ts, max(${E.ts}) AS last_ts
      FROM ${LIVE_EVENTS}
      WHERE ${E.kind} = 'auth' ${results}
        AND (TRY_CAST(${eventField("legacyProtocol")} AS BOOLEAN) IS TRUE OR ${protocol} IN ${sqlList(s.list("protocols"))})
      GROUP BY account, ip
      ORDER BY first_ts, account, ip`,
    );
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = row.account;
      const ip = row.ip ?? undefined;
      if (allowUsers.has(account) || (ip !== undefined && allowIps.has(ip))) continue;
      const protocols = nonEmpty(row.protocols);
      const total = row.nEvents;
      const failures = row.failures;
      const { eventIds, note } = cappedIds(nonEmpty(row.ids), total, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${account || "(unknown)"}:${ip ?? "(unknown)"}`,
          title: `${account || "unknown account"} signed in with ${quoteList(protocols, 3)} from ${ip ?? "an unknown address"}`,
          severity: s.severity("severity"),
          explanation:
            `${plural(total, "sign-in")}${failures > 0 ? ` (${failures} failed)` : ""} of ${account || "an unknown account"} from ${ip ?? "an unknown address"} over ${quoteList(protocols)} ` +
            `between ${new Date(row.firstTs).toISOString()} and ${new Date(row.lastTs).toISOString()}. ` +
            `Legacy protocols authenticate with the password alone, so MFA does not stop them, and IMAP/POP3 let a client download the whole mailbox (T1114.002). ` +
            `Benign for a known device such as a scanner or an old mail client: list its address in legacy-protocol.allow_ips or the account in allow_users.${note}`,
          eventIds,
          accounts: [account],
          ips: ip ? [ip] : [],
          first: row.firstTs,
          last: row.lastTs,
        }),
      );
    }
    return findings;
  },
});
