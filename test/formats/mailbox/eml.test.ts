import { readdirSync, readFileSync } from "node:fs";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { eml } from "../../../src/formats/mailbox/eml.js";
import { fileFormats } from "../../../src/formats/index.js";
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

describe("eml: a byte order mark, leading blank lines and badly folded headers do not stop recognition", () => {
  const QUIRKS = `${FIXTURES}quirks/`;
  async function read(name: string, chunkSize: number) {
    const data = readFileSync(QUIRKS + name);
    const result = await runParser(eml, data, { file: `x/alice@agency.example/Inbox/${name}`, chunkSize });
    return { messages: result.items as ParsedMessage[], warnings: result.warnings };
  }
  function sniffedAs(name: string, file: string): string | undefined {
    const head = readFileSync(QUIRKS + name);
    return fileFormats.find((format) => format.sniff(head, file))?.name;
  }

  it("each is taken for a message by the registry, with or without the .eml name", () => {
    for (const name of ["bom.eml", "leading-blank-lines.eml", "badly-folded.eml"]) {
      expect(sniffedAs(name, `Inbox/${name}`)).toBe("eml");
      expect(sniffedAs(name, "Inbox/1795700000.M1P1.host")).toBe("eml");
    }
  });

  it("bom.eml (CRLF): the first header is read, not lost behind the byte order mark", async () => {
    for (const chunkSize of [1, 2, 4096]) {
      const { messages, warnings } = await read("bom.eml", chunkSize);
      expect(warnings).toEqual([]);
      expect(messages.map((m) => [m.messageId, m.subject, m.date])).toEqual([
        ["<bom@agency.example>", "saved with a byte order mark", Date.parse("2026-11-26T08:00:00Z")],
      ]);
      expect(messages[0]?.from).toEqual([{ address: "alice@agency.example", name: "Alice Martin" }]);
    }
  });

  it("leading-blank-lines.eml: LF, LF, CRLF before the headers", async () => {
    for (const chunkSize of [1, 3, 4096]) {
      const { messages, warnings } = await read("leading-blank-lines.eml", chunkSize);
      expect(warnings).toEqual([]);
      expect(messages.map((m) => [m.messageId, m.subject, m.from?.[0]?.address])).toEqual([
        ["<blank-lines@agency.example>", "two blank lines first", "carol@agency.example"],
      ]);
    }
  });

  it("badly-folded.eml: a To: list and a subject wrapped without indentation are joined back", async () => {
    for (const chunkSize of [1, 4096]) {
      const { messages, warnings } = await read("badly-folded.eml", chunkSize);
      expect(warnings).toEqual([]);
      const message = messages[0];
      expect(message?.to).toEqual([{ address: "alice@agency.example" }, { address: "bob@agency.example" }]);
      expect(message?.subject).toBe("a subject an exporter wrapped without indenting it");
      expect(message?.date).toBe(Date.parse("2026-11-26T09:00:00Z"));
    }
  });

  it("a body after a blank first line is still a message with no headers (not read as headers)", async () => {
    const data = readFileSync(`${FIXTURES}bad/no-headers.eml`);
    const result = await runParser(eml, data, { file: "x/alice@agency.example/Inbox/bad.eml", chunkSize: 1 });
    expect(result.warnings.map((w) => w.message)).toEqual(["message has no headers"]);
  });
});
