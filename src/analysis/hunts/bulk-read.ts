/**
 * Bulk reads (ATT&CK T1114.002): MailItemsAccessed Sync of whole folders, bursts of Bind records
 * with many items, Dovecot sessions that fetched many message bodies, POP3 downloads of a whole
 * mailbox.
 */
import { bigint, EVENTS, varchar, varcharList } from "../../model/columns.js";
import { eventField, eventJson } from "../../store/sql.js";
import type { Finding, Severity } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";
import { addressList, cappedIds, lowerSet, nonEmpty, plural, quoteList } from "./common.js";
import { defineHunt, type HuntTools } from "./define.js";

const ID = "bulk-read";
const E = EVENTS.col;

type Make = (parts: { key: string; title: string; severity: Severity; explanation: string; ids: string[]; total: number; accounts: string[]; ips: string[]; first: number; last: number }) => void;

/** What every bulk-read group reports: its events (capped) and time span. */
const EVIDENCE = { nEvents: bigint().notNull, ids: varcharList(), firstTs: bigint().notNull, lastTs: bigint().notNull };

const SYNC = { account: varchar(), box: varchar(), ip: varchar(), folders: varcharList(), ...EVIDENCE };

async function syncs({ store, s, idList }: HuntTools, make: Make): Promise<void> {
  const folder = eventField("folder");
  const rows = await store.rows(
    SYNC,
    `
    SELECT lower(${E.userName}) AS account, coalesce(lower(${E.mailbox}), lower(${E.userName})) AS box, ${E.clientIp} AS ip,
           list_sort(list(DISTINCT ${folder}) FILTER (WHERE ${folder} IS NOT NULL)) AS folders,
           count(*)::BIGINT AS n_events, ${idList()} AS ids, min(${E.ts}) AS first_ts, max(${E.ts}) AS last_ts
    FROM ${LIVE_EVENTS}
    WHERE ${E.kind} = 'mail.read' AND ${eventField("how")} = 'sync'
    GROUP BY account, box, ip ORDER BY first_ts, account, box, ip`,
  );
  for (const row of rows) {
    const account = row.account ?? "";
    const box = row.box ?? account;
    const ip = row.ip ?? undefined;
    const delegated = box !== account && account !== "";
    if (!delegated && !s.bool("report_owner_sync")) continue;
    const folders = nonEmpty(row.folders);
    const total = row.nEvents;
    make({
      key: `sync:${box}:${account}:${ip ?? "(unknown)"}`,
      title: `Sync of ${folders.length > 0 ? quoteList(folders, 3) : "folders"} in ${box}${delegated ? ` by ${account}` : ""} from ${ip ?? "an unknown address"}`,
      severity: delegated ? s.severity("delegated_sync_severity") : s.severity("sync_severity"),
      explanation:
        `${plural(total, "MailItemsAccessed Sync record")} for ${box}${delegated ? `, by ${account} (not the owner)` : ""} from ${ip ?? "an unknown address"}` +
        `${folders.length > 0 ? `, folders ${quoteList(folders)}` : ""}. A Sync downloads a whole folder to the client: every message in it at that moment is exposed. ` +
        (delegated ? `Access by another account to this mailbox deserves a reason (a delegate or an assistant).` : `Benign when the owner set up Outlook on a new computer or profile from a known address.`),
      ids: nonEmpty(row.ids),
      total,
      accounts: [account, box],
      ips: ip ? [ip] : [],
      first: row.firstTs,
      last: row.lastTs,
    });
  }
}

const BIND_BURST = { account: varchar(), box: varchar(), items: bigint().notNull, ips: varcharList(), ...EVIDENCE };

