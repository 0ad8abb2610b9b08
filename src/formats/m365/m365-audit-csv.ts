/**
 * The Unified Audit Log as CSV: the Purview audit export (`RecordId,CreationDate,RecordType,
 * Operation,UserId,AuditData,...`), `Search-UnifiedAuditLog | Export-Csv` (`RecordType,CreationDate,
 * UserIds,Operations,AuditData,...,Identity,...`, often UTF-16LE), the older four-column export and
 * Sentinel `OfficeActivity` exports (AuditData flattened into columns, all of them or any subset
 * with a time and an operation), and Microsoft-Extractor-Suite's `Get-UAL` CSV (the
 * Search-UnifiedAuditLog columns, or with -AuditDataOnly AuditData flattened). UTF-8 with or
 * without BOM, UTF-16LE.
 */
import type { ParsedEvent } from "../../model/events.js";
import { defineFileFormat } from "../../model/format.js";
import { readCsv } from "../../lib/csv.js";
import { auditEvent, fromSentinel } from "./audit.js";
import { csvHeader, normalizeHeader, rowObject } from "./columns.js";
import { isObj, type Obj } from "./values.js";
import { peekStream } from "../../lib/peek.js";

type Layout = { kind: "auditdata"; auditData: number; id: number; creationDate: number; operation: number } | { kind: "sentinel" };

/** Time columns of a flattened export: Log Analytics, AuditData's own, Search-UnifiedAuditLog's. */
const TIME_COLUMNS = ["TimeGenerated", "CreationTime", "CreationDate", "Start_Time"];

function layoutOf(header: readonly string[] | undefined): Layout | undefined {
  if (!header) return undefined;
  const auditData = header.indexOf("AuditData");
  const operation = header.includes("Operation") ? header.indexOf("Operation") : header.indexOf("Operations");
  if (auditData !== -1 && operation !== -1) {
    const id = header.includes("RecordId") ? header.indexOf("RecordId") : header.indexOf("Identity");
    return { kind: "auditdata", auditData, id, creationDate: header.indexOf("CreationDate"), operation };
  }
  // A flattened export (Sentinel OfficeActivity, AuditData exported as columns) with any subset of
  // its columns, as long as a time and an operation are there: what is missing stays empty.
  if (operation !== -1 && TIME_COLUMNS.some((name) => header.includes(name))) return { kind: "sentinel" };
  return undefined;
}

export const m365AuditCsv = defineFileFormat({
  name: "m365-audit-csv",
  description:
    "Microsoft 365 Unified Audit Log as CSV: Purview audit export, Search-UnifiedAuditLog Export-Csv (UTF-8 or UTF-16), the old 4-column export, Sentinel OfficeActivity export",
  sniff(head) {
    return layoutOf(csvHeader(head)) !== undefined;
  },
  async *parse(source, ctx) {
    const { head, stream } = await peekStream(source.stream());
    let header: string[] | undefined;
    let layout: Layout | undefined;
    for await (const batch of readCsv(stream, head)) {
      for (const item of batch) {
        const line = item.line;
        if (item.kind === "warning") {
          ctx.warn({ line }, item.message);
          continue;
        }
        if (header === undefined) {
          header = item.fields.map(normalizeHeader);
          layout = layoutOf(header);
          if (layout === undefined) {
            ctx.warn({ line }, "header is not an audit export header: file skipped");
            return;
          }
          continue;
        }
        let record: Obj;
        if (layout?.kind === "auditdata") {
          const text = item.fields[layout.auditData] ?? "";
          const columnId = layout.id === -1 ? undefined : item.fields[layout.id];
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (error) {
            ctx.warn(columnId ? { line, recordId: columnId } : { line }, `AuditData is not valid JSON (${(error as Error).message}): record skipped`);
            continue;
          }
          if (!isObj(parsed)) {
            ctx.warn(columnId ? { line, recordId: columnId } : { line }, "AuditData is not a JSON object: record skipped");
            continue;
          }
          record = parsed;
          // The export's own columns fill in what AuditData lacks.
          if (record.Id === undefined && columnId) record.Id = columnId;
          if (record.Operation === undefined && item.fields[layout.operation]) record.Operation = item.fields[layout.operation];
          if (record.CreationTime === undefined && layout.creationDate !== -1) record.CreationDate = item.fields[layout.creationDate];
        } else {
          record = fromSentinel(rowObject(header, item.fields));
        }
        const issues: string[] = [];
        const outcome = auditEvent(record, { line }, issues);
        if ("skip" in outcome) {
          ctx.warn({ line }, `${outcome.skip}${issues.length > 0 ? ` (${issues.join("; ")})` : ""}`);
          continue;
        }
        const event: ParsedEvent = outcome.event;
        if (issues.length > 0) ctx.warn(event.ref, issues.join("; "));
        yield event;
      }
    }
  },
});
