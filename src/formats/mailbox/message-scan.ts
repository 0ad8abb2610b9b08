/**
 * Streaming splitter and light MIME scanner for the index pass: cuts an mbox into messages on its
 * `From ` separators (or takes a whole stream as one message), scans each header block with
 * `scanHeaderBlock`, and follows MIME boundaries just far enough to list attachments (name, type,
 * approximate size). Bodies are never buffered: between interesting lines the scanner only runs
 * `indexOf` over the chunk, and memory is bounded by the chunk size plus one header block.
 */
import type { AttachmentInfo } from "../../model/messages.js";
import { isAttachmentPart, scanHeaderBlock, type HeaderFields } from "./mail-headers.js";

export interface ScannedMessage {
  /** Offset of the record: its `From ` line in an mbox, 0 for a single message. */
  start: number;
  /** The mbox `From ` line, without its line break. */
  fromLine?: string;
  /** First byte of the message proper (after the `From ` line). */
  headerStart: number;
  bodyStart: number;
  /** End of the message (exclusive): the next `From ` line or the end of the stream. */
  end: number;
  headers: HeaderFields;
  attachments: AttachmentInfo[];
  /** Problems located at `start`, for warnings. */
  problems: string[];
}

export interface ScanOptions {
  /** `mbox`: split on `From ` lines; `single`: the whole stream is one message (EML, Maildir). */
  mode: "mbox" | "single";
  /** Header blocks longer than this are cut (the rest is read as body) so memory stays bounded. */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;
const MAX_PART_HEADER_BYTES = 64 * 1024;
/**
 * Multipart containers followed in one message. Real mail nests a few (mixed > alternative >
 * related); thousands are an attack on the scanner's boundary set. Past this, deeper multiparts
 * are not followed (their parts are not listed) and the message says so.
 */
export const MAX_MULTIPARTS = 100;
/** Attachments listed for one message; the rest are counted in a warning. */
export const MAX_ATTACHMENTS = 10_000;
/** Longest line examined as a possible `From ` line or MIME delimiter. */
const MAX_PROBE_LINE = 1024;

const NL = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);
const COLON = 0x3a;
const SP = 0x20;
const TAB = 0x09;
const FROM_NEEDLE = Buffer.from("\nFrom ");
const DASH_NEEDLE = Buffer.from("\n--");
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/**
 * Bytes held to check a Content-Length against what lies at its end, when a `From ` line inside
 * it could be a separator. Beyond this the Content-Length is trusted unchecked (as mboxcl2
 * readers do) and the message says so if it then did not end at a `From ` line.
 */
export const MAX_LENGTH_LOOKAHEAD = 16 * 1024 * 1024;

interface OpenPart {
  fields: HeaderFields;
  bodyStart: number;
  measured: boolean;
  /** First line of the part body (for base64 size estimates), when it was seen whole. */
  lineLength?: number;
  eol?: number;
}

interface Current {
  start: number;
  fromLine?: string;
  headerStart: number;
  bodyStart: number;
  headers?: HeaderFields;
  boundaries: Set<string>;
  topBoundary?: string;
  topClosed: boolean;
  part?: OpenPart;
  /** Start of the part header block being read. */
  partHeaderStart: number;
  contentLengthEnd?: number;
  /** `trusted`: Content-Length ends at a separator (or could not be checked); `ignored`: it does not. */
  lengthVerdict?: "trusted" | "unchecked" | "ignored";
  fromLinesInsideLength: number;
  attachments: AttachmentInfo[];
  /** Attachments past MAX_ATTACHMENTS, counted only. */
  attachmentsNotListed: number;
  multipartsNotFollowed: number;
  problems: string[];
}

type State = "preamble" | "headers" | "body" | "partHeaders";

