/**
 * Compressed evidence read in place (docs/architecture.md): `.gz` streamed through gunzip, `.zip` members
 * streamed one by one. Nothing is unpacked to disk. Limits stop decompression bombs; hostile
 * member names (absolute, `..`) and members that overlap or lie outside the file are refused,
 * each with a warning, and the rest is read.
 */
import { Transform, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { MailtrailError } from "../model/errors.js";

export interface ArchiveLimits {
  /** Most bytes one member or .gz may expand to. */
  maxExpandedBytes: number;
  /** Most expansion ratio (expanded / compressed) once past `ratioGraceBytes`. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Most members a zip may list. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxExpandedBytes: 64 * 1024 ** 3,
  // Real logs and exports compress 5-50:1; past 256 MiB, 500:1 is a bomb, not evidence.
  maxRatio: 500,
  ratioGraceBytes: 256 * 1024 ** 2,
  maxEntries: 200_000,
};

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * Passes bytes through while counting them; fails the stream with ARCHIVE_LIMIT once the output
 * passes the absolute limit or the ratio limit against `compressedBytes()`.
 */
export function expansionGuard(limits: ArchiveLimits, compressedBytes: () => number, what: string): Transform {
  let expanded = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      expanded += chunk.length;
      if (expanded > limits.maxExpandedBytes) {
        done(new MailtrailError("ARCHIVE_LIMIT", `${what} expands past ${limits.maxExpandedBytes} bytes: refused as a decompression bomb`));
        return;
      }
      const compressed = Math.max(1, compressedBytes());
      if (expanded > limits.ratioGraceBytes && expanded / compressed > limits.maxRatio) {
        done(new MailtrailError("ARCHIVE_LIMIT", `${what} expands more than ${limits.maxRatio}:1: refused as a decompression bomb`));
        return;
      }
      done(null, chunk);
    },
  });
}

/** A gunzipped view of `raw`, guarded against bombs. Errors (truncation) surface on the returned stream. */
export function gunzipStream(raw: Readable, limits: ArchiveLimits, what: string): Readable {
  let compressed = 0;
  raw.on("data", (chunk: Buffer) => {
    compressed += chunk.length;
  });
  const gunzip = createGunzip();
  const guard = expansionGuard(limits, () => compressed, what);
  raw.on("error", (error) => guard.destroy(error));
  gunzip.on("error", (error) => guard.destroy(new MailtrailError("UNREADABLE", `${what}: gzip data is damaged or truncated (${error.message})`)));
  return raw.pipe(gunzip).pipe(guard);
}

export interface ZipMember {
  name: string;
  entry: Entry;
  size: number;
  mtime: Date;
}

export interface OpenedZip {
  zip: ZipFile;
  members: ZipMember[];
  /** Members refused (hostile names, limits, folders are not listed): name and reason. */
  refused: { name: string; reason: string }[];
}

function memberName(entry: Entry): string {
  const raw = entry.fileName as unknown;
  if (typeof raw === "string") return raw;
  // Bit 11 says UTF-8; otherwise CP437, which for the ASCII names of real exports reads the same.
  const bytes = raw as Buffer;
  return (entry.generalPurposeBitFlag & 0x800) !== 0 ? bytes.toString("utf8") : bytes.toString("latin1");
}

/** Why a member name is refused, or undefined when it is safe. */
export function unsafeMemberName(name: string): string | undefined {
  if (name.includes("\0")) return "member name contains a NUL byte";
  if (name.includes("\\")) return "member name contains a backslash";
  if (/^([a-zA-Z]:|\/)/.test(name)) return "member name is an absolute path";
  if (name.split("/").includes("..")) return "member name climbs out of the archive (..)";
  return undefined;
}

