import type { RecordRef, SourceRef } from "./events.js";

/** A parsed address: lower-cased address, display name kept apart. */
export interface Address {
  address: string;
  name?: string;
}

export interface AttachmentInfo {
  filename?: string;
  contentType?: string;
  size?: number;
  /** SHA-256 of the decoded content; only the deep pass computes it. */
  sha256?: string;
}

/**
 * One message found in a mailbox export (docs/event-model.md): the inventory that turns
 * "the attacker read message <x>" into who wrote it, who received it and what it carried.
 */
export interface MessageBody {
  kind: "message";
  /** Owner of the mailbox (address), when known. */
  mailbox?: string;
  folder: string;
  /** Normalised: trimmed, one pair of angle brackets. */
  messageId: string;
  /** True when the message had no Message-ID and `messageId` was synthesised. */
  syntheticId?: boolean;
  uid?: number;
  uidValidity?: number;
  /** `Date:` header, UTC epoch ms (a .msg: its submit time). */
  date?: number;
  /**
   * Set when `date` is not the message's own sending date: a draft or unsent item is dated by
   * the first of its `delivery time`, `creation time`, `last modification time` in the store.
   */
  dateSource?: "delivery time" | "creation time" | "last modification time";
  /** When it arrived in the mailbox: newest Received:, else mbox From line, else delivery time. */
  received?: number;
  from?: Address[];
  sender?: Address[];
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  replyTo?: Address[];
  subject?: string;
  size?: number;
  flags?: string[];
  attachments?: AttachmentInfo[];
  /** Where to re-read it from: byte offset and length in an mbox, item path in a PST. */
  location?: { offset?: number; length?: number; itemPath?: string };
}

export type ParsedMessage = MessageBody & { ref: RecordRef };
export type MessageRecord = MessageBody & { id: string; source: SourceRef };