export class MessageScanner {
  private readonly mode: "mbox" | "single";
  private readonly maxHeaderBytes: number;
  private carry: Buffer = EMPTY;
  /** Absolute offset of `carry[0]`. */
  private carryStart = 0;
  private state: State;
  /** Absolute offset of the next line start to read (header states). */
  private pos = 0;
  /** Absolute offset where the next body search for a line break starts. */
  private scanFrom = 0;
  private cur: Current | undefined;
  private out: ScannedMessage[] = [];
  private loose: { offset: number; message: string }[] = [];
  private messagesStarted = 0;
  private totalBytes = 0;
  /** Length of a UTF-8 byte order mark before the first `From ` line (not content). */
  private bomLength = 0;
  /** Chunks held unscanned until the stream reaches `waitUntil` (a Content-Length check). */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private waitUntil: number | undefined;

  constructor(options: ScanOptions) {
    this.mode = options.mode;
    this.maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    if (this.mode === "single") {
      this.cur = this.newMessage(0, 0);
      this.state = "headers";
    } else {
      this.state = "preamble";
    }
  }

  /** Feeds the next chunk; returns the messages completed by it. */
  push(chunk: Buffer): ScannedMessage[] {
    if (chunk.length === 0) return this.drain();
    this.totalBytes += chunk.length;
    if (this.waitUntil !== undefined) {
      // Collected without scanning (and without re-concatenating) until the check can be made.
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.carryStart + this.carry.length + this.waitingBytes < this.waitUntil) return this.drain();
      chunk = this.takeWaiting();
    }
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const keepFrom = this.scan(buf, this.carryStart, false);
    const rel = keepFrom - this.carryStart;
    this.carry = rel >= buf.length ? EMPTY : buf.subarray(rel);
    this.carryStart = keepFrom;
    return this.drain();
  }

  /** Ends the stream; returns the last messages. */
  finish(): ScannedMessage[] {
    if (this.waitUntil !== undefined) this.carry = Buffer.concat([this.carry, this.takeWaiting()]);
    const buf = this.carry;
    const end = this.carryStart + buf.length;
    this.scan(buf, this.carryStart, true);
    if (this.cur !== undefined) this.endMessage(buf, this.carryStart, end, true);
    if (this.mode === "mbox" && this.messagesStarted === 0 && this.totalBytes > 0) {
      this.loose.push({ offset: 0, message: `no mbox "From " line: ${this.totalBytes} bytes not read as messages` });
    }
    this.carry = EMPTY;
    return this.drain();
  }

  /** Problems not tied to a message (bytes before the first `From ` line). */
  drainProblems(): { offset: number; message: string }[] {
    const problems = this.loose;
    this.loose = [];
    return problems;
  }

  private takeWaiting(): Buffer {
    const held = Buffer.concat(this.waiting);
    this.waiting = [];
    this.waitingBytes = 0;
    this.waitUntil = undefined;
    return held;
  }

  private drain(): ScannedMessage[] {
    const done = this.out;
    this.out = [];
    return done;
  }

  private newMessage(start: number, headerStart: number, fromLine?: string): Current {
    const message: Current = {
      start,
      headerStart,
      bodyStart: headerStart,
      boundaries: new Set(),
      topClosed: false,
      partHeaderStart: 0,
      fromLinesInsideLength: 0,
      attachments: [],
      attachmentsNotListed: 0,
      multipartsNotFollowed: 0,
      problems: [],
    };
    if (fromLine !== undefined) message.fromLine = fromLine;
    return message;
  }

  /**
   * Runs the state machine over `buf` (whose first byte is at absolute offset `base`) until it
   * needs more bytes; returns the absolute offset from which bytes must be kept.
   */
  private scan(buf: Buffer, base: number, final: boolean): number {
    for (;;) {
      switch (this.state) {
        case "headers":
        case "partHeaders": {
          const keep = this.scanHeaderLines(buf, base, final);
          if (keep !== undefined) return keep;
          break;
        }
        case "preamble":
        case "body": {
          const keep = this.scanBody(buf, base, final);
          if (keep !== undefined) return keep;
          break;
        }
      }
    }
  }

  /** Reads header lines; returns a keep offset when more bytes are needed, undefined on a state change. */
  private scanHeaderLines(buf: Buffer, base: number, final: boolean): number | undefined {
    const cur = this.cur;
    if (cur === undefined) throw new Error("header state without a message");
    const inPart = this.state === "partHeaders";
    const blockStart = inPart ? cur.partHeaderStart : cur.headerStart;
    const limit = inPart ? MAX_PART_HEADER_BYTES : this.maxHeaderBytes;
    const bufEnd = base + buf.length;
    for (;;) {
      const relPos = this.pos - base;
      if (this.pos >= bufEnd) {
        if (final) {
          const at = Math.min(this.pos, bufEnd);
          this.endHeaders(buf, base, blockStart, at, at, inPart);
          if (!inPart && this.mode === "mbox") cur.problems.push("message ends inside its header block (file truncated?)");
          this.state = "body";
          this.scanFrom = bufEnd;
          return bufEnd;
        }
        return this.keepHeaderBlock(buf, base, blockStart, limit);
      }
      const nl = buf.indexOf(NL, relPos);
      if (nl === -1 && !final) return this.keepHeaderBlock(buf, base, blockStart, limit);
      const lineEnd = nl === -1 ? buf.length : nl;
      const lineLength = lineEnd - relPos;
      if (this.mode === "single" && !inPart && this.pos === cur.headerStart) {
        // A byte order mark or blank lines before a message's first header are not its end.
        const lead = leadingNoise(buf, relPos, final);
        if (lead === undefined) return this.keepHeaderBlock(buf, base, blockStart, limit);
        if (lead > 0) {
          this.pos += lead;
          cur.headerStart = this.pos;
          return undefined;
        }
      }
      if (lineLength === 0 || (lineLength === 1 && buf[relPos] === CR)) {
        this.endHeaders(buf, base, blockStart, this.pos, base + lineEnd + 1, inPart);
        return undefined;
      }
      if (this.mode === "mbox" && buf[relPos] === 0x46 && startsFrom(buf, relPos, lineEnd)) {
        // A `From ` line among headers followed by a header: the next message starts before this
        // one's headers ended.
        const next = nl === -1 ? (final ? false : undefined) : headerLineAt(buf, nl + 1, final);
        if (next === undefined) return this.keepHeaderBlock(buf, base, blockStart, limit);
        if (!next) {
          this.pos = base + lineEnd + 1;
          continue;
        }
        this.endHeaders(buf, base, blockStart, this.pos, this.pos, inPart);
        this.endMessage(buf, base, this.pos, false);
        this.startMessage(buf, base, this.pos, lineEnd);
        return undefined;
      }
      this.pos = base + lineEnd + 1;
    }
  }

  /** Keeps the header block in the carry, unless it grew past the limit (then it is cut). */
  private keepHeaderBlock(buf: Buffer, base: number, blockStart: number, limit: number): number | undefined {
    const cur = this.cur;
    if (cur !== undefined && base + buf.length - blockStart > limit) {
      const inPart = this.state === "partHeaders";
      cur.problems.push(`${inPart ? "MIME part header block" : "header block"} longer than ${limit} bytes: the rest is read as body`);
      this.endHeaders(buf, base, blockStart, this.pos, this.pos, inPart);
      return undefined;
    }
    return Math.min(blockStart, this.pos);
  }

  /** The header block `[blockStart, blockEnd)` is complete; the body starts at `bodyStart`. */
  private endHeaders(buf: Buffer, base: number, blockStart: number, blockEnd: number, bodyStart: number, inPart: boolean): void {
    const cur = this.cur;
    if (cur === undefined) return;
    const bufEnd = base + buf.length;
    const from = Math.max(blockStart, base) - base;
    const to = Math.min(blockEnd, bufEnd) - base;
    const fields = scanHeaderBlock(buf, from, Math.max(from, to), { part: inPart });
    this.state = "body";
    this.pos = bodyStart;
    this.scanFrom = bodyStart - 1;
    if (!inPart) {
      cur.headers = fields;
      cur.bodyStart = bodyStart;
      for (const problem of fields.problems) cur.problems.push(problem);
      if (fields.headerCount === 0) cur.problems.push("message has no headers");
      if (fields.contentLength !== undefined && this.mode === "mbox") cur.contentLengthEnd = bodyStart + fields.contentLength;
      if (fields.contentType?.startsWith("multipart/") && fields.boundary !== undefined) {
        cur.boundaries.add(fields.boundary);
        cur.topBoundary = fields.boundary;
      } else if (isAttachmentPart(fields)) {
        cur.part = this.openPart(buf, base, fields, bodyStart);
      }
      return;
    }
    if (fields.contentType?.startsWith("multipart/") && fields.boundary !== undefined) {
      if (cur.boundaries.size < MAX_MULTIPARTS || cur.boundaries.has(fields.boundary)) cur.boundaries.add(fields.boundary);
      else cur.multipartsNotFollowed += 1;
    } else if (isAttachmentPart(fields)) {
      cur.part = this.openPart(buf, base, fields, bodyStart);
    }
  }

  private openPart(buf: Buffer, base: number, fields: HeaderFields, bodyStart: number): OpenPart {
    const part: OpenPart = { fields, bodyStart, measured: fields.transferEncoding !== "base64" };
    this.measurePart(part, buf, base);
    return part;
  }

  /**
   * Measures the first line of a base64 part (for its size estimate). The bytes from the part's
   * start are held in the carry until the line is complete, so the result does not depend on
   * where chunks happen to end.
   */
  private measurePart(part: OpenPart | undefined, buf: Buffer, base: number): void {
    if (part === undefined || part.measured) return;
    const rel = part.bodyStart - base;
    if (rel < 0 || rel > buf.length) {
      part.measured = true;
      return;
    }
    const nl = buf.indexOf(NL, rel);
    if (nl !== -1 && nl - rel <= MAX_PROBE_LINE) {
      const cr = nl > rel && buf[nl - 1] === CR;
      part.lineLength = nl - rel - (cr ? 1 : 0);
      part.eol = cr ? 2 : 1;
      part.measured = true;
    } else if (buf.length - rel > MAX_PROBE_LINE) {
      part.measured = true;
    }
  }

  /** A keep offset, moved back to hold bytes a pending measurement still needs. */
  private hold(keep: number): number {
    const part = this.cur?.part;
    return part !== undefined && !part.measured ? Math.min(keep, part.bodyStart) : keep;
  }

  /** Searches the body for `From ` lines and MIME delimiters. */
  private scanBody(buf: Buffer, base: number, final: boolean): number | undefined {
    const bufEnd = base + buf.length;
    const mbox = this.mode === "mbox";
    if (mbox && this.scanFrom <= 0 && base === 0 && this.pos === 0 && this.state === "preamble") {
      // The file's first line (after a byte order mark): a `From ` line without a line break before it.
      const nl = buf.indexOf(NL);
      if (nl === -1 && !final && buf.length < MAX_PROBE_LINE) return 0;
      const lineEnd = nl === -1 ? buf.length : nl;
      const bom = lineEnd >= UTF8_BOM.length && buf.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? UTF8_BOM.length : 0;
      this.scanFrom = 0;
      this.pos = 1;
      if (startsFrom(buf, bom, lineEnd)) {
        this.bomLength = bom;
        this.startMessage(buf, base, bom, lineEnd);
        return undefined;
      }
    }
    const cur = this.cur;
    this.measurePart(cur?.part, buf, base);
    const wantDash = this.state === "body" && cur !== undefined && cur.boundaries.size > 0;
    if (!mbox && !wantDash) {
      // A single message with nothing left to look for: skip to the end.
      this.scanFrom = bufEnd;
      return this.hold(bufEnd);
    }
    let nextFrom = -2;
    let nextDash = -2;
    for (;;) {
      const relScan = Math.max(this.scanFrom - base, 0);
      if (mbox && (nextFrom === -2 || (nextFrom !== -1 && nextFrom < relScan))) nextFrom = buf.indexOf(FROM_NEEDLE, relScan);
      if (wantDash && (nextDash === -2 || (nextDash !== -1 && nextDash < relScan))) nextDash = buf.indexOf(DASH_NEEDLE, relScan);
      const from = mbox ? nextFrom : -1;
      const dash = wantDash ? nextDash : -1;
      if (from === -1 && dash === -1) {
        this.scanFrom = final ? bufEnd : Math.max(this.scanFrom, bufEnd - 5);
        // Bytes before: a CR before the next line break decides where a part ends, and a blank
        // line (LF LF or CRLF CRLF) before a `From ` line makes it a separator.
        return this.hold(Math.max(base, this.scanFrom - 3));
      }
      const isFrom = from !== -1 && (dash === -1 || from < dash);
      const idx = isFrom ? from : dash;
      const lineStart = idx + 1;
      const nl = buf.indexOf(NL, lineStart);
      if (nl === -1 && !final) {
        if (buf.length - lineStart < MAX_PROBE_LINE) {
          this.scanFrom = base + idx;
          return this.hold(Math.max(base, base + idx - 2));
        }
        this.scanFrom = base + idx + 1;
        continue;
      }
      const lineEnd = nl === -1 ? buf.length : nl;
      this.scanFrom = base + idx + 1;
      if (isFrom) {
        if (lineEnd - lineStart > MAX_PROBE_LINE) continue;
        const absLine = base + lineStart;
        const separator = this.isSeparator(buf, base, idx, lineEnd, final);
        if (separator === undefined) {
          // The next line decides: wait for it.
          this.scanFrom = base + idx;
          return this.hold(Math.max(base, base + idx - 2));
        }
        if (!separator) continue;
        if (cur !== undefined && cur.contentLengthEnd !== undefined && absLine < cur.contentLengthEnd) {
          cur.lengthVerdict ??= this.lengthVerdict(buf, base, absLine, cur.contentLengthEnd, final);
          if (cur.lengthVerdict === undefined) {
            // Hold from here until the stream reaches the end Content-Length names.
            this.waitUntil = cur.contentLengthEnd + LENGTH_END_PROBE;
            this.scanFrom = base + idx;
            return this.hold(Math.max(base, base + idx - 2));
          }
          if (cur.lengthVerdict !== "ignored") {
            // mboxcl/cl2: Content-Length says this line is still body.
            cur.fromLinesInsideLength += 1;
            continue;
          }
        }
        if (cur !== undefined) this.endMessage(buf, base, absLine, false);
        this.startMessage(buf, base, absLine, lineEnd);
        return undefined;
      }
      if (cur !== undefined && this.delimiter(buf, base, idx, lineStart, lineEnd)) return undefined;
    }
  }

  /**
   * Is the `From ` line after the line break at `idx` (relative) a message separator? It is after
   * a blank line, or when a header line follows it (a writer that puts no blank line between
   * messages, as Netscape and MimeKit's samples do). A `From ` line inside a paragraph (an
   * unquoted quote in mboxcl2) is body. Undefined: the next line is not in `buf` yet.
   */
  private isSeparator(buf: Buffer, base: number, idx: number, lineEnd: number, final: boolean): boolean | undefined {
    if (idx >= 1 && buf[idx - 1] === NL) return true;
    if (idx >= 2 && buf[idx - 1] === CR && buf[idx - 2] === NL) return true;
    // The body's first line follows the blank line that ended the headers.
    if (idx < 2 && this.cur !== undefined && this.cur.headers !== undefined && base + idx + 1 === this.cur.bodyStart) return true;
    if (lineEnd >= buf.length) return final ? false : undefined;
    return headerLineAt(buf, lineEnd + 1, final);
  }

  /**
   * Does Content-Length end where a message may end: at the end of the stream or at a `From `
   * line (after the one line break that separates messages)? Undefined: those bytes are not in
   * `buf` yet and are near enough to wait for.
   */
  private lengthVerdict(buf: Buffer, base: number, absLine: number, lengthEnd: number, final: boolean): Current["lengthVerdict"] {
    const rel = lengthEnd - base;
    if (rel + LENGTH_END_PROBE > buf.length && !final) {
      return lengthEnd - absLine > MAX_LENGTH_LOOKAHEAD ? "unchecked" : undefined;
    }
    let at = rel;
    if (buf[at] === CR && buf[at + 1] === NL) at += 2;
    else if (buf[at] === NL) at += 1;
    if (at >= buf.length) return rel <= buf.length ? "trusted" : "ignored";
    return startsFrom(buf, at, Math.min(buf.length, at + 5)) ? "trusted" : "ignored";
  }

  /** A `--boundary` line: closes the open part and, unless closing, reads the next part's headers. */
  private delimiter(buf: Buffer, base: number, idx: number, lineStart: number, lineEnd: number): boolean {
    const cur = this.cur;
    if (cur === undefined || lineEnd - lineStart > MAX_PROBE_LINE) return false;
    const line = buf.toString("latin1", lineStart + 2, lineEnd).replace(/[\s]+$/, "");
    let boundary = line;
    let closing = false;
    if (!cur.boundaries.has(boundary)) {
      if (!line.endsWith("--")) return false;
      boundary = line.slice(0, -2);
      if (!cur.boundaries.has(boundary)) return false;
      closing = true;
    }
    const partEnd = base + idx - (idx > 0 && buf[idx - 1] === CR ? 1 : 0);
    this.measurePart(cur.part, buf, base);
    this.closePart(partEnd);
    if (closing) {
      if (boundary === cur.topBoundary) cur.topClosed = true;
      return false;
    }
    this.state = "partHeaders";
    cur.partHeaderStart = base + lineEnd + 1;
    this.pos = cur.partHeaderStart;
    return true;
  }

  private closePart(end: number, cur: Current | undefined = this.cur): void {
    const part = cur?.part;
    if (cur === undefined || part === undefined) return;
    cur.part = undefined;
    const info: AttachmentInfo = {};
    const name = part.fields.filename ?? part.fields.typeName;
    if (name !== undefined) info.filename = name;
    info.contentType = part.fields.contentType ?? "text/plain";
    info.size = estimateDecodedSize(Math.max(0, end - part.bodyStart), part);
    if (cur.attachments.length < MAX_ATTACHMENTS) cur.attachments.push(info);
    else cur.attachmentsNotListed += 1;
  }

  private startMessage(buf: Buffer, base: number, start: number, lineEndRel: number): void {
    const fromLine = buf.toString("latin1", start - base, lineEndRel).replace(/\r$/, "");
    const headerStart = base + lineEndRel + 1;
    if (this.mode === "mbox" && this.messagesStarted === 0 && start > this.bomLength) {
      this.loose.push({ offset: 0, message: `${start} bytes before the first "From " line: not read as a message` });
    }
    this.messagesStarted += 1;
    this.cur = this.newMessage(start, headerStart, fromLine);
    this.state = "headers";
    this.pos = headerStart;
  }

  private endMessage(buf: Buffer, base: number, end: number, eof: boolean): void {
    const cur = this.cur;
    if (cur === undefined) return;
    this.cur = undefined;
    if (cur.headers === undefined) {
      // Ended inside its headers (stream end or next `From ` line): scan what there is.
      const from = Math.max(cur.headerStart, base) - base;
      const to = Math.min(end, base + buf.length) - base;
      cur.headers = scanHeaderBlock(buf, from, Math.max(from, to));
      for (const problem of cur.headers.problems) cur.problems.push(problem);
      if (cur.headers.headerCount === 0) cur.problems.push("message has no headers");
      cur.bodyStart = end;
    }
    // The line break before the next `From ` line belongs to the separator, not to a part.
    this.measurePart(cur.part, buf, base);
    this.closePart(end > cur.bodyStart && buf[end - base - 1] === NL ? end - 1 : end, cur);
    if (cur.multipartsNotFollowed > 0) {
      cur.problems.push(`more than ${MAX_MULTIPARTS} multipart containers: the parts of deeper ones are not listed`);
    }
    if (cur.attachmentsNotListed > 0) cur.problems.push(`more than ${MAX_ATTACHMENTS} attachments: ${cur.attachmentsNotListed} more not listed`);
    if (eof && cur.topBoundary !== undefined && !cur.topClosed) {
      cur.problems.push("message ends without its closing MIME boundary (file truncated?)");
    }
    if (cur.lengthVerdict === "ignored") {
      cur.problems.push(`Content-Length (${(cur.contentLengthEnd ?? 0) - cur.bodyStart}) does not end at a "From " line: ignored, the message ends at the next separator`);
    } else if (cur.contentLengthEnd !== undefined) {
      const gap = end - cur.contentLengthEnd;
      if (cur.contentLengthEnd > end && eof) {
        cur.problems.push(`Content-Length says ${cur.contentLengthEnd - cur.bodyStart} body bytes, only ${end - cur.bodyStart} present (file truncated?)`);
      } else if (cur.fromLinesInsideLength > 0 && (gap < 0 || gap > 2)) {
        cur.problems.push(`Content-Length does not end at a "From " line: ${cur.fromLinesInsideLength} "From " line(s) inside it were read as body`);
      }
    }
    const message: ScannedMessage = {
      start: cur.start,
      headerStart: cur.headerStart,
      bodyStart: cur.bodyStart,
      end,
      headers: cur.headers,
      attachments: cur.attachments,
      problems: cur.problems,
    };
    if (cur.fromLine !== undefined) message.fromLine = cur.fromLine;
    this.out.push(message);
    if (this.mode === "single") this.state = "body";
  }
}

