/**
 * The Unified Audit Log as JSON: Office 365 Management Activity API content (an array of AuditData
 * records, JSON lines, or one record), Sentinel `OfficeActivity` JSON exports (flattened columns,
 * all or some), `Search-UnifiedAuditLog | ConvertTo-Json` (AuditData as a JSON string),
 * Microsoft-Extractor-Suite's `Get-UAL` JSON (AuditData an object) and JSONL (AuditData text) and
 * Graph audit-log query records (`auditData` object).
 */
import type { ParsedEvent } from "../../model/events.js";
import { defineFileFormat } from "../../model/format.js";
import { firstJsonRecord, parsedJsonValues } from "../../lib/json.js";
import { auditEvent, fromSentinel } from "./audit.js";
import { isObj, type Obj } from "./values.js";
import { headText } from "../../lib/text.js";

/** The AuditData inside whatever wraps it, or why there is none. */
function auditDataOf(value: Obj): Obj | string {
  if (value.OfficeWorkload !== undefined || value.Type === "OfficeActivity" || value.TimeGenerated !== undefined) return fromSentinel(value);
  const inner = value.AuditData ?? value.auditData;
  if (inner === undefined) return value.Operation !== undefined || value.CreationTime !== undefined ? value : "no Operation, CreationTime or AuditData: not an audit record";
  if (isObj(inner)) {
    // Get-UAL's JSON (Microsoft-Extractor-Suite): the Search-UnifiedAuditLog result with AuditData as an object.
    if (inner.Operation === undefined && typeof value.Operations === "string") inner.Operation = value.Operations;
    if (inner.Id === undefined && typeof value.Identity === "string") inner.Id = value.Identity;
    return inner;
  }
  if (typeof inner !== "string") return "AuditData is neither an object nor JSON text";
  try {
    const parsed: unknown = JSON.parse(inner);
    if (!isObj(parsed)) return "AuditData is not a JSON object";
    if (parsed.Operation === undefined && typeof value.Operations === "string") parsed.Operation = value.Operations;
    if (parsed.Id === undefined && typeof value.Identity === "string") parsed.Id = value.Identity;
    return parsed;
  } catch (error) {
    return `AuditData is not valid JSON (${(error as Error).message})`;
  }
}

export const m365AuditJson = defineFileFormat({
  name: "m365-audit-json",
  description:
    "Microsoft 365 Unified Audit Log as JSON: Management Activity API content (array, JSON lines, one record), Sentinel OfficeActivity JSON, Search-UnifiedAuditLog ConvertTo-Json",
  sniff(head) {
    const text = headText(head).trimStart();
    if (!text.startsWith("{") && !text.startsWith("[")) return false;
    const first = firstJsonRecord(head);
    if (!first) return false;
    if (first.OfficeWorkload !== undefined || first.Type === "OfficeActivity") return true;
    // Search-UnifiedAuditLog results (ConvertTo-Json, Microsoft-Extractor-Suite's Get-UAL JSON and JSONL): AuditData as text or as an object.
    if ((typeof first.AuditData === "string" || isObj(first.AuditData)) && first.Operations !== undefined) return true;
    if (isObj(first.auditData) && first.auditLogRecordType !== undefined) return true;
    // A Log Analytics export of some OfficeActivity columns: a time and an operation are enough.
    if (typeof first.Operation === "string" && typeof first.TimeGenerated === "string") return true;
    return typeof first.Operation === "string" && typeof first.CreationTime === "string" && first.RecordType !== undefined;
  },
  async *parse(source, ctx) {
    for await (const { value, ref } of parsedJsonValues(source.stream(), ctx.warn)) {
      if (!isObj(value)) {
        ctx.warn(ref, "not a JSON object: skipped");
        continue;
      }
      const record = auditDataOf(value);
      if (typeof record === "string") {
        ctx.warn(ref, `${record}: skipped`);
        continue;
      }
      const issues: string[] = [];
      const outcome = auditEvent(record, ref, issues);
      if ("skip" in outcome) {
        ctx.warn(ref, `${outcome.skip}${issues.length > 0 ? ` (${issues.join("; ")})` : ""}`);
        continue;
      }
      const event: ParsedEvent = outcome.event;
      if (issues.length > 0) ctx.warn(event.ref, issues.join("; "));
      yield event;
    }
  },
});
