import type { Readable } from "node:stream";
import type { RecordRef } from "../model/events.js";
import { peekStream } from "./peek.js";
import { readLineBatches } from "./lines.js";
import { headText, utf8Stream } from "./text.js";

/** One JSON value's text with where it starts, or a located problem. */
export type JsonItem =
  | { kind: "value"; text: string; offset: number; line?: number }
  | { kind: "warning"; offset?: number; line?: number; message: string };

export interface JsonSplitOptions {
  /** Top-level object keys whose array is streamed element by element (a Graph page's `value`). */
  envelopeKeys?: readonly string[];
  /** An element larger than this is skipped with a warning (bounded memory). */
  maxValueBytes?: number;
}

export const DEFAULT_ENVELOPE_KEYS = ["value", "records"] as const;
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * A byte-level JSON splitter: never parses the document, only tracks depth and strings, and cuts
 * out the values a reader wants: each element of a top-level array, each element of an envelope
 * object's array (`{"@odata.context":..., "value":[...]}`, `{"records":[...]}`), and every other
 * top-level object whole (a single record, or records written one after another). Strings are
 * skipped with `indexOf` jumps; elements are decoded one at a time.
 *
 * Truncated input yields every complete element and exactly one warning.
 */
export class JsonSplitter {
  private readonly envelopeKeys: ReadonlySet<string>;
  private readonly maxValueBytes: number;
  private base = 0; // offset of the current chunk's first byte
  private depth = 0;
  private inString = false;
  private pendingEscape = false;
  /** Depth at which a value starting is cut out (-1: none inside the current object). */
  private emitDepth = 0;
  private topIsObject = false;
  private expectKey = false;
  private keyParts: Buffer[] | undefined;
  private lastKey = "";
  private envelopeNext = false;
  private inEnvelope = false;
  private skippingScalar = false;
  private inGarbage = false;
  /** The value being cut out. */
  private open: { offset: number; depth: number; parts: Buffer[]; bytes: number; oversized: boolean } | undefined;
  private openStartInChunk = -1;
  private out: JsonItem[] = [];

