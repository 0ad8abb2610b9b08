/**
 * The exposure ledger (docs/architecture.md): for each mailbox, which messages the attacker read or
 * touched, resolved through the inventory: Bind → its Message-IDs; Sync → the folder's content at
 * that moment; Dovecot UIDs → Message-IDs (the exports' dovecot-uidlist, else the mail_log lines
 * that named the UID); and the gaps where the logs cannot tell which items were read.
 */
import { ATTACKER_ITEMS, bigint, DEEP_ATTACHMENTS, EVENTS, EXPOSURE_GAPS, EXPOSURES, jsonText, MESSAGES, SESSION_IPS, UID_NAMES, varchar, varcharList } from "../model/columns.js";
import type { AttachmentInfo, MessageBody } from "../model/messages.js";
import type { CaseStore } from "../store/case-store.js";
import { eventField, eventJson, itemField } from "../store/sql.js";
import { ATTACKER_IDS, LIVE_EVENTS } from "./views.js";

const E = EVENTS.col;
const M = MESSAGES.col;
const A = ATTACKER_ITEMS.col;
const X = EXPOSURES.col;
const U = UID_NAMES.col;
const G = EXPOSURE_GAPS.col;

/** Access types of exposed-messages.csv (docs/output-contract.md), in their canonical order. */
export const ACCESS_ORDER = ["bind", "sync", "imap-fetch", "pop3", "search-hit", "copy", "move", "delete", "forward"] as const;
export const READ_ACCESS = new Set(["bind", "sync", "imap-fetch", "pop3", "search-hit"]);

/** An event's `items`, one row each as `item`: `FROM events e, ${items("e")}`. */
const items = (alias?: string): string => `unnest(CAST(coalesce(${eventJson("items", alias)}, '[]') AS JSON[])) AS t(item)`;

