/**
 * Amazon WorkMail audit logs (mailbox access, authentication, access control, availability
 * provider, personal access tokens) as delivered to S3 or Firehose, or exported from CloudWatch
 * Logs as JSON: one flat record per line, or arrays of them.
 */
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { firstJsonRecord, parsedJsonValues } from "../../lib/json.js";
import { headText } from "../../lib/text.js";
import { isObj } from "./values.js";
import { isWorkMailAudit, workMailEvent } from "./workmail-record.js";

export const workMailAudit = defineFileFormat({
  name: "aws-workmail-audit",
  description: "Amazon WorkMail audit logs (mailbox access, authentication, access control, availability provider, personal access tokens) as JSON lines or arrays",
  sniff(head) {
    const text = headText(head).trimStart();
    if (!text.startsWith("{") && !text.startsWith("[")) return false;
    const first = firstJsonRecord(head);
    if (first) return isWorkMailAudit(first);
    return /"event_timestamp"\s*:/.test(text) && /"organization_arn"\s*:\s*"arn:aws[\w-]*:workmail:/.test(text);
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    for await (const { value, ref } of parsedJsonValues(source.stream(), ctx.warn)) {
      if (!isObj(value) || !isWorkMailAudit(value)) {
        ctx.warn(ref, "not a WorkMail audit record (no event_timestamp with organization_arn or request_id): skipped");
        continue;
      }
      const outcome = workMailEvent(value, ref);
      if ("skip" in outcome) ctx.warn(ref, outcome.skip);
      else yield outcome.event;
    }
  },
});
