/**
 * timeline.csv, timeline.jsonl and timesketch.jsonl, written in one ordered pass over the store
 * (sorted by time, then file, then position: deterministic across runs).
 */
import { join } from "node:path";
import { bigint, DUPLICATES, EVENTS, FILES, jsonText, MARKS, pick, varchar, type RowOf } from "../model/columns.js";
import { MailtrailError } from "../model/errors.js";
import type { EventBody } from "../model/events.js";
import type { CaseStore } from "../store/case-store.js";
import { selectList } from "../store/rows.js";
import { LIVE_EVENTS } from "../analysis/views.js";
import { CsvWriter, DEFAULT_CSV, LineWriter, type CsvOptions } from "./writer.js";

const E = EVENTS.col;
const F = FILES.col;
const D = DUPLICATES.col;
const MK = MARKS.col;

export const TIMELINE_COLUMNS = [
  "timestamp",
  "event_id",
  "kind",
  "action",
  "result",
  "user",
  "mailbox",
  "client_ip",
  "country",
  "user_agent",
  "session_id",
  "message_count",
  "detail",
  "attacker",
  "attacker_reason",
  "source_parser",
  "source_file",
  "source_ref",
] as const;

/** Where else a kept event was seen (its duplicates). */
interface OtherLocation {
  file: string;
  sha256: string | null;
  line: number | null;
  offset: number | null;
  recordId: string | null;
}

const EVENT_PART = pick(EVENTS, "id", "ts", "kind", "data", "refLine", "refOffset", "recordId");
const FILE_PART = pick(FILES, "path", "sha256", "parser");

/** One row of TIMELINE_SQL: the event, its file, its attacker reasons and its other locations. */
export const TIMELINE_ROW = { ...EVENT_PART, ...FILE_PART, reasons: varchar(), others: jsonText<OtherLocation[]>() };

export type TimelineRow = RowOf<typeof TIMELINE_ROW>;

/** Events with their file, marks and other locations; duplicates left out. */
export const TIMELINE_SQL = `
  WITH mark_reasons AS (
    SELECT ${MK.id}, string_agg(${MK.reason}, '; ' ORDER BY ${MK.via}, ${MK.reason}) AS reasons FROM (SELECT DISTINCT ${MK.id}, ${MK.reason}, ${MK.via} FROM ${MARKS.name}) GROUP BY ${MK.id}
  ), other_locations AS (
    SELECT d.${D.keptId} AS id,
           to_json(list({'file': f.${F.path}, 'sha256': f.${F.sha256}, 'line': e.${E.refLine}, 'offset': e.${E.refOffset}, 'recordId': e.${E.recordId}} ORDER BY d.${D.fileId}, e.${E.seq})) AS others
    FROM ${DUPLICATES.name} d JOIN ${EVENTS.name} e ON e.${E.id} = d.${D.id} JOIN ${FILES.name} f ON f.${F.fileId} = d.${D.fileId}
    GROUP BY d.${D.keptId}
  )
  SELECT ${selectList(EVENT_PART, "e")},
         ${selectList(FILE_PART, "f")}, m.reasons, o.others::VARCHAR AS others
  FROM ${EVENTS.name} e
  JOIN ${FILES.name} f ON f.${F.fileId} = e.${E.fileId}
  LEFT JOIN mark_reasons m ON m.${MK.id} = e.${E.id}
  LEFT JOIN other_locations o ON o.id = e.${E.id}
  WHERE e.${E.id} NOT IN (SELECT ${D.id} FROM ${DUPLICATES.name})
  ORDER BY e.${E.ts}, e.${E.fileId}, e.${E.seq}`;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

export function sourceRefText(row: Pick<TimelineRow, "recordId" | "refLine" | "refOffset">): string {
  if (row.recordId !== null) return `record ${row.recordId}`;
  if (row.refLine !== null) return `line ${String(row.refLine)}`;
  if (row.refOffset !== null) return `offset ${String(row.refOffset)}`;
  return "";
}

const MAX_ITEMS_IN_DETAIL = 10;

/** The detail cell: the source's own detail, else the messages the event concerns. */
export function detailOf(body: EventBody): string | undefined {
  const own = text(body.detail);
  if (own) return own;
  const items = "items" in body ? body.items : undefined;
  if (!items || items.length === 0) return undefined;
  const shown = items.slice(0, MAX_ITEMS_IN_DETAIL).map((item) => {
    const where = item.folder ? `${item.folder} ` : "";
    if (item.messageId) return `${where}${item.messageId}`.trim();
    return item.uid !== undefined ? `${where}UID ${item.uid}` : where.trim();
  });
  const more = items.length > MAX_ITEMS_IN_DETAIL ? ` (+${items.length - MAX_ITEMS_IN_DETAIL} more)` : "";
  return shown.join(", ") + more;
}