  constructor(options: JsonSplitOptions = {}) {
    this.envelopeKeys = new Set(options.envelopeKeys ?? DEFAULT_ENVELOPE_KEYS);
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  push(chunk: Buffer): JsonItem[] {
    this.scan(chunk);
    this.base += chunk.length;
    const out = this.out;
    this.out = [];
    return out;
  }

  end(): JsonItem[] {
    if (this.open) {
      this.out.push({
        kind: "warning",
        offset: this.open.offset,
        message: "input ends inside this value (truncated file): the complete values before it were read",
      });
    } else if (this.depth > 0 || this.inString) {
      this.out.push({ kind: "warning", offset: this.base, message: "input ends before the JSON document is closed (truncated file)" });
    }
    this.open = undefined;
    const out = this.out;
    this.out = [];
    return out;
  }

  private scan(buf: Buffer): void {
    const len = buf.length;
    let i = 0;
    let nextBackslash = -2; // -2: not looked up in this chunk yet
    this.openStartInChunk = this.open ? 0 : -1;
    while (i < len) {
      if (this.open !== undefined && this.open.depth > 0 && !this.inString && this.depth > this.open.depth) {
        // Inside an element being cut out: only depth and strings matter (a top-level object is
        // read by the general loop, which watches its keys for an envelope). Most bytes go here.
        const target = this.open.depth;
        let depth = this.depth;
        let j = i;
        let closed = false;
        while (j < len) {
          const c = buf[j] as number;
          if (c === QUOTE) {
            let q = buf.indexOf(QUOTE, j + 1);
            // A quote preceded by an odd run of backslashes is escaped.
            while (q !== -1) {
              let k = q - 1;
              while (k > j && buf[k] === BACKSLASH) k -= 1;
              if (((q - 1 - k) & 1) === 0) break;
              q = buf.indexOf(QUOTE, q + 1);
            }
            if (q === -1) {
              // The string goes on in the next chunk; an odd run of backslashes at the end escapes its first byte.
              let k = len - 1;
              while (k > j && buf[k] === BACKSLASH) k -= 1;
              this.inString = true;
              this.pendingEscape = ((len - 1 - k) & 1) === 1;
              j = len;
              break;
            }
            j = q + 1;
            continue;
          }
          if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
          else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
            depth -= 1;
            if (depth === target) {
              closed = true;
              j += 1;
              break;
            }
          }
          j += 1;
        }
        this.depth = depth;
        i = j;
        if (closed) {
          this.closeValue(buf, i);
          this.afterClose();
        }
        continue;
      }
      if (this.inString) {
        if (this.pendingEscape) {
          this.pendingEscape = false;
          i += 1;
          continue;
        }
        const q = buf.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = buf.indexOf(BACKSLASH, i);
        if (nextBackslash !== -1 && (q === -1 || nextBackslash < q)) {
          // An escape: skip the escaped byte (which may be in the next chunk).
          if (nextBackslash + 1 >= len) {
            this.pendingEscape = true;
            this.keepKey(buf, i, len);
            i = len;
          } else {
            this.keepKey(buf, i, nextBackslash + 2);
            i = nextBackslash + 2;
          }
          continue;
        }
        if (q === -1) {
          this.keepKey(buf, i, len);
          i = len;
          continue;
        }
        this.keepKey(buf, i, q);
        this.inString = false;
        if (this.keyParts) {
          this.lastKey = Buffer.concat(this.keyParts).toString("utf8");
          this.keyParts = undefined;
        }
        i = q + 1;
        continue;
      }

      const c = buf[i] as number;
      if (isSpace(c)) {
        i += 1;
        continue;
      }
      if (this.inGarbage) {
        if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
          i += 1;
          continue;
        }
        this.inGarbage = false;
      }
      if (this.envelopeNext) {
        this.envelopeNext = false;
        if (c === OPEN_ARRAY) {
          // A page: drop the envelope object, stream the array's elements.
          this.open = undefined;
          this.inEnvelope = true;
          this.emitDepth = 2;
          this.depth += 1;
          i += 1;
          continue;
        }
      }
      if (this.skippingScalar && (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT)) this.skippingScalar = false;

      switch (c) {
        case QUOTE: {
          this.inString = true;
          if (this.depth === 1 && this.topIsObject && this.expectKey && !this.inEnvelope) this.keyParts = [];
          if (!this.open && this.depth === this.emitDepth) this.notAnElement(this.base + i);
          i += 1;
          continue;
        }
        case OPEN_OBJECT:
        case OPEN_ARRAY: {
          if (!this.open && this.depth === this.emitDepth) {
            if (this.depth === 0 && c === OPEN_ARRAY) {
              this.emitDepth = 1;
            } else {
              this.open = { offset: this.base + i, depth: this.depth, parts: [], bytes: 0, oversized: false };
              this.openStartInChunk = i;
              if (this.depth === 0) {
                this.topIsObject = true;
                this.expectKey = true;
              }
            }
          }
          this.depth += 1;
          break;
        }
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          this.depth -= 1;
          if (this.depth < 0) {
            this.depth = 0;
            this.garbage(this.base + i);
            break;
          }
          if (this.open && this.depth === this.open.depth) {
            this.closeValue(buf, i + 1);
          }
          this.afterClose();
          break;
        }
        case COMMA:
          if (this.depth === 1 && this.topIsObject) this.expectKey = true;
          break;
        case COLON:
          if (this.depth === 1 && this.topIsObject && this.expectKey) {
            this.expectKey = false;
            this.envelopeNext = this.envelopeKeys.has(this.lastKey);
          }
          break;
        default:
          // Numbers, true/false/null, or garbage.
          if (this.depth === 0) this.garbage(this.base + i);
          else if (!this.open && this.depth === this.emitDepth) this.notAnElement(this.base + i);
      }
      i += 1;
    }
    if (this.open && this.openStartInChunk !== -1) this.keepOpen(buf, this.openStartInChunk, len);
  }

  /** Bookkeeping after a closing bracket: the end of an envelope's array, of a top-level value. */
  private afterClose(): void {
    if (this.inEnvelope && this.depth === 1) {
      this.inEnvelope = false;
      this.emitDepth = -1;
    }
    if (this.depth === 0) {
      this.topIsObject = false;
      this.expectKey = false;
      this.emitDepth = 0;
    }
  }

  private keepKey(buf: Buffer, from: number, to: number): void {
    if (this.keyParts && to > from) this.keyParts.push(buf.subarray(from, to));
  }

  private keepOpen(buf: Buffer, from: number, to: number): void {
    const open = this.open;
    if (!open || open.oversized) return;
    open.bytes += to - from;
    if (open.bytes > this.maxValueBytes) {
      open.oversized = true;
      open.parts = [];
      return;
    }
    open.parts.push(buf.subarray(from, to));
  }

  private closeValue(buf: Buffer, end: number): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const start = this.openStartInChunk;
    this.openStartInChunk = -1;
    if (open.parts.length === 0 && !open.oversized && end - start <= this.maxValueBytes) {
      this.out.push({ kind: "value", text: buf.toString("utf8", start, end), offset: open.offset });
      return;
    }
    if (!open.oversized) {
      open.parts.push(buf.subarray(start, end));
      open.bytes += end - start;
    }
    if (open.oversized || open.bytes > this.maxValueBytes) {
      this.out.push({ kind: "warning", offset: open.offset, message: `value larger than ${this.maxValueBytes} bytes: skipped` });
      return;
    }
    this.out.push({ kind: "value", text: Buffer.concat(open.parts, open.bytes).toString("utf8"), offset: open.offset });
  }

  private notAnElement(offset: number): void {
    if (this.skippingScalar) return;
    this.skippingScalar = true;
    this.out.push({ kind: "warning", offset, message: "array element is not a JSON object: skipped" });
  }

  private garbage(offset: number): void {
    if (this.inGarbage) return;
    this.inGarbage = true;
    this.out.push({ kind: "warning", offset, message: "text outside any JSON value: skipped up to the next object or array" });
  }
}

