import type { Readable } from "node:stream";
import type { ParsedEvent, RecordRef } from "./events.js";
import type { ParsedMessage } from "./messages.js";

/** One unit of evidence handed to a parser: a file, an archive member, or a claimed folder. */
export interface EvidenceSource {
  /** Path relative to the evidence root (`a.zip!inner/file.log` for archive members). */
  file: string;
  /** Absolute path on disk for plain files and claimed folders; absent for archive members. */
  path?: string;
  isDirectory: boolean;
  /** Bytes on disk (compressed size for .gz; member size for zip members). */
  size: number;
  /** Modification time of the file (or zip entry): used to infer years of year-less logs. */
  mtime: Date;
  /**
   * A fresh stream of the file's (decompressed) bytes. The pipeline hashes what flows through it;
   * files read otherwise (by `path`) are hashed by the pipeline separately.
   */
  stream(): Readable;
}

export interface ParseOptions {
  /** IANA zone for timestamps that carry none (classic syslog); UTC when absent. */
  tz?: string;
  /** Year for timestamps that carry none; inferred from the file time when absent. */
  year?: number;
  /**
   * Mailbox exports: path prefix (relative to the evidence root) → owner address, from
   * `--mailbox-map`. The longest matching prefix wins.
   */
  mailboxMap?: Record<string, string>;
}

export interface ParseContext {
  /** A record that is mine but malformed: counted, reported with its location; parsing goes on. */
  warn(ref: RecordRef, message: string): void;
  /** A fact about the whole run for the summary (e.g. "year inferred as 2026 for x.log"). */
  note(message: string): void;
  options: ParseOptions;
  /**
   * Folder parsers only: open a file inside the claimed folder. It is hashed and listed in the
   * manifest; refs for records from it set `member` to the returned relative name.
   */
  openMember(absPath: string): { member: string; stream: Readable };
}

export type ParsedItem = ParsedEvent | ParsedMessage;

export interface Parser {
  /** Stable id: used in provenance and `--format`. */
  name: string;
  description: string;
  /** Cheap and pure: is this file mine? `head` is up to HEAD_BYTES of (decompressed) content. */
  sniff(head: Buffer, file: string): boolean;
  /** Folder formats (Maildir, eDiscovery exports): is this folder mine? Cheap, reads no file bodies. */
  claimsDirectory?(dirPath: string, entryNames: readonly string[]): boolean;
  parse(source: EvidenceSource, ctx: ParseContext): AsyncIterable<ParsedItem>;
}

/** How much of a file `sniff` sees. */
export const HEAD_BYTES = 64 * 1024;

export function defineParser(parser: Parser): Parser {
  return parser;
}