function countryOf(body: EventBody): string | undefined {
  const location = "location" in body ? body.location : undefined;
  return text(body.country) ?? text(location?.country);
}

function messageCountOf(body: EventBody): number | undefined {
  if (typeof body.messageCount === "number") return body.messageCount;
  const items = "items" in body ? body.items : undefined;
  return items && items.length > 0 ? items.length : undefined;
}

export interface TimelineStats {
  events: number;
  attackerEvents: number;
}

/** A human sentence for Timesketch's `message`. */
export function messageOf(body: EventBody, detail: string | undefined): string {
  const parts = [String(body.action ?? body.kind)];
  if (body.result) parts.push(`(${String(body.result)})`);
  if (body.user) parts.push(`by ${String(body.user)}`);
  if (body.mailbox && body.mailbox !== body.user) parts.push(`in mailbox ${String(body.mailbox)}`);
  if (body.clientIp) parts.push(`from ${String(body.clientIp)}`);
  const head = parts.join(" ");
  return detail ? `${head}: ${detail}` : head;
}

export async function writeTimelines(store: CaseStore, outDir: string, csvOptions: CsvOptions = DEFAULT_CSV): Promise<TimelineStats> {
  const csv = new CsvWriter(join(outDir, "timeline.csv"), TIMELINE_COLUMNS, csvOptions);
  const jsonl = new LineWriter(join(outDir, "timeline.jsonl"));
  const sketch = new LineWriter(join(outDir, "timesketch.jsonl"));
  const stats: TimelineStats = { events: 0, attackerEvents: 0 };
  try {
    for await (const rows of store.streamRows(TIMELINE_ROW, TIMELINE_SQL)) {
      for (const row of rows) {
        const body = row.data;
        const ts = row.ts;
        const timestamp = new Date(ts).toISOString();
        const reasons = row.reasons ?? undefined;
        const attacker = reasons !== undefined;
        const detail = detailOf(body);
        const sourceRef = sourceRefText(row);
        const country = countryOf(body);
        const messageCount = messageCountOf(body);
        stats.events += 1;
        if (attacker) stats.attackerEvents += 1;
        await csv.write([
          timestamp,
          row.id,
          row.kind,
          text(body.action),
          text(body.result),
          text(body.user),
          text(body.mailbox),
          text(body.clientIp),
          country,
          text(body.userAgent),
          text(body.sessionId),
          messageCount,
          detail,
          attacker ? "yes" : "no",
          reasons,
          text(row.parser),
          text(row.path),
          sourceRef,
        ]);
        const source = {
          parser: row.parser,
          file: row.path,
          sha256: row.sha256,
          line: row.refLine ?? undefined,
          offset: row.refOffset ?? undefined,
          recordId: row.recordId ?? undefined,
        };
        const others = row.others ?? undefined;
        await jsonl.write(
          `${JSON.stringify({
            timestamp,
            id: row.id,
            ...body,
            attacker,
            attackerReasons: reasons ? reasons.split("; ") : [],
            source,
            otherLocations: others,
          })}\n`,
        );
        await sketch.write(
          `${JSON.stringify({
            message: messageOf(body, detail),
            datetime: timestamp,
            timestamp: ts * 1000,
            timestamp_desc: body.tsDesc ?? "Event time",
            event_id: row.id,
            kind: row.kind,
            action: body.action,
            result: body.result,
            user: body.user,
            mailbox: body.mailbox,
            client_ip: body.clientIp,
            country,
            user_agent: body.userAgent,
            session_id: body.sessionId,
            message_count: messageCount,
            attacker: attacker ? "yes" : "no",
            attacker_reason: reasons,
            source_parser: row.parser,
            source_file: row.path,
            source_ref: sourceRef,
            source_sha256: row.sha256,
          })}\n`,
        );
      }
    }
  } finally {
    await Promise.all([csv.close(), jsonl.close(), sketch.close()]);
  }
  // A result stream that ends early (seen when the store ran out of memory mid-query) must not
  // pass for a whole timeline.
  const expected = await store.one({ n: bigint().notNull }, `SELECT count(*) AS n FROM ${LIVE_EVENTS}`);
  const total = expected?.n ?? 0;
  if (stats.events !== total) {
    throw new MailtrailError("STORE", `the timeline is incomplete: ${stats.events} of ${total} events were written (the case store stopped early); the files in ${outDir} must not be used`);
  }
  return stats;
}
