/**
 * The DEEP pass: re-reads ONE message, found by the index pass, with a full MIME parse
 * (mailparser) — attachments hashed with SHA-256 while they stream by, body text kept. Only the
 * messages analysis needs (exposed ones) come here, by their offset (mbox, EML, Maildir) or their
 * item path (PST), so nothing else of the export is read again.
 *
 * mailparser's streaming `MailParser` is used rather than `simpleParser`: the same parser, but
 * attachment contents are drained into the hash instead of being held in memory.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { MailParser, type AttachmentStream, type MessageText } from "mailparser";
import { MailtrailError } from "../model/errors.js";
import type { AttachmentInfo } from "../model/messages.js";
import { readMsg } from "../formats/mailbox/msg-read.js";
import { loadPstItem, openPst, quietly } from "../formats/mailbox/pst-read.js";

export interface DeepLocation {
  /** Absolute path of the export file (the mbox, the EML/Maildir file, the PST, the MSG). */
  path: string;
  offset?: number;
  length?: number;
  /** PST: `<folder path>#<descriptor node id>`, as the index pass wrote it. */
  itemPath?: string;
  /** The parser that indexed it: `mbox`, `eml`, `maildir`, `pst`, `msg`, `ediscovery`. */
  format: string;
}

export interface DeepMessage {
  attachments: AttachmentInfo[];
  text?: string;
}

const NL = 0x0a;
const GT = 0x3e;

/**
 * Undoes mbox `From ` quoting (mboxrd: one `>` off every `^>+From ` line; for mboxo this is the
 * same for the common `>From `). Works across chunk boundaries by holding back an unfinished line
 * start only.
 */
export class MboxUnquote extends Transform {
  private atLineStart = true;
  private held: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const out: Buffer[] = [];
    let start = 0;
    let pos = this.atLineStart ? 0 : data.indexOf(NL) + 1;
    if (!this.atLineStart && pos === 0) {
      this.push(data);
      return done();
    }
    while (pos < data.length) {
      if (data[pos] === GT) {
        // Need the whole `>>>From ` prefix to decide.
        let end = pos;
        while (end < data.length && data[end] === GT) end += 1;
        if (end + 5 > data.length) {
          out.push(data.subarray(start, pos));
          this.held = Buffer.from(data.subarray(pos));
          this.atLineStart = true;
          this.push(Buffer.concat(out));
          return done();
        }
        if (data.toString("latin1", end, end + 5) === "From ") {
          out.push(data.subarray(start, pos));
          start = pos + 1;
        }
      }
      const nl = data.indexOf(NL, pos);
      if (nl === -1) {
        this.atLineStart = false;
        break;
      }
      pos = nl + 1;
      this.atLineStart = true;
    }
    if (pos >= data.length) this.atLineStart = data[data.length - 1] === NL;
    out.push(data.subarray(start));
    this.push(Buffer.concat(out));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.held.length > 0) this.push(this.held);
    done();
  }
}

/** Full MIME parse of a message stream: attachments hashed (SHA-256) as they stream, text kept. */
export function parseMimeStream(stream: Readable): Promise<DeepMessage> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ checksumAlgo: "sha256" });
    const attachments: AttachmentInfo[] = [];
    const pending: Promise<void>[] = [];
    let text: string | undefined;
    parser.on("data", (data: AttachmentStream | MessageText) => {
      if (data.type === "text") {
        if (data.text !== undefined) text = data.text;
        return;
      }
      const slot = attachments.length;
      attachments.push({});
      pending.push(
        new Promise<void>((done) => {
          data.content.on("end", () => {
            const info: AttachmentInfo = {};
            if (data.filename !== undefined) info.filename = data.filename;
            info.contentType = data.contentType;
            info.size = data.size;
            if (data.checksum !== undefined) info.sha256 = data.checksum;
            attachments[slot] = info;
            data.release?.();
            done();
          });
          data.content.resume();
        }),
      );
    });
    parser.on("error", reject);
    stream.on("error", reject);
    parser.on("end", () => {
      Promise.all(pending).then(
        () => resolve(text === undefined ? { attachments } : { attachments, text }),
        reject,
      );
    });
    parser.resume();
    stream.pipe(parser);
  });
}

function fileSlice(location: DeepLocation): Readable {
  const offset = location.offset ?? 0;
  if (location.length === undefined) return createReadStream(location.path, { start: offset });
  if (location.length === 0) return createReadStream(location.path, { start: offset, end: offset - 1 });
  return createReadStream(location.path, { start: offset, end: offset + location.length - 1 });
}

function sha256(data: Buffer | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function deepPst(location: DeepLocation): DeepMessage {
  const nodeId = Number(/#(\d+)$/.exec(location.itemPath ?? "")?.[1]);
  if (!Number.isSafeInteger(nodeId)) throw new MailtrailError("UNREADABLE", `not a PST item path: ${location.itemPath ?? "(none)"}`);
  const sink: string[] = [];
  const store = openPst(location.path, sink);
  try {
    const message = loadPstItem(store, nodeId, sink);
    const attachments: AttachmentInfo[] = [];
    const count = quietly(() => message.numberOfAttachments, sink);
    for (let i = 0; i < count; i += 1) {
      const attachment = quietly(() => message.getAttachment(i), sink);
      const info: AttachmentInfo = {};
      const name = quietly(() => attachment.longFilename || attachment.filename, sink);
      if (name) info.filename = name;
      const type = quietly(() => attachment.mimeTag, sink);
      if (type) info.contentType = type.toLowerCase();
      const input = quietly(() => attachment.fileInputStream, sink);
      if (input !== null) {
        // Read in blocks: an attachment is never held whole.
        const hash = createHash("sha256");
        const block = Buffer.alloc(64 * 1024);
        let size = 0;
        for (;;) {
          const read = quietly(() => input.read(block), sink);
          if (read <= 0) break;
          hash.update(block.subarray(0, read));
          size += read;
        }
        info.size = size;
        info.sha256 = hash.digest("hex");
      }
      attachments.push(info);
    }
    const text = quietly(() => message.body, sink);
    return text ? { attachments, text } : { attachments };
  } finally {
    store.file.close();
  }
}

function deepMsg(location: DeepLocation): DeepMessage {
  let msg;
  try {
    msg = readMsg(readFileSync(location.path));
  } catch (error) {
    throw new MailtrailError("UNREADABLE", `not a readable MSG: ${(error as Error).message}`);
  }
  const { reader, fields } = msg;
  const attachments: AttachmentInfo[] = [];
  for (const attachment of fields.attachments ?? []) {
    const content = reader.getAttachment(attachment);
    const info: AttachmentInfo = { size: content.content.length, sha256: sha256(content.content) };
    if (content.fileName) info.filename = content.fileName;
    if (attachment.attachMimeTag) info.contentType = attachment.attachMimeTag.toLowerCase();
    attachments.push(info);
  }
  return fields.body ? { attachments, text: fields.body } : { attachments };
}

/** Re-reads one message by its location and parses it fully. */
export async function deepParseMessage(location: DeepLocation): Promise<DeepMessage> {
  switch (location.format) {
    case "pst":
      return deepPst(location);
    case "msg":
      return deepMsg(location);
    case "mbox":
      return parseMimeStream(fileSlice(location).pipe(new MboxUnquote()));
    default:
      if (/\.msg$/i.test(location.path)) return deepMsg(location);
      if (location.itemPath !== undefined) return deepPst(location);
      return parseMimeStream(fileSlice(location));
  }
}
