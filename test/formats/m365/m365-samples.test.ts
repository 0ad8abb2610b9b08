/**
 * Every real Microsoft 365 export among the fixtures (copied from public repositories, sources in
 * fixtures/README.md) parses without a crash, is claimed by the right parser or by none, and gives
 * exact counts. The files no parser may claim sit in `not-mine/` beside the format they resemble.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedEvent } from "../../../src/model/events.js";
import { HEAD_BYTES } from "../../../src/model/format.js";
import { fileFormats } from "../../../src/formats/index.js";
import { countBy, runParserOnFile } from "../harness.js";

const SAMPLES = new URL("../../../fixtures/m365/", import.meta.url).pathname;

/** file → [parser that must claim it (or none), events, warnings, events by kind]. */
const EXPECTED: Record<string, [string | undefined, number, number, Record<string, number>]> = {
  "m365-audit-csv/office_activity.csv": ["m365-audit-csv", 266, 0, { other: 256, "mail.read": 3, "mail.send": 2, "mailbox.config": 3, "mail.change": 2 }],
  "m365-audit-csv/office_activity_inbox_rule.csv": ["m365-audit-csv", 2, 0, { "mailbox.config": 2 }],
  "entra-signins-csv/sign-in_adelete.csv": ["entra-signins-csv", 56, 0, { auth: 56 }],
  "entra-signins-csv/disable_accounts.csv": ["entra-signins-csv", 4, 0, { auth: 4 }],
  "entra-signins-csv/not-mine/signinLogs.csv": [undefined, 0, 0, {}],
  "m365-audit-csv/not-mine/AuditLogs_Hunting.csv": [undefined, 0, 0, {}],
  "m365-audit-csv/not-mine/azureActivity_adele.csv": [undefined, 0, 0, {}],
  "entra-signins-json/graph_signins_7cieEB.json": ["entra-signins-json", 2, 0, { auth: 2 }],
  "m365-audit-json/OfficeActivityEvents.json": ["m365-audit-json", 1, 0, { "mail.read": 1 }],
  "m365-audit-json/not-mine/AADAuditEvents.json": [undefined, 0, 0, {}],
  "m365-audit-json/not-mine/Microsoft365DefenderEvents.json": [undefined, 0, 0, {}],
  "m365-audit-json/not-mine/WindowsEvents.json": [undefined, 0, 0, {}],
  "m365-audit-json/microsoft_audit_log.jsonl": ["m365-audit-json", 4, 0, { other: 3, auth: 1 }],
};

const M365_PARSERS = new Set(["entra-signins-json", "entra-signins-csv", "m365-audit-json", "m365-audit-csv"]);

describe("Microsoft 365 samples", () => {
  for (const [file, [parserName, count, warnings, kinds]] of Object.entries(EXPECTED)) {
    it(`${file}: ${parserName ?? "not mine"}, ${count} events, ${warnings} warnings`, async () => {
      const path = join(SAMPLES, file);
      const head = readFileSync(path).subarray(0, HEAD_BYTES);
      const claimed = fileFormats.find((parser) => parser.sniff(head, path));
      if (parserName === undefined) {
        expect(M365_PARSERS.has(claimed?.name ?? "")).toBe(false);
        // Forced through every Microsoft 365 parser, it crashes none and invents no mail event.
        for (const parser of fileFormats.filter((candidate) => M365_PARSERS.has(candidate.name))) {
          const run = await runParserOnFile(parser, path);
          const mail = (run.items as ParsedEvent[]).filter((event) => event.kind !== "other");
          expect(mail).toEqual([]);
        }
        return;
      }
      expect(claimed?.name).toBe(parserName);
      if (!claimed) return;
      const run = await runParserOnFile(claimed, path);
      expect(run.items).toHaveLength(count);
      expect(run.warnings).toHaveLength(warnings);
      expect(countBy(run.items as ParsedEvent[], (event) => event.kind)).toEqual(kinds);
    });
  }
});
