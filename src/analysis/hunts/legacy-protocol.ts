/** Sign-ins over legacy (basic-authentication) protocols, which bypass MFA (ATT&CK T1078, T1114.002). */
import type { Finding, Hunt } from "../findings.js";
import { addressList, cappedIds, finding, idListSql, LIVE_EVENTS, lowerSet, maxEventIds, number, plural, quoteList, Settings, sqlList, strings, text } from "./common.js";

const ID = "legacy-protocol";

export const legacyProtocol: Hunt = {
  id: ID,
  title: "Legacy-protocol sign-ins",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const allowIps = addressList(s, "allow_ips");
    const allowUsers = lowerSet(s.list("allow_users"));
    const results = s.bool("include_failures") ? "" : "AND result IS DISTINCT FROM 'failure'";
    const rows = await store.all(`
      SELECT coalesce(lower(user_name), '') AS account, client_ip AS ip,
             list_sort(list(DISTINCT coalesce((data->>'protocol'), action))) AS protocols,
             count(*) FILTER (WHERE result = 'failure')::BIGINT AS failures,
             count(*)::BIGINT AS n_events, ${idListSql(maxEventIds(config))} AS ids, min(ts) AS first_ts, max(ts) AS last_ts
      FROM ${LIVE_EVENTS}
      WHERE kind = 'auth' ${results}
        AND (TRY_CAST((data->>'legacyProtocol') AS BOOLEAN) IS TRUE OR (data->>'protocol') IN ${sqlList(s.list("protocols"))})
      GROUP BY account, ip
      ORDER BY first_ts, account, ip`);
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = text(row, "account") ?? "";
      const ip = text(row, "ip");
      if (allowUsers.has(account) || (ip !== undefined && allowIps.has(ip))) continue;
      const protocols = strings(row, "protocols");
      const total = number(row, "n_events");
      const failures = number(row, "failures");
      const { eventIds, note } = cappedIds(strings(row, "ids"), total, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${account || "(unknown)"}:${ip ?? "(unknown)"}`,
          rule: ID,
          title: `${account || "unknown account"} signed in with ${quoteList(protocols, 3)} from ${ip ?? "an unknown address"}`,
          severity: s.severity("severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${plural(total, "sign-in")}${failures > 0 ? ` (${failures} failed)` : ""} of ${account || "an unknown account"} from ${ip ?? "an unknown address"} over ${quoteList(protocols)} ` +
            `between ${new Date(number(row, "first_ts")).toISOString()} and ${new Date(number(row, "last_ts")).toISOString()}. ` +
            `Legacy protocols authenticate with the password alone, so MFA does not stop them, and IMAP/POP3 let a client download the whole mailbox (T1114.002). ` +
            `Benign for a known device such as a scanner or an old mail client: list its address in legacy-protocol.allow_ips or the account in allow_users.${note}`,
          eventIds,
          accounts: [account],
          ips: ip ? [ip] : [],
          first: number(row, "first_ts"),
          last: number(row, "last_ts"),
        }),
      );
    }
    return findings;
  },
};
