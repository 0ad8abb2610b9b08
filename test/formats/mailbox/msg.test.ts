import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { msg } from "../../../src/formats/mailbox/msg.js";
import { runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/msg/", import.meta.url).pathname;

async function run(name: string, file: string) {
  const result = await runParser(msg, readFileSync(FIXTURES + name), { file });
  return { messages: result.items as ParsedMessage[], warnings: result.warnings };
}

describe("msg: an Outlook message (scripts/make-msg-fixture.mjs)", () => {
  it("headers, recipients, dates and the attachment", async () => {
    const { messages, warnings } = await run("bank-details.msg", "export/erin.walsh@agency.example/Inbox/bank-details.msg");
    expect(warnings).toEqual([]);
    expect(messages).toEqual([
      {
        kind: "message",
        messageId: "<MSG-2026-0415.m1@tailspin-audit.example>",
        date: Date.parse("2026-11-25T16:40:27Z"),
        received: Date.parse("2026-11-25T16:40:31Z"),
        from: [{ address: "olga@tailspin-audit.example", name: "Olga Brandt" }],
        to: [{ address: "erin.walsh@agency.example", name: "Erin Walsh" }],
        cc: [{ address: "frank.osei@agency.example", name: "Frank Osei" }],
        subject: "Bank details update - Tailspin Audit",
        attachments: [{ filename: "New-bank-details.pdf", contentType: "application/pdf", size: 102 }],
        size: 9728,
        folder: "Inbox",
        location: { offset: 0, length: 9728 },
        ref: { offset: 0 },
        mailbox: "erin.walsh@agency.example",
      },
    ]);
  });

  it("sniff: the compound-file magic with .msg streams; not a Word file", () => {
    const data = readFileSync(FIXTURES + "bank-details.msg");
    expect(msg.sniff(data, "x.bin")).toBe(true);
    expect(msg.sniff(readFileSync(FIXTURES + "bad/not-a-msg.msg"), "x.doc")).toBe(false);
  });
});

describe("msg: bad input", () => {
  it("a compound file that is not a .msg: one warning, no crash", async () => {
    const { messages, warnings } = await run("bad/not-a-msg.msg", "a@b.example/x.msg");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
    expect(warnings[0]?.message).toMatch(/^not a readable \.msg/);
  });

  it("a truncated .msg: one warning, no crash", async () => {
    const { messages, warnings } = await run("bad/truncated.msg", "a@b.example/x.msg");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^not a readable \.msg/);
  });
});
