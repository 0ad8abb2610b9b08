import { createReadStream, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import type { RecordRef } from "../../src/model/events.js";
import type { FileContext, FileFormat, FileSource, FolderContext, FolderFormat, FolderSource, ParseOptions, ParsedItem } from "../../src/model/format.js";

export interface ParserRun {
  items: ParsedItem[];
  /** Every warning, those of `ctx.fail` included. */
  warnings: { ref: RecordRef; message: string }[];
  /** What `ctx.fail` reported: the file (or member) could not be read at all. */
  failures: { ref: RecordRef; message: string }[];
  notes: string[];
}

/** A stream of `data` in chunks of `chunkSize` bytes (1 catches chunk-boundary bugs). */
export function chunkedStream(data: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

export function bufferSource(data: Buffer, file: string, chunkSize = 64 * 1024, mtime = new Date("2026-11-27T00:00:00Z")): FileSource {
  return {
    file,
    size: data.length,
    mtime,
    stream: () => chunkedStream(data, chunkSize),
  };
}

/** Runs one file format over an in-memory file, collecting items, warnings and notes. */
export async function runParser(
  parser: FileFormat,
  data: Buffer,
  options: { file?: string; chunkSize?: number; parse?: ParseOptions; mtime?: Date } = {},
): Promise<ParserRun> {
  const run: ParserRun = { items: [], warnings: [], failures: [], notes: [] };
  const source = bufferSource(data, options.file ?? "input", options.chunkSize, options.mtime);
  const ctx: FileContext = {
    warn: (ref: RecordRef, message: string) => run.warnings.push({ ref, message }),
    fail: (ref: RecordRef, message: string) => {
      run.warnings.push({ ref, message });
      run.failures.push({ ref, message });
    },
    note: (message: string) => run.notes.push(message),
    options: options.parse ?? {},
  };
  for await (const item of parser.parse(source, ctx)) run.items.push(item);
  return run;
}

/** Runs a file format over a file on disk (its mtime is used, as the pipeline would). */
export async function runParserOnFile(parser: FileFormat, path: string, options: { chunkSize?: number; parse?: ParseOptions } = {}): Promise<ParserRun> {
  return runParser(parser, readFileSync(path), { ...options, file: path, mtime: statSync(path).mtime });
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/**
 * Runs a folder format (Maildir, eDiscovery) over a folder on disk, as the pipeline does: members
 * are opened through `ctx.openMember` and named relative to the folder; `members` lists them in
 * the order they were opened. With `chunkSize`, every member is read in chunks of that size
 * (1 catches chunk-boundary bugs).
 */
export async function runFolderParser(
  parser: FolderFormat,
  dir: string,
  options: { file?: string; parse?: ParseOptions; chunkSize?: number; mtime?: Date } = {},
): Promise<ParserRun & { members: string[] }> {
  const run: ParserRun & { members: string[] } = { items: [], warnings: [], failures: [], notes: [], members: [] };
  const source: FolderSource = { file: options.file ?? dir, path: dir, mtime: options.mtime ?? statSync(dir).mtime };
  const chunkSize = options.chunkSize;
  const ctx: FolderContext = {
    warn: (ref: RecordRef, message: string) => run.warnings.push({ ref, message }),
    fail: (ref: RecordRef, message: string) => {
      run.warnings.push({ ref, message });
      run.failures.push({ ref, message });
    },
    note: (message: string) => run.notes.push(message),
    options: options.parse ?? {},
    openMember: (abs: string) => {
      const member = relative(dir, abs).split(sep).join("/");
      run.members.push(member);
      return { member, stream: chunkSize === undefined ? createReadStream(abs) : chunkedStream(readFileSync(abs), chunkSize) };
    },
  };
  for await (const item of parser.parse(source, ctx)) run.items.push(item);
  return run;
}

/**
 * How many warnings a folder format gives for one of its fixture folders (`alice@...`,
 * `bad/broken@...`), from `<format fixtures>/warnings.expected.json`: the format's own test and
 * the contract suite both read it, so they cannot disagree.
 */
export function expectedWarnings(formatDir: string, folder: string): number {
  const table = JSON.parse(readFileSync(join(formatDir, "warnings.expected.json"), "utf8")) as Record<string, unknown>;
  const count = table[folder];
  if (typeof count !== "number") throw new Error(`${join(formatDir, "warnings.expected.json")} has no count for ${folder}`);
  return count;
}
