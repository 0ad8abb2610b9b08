/**
 * Byte-level header scanner for the index pass over mailbox exports: given the header block of one
 * message (or of one MIME part), pick out the few headers the inventory needs, unfold and decode
 * them. Everything else is skipped without being turned into a string, which is what makes the
 * index pass several times faster than a full MIME parse.
 */
import { createHash } from "node:crypto";
import libmime from "libmime";
import { parseAddressHeader } from "mailparser";
import type { Address } from "../../model/messages.js";

/** The headers of a message (or part) that the index pass keeps. */
export interface HeaderFields {
  headerCount: number;
  messageId?: string;
  date?: number;
  /** Date of the newest (topmost) `Received:` header that carries a date. */
  received?: number;
  from?: Address[];
  sender?: Address[];
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  replyTo?: Address[];
  subject?: string;
  /** Lower-cased MIME type of `Content-Type`. */
  contentType?: string;
  boundary?: string;
  /** `name` parameter of `Content-Type`. */
  typeName?: string;
  /** Lower-cased disposition type (`attachment`, `inline`). */
  disposition?: string;
  filename?: string;
  transferEncoding?: string;
  contentLength?: number;
  /** mbox status headers (Dovecot, UW-IMAP, mutt): `Status:` and `X-Status:`. */
  status?: string;
  xStatus?: string;
  xKeywords?: string;
  /** Thunderbird `X-Mozilla-Status` bit field. */
  mozillaStatus?: number;
  /** Google Takeout labels, in header order. */
  gmailLabels?: string[];
  gmailThreadId?: string;
  xFolder?: string;
  /** Problems worth a warning (8-bit bytes that are not UTF-8, encoded words that do not decode). */
  problems: string[];
}

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** Which headers each scan wants; part scans want only the MIME ones. */
const MESSAGE_HEADERS = new Set([
  "message-id",
  "date",
  "received",
  "from",
  "sender",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "content-type",
  "content-disposition",
  "content-transfer-encoding",
  "content-length",
  "status",
  "x-status",
  "x-keywords",
  "x-mozilla-status",
  "x-gmail-labels",
  "x-gm-thrid",
  "x-folder",
]);
const PART_HEADERS = new Set(["content-type", "content-disposition", "content-transfer-encoding"]);

/** First bytes (lower-cased) of the wanted names: most header lines are rejected on one byte. */
const WANTED_FIRST = new Uint8Array(256);
for (const name of MESSAGE_HEADERS) WANTED_FIRST[name.charCodeAt(0)] = 1;

/**
 * Scans the header block `buf[start, end)` (without the blank line that ends it). Never throws:
 * what cannot be decoded is reported in `problems`.
 */
export function scanHeaderBlock(buf: Buffer, start: number, end: number, options: { part?: boolean } = {}): HeaderFields {
  const fields: HeaderFields = { headerCount: 0, problems: [] };
  const wanted = options.part ? PART_HEADERS : MESSAGE_HEADERS;
  let pos = start;
  while (pos < end) {
    // One logical header: this line plus its continuation lines.
    const lineStart = pos;
    let nl = buf.indexOf(NL, pos);
    if (nl === -1 || nl >= end) nl = end;
    let valueEnd = nl;
    pos = nl + 1;
    // Continuation lines: indented, or (a badly folded header) a line that names no header.
    while (pos < end && (buf[pos] === SP || buf[pos] === TAB || !namesHeader(buf, pos, end))) {
      nl = buf.indexOf(NL, pos);
      if (nl === -1 || nl >= end) nl = end;
      valueEnd = nl;
      pos = nl + 1;
    }
    const first = buf[lineStart] ?? 0;
    if (first === SP || first === TAB) continue; // continuation without a header: ignore
    fields.headerCount += 1;
    if (WANTED_FIRST[first | 0x20] !== 1) continue;
    const colon = buf.indexOf(COLON, lineStart);
    if (colon === -1 || colon >= valueEnd || colon - lineStart > 40) continue;
    let nameEnd = colon;
    while (nameEnd > lineStart && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === TAB)) nameEnd -= 1;
    const name = buf.toString("latin1", lineStart, nameEnd).toLowerCase();
    if (!wanted.has(name)) continue;
    if (name === "received" && fields.received !== undefined) continue; // only the newest one counts
    const raw = headerValue(buf, colon + 1, valueEnd, name, fields);
    applyHeader(fields, name, raw);
  }
  fields.problems = distinctProblems(fields.problems);
  return fields;
}

