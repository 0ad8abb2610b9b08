/** Events read back whole: the body decoded once into the event union, with its id and provenance. */
import { EVENTS, FILES, pick, type RowOf } from "../model/columns.js";
import type { MailEvent } from "../model/events.js";
import { selectList } from "./rows.js";

const EVENT_PART = pick(EVENTS, "id", "ts", "data", "refLine", "refOffset", "recordId", "member");
const FILE_PART = pick(FILES, "path", "sha256", "parser");

/** The columns a stored event is rebuilt from (events `e` joined with its file `f`). */
export const STORED_EVENT = { ...EVENT_PART, ...FILE_PART };

/** The events of `from` (aliased `e`) that match `where`, in time order, with their file. */
export function storedEventsSql(from: string, where: string): string {
  return `
    SELECT ${selectList(EVENT_PART, "e")}, ${selectList(FILE_PART, "f")}
    FROM ${from} e JOIN ${FILES.name} f ON f.${FILES.col.fileId} = e.${EVENTS.col.fileId}
    WHERE ${where}
    ORDER BY e.${EVENTS.col.ts}, e.${EVENTS.col.id}`;
}

/** The event as parsers made it and the pipeline stamped it (the body object is reused, not copied). */
export function toMailEvent(row: RowOf<typeof STORED_EVENT>): MailEvent {
  const event = row.data as MailEvent;
  event.id = row.id;
  // The column holds the time as stored (whole milliseconds): what every query sorted and grouped on.
  event.ts = row.ts;
  event.source = {
    parser: row.parser ?? "",
    file: row.path,
    sha256: row.sha256 ?? "",
    line: row.refLine ?? undefined,
    offset: row.refOffset ?? undefined,
    recordId: row.recordId ?? undefined,
    member: row.member ?? undefined,
  };
  return event;
}
