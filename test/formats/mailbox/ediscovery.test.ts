import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { ediscovery } from "../../../src/formats/mailbox/ediscovery.js";
import { expectedWarnings, runFolderParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/ediscovery/", import.meta.url).pathname;
const EXPORT = join(FIXTURES, "case-4711-export");

describe("ediscovery: a Purview export folder", () => {
  it("claims an export folder (results CSV plus Manifest.xml or Exchange/), not others", () => {
    expect(ediscovery.claims(EXPORT, readdirSync(EXPORT))).toBe(true);
    expect(ediscovery.claims("/x", ["Results.csv"])).toBe(false);
    expect(ediscovery.claims("/x", ["cur", "new", "tmp"])).toBe(false);
  });

  it("every item with its custodian from the results CSV; items only in the CSV are listed too", async () => {
    const run = await runFolderParser(ediscovery, EXPORT, { file: "purview/case-4711-export" });
    expect(run.warnings).toEqual([]);
    const messages = run.items as ParsedMessage[];
    expect(messages.map((m) => [m.ref.member, m.mailbox, m.folder, m.messageId.startsWith("<synthetic.") ? "synthetic" : m.messageId, m.subject])).toEqual([
      ["Exchange/Mailbox 3/Inbox/PAY-2026-11-01.p1.eml", "payroll@agency.example", "Inbox", "<PAY-2026-11-01.p1@agency.example>", "November payroll run"],
      ["Exchange/erin.walsh@agency.example/Inbox/FIN-2026-0415.b2.eml", "erin.walsh@agency.example", "Inbox", "<FIN-2026-0415.b2@agency.example>", "Bank details update - Tailspin Audit"],
      ["Exchange/erin.walsh@agency.example/Inbox/MSG-2026-0415.m1.msg", "erin.walsh@agency.example", "Inbox", "<MSG-2026-0415.m1@tailspin-audit.example>", "Bank details update - Tailspin Audit"],
      ["Exchange/hr-director@agency.example.pst", "hr-director@agency.example", "Calendar", "synthetic", "Test appointment"],
      ["Results.csv", "payroll@agency.example", "Inbox", "<PAY-2026-11-02.p2@agency.example>", "Overtime claims"],
    ]);
    const csvOnly = messages[4];
    expect(csvOnly?.ref).toEqual({ member: "Results.csv", line: 5 });
    expect(csvOnly?.from).toEqual([{ address: "alice@agency.example", name: "Alice Martin" }]);
    expect(csvOnly?.to).toEqual([{ address: "payroll@agency.example" }]);
    expect(csvOnly?.bcc).toEqual([{ address: "hr-director@agency.example" }]);
    expect(csvOnly?.date).toBe(Date.parse("2026-11-10T13:31:46Z"));
    expect(csvOnly?.received).toBe(Date.parse("2026-11-10T13:31:50Z"));
    expect(messages[1]?.received).toBe(Date.parse("2026-11-25T16:40:31Z"));
    expect(messages[3]?.ref).toEqual({ recordId: "2097348", member: "Exchange/hr-director@agency.example.pst" });
    expect(run.members).toEqual([
      "Results.csv",
      "Exchange/Mailbox 3/Inbox/PAY-2026-11-01.p1.eml",
      "Exchange/erin.walsh@agency.example/Inbox/FIN-2026-0415.b2.eml",
      "Exchange/erin.walsh@agency.example/Inbox/MSG-2026-0415.m1.msg",
      "Exchange/hr-director@agency.example.pst",
    ]);
  });
});

describe("ediscovery: bad input", () => {
  it("a malformed CSV row, a message with no headers, a broken PST, an item nobody claims", async () => {
    const dir = join(FIXTURES, "bad", "broken-export");
    const run = await runFolderParser(ediscovery, dir, { file: "broken-export" });
    const messages = run.items as ParsedMessage[];
    expect(messages.map((m) => [m.ref.member, m.mailbox ?? null])).toEqual([
      ["Exchange/unknown/Inbox/orphan.eml", null],
      ["Exchange/x@agency.example/Inbox/fine.eml", "x@agency.example"],
      ["Exchange/x@agency.example/Inbox/noheaders.eml", "x@agency.example"],
    ]);
    expect(run.warnings).toHaveLength(expectedWarnings(FIXTURES, "bad/broken-export"));
    expect(run.warnings.map((w) => [w.ref, w.message.replace(/: .*$/s, "")])).toEqual([
      [{ member: "Results.csv", line: 3 }, "record has 5 fields, the header has 4"],
      [{ member: "Exchange/unknown/Inbox/orphan.eml", offset: 0 }, "mailbox owner unknown for broken-export/Exchange/unknown/Inbox/orphan.eml"],
      [{ member: "Exchange/x@agency.example/Inbox/noheaders.eml", offset: 0 }, "message has no headers"],
      [{ member: "Exchange/x@agency.example/broken.pst", offset: 0 }, "not a readable PST (corrupt, truncated or not a PST)"],
    ]);
  });
});