export async function buildLedger(store: CaseStore): Promise<void> {
  // Mail-process lines carry no address: the session's login does.
  await store.replaceTable(
    SESSION_IPS,
    `
    SELECT ${E.sessionId} AS ${SESSION_IPS.col.sessionId}, arg_min(${E.clientIp}, (${E.ts}, ${E.id})) AS ${SESSION_IPS.col.ip} FROM ${LIVE_EVENTS}
    WHERE ${E.sessionId} IS NOT NULL AND ${E.clientIp} IS NOT NULL GROUP BY ${E.sessionId}`,
  );
  // Every item of every attacker read or change, one row each, with the mailbox it belongs to.
  // The attacker's events are few next to all events: pick them first, then unnest their items.
  const how = eventField("how", "e");
  await store.replaceTable(
    ATTACKER_ITEMS,
    `
    WITH attacker_events AS (
      SELECT e.${E.id}, e.${E.ts}, e.${E.kind}, e.${E.sessionId}, e.${E.clientIp}, e.${E.mailbox}, e.${E.userName}, e.${E.data}
      FROM ${LIVE_EVENTS} e WHERE e.${E.id} IN ${ATTACKER_IDS} AND e.${E.kind} IN ('mail.read', 'mail.change')
    )
    SELECT e.${E.id} AS ${A.eventId}, e.${E.ts} AS ${A.ts}, e.${E.kind} AS ${A.kind}, coalesce(e.${E.clientIp}, si.${SESSION_IPS.col.ip}) AS ${A.ip},
           lower(coalesce(e.${E.mailbox}, e.${E.userName})) AS ${A.mailbox},
           coalesce(${itemField("folder")}, ${eventField("folder", "e")}) AS ${A.folder},
           ${itemField("messageId")} AS ${A.messageId},
           ${itemField("uid")}::BIGINT AS ${A.uid},
           CASE
             WHEN e.${E.kind} = 'mail.read' THEN
               CASE ${how}
                 WHEN 'bind' THEN 'bind' WHEN 'sync' THEN 'sync' WHEN 'prefetch' THEN 'imap-fetch' WHEN 'fetch' THEN 'imap-fetch'
                 WHEN 'access' THEN 'pop3' WHEN 'pop3' THEN 'pop3' WHEN 'search-hit' THEN 'search-hit' ELSE 'imap-fetch' END
             ELSE CASE ${eventField("op", "e")} WHEN 'copy' THEN 'copy' WHEN 'move' THEN 'move' WHEN 'delete' THEN 'delete' WHEN 'expunge' THEN 'delete' ELSE NULL END
           END AS ${A.access}
    FROM attacker_events e
    LEFT JOIN ${SESSION_IPS.name} si ON si.${SESSION_IPS.col.sessionId} = e.${E.sessionId},
    ${items("e")}`,
  );
  await store.run(`DELETE FROM ${ATTACKER_ITEMS.name} WHERE ${A.access} IS NULL`);

  // UID → Message-ID from the mail_log lines of the whole case (a moved or deleted message is gone
  // from the exports' uidlist, but its expunge line named it).
  await store.replaceTable(
    UID_NAMES,
    `
    SELECT lower(${E.userName}) AS ${U.mailbox}, lower(coalesce(${itemField("folder")}, ${eventField("folder")})) AS ${U.folder}, ${itemField("uid")}::BIGINT AS ${U.uid},
           min(${itemField("messageId")}) AS ${U.messageId}
    FROM (SELECT ${E.userName}, ${E.data} FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'mail.change' AND ${eventField("op")} IN ('expunge', 'delete', 'flag')
            AND lower(${E.userName}) IN (SELECT DISTINCT ${A.mailbox} FROM ${ATTACKER_ITEMS.name} WHERE ${A.uid} IS NOT NULL AND ${A.messageId} IS NULL)),
         ${items()}
    WHERE ${itemField("messageId")} IS NOT NULL AND ${itemField("uid")} IS NOT NULL
    GROUP BY ALL`,
  );

  const sync = `e.${E.id} IN ${ATTACKER_IDS} AND e.${E.kind} = 'mail.read' AND ${eventField("how", "e")} = 'sync'`;
  await store.replaceTable(
    EXPOSURES,
    `
    -- Items named by Message-ID (Bind, mail_log lines) or by UID resolved through the inventory.
    SELECT a.${A.eventId}, a.${A.ts}, a.${A.ip}, a.${A.access}, a.${A.mailbox}, a.${A.folder},
           coalesce(a.${A.messageId}, m.${M.messageId}, u.${U.messageId}) AS ${X.messageId}, a.${A.uid}
    FROM ${ATTACKER_ITEMS.name} a
    LEFT JOIN ${MESSAGES.name} m ON a.${A.messageId} IS NULL AND a.${A.uid} IS NOT NULL AND lower(m.${M.mailbox}) = a.${A.mailbox}
         AND lower(m.${M.folder}) = lower(a.${A.folder}) AND m.${M.uid} = a.${A.uid}
    LEFT JOIN ${UID_NAMES.name} u ON a.${A.messageId} IS NULL AND a.${A.uid} IS NOT NULL AND m.${M.messageId} IS NULL
         AND u.${U.mailbox} = a.${A.mailbox} AND u.${U.folder} = lower(a.${A.folder}) AND u.${U.uid} = a.${A.uid}
    WHERE a.${A.access} <> 'sync'
    UNION ALL
    -- Sync: the whole folder was taken, i.e. every message the folder held at that moment.
    SELECT s.event_id, s.ts, s.ip, 'sync', s.mailbox, m.${M.folder}, m.${M.messageId}, m.${M.uid}
    FROM (SELECT DISTINCT e.${E.id} AS event_id, e.${E.ts}, e.${E.clientIp} AS ip, lower(coalesce(e.${E.mailbox}, e.${E.userName})) AS mailbox, ${eventField("folder", "e")} AS folder
          FROM ${LIVE_EVENTS} e WHERE ${sync}) s
    JOIN ${MESSAGES.name} m ON lower(m.${M.mailbox}) = s.mailbox AND lower(m.${M.folder}) = lower(s.folder)
         AND coalesce(m.${M.received}, m.${M.date}, 0) <= s.ts`,
  );

  // What the logs cannot resolve: syncs of folders no export holds, attacker sessions that fetched
  // bodies no per-item line names, UIDs that no export or mail_log line names.
  const fetched = `(coalesce((${eventField("counters.body_count", "e")})::BIGINT, 0) + coalesce((${eventField("counters.retr_count", "e")})::BIGINT, 0))`;
  await store.replaceTable(
    EXPOSURE_GAPS,
    `
    SELECT lower(coalesce(e.${E.mailbox}, e.${E.userName})) AS ${G.mailbox}, e.${E.id} AS ${G.eventId}, e.${E.ts} AS ${G.ts},
           'Sync of folder ' || coalesce(${eventField("folder", "e")}, '?') || ': no export of this folder, its contents are unknown' AS ${G.gap}
    FROM ${LIVE_EVENTS} e
    WHERE ${sync}
      AND NOT EXISTS (SELECT 1 FROM ${MESSAGES.name} m WHERE lower(m.${M.mailbox}) = lower(coalesce(e.${E.mailbox}, e.${E.userName})) AND lower(m.${M.folder}) = lower(${eventField("folder", "e")}))
    UNION ALL
    SELECT lower(e.${E.userName}), e.${E.id}, e.${E.ts},
           'session ' || e.${E.sessionId} || ' fetched ' || ${fetched}
             || ' message bodies; the logs name ' || coalesce(r.n, 0) || ' of them' AS gap
    FROM ${LIVE_EVENTS} e
    LEFT JOIN (SELECT x.${E.sessionId}, count(DISTINCT (a.${A.folder}, a.${A.uid})) AS n FROM ${ATTACKER_ITEMS.name} a JOIN ${EVENTS.name} x ON x.${E.id} = a.${A.eventId}
               WHERE a.${A.access} IN ('imap-fetch', 'pop3') GROUP BY x.${E.sessionId}) r ON r.${E.sessionId} = e.${E.sessionId}
    WHERE e.${E.id} IN ${ATTACKER_IDS} AND e.${E.kind} = 'session.end'
      AND ${fetched} > coalesce(r.n, 0)
    UNION ALL
    SELECT x.${X.mailbox}, x.${X.eventId}, x.${X.ts}, 'UID ' || x.${X.uid} || ' in ' || coalesce(x.${X.folder}, '?') || ': no export or log line names this message'
    FROM ${EXPOSURES.name} x WHERE x.${X.messageId} IS NULL`,
  );
}