/** The same problem many times (a header block of broken words) is one warning, with its count. */
function distinctProblems(problems: string[]): string[] {
  if (problems.length < 2) return problems;
  const counts = new Map<string, number>();
  for (const problem of problems) counts.set(problem, (counts.get(problem) ?? 0) + 1);
  if (counts.size === problems.length) return problems;
  return [...counts].map(([problem, count]) => (count > 1 ? `${problem} (${count} times)` : problem));
}

/** The unfolded value of a header as text: UTF-8 when it is, else Latin-1 (and a problem noted). */
function headerValue(buf: Buffer, start: number, end: number, name: string, fields: HeaderFields): string {
  let eightBit = false;
  for (let i = start; i < end; i += 1) {
    if ((buf[i] ?? 0) >= 0x80) {
      eightBit = true;
      break;
    }
  }
  let text: string;
  if (!eightBit) {
    text = buf.toString("latin1", start, end);
  } else {
    text = buf.toString("utf8", start, end);
    if (text.includes("\ufffd") && buf.subarray(start, end).indexOf(REPLACEMENT_UTF8) === -1) {
      text = buf.toString("latin1", start, end);
      fields.problems.push(`8-bit bytes that are not UTF-8 in ${displayName(name)} header (read as Latin-1)`);
    }
  }
  const value = unfold(text).trim();
  if (value.length <= MAX_HEADER_VALUE) return value;
  fields.problems.push(`${displayName(name)} header longer than ${MAX_HEADER_VALUE} characters: cut`);
  return value.slice(0, MAX_HEADER_VALUE);
}

/** `message-id` → `Message-Id`, for messages to people. */
function displayName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

const REPLACEMENT_UTF8 = Buffer.from("\ufffd", "utf8");

/** Folding removed; a badly folded line (not indented) is joined with a space. */
function unfold(text: string): string {
  return text.includes("\n") ? text.replace(/\r?\n(?=[ \t])/g, "").replace(/\r?\n/g, " ") : text;
}

/** Does the line at `pos` start with a header name and its colon (`Name:`, `Name :`)? */
function namesHeader(buf: Buffer, pos: number, end: number): boolean {
  let i = pos;
  const limit = Math.min(end, pos + 998);
  while (i < limit) {
    const c = buf[i] ?? 0;
    if (c <= SP || c >= 0x7f || c === COLON) break;
    i += 1;
  }
  if (i === pos) return false;
  while (i < limit && (buf[i] === SP || buf[i] === TAB)) i += 1;
  return buf[i] === COLON;
}

function applyHeader(fields: HeaderFields, name: string, value: string): void {
  switch (name) {
    case "message-id":
      fields.messageId ??= normaliseMessageId(value);
      return;
    case "date":
      fields.date ??= parseMailDate(value);
      return;
    case "received": {
      const semi = value.lastIndexOf(";");
      if (semi !== -1) fields.received = parseMailDate(value.slice(semi + 1));
      return;
    }
    case "from":
      fields.from = appendAddresses(fields.from, value, "From", fields);
      return;
    case "sender":
      fields.sender = appendAddresses(fields.sender, value, "Sender", fields);
      return;
    case "to":
      fields.to = appendAddresses(fields.to, value, "To", fields);
      return;
    case "cc":
      fields.cc = appendAddresses(fields.cc, value, "Cc", fields);
      return;
    case "bcc":
      fields.bcc = appendAddresses(fields.bcc, value, "Bcc", fields);
      return;
    case "reply-to":
      fields.replyTo = appendAddresses(fields.replyTo, value, "Reply-To", fields);
      return;
    case "subject":
      fields.subject ??= decodeWordsChecked(value, "Subject", fields);
      return;
    case "content-type": {
      if (fields.contentType !== undefined) return;
      const parsed = libmime.parseHeaderValue(value);
      fields.contentType = String(parsed.value ?? "").toLowerCase().trim() || undefined;
      const boundary = parsed.params["boundary"];
      if (typeof boundary === "string" && boundary.length > 0) fields.boundary = boundary;
      const typeName = parsed.params["name"];
      if (typeof typeName === "string" && typeName.length > 0) fields.typeName = decodeWordsChecked(typeName, "Content-Type name", fields);
      return;
    }
    case "content-disposition": {
      if (fields.disposition !== undefined) return;
      const parsed = libmime.parseHeaderValue(value);
      fields.disposition = String(parsed.value ?? "").toLowerCase().trim() || undefined;
      const filename = parsed.params["filename"];
      if (typeof filename === "string" && filename.length > 0) fields.filename = decodeWordsChecked(filename, "Content-Disposition filename", fields);
      return;
    }
    case "content-transfer-encoding":
      fields.transferEncoding ??= value.toLowerCase();
      return;
    case "content-length": {
      const length = Number(value);
      if (Number.isInteger(length) && length >= 0) fields.contentLength ??= length;
      return;
    }
    case "status":
      fields.status ??= value;
      return;
    case "x-status":
      fields.xStatus ??= value;
      return;
    case "x-keywords":
      fields.xKeywords ??= value;
      return;
    case "x-mozilla-status": {
      const bits = Number.parseInt(value, 16);
      if (Number.isFinite(bits)) fields.mozillaStatus ??= bits;
      return;
    }
    case "x-gmail-labels":
      fields.gmailLabels ??= splitLabels(decodeWordsChecked(value, "X-Gmail-Labels", fields));
      return;
    case "x-gm-thrid":
      fields.gmailThreadId ??= value;
      return;
    case "x-folder":
      fields.xFolder ??= decodeWordsChecked(value, "X-Folder", fields) || undefined;
      return;
    default:
      return;
  }
}

