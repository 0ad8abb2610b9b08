/** A successful sign-in from an address that just failed repeatedly (ATT&CK T1110). */
import { bigint, EVENTS, varchar, varcharList } from "../../model/columns.js";
import type { Finding } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";
import { addressList, cappedIds, failureCtes, nonEmpty, plural, quoteList } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "success-after-failures";
const E = EVENTS.col;

const WON = {
  account: varchar().notNull,
  ip: varchar().notNull,
  successTs: bigint().notNull,
  attempts: bigint().notNull,
  failedAccounts: varcharList(),
  nEvents: bigint().notNull,
  ids: varcharList(),
  firstTs: bigint().notNull,
  lastTs: bigint().notNull,
};

export const successAfterFailures = defineHunt({
  id: ID,
  title: "Successful sign-in after failures from the same source",
  technique: "T1110",
  techniqueName: "Brute Force",
  async run({ store, config, s, idList, finding }) {
    const allow = addressList(s, "allow_ips");
    const lookback = Math.trunc(s.num("lookback_minutes") * 60_000);
    const minAny = Math.trunc(s.num("min_failures"));
    const minSame = Math.trunc(s.num("min_failures_same_account_only"));
    // The first qualifying success per account and address; its copies in the same second and the
    // failures before it are the evidence.
    const rows = await store.rows(
      WON,
      `
      WITH ${failureCtes(config)},
      successes AS (
        SELECT ${E.id}, ${E.ts}, lower(${E.userName}) AS account, ${E.clientIp} AS ip FROM ${LIVE_EVENTS}
        WHERE ${E.kind} = 'auth' AND ${E.result} = 'success' AND coalesce(${E.userName}, '') <> '' AND ${E.clientIp} IS NOT NULL
      ),
      pairs AS (
        SELECT s.id, s.ts, s.account, s.ip, sum(u.attempts) AS attempts, count(DISTINCT u.account) AS n_accounts,
               bool_and(u.account = s.account) AS same_only
        FROM successes s JOIN fail_units u ON u.ip = s.ip AND u.ts < s.ts AND u.ts >= s.ts - ${lookback}
        GROUP BY s.id, s.ts, s.account, s.ip
      ),
      firsts AS (
        SELECT account, ip, min(ts) AS ts FROM pairs
        WHERE attempts >= CASE WHEN same_only THEN ${minSame} ELSE ${minAny} END
        GROUP BY account, ip
      ),
      evidence AS (
        SELECT f.account AS key_account, f.ip AS key_ip, f.ts AS success_ts, e.id, e.ts, e.account, 'failure' AS what
        FROM firsts f JOIN fail_events e ON e.ip = f.ip AND e.ts < f.ts AND e.ts >= f.ts - ${lookback}
        UNION ALL
        SELECT f.account, f.ip, f.ts, s.id, s.ts, s.account, 'success'
        FROM firsts f JOIN successes s ON s.account = f.account AND s.ip = f.ip AND s.ts // 1000 = f.ts // 1000
      ),
      units AS (
        SELECT f.account, f.ip, sum(u.attempts) AS attempts, list_sort(list(DISTINCT u.account)) AS failed_accounts
        FROM firsts f JOIN fail_units u ON u.ip = f.ip AND u.ts < f.ts AND u.ts >= f.ts - ${lookback}
        GROUP BY f.account, f.ip
      )
      SELECT v.key_account AS account, v.key_ip AS ip, any_value(v.success_ts) AS success_ts,
             any_value(u.attempts)::BIGINT AS attempts, any_value(u.failed_accounts) AS failed_accounts,
             count(*)::BIGINT AS n_events, ${idList("v")} AS ids, min(v.ts) AS first_ts, max(v.ts) AS last_ts
      FROM evidence v JOIN units u ON u.account = v.key_account AND u.ip = v.key_ip
      GROUP BY v.key_account, v.key_ip
      ORDER BY first_ts, account, ip`,
    );
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = row.account;
      const ip = row.ip;
      if (allow.has(ip)) continue;
      const attempts = row.attempts;
      const failedAccounts = nonEmpty(row.failedAccounts);
      const others = failedAccounts.filter((other) => other !== account);
      const { eventIds, note } = cappedIds(nonEmpty(row.ids), row.nEvents, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${account}:${ip}`,
          title: `${account} signed in from ${ip} after ${plural(attempts, "failed attempt")} from there`,
          severity: s.severity("severity"),
          explanation:
            `${account} signed in successfully from ${ip} at ${new Date(row.successTs).toISOString()}, after ${plural(attempts, "failed attempt")} from the same address in the ${s.num("lookback_minutes")} minutes before` +
            (others.length > 0 ? `, against ${plural(failedAccounts.length, "account")} (${quoteList(failedAccounts)}): a guessing run that found a working password.` : ` against this account only.`) +
            ` Treat the account as compromised until the sign-in is confirmed by its owner; benign when the owner mistyped and then remembered the password.${note}`,
          eventIds,
          accounts: [account, ...others],
          ips: [ip],
          first: row.firstTs,
          last: row.lastTs,
        }),
      );
    }
    return findings;
  },
});
