/**
 * Dovecot event-exporter JSON (`event_exporter` with `format = json`, written to a file by the
 * file/http-post drivers): one object per line, µs timestamps with a year, remote_ip and session.
 */
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { mapExporterEvent } from "./mapping.js";
import { readLineBatches } from "../../lib/lines.js";
import { headText } from "../../lib/text.js";

export const dovecotEvents = defineFileFormat({
  name: "dovecot-events",
  description: "Dovecot event-exporter JSON lines (imap_command_finished, mail_opened, auth_* ...)",
  sniff(head) {
    const first = headText(head).trimStart().split("\n", 1)[0] ?? "";
    return /^\{"event":"[a-z_]+","hostname":/.test(first) && first.includes('"fields":');
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        const ref = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes exceeds the line limit; skipped`);
          continue;
        }
        if (line.text.trim() === "") continue;
        let record: unknown;
        try {
          record = JSON.parse(line.text);
        } catch {
          ctx.warn(ref, "not valid JSON");
          continue;
        }
        if (typeof record !== "object" || record === null || Array.isArray(record)) {
          ctx.warn(ref, "not a JSON object");
          continue;
        }
        const mapped = mapExporterEvent(record as Record<string, unknown>, ref);
        if (mapped === undefined) continue;
        if ("warning" in mapped) ctx.warn(ref, mapped.warning);
        else yield mapped;
      }
    }
  },
});
