/**
 * The ingest pipeline: discover → open (archives in place) → sniff → parse → stamp → store.
 * Provenance (file, hash) and ids are stamped here, so no parser can forget them.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { relative, sep } from "node:path";
import type { Readable } from "node:stream";
import type { RecordRef } from "../model/events.js";
import { HEAD_BYTES, type FileContext, type FileFormat, type FileSource, type FolderFormat, type FolderSource, type ParseOptions, type ParsedItem } from "../model/format.js";
import { MailtrailError } from "../model/errors.js";
import type { CaseStore, FileRow } from "../store/case-store.js";
import { DEFAULT_LIMITS, gunzipStream, isGzip, isZip, memberStream, openZip, readHead, type ArchiveLimits } from "./archive.js";
import { discover, type Found } from "./discover.js";
import { HashTap, hashFile, hashStream, pathKey } from "../lib/hash.js";

/** Progress of an ingest (src/cli/progress.ts): every call is optional but `fileDone`. */
export interface IngestObserver {
  /** Everything discovery found, before any of it is read: what progress is measured against. */
  discovered?(found: readonly Found[]): void;
  /** A discovered file, archive or claimed folder is about to be read. */
  itemStarted?(item: Found): void;
  /** A readable file (a file, a .gz's content, a zip member) is being parsed; `bytesRead` counts its bytes read so far. */
  fileStarted?(path: string, bytes: number, bytesRead: () => number): void;
  fileDone(file: FileRow): void;
  /** A discovered item is read to its end (with every member of an archive or folder). */
  itemDone?(item: Found): void;
}

export interface IngestOptions {
  roots: readonly string[];
  /** Tried in this order on every file (the registry's sniff order). */
  fileFormats: readonly FileFormat[];
  /** Offered every folder in this order (the registry's claim order). */
  folderFormats: readonly FolderFormat[];
  /**
   * `--format`: read every file as this format instead of sniffing (archives too are then read
   * as that format, not opened). Folders are still claimed by the folder formats.
   */
  forceFormat?: FileFormat;
  parse: ParseOptions;
  limits?: ArchiveLimits;
  observer?: IngestObserver;
  /** Paths never read as evidence (the output folder). */
  exclude?: readonly string[];
}

export interface IngestResult {
  files: FileRow[];
  notes: string[];
}

/** One readable file: a file on disk, a .gz's content, or a zip member. */
interface Unit {
  rel: string;
  container?: string;
  source: FileSource;
  tap: HashTap;
  /** Compressed units: hashes the decompressed content (CloudTrail digests vouch for that hash). */
  contentTap?: HashTap;
  /** Hash the unit separately when the parser did not stream it to its end. */
  rehash: () => Promise<string>;
  size: number;
  head: () => Promise<Buffer>;
  sniffName: string;
}

export async function ingest(store: CaseStore, options: IngestOptions): Promise<IngestResult> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const found = await discover(options.roots, options.folderFormats, options.exclude);
  if (found.length === 0) throw new MailtrailError("NO_EVIDENCE", "no evidence files found");
  options.observer?.discovered?.(found);
  const run = new IngestRun(store, options, limits);
  for (const item of found) {
    run.root = item.root;
    options.observer?.itemStarted?.(item);
    await run.handle(item);
    options.observer?.itemDone?.(item);
  }
  store.flush();
  return { files: run.files, notes: run.notes };
}

class IngestRun {
  readonly files: FileRow[] = [];
  readonly notes: string[] = [];
  private nextFileId = 1;
  /** Index of the evidence root being read (recorded per file for `verify`). */
  root = 0;

  constructor(
    private readonly store: CaseStore,
    private readonly options: IngestOptions,
    private readonly limits: ArchiveLimits,
  ) {}

  private newFile(path: string, extra: Partial<FileRow> = {}): FileRow {
    const file: FileRow = { fileId: this.nextFileId++, path, root: this.root, records: 0, events: 0, messages: 0, warnings: 0, ...extra };
    this.files.push(file);
    return file;
  }

