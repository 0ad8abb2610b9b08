/**
 * Builders of Dovecot events in the key order they have always been stored in. Mail process lines,
 * exporter records and failed logins lead with the line's context (time, user, client, session),
 * then kind, tsDesc, action and the kind's own fields; a `Login:` line leads with its kind. The
 * events already in the general order (ID sent by a login process, passdb and PAM failures, other
 * log lines) use ../build.ts. The order reaches timeline.jsonl and the golden files byte for byte,
 * so it stays until it is changed on purpose.
 *
 * One context per line (or exporter record); every builder takes what its event adds, wording
 * (tsDesc) included. Spelled out, never spread (see ../build.ts).
 */
import type {
  AuthEvent,
  MailboxConfigEvent,
  MailChangeEvent,
  MailReadEvent,
  OtherEvent,
  ParsedEventOf,
  SearchEvent,
  SessionEndEvent,
} from "../../model/events.js";
import { Context } from "../build.js";

type Said = "tsDesc" | "action";

/** The context of one line or exporter record: `new DovecotContext({ ts, ref, user, sessionId, ... })`. */
export class DovecotContext extends Context {
  /** A login process's `Login:` line: the one Dovecot event that leads with its kind. */
  login(f: Pick<AuthEvent, Said | "result" | "protocol" | "method" | "tls" | "extra">): ParsedEventOf<AuthEvent> {
    return {
      kind: "auth", ts: this.ts, tsDesc: f.tsDesc, action: f.action, result: f.result, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys,
      protocol: f.protocol, method: f.method, tls: f.tls, extra: f.extra, ref: this.ref,
    };
  }

  /** Failed logins and authentications; a login process's reason leads as `detail`. */
  auth(f: Pick<AuthEvent, Said | "detail" | "result" | "protocol" | "method" | "attempts" | "tls" | "failureReason">): ParsedEventOf<AuthEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, detail: f.detail, ref: this.ref,
      kind: "auth", tsDesc: f.tsDesc, action: f.action, result: f.result, protocol: f.protocol, method: f.method, attempts: f.attempts, tls: f.tls, failureReason: f.failureReason,
    };
  }

  /** A login process that disconnected before any login: its reason leads as `detail`. */
  endBeforeLogin(f: Pick<SessionEndEvent, Said | "detail" | "protocol" | "counters">): ParsedEventOf<SessionEndEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, detail: f.detail, ref: this.ref,
      kind: "session.end", tsDesc: f.tsDesc, action: f.action, protocol: f.protocol, counters: f.counters,
    };
  }

  sessionEnd(f: Pick<SessionEndEvent, Said | "protocol" | "counters" | "messageCount" | "detail">): ParsedEventOf<SessionEndEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "session.end", tsDesc: f.tsDesc, action: f.action, protocol: f.protocol, counters: f.counters, messageCount: f.messageCount, detail: f.detail,
    };
  }

  read(f: Pick<MailReadEvent, Said | "how" | "folder" | "items" | "messageCount">): ParsedEventOf<MailReadEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "mail.read", tsDesc: f.tsDesc, action: f.action, how: f.how, folder: f.folder, items: f.items, messageCount: f.messageCount,
    };
  }

  change(f: Pick<MailChangeEvent, Said | "op" | "folder" | "destFolder" | "items" | "messageCount" | "flags" | "detail">): ParsedEventOf<MailChangeEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "mail.change", tsDesc: f.tsDesc, action: f.action, op: f.op, folder: f.folder, destFolder: f.destFolder, items: f.items, messageCount: f.messageCount, flags: f.flags, detail: f.detail,
    };
  }

  config(f: Pick<MailboxConfigEvent, Said | "change" | "target" | "detail">): ParsedEventOf<MailboxConfigEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "mailbox.config", tsDesc: f.tsDesc, action: f.action, change: f.change, target: f.target, detail: f.detail,
    };
  }

  search(f: Pick<SearchEvent, Said | "query" | "folder" | "detail">): ParsedEventOf<SearchEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "search", tsDesc: f.tsDesc, action: f.action, query: f.query, folder: f.folder, detail: f.detail,
    };
  }

  other(f: Pick<OtherEvent, Said | "userAgent" | "detail" | "extra">): ParsedEventOf<OtherEvent> {
    return {
      ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, ref: this.ref,
      kind: "other", tsDesc: f.tsDesc, action: f.action, userAgent: f.userAgent, detail: f.detail, extra: f.extra,
    };
  }
}
