/**
 * Entra ID sign-ins as CSV: the Entra admin centre download (`Date (UTC),Request ID,...`, interactive
 * and non-interactive files) and Log Analytics / Sentinel exports of `SigninLogs` and
 * `AADNonInteractiveUserSignInLogs` (`[UTC]` headers, US dates, JSON in cells, `_dynamic`/`_string`).
 */
import { defineFileFormat } from "../../model/format.js";
import { readCsv } from "../../lib/csv.js";
import { csvHeader, normalizeHeader, rowObject } from "./columns.js";
import { fromLogAnalytics, fromPortalCsv, signInEvent, type SignInFields } from "./signins.js";
import { recordId } from "./values.js";
import { peekStream } from "../../lib/peek.js";

type Layout = "portal" | "log-analytics";

function layoutOf(header: readonly string[] | undefined): Layout | undefined {
  if (!header) return undefined;
  const has = (name: string): boolean => header.includes(name);
  if (has("Date (UTC)") && has("Request ID") && has("IP address")) return "portal";
  if (has("UserPrincipalName") && has("ResultType") && has("IPAddress") && (has("AppDisplayName") || has("ClientAppUsed"))) return "log-analytics";
  return undefined;
}

/** The portal names its downloads InteractiveSignIns_*.csv / NonInteractiveSignIns_*.csv. */
function interactiveFromName(file: string): boolean | undefined {
  const name = file.split(/[\\/]/).pop() ?? file;
  if (/non-?interactive/i.test(name)) return false;
  if (/interactive/i.test(name)) return true;
  return undefined;
}

export const entraSigninsCsv = defineFileFormat({
  name: "entra-signins-csv",
  description: "Entra ID sign-ins as CSV: Entra admin centre download, Log Analytics SigninLogs / AADNonInteractiveUserSignInLogs exports",
  sniff(head) {
    return layoutOf(csvHeader(head)) !== undefined;
  },
  async *parse(source, ctx) {
    const { head, stream } = await peekStream(source.stream());
    let header: string[] | undefined;
    let layout: Layout | undefined;
    const interactive = interactiveFromName(source.file);
    for await (const batch of readCsv(stream, head)) {
      for (const item of batch) {
        if (item.kind === "warning") {
          ctx.warn({ line: item.line }, item.message);
          continue;
        }
        if (header === undefined) {
          header = item.fields.map(normalizeHeader);
          // `Date (UTC)` keeps its parentheses; only `[UTC]` suffixes are dropped.
          layout = layoutOf(header);
          if (layout === undefined) {
            ctx.warn({ line: item.line }, "header is not a sign-in export header: file skipped");
            return;
          }
          continue;
        }
        const row = rowObject(header, item.fields);
        const issues: string[] = [];
        const fields: SignInFields = layout === "portal" ? fromPortalCsv(row, issues) : fromLogAnalytics(row, issues);
        if (layout === "portal") fields.interactive ??= interactive;
        const event = signInEvent(fields, { line: item.line });
        if (!event) {
          const id = recordId(fields.id);
          ctx.warn(id === undefined ? { line: item.line } : { line: item.line, recordId: id }, `sign-in without a usable time: skipped${issues.length > 0 ? ` (${issues.join("; ")})` : ""}`);
          continue;
        }
        if (issues.length > 0) ctx.warn(event.ref, issues.join("; "));
        yield event;
      }
    }
  },
});