  /** Records a file; members of a claimed folder are reported through their folder's line. */
  private async finish(file: FileRow, report = true): Promise<void> {
    await this.store.upsertFile(file);
    if (report) this.options.observer?.fileDone(file);
  }

  private async fileWarning(file: FileRow, reason: string, ref: RecordRef = {}): Promise<void> {
    file.warnings += 1;
    this.store.addWarning({
      fileId: file.fileId,
      path: file.path,
      parser: file.parser,
      line: ref.line,
      offset: ref.offset,
      recordId: ref.recordId,
      member: ref.member,
      reason,
    });
  }

  async handle(found: Found): Promise<void> {
    if (found.kind === "skipped") {
      const file = this.newFile(found.rel, { error: found.reason, format: "unreadable" });
      await this.fileWarning(file, found.reason);
      await this.finish(file);
      return;
    }
    if (found.kind === "dir") {
      await this.handleFolder(found.abs, found.rel, found.format, found.mtime);
      return;
    }
    let rawHead: Buffer;
    try {
      rawHead = await readFileHead(found.abs);
    } catch (error) {
      const file = this.newFile(found.rel, { size: found.size, error: (error as Error).message, format: "unreadable" });
      await this.fileWarning(file, `cannot read file: ${(error as Error).message}`);
      await this.finish(file);
      return;
    }
    if (isZip(rawHead) && !this.options.forceFormat) {
      await this.handleZip(found.abs, found.rel, found.size);
      return;
    }
    const tap = new HashTap();
    const gz = isGzip(rawHead);
    const contentTap = gz ? new HashTap() : undefined;
    const what = found.rel;
    const raw = (): Readable => createReadStream(found.abs);
    const unit: Unit = {
      rel: found.rel,
      size: found.size,
      tap,
      contentTap,
      sniffName: gz ? found.rel.replace(/\.gz$/i, "") : found.rel,
      // The manifest hash is of the evidence file as it is on disk (compressed for .gz).
      rehash: async () => (await hashFile(found.abs)).sha256,
      head: async () => (gz ? readHead(gunzipStream(raw(), this.limits, what), HEAD_BYTES) : rawHead),
      source: {
        file: found.rel,
        path: gz ? undefined : found.abs,
        size: found.size,
        mtime: found.mtime,
        stream: () => {
          const tapped = raw().pipe(tap.transform());
          return contentTap ? contentTap.through(gunzipStream(tapped, this.limits, what)) : tapped;
        },
      },
    };
    await this.parseUnit(unit, gz ? "gzip" : undefined);
  }

  private async handleZip(abs: string, rel: string, size: number): Promise<void> {
    const archive = this.newFile(rel, { size, format: "zip", sha256: (await hashFile(abs)).sha256 });
    let opened;
    try {
      opened = await openZip(abs, this.limits);
    } catch (error) {
      archive.error = (error as Error).message;
      await this.fileWarning(archive, archive.error);
      await this.finish(archive);
      return;
    }
    for (const refused of opened.refused) await this.fileWarning(archive, `member ${JSON.stringify(refused.name)} refused: ${refused.reason}`);
    await this.finish(archive);
    try {
      for (const member of opened.members) {
        const memberRel = `${rel}!${member.name}`;
        const tap = new HashTap();
        const gz = /\.gz$/i.test(member.name);
        const contentTap = gz ? new HashTap() : undefined;
        const raw = (): Readable => memberStream(opened, member, this.limits, memberRel);
        const content = (): Readable => (gz ? gunzipStream(raw(), this.limits, memberRel) : raw());
        if (/\.zip$/i.test(member.name)) {
          const nested = this.newFile(memberRel, { container: rel, size: member.size, format: "zip" });
          nested.sha256 = (await hashStream(raw())).sha256;
          await this.fileWarning(nested, "zip inside a zip is not read in place: extract the inner archive and add it as evidence");
          await this.finish(nested);
          continue;
        }
        const unit: Unit = {
          rel: memberRel,
          container: rel,
          size: member.size,
          tap,
          contentTap,
          sniffName: gz ? member.name.replace(/\.gz$/i, "") : member.name,
          rehash: async () => (await hashStream(raw())).sha256,
          head: () => readHead(content(), HEAD_BYTES),
          source: {
            file: memberRel,
            size: member.size,
            mtime: member.mtime,
            stream: () => {
              const tapped = raw().pipe(tap.transform());
              return contentTap ? contentTap.through(gunzipStream(tapped, this.limits, memberRel)) : tapped;
            },
          },
        };
        await this.parseUnit(unit, gz ? "gzip" : undefined);
      }
    } finally {
      opened.zip.close();
    }
  }

