/**
 * The normalized event model (docs/event-model.md): one shape per activity, whatever the source.
 * Parsers produce `ParsedEvent`s (no id, no file provenance); the pipeline stamps
 * `id` and `source` and the result is a `MailEvent`.
 */

/** Where a record came from. File, hash and parser are stamped by the pipeline. */
export interface SourceRef {
  parser: string;
  /** Path relative to the evidence root; `archive.zip!member/path` for archive members. */
  file: string;
  sha256: string;
  line?: number;
  offset?: number;
  /** The record's own id (sign-in `id`, audit record `Id`) where it carries one. */
  recordId?: string;
  /** For claimed folders (Maildir): the file inside the folder; `file` then names that file. */
  member?: string;
}

/** The part of the provenance a parser knows: where inside the file. */
export interface RecordRef {
  line?: number;
  offset?: number;
  recordId?: string;
  /** Folder parsers: the file inside the claimed folder (from `ctx.openMember`). */
  member?: string;
}

/** Keys that join records across sources (docs/event-model.md). */
export interface CorrelationKeys {
  /** Entra `sessionId` / UAL `AppAccessContext.AADSessionId`. */
  aadSessionId?: string;
  /** Entra `uniqueTokenIdentifier` / UAL `AppAccessContext.UniqueTokenId`. */
  uniqueTokenId?: string;
  correlationId?: string;
  requestId?: string;
  /** Dovecot session id (`session=<...>`), Exchange session, UAL `SessionId`. */
  serverSessionId?: string;
  /** Dovecot mail process id, joins a login line to a rawlog file. */
  processId?: string;
}

export interface GeoLocation {
  city?: string;
  state?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
}

export type Result = "success" | "failure";

interface EventBase {
  /** UTC epoch milliseconds. */
  ts: number;
  /** What the timestamp means (Timesketch `timestamp_desc`), e.g. "Login time". */
  tsDesc: string;
  /** What the source called it: `Login`, `MailItemsAccessed`, `copy`, ... */
  action: string;
  result?: Result;
  /** Who acted (login name, UPN). */
  user?: string;
  /** Whose mail, when not the actor's own. */
  mailbox?: string;
  clientIp?: string;
  clientPort?: number;
  country?: string;
  userAgent?: string;
  /** The source's own session id (the main one for this source). */
  sessionId?: string;
  keys?: CorrelationKeys;
  /** Number of messages concerned, where known. */
  messageCount?: number;
  /** One human line of what else matters. */
  detail?: string;
  /** Source-specific facts kept for the analyst (JSON-safe). */
  extra?: Record<string, unknown>;
}

/** One message an event concerns, by whatever the source gives. */
export interface MessageItem {
  messageId?: string;
  uid?: number;
  uidValidity?: number;
  folder?: string;
  size?: number;
  subject?: string;
  from?: string;
}

export interface AuthEvent extends EventBase {
  kind: "auth";
  /** `imap`, `pop3`, `IMAP4`, `Browser`, `Exchange ActiveSync`, ... */
  protocol?: string;
  /** Legacy protocol named where the source says so (IMAP4, POP3, Authenticated SMTP ...). */
  legacyProtocol?: boolean;
  method?: string;
  errorCode?: string;
  failureReason?: string;
  location?: GeoLocation;
  asn?: number;
  interactive?: boolean;
  appId?: string;
  appName?: string;
  resource?: string;
  mfa?: string;
  risk?: string;
  conditionalAccess?: string;
  device?: string;
  tls?: string;
  attempts?: number;
}

export interface SessionEndEvent extends EventBase {
  kind: "session.end";
  protocol?: string;
  /** The session's counters as logged (`body_count`, `retr`, `in`, ...). */
  counters: Record<string, number>;
}

export type ReadHow = "bind" | "sync" | "fetch" | "prefetch" | "access" | "pop3" | "search-hit" | "headers" | "unknown";

export interface MailReadEvent extends EventBase {
  kind: "mail.read";
  how: ReadHow;
  folder?: string;
  items: MessageItem[];
  /** MailItemsAccessed `IsThrottled`: audit records were dropped after this one. */
  throttled?: boolean;
}

export type ChangeOp = "copy" | "move" | "delete" | "undelete" | "expunge" | "flag" | "append" | "update";

export interface MailChangeEvent extends EventBase {
  kind: "mail.change";
  op: ChangeOp;
  folder?: string;
  destFolder?: string;
  items: MessageItem[];
  flags?: string[];
}

export interface MailSendEvent extends EventBase {
  kind: "mail.send";
  sendAs: "send" | "send-as" | "send-on-behalf";
  /** The mailbox sent as / on behalf of, when not the actor's own. */
  sentAs?: string;
  items: MessageItem[];
}

export type ConfigChange =
  | "inbox-rule"
  | "forwarding"
  | "permission"
  | "folder-create"
  | "folder-delete"
  | "folder-rename"
  | "app-consent"
  | "other";

export interface InboxRule {
  name?: string;
  /** Conditions as `name: value` pairs (From, SubjectContainsWords, ...). */
  conditions: Record<string, string>;
  /** Actions (ForwardTo, RedirectTo, DeleteMessage, MoveToFolder, MarkAsRead, StopProcessingRules, ...). */
  actions: Record<string, string>;
}

export interface MailboxConfigEvent extends EventBase {
  kind: "mailbox.config";
  change: ConfigChange;
  /** The object changed: folder name, mailbox, app, rule. */
  target?: string;
  rule?: InboxRule;
  /** Forwarding destination, permission grantee, consented app. */
  grantee?: string;
  rights?: string;
  parameters?: Record<string, string>;
}

export interface SearchEvent extends EventBase {
  kind: "search";
  query?: string;
  folder?: string;
}

export interface OtherEvent extends EventBase {
  kind: "other";
}

/** What a parser yields: an event without pipeline-stamped id and source. */
export type ParsedEventOf<E> = E extends unknown ? E & { ref: RecordRef } : never;

export type EventBody =
  | AuthEvent
  | SessionEndEvent
  | MailReadEvent
  | MailChangeEvent
  | MailSendEvent
  | MailboxConfigEvent
  | SearchEvent
  | OtherEvent;

export type EventKind = EventBody["kind"];

export const EVENT_KINDS = [
  "auth",
  "session.end",
  "mail.read",
  "mail.change",
  "mail.send",
  "mailbox.config",
  "search",
  "other",
] as const satisfies readonly EventKind[];

// Compile-time check that EVENT_KINDS lists every kind of the union.
type MissingKind = Exclude<EventKind, (typeof EVENT_KINDS)[number]>;
const allKindsListed: MissingKind extends never ? true : false = true;
void allKindsListed;

export type ParsedEvent = ParsedEventOf<EventBody>;

/** A stamped event: what the store holds and the outputs show. */
export type MailEvent = EventBody & { id: string; source: SourceRef };

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
