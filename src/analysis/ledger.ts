/**
 * The exposure ledger (docs/architecture.md): for each mailbox, which messages the attacker read or
 * touched, resolved through the inventory: Bind → its Message-IDs; Sync → the folder's content at
 * that moment; Dovecot UIDs → Message-IDs (the exports' dovecot-uidlist, else the mail_log lines
 * that named the UID); and the gaps where the logs cannot tell which items were read.
 */
import type { CaseStore } from "../store/case-store.js";

const LIVE = "(SELECT * FROM events WHERE id NOT IN (SELECT id FROM duplicates))";
const ATTACKER = "(SELECT DISTINCT id FROM marks)";

/** Access types of exposed-messages.csv (docs/output-contract.md), in their canonical order. */
export const ACCESS_ORDER = ["bind", "sync", "imap-fetch", "pop3", "search-hit", "copy", "move", "delete", "forward"] as const;
export const READ_ACCESS = new Set(["bind", "sync", "imap-fetch", "pop3", "search-hit"]);

export async function buildLedger(store: CaseStore): Promise<void> {
  // Mail-process lines carry no address: the session's login does.
  await store.run(`
    CREATE OR REPLACE TABLE session_ips AS
    SELECT session_id, arg_min(client_ip, (ts, id)) AS ip FROM ${LIVE}
    WHERE session_id IS NOT NULL AND client_ip IS NOT NULL GROUP BY session_id`);
  // Every item of every attacker read or change, one row each, with the mailbox it belongs to.
  // The attacker's events are few next to all events: pick them first, then unnest their items.
  await store.run(`
    CREATE OR REPLACE TABLE attacker_items AS
    WITH attacker_events AS (
      SELECT e.id, e.ts, e.kind, e.session_id, e.client_ip, e.mailbox, e.user_name, e.data
      FROM ${LIVE} e WHERE e.id IN ${ATTACKER} AND e.kind IN ('mail.read', 'mail.change')
    )
    SELECT e.id AS event_id, e.ts, e.kind, coalesce(e.client_ip, si.ip) AS ip,
           lower(coalesce(e.mailbox, e.user_name)) AS mailbox,
           coalesce(item->>'folder', e.data->>'folder') AS folder,
           item->>'messageId' AS message_id,
           (item->>'uid')::BIGINT AS uid,
           CASE
             WHEN e.kind = 'mail.read' THEN
               CASE e.data->>'how'
                 WHEN 'bind' THEN 'bind' WHEN 'sync' THEN 'sync' WHEN 'prefetch' THEN 'imap-fetch' WHEN 'fetch' THEN 'imap-fetch'
                 WHEN 'access' THEN 'pop3' WHEN 'pop3' THEN 'pop3' WHEN 'search-hit' THEN 'search-hit' ELSE 'imap-fetch' END
             ELSE CASE e.data->>'op' WHEN 'copy' THEN 'copy' WHEN 'move' THEN 'move' WHEN 'delete' THEN 'delete' WHEN 'expunge' THEN 'delete' ELSE NULL END
           END AS access
    FROM attacker_events e
    LEFT JOIN session_ips si ON si.session_id = e.session_id,
    unnest(CAST(coalesce(e.data->'items', '[]') AS JSON[])) AS t(item)`);
  await store.run("DELETE FROM attacker_items WHERE access IS NULL");

  // UID → Message-ID from the mail_log lines of the whole case (a moved or deleted message is gone
  // from the exports' uidlist, but its expunge line named it).
  await store.run(`
    CREATE OR REPLACE TEMP TABLE uid_names AS
    SELECT lower(user_name) AS mailbox, lower(coalesce(item->>'folder', (data->>'folder'))) AS folder, (item->>'uid')::BIGINT AS uid,
           min(item->>'messageId') AS message_id
    FROM (SELECT user_name, data FROM ${LIVE} WHERE kind = 'mail.change' AND (data->>'op') IN ('expunge', 'delete', 'flag')
            AND lower(user_name) IN (SELECT DISTINCT mailbox FROM attacker_items WHERE uid IS NOT NULL AND message_id IS NULL)),
         unnest(CAST(coalesce(data->'items', '[]') AS JSON[])) AS t(item)
    WHERE (item->>'messageId') IS NOT NULL AND (item->>'uid') IS NOT NULL
    GROUP BY ALL`);

  await store.run(`
    CREATE OR REPLACE TABLE exposures AS
    -- Items named by Message-ID (Bind, mail_log lines) or by UID resolved through the inventory.
    SELECT a.event_id, a.ts, a.ip, a.access, a.mailbox, a.folder,
           coalesce(a.message_id, m.message_id, u.message_id) AS message_id, a.uid
    FROM attacker_items a
    LEFT JOIN messages m ON a.message_id IS NULL AND a.uid IS NOT NULL AND lower(m.mailbox) = a.mailbox
         AND lower(m.folder) = lower(a.folder) AND m.uid = a.uid
    LEFT JOIN uid_names u ON a.message_id IS NULL AND a.uid IS NOT NULL AND m.message_id IS NULL
         AND u.mailbox = a.mailbox AND u.folder = lower(a.folder) AND u.uid = a.uid
    WHERE a.access <> 'sync'
    UNION ALL
    -- Sync: the whole folder was taken, i.e. every message the folder held at that moment.
    SELECT s.event_id, s.ts, s.ip, 'sync', s.mailbox, m.folder, m.message_id, m.uid
    FROM (SELECT DISTINCT e.id AS event_id, e.ts, e.client_ip AS ip, lower(coalesce(e.mailbox, e.user_name)) AS mailbox, (e.data->>'folder') AS folder
          FROM ${LIVE} e WHERE e.id IN ${ATTACKER} AND e.kind = 'mail.read' AND (e.data->>'how') = 'sync') s
    JOIN messages m ON lower(m.mailbox) = s.mailbox AND lower(m.folder) = lower(s.folder)
         AND coalesce(m.received, m.date, 0) <= s.ts`);

  // What the logs cannot resolve: syncs of folders no export holds, attacker sessions that fetched
  // bodies no per-item line names, UIDs that no export or mail_log line names.
  await store.run(`
    CREATE OR REPLACE TABLE exposure_gaps AS
    SELECT lower(coalesce(e.mailbox, e.user_name)) AS mailbox, e.id AS event_id, e.ts,
           'Sync of folder ' || coalesce((e.data->>'folder'), '?') || ': no export of this folder, its contents are unknown' AS gap
    FROM ${LIVE} e
    WHERE e.id IN ${ATTACKER} AND e.kind = 'mail.read' AND (e.data->>'how') = 'sync'
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE lower(m.mailbox) = lower(coalesce(e.mailbox, e.user_name)) AND lower(m.folder) = lower((e.data->>'folder')))
    UNION ALL
    SELECT lower(e.user_name), e.id, e.ts,
           'session ' || e.session_id || ' fetched ' || (coalesce(((e.data->'counters'->>'body_count'))::BIGINT, 0) + coalesce(((e.data->'counters'->>'retr_count'))::BIGINT, 0))
             || ' message bodies; the logs name ' || coalesce(r.n, 0) || ' of them' AS gap
    FROM ${LIVE} e
    LEFT JOIN (SELECT x.session_id, count(DISTINCT (a.folder, a.uid)) AS n FROM attacker_items a JOIN events x ON x.id = a.event_id
               WHERE a.access IN ('imap-fetch', 'pop3') GROUP BY x.session_id) r ON r.session_id = e.session_id
    WHERE e.id IN ${ATTACKER} AND e.kind = 'session.end'
      AND coalesce(((e.data->'counters'->>'body_count'))::BIGINT, 0) + coalesce(((e.data->'counters'->>'retr_count'))::BIGINT, 0) > coalesce(r.n, 0)
    UNION ALL
    SELECT x.mailbox, x.event_id, x.ts, 'UID ' || x.uid || ' in ' || coalesce(x.folder, '?') || ': no export or log line names this message'
    FROM exposures x WHERE x.message_id IS NULL`);
}