  private async handleFolder(abs: string, rel: string, format: FolderFormat, mtime: Date): Promise<void> {
    const folder = this.newFile(rel, { format: format.name, parser: format.name });
    const members = new Map<string, { file: FileRow; tap: HashTap; abs: string }>();
    const source: FolderSource = { file: rel, path: abs, mtime };
    const openMember = (memberAbs: string): { member: string; stream: Readable } => {
      const member = relative(abs, memberAbs).split(sep).join("/");
      let entry = members.get(member);
      if (!entry) {
        const file = this.newFile(`${rel}/${member}`, { container: rel, format: format.name, parser: format.name });
        entry = { file, tap: new HashTap(), abs: memberAbs };
        members.set(member, entry);
      }
      return { member, stream: createReadStream(memberAbs).pipe(entry.tap.transform()) };
    };
    const fileOf = (ref: RecordRef): FileRow => (ref.member !== undefined ? members.get(ref.member)?.file : undefined) ?? folder;
    await this.consume(format.name, folder, fileOf, (ctx) => format.parse(source, { ...ctx, openMember }));
    for (const { file, tap, abs: memberAbs } of members.values()) {
      // The tap holds the hash when the parser read the member to its end; else read it once more.
      const whole = tap.digest !== undefined ? { sha256: tap.digest, bytes: tap.bytes } : await hashFile(memberAbs);
      file.sha256 = whole.sha256;
      file.size = whole.bytes;
      await this.finish(file, false);
      folder.records += file.records;
    }
    await this.finish(folder);
  }

  private async parseUnit(unit: Unit, encoding: string | undefined): Promise<void> {
    const file = this.newFile(unit.rel, { container: unit.container, size: unit.size, mtime: unit.source.mtime.toISOString() });
    this.options.observer?.fileStarted?.(unit.rel, unit.size, () => unit.tap.bytes);
    let format = this.options.forceFormat;
    if (!format) {
      let head: Buffer;
      try {
        head = await unit.head();
      } catch (error) {
        file.error = (error as Error).message;
        file.sha256 = await unit.rehash().catch(() => undefined);
        await this.fileWarning(file, `cannot read the file: ${file.error}`);
        await this.finish(file);
        return;
      }
      format = this.options.fileFormats.find((candidate) => safeSniff(candidate, head, unit.sniffName));
    }
    if (!format) {
      file.format = "unknown";
      file.sha256 = await unit.rehash().catch(() => undefined);
      await this.fileWarning(file, "no parser recognises this file (use --format to force one); not read");
      await this.finish(file);
      return;
    }
    file.parser = format.name;
    file.format = encoding ? `${format.name}+${encoding}` : format.name;
    await this.consume(format.name, file, () => file, (ctx) => format.parse(unit.source, ctx));
    try {
      // The tap saw every byte only if the parser read the stream to its end.
      file.sha256 = unit.tap.digest ?? (await unit.rehash());
      file.contentSha256 = unit.contentTap?.digest;
    } catch (error) {
      await this.fileWarning(file, `cannot hash: ${(error as Error).message}`);
    }
    await this.finish(file);
  }