/** Streams the values a `JsonSplitter` cuts out of a file in UTF-8 or UTF-16. */
export async function* splitJson(stream: Readable, head: Buffer, options: JsonSplitOptions = {}): AsyncGenerator<JsonItem[]> {
  const splitter = new JsonSplitter(options);
  for await (const chunk of utf8Stream(stream, head)) {
    const items = splitter.push(chunk as Buffer);
    if (items.length > 0) yield items;
  }
  const items = splitter.end();
  if (items.length > 0) yield items;
}

/** NDJSON / JSON lines: each non-blank line one value, with its line number and offset. */
export async function* readJsonLines(stream: Readable, head: Buffer): AsyncGenerator<JsonItem[]> {
  for await (const batch of readLineBatches(utf8Stream(stream, head))) {
    const items: JsonItem[] = [];
    for (const line of batch) {
      if (line.oversized) {
        items.push({ kind: "warning", line: line.line, offset: line.offset, message: `line of ${line.length} bytes is too long: skipped` });
        continue;
      }
      const text = line.text.trim();
      if (text.length === 0) continue;
      items.push({ kind: "value", text, line: line.line, offset: line.offset });
    }
    if (items.length > 0) yield items;
  }
}

/** How a JSON file lays out its records, judged from its first bytes. */
export type JsonLayout = "lines" | "document";

/**
 * JSON lines when the first two non-blank lines are each a whole object (and the first is no
 * envelope); anything else (an array, a page, one object, pretty-printed records) is a document
 * for the splitter. Line mode keeps one broken line from swallowing the next ones.
 */
export function jsonLayout(head: Buffer): JsonLayout {
  const text = headText(head);
  const lines: string[] = [];
  let from = 0;
  while (lines.length < 2) {
    const nl = text.indexOf("\n", from);
    if (nl === -1) break;
    const line = text.slice(from, nl).trim();
    if (line.length > 0) lines.push(line);
    from = nl + 1;
  }
  if (lines.length < 2) return "document";
  const [first, second] = lines as [string, string];
  if (!first.startsWith("{") || !second.startsWith("{")) return "document";
  try {
    const value: unknown = JSON.parse(first);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return "document";
    for (const key of DEFAULT_ENVELOPE_KEYS) if (Array.isArray((value as Record<string, unknown>)[key])) return "document";
    return "lines";
  } catch {
    return "document";
  }
}

/** Values of a JSON file whatever its layout: JSON lines, an array, a page, one or more objects. */
export function readJsonRecords(stream: Readable, head: Buffer, options: JsonSplitOptions = {}): AsyncGenerator<JsonItem[]> {
  return jsonLayout(head) === "lines" ? readJsonLines(stream, head) : splitJson(stream, head, options);
}

/**
 * The first record of a JSON file, from its head (for sniffing by top-level keys, not by text that
 * could sit anywhere): the first line of JSON lines, else the first value the splitter cuts out.
 */
export function firstJsonRecord(head: Buffer): Record<string, unknown> | undefined {
  let text: string | undefined;
  if (jsonLayout(head) === "lines") {
    const all = headText(head);
    text = all.slice(0, all.indexOf("\n"));
  } else {
    const splitter = new JsonSplitter();
    const body = headText(head);
    const first = splitter.push(Buffer.from(body, "utf8")).find((item) => item.kind === "value");
    text = first?.kind === "value" ? first.text : undefined;
  }
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Where a JSON value stood: its line for JSON lines, else its byte offset. */
export function jsonItemRef(item: JsonItem): RecordRef {
  return item.line !== undefined ? { line: item.line } : { offset: item.offset };
}

/**
 * Every JSON value of a file, parsed, with where it stood. Splitter problems and values that do
 * not parse are located warnings through `warn`; reading goes on past them.
 */
export async function* parsedJsonValues(
  source: Readable,
  warn: (ref: RecordRef, message: string) => void,
  options: JsonSplitOptions = {},
): AsyncGenerator<{ value: unknown; ref: RecordRef }> {
  const { head, stream } = await peekStream(source);
  for await (const batch of readJsonRecords(stream, head, options)) {
    for (const item of batch) {
      if (item.kind === "warning") {
        warn(jsonItemRef(item), item.message);
        continue;
      }
      try {
        yield { value: JSON.parse(item.text) as unknown, ref: jsonItemRef(item) };
      } catch (error) {
        warn(jsonItemRef(item), `not valid JSON: ${(error as Error).message}`);
      }
    }
  }
}
