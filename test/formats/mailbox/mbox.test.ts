import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { mbox } from "../../../src/formats/mailbox/mbox.js";
import { runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/mbox/", import.meta.url).pathname;

function messages(items: readonly unknown[]): ParsedMessage[] {
  return items as ParsedMessage[];
}

async function run(name: string, file = `exports/${name}`, chunkSize?: number) {
  const data = readFileSync(FIXTURES + name);
  const result = await runParser(mbox, data, { file, ...(chunkSize !== undefined ? { chunkSize } : {}) });
  return { data, messages: messages(result.items), warnings: result.warnings };
}

describe("mbox: the mime4j sample splits into exactly its five messages", () => {
  it("each message's bytes equal the ground-truth file, whatever the chunk size", async () => {
    for (const chunkSize of [1, 13, 4096, 65536]) {
      const { data, messages: found, warnings } = await run("mbox.rlug", "alice@agency.example/Inbox/mbox", chunkSize);
      expect(found).toHaveLength(5);
      expect(warnings).toEqual([]);
      found.forEach((message, i) => {
        const truth = readFileSync(`${FIXTURES}mime4j-ground-truth/mbox.rlug-${i}`);
        const offset = message.location?.offset ?? -1;
        const length = message.location?.length ?? -1;
        expect(data.subarray(offset, offset + length).equals(truth)).toBe(true);
        expect(message.size).toBe(truth.length);
      });
    }
  });

  it("Message-IDs, subjects, senders, owner and folder", async () => {
    const { messages: found } = await run("mbox.rlug", "alice@agency.example/Inbox/mbox");
    expect(found.map((m) => m.messageId)).toEqual([
      "<001401c2cec7$4eb5b460$941c10ac@ok6f6gr01ta4hv>",
      "<3E43EB00.7040006@pcnet.ro>",
      "<20030207193601.2613a439.adrian@dtedu.net>",
      "<20030208014131.00fd30ce.teo.55@home.ro>",
      "<1044662313.5121.17.camel@snow.lsd.ro>",
    ]);
    expect(found.map((m) => m.subject)).toEqual([
      "Din windows ma pot, din LINUX NU ma pot conecta (la ZAPP)",
      "Re: RH 8.0 boot floppy",
      "Qmail mysql virtualusers +ssl + smtp auth +pop3",
      "Re: Din windows ma pot, din LINUX NU ma pot conecta (la ZAPP)",
      "LSTP problem - solved",
    ]);
    expect(found.map((m) => m.ref.offset)).toEqual([0, 3429, 5956, 7744, 9958]);
    const first = found[0];
    expect(first?.mailbox).toBe("alice@agency.example");
    expect(first?.folder).toBe("Inbox");
    expect(first?.from).toEqual([{ address: "mmihai@netcompsj.ro", name: "mmihai" }]);
    expect(first?.sender).toEqual([{ address: "rlug-bounce@lug.ro" }]);
    expect(first?.replyTo).toEqual([{ address: "rlug@lug.ro" }]);
    expect(first?.date).toBe(Date.parse("2003-02-07T16:35:25Z"));
    // The newest Received: header is the topmost one.
    expect(first?.received).toBe(Date.parse("2003-02-07T16:57:31Z"));
  });
});

describe("mbox variants", () => {
  it("Thunderbird: From - lines, X-Mozilla-Status flags (a deleted message stays listed), attachments", async () => {
    const { messages: found, warnings } = await run("thunderbird-Inbox", "profile/Mail/Local Folders/Archives.sbd/Inbox");
    expect(found).toHaveLength(2);
    expect(found.map((m) => m.folder)).toEqual(["Archives/Inbox", "Archives/Inbox"]);
    expect(found[0]?.messageId).toBe("<tb-0001@agency.example>");
    expect(found[0]?.subject).toBe("Procurement réview");
    expect(found[0]?.from).toEqual([{ address: "carol@agency.example", name: "Carol Nguyen" }]);
    expect(found[0]?.to).toEqual([{ address: "alice@agency.example", name: "Martin, Alice" }, { address: "bob@agency.example" }]);
    expect(found[0]?.flags).toEqual(["\\Flagged", "\\Seen"]);
    expect(found[1]?.flags).toEqual(["\\Deleted", "\\Seen"]);
    expect(found[1]?.attachments).toEqual([{ filename: "offer.pdf", contentType: "application/pdf", size: 78 }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/mailbox owner unknown/);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
  });

  it("Google Takeout: labels become the folder, CRLF lines, +0000 From-line dates", async () => {
    const { messages: found, warnings } = await run("takeout.mbox", "erin.walsh@agency.example/Takeout/Mail/All mail Including Spam and Trash.mbox");
    expect(warnings).toEqual([]);
    expect(found.map((m) => [m.mailbox, m.folder, m.messageId])).toEqual([
      ["erin.walsh@agency.example", "Inbox", "<gm-1@agency.example>"],
      ["erin.walsh@agency.example", "Sent", "<gm-2@agency.example>"],
    ]);
    expect(found[0]?.flags).toEqual(["\\Seen", "label:Category Updates", "label:Important", "label:Opened"]);
    expect(found[1]?.flags).toEqual(["label:Projects, 2026"]);
    expect(found[0]?.received).toBe(Date.parse("2026-01-01T10:00:01Z"));
    // No Received: header: the From line's date (with its +0000) is the arrival time.
    expect(found[1]?.received).toBe(Date.parse("2026-01-02T11:00:00Z"));
  });

  it("mboxcl2: Content-Length keeps an unquoted From line inside the body", async () => {
    const { messages: found, warnings } = await run("dovecot-cl2.mbox", "exports/bob@agency.example.mbox");
    expect(warnings).toEqual([]);
    expect(found.map((m) => m.messageId)).toEqual(["<cl2-1@agency.example>", "<cl2-2@agency.example>"]);
    expect(found.map((m) => m.mailbox)).toEqual(["bob@agency.example", "bob@agency.example"]);
    expect(found[0]?.flags).toEqual(["\\Seen"]);
    expect(found[1]?.flags).toEqual(["$Work", "\\Answered", "\\Flagged"]);
  });

  it("folder from an X-Folder header when the whole mailbox is one file", async () => {
    const data = Buffer.from(
      "From a@b.example Thu Nov 26 08:00:00 2026\nX-Folder: Sent Items\nMessage-ID: <xf@b.example>\n\nbody\n\n",
    );
    const result = await runParser(mbox, data, { file: "exports/alice@agency.example.mbox" });
    expect(messages(result.items).map((m) => [m.mailbox, m.folder])).toEqual([["alice@agency.example", "Sent Items"]]);
  });

  it("the --mailbox-map prefix wins over the path and anchors the folder", async () => {
    const data = readFileSync(FIXTURES + "mbox.rlug");
    const result = await runParser(mbox, data, {
      file: "case/export-7/Inbox/Lists/mbox",
      parse: { mailboxMap: { "case/export-7": "Dave@Agency.Example", "case": "nobody@agency.example" } },
    });
    expect(messages(result.items).map((m) => [m.mailbox, m.folder])[0]).toEqual(["dave@agency.example", "Inbox/Lists"]);
  });
});

describe("mbox: bad input gives located warnings and indexes everything else", () => {
  it("truncated inside an attachment", async () => {
    const { messages: found, warnings } = await run("bad/truncated.mbox", "x/alice@agency.example/Inbox/mbox");
    expect(found.map((m) => m.messageId)).toEqual(["<ok-1@agency.example>", "<cut-2@agency.example>"]);
    expect(found[1]?.attachments).toEqual([{ filename: "data.bin", contentType: "application/octet-stream", size: 64 }]);
    expect(warnings).toEqual([{ ref: { offset: 198 }, message: "message ends without its closing MIME boundary (file truncated?)" }]);
  });

  it("truncated inside the headers", async () => {
    const { messages: found, warnings } = await run("bad/truncated-headers.mbox", "x/alice@agency.example/Inbox/mbox");
    expect(found.map((m) => m.messageId)).toEqual(["<ok-1@agency.example>", "<cut-3@agency.example>"]);
    expect(warnings).toEqual([{ ref: { offset: 198 }, message: "message ends inside its header block (file truncated?)" }]);
  });

  it("a message with no headers gets a stable synthetic id", async () => {
    const first = await run("bad/no-headers.mbox", "x/alice@agency.example/Inbox/mbox");
    const again = await run("bad/no-headers.mbox", "x/alice@agency.example/Inbox/mbox", 1);
    expect(first.messages).toHaveLength(2);
    expect(first.messages[0]?.syntheticId).toBe(true);
    expect(first.messages[0]?.messageId).toMatch(/^<synthetic\.[0-9a-f]{32}@mailtrail\.invalid>$/);
    expect(again.messages[0]?.messageId).toBe(first.messages[0]?.messageId);
    expect(first.messages[1]?.messageId).toBe("<ok-2@agency.example>");
    expect(first.warnings).toEqual([{ ref: { offset: 0 }, message: "message has no headers" }]);
  });

  it("8-bit garbage in headers is read as Latin-1 with one warning per header", async () => {
    const { messages: found, warnings } = await run("bad/eightbit.mbox", "x/alice@agency.example/Inbox/mbox");
    expect(found).toHaveLength(3);
    expect(found[1]?.subject).toBe("Grüße aus Köln");
    expect(found[1]?.from).toEqual([{ address: "joerg@example.com", name: "Jörg Schmidt" }]);
    expect(found[2]?.subject).toBe("Grüße aus Köln");
    expect(warnings).toEqual([
      { ref: { offset: 198 }, message: "8-bit bytes that are not UTF-8 in From header (read as Latin-1)" },
      { ref: { offset: 198 }, message: "8-bit bytes that are not UTF-8 in Subject header (read as Latin-1)" },
    ]);
  });

  it("an RFC 2047 word that does not decode is kept as written, with a warning", async () => {
    const { messages: found, warnings } = await run("bad/bad-rfc2047.mbox", "x/alice@agency.example/Inbox/mbox");
    expect(found).toHaveLength(2);
    expect(found[1]?.subject).toBe("=?utf-8?B?!!!not-base64!!!?= and =?x-no-such-charset?Q?f=E4lschung?=");
    expect(warnings).toEqual([{ ref: { offset: 198 }, message: "RFC 2047 encoded word in Subject does not decode (kept as is)" }]);
  });

  it("bytes before the first From line are reported, not taken as a message", async () => {
    const { messages: found, warnings } = await run("bad/preamble.mbox", "x/alice@agency.example/Inbox/mbox");
    expect(found.map((m) => m.messageId)).toEqual(["<ok-1@agency.example>", "<ok-2@agency.example>"]);
    expect(warnings).toEqual([{ ref: { offset: 0 }, message: '59 bytes before the first "From " line: not read as a message' }]);
  });

  it("sniff: a From line followed by a header, nothing else", () => {
    expect(mbox.sniff(readFileSync(FIXTURES + "mbox.rlug"), "x")).toBe(true);
    expect(mbox.sniff(Buffer.from("From here on, we talk about 2026\nand more"), "x")).toBe(false);
    expect(mbox.sniff(readFileSync(FIXTURES + "bad/preamble.mbox"), "x")).toBe(false);
  });
});

describe("mbox: a 100 MB attachment", () => {
  it("is indexed with bounded memory (the message is never buffered) and the next message is found", async () => {
    const { mkdtempSync, rmSync, createReadStream } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { writeBigMbox, MemorySampler, BIG_ATTACHMENT_BYTES } = await import("./big-message.js");
    const dir = mkdtempSync(join(tmpdir(), "mailtrail-big-"));
    try {
      const big = await writeBigMbox(join(dir, "big.mbox"));
      const sampler = new MemorySampler();
      const source = {
        file: "x/alice@agency.example/Inbox/mbox",
        path: big.path,
        size: 0,
        mtime: new Date(),
        stream: () => createReadStream(big.path).pipe(sampler),
      };
      const found: ParsedMessage[] = [];
      const warnings: string[] = [];
      const ctx = { warn: (_ref: unknown, message: string) => warnings.push(message), note: () => undefined, options: {} };
      for await (const item of mbox.parse(source, ctx)) found.push(item as ParsedMessage);
      expect(warnings).toEqual([]);
      expect(found.map((m) => m.messageId)).toEqual(["<small-1@agency.example>", "<big@agency.example>", "<small-3@agency.example>"]);
      const attachment = found[1]?.attachments?.[0];
      expect(attachment?.filename).toBe("big.bin");
      expect(Math.abs((attachment?.size ?? 0) - BIG_ATTACHMENT_BYTES)).toBeLessThan(4);
      expect(found[1]?.ref.offset).toBe(big.bigStart);
      // The file is ~140 MB; holding the message would show as that much growth.
      expect(sampler.growthMb).toBeLessThan(48);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
