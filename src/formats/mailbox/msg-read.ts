/** Outlook .msg files (OLE2 compound files) through @kenjiuno/msgreader, shared by msg, ediscovery and the deep pass. */
import msgreaderModule, { type FieldsData } from "@kenjiuno/msgreader";
import type { Address, AttachmentInfo, ParsedMessage } from "../../model/messages.js";
import { checkCompoundFile } from "./cfb-check.js";
import { normaliseMessageId, scanHeaderBlock, syntheticMessageId } from "./mail-headers.js";
import { hasString8Streams, msgCodePage } from "./msg-codepage.js";

type MsgReaderClass = typeof msgreaderModule.default;
const loaded: unknown = msgreaderModule;
/**
 * The package is CommonJS with `exports.default`: Node's ESM loader hands over the exports object
 * (the class is `.default`), bundlers' interop (vitest) the class itself.
 */
export const MsgReader: MsgReaderClass = typeof loaded === "function" ? (loaded as MsgReaderClass) : msgreaderModule.default;

/** OLE2 / CFB magic. */
export function isCfbHead(head: Buffer): boolean {
  return head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1;
}

export interface MsgFile {
  reader: InstanceType<typeof MsgReader>;
  fields: FieldsData;
}

/**
 * Parses a whole .msg held in memory; throws when it is not one. The compound file's structure is
 * checked first (cfb-check.ts): msgreader itself would loop forever on a looping chain.
 */
export function readMsg(data: Buffer): MsgFile {
  if (!isCfbHead(data)) throw new Error("not a compound file (no OLE2 signature)");
  checkCompoundFile(data);
  const copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const reader = new MsgReader(copy);
  const fields = reader.getFileData();
  if (fields.error !== undefined) throw new Error(fields.error);
  return inMessageCodePage(copy, { reader, fields }, hasString8Streams(data));
}

/**
 * Read again with the message's code page when it has 8-bit strings (msgreader would read them as
 * Latin-1): a Japanese ANSI subject comes out in Japanese, not as mojibake.
 */
function inMessageCodePage(copy: ArrayBuffer, first: MsgFile, string8: boolean): MsgFile {
  const page = string8 ? msgCodePage(first.fields) : undefined;
  if (page === undefined) return first;
  const reader = new MsgReader(copy);
  reader.parserConfig = { ansiEncoding: page.encoding };
  const fields = reader.getFileData();
  return fields.error === undefined ? { reader, fields } : first;
}

/** MSG files name their streams `__substg1.0_...` (UTF-16 in the directory). */
const SUBSTG_UTF16 = Buffer.from("__substg1.0_", "utf16le");

export function looksLikeMsg(head: Buffer, file: string): boolean {
  if (!isCfbHead(head)) return false;
  return /\.msg$/i.test(file) || head.indexOf(SUBSTG_UTF16) !== -1;
}

function smtp(addressType: string | undefined, email: string | undefined, smtpAddress: string | undefined): string {
  if (smtpAddress !== undefined && smtpAddress.includes("@")) return smtpAddress.toLowerCase();
  if ((addressType ?? "SMTP").toUpperCase() === "SMTP" && email !== undefined && email.includes("@")) return email.toLowerCase();
  return "";
}

function person(address: string, name: string | undefined): Address | undefined {
  const cleanName = (name ?? "").trim();
  if (address.length === 0 && cleanName.length === 0) return undefined;
  return cleanName.length > 0 && cleanName.toLowerCase() !== address ? { address, name: cleanName } : { address };
}

/** The first of delivery, creation and last modification time that is set. */
function draftDate(fields: FieldsData): { ts: number; source: NonNullable<ParsedMessage["dateSource"]> } | undefined {
  const times = [
    [fields.messageDeliveryTime, "delivery time"],
    [fields.creationTime, "creation time"],
    [fields.lastModificationTime, "last modification time"],
  ] as const;
  for (const [value, source] of times) {
    const ts = msgTime(value);
    if (ts !== undefined) return { ts, source };
  }
  return undefined;
}

function msgTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The inventory fields of one .msg: its transport headers when it kept them (a received message),
 * the MAPI properties otherwise and for Bcc.
 */
export function msgMessageFields(fields: FieldsData, idSeed: string, problems: string[]): Omit<ParsedMessage, "ref" | "folder" | "mailbox"> {
  const headerText = fields.headers ?? "";
  const headers = headerText.length > 0 ? scanHeaderBlock(Buffer.from(headerText, "utf8"), 0, Buffer.byteLength(headerText)) : undefined;
  for (const problem of headers?.problems ?? []) problems.push(problem);
  const messageId = headers?.messageId ?? normaliseMessageId(fields.messageId ?? "");
  const out: Omit<ParsedMessage, "ref" | "folder" | "mailbox"> = { kind: "message", messageId: messageId ?? syntheticMessageId(idSeed) };
  if (messageId === undefined) out.syntheticId = true;
  const date = headers?.date ?? msgTime(fields.clientSubmitTime);
  if (date !== undefined) out.date = date;
  else {
    // A draft or unsent item has neither: the store's own times, in this order, saying which.
    const stored = draftDate(fields);
    if (stored !== undefined) {
      out.date = stored.ts;
      out.dateSource = stored.source;
    }
  }
  const received = msgTime(fields.messageDeliveryTime) ?? headers?.received;
  if (received !== undefined) out.received = received;
  const sender = person(smtp(fields.senderAddressType, fields.senderEmail, fields.senderSmtpAddress), fields.senderName);
  if (headers?.from !== undefined) out.from = headers.from;
  else if (sender !== undefined) out.from = [sender];
  if (headers?.sender !== undefined) out.sender = headers.sender;
  const to: Address[] = [];
  const cc: Address[] = [];
  const bcc: Address[] = [];
  for (const recipient of fields.recipients ?? []) {
    const entry = person(smtp(recipient.addressType, recipient.email, recipient.smtpAddress), recipient.name);
    if (entry === undefined) continue;
    const type = String(recipient.recipType ?? "to");
    (type === "bcc" ? bcc : type === "cc" ? cc : to).push(entry);
  }
  if (headers?.to !== undefined) out.to = headers.to;
  else if (to.length > 0) out.to = to;
  if (headers?.cc !== undefined) out.cc = headers.cc;
  else if (cc.length > 0) out.cc = cc;
  if (bcc.length > 0) out.bcc = bcc;
  if (headers?.replyTo !== undefined) out.replyTo = headers.replyTo;
  const subject = fields.subject ?? headers?.subject;
  if (subject !== undefined && subject.length > 0) out.subject = subject;
  const attachments: AttachmentInfo[] = [];
  for (const attachment of fields.attachments ?? []) {
    const info: AttachmentInfo = {};
    const name = attachment.fileName ?? attachment.fileNameShort ?? attachment.name;
    if (name !== undefined && name.length > 0) info.filename = name;
    if (attachment.attachMimeTag !== undefined && attachment.attachMimeTag.length > 0) info.contentType = attachment.attachMimeTag.toLowerCase();
    if (attachment.contentLength !== undefined) info.size = attachment.contentLength;
    attachments.push(info);
  }
  if (attachments.length > 0) out.attachments = attachments;
  return out;
}
