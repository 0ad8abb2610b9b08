/**
 * timeline.csv, timeline.jsonl and timesketch.jsonl, written in one ordered pass over the store
 * (sorted by time, then file, then position: deterministic across runs).
 */
import { join } from "node:path";
import { MailtrailError } from "../model/errors.js";
import type { CaseStore, Row } from "../store/case-store.js";
import { CsvWriter, LineWriter } from "./writer.js";

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

/** Events with their file, marks and other locations; duplicates left out. */
export const TIMELINE_SQL = `
  WITH mark_reasons AS (
    SELECT id, string_agg(reason, '; ' ORDER BY via, reason) AS reasons FROM (SELECT DISTINCT id, reason, via FROM marks) GROUP BY id
  ), other_locations AS (
    SELECT d.kept_id AS id,
           to_json(list({'file': f.path, 'sha256': f.sha256, 'line': e.ref_line, 'offset': e.ref_offset, 'recordId': e.record_id} ORDER BY d.file_id, e.seq)) AS others
    FROM duplicates d JOIN events e ON e.id = d.id JOIN files f ON f.file_id = d.file_id
    GROUP BY d.kept_id
  )
  SELECT e.id, e.ts, e.kind, e.data, e.ref_line, e.ref_offset, e.record_id,
         f.path, f.sha256, f.parser, m.reasons, o.others::VARCHAR AS others
  FROM events e
  JOIN files f ON f.file_id = e.file_id
  LEFT JOIN mark_reasons m ON m.id = e.id
  LEFT JOIN other_locations o ON o.id = e.id
  WHERE e.id NOT IN (SELECT id FROM duplicates)
  ORDER BY e.ts, e.file_id, e.seq`;

type Body = Record<string, unknown> & { items?: { messageId?: string; uid?: number; folder?: string }[] };

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

export function sourceRefText(row: Row): string {
  if (row["record_id"] !== null && row["record_id"] !== undefined) return `record ${String(row["record_id"])}`;
  if (row["ref_line"] !== null && row["ref_line"] !== undefined) return `line ${String(row["ref_line"])}`;
  if (row["ref_offset"] !== null && row["ref_offset"] !== undefined) return `offset ${String(row["ref_offset"])}`;
  return "";
}

const MAX_ITEMS_IN_DETAIL = 10;

/** The detail cell: the source's own detail, else the messages the event concerns. */
export function detailOf(body: Body): string | undefined {
  const own = text(body["detail"]);
  if (own) return own;
  const items = body.items;
  if (!items || items.length === 0) return undefined;
  const shown = items.slice(0, MAX_ITEMS_IN_DETAIL).map((item) => {
    const where = item.folder ? `${item.folder} ` : "";
    if (item.messageId) return `${where}${item.messageId}`.trim();
    return item.uid !== undefined ? `${where}UID ${item.uid}` : where.trim();
  });
  const more = items.length > MAX_ITEMS_IN_DETAIL ? ` (+${items.length - MAX_ITEMS_IN_DETAIL} more)` : "";
  return shown.join(", ") + more;
}

function countryOf(body: Body): string | undefined {
  const location = body["location"] as { country?: unknown } | undefined;
  return text(body["country"]) ?? text(location?.country);
}

function messageCountOf(body: Body): number | undefined {
  if (typeof body["messageCount"] === "number") return body["messageCount"];
  return body.items && body.items.length > 0 ? body.items.length : undefined;
}

export interface TimelineStats {
  events: number;
  attackerEvents: number;
}

/** A human sentence for Timesketch's `message`. */
export function messageOf(body: Body, detail: string | undefined): string {
  const parts = [String(body["action"] ?? body["kind"])];
  if (body["result"]) parts.push(`(${String(body["result"])})`);
  if (body["user"]) parts.push(`by ${String(body["user"])}`);
  if (body["mailbox"] && body["mailbox"] !== body["user"]) parts.push(`in mailbox ${String(body["mailbox"])}`);
  if (body["clientIp"]) parts.push(`from ${String(body["clientIp"])}`);
  const head = parts.join(" ");
  return detail ? `${head}: ${detail}` : head;
}

export async function writeTimelines(store: CaseStore, outDir: string): Promise<TimelineStats> {
  const csv = new CsvWriter(join(outDir, "timeline.csv"), TIMELINE_COLUMNS);
  const jsonl = new LineWriter(join(outDir, "timeline.jsonl"));
  const sketch = new LineWriter(join(outDir, "timesketch.jsonl"));
  const stats: TimelineStats = { events: 0, attackerEvents: 0 };
  try {
    for await (const rows of store.stream(TIMELINE_SQL)) {
      for (const row of rows) {
        const body = JSON.parse(String(row["data"])) as Body;
        const ts = Number(row["ts"]);
        const timestamp = new Date(ts).toISOString();
        const reasons = row["reasons"] === null || row["reasons"] === undefined ? undefined : String(row["reasons"]);
        const attacker = reasons !== undefined;
        const detail = detailOf(body);
        const sourceRef = sourceRefText(row);
        const country = countryOf(body);
        const messageCount = messageCountOf(body);
        stats.events += 1;
        if (attacker) stats.attackerEvents += 1;
        await csv.write([
          timestamp,
          String(row["id"]),
          String(row["kind"]),
          text(body["action"]),
          text(body["result"]),
          text(body["user"]),
          text(body["mailbox"]),
          text(body["clientIp"]),
          country,
          text(body["userAgent"]),
          text(body["sessionId"]),
          messageCount,
          detail,
          attacker ? "yes" : "no",
          reasons,
          text(row["parser"]),
          text(row["path"]),
          sourceRef,
        ]);
        const source = {
          parser: row["parser"],
          file: row["path"],
          sha256: row["sha256"],
          line: row["ref_line"] ?? undefined,
          offset: row["ref_offset"] ?? undefined,
          recordId: row["record_id"] ?? undefined,
        };
        const others = row["others"] === null || row["others"] === undefined ? undefined : (JSON.parse(String(row["others"])) as unknown[]);
        await jsonl.write(
          `${JSON.stringify({
            timestamp,
            id: row["id"],
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
            timestamp_desc: body["tsDesc"] ?? "Event time",
            event_id: row["id"],
            kind: row["kind"],
            action: body["action"],
            result: body["result"],
            user: body["user"],
            mailbox: body["mailbox"],
            client_ip: body["clientIp"],
            country,
            user_agent: body["userAgent"],
            session_id: body["sessionId"],
            message_count: messageCount,
            attacker: attacker ? "yes" : "no",
            attacker_reason: reasons,
            source_parser: row["parser"],
            source_file: row["path"],
            source_ref: sourceRef,
            source_sha256: row["sha256"],
          })}\n`,
        );
      }
    }
  } finally {
    await Promise.all([csv.close(), jsonl.close(), sketch.close()]);
  }
  // A result stream that ends early (seen when the store ran out of memory mid-query) must not
  // pass for a whole timeline.
  const expected = await store.all("SELECT count(*) AS n FROM events WHERE id NOT IN (SELECT id FROM duplicates)");
  const total = Number(expected[0]?.["n"] ?? 0);
  if (stats.events !== total) {
    throw new MailtrailError("STORE", `the timeline is incomplete: ${stats.events} of ${total} events were written (the case store stopped early); the files in ${outDir} must not be used`);
  }
  return stats;
}