/**
 * Bytes of byte order mark and blank lines at `pos` that come before a header line (0 when none,
 * or when no header line follows: then the blank line ends an empty header block, as it should).
 * Undefined: `buf` ends before that is known.
 */
function leadingNoise(buf: Buffer, pos: number, final: boolean): number | undefined {
  let i = pos;
  if (buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) i += 3;
  else if (i + 3 > buf.length && !final && (buf[i] === 0xef || i >= buf.length)) return undefined;
  for (let lines = 0; lines < 100; lines += 1) {
    if (buf[i] === NL) i += 1;
    else if (buf[i] === CR && buf[i + 1] === NL) i += 2;
    else break;
  }
  if (i === pos) return 0;
  if (!final && buf[i] === CR && i + 1 >= buf.length) return undefined;
  const header = headerLineAt(buf, i, final);
  if (header === undefined) return undefined;
  return header ? i - pos : 0;
}

/** Bytes examined after a Content-Length's end: an optional CRLF, then `From `. */
const LENGTH_END_PROBE = 7;

/** Does the line `[start, end)` begin with `From ` (any envelope: `From -`, no date, no year, a zone)? */
function startsFrom(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 5 && buf[start] === 0x46 && buf[start + 1] === 0x72 && buf[start + 2] === 0x6f && buf[start + 3] === 0x6d && buf[start + 4] === SP;
}

