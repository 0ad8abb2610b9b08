/**
 * The on-disk layout of an IMAP acquisition (`mailtrail acquire imap`), shared by the acquirer
 * (src/acquire/imap/imap.ts) and the folder parser that reads it back (src/formats/acquisition/imap-acquisition.ts).
 *
 * ```
 * <out>/<account>/imap-journal.jsonl    one JSON line per run start/end, folder and message taken
 * <out>/<account>/acquisition.json      the manifest, rewritten from the journal after every run
 * <out>/<account>/<folder>/<uid>.eml    each message exactly as the server sent it (BODY.PEEK[])
 * ```
 * Messages are kept byte for byte (no mbox From-line quoting, no added headers), so the SHA-256 of
 * each file is the hash of what the server returned; UIDs and flags live in the journal.
 */

export const JOURNAL_NAME = "imap-journal.jsonl";
export const MANIFEST_NAME = "acquisition.json";
export const MANIFEST_FORMAT = "mailtrail-imap-acquisition";

export interface JournalRun {
  type: "run";
  run: number;
  startedAt: string;
  tool: { name: string; version: string };
  server: { host: string; port: number; security: "tls" | "starttls" | "plain"; verifyCertificate: boolean };
  account: string;
}

export interface JournalFolder {
  type: "folder";
  run: number;
  /** The mailbox name as the server lists it (decoded from modified UTF-7). */
  path: string;
  delimiter: string;
  /** The path with the server's delimiter replaced by `/` (the inventory's folder name). */
  folder: string;
  /** Where its messages are, relative to the account folder. */
  dir: string;
  uidValidity: number;
  uidNext?: number;
  exists: number;
  specialUse?: string;
}

export interface JournalMessage {
  type: "message";
  run: number;
  path: string;
  folder: string;
  uidValidity: number;
  uid: number;
  messageId?: string;
  /** INTERNALDATE, ISO 8601 UTC. */
  internalDate?: string;
  flags: string[];
  /** RFC822.SIZE as the server reported it. */
  size?: number;
  /** Bytes written (what the SHA-256 covers). */
  bytes: number;
  sha256: string;
  /** Relative to the account folder, `/`-separated. */
  file: string;
  takenAt: string;
}

export interface JournalEnd {
  type: "end";
  run: number;
  endedAt: string;
  status: "complete" | "incomplete";
  taken: number;
  skipped: number;
  bytes: number;
  problems: string[];
}

export type JournalLine = JournalRun | JournalFolder | JournalMessage | JournalEnd;

/** Key of a message within an account: folder path, UIDVALIDITY and UID. */
export function messageKey(path: string, uidValidity: number, uid: number): string {
  return `${path}\u0000${uidValidity}\u0000${uid}`;
}

/** Characters that are unsafe in a file name on some system, or that would change the path. */
const UNSAFE = /[\u0000-\u001f\u007f%/\\:*?"<>|]/gu;

/** One folder-name component as a safe directory name: `%XX` escapes, no leading dot. */
export function encodeComponent(component: string): string {
  let safe = component.replace(UNSAFE, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  if (safe.startsWith(".")) safe = `%2E${safe.slice(1)}`;
  if (safe.length === 0) safe = "%00";
  return safe;
}

/** The directory of a mailbox, relative to the account folder (never one of our own file names). */
export function folderDir(path: string, delimiter: string): string {
  const parts = delimiter === "" ? [path] : path.split(delimiter);
  const encoded = parts.map(encodeComponent);
  const first = encoded[0] ?? "";
  if (first === JOURNAL_NAME || first === MANIFEST_NAME) encoded[0] = `%${first.charCodeAt(0).toString(16).toUpperCase()}${first.slice(1)}`;
  return encoded.join("/");
}

/** The inventory's folder name: the server's delimiter replaced by `/`. */
export function folderName(path: string, delimiter: string): string {
  return delimiter === "" || delimiter === "/" ? path : path.split(delimiter).join("/");
}

/** Reads one journal line; undefined when it is not one we wrote. */
export function parseJournalLine(text: string): JournalLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const line = value as Record<string, unknown>;
  switch (line.type) {
    case "run":
    case "folder":
    case "end":
      return value as JournalLine;
    case "message":
      if (typeof line.path !== "string" || typeof line.folder !== "string" || typeof line.file !== "string") return "message line without path, folder or file";
      if (typeof line.uid !== "number" || typeof line.uidValidity !== "number") return "message line without a numeric uid and uidValidity";
      if (!Array.isArray(line.flags)) return "message line without flags";
      return value as JournalMessage;
    default:
      return `unknown journal line type ${JSON.stringify(line.type)}`;
  }
}
