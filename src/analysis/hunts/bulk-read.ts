/**
 * Bulk reads (ATT&CK T1114.002): MailItemsAccessed Sync of whole folders, bursts of Bind records
 * with many items, Dovecot sessions that fetched many message bodies, POP3 downloads of a whole
 * mailbox.
 */
import type { Finding, Hunt, Severity } from "../findings.js";
import { addressList, cappedIds, finding, idListSql, LIVE_EVENTS, lowerSet, maxEventIds, number, plural, quoteList, Settings, strings, text } from "./common.js";
import type { CaseStore } from "../../store/case-store.js";
import type { HuntConfig } from "../findings.js";

const ID = "bulk-read";
const TECHNIQUE = "T1114.002";
const TECHNIQUE_NAME = "Remote Email Collection";

type Make = (parts: { key: string; title: string; severity: Severity; explanation: string; ids: string[]; total: number; accounts: string[]; ips: string[]; first: number; last: number }) => void;

async function syncs(store: CaseStore, config: HuntConfig, s: Settings, make: Make): Promise<void> {
  const rows = await store.all(`
    SELECT lower(user_name) AS account, coalesce(lower(mailbox), lower(user_name)) AS box, client_ip AS ip,
           list_sort(list(DISTINCT (data->>'folder')) FILTER (WHERE (data->>'folder') IS NOT NULL)) AS folders,
           count(*)::BIGINT AS n_events, ${idListSql(maxEventIds(config))} AS ids, min(ts) AS first_ts, max(ts) AS last_ts
    FROM ${LIVE_EVENTS}
    WHERE kind = 'mail.read' AND (data->>'how') = 'sync'
    GROUP BY account, box, ip ORDER BY first_ts, account, box, ip`);
  for (const row of rows) {
    const account = text(row, "account") ?? "";
    const box = text(row, "box") ?? account;
    const ip = text(row, "ip");
    const delegated = box !== account && account !== "";
    if (!delegated && !s.bool("report_owner_sync")) continue;
    const folders = strings(row, "folders");
    const total = number(row, "n_events");
    make({
      key: `sync:${box}:${account}:${ip ?? "(unknown)"}`,
      title: `Sync of ${folders.length > 0 ? quoteList(folders, 3) : "folders"} in ${box}${delegated ? ` by ${account}` : ""} from ${ip ?? "an unknown address"}`,
      severity: delegated ? s.severity("delegated_sync_severity") : s.severity("sync_severity"),
      explanation:
        `${plural(total, "MailItemsAccessed Sync record")} for ${box}${delegated ? `, by ${account} (not the owner)` : ""} from ${ip ?? "an unknown address"}` +
        `${folders.length > 0 ? `, folders ${quoteList(folders)}` : ""}. A Sync downloads a whole folder to the client: every message in it at that moment is exposed. ` +
        (delegated ? `Access by another account to this mailbox deserves a reason (a delegate or an assistant).` : `Benign when the owner set up Outlook on a new computer or profile from a known address.`),
      ids: strings(row, "ids"),
      total,
      accounts: [account, box],
      ips: ip ? [ip] : [],
      first: number(row, "first_ts"),
      last: number(row, "last_ts"),
    });
  }
}

async function binds(store: CaseStore, config: HuntConfig, s: Settings, make: Make): Promise<void> {
  const gap = Math.trunc(s.num("bind_gap_minutes") * 60_000);
  const rows = await store.all(`
    WITH b AS (
      SELECT id, ts, lower(user_name) AS account, coalesce(lower(mailbox), lower(user_name)) AS box, client_ip AS ip,
             coalesce(json_array_length(data->'items'), 0) AS n_items
      FROM ${LIVE_EVENTS} WHERE kind = 'mail.read' AND (data->>'how') = 'bind'
    ),
    o AS (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY account, box ORDER BY ts, id) > ${gap} THEN 1 ELSE 0 END AS brk FROM b),
    n AS (SELECT *, sum(brk) OVER (PARTITION BY account, box ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS burst FROM o)
    SELECT account, box, burst, sum(n_items)::BIGINT AS items, list_sort(list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL)) AS ips,
           count(*)::BIGINT AS n_events, ${idListSql(maxEventIds(config))} AS ids, min(ts) AS first_ts, max(ts) AS last_ts
    FROM n GROUP BY account, box, burst HAVING sum(n_items) >= ${Math.trunc(s.num("bind_min_items"))}
    ORDER BY first_ts, account, box`);
  for (const row of rows) {
    const account = text(row, "account") ?? "";
    const box = text(row, "box") ?? account;
    const items = number(row, "items");
    const ips = strings(row, "ips");
    const first = number(row, "first_ts");
    const minutes = Math.max(1, Math.round((number(row, "last_ts") - first) / 60_000));
    make({
      key: `bind:${box}:${account}:${new Date(first).toISOString()}`,
      title: `${plural(items, "item")} opened in ${box} within ${minutes} min`,
      severity: s.severity("bind_severity"),
      explanation:
        `${account} opened ${plural(items, "message")} in ${box} (MailItemsAccessed Bind) within ${minutes} minutes from ${ips.length > 0 ? quoteList(ips) : "unknown addresses"}, ` +
        `with no pause over ${s.num("bind_gap_minutes")} minutes. People read a few messages at a time; hundreds in one run are a script or a tool harvesting the mailbox.`,
      ids: strings(row, "ids"),
      total: number(row, "n_events"),
      accounts: [account, box],
      ips,
      first,
      last: number(row, "last_ts"),
    });
  }
}

