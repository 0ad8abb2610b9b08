/**
 * IOC marking and propagation through sessions (docs/architecture.md): every mark carries its
 * reason, and a session that contains attacker activity is attacker activity as a whole.
 */
import type { CaseStore } from "../store/case-store.js";
import { describeIndicator, matchIp, type Iocs } from "./ioc.js";

const LIVE_EVENTS = "(SELECT * FROM events WHERE id NOT IN (SELECT id FROM duplicates))";

function windowClause(iocs: Iocs, column = "ts"): string {
  const parts: string[] = [];
  if (iocs.from !== undefined) parts.push(`${column} >= ${Math.trunc(iocs.from)}`);
  if (iocs.to !== undefined) parts.push(`${column} <= ${Math.trunc(iocs.to)}`);
  return parts.length > 0 ? ` AND ${parts.join(" AND ")}` : "";
}

async function markByIp(store: CaseStore, iocs: Iocs): Promise<void> {
  if (iocs.ips.length === 0) return;
  // Distinct addresses are few next to events: match them here, join in SQL.
  const hits: { ip: string; reason: string }[] = [];
  for await (const rows of store.stream(`SELECT DISTINCT client_ip FROM ${LIVE_EVENTS} WHERE client_ip IS NOT NULL ORDER BY client_ip`)) {
    for (const row of rows) {
      const ip = String(row["client_ip"]);
      const indicator = matchIp(iocs, ip);
      if (indicator) hits.push({ ip, reason: `client IP ${ip} is ${describeIndicator(indicator)}` });
    }
  }
  await markAddresses(store, hits, "ioc", windowClause(iocs, "e.ts"));
}

/** Marks every event from these exact addresses, each with its reason. */
export async function markAddresses(store: CaseStore, hits: readonly { ip: string; reason: string }[], via: string, where = ""): Promise<void> {
  if (hits.length === 0) return;
  await store.run("CREATE OR REPLACE TEMP TABLE ip_hits (ip VARCHAR, reason VARCHAR)");
  for (const hit of hits) await store.run("INSERT INTO ip_hits VALUES ($1, $2)", [hit.ip, hit.reason]);
  await store.run(`
    INSERT INTO marks
    SELECT e.id, h.reason, '${via}' FROM ${LIVE_EVENTS} e JOIN ip_hits h ON e.client_ip = h.ip
    WHERE e.id NOT IN (SELECT id FROM marks WHERE via = '${via}') ${where}`);
}

async function markByList(store: CaseStore, iocs: Iocs, values: string[], expression: string, label: string): Promise<void> {
  for (const value of values) {
    await store.run(
      `INSERT INTO marks SELECT id, $2, 'ioc' FROM ${LIVE_EVENTS} WHERE ${expression} ${windowClause(iocs)}`,
      [value, `${label} ${JSON.stringify(value)} is in the IOC list`],
    );
  }
}

/** Marks events that match the IOC file, each with its reason. */
export async function markIocs(store: CaseStore, iocs: Iocs): Promise<void> {
  await markByIp(store, iocs);
  await markByList(store, iocs, iocs.userAgents, "lower(data->>'userAgent') = lower($1)", "user agent");
  await markByList(
    store,
    iocs,
    iocs.sessions,
    "(session_id = $1 OR (data->'keys'->>'aadSessionId') = $1 OR (data->'keys'->>'uniqueTokenId') = $1 OR (data->'keys'->>'serverSessionId') = $1)",
    "session",
  );
  // Sign-ins carry appId; audit records the resource appId and the calling ClientAppId in extra.
  await markByList(store, iocs, iocs.appIds, "$1 IN (lower(data->>'appId'), lower(data->'extra'->>'appId'), lower(data->'extra'->>'clientAppId'))", "application id");
  await markByList(store, iocs, iocs.emailAddresses, "contains(lower(data), $1)", "address");
}

/**
 * Attacker status flows through a session: every event sharing a session id or a token id with a
 * marked event is marked, citing the first marked event of that session (a token minted in an
 * attacker sign-in stays the attacker's wherever it is replayed, from whatever address).
 */
export async function propagateSessions(store: CaseStore): Promise<number> {
  let added = 0;
  for (const [key, label] of [
    ["session_id", "session"],
    ["(data->'keys'->>'uniqueTokenId')", "token"],
  ] as const) {
    const before = await countMarks(store);
    await store.run(`
      INSERT INTO marks
      WITH seeds AS (
        SELECT ${key} AS k, arg_min(e.id, (e.ts, e.id, m.reason)) AS seed_id, arg_min(m.reason, (e.ts, e.id, m.reason)) AS seed_reason
        FROM marks m JOIN events e ON e.id = m.id
        WHERE ${key} IS NOT NULL AND ${key} <> ''
        GROUP BY ${key}
      )
      SELECT e.id, 'same ${label} ' || s.k || ' as attacker event ' || s.seed_id || ' (' || s.seed_reason || ')', 'session'
      FROM ${LIVE_EVENTS} e JOIN seeds s ON ${key.replace("data", "e.data").replace("session_id", "e.session_id")} = s.k
      WHERE e.id NOT IN (SELECT id FROM marks)`);
    added += (await countMarks(store)) - before;
  }
  return added;
}

async function countMarks(store: CaseStore): Promise<number> {
  const rows = await store.all("SELECT count(DISTINCT id) AS n FROM marks");
  return Number(rows[0]?.["n"] ?? 0);
}
