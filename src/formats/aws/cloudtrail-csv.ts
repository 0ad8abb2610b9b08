/**
 * AWS CloudTrail as CSV: the console's Event history download (columns as displayed: Event name,
 * Event time, User name, Event source, Resource type, Resource name, and optionally AWS access
 * key, AWS region, Error code, Source IP address, Read-only, Event ID, Request ID), and CloudTrail
 * Lake / Athena result files (columns named by the query; nested fields as JSON or struct text; a
 * column holding the whole record is read whole).
 */
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { readCsv } from "../../lib/csv.js";
import { peekStream } from "../../lib/peek.js";
import { headText } from "../../lib/text.js";
import { cloudTrailEvent } from "./cloudtrail-record.js";
import { columnKey, recordFromColumns } from "./columns.js";
import { deliveryPath } from "./values.js";

/** The header's cells, from the first line of the head (UTF-8 or UTF-16, BOM dropped). */
function headerCells(head: Buffer): string[] {
  const first = headText(head).split(/\r?\n/, 1)[0] ?? "";
  return first.split(",").map((cell) => columnKey(cell.replace(/^"|"$/g, "")));
}

/** A CloudTrail header: an event name with a time or id, or a column holding the record as JSON. */
export function isCloudTrailHeader(cells: readonly string[]): boolean {
  const has = (name: string): boolean => cells.includes(name);
  if (has("cloudtrailevent") || has("eventjson")) return true;
  return has("eventname") && (has("eventtime") || has("eventid")) && (has("eventsource") || has("useridentity") || has("username") || has("awsregion"));
}

export const cloudTrailCsv = defineFileFormat({
  name: "aws-cloudtrail-csv",
  description: "AWS CloudTrail CSV: the console's Event history download, CloudTrail Lake and Athena query results",
  sniff(head) {
    return isCloudTrailHeader(headerCells(head));
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const delivery = deliveryPath(source.file);
    const { head, stream } = await peekStream(source.stream());
    let header: string[] | undefined;
    for await (const batch of readCsv(stream, head)) {
      for (const item of batch) {
        const ref = { line: item.line };
        if (item.kind === "warning") {
          ctx.warn(ref, item.message);
          continue;
        }
        if (header === undefined) {
          header = item.fields;
          continue;
        }
        const cells = new Map<string, string>();
        header.forEach((title, index) => cells.set(title, item.fields[index] ?? ""));
        const record = recordFromColumns(cells);
        if (typeof record === "string") {
          ctx.warn(ref, `${record}: skipped`);
          continue;
        }
        const outcome = cloudTrailEvent(record, ref, delivery);
        if ("skip" in outcome) {
          ctx.warn(ref, outcome.skip);
          continue;
        }
        yield outcome.event;
      }
    }
  },
});
