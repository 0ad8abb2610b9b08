import { createReadStream, readFileSync, statSync } from "node:fs";
import { relative, sep } from "node:path";
import { Readable } from "node:stream";
import type { RecordRef } from "../../src/model/events.js";
import type { EvidenceSource, ParseOptions, ParsedItem, Parser } from "../../src/model/format.js";

export interface ParserRun {
  items: ParsedItem[];
  warnings: { ref: RecordRef; message: string }[];
  notes: string[];
}

/** A stream of `data` in chunks of `chunkSize` bytes (1 catches chunk-boundary bugs). */
export function chunkedStream(data: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

export function bufferSource(data: Buffer, file: string, chunkSize = 64 * 1024, mtime = new Date("2026-11-27T00:00:00Z")): EvidenceSource {
  return {
    file,
    isDirectory: false,
    size: data.length,
    mtime,
    stream: () => chunkedStream(data, chunkSize),
  };
}

/** Runs one parser over an in-memory file, collecting items, warnings and notes. */
export async function runParser(
  parser: Parser,
  data: Buffer,
  options: { file?: string; chunkSize?: number; parse?: ParseOptions; mtime?: Date } = {},
): Promise<ParserRun> {
  const run: ParserRun = { items: [], warnings: [], notes: [] };
  const source = bufferSource(data, options.file ?? "input", options.chunkSize, options.mtime);
  const ctx = {
    warn: (ref: RecordRef, message: string) => run.warnings.push({ ref, message }),
    note: (message: string) => run.notes.push(message),
    options: options.parse ?? {},
    openMember: () => {
      throw new Error("openMember is for folder parsers");
    },
  };
  for await (const item of parser.parse(source, ctx)) run.items.push(item);
  return run;
}

/** Runs a parser over a file on disk (its mtime is used, as the pipeline would). */
export async function runParserOnFile(parser: Parser, path: string, options: { chunkSize?: number; parse?: ParseOptions } = {}): Promise<ParserRun> {
  return runParser(parser, readFileSync(path), { ...options, file: path, mtime: statSync(path).mtime });
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/**
 * Runs a folder parser (Maildir, eDiscovery) over a folder on disk, as the pipeline does: members
 * are opened through `ctx.openMember` and named relative to the folder.
 */
export async function runFolderParser(
  parser: Parser,
  dir: string,
  options: { file?: string; parse?: ParseOptions } = {},
): Promise<ParserRun & { members: string[] }> {
  const run: ParserRun & { members: string[] } = { items: [], warnings: [], notes: [], members: [] };
  const source: EvidenceSource = {
    file: options.file ?? dir,
    path: dir,
    isDirectory: true,
    size: 0,
    mtime: statSync(dir).mtime,
    stream: () => {
      throw new Error("a folder has no stream");
    },
  };
  const ctx = {
    warn: (ref: RecordRef, message: string) => run.warnings.push({ ref, message }),
    note: (message: string) => run.notes.push(message),
    options: options.parse ?? {},
    openMember: (abs: string) => {
      const member = relative(dir, abs).split(sep).join("/");
      run.members.push(member);
      return { member, stream: createReadStream(abs) };
    },
  };
  for await (const item of parser.parse(source, ctx)) run.items.push(item);
  return run;
}
