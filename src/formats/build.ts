/**
 * Event builders: a parser states what a record is, the builder writes the event.
 *
 * Make one context per parsed record with what all its events share — the time and what it means
 * (`TIME.*` from rules/wording.yaml), the action, the record's ref, who acted and from where — and
 * call the builder of the event's kind with only what is specific to it:
 *
 *   const at = recordContext({ ts, tsDesc: TIME.sign_in, action: "Sign-in activity", ref, user, clientIp });
 *   return at.auth({ result: "failure", protocol: "IMAP4", detail: DETAIL.sign_in({ ... }) });
 *
 * A kind builder writes every field of its kind in the order of src/model/events.ts (the base
 * fields, then the kind's own), undefined where the record has none, so that all events of one kind
 * have one shape and serialise alike (JSON leaves undefined out). `result` and `extra` given to a
 * builder replace the context's; identity fields (user, mailbox, client, session, keys) come from
 * the context only: a kind that knows better sets them on the context before building.
 *
 * Spelled out, never spread: these run per record on the hot path, where an object spread measured
 * several times slower than a literal, while the fields object passed to a builder costs nothing
 * once inlined. Events whose stored key order predates these builders keep it with their family's
 * builders, on the same `Context` (dovecot/build.ts, exchange/build.ts, m365/build.ts for mailbox
 * configuration): the order reaches timeline.jsonl byte for byte. New formats use these.
 */
import type {
  AuthEvent,
  MailboxConfigEvent,
  MailChangeEvent,
  MailReadEvent,
  MailSendEvent,
  OtherEvent,
  ParsedEventOf,
  RecordRef,
  SearchEvent,
  SessionEndEvent,
} from "../model/events.js";

/** The fields every event has (EventBase). */
type Base = Omit<OtherEvent, "kind">;
/** The fields only events of kind `E` have. */
export type OwnFields<E> = Omit<E, keyof OtherEvent>;
/** What a builder may add to or replace of the context, per event. */
export type EventFields = Pick<Base, "result" | "messageCount" | "detail" | "extra">;
/** What every context holds, whatever the family: when, where in the file, who, from where, which session. */
export type ContextInit = Pick<Base, "ts" | "user" | "clientIp" | "clientPort" | "sessionId" | "keys"> & { ref: RecordRef };
/** What a record's events share: time, its meaning and the action are required. */
export type RecordInit = Omit<Base, "messageCount" | "detail"> & { ref: RecordRef };

/** The fields every family's record context has; the families' builders extend it. */
export class Context {
  ts: number;
  ref: RecordRef;
  user: string | undefined;
  clientIp: string | undefined;
  clientPort: number | undefined;
  sessionId: string | undefined;
  keys: Base["keys"];

  constructor(init: ContextInit) {
    this.ts = init.ts;
    this.ref = init.ref;
    this.user = init.user;
    this.clientIp = init.clientIp;
    this.clientPort = init.clientPort;
    this.sessionId = init.sessionId;
    this.keys = init.keys;
  }
}

export class RecordContext extends Context {
  tsDesc: string;
  action: string;
  result: Base["result"];
  mailbox: string | undefined;
  country: string | undefined;
  userAgent: string | undefined;
  extra: Base["extra"];

  constructor(init: RecordInit) {
    super(init);
    this.tsDesc = init.tsDesc;
    this.action = init.action;
    this.result = init.result;
    this.mailbox = init.mailbox;
    this.country = init.country;
    this.userAgent = init.userAgent;
    this.extra = init.extra;
  }

  auth(f: OwnFields<AuthEvent> & EventFields): ParsedEventOf<AuthEvent> {
    return {
      kind: "auth", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      protocol: f.protocol, legacyProtocol: f.legacyProtocol, method: f.method, errorCode: f.errorCode, failureReason: f.failureReason, location: f.location, asn: f.asn, interactive: f.interactive, appId: f.appId, appName: f.appName, resource: f.resource, mfa: f.mfa, risk: f.risk, conditionalAccess: f.conditionalAccess, device: f.device, tls: f.tls, attempts: f.attempts,
      ref: this.ref,
    };
  }

  sessionEnd(f: OwnFields<SessionEndEvent> & EventFields): ParsedEventOf<SessionEndEvent> {
    return {
      kind: "session.end", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      protocol: f.protocol, counters: f.counters,
      ref: this.ref,
    };
  }

  read(f: OwnFields<MailReadEvent> & EventFields): ParsedEventOf<MailReadEvent> {
    return {
      kind: "mail.read", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      how: f.how, folder: f.folder, items: f.items, throttled: f.throttled,
      ref: this.ref,
    };
  }

  change(f: OwnFields<MailChangeEvent> & EventFields): ParsedEventOf<MailChangeEvent> {
    return {
      kind: "mail.change", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      op: f.op, folder: f.folder, destFolder: f.destFolder, items: f.items, flags: f.flags,
      ref: this.ref,
    };
  }

  send(f: OwnFields<MailSendEvent> & EventFields): ParsedEventOf<MailSendEvent> {
    return {
      kind: "mail.send", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      sendAs: f.sendAs, sentAs: f.sentAs, items: f.items,
      ref: this.ref,
    };
  }

  config(f: OwnFields<MailboxConfigEvent> & EventFields): ParsedEventOf<MailboxConfigEvent> {
    return {
      kind: "mailbox.config", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      change: f.change, target: f.target, rule: f.rule, grantee: f.grantee, rights: f.rights, parameters: f.parameters,
      ref: this.ref,
    };
  }

  search(f: OwnFields<SearchEvent> & EventFields): ParsedEventOf<SearchEvent> {
    return {
      kind: "search", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      query: f.query, folder: f.folder,
      ref: this.ref,
    };
  }

  other(f: EventFields = {}): ParsedEventOf<OtherEvent> {
    return {
      kind: "other", ts: this.ts, tsDesc: this.tsDesc, action: this.action, result: f.result ?? this.result, user: this.user, mailbox: this.mailbox, clientIp: this.clientIp, clientPort: this.clientPort, country: this.country, userAgent: this.userAgent, sessionId: this.sessionId, keys: this.keys, messageCount: f.messageCount, detail: f.detail, extra: f.extra ?? this.extra,
      ref: this.ref,
    };
  }
}

/** The context of one record (see the top of this file). */
export function recordContext(init: RecordInit): RecordContext {
  return new RecordContext(init);
}
