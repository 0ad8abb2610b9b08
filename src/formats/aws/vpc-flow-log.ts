/**
 * VPC Flow Logs as text: the default version 2 format, or any custom format whose field list
 * heads the file (S3 delivery writes it as the first line; a header further down switches the
 * format from there on). Records of a format that has no `start` field have no time: each is a
 * located warning. Parquet delivery is recognised and reported, not read.
 */
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { readLineBatches } from "../../lib/lines.js";
import { headText } from "../../lib/text.js";
import { DEFAULT_FLOW_FIELDS, fieldsOf, flowEvent, flowTokens, isFlowHeader } from "./flow-record.js";
import { deliveryPath } from "./values.js";

const DEFAULT_RECORD = /^\d+ +(?:\d{12}|unknown|-) +(?:eni-[0-9a-f]+|-) /;

/** A version 2 record as written by default (14 fields, a flow-log version first, an ENI third). */
export function isDefaultFlowRecord(line: string): boolean {
  return DEFAULT_RECORD.test(line) && flowTokens(line).length === DEFAULT_FLOW_FIELDS.length;
}

function isParquet(head: Buffer): boolean {
  return head.length >= 4 && head.toString("latin1", 0, 4) === "PAR1";
}

export const vpcFlowLog = defineFileFormat({
  name: "aws-vpc-flow-log",
  description: "AWS VPC Flow Logs as text: default version 2 records or custom formats with their header line (Parquet delivery is reported, not read)",
  sniff(head, file) {
    if (isParquet(head)) return /vpcflowlogs/i.test(file);
    const lines = headText(head).split("\n", 50).map((line) => line.trim()).filter((line) => line.length > 0);
    const first = lines[0];
    if (first === undefined) return false;
    if (isFlowHeader(flowTokens(first))) return true;
    if (!isDefaultFlowRecord(first)) return false;
    // Default records, or a header and records of its format (a network-interface id among the fields).
    const sample = lines.slice(0, 20);
    const flowLike = sample.filter((line) => isDefaultFlowRecord(line) || isFlowHeader(flowTokens(line)) || /(?:^| )eni-[0-9a-f]+(?: |$)/.test(line));
    return flowLike.length * 2 > sample.length;
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const delivery = deliveryPath(source.file);
    let format: readonly string[] = DEFAULT_FLOW_FIELDS;
    let firstChunk = true;
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        if (firstChunk) {
          firstChunk = false;
          if (line.text.startsWith("PAR1")) {
            ctx.warn({ line: line.line }, "VPC flow log in Parquet: not read (deliver or convert the flow log as text)");
            return;
          }
        }
        const ref = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes is too long for a flow record: skipped`);
          continue;
        }
        const tokens = flowTokens(line.text);
        if (tokens.length === 0) continue;
        if (isFlowHeader(tokens)) {
          format = tokens;
          continue;
        }
        const fields = fieldsOf(tokens, format);
        if (typeof fields === "string") {
          ctx.warn(ref, fields);
          continue;
        }
        const outcome = flowEvent(fields, ref, delivery);
        if ("skip" in outcome) ctx.warn(ref, outcome.skip);
        else yield outcome.event;
      }
    }
  },
});
