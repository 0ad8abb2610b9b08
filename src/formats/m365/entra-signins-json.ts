/**
 * Entra ID sign-ins as JSON, in every container analysts receive: Graph `auditLogs/signIns` pages
 * (one file a page), JSON arrays (portal download, merged pulls), NDJSON, Log Analytics JSON exports,
 * Azure diagnostic-settings records and collector wrappings (`{"_raw": "<sign-in JSON>"}`).
 */
import { defineFileFormat } from "../../model/format.js";
import { firstJsonRecord, parsedJsonValues } from "../../lib/json.js";
import { fieldsOf, signInEvent, signInShape } from "./signins.js";
import { isObj, recordId } from "./values.js";
import { headText } from "../../lib/text.js";

const TABLES = /"(?:Type|Category|category)"\s*:\s*"(?:AAD)?(?:NonInteractiveUser|ServicePrincipal|ManagedIdentity)?Sign[Ii]n[Ll]ogs"/;

function hasKey(text: string, key: string): boolean {
  return text.includes(`"${key}"`) || text.includes(`\\"${key}\\"`);
}

export const entraSigninsJson = defineFileFormat({
  name: "entra-signins-json",
  description:
    "Entra ID sign-ins as JSON: Graph auditLogs/signIns pages, arrays, NDJSON, portal JSON download, Log Analytics SigninLogs / AADNonInteractiveUserSignInLogs, diagnostic-settings records, collector wrappings",
  sniff(head) {
    const text = headText(head).trimStart();
    if (!text.startsWith("{") && !text.startsWith("[")) return false;
    const first = firstJsonRecord(head);
    if (first) {
      const records = Array.isArray(first.records) && isObj(first.records[0]) ? first.records[0] : first;
      return signInShape(records) !== undefined;
    }
    // A first record longer than the head: judge by the keys in sight.
    if (text.includes("auditLogs/signIns")) return true;
    if (hasKey(text, "createdDateTime") && (hasKey(text, "clientAppUsed") || hasKey(text, "conditionalAccessStatus"))) return true;
    return TABLES.test(text);
  },
  async *parse(source, ctx) {
    for await (const { value, ref: where } of parsedJsonValues(source.stream(), ctx.warn)) {
      // An Event Hub message on one line: {"records":[...]}.
      const records = isObj(value) && Array.isArray(value.records) ? value.records : [value];
      for (const record of records) {
        const ref = { ...where }; // one ref per record: an event may extend it
        const shape = isObj(record) ? signInShape(record) : undefined;
        if (!shape) {
          ctx.warn(ref, "not a sign-in record (no createdDateTime / CreatedDateTime, no SignInLogs category): skipped");
          continue;
        }
        const issues: string[] = [];
        const fields = fieldsOf(shape, issues);
        const event = signInEvent(fields, ref);
        if (!event) {
          const id = recordId(fields.id);
          ctx.warn(id === undefined ? ref : { ...ref, recordId: id }, `sign-in without a usable time: skipped${issues.length > 0 ? ` (${issues.join("; ")})` : ""}`);
          continue;
        }
        if (issues.length > 0) ctx.warn(event.ref, issues.join("; "));
        yield event;
      }
    }
  },
});
