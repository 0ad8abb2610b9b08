import type { Readable } from "node:stream";
import type { ParsedEvent, RecordRef } from "./events.js";
import type { ParsedMessage } from "./messages.js";

/**
 * The two format contracts. A file format sniffs a file's first bytes and reads its stream; a
 * folder format (Maildir, eDiscovery exports) claims a folder by its entry names in discovery and
 * reads the files inside it through `ctx.openMember`. Hashing and the manifest stay the
 * pipeline's job either way.
 */

/** One file handed to a file format: a file on disk, a .gz's content, or an archive member. */
export interface FileSource {
  /** Path relative to the evidence root (`a.zip!inner/file.log` for archive members). */
  file: string;
  /**
   * Absolute path on disk, for formats that need random access (PST); absent when the bytes exist
   * only as a stream (archive members, .gz content).
   */
  path?: string;
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

/** One folder handed to the folder format that claimed it. */
export interface FolderSource {
  /** Path relative to the evidence root. */
  file: string;
  /** Absolute path of the folder on disk. */
  path: string;
  mtime: Date;
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

/** What every format gets while parsing. */
export interface FileContext {
  /** A record that is mine but malformed: counted, reported with its location; parsing goes on. */
  warn(ref: RecordRef, message: string): void;
  /**
   * The file (or folder member) is mine but could not be read at all (a PST that does not open,
   * a .msg that is not one): a located warning, and the file counts as failed, not parsed.
   * Optional for callers outside the pipeline; parsers call it through `unreadable()`.
   */
  fail?(ref: RecordRef, message: string): void;
  /** A fact about the whole run for the summary (e.g. "year inferred as 2026 for x.log"). */
  note(message: string): void;
  options: ParseOptions;
}

export interface FolderContext extends FileContext {
  /**
   * Opens a file inside the claimed folder. It is hashed and listed in the manifest; refs for
   * records from it set `member` to the returned relative name.
   */
  openMember(absPath: string): { member: string; stream: Readable };
}

export type ParsedItem = ParsedEvent | ParsedMessage;

/** Reports a file that is mine but unreadable: `ctx.fail` where the caller counts failures, else a warning. */
export function unreadable(ctx: FileContext, ref: RecordRef, message: string): void {
  if (ctx.fail !== undefined) ctx.fail(ref, message);
  else ctx.warn(ref, message);
}

export interface FileFormat {
  kind: "file";
  /** Stable id: used in provenance and `--format`. */
  name: string;
  description: string;
  /** Cheap and pure: is this file mine? `head` is up to HEAD_BYTES of (decompressed) content. */
  sniff(head: Buffer, file: string): boolean;
  parse(source: FileSource, ctx: FileContext): AsyncIterable<ParsedItem>;
}

export interface FolderFormat {
  kind: "folder";
  /** Stable id: used in provenance. */
  name: string;
  description: string;
  /** Cheap and pure: is this folder mine? Sees the folder's sorted entry names, reads no file. */
  claims(dirPath: string, entryNames: readonly string[]): boolean;
  parse(folder: FolderSource, ctx: FolderContext): AsyncIterable<ParsedItem>;
}

export type Format = FileFormat | FolderFormat;

/** How much of a file `sniff` sees. */
export const HEAD_BYTES = 64 * 1024;

export function defineFileFormat(format: Omit<FileFormat, "kind">): FileFormat {
  return { kind: "file", ...format };
}

export function defineFolderFormat(format: Omit<FolderFormat, "kind">): FolderFormat {
  return { kind: "folder", ...format };
}
