/**
 * Reading PST/OST files with pst-extractor, shared by the pst and ediscovery parsers and by the
 * deep pass. pst-extractor reports some problems with console.log/console.error (stdout would
 * corrupt `--json` output): every call into it goes through `quietly`, which turns those lines
 * into warnings.
 */
import Long from "long";
import { PSTFile, type PSTFolder, type PSTMessage } from "pst-extractor";
import { PSTMessageStore } from "pst-extractor/dist/PSTMessageStore.class.js";
import { PSTUtil } from "pst-extractor/dist/PSTUtil.class.js";
import type { Address, AttachmentInfo, ParsedMessage } from "../../model/messages.js";
import { normaliseMessageId, parseAddresses, scanHeaderBlock, syntheticMessageId } from "./mail-headers.js";
import { withPstFixes } from "./pst-ansi.js";

/** `!BDN` then `SM` (client PST/OST). */
export function isPstHead(head: Buffer): boolean {
  return head.length >= 10 && head.toString("latin1", 0, 4) === "!BDN" && head[8] === 0x53 && head[9] === 0x4d;
}

/**
 * Runs `fn` with console output captured into `sink` (pst-extractor's own diagnostics), and with
 * the fixes that let pst-extractor read ANSI PSTs (pst-ansi.ts).
 */
export function quietly<T>(fn: () => T, sink: string[]): T {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  const capture = (...args: unknown[]): void => {
    sink.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(" ").split("\n")[0] ?? "");
  };
  console.log = capture;
  console.error = capture;
  console.warn = capture;
  try {
    return withPstFixes(fn);
  } finally {
    console.log = saved.log;
    console.error = saved.error;
    console.warn = saved.warn;
  }
}

/** Lines pst-extractor prints that are not problems with the evidence. */
export function isNoise(line: string): boolean {
  return line.includes("unknown message type");
}

/** The message store's properties that pst-extractor does not expose. */
class StoreProperties extends PSTMessageStore {
  /** PidTagPstPassword: CRC-32 of the password, 0 when there is none. */
  get passwordCrc(): number {
    return this.getIntItem(0x67ff);
  }

  /** PidTagIpmSubtreeEntryId: the node id (its last four bytes) of the "Top of ..." folder, whatever its language. */
  get ipmSubtreeNid(): number | undefined {
    const entryId = this.getBinaryItem(0x35e0);
    return entryId !== null && entryId !== undefined && entryId.length >= 24 ? entryId.readUInt32LE(20) : undefined;
  }
}

export interface PstStore {
  file: PSTFile;
  displayName: string;
  passwordProtected: boolean;
  /** The node id of the store's top folder (`Top of Personal Folders`, `Outlook データ ファイルのトップ`). */
  ipmSubtree?: number;
}

export function openPst(input: string | Buffer, sink: string[]): PstStore {
  return quietly(() => {
    const file = typeof input === "string" ? new PSTFile(input) : new PSTFile(input);
    const store = new StoreProperties(file, file.getDescriptorIndexNode(Long.fromNumber(PSTFile.MESSAGE_STORE_DESCRIPTOR_IDENTIFIER)));
    const ipmSubtree = store.ipmSubtreeNid;
    return { file, displayName: store.displayName, passwordProtected: store.passwordCrc !== 0, ...(ipmSubtree === undefined ? {} : { ipmSubtree }) };
  }, sink);
}

/** Folder types: 2 is a search folder, whose items are links to items listed elsewhere. */
const SEARCH_FOLDER = 2;
/** Item classes that are mail (or mail-like: meeting requests, reports, posts, calendar items). */
const MAIL_CLASSES = /^(?:IPM\.Note|IPM\.Schedule|IPM\.Post|IPM\.Appointment|IPM\.Outlook\.Recall|IPM\.Sharing|IPM\.Recall|REPORT\.)|^IPM$/i;

export function isMailClass(messageClass: string): boolean {
  return messageClass === "" || MAIL_CLASSES.test(messageClass);
}

export interface PstItem {
  folder: string[];
  message: PSTMessage;
  nodeId: number;
}

