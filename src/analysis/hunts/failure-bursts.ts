/** Bursts of failed attempts grouped by source address or by account (spray and brute force). */
import { bigint, varchar, varcharList, type RowOf } from "../../model/columns.js";
import type { CaseStore } from "../../store/case-store.js";
import type { HuntConfig } from "../findings.js";
import { failureCtes, idListSql, maxEventIds } from "./common.js";

export interface BurstQuery {
  /** `ip`: one source, many accounts; `account`: one account, any sources. */
  by: "ip" | "account";
  gapMinutes: number;
  minAccounts: number;
  minAttempts: number;
}

/** One row per burst: the address or account, who and from where, and its events (capped, time order). */
const BURST = {
  key: varchar().notNull,
  accounts: varcharList(),
  ips: varcharList(),
  attempts: bigint().notNull,
  nEvents: bigint().notNull,
  ids: varcharList(),
  firstTs: bigint().notNull,
  lastTs: bigint().notNull,
};

export type Burst = RowOf<typeof BURST>;

/** The bursts of failures: a burst ends where no failure follows within the gap. */
export async function failureBursts(store: CaseStore, config: HuntConfig, query: BurstQuery): Promise<Burst[]> {
  const gap = Math.trunc(query.gapMinutes * 60_000);
  const by = query.by;
  return store.rows(BURST, `
    WITH ${failureCtes(config)},
    ordered AS (
      SELECT *, CASE WHEN ts - lag(last_ts) OVER (PARTITION BY ${by} ORDER BY ts, unit) > ${gap} THEN 1 ELSE 0 END AS brk
      FROM fail_units WHERE ${by} IS NOT NULL
    ),
    numbered AS (
      SELECT *, sum(brk) OVER (PARTITION BY ${by} ORDER BY ts, unit ROWS UNBOUNDED PRECEDING) AS burst FROM ordered
    ),
    bursts AS (
      SELECT ${by} AS key, burst, count(DISTINCT account) AS n_accounts, sum(attempts) AS attempts,
             list_sort(list(DISTINCT account)) AS accounts, list_sort(list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL)) AS ips
      FROM numbered GROUP BY ${by}, burst
      HAVING count(DISTINCT account) >= ${Math.trunc(query.minAccounts)} AND sum(attempts) >= ${Math.trunc(query.minAttempts)}
    )
    SELECT b.key, b.burst, b.accounts, b.ips, b.attempts::BIGINT AS attempts, count(*)::BIGINT AS n_events,
           ${idListSql(maxEventIds(config), "e")} AS ids, min(e.ts) AS first_ts, max(e.ts) AS last_ts
    FROM bursts b
    JOIN numbered n ON n.${by} = b.key AND n.burst = b.burst
    JOIN fail_events e ON e.unit = n.unit
    GROUP BY b.key, b.burst, b.accounts, b.ips, b.attempts
    ORDER BY b.key, b.burst`);
}

/** `<key>` when the key had one burst, else `<key>@<first ISO time>` for each. */
export function burstKeys(rows: readonly Burst[]): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
  return rows.map((row) => ((counts.get(row.key) ?? 0) > 1 ? `${row.key}@${new Date(row.firstTs).toISOString()}` : row.key));
}