/**
 * Is the line at `pos` a header line (`Name:` with the name in printable ASCII, as RFC 5322
 * allows)? Undefined: `buf` ends before that is known.
 */
function headerLineAt(buf: Buffer, pos: number, final: boolean): boolean | undefined {
  const limit = Math.min(buf.length, pos + MAX_PROBE_LINE);
  let i = pos;
  while (i < limit) {
    const c = buf[i] ?? 0;
    if (c <= SP || c >= 0x7f || c === COLON) break;
    i += 1;
  }
  if (i === pos) return i < buf.length || final ? false : undefined;
  while (i < limit && (buf[i] === SP || buf[i] === TAB)) i += 1;
  if (i >= buf.length) return final ? false : undefined;
  return buf[i] === COLON;
}

/** Decoded size from the encoded length: exact for 7bit/8bit/binary, close for base64. */
function estimateDecodedSize(encoded: number, part: OpenPart): number {
  if (part.fields.transferEncoding !== "base64") return encoded;
  const lineLength = part.lineLength ?? 76;
  const eol = part.eol ?? 1;
  // Line breaks inside the part (the one before the delimiter is not part of it).
  const breaks = Math.floor(encoded / (lineLength + eol));
  const data = Math.max(0, encoded - breaks * eol);
  return Math.floor((data * 3) / 4);
}

export type ScanEvent = { message: ScannedMessage } | { problem: { offset: number; message: string } };

/** Runs a scanner over a whole stream. */
export async function* scanStream(stream: AsyncIterable<unknown>, options: ScanOptions): AsyncGenerator<ScanEvent> {
  const scanner = new MessageScanner(options);
  for await (const raw of stream) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : (raw as Buffer);
    for (const message of scanner.push(chunk)) yield { message };
    for (const problem of scanner.drainProblems()) yield { problem };
  }
  for (const message of scanner.finish()) yield { message };
  for (const problem of scanner.drainProblems()) yield { problem };
}