export interface PstWalkProblem {
  folder: string[];
  message: string;
}

/**
 * Every item of every folder except search folders, depth first. The store's top folder ("Top of
 * Personal Folders", in any language: the store's IPM subtree) is dropped from folder paths. Problems (unreadable folders or items) go to `problems`.
 */
export function* walkPst(store: PstStore, problems: PstWalkProblem[]): Generator<PstItem> {
  const sink: string[] = [];
  const flush = (folder: string[]): void => {
    for (const line of sink.splice(0)) if (!isNoise(line)) problems.push({ folder, message: `pst-extractor: ${line}` });
  };
  let root: PSTFolder;
  try {
    root = quietly(() => store.file.getRootFolder(), sink);
  } catch (error) {
    problems.push({ folder: [], message: `root folder unreadable: ${(error as Error).message}` });
    return;
  }
  const stack: { folder: PSTFolder; path: string[] }[] = [{ folder: root, path: [] }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    const { folder, path } = next;
    let children: PSTFolder[] = [];
    try {
      children = quietly(() => (folder.hasSubfolders ? folder.getSubFolders() : []), sink);
    } catch (error) {
      problems.push({ folder: path, message: `subfolders unreadable: ${(error as Error).message}` });
    }
    flush(path);
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child === undefined) continue;
      const name = quietly(() => child.displayName, sink);
      if (quietly(() => child.folderType, sink) === SEARCH_FOLDER) continue;
      const top = path.length === 0 && (quietly(() => child.descriptorNodeId.toNumber(), sink) === store.ipmSubtree || /^top of /i.test(name));
      const childPath = top ? [] : [...path, name];
      stack.push({ folder: child, path: childPath });
    }
    let count = 0;
    try {
      count = quietly(() => folder.contentCount, sink);
    } catch {
      count = 0;
    }
    for (let i = 0; i < count; i += 1) {
      let message: PSTMessage | null = null;
      try {
        message = quietly(() => folder.getNextChild() as PSTMessage | null, sink);
      } catch (error) {
        problems.push({ folder: path, message: `item ${i} unreadable: ${(error as Error).message}` });
      }
      flush(path);
      if (message === null) break;
      yield { folder: path, message, nodeId: quietly(() => message.descriptorNodeId.toNumber(), sink) };
    }
  }
}

/** One item loaded by its descriptor node id (the deep pass). */
export function loadPstItem(store: PstStore, nodeId: number, sink: string[]): PSTMessage {
  return quietly(() => PSTUtil.detectAndLoadPSTObject(store.file, Long.fromNumber(nodeId)) as PSTMessage, sink);
}

function smtpOf(addrType: string, email: string, smtp = ""): string {
  if (smtp.includes("@")) return smtp.toLowerCase();
  if (addrType.toUpperCase() === "SMTP" && email.includes("@")) return email.toLowerCase();
  return "";
}

function person(address: string, name: string): Address | undefined {
  const cleanName = name.trim();
  // Outlook writes "Unknown" where it had no sender at all.
  if (address.length === 0 && (cleanName.length === 0 || cleanName === "Unknown")) return undefined;
  return cleanName.length > 0 && cleanName.toLowerCase() !== address ? { address, name: cleanName } : { address };
}

/** Attachment names, types and sizes as the PST records them (no content read). */
export function pstAttachments(message: PSTMessage, sink: string[]): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  const count = quietly(() => message.numberOfAttachments, sink);
  for (let i = 0; i < count; i += 1) {
    try {
      const attachment = quietly(() => message.getAttachment(i), sink);
      const info: AttachmentInfo = {};
      const name = quietly(() => attachment.longFilename || attachment.filename || attachment.displayName, sink);
      if (name) info.filename = name;
      const type = quietly(() => attachment.mimeTag, sink);
      if (type) info.contentType = type.toLowerCase();
      const size = quietly(() => attachment.filesize || attachment.size, sink);
      if (size > 0) info.size = size;
      out.push(info);
    } catch (error) {
      sink.push(`attachment ${i} unreadable: ${(error as Error).message}`);
    }
  }
  return out;
}

