/** Turns what the index pass scanned into the inventory record every mailbox parser yields. */
import type { RecordRef } from "../../model/events.js";
import type { ParsedMessage } from "../../model/messages.js";
import { mboxFlags, parseMailDate, syntheticMessageId, type HeaderFields } from "./mail-headers.js";
import type { ScannedMessage } from "./message-scan.js";

export interface RecordPlace {
  mailbox?: string;
  folder: string;
  ref: RecordRef;
  location: ParsedMessage["location"];
  /** Seed for a synthetic Message-ID: must identify the message within its file. */
  idSeed: string;
  /** Arrival time when no `Received:` header says (mbox `From ` line, Maildir delivery time). */
  receivedFallback?: number;
  flags?: string[];
  uid?: number;
  uidValidity?: number;
}

/** Gmail labels that are states, not places: they never become the folder. */
const GMAIL_STATE_LABELS = new Set(["important", "opened", "unread", "starred"]);

/** Folder and extra flags from Takeout's `X-Gmail-Labels`: the first place-like label is the folder. */
export function gmailFolder(labels: readonly string[]): { folder: string; flags: string[] } {
  let folder: string | undefined;
  const flags: string[] = [];
  for (const label of labels) {
    const lower = label.toLowerCase();
    if (lower === "opened") flags.push("\\Seen");
    else if (lower === "starred") flags.push("\\Flagged");
    if (folder === undefined && !GMAIL_STATE_LABELS.has(lower) && !lower.startsWith("category ")) folder = label;
    else flags.push(`label:${label}`);
  }
  return { folder: folder ?? "Archived", flags };
}

/**
 * The date part of an mbox `From ` line (`From sender Tue Mar 04 03:33:20 2003`, Takeout's
 * `... +0000 2026`). None without a four-digit year: Date.parse would invent one (2001).
 */
export function fromLineDate(fromLine: string | undefined): number | undefined {
  if (fromLine === undefined) return undefined;
  const match = /^From \S+\s+(.+)$/.exec(fromLine);
  const text = match?.[1];
  return text === undefined || !/(?:^|\D)(?:19|20)\d\d(?:\D|$)/.test(text) ? undefined : parseMailDate(text);
}

export function buildMessage(scan: ScannedMessage, place: RecordPlace): ParsedMessage {
  const headers: HeaderFields = scan.headers;
  const message: ParsedMessage = {
    kind: "message",
    folder: place.folder,
    messageId: headers.messageId ?? syntheticMessageId(place.idSeed),
    ref: place.ref,
  };
  if (headers.messageId === undefined) message.syntheticId = true;
  if (place.mailbox !== undefined) message.mailbox = place.mailbox;
  if (place.uid !== undefined) message.uid = place.uid;
  if (place.uidValidity !== undefined) message.uidValidity = place.uidValidity;
  if (headers.date !== undefined) message.date = headers.date;
  const received = headers.received ?? place.receivedFallback;
  if (received !== undefined) message.received = received;
  if (headers.from !== undefined) message.from = headers.from;
  if (headers.sender !== undefined) message.sender = headers.sender;
  if (headers.to !== undefined) message.to = headers.to;
  if (headers.cc !== undefined) message.cc = headers.cc;
  if (headers.bcc !== undefined) message.bcc = headers.bcc;
  if (headers.replyTo !== undefined) message.replyTo = headers.replyTo;
  if (headers.subject !== undefined) message.subject = headers.subject;
  message.size = scan.end - scan.headerStart;
  const flags = new Set([...mboxFlags(headers), ...(place.flags ?? [])]);
  if (flags.size > 0) message.flags = [...flags].sort();
  if (scan.attachments.length > 0) message.attachments = scan.attachments;
  if (place.location !== undefined) message.location = place.location;
  return message;
}
