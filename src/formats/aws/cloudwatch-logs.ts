/**
 * CloudWatch Logs exports of AWS logs: `create-export-task` files (lines `<ISO time> <message>`)
 * and `filter-log-events` / `get-log-events` JSON (`{"events":[{"timestamp","message",…}]}`). Each
 * message is read as what it holds: a CloudTrail record (a trail sent to CloudWatch Logs), a
 * WorkMail audit record, or a default-format VPC flow record.
 */
import type { ParsedEvent, RecordRef } from "../../model/events.js";
import { defineFileFormat, type FileContext, type ParsedItem } from "../../model/format.js";
import { parsedJsonValues } from "../../lib/json.js";
import { readLineBatches } from "../../lib/lines.js";
import { peekStream } from "../../lib/peek.js";
import { headText } from "../../lib/text.js";
import { cloudTrailEvent, unwrapCloudTrail } from "./cloudtrail-record.js";
import { DEFAULT_FLOW_FIELDS, fieldsOf, flowEvent, flowTokens } from "./flow-record.js";
import { awsTime, deliveryPath, isObj, type DeliveryPath } from "./values.js";
import { isDefaultFlowRecord } from "./vpc-flow-log.js";
import { isWorkMailAudit, workMailEvent } from "./workmail-record.js";

const EXPORT_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (.*)$/;

/** One log event's message as the event it records, or why it is none. */
function messageEvents(message: string, ref: RecordRef, time: number | undefined, delivery: DeliveryPath): (ParsedEvent | string)[] {
  const trimmed = message.trim();
  if (trimmed.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      return [`message is not valid JSON (${(error as Error).message}): skipped`];
    }
    if (isObj(value) && isWorkMailAudit(value)) {
      const outcome = workMailEvent(value, ref);
      return ["skip" in outcome ? outcome.skip : outcome.event];
    }
    const out: (ParsedEvent | string)[] = [];
    for (const found of unwrapCloudTrail(value)) {
      if ("problem" in found) {
        out.push(`message is neither a CloudTrail nor a WorkMail audit record (${found.problem}): skipped`);
        continue;
      }
      const outcome = cloudTrailEvent(found.record, ref, delivery, found.fallbackTime ?? time);
      out.push("skip" in outcome ? outcome.skip : outcome.event);
    }
    return out;
  }
  if (isDefaultFlowRecord(trimmed)) {
    const fields = fieldsOf(flowTokens(trimmed), DEFAULT_FLOW_FIELDS);
    if (typeof fields === "string") return [fields];
    const outcome = flowEvent(fields, ref, delivery);
    return ["skip" in outcome ? outcome.skip : outcome.event];
  }
  return ["message is not a CloudTrail record, a WorkMail audit record or a default-format VPC flow record: skipped"];
}

function* emit(results: (ParsedEvent | string)[], ref: RecordRef, ctx: FileContext): Generator<ParsedEvent> {
  for (const result of results) {
    if (typeof result === "string") ctx.warn(ref, result);
    else yield result;
  }
}

function isExportLine(line: string): boolean {
  const m = EXPORT_LINE.exec(line);
  if (!m) return false;
  const message = (m[2] ?? "").trim();
  if (message.startsWith("{")) return /"(?:eventVersion|event_timestamp)"\s*:/.test(message);
  return isDefaultFlowRecord(message);
}

export const cloudWatchLogs = defineFileFormat({
  name: "aws-cloudwatch-logs",
  description: "CloudWatch Logs exports (export-task text files, filter-log-events / get-log-events JSON) of CloudTrail, WorkMail audit and VPC flow logs",
  sniff(head) {
    const text = headText(head).trimStart();
    if (text.startsWith("{") || text.startsWith("[")) return /"(?:logStreamName|ingestionTime)"\s*:/.test(text) && /"message"\s*:/.test(text);
    const first = text.split("\n", 1)[0]?.replace(/\r$/, "") ?? "";
    return isExportLine(first);
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const delivery = deliveryPath(source.file);
    const { head, stream } = await peekStream(source.stream());
    const text = headText(head).trimStart();
    if (text.startsWith("{") || text.startsWith("[")) {
      for await (const { value, ref } of parsedJsonValues(stream, ctx.warn, { envelopeKeys: ["events"] })) {
        const events = isObj(value) && Array.isArray(value.events) ? value.events : [value];
        for (const logEvent of events) {
          if (!isObj(logEvent) || typeof logEvent.message !== "string") {
            ctx.warn(ref, "not a CloudWatch Logs event (no message): skipped");
            continue;
          }
          yield* emit(messageEvents(logEvent.message, { ...ref }, awsTime(logEvent.timestamp), delivery), ref, ctx);
        }
      }
      return;
    }
    for await (const batch of readLineBatches(stream)) {
      for (const line of batch) {
        const ref = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes is too long: skipped`);
          continue;
        }
        if (line.text.trim() === "") continue;
        const m = EXPORT_LINE.exec(line.text);
        if (!m) {
          ctx.warn(ref, "line is not `<ISO time> <message>` as CloudWatch Logs exports write: skipped");
          continue;
        }
        yield* emit(messageEvents(m[2] ?? "", ref, awsTime(m[1]), delivery), ref, ctx);
      }
    }
  },
});