/**
 * The inventory fields of one PST item: transport headers when the item kept them (the original
 * message as received), MAPI properties for the rest and for what headers never carry (Bcc).
 */
export function pstMessageFields(item: PstItem, sink: string[], idSeed: string): Omit<ParsedMessage, "ref" | "folder" | "mailbox"> {
  const message = item.message;
  const headersText = quietly(() => message.transportMessageHeaders, sink) ?? "";
  const headers = headersText.length > 0 ? scanHeaderBlock(Buffer.from(headersText, "utf8"), 0, Buffer.byteLength(headersText)) : undefined;
  const mapiId = normaliseMessageId(quietly(() => message.internetMessageId, sink) ?? "");
  const messageId = headers?.messageId ?? mapiId;
  const out: Omit<ParsedMessage, "ref" | "folder" | "mailbox"> = {
    kind: "message",
    messageId: messageId ?? syntheticMessageId(idSeed),
  };
  if (messageId === undefined) out.syntheticId = true;
  const submit = quietly(() => message.clientSubmitTime, sink);
  const delivery = quietly(() => message.messageDeliveryTime, sink);
  const date = headers?.date ?? submit?.getTime();
  if (date !== undefined && Number.isFinite(date)) out.date = date;
  const received = delivery?.getTime() ?? headers?.received;
  if (received !== undefined && Number.isFinite(received)) out.received = received;

  const senderSmtp = quietly(() => smtpOf(message.senderAddrtype, message.senderEmailAddress), sink);
  const representing = quietly(() => smtpOf(message.sentRepresentingAddressType, message.sentRepresentingEmailAddress), sink);
  const fromMapi = person(representing || senderSmtp, quietly(() => message.sentRepresentingName || message.senderName, sink));
  if (headers?.from !== undefined) out.from = headers.from;
  else if (fromMapi !== undefined) out.from = [fromMapi];
  if (headers?.sender !== undefined) out.sender = headers.sender;
  else if (representing && senderSmtp && representing !== senderSmtp) {
    const sender = person(senderSmtp, quietly(() => message.senderName, sink));
    if (sender !== undefined) out.sender = [sender];
  }

  const to: Address[] = [];
  const cc: Address[] = [];
  const bcc: Address[] = [];
  const recipients = quietly(() => message.numberOfRecipients, sink);
  for (let i = 0; i < recipients; i += 1) {
    const recipient = quietly(() => message.getRecipient(i), sink);
    if (recipient === null) continue;
    const entry = quietly(() => person(smtpOf(recipient.addrType, recipient.emailAddress, recipient.smtpAddress), recipient.displayName), sink);
    if (entry === undefined) continue;
    const type = quietly(() => recipient.recipientType, sink);
    (type === 3 ? bcc : type === 2 ? cc : to).push(entry);
  }
  const headerTo = headers?.to;
  const headerCc = headers?.cc;
  if (headerTo !== undefined) out.to = headerTo;
  else if (to.length > 0) out.to = to;
  if (headerCc !== undefined) out.cc = headerCc;
  else if (cc.length > 0) out.cc = cc;
  if (bcc.length > 0) out.bcc = bcc;
  else if (headers?.bcc !== undefined) out.bcc = headers.bcc;
  if (headers?.replyTo !== undefined) out.replyTo = headers.replyTo;
  else {
    const replyNames = quietly(() => message.replyRecipientNames, sink);
    if (replyNames) {
      const parsed = parseAddresses(replyNames).filter((entry) => entry.address.includes("@"));
      if (parsed.length > 0) out.replyTo = parsed;
    }
  }
  const subject = quietly(() => message.subject, sink);
  if (subject) out.subject = subject;
  else if (headers?.subject !== undefined) out.subject = headers.subject;
  const size = quietly(() => message.messageSize.toNumber(), sink);
  if (size > 0) out.size = size;
  const flags: string[] = [];
  if (quietly(() => message.isRead, sink)) flags.push("\\Seen");
  if (flags.length > 0) out.flags = flags;
  const attachments = pstAttachments(message, sink);
  if (attachments.length > 0) out.attachments = attachments;
  return out;
}