const ENCODED_WORD = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/;

/**
 * RFC 2047 decoding through libmime (mailparser's own decoder). libmime never throws: a word in an
 * unknown charset or with broken base64 comes back with replacement characters, which is how a
 * word that does not decode is recognised here.
 */
export function decodeWordsChecked(value: string, what: string, fields: { problems: string[] }): string {
  if (!value.includes("=?")) return value;
  let decoded: string;
  try {
    decoded = libmime.decodeWords(value);
  } catch {
    fields.problems.push(`RFC 2047 encoded word in ${what} does not decode (kept as is)`);
    return value;
  }
  if ((decoded.includes("\ufffd") && !value.includes("\ufffd")) || ENCODED_WORD.test(decoded)) {
    fields.problems.push(`RFC 2047 encoded word in ${what} does not decode (kept as is)`);
    return value;
  }
  return decoded;
}

/** Gmail labels: comma-separated, a label with a comma is double-quoted. */
export function splitLabels(value: string): string[] {
  const labels: string[] = [];
  for (const match of value.matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)) {
    const label = (match[1] ?? match[2] ?? "").trim();
    if (label.length > 0) labels.push(label);
  }
  return labels;
}

/** Addresses kept per header field (To, Cc, ...): a header of 100,000 recipients is an attack, not mail. */
export const MAX_ADDRESSES = 10_000;
/** Longest header value decoded (addresses, subject, names); the header block itself is bounded by the scanner. */
export const MAX_HEADER_VALUE = 256 * 1024;

function appendAddresses(existing: Address[] | undefined, value: string, what: string, fields: HeaderFields): Address[] {
  const list = existing ?? [];
  const before = list.length;
  let dropped = 0;
  for (const address of parseAddresses(value, what, fields)) {
    if (list.length < MAX_ADDRESSES) list.push(address);
    else dropped += 1;
  }
  if (dropped > 0) fields.problems.push(`${what} header lists more than ${MAX_ADDRESSES} addresses: ${dropped} not kept (${list.length - before} kept)`);
  return list;
}

/** Addresses parsed by mailparser, lower-cased, display names decoded and kept apart. */
export function parseAddresses(value: string, what = "address", fields: { problems: string[] } = { problems: [] }): Address[] {
  const out: Address[] = [];
  if (value.length === 0) return out;
  let parsed;
  try {
    parsed = parseAddressHeader(value, { flatten: true });
  } catch {
    fields.problems.push(`${what} header could not be parsed`);
    return out;
  }
  for (const entry of parsed.value) {
    const address = (entry.address ?? "").trim().toLowerCase();
    const name = entry.name.trim();
    if (address.length === 0 && name.length === 0) continue;
    if (name.includes("\ufffd") || ENCODED_WORD.test(name)) fields.problems.push(`RFC 2047 encoded word in ${what} does not decode (kept as is)`);
    out.push(name.length > 0 ? { address, name } : { address });
  }
  return out;
}

/** Trimmed, comments and folding gone, exactly one pair of angle brackets. */
export function normaliseMessageId(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0) return undefined;
  const bracketed = /<+\s*([^<>\s]+?)\s*>+/.exec(trimmed);
  const core = bracketed?.[1] ?? trimmed.replace(/\([^)]*\)/g, "").trim().split(/\s+/)[0] ?? "";
  const bare = core.replace(/^<+|>+$/g, "");
  return bare.length > 0 ? `<${bare}>` : undefined;
}