export async function openZip(path: string, limits: ArchiveLimits): Promise<OpenedZip> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw new MailtrailError("UNREADABLE", `not a readable zip archive: ${(error as Error).message}`, { cause: error });
  }
  const members: ZipMember[] = [];
  const refused: { name: string; reason: string }[] = [];
  let declaredTotal = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = memberName(entry);
      if (name.endsWith("/")) continue;
      if (members.length + refused.length >= limits.maxEntries) {
        refused.push({ name: "(remaining members)", reason: `more than ${limits.maxEntries} members` });
        break;
      }
      const unsafe = unsafeMemberName(name);
      if (unsafe) {
        refused.push({ name, reason: unsafe });
        continue;
      }
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > limits.maxExpandedBytes || (entry.uncompressedSize > limits.ratioGraceBytes && ratio > limits.maxRatio)) {
        refused.push({ name, reason: `declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed: refused as a decompression bomb` });
        continue;
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limits.maxExpandedBytes) {
        refused.push({ name, reason: `archive expands past ${limits.maxExpandedBytes} bytes in all: refused as a decompression bomb` });
        continue;
      }
      members.push({ name, entry, size: entry.uncompressedSize, mtime: entry.getLastModDate() });
    }
  } catch (error) {
    refused.push({ name: "(central directory)", reason: `damaged zip directory: ${(error as Error).message}` });
  }
  const kept = refuseOverlaps(members, zip.fileSize, refused);
  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { zip, members: kept, refused };
}

/** Size of a local file header before its name (APPNOTE 4.3.7). */
const LOCAL_HEADER_FIXED = 30;

/**
 * Members whose data lie outside the file or overlap another member's are refused: a zip of
 * overlapping members (one compressed kernel referenced by thousands of entries) expands to
 * terabytes while each member looks modest, and real archivers never write one. A member's
 * bytes run from its local header to at least header + name + compressed data (the local extra
 * field, read only when the member is opened, can only make it longer).
 */
function refuseOverlaps(members: ZipMember[], fileSize: number, refused: { name: string; reason: string }[]): ZipMember[] {
  const spans = members.map((member) => {
    const start = member.entry.relativeOffsetOfLocalHeader;
    return { member, start, end: start + LOCAL_HEADER_FIXED + member.entry.fileNameLength + member.entry.compressedSize };
  });
  const bad = new Map<ZipMember, string>();
  for (const span of spans) {
    if (span.end > fileSize) bad.set(span.member, `its data (${span.start}..${span.end}) lie outside the file (${fileSize} bytes)`);
  }
  const inFile = spans.filter((span) => !bad.has(span.member)).sort((a, b) => a.start - b.start);
  let previous: (typeof inFile)[number] | undefined;
  for (const span of inFile) {
    if (previous !== undefined && span.start < previous.end) {
      const reason = "its data overlap another member's (an overlapping-entry zip bomb)";
      bad.set(span.member, reason);
      bad.set(previous.member, reason);
    }
    if (previous === undefined || span.end > previous.end) previous = span;
  }
  if (bad.size === 0) return members;
  for (const member of members) {
    const reason = bad.get(member);
    if (reason !== undefined) refused.push({ name: member.name, reason });
  }
  return members.filter((member) => !bad.has(member));
}

/** A stream of one member's bytes, guarded (declared sizes are checked by yauzl as it reads). */
export function memberStream(opened: OpenedZip, member: ZipMember, limits: ArchiveLimits, what: string): Readable {
  const guard = expansionGuard(limits, () => member.entry.compressedSize, what);
  opened.zip.openReadStream(member.entry, (error, stream) => {
    if (error || !stream) {
      guard.destroy(new MailtrailError("UNREADABLE", `${what}: ${error?.message ?? "cannot open member"}`));
      return;
    }
    stream.on("error", (streamError) => guard.destroy(new MailtrailError("UNREADABLE", `${what}: ${streamError.message}`)));
    stream.pipe(guard);
  });
  return guard;
}

/** Reads up to `bytes` from a stream, then destroys it. */
export async function readHead(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      total += buffer.length;
      if (total >= bytes) break;
    }
  } catch (error) {
    // A damaged stream still gives the bytes read so far for sniffing (parsing reports it); a bomb does not.
    if (error instanceof MailtrailError && error.code === "ARCHIVE_LIMIT") throw error;
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, total).subarray(0, bytes);
}
