import { StringDecoder } from "node:string_decoder";
import type { Readable } from "node:stream";
import { utf8Stream } from "./text.js";

/** One CSV record, or a located problem met while reading. */
export type CsvItem =
  | { kind: "record"; line: number; fields: string[] }
  | { kind: "warning"; line: number; message: string };

export interface CsvOptions {
  /** A record (all its cells) longer than this is taken for a broken quote: skipped with a warning. */
  maxRecordChars?: number;
  /** Records whose field count differs from the first record's (the header) are warned about and skipped. */
  checkWidth?: boolean;
}

export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;

const COMMA = 44;
const QUOTE = 34;
const NL = 10;
const CR = 13;

const enum Mode {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote was the last character of a chunk: escaped (`""`) or closing, the next chunk says. */
  QuotePending,
  /** After a closing quote, before the delimiter. */
  AfterQuote,
}

/**
 * A resumable RFC 4180 reader tuned for audit exports: quoted cells may hold newlines and CRLF,
 * doubled quotes are unescaped once per cell, a quoted cell is found with `indexOf` jumps (the JSON
 * inside AuditData is most of the bytes). Each record carries the 1-based line it starts on.
 *
 * Broken input never swallows the file: a quoted cell still open at the end of input, or a record
 * longer than `maxRecordChars`, becomes a warning, and reading resumes on the line after the line
 * the bad record started on.
 */
export class CsvScanner {
  private readonly maxRecordChars: number;
  private readonly checkWidth: boolean;
  private width: number | undefined;
  private mode = Mode.FieldStart;
  private fields: string[] = [];
  /** Pieces of the current cell when it spans chunks (quoted ones still escaped). */
  private parts: string[] = [];
  private cellHasDoubledQuote = false;
  private strayAfterQuote = false;
  /** Line of the scanner's position, and the line the current record started on. */
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private recordOpen = false;
  /** Raw text of the current record kept across chunks, to resume after a broken quote. */
  private raw: string[] = [];
  private out: CsvItem[] = [];

  constructor(options: CsvOptions = {}) {
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    this.checkWidth = options.checkWidth ?? true;
  }