/** A stable id for a message that has none: derived from its content, never random. */
export function syntheticMessageId(seed: Buffer | string): string {
  const digest = createHash("sha256").update(seed).digest("hex").slice(0, 32);
  return `<synthetic.${digest}@mailtrail.invalid>`;
}

const HAS_ZONE = /(?:[+-]\d{4}\b|\b(?:GMT|UTC?|Z|[ECMP][SD]T)\b)/i;

/**
 * RFC 5322 / asctime dates to UTC epoch ms. A date with no zone (mbox `From ` lines) is read as
 * UTC: Date.parse would otherwise use the machine's zone and runs would differ between machines.
 */
export function parseMailDate(value: string): number | undefined {
  let text = value.replace(/\([^)]*\)/g, " ").replace(/\s+/g, " ").trim();
  if (text.length === 0) return undefined;
  if (!HAS_ZONE.test(text)) text += " GMT";
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** IMAP flags from mbox `Status:`/`X-Status:` (R, O, A, F, T, D) and Thunderbird's status bits. */
export function mboxFlags(fields: HeaderFields): string[] {
  const flags = new Set<string>();
  const status = fields.status ?? "";
  const xStatus = fields.xStatus ?? "";
  if (status.includes("R")) flags.add("\\Seen");
  if (xStatus.includes("A")) flags.add("\\Answered");
  if (xStatus.includes("F")) flags.add("\\Flagged");
  if (xStatus.includes("T")) flags.add("\\Draft");
  if (xStatus.includes("D")) flags.add("\\Deleted");
  const moz = fields.mozillaStatus;
  if (moz !== undefined) {
    if (moz & 0x1) flags.add("\\Seen");
    if (moz & 0x2) flags.add("\\Answered");
    if (moz & 0x4) flags.add("\\Flagged");
    if (moz & 0x8) flags.add("\\Deleted");
    if (moz & 0x1000) flags.add("$Forwarded");
  }
  for (const keyword of (fields.xKeywords ?? "").split(/[\s,]+/)) if (keyword.length > 0) flags.add(keyword);
  return [...flags].sort();
}

const TEXT_TYPES = new Set(["text/plain", "text/html", "message/delivery-status"]);

/** Is a (part's) header block that of an attachment? The same rule as mailparser's, so both passes agree. */
export function isAttachmentPart(fields: HeaderFields): boolean {
  const type = fields.contentType ?? "text/plain";
  if (type.startsWith("multipart/")) return false;
  const disposition = fields.disposition;
  if (disposition === undefined) return !TEXT_TYPES.has(type);
  return disposition !== "inline" || !TEXT_TYPES.has(type);
}

/** Byte length of a line break ending at `nl` (1 for LF, 2 for CRLF). */
export function eolLength(buf: Buffer, nl: number): number {
  return nl > 0 && buf[nl - 1] === CR ? 2 : 1;
}

const HEADER_NAME = /^([!-9;-~]+)[ \t]*:/;
const KNOWN_HEADERS = new Set([
  "from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "delivered-to", "mime-version",
  "content-type", "reply-to", "sender", "x-mozilla-status", "x-account-key", "x-uidl", "dkim-signature",
  "authentication-results", "x-received", "x-original-to", "in-reply-to", "references", "thread-index",
]);

/**
 * Cheap test for sniffing: does `head` start with an RFC 5322 header block? A `.eml` name needs
 * one well-known header; any other name needs two, capitalised as mail software writes them.
 */
export function looksLikeMessage(head: Buffer, nameSaysMessage: boolean): boolean {
  // A byte order mark and blank lines before the headers (saved by some exporters) are skipped.
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const text = head.toString("latin1", bom, Math.min(head.length, 16 * 1024));
  const lines = text.replace(/^(?:\r?\n)+/, "").split("\n");
  const cut = head.length > text.length + bom || !text.endsWith("\n");
  let headers = 0;
  let known = 0;
  let unnamed = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? "").replace(/\r$/, "");
    if (line === "") break;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (headers === 0) return false;
      continue;
    }
    const match = HEADER_NAME.exec(line);
    if (match === null) {
      if (cut && i === lines.length - 1) break; // the head ended mid-line
      // A badly folded header: the rest of the one before, as long as lines that name a header
      // stay the majority.
      unnamed += 1;
      if (headers === 0 || unnamed > headers) return false;
      continue;
    }
    headers += 1;
    const name = match[1] ?? "";
    if (KNOWN_HEADERS.has(name.toLowerCase()) && (nameSaysMessage || /^[A-Z]/.test(name))) known += 1;
  }
  return nameSaysMessage ? known >= 1 : known >= 2;
}
