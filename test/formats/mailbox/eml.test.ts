import { readdirSync, readFileSync } from "node:fs";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { eml } from "../../../src/formats/mailbox/eml.js";
import { runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/eml/", import.meta.url).pathname;
const SAMPLES = readdirSync(FIXTURES).filter((name) => name.endsWith(".eml"));

async function run(name: string, file: string, chunkSize?: number) {
  const data = readFileSync(FIXTURES + name);
  const result = await runParser(eml, data, { file, ...(chunkSize !== undefined ? { chunkSize } : {}) });
  return { messages: result.items as ParsedMessage[], warnings: result.warnings };
}

describe("eml: every mailparser sample parses, and agrees with mailparser", () => {
  it("there are seven samples", () => {
    expect(SAMPLES).toHaveLength(7);
  });

  for (const name of SAMPLES) {
    it(`${name}: one message, same Message-ID, subject and attachments as simpleParser`, async () => {
      const { messages, warnings } = await run(name, `evidence/carol@agency.example/Inbox/Old/${name}`);
      expect(warnings).toEqual([]);
      expect(messages).toHaveLength(1);
      const message = messages[0];
      const deep = await simpleParser(readFileSync(FIXTURES + name));
      if (deep.messageId !== undefined) {
        expect(message?.messageId).toBe(deep.messageId);
        expect(message?.syntheticId).toBeUndefined();
      } else {
        expect(message?.syntheticId).toBe(true);
      }
      expect(message?.subject).toBe(deep.subject);
      expect(message?.mailbox).toBe("carol@agency.example");
      expect(message?.folder).toBe("Inbox/Old");
      expect((message?.attachments ?? []).map((a) => [a.filename, a.contentType])).toEqual(
        deep.attachments.map((a) => [a.filename, a.contentType]),
      );
      // Index-pass sizes are estimates from the encoded length: within 1% or 4 bytes.
      (message?.attachments ?? []).forEach((attachment, i) => {
        const exact = deep.attachments[i]?.size ?? 0;
        expect(Math.abs((attachment.size ?? 0) - exact)).toBeLessThanOrEqual(Math.max(4, exact / 100));
      });
      expect(message?.size).toBe(readFileSync(FIXTURES + name).length);
    });
  }

  it("nodemailer.eml: addresses, dates and the decoded attachment name", async () => {
    const { messages } = await run("nodemailer.eml", "x/andris@kreata.ee/INBOX/1.eml", 1);
    const message = messages[0];
    expect(message?.from).toEqual([{ address: "andris@kreata.ee", name: "Andris Kreata" }]);
    expect(message?.to).toEqual([{ address: "andris+123@kreata.ee", name: "Andris Reinman" }, { address: "andris.reinman@gmail.com" }]);
    expect(message?.date).toBe(Date.parse("2016-10-13T11:39:48Z"));
    expect(message?.received).toBe(Date.parse("2016-10-13T11:39:49Z"));
    expect(message?.attachments?.map((a) => a.filename)).toEqual([undefined, "image.png", "nyan cat ✔.gif", "notes.txt"]);
  });

  it("spam.eml: Thunderbird status 0000 means no flags", async () => {
    const { messages } = await run("spam.eml", "x/y@example.com/Junk/spam.eml");
    expect(messages[0]?.flags).toBeUndefined();
    expect(messages[0]?.replyTo).toEqual([{ address: "noreply@guide-des-vins-de-bourgogne.fr", name: "Matilda Klein" }]);
  });
});

describe("eml: owner and folder", () => {
  it("without an owner: one warning for the file", async () => {
    const { messages, warnings } = await run("nested.eml", "loose/nested.eml");
    expect(messages[0]?.mailbox).toBeUndefined();
    expect(messages[0]?.folder).toBe("loose");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
    expect(warnings[0]?.message).toMatch(/^mailbox owner unknown for loose\/nested\.eml/);
  });
});

describe("eml: bad input", () => {
  it("no headers: a synthetic id and one warning", async () => {
    const { messages, warnings } = await run("bad/no-headers.eml", "a@b.example/INBOX/x.eml");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.syntheticId).toBe(true);
    expect(warnings).toEqual([{ ref: { offset: 0 }, message: "message has no headers" }]);
  });

  it("truncated inside an attachment: still listed, one warning", async () => {
    const { messages, warnings } = await run("bad/truncated.eml", "a@b.example/INBOX/x.eml", 1);
    expect(messages[0]?.messageId).toBe("<cut@b.example>");
    expect(messages[0]?.subject).toBe("café");
    expect(messages[0]?.attachments).toEqual([{ filename: "föto.jpg", contentType: "image/jpeg", size: 13 }]);
    expect(warnings).toEqual([{ ref: { offset: 0 }, message: "message ends without its closing MIME boundary (file truncated?)" }]);
  });

  it("sniff: a header block; not a log line or YAML", () => {
    expect(eml.sniff(readFileSync(FIXTURES + "mixed.eml"), "mixed.eml")).toBe(true);
    expect(eml.sniff(readFileSync(FIXTURES + "spam.eml"), "no-extension")).toBe(true);
    expect(eml.sniff(Buffer.from("from: a\nto: b\n"), "config.yaml")).toBe(false);
    expect(eml.sniff(Buffer.from("Nov 26 14:04:43 master: Info: Dovecot starting up\n"), "x.log")).toBe(false);
  });
});