  /** Feeds text; returns the items completed by it. */
  push(text: string): CsvItem[] {
    this.scan(text);
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Ends the input; returns the last items. */
  end(): CsvItem[] {
    // A quoted cell open at the end: report it, then re-read what it swallowed.
    while (this.mode === Mode.Quoted) this.recover("a quoted cell is never closed (broken quote)");
    if (this.recordOpen) {
      if (this.mode === Mode.QuotePending) {
        const cell = this.parts.join("");
        this.fields.push(this.cellHasDoubledQuote ? cell.split('""').join('"') : cell);
      } else if (this.mode === Mode.Unquoted) {
        const cell = this.parts.join("");
        this.fields.push(cell.charCodeAt(cell.length - 1) === CR ? cell.slice(0, -1) : cell);
      } else if (this.mode === Mode.FieldStart) {
        this.fields.push(""); // the input ends right after a comma
      }
      this.endRecord();
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  private scan(text: string): void {
    const len = text.length;
    let pos = 0;
    let recordStart = 0; // start of the current record's raw text in `text`
    let fieldStart = 0;

    const keepRaw = (): void => {
      if (this.recordOpen) this.raw.push(text.slice(recordStart, len));
    };

    while (pos < len) {
      switch (this.mode) {
        case Mode.FieldStart: {
          if (!this.recordOpen) {
            this.recordOpen = true;
            this.recordLine = this.line;
            this.recordChars = 0;
            this.raw = [];
            recordStart = pos;
          }
          const c = text.charCodeAt(pos);
          if (c === QUOTE) {
            this.mode = Mode.Quoted;
            this.cellHasDoubledQuote = false;
            pos += 1;
            fieldStart = pos;
          } else {
            this.mode = Mode.Unquoted;
            fieldStart = pos;
          }
          break;
        }
        case Mode.Unquoted: {
          let i = pos;
          let c = 0;
          while (i < len) {
            c = text.charCodeAt(i);
            if (c === COMMA || c === NL) break;
            i += 1;
          }
          if (i === len) {
            this.parts.push(text.slice(fieldStart, len));
            this.recordChars += len - fieldStart;
            pos = len;
            break;
          }
          let cell = text.slice(fieldStart, i);
          if (this.parts.length > 0) {
            this.parts.push(cell);
            cell = this.parts.join("");
            this.parts = [];
          }
          pos = i + 1;
          if (c === COMMA) {
            this.fields.push(cell);
            this.mode = Mode.FieldStart;
          } else {
            this.fields.push(cell.charCodeAt(cell.length - 1) === CR ? cell.slice(0, -1) : cell);
            this.line += 1;
            this.endRecord(text, recordStart, pos);
            // After a recovery the re-read text may leave a cell open that continues here.
            recordStart = pos;
            fieldStart = pos;
          }
          break;
        }
        case Mode.Quoted: {
          let q = text.indexOf('"', pos);
          while (q !== -1 && q + 1 < len && text.charCodeAt(q + 1) === QUOTE) {
            this.cellHasDoubledQuote = true;
            q = text.indexOf('"', q + 2);
          }
          const end = q === -1 ? len : q;
          this.countLines(text, pos, end);
          this.recordChars += end - pos;
          if (q === -1 || q === len - 1) {
            this.parts.push(text.slice(fieldStart, end));
            pos = len;
            if (q === len - 1) this.mode = Mode.QuotePending;
            if (this.recordChars > this.maxRecordChars) {
              keepRaw();
              this.recover(`record longer than ${this.maxRecordChars} characters (a broken quote?)`);
              return;
            }
            break;
          }
          let cell = text.slice(fieldStart, q);
          if (this.parts.length > 0) {
            this.parts.push(cell);
            cell = this.parts.join("");
            this.parts = [];
          }
          this.fields.push(this.cellHasDoubledQuote ? cell.split('""').join('"') : cell);
          pos = q + 1;
          this.mode = Mode.AfterQuote;
          break;
        }
        case Mode.QuotePending: {
          if (text.charCodeAt(pos) === QUOTE) {
            // An escaped quote split across chunks: keep it escaped, unescape with the cell.
            this.parts.push('""');
            this.cellHasDoubledQuote = true;
            pos += 1;
            fieldStart = pos;
            this.mode = Mode.Quoted;
          } else {
            const cell = this.parts.join("");
            this.parts = [];
            this.fields.push(this.cellHasDoubledQuote ? cell.split('""').join('"') : cell);
            this.mode = Mode.AfterQuote;
          }
          break;
        }
        case Mode.AfterQuote: {
          const c = text.charCodeAt(pos);
          pos += 1;
          if (c === COMMA) {
            this.mode = Mode.FieldStart;
          } else if (c === NL) {
            this.line += 1;
            this.endRecord(text, recordStart, pos);
            // After a recovery the re-read text may leave a cell open that continues here.
            recordStart = pos;
            fieldStart = pos;
          } else if (c !== CR) {
            // `"abc"def`: keep the quoted part, note the stray text.
            this.strayAfterQuote = true;
          }
          break;
        }
      }
      if (!this.recordOpen) recordStart = pos;
    }
    keepRaw();
  }

  private countLines(text: string, from: number, to: number): void {
    let n = text.indexOf("\n", from);
    while (n !== -1 && n < to) {
      this.line += 1;
      n = text.indexOf("\n", n + 1);
    }
  }

  /** Ends the current record; `text` from `from` to `to` is its part in the current chunk. */
  private endRecord(text?: string, from = 0, to = 0): void {
    const fields = this.fields;
    const line = this.recordLine;
    const spansLines = this.line - line > 1;
    if (this.checkWidth && this.width !== undefined && fields.length !== this.width && spansLines && text !== undefined) {
      // A quoted cell ran over line ends and the record came out the wrong width: a broken quote
      // swallowed the next lines. Re-read them instead of losing them.
      this.raw.push(text.slice(from, to));
      this.recover(`record has ${fields.length} fields, the header has ${this.width}, and runs over ${this.line - line} lines (a broken quote?)`);
      return;
    }
    this.fields = [];
    this.parts = [];
    this.raw = [];
    this.recordOpen = false;
    this.mode = Mode.FieldStart;
    if (this.strayAfterQuote) {
      this.strayAfterQuote = false;
      this.out.push({ kind: "warning", line, message: "text after a closing quote; the cell keeps only its quoted part" });
    }
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === "") return;
    if (this.checkWidth) {
      if (this.width === undefined) this.width = fields.length;
      else if (fields.length !== this.width) {
        this.out.push({
          kind: "warning",
          line,
          message: `record has ${fields.length} fields, the header has ${this.width}: record skipped`,
        });
        return;
      }
    }
    this.out.push({ kind: "record", line, fields });
  }

  /**
   * The current record cannot be read: warn, then read again everything after the line it
   * started on (that text is in `raw`), as a fresh record.
   */
  private recover(reason: string): void {
    const line = this.recordLine;
    const raw = this.raw.join("");
    this.out.push({ kind: "warning", line, message: `${reason}: record starting here skipped, reading resumes on the next line` });
    this.fields = [];
    this.parts = [];
    this.raw = [];
    this.recordOpen = false;
    this.strayAfterQuote = false;
    this.mode = Mode.FieldStart;
    this.line = line + 1;
    const nl = raw.indexOf("\n");
    if (nl !== -1 && nl + 1 < raw.length) this.scan(raw.slice(nl + 1));
  }
}

/**
 * Streams CSV records from a file in UTF-8 (with or without BOM) or UTF-16 (PowerShell's
 * default): `head` is the first bytes, used to detect the encoding.
 */
export async function* readCsv(stream: Readable, head: Buffer, options: CsvOptions = {}): AsyncGenerator<CsvItem[]> {
  const scanner = new CsvScanner(options);
  const decoder = new StringDecoder("utf8");
  for await (const chunk of utf8Stream(stream, head)) {
    const text = decoder.write(chunk as Buffer);
    if (text.length === 0) continue;
    const items = scanner.push(text);
    if (items.length > 0) yield items;
  }
  const tail = decoder.end();
  const items = tail.length > 0 ? scanner.push(tail) : [];
  items.push(...scanner.end());
  if (items.length > 0) yield items;
}
