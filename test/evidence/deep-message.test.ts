import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../src/model/messages.js";
import { deepParseMessage, MboxUnquote } from "../../src/evidence/deep-message.js";
import { mbox } from "../../src/formats/mailbox/mbox.js";
import { BIG_ATTACHMENT_BYTES, writeBigMbox } from "../formats/mailbox/big-message.js";
import { runParser } from "../formats/harness.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;

async function indexMbox(path: string): Promise<ParsedMessage[]> {
  const run = await runParser(mbox, readFileSync(path), { file: "x/alice@agency.example/Inbox/mbox" });
  return run.items as ParsedMessage[];
}

async function unquote(text: string, chunkSize: number): Promise<string> {
  const data = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(new MboxUnquote())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString();
}

describe("deep pass: one message re-read by its offset", () => {
  it("mbox: each mime4j message by offset gives its body text", async () => {
    const path = join(FIXTURES, "mailbox/mbox/mbox.rlug");
    const messages = await indexMbox(path);
    const deep = await deepParseMessage({ path, format: "mbox", ...messages[4]?.location });
    expect(deep.attachments).toEqual([]);
    expect(deep.text).toContain("James McQuillan (taticul\nLTSP)");
    const second = await deepParseMessage({ path, format: "mbox", ...messages[1]?.location });
    expect(second.text).not.toContain("James McQuillan");
  });

  it("mbox: the attachment is hashed with SHA-256 of its decoded bytes", async () => {
    const path = join(FIXTURES, "mailbox/mbox/thunderbird-Inbox");
    const messages = await indexMbox(path);
    const deep = await deepParseMessage({ path, format: "mbox", ...messages[1]?.location });
    const pdf = Buffer.from(
      "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK",
      "base64",
    );
    expect(deep.attachments).toEqual([
      { filename: "offer.pdf", contentType: "application/pdf", size: pdf.length, sha256: createHash("sha256").update(pdf).digest("hex") },
    ]);
    expect(deep.text).toContain("see attachment");
    // The first message's quoted ">From " line comes back unquoted.
    const first = await deepParseMessage({ path, format: "mbox", ...messages[0]?.location });
    expect(first.text).toContain("\nFrom the desk of Carol.");
  });

  it("eml: the same attachments, sizes and hashes as simpleParser", async () => {
    const path = join(FIXTURES, "mailbox/eml/nodemailer.eml");
    const deep = await deepParseMessage({ path, format: "eml" });
    const reference = await simpleParser(readFileSync(path), { checksumAlgo: "sha256" });
    expect(deep.attachments).toEqual(
      reference.attachments.map((a) => ({ ...(a.filename !== undefined ? { filename: a.filename } : {}), contentType: a.contentType, size: a.size, sha256: a.checksum })),
    );
    expect(deep.attachments).toHaveLength(4);
    expect(deep.text).toBe(reference.text);
  });

  it("pst: the item by its path, attachments hashed", async () => {
    const path = join(FIXTURES, "mailbox/pst/dist-list.pst");
    const deep = await deepParseMessage({ path, format: "pst", itemPath: "Calendar#2097348" });
    expect(deep.attachments).toHaveLength(2);
    for (const attachment of deep.attachments) expect(attachment.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("msg: the attachment bytes hashed", async () => {
    const deep = await deepParseMessage({ path: join(FIXTURES, "mailbox/msg/bank-details.msg"), format: "msg" });
    const pdf = Buffer.from("%PDF-1.4\n% Tailspin Audit bank details\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n", "latin1");
    expect(deep.attachments).toEqual([
      { filename: "New-bank-details.pdf", contentType: "application/pdf", size: pdf.length, sha256: createHash("sha256").update(pdf).digest("hex") },
    ]);
    expect(deep.text).toContain("new bank details");
  });

  it("a PST item path without a node id is a clear error", async () => {
    await expect(deepParseMessage({ path: join(FIXTURES, "mailbox/pst/dist-list.pst"), format: "pst", itemPath: "Calendar" })).rejects.toThrow(
      /not a PST item path/,
    );
  });

  it("a 100 MB attachment: hashed while streaming, with bounded memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mailtrail-deep-"));
    try {
      const big = await writeBigMbox(join(dir, "big.mbox"));
      const index = (await (async () => {
        const { createReadStream } = await import("node:fs");
        const found: ParsedMessage[] = [];
        const ctx = { warn: () => undefined, note: () => undefined, options: {} };
        const source = { file: "x/a@b.example/Inbox/mbox", path: big.path, size: 0, mtime: new Date(), stream: () => createReadStream(big.path) };
        for await (const item of mbox.parse(source, ctx)) found.push(item as ParsedMessage);
        return found;
      })())[1];
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const deep = await deepParseMessage({ path: big.path, format: "mbox", ...index?.location });
      clearInterval(timer);
      expect(deep.attachments).toEqual([{ filename: "big.bin", contentType: "application/octet-stream", size: BIG_ATTACHMENT_BYTES, sha256: big.sha256 }]);
      expect((peak - before) / (1024 * 1024)).toBeLessThan(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("deep pass: mbox From-quoting", () => {
  it("strips one '>' from '>+From ' lines, whatever the chunking", async () => {
    const text = ">From a\n>>From b\nx>From c\n>Fromage\n>From\n";
    for (const size of [1, 2, 3, 100]) {
      expect(await unquote(text, size)).toBe("From a\n>From b\nx>From c\n>Fromage\n>From\n");
    }
  });
});