async function binds({ store, s, idList }: HuntTools, make: Make): Promise<void> {
  const gap = Math.trunc(s.num("bind_gap_minutes") * 60_000);
  const rows = await store.rows(
    BIND_BURST,
    `
    WITH b AS (
      SELECT ${E.id}, ${E.ts}, lower(${E.userName}) AS account, coalesce(lower(${E.mailbox}), lower(${E.userName})) AS box, ${E.clientIp} AS ip,
             coalesce(json_array_length(${eventJson("items")}), 0) AS n_items
      FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'mail.read' AND ${eventField("how")} = 'bind'
    ),
    o AS (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY account, box ORDER BY ts, id) > ${gap} THEN 1 ELSE 0 END AS brk FROM b),
    n AS (SELECT *, sum(brk) OVER (PARTITION BY account, box ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS burst FROM o)
    SELECT account, box, burst, sum(n_items)::BIGINT AS items, list_sort(list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL)) AS ips,
           count(*)::BIGINT AS n_events, ${idList()} AS ids, min(ts) AS first_ts, max(ts) AS last_ts
    FROM n GROUP BY account, box, burst HAVING sum(n_items) >= ${Math.trunc(s.num("bind_min_items"))}
    ORDER BY first_ts, account, box`,
  );
  for (const row of rows) {
    const account = row.account ?? "";
    const box = row.box ?? account;
    const items = row.items;
    const ips = nonEmpty(row.ips);
    const first = row.firstTs;
    const minutes = Math.max(1, Math.round((row.lastTs - first) / 60_000));
    make({
      key: `bind:${box}:${account}:${new Date(first).toISOString()}`,
      title: `${plural(items, "item")} opened in ${box} within ${minutes} min`,
      severity: s.severity("bind_severity"),
      explanation:
        `${account} opened ${plural(items, "message")} in ${box} (MailItemsAccessed Bind) within ${minutes} minutes from ${ips.length > 0 ? quoteList(ips) : "unknown addresses"}, ` +
        `with no pause over ${s.num("bind_gap_minutes")} minutes. People read a few messages at a time; hundreds in one run are a script or a tool harvesting the mailbox.`,
      ids: nonEmpty(row.ids),
      total: row.nEvents,
      accounts: [account, box],
      ips,
      first,
      last: row.lastTs,
    });
  }
}

const BULK_SESSION = {
  session: varchar(),
  account: varchar(),
  protocol: varchar(),
  bodies: bigint(),
  retrieved: bigint(),
  messages: bigint(),
  ip: varchar(),
  ...EVIDENCE,
};

