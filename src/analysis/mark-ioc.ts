/**
 * IOC marking and propagation through sessions (docs/architecture.md): every mark carries its
 * reason, and a session that contains attacker activity is attacker activity as a whole.
 */
import { bigint, EVENTS, IP_HITS, MARKS, pick, type MarkVia } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";
import { eventField } from "../store/sql.js";
import { describeIndicator, matchIp, type Iocs } from "./ioc.js";
import { LIVE_EVENTS } from "./views.js";

const E = EVENTS.col;
const H = IP_HITS.col;
const MK = MARKS.col;
/** Marks are added by SELECTs of (event id, reason, via). */
const INSERT_MARKS = `INSERT INTO ${MARKS.name} (${MK.id}, ${MK.reason}, ${MK.via})`;

function windowClause(iocs: Iocs, column: string = E.ts): string {
  const parts: string[] = [];
  if (iocs.from !== undefined) parts.push(`${column} >= ${Math.trunc(iocs.from)}`);
  if (iocs.to !== undefined) parts.push(`${column} <= ${Math.trunc(iocs.to)}`);
  return parts.length > 0 ? ` AND ${parts.join(" AND ")}` : "";
}

async function markByIp(store: CaseStore, iocs: Iocs): Promise<void> {
  if (iocs.ips.length === 0) return;
  // Distinct addresses are few next to events: match them here, join in SQL.
  const hits: { ip: string; reason: string }[] = [];
  const addresses = pick(EVENTS, "clientIp");
  for await (const rows of store.streamRows(addresses, `SELECT DISTINCT ${E.clientIp} FROM ${LIVE_EVENTS} WHERE ${E.clientIp} IS NOT NULL ORDER BY ${E.clientIp}`)) {
    for (const row of rows) {
      const ip = String(row.clientIp);
      const indicator = matchIp(iocs, ip);
      if (indicator) hits.push({ ip, reason: `client IP ${ip} is ${describeIndicator(indicator)}` });
    }
  }
  await markAddresses(store, hits, "ioc", windowClause(iocs, `e.${E.ts}`));
}

/** Marks every event from these exact addresses, each with its reason. */
export async function markAddresses(store: CaseStore, hits: readonly { ip: string; reason: string }[], via: MarkVia, where = ""): Promise<void> {
  if (hits.length === 0) return;
  await store.replaceTable(IP_HITS);
  for (const hit of hits) await store.insertRow(IP_HITS, hit);
  await store.run(`
    ${INSERT_MARKS}
    SELECT e.${E.id}, h.${H.reason}, '${via}' FROM ${LIVE_EVENTS} e JOIN ${IP_HITS.name} h ON e.${E.clientIp} = h.${H.ip}
    WHERE e.${E.id} NOT IN (SELECT ${MK.id} FROM ${MARKS.name} WHERE ${MK.via} = '${via}') ${where}`);
}

async function markByList(store: CaseStore, iocs: Iocs, values: string[], expression: string, label: string): Promise<void> {
  for (const value of values) {
    await store.run(
      `${INSERT_MARKS} SELECT ${E.id}, $2, 'ioc' FROM ${LIVE_EVENTS} WHERE ${expression} ${windowClause(iocs)}`,
      [value, `${label} ${JSON.stringify(value)} is in the IOC list`],
    );
  }
}

/** Marks events that match the IOC file, each with its reason. */
export async function markIocs(store: CaseStore, iocs: Iocs): Promise<void> {
  await markByIp(store, iocs);
  await markByList(store, iocs, iocs.userAgents, `lower(${eventField("userAgent")}) = lower($1)`, "user agent");
  await markByList(
    store,
    iocs,
    iocs.sessions,
    `(${E.sessionId} = $1 OR ${eventField("keys.aadSessionId")} = $1 OR ${eventField("keys.uniqueTokenId")} = $1 OR ${eventField("keys.serverSessionId")} = $1)`,
    "session",
  );
  // Sign-ins carry appId; audit records the resource appId and the calling ClientAppId in extra.
  await markByList(store, iocs, iocs.appIds, `$1 IN (lower(${eventField("appId")}), lower(${eventField("extra.appId")}), lower(${eventField("extra.clientAppId")}))`, "application id");
  await markByList(store, iocs, iocs.emailAddresses, `contains(lower(${E.data}), $1)`, "address");
}

/**
 * Attacker status flows through a session: every event sharing a session id or a token id with a
 * marked event is marked, citing the first marked event of that session (a token minted in an
 * attacker sign-in stays the attacker's wherever it is replayed, from whatever address).
 */
export async function propagateSessions(store: CaseStore): Promise<number> {
  let added = 0;
  // Each key of an event (as SQL over the events aliased `e`) that attacker status follows.
  for (const [key, label] of [
    [`e.${E.sessionId}`, "session"],
    [eventField("keys.uniqueTokenId", "e"), "token"],
  ] as const) {
    const before = await countMarks(store);
    await store.run(`
      ${INSERT_MARKS}
      WITH seeds AS (
        SELECT ${key} AS k, arg_min(e.${E.id}, (e.${E.ts}, e.${E.id}, m.${MK.reason})) AS seed_id, arg_min(m.${MK.reason}, (e.${E.ts}, e.${E.id}, m.${MK.reason})) AS seed_reason
        FROM ${MARKS.name} m JOIN ${EVENTS.name} e ON e.${E.id} = m.${MK.id}
        WHERE ${key} IS NOT NULL AND ${key} <> ''
        GROUP BY ${key}
      )
      SELECT e.${E.id}, 'same ${label} ' || s.k || ' as attacker event ' || s.seed_id || ' (' || s.seed_reason || ')', 'session'
      FROM ${LIVE_EVENTS} e JOIN seeds s ON ${key} = s.k
      WHERE e.${E.id} NOT IN (SELECT ${MK.id} FROM ${MARKS.name})`);
    added += (await countMarks(store)) - before;
  }
  return added;
}

async function countMarks(store: CaseStore): Promise<number> {
  const count = await store.one({ n: bigint().notNull }, `SELECT count(DISTINCT ${MK.id}) AS n FROM ${MARKS.name}`);
  return count?.n ?? 0;
}
