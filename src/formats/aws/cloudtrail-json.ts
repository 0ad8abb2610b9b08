/**
 * AWS CloudTrail as JSON, in every container it reaches an analyst: trail files as delivered to
 * S3 (`{"Records":[…]}`, pretty or one line, usually `.json.gz`), `aws cloudtrail lookup-events`
 * output and the console's Event history JSON (the record as a string in `CloudTrailEvent`),
 * CloudTrail Lake `get-query-results`, EventBridge events, JSON arrays of bare records (lab
 * datasets) and records one per line from collectors (`jq -c '.Records[]'`, Logstash with
 * `@timestamp` instead of `eventTime`, plaso's jsonl). Streamed record by record.
 */
import type { ParsedItem } from "../../model/format.js";
import { defineFileFormat } from "../../model/format.js";
import { parsedJsonValues } from "../../lib/json.js";
import { headText } from "../../lib/text.js";
import { cloudTrailEvent, unwrapCloudTrail } from "./cloudtrail-record.js";
import { deliveryPath } from "./values.js";

/** Arrays streamed element by element: trail pages, Event history pages, Lake results. */
export const CLOUDTRAIL_ENVELOPES = ["Records", "Events", "QueryResults"] as const;

const RECORD_KEYS = /"eventVersion"\s*:[\s\S]*?"(?:eventSource|eventTime|insightDetails|@timestamp)"\s*:|"(?:eventSource|eventTime)"\s*:[\s\S]*?"eventVersion"\s*:/;
const ESCAPED_RECORD_KEYS = /\\"eventVersion\\"\s*:[\s\S]*?\\"(?:eventSource|eventTime)\\"/;
const EVENTBRIDGE = /"detail-type"\s*:\s*"AWS (?:API Call|Console Sign In|Service Event|Console Action|Insight) via CloudTrail"/;
const ENVELOPE_START = /^\{\s*"Records"\s*:\s*\[/;
/** CloudTrail Lake `get-query-results`: rows of one-key objects. */
const LAKE_RESULTS = /"QueryResults"\s*:\s*\[\s*\[\s*\{\s*"(?:eventID|eventTime|eventName|eventSource)"/;

/** Is this JSON text CloudTrail? Judged on keys, never on a value that could sit anywhere. */
export function looksLikeCloudTrailJson(text: string): boolean {
  if (!text.startsWith("{") && !text.startsWith("[")) return false;
  // CloudWatch Logs exports and digest files carry CloudTrail-looking text but are their own formats.
  if (/"(?:logStreamName|ingestionTime|digestStartTime)"\s*:/.test(text)) return false;
  if (ENVELOPE_START.test(text) || EVENTBRIDGE.test(text) || LAKE_RESULTS.test(text)) return true;
  if (/"CloudTrailEvent"\s*:/.test(text) && /"Event(?:Id|Name)"\s*:/.test(text)) return true;
  return RECORD_KEYS.test(text) || (/"_raw"\s*:/.test(text) && ESCAPED_RECORD_KEYS.test(text));
}

export const cloudTrailJson = defineFileFormat({
  name: "aws-cloudtrail-json",
  description:
    "AWS CloudTrail JSON: trail files from S3 (.json.gz, Records pages), lookup-events / Event history JSON (CloudTrailEvent strings), Lake query results, EventBridge events, arrays and JSON lines of records (collectors, Logstash @timestamp)",
  sniff(head) {
    return looksLikeCloudTrailJson(headText(head).trimStart());
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const delivery = deliveryPath(source.file);
    let stampRecords = 0;
    for await (const { value, ref } of parsedJsonValues(source.stream(), ctx.warn, { envelopeKeys: CLOUDTRAIL_ENVELOPES })) {
      for (const found of unwrapCloudTrail(value)) {
        if ("problem" in found) {
          ctx.warn(ref, `${found.problem}: skipped`);
          continue;
        }
        const outcome = cloudTrailEvent(found.record, ref, delivery, found.fallbackTime);
        if ("skip" in outcome) {
          ctx.warn(ref, outcome.skip);
          continue;
        }
        if (outcome.timestampField) {
          // Logstash re-emission: said once per file, counted in the summary.
          if (stampRecords === 0) ctx.warn(outcome.event.ref, "eventTime missing: @timestamp (the collector's time) used as the event time for this and later records of the file");
          stampRecords += 1;
        }
        yield outcome.event;
      }
    }
    if (stampRecords > 0) ctx.note(`${source.file}: ${stampRecords} CloudTrail records had no eventTime; the collector's @timestamp was used`);
  },
});