/** Exposed messages (one row per mailbox, folder and message) with what the inventory knows. */
export const EXPOSED_MESSAGES_SQL = `
  WITH grouped AS (
    SELECT mailbox, folder, message_id, CASE WHEN message_id IS NULL THEN uid END AS uid,
           list(DISTINCT access) AS accesses, min(ts) AS first_access, max(ts) AS last_access,
           list(DISTINCT ip ORDER BY ip) FILTER (WHERE ip IS NOT NULL) AS ips,
           list(DISTINCT event_id ORDER BY event_id) AS events
    FROM exposures GROUP BY mailbox, folder, message_id, CASE WHEN message_id IS NULL THEN uid END
  ), inventory AS (
    SELECT lower(mailbox) AS mailbox, lower(folder) AS folder, message_id, arg_min(data, (file_id, seq)) AS data, arg_min(id, (file_id, seq)) AS record
    FROM messages GROUP BY ALL
  ), by_mailbox AS (
    SELECT lower(mailbox) AS mailbox, message_id, arg_min(data, (file_id, seq)) AS data, arg_min(id, (file_id, seq)) AS record FROM messages GROUP BY ALL
  ), by_id AS (
    SELECT message_id, arg_min(data, (file_id, seq)) AS data, arg_min(id, (file_id, seq)) AS record FROM messages GROUP BY ALL
  )
  -- The same folder first; a message moved since is found elsewhere in the mailbox; a Message-ID
  -- names the same message in any mailbox (for its headers).
  SELECT g.*, coalesce(i.data, b.data, d.data) AS message,
         (SELECT da.attachments FROM deep_attachments da WHERE da.message_record_id = coalesce(i.record, b.record, d.record)) AS deep_attachments
  FROM grouped g
  LEFT JOIN inventory i ON i.mailbox = g.mailbox AND i.message_id = g.message_id AND i.folder = lower(g.folder)
  LEFT JOIN by_mailbox b ON b.mailbox = g.mailbox AND b.message_id = g.message_id
  LEFT JOIN by_id d ON d.message_id = g.message_id
  ORDER BY g.mailbox, lower(g.folder), g.first_access, g.message_id, g.uid`;
