import type { Readable } from "node:stream";

export interface Line {
  /** The line's text, without its `\n` or `\r\n`. */
  text: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte in the stream. */
  offset: number;
  /** Set when the line was longer than `maxLineBytes`: `text` is then empty and `length` says how long. */
  oversized?: boolean;
  length: number;
}

export interface LineOptions {
  /** Lines longer than this are not buffered: they come back `oversized` (a warning for the parser). */
  maxLineBytes?: number;
  /** `latin1` for formats that are not UTF-8; default `utf8`. */
  encoding?: BufferEncoding;
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines, one batch per chunk (yielding per line costs more than the
 * parse). Splits Buffers on newline bytes and decodes each line alone: decoding whole chunks
 * was 3-4x slower. Memory is bounded by the chunk size plus `maxLineBytes`.
 */
export async function* readLineBatches(stream: Readable, options: LineOptions = {}): AsyncGenerator<Line[]> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const encoding = options.encoding ?? "utf8";
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false; // inside an oversized line: drop bytes until its newline
  let lineNo = 0;
  let offset = 0; // offset of the next line's first byte

  const finishLine = (batch: Line[], tail: Buffer, start: number, end: number): void => {
    lineNo += 1;
    const length = pendingBytes + (end - start);
    if (skipping) {
      batch.push({ text: "", line: lineNo, offset, oversized: true, length });
    } else {
      let text: string;
      if (pendingBytes === 0) {
        const stop = end > start && tail[end - 1] === CR ? end - 1 : end;
        text = tail.toString(encoding, start, stop);
      } else {
        pending.push(tail.subarray(start, end));
        const whole = Buffer.concat(pending, length);
        const stop = length > 0 && whole[length - 1] === CR ? length - 1 : length;
        text = whole.toString(encoding, 0, stop);
      }
      batch.push({ text, line: lineNo, offset, length });
    }
    offset += length + 1;
    pending = [];
    pendingBytes = 0;
    skipping = false;
  };

  for await (const raw of stream) {
    const chunk: Buffer = typeof raw === "string" ? Buffer.from(raw) : (raw as Buffer);
    const batch: Line[] = [];
    let start = 0;
    let nl = chunk.indexOf(NL, start);
    while (nl !== -1) {
      finishLine(batch, chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf(NL, start);
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (!skipping && pendingBytes + rest > maxLineBytes) {
        skipping = true;
        pending = [];
      }
      if (!skipping) pending.push(chunk.subarray(start));
      pendingBytes += rest;
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingBytes > 0) {
    // A last line without a final newline is still a line.
    const batch: Line[] = [];
    const empty = Buffer.alloc(0);
    finishLine(batch, empty, 0, 0);
    yield batch;
  }
}

/** Per-line convenience over `readLineBatches`, for formats where speed matters less. */
export async function* readLines(stream: Readable, options: LineOptions = {}): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(stream, options)) yield* batch;
}