  /** Runs a format's parse, stamping and storing what it yields; a failure is located and the run goes on. */
  private async consume(
    formatName: string,
    file: FileRow,
    fileOf: (ref: RecordRef) => FileRow,
    parse: (ctx: FileContext) => AsyncIterable<ParsedItem>,
  ): Promise<void> {
    const keys = new Map<number, string>();
    const keyOf = (target: FileRow): string => {
      let key = keys.get(target.fileId);
      if (key === undefined) {
        key = pathKey(target.path);
        keys.set(target.fileId, key);
      }
      return key;
    };
    const pendingWarnings: { target: FileRow; ref: RecordRef; message: string }[] = [];
    const ctx: FileContext = {
      warn: (ref: RecordRef, message: string) => {
        pendingWarnings.push({ target: fileOf(ref), ref, message });
      },
      fail: (ref: RecordRef, message: string) => {
        const target = fileOf(ref);
        target.error ??= message;
        pendingWarnings.push({ target, ref, message });
      },
      note: (message: string) => {
        this.notes.push(message);
      },
      options: this.options.parse,
    };
    let seq = 0;
    let lastRef = "";
    let repeat = 0;
    let lastLocation: RecordRef = {};
    try {
      for await (const item of parse(ctx)) {
        const ref = item.ref;
        lastLocation = ref;
        const target = fileOf(ref);
        const refKey = refKeyOf(ref);
        if (refKey === lastRef) repeat += 1;
        else {
          repeat = 0;
          lastRef = refKey;
          target.records += 1;
        }
        const id = repeat === 0 ? `${keyOf(target)}:${refKey}` : `${keyOf(target)}:${refKey}.${repeat}`;
        seq += 1;
        this.store_(item, id, target, formatName, seq, repeat);
        if (pendingWarnings.length > 0) await this.drainWarnings(pendingWarnings, formatName);
      }
    } catch (error) {
      await this.drainWarnings(pendingWarnings, formatName);
      const message = error instanceof Error ? error.message : String(error);
      file.error = message;
      await this.fileWarning(file, `parsing stopped: ${message} (records before this point were kept)`, lastLocation);
      return;
    }
    await this.drainWarnings(pendingWarnings, formatName);
  }

  private async drainWarnings(pending: { target: FileRow; ref: RecordRef; message: string }[], formatName: string): Promise<void> {
    for (const { target, ref, message } of pending.splice(0)) {
      target.parser ??= formatName;
      await this.fileWarning(target, message, ref);
    }
  }

  private store_(item: ParsedItem, id: string, target: FileRow, parser: string, seq: number, repeat: number): void {
    const ref = item.ref;
    const source = {
      parser,
      file: target.path,
      sha256: "",
      line: ref.line,
      offset: ref.offset,
      recordId: ref.recordId,
      member: ref.member,
    };
    // The stored body leaves the location out (it has its own columns), so that the same record
    // read from two files serialises the same. Clearing the field beats copying the object.
    (item as { ref?: RecordRef }).ref = undefined;
    const data = JSON.stringify(item);
    if (item.kind === "message") {
      target.messages += 1;
      this.store.appendMessage(target.fileId, seq, id, item, source, data);
      return;
    }
    target.events += 1;
    const recordKey = ref.recordId !== undefined ? `${item.kind}|${ref.recordId}|${repeat}` : undefined;
    this.store.appendEvent(target.fileId, seq, id, item, source, data, recordKey);
  }
}

/**
 * Where a record is, as a key: its position, and its own id where it has one. The position keeps
 * two copies of one record in one file apart (each its own event; de-duplication then drops the
 * second), which an id alone would merge into one event id.
 */
function refKeyOf(ref: RecordRef): string {
  const position = ref.line !== undefined ? `L${ref.line}` : ref.offset !== undefined ? `O${ref.offset}` : "";
  const where = ref.recordId !== undefined ? (position ? `${position}:r${ref.recordId}` : `r${ref.recordId}`) : position || "x";
  return ref.member !== undefined ? `${ref.member}#${where}` : where;
}

function safeSniff(format: FileFormat, head: Buffer, name: string): boolean {
  try {
    return format.sniff(head, name);
  } catch {
    return false;
  }
}

async function readFileHead(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