const DA = DEEP_ATTACHMENTS.col;
/** The first copy (in file order) of an inventory column, for messages seen in several exports. */
const firstCopy = (column: string): string => `arg_min(${column}, (${M.fileId}, ${M.seq}))`;

/** One row of EXPOSED_MESSAGES_SQL. */
export const EXPOSED_MESSAGE = {
  mailbox: varchar(),
  folder: varchar(),
  messageId: varchar(),
  uid: bigint(),
  accesses: varcharList().notNull,
  firstAccess: bigint().notNull,
  lastAccess: bigint().notNull,
  ips: varcharList(),
  events: varcharList().notNull,
  message: jsonText<MessageBody>(),
  deepAttachments: jsonText<AttachmentInfo[]>(),
};

/** Exposed messages (one row per mailbox, folder and message) with what the inventory knows. */
export const EXPOSED_MESSAGES_SQL = `
  WITH grouped AS (
    SELECT ${X.mailbox}, ${X.folder}, ${X.messageId}, CASE WHEN ${X.messageId} IS NULL THEN ${X.uid} END AS uid,
           list(DISTINCT ${X.access}) AS accesses, min(${X.ts}) AS first_access, max(${X.ts}) AS last_access,
           list(DISTINCT ${X.ip} ORDER BY ${X.ip}) FILTER (WHERE ${X.ip} IS NOT NULL) AS ips,
           list(DISTINCT ${X.eventId} ORDER BY ${X.eventId}) AS events
    FROM ${EXPOSURES.name} GROUP BY ${X.mailbox}, ${X.folder}, ${X.messageId}, CASE WHEN ${X.messageId} IS NULL THEN ${X.uid} END
  ), inventory AS (
    SELECT lower(${M.mailbox}) AS mailbox, lower(${M.folder}) AS folder, ${M.messageId}, ${firstCopy(M.data)} AS data, ${firstCopy(M.id)} AS record
    FROM ${MESSAGES.name} GROUP BY ALL
  ), by_mailbox AS (
    SELECT lower(${M.mailbox}) AS mailbox, ${M.messageId}, ${firstCopy(M.data)} AS data, ${firstCopy(M.id)} AS record FROM ${MESSAGES.name} GROUP BY ALL
  ), by_id AS (
    SELECT ${M.messageId}, ${firstCopy(M.data)} AS data, ${firstCopy(M.id)} AS record FROM ${MESSAGES.name} GROUP BY ALL
  )
  -- The same folder first; a message moved since is found elsewhere in the mailbox; a Message-ID
  -- names the same message in any mailbox (for its headers).
  SELECT g.*, coalesce(i.data, b.data, d.data) AS message,
         (SELECT da.${DA.attachments} FROM ${DEEP_ATTACHMENTS.name} da WHERE da.${DA.messageRecordId} = coalesce(i.record, b.record, d.record)) AS deep_attachments
  FROM grouped g
  LEFT JOIN inventory i ON i.mailbox = g.mailbox AND i.message_id = g.message_id AND i.folder = lower(g.folder)
  LEFT JOIN by_mailbox b ON b.mailbox = g.mailbox AND b.message_id = g.message_id
  LEFT JOIN by_id d ON d.message_id = g.message_id
  ORDER BY g.mailbox, lower(g.folder), g.first_access, g.message_id, g.uid`;