async function sessions({ store, s, idList }: HuntTools, make: Make): Promise<void> {
  const minBodies = Math.trunc(s.num("min_body_count"));
  const minMessages = Math.trunc(s.num("pop3_min_messages"));
  // Mail-process logout lines carry no address: it comes from the session's login.
  const rows = await store.rows(
    BULK_SESSION,
    `
    WITH ends AS (
      SELECT coalesce(${E.sessionId}, ${E.id}) AS session, lower(any_value(${E.userName})) AS account, any_value(${eventField("protocol")}) AS protocol,
             max(TRY_CAST(${eventField("counters.body_count")} AS BIGINT)) AS bodies, max(TRY_CAST(${eventField("counters.retr_count")} AS BIGINT)) AS retrieved,
             max(TRY_CAST(${eventField("counters.mailbox_messages")} AS BIGINT)) AS messages, max(${E.clientIp}) AS ip,
             list(${E.id}) AS end_ids, min(${E.ts}) AS end_ts
      FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'session.end'
      GROUP BY session
    ),
    hits AS (
      SELECT * FROM ends
      WHERE greatest(coalesce(bodies, 0), coalesce(retrieved, 0)) >= ${minBodies}
         OR (retrieved IS NOT NULL AND retrieved = messages AND messages >= ${minMessages})
    ),
    evidence AS (
      SELECT h.session, e.${E.id}, e.${E.ts}, e.${E.clientIp} FROM hits h JOIN ${LIVE_EVENTS} e ON e.${E.sessionId} = h.session
      WHERE e.${E.kind} = 'session.end' OR (e.${E.kind} = 'auth' AND e.${E.result} = 'success')
      UNION ALL
      SELECT h.session, e.${E.id}, e.${E.ts}, e.${E.clientIp} FROM hits h JOIN ${LIVE_EVENTS} e ON e.${E.id} = h.end_ids[1] AND e.${E.sessionId} IS NULL
    )
    SELECT h.session, any_value(h.account) AS account, any_value(h.protocol) AS protocol, any_value(h.bodies) AS bodies,
           any_value(h.retrieved) AS retrieved, any_value(h.messages) AS messages,
           coalesce(any_value(h.ip), max(v.${E.clientIp})) AS ip, count(*)::BIGINT AS n_events,
           ${idList("v")} AS ids, min(v.${E.ts}) AS first_ts, max(v.${E.ts}) AS last_ts
    FROM hits h JOIN evidence v ON v.session = h.session
    GROUP BY h.session ORDER BY first_ts, h.session`,
  );
  for (const row of rows) {
    const account = row.account ?? "";
    const session = row.session ?? "";
    const ip = row.ip ?? undefined;
    const retrieved = row.retrieved ?? undefined;
    const messages = row.messages ?? undefined;
    const bodies = row.bodies ?? undefined;
    const whole = retrieved !== undefined && messages !== undefined && retrieved === messages && messages >= minMessages;
    const from = ip ?? "an unknown address";
    const common = { ids: nonEmpty(row.ids), total: row.nEvents, accounts: [account], ips: ip ? [ip] : [], first: row.firstTs, last: row.lastTs };
    if (whole) {
      make({
        ...common,
        key: `pop3:${account}:${session}`,
        title: `POP3 download of all ${messages} messages of ${account} from ${from}`,
        severity: s.severity("pop3_severity"),
        explanation:
          `POP3 session ${session} of ${account} from ${from} retrieved ${retrieved} of the ${messages} messages in the mailbox: the whole mailbox was downloaded. ` +
          `Benign when it is the owner's own mail client at its first download from a known address.`,
      });
    } else {
      const count = Math.max(bodies ?? 0, retrieved ?? 0);
      make({
        ...common,
        key: `session:${account}:${session}`,
        title: `${plural(count, "message body", "message bodies")} fetched by ${account} in one session from ${from}`,
        severity: s.severity("session_severity"),
        explanation:
          `${row.protocol?.toUpperCase() ?? "Mail"} session ${session} of ${account} from ${from} fetched ${plural(count, "message body", "message bodies")} ` +
          `(logout counters${bodies !== undefined ? ` body_count=${bodies}` : ""}${retrieved !== undefined ? ` retr=${retrieved}` : ""}). ` +
          `The counters do not say which messages: check the session's fetch lines. Benign for a client synchronising a new device.`,
      });
    }
  }
}

export const bulkRead = defineHunt({
  id: ID,
  title: "Bulk mail reads",
  technique: "T1114.002",
  techniqueName: "Remote Email Collection",
  async run(tools) {
    const { s, finding } = tools;
    const allowIps = addressList(s, "allow_ips");
    const allowUsers = lowerSet(s.list("allow_users"));
    const findings: Finding[] = [];
    const make: Make = (parts) => {
      if (parts.accounts[0] !== undefined && allowUsers.has(parts.accounts[0])) return;
      if (parts.ips.length > 0 && parts.ips.every((ip) => allowIps.has(ip))) return;
      const { eventIds, note } = cappedIds(parts.ids, parts.total, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${parts.key}`,
          title: parts.title,
          severity: parts.severity,
          explanation: parts.explanation + note,
          eventIds,
          accounts: parts.accounts,
          ips: parts.ips,
          first: parts.first,
          last: parts.last,
        }),
      );
    };
    await syncs(tools, make);
    await binds(tools, make);
    await sessions(tools, make);
    return findings;
  },
});