async function sessions(store: CaseStore, config: HuntConfig, s: Settings, make: Make): Promise<void> {
  const minBodies = Math.trunc(s.num("min_body_count"));
  const minMessages = Math.trunc(s.num("pop3_min_messages"));
  // Mail-process logout lines carry no address: it comes from the session's login.
  const rows = await store.all(`
    WITH ends AS (
      SELECT coalesce(session_id, id) AS session, lower(any_value(user_name)) AS account, any_value((data->>'protocol')) AS protocol,
             max(TRY_CAST((data->'counters'->>'body_count') AS BIGINT)) AS bodies, max(TRY_CAST((data->'counters'->>'retr_count') AS BIGINT)) AS retrieved,
             max(TRY_CAST((data->'counters'->>'mailbox_messages') AS BIGINT)) AS messages, max(client_ip) AS ip,
             list(id) AS end_ids, min(ts) AS end_ts
      FROM ${LIVE_EVENTS} WHERE kind = 'session.end'
      GROUP BY session
    ),
    hits AS (
      SELECT * FROM ends
      WHERE greatest(coalesce(bodies, 0), coalesce(retrieved, 0)) >= ${minBodies}
         OR (retrieved IS NOT NULL AND retrieved = messages AND messages >= ${minMessages})
    ),
    evidence AS (
      SELECT h.session, e.id, e.ts, e.client_ip FROM hits h JOIN ${LIVE_EVENTS} e ON e.session_id = h.session
      WHERE e.kind = 'session.end' OR (e.kind = 'auth' AND e.result = 'success')
      UNION ALL
      SELECT h.session, e.id, e.ts, e.client_ip FROM hits h JOIN ${LIVE_EVENTS} e ON e.id = h.end_ids[1] AND e.session_id IS NULL
    )
    SELECT h.session, any_value(h.account) AS account, any_value(h.protocol) AS protocol, any_value(h.bodies) AS bodies,
           any_value(h.retrieved) AS retrieved, any_value(h.messages) AS messages,
           coalesce(any_value(h.ip), max(v.client_ip)) AS ip, count(*)::BIGINT AS n_events,
           ${idListSql(maxEventIds(config), "v")} AS ids, min(v.ts) AS first_ts, max(v.ts) AS last_ts
    FROM hits h JOIN evidence v ON v.session = h.session
    GROUP BY h.session ORDER BY first_ts, h.session`);
  for (const row of rows) {
    const account = text(row, "account") ?? "";
    const session = text(row, "session") ?? "";
    const ip = text(row, "ip");
    const retrieved = row["retrieved"] === null ? undefined : number(row, "retrieved");
    const messages = row["messages"] === null ? undefined : number(row, "messages");
    const bodies = row["bodies"] === null ? undefined : number(row, "bodies");
    const whole = retrieved !== undefined && messages !== undefined && retrieved === messages && messages >= minMessages;
    const from = ip ?? "an unknown address";
    const common = { ids: strings(row, "ids"), total: number(row, "n_events"), accounts: [account], ips: ip ? [ip] : [], first: number(row, "first_ts"), last: number(row, "last_ts") };
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
          `${text(row, "protocol")?.toUpperCase() ?? "Mail"} session ${session} of ${account} from ${from} fetched ${plural(count, "message body", "message bodies")} ` +
          `(logout counters${bodies !== undefined ? ` body_count=${bodies}` : ""}${retrieved !== undefined ? ` retr=${retrieved}` : ""}). ` +
          `The counters do not say which messages: check the session's fetch lines. Benign for a client synchronising a new device.`,
      });
    }
  }
}

export const bulkRead: Hunt = {
  id: ID,
  title: "Bulk mail reads",
  technique: TECHNIQUE,
  techniqueName: TECHNIQUE_NAME,
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
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
          rule: ID,
          title: parts.title,
          severity: parts.severity,
          technique: TECHNIQUE,
          techniqueName: TECHNIQUE_NAME,
          explanation: parts.explanation + note,
          eventIds,
          accounts: parts.accounts,
          ips: parts.ips,
          first: parts.first,
          last: parts.last,
        }),
      );
    };
    await syncs(store, config, s, make);
    await binds(store, config, s, make);
    await sessions(store, config, s, make);
    return findings;
  },
};
