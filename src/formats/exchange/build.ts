/**
 * Builders of Exchange protocol-log events, in the key order these events have always been stored
 * in: kind and time, the row's context (user, client, session, the response's result and text),
 * then tsDesc, action, the kind's own fields and `extra` last. That order reaches timeline.jsonl
 * byte for byte, so it stays until it is changed on purpose; new formats use ../build.ts.
 *
 * One context per row; `user` may be set on it when a command names the user (LOGIN, USER).
 * Spelled out, never spread (see ../build.ts).
 */
import type { AuthEvent, MailChangeEvent, MailReadEvent, OtherEvent, ParsedEventOf, SearchEvent, SessionEndEvent } from "../../model/events.js";
import { Context, type ContextInit } from "../build.js";

type Said = "tsDesc" | "action" | "extra";

/** A row's context adds the response's result and text, which all its events carry. */
export type RowInit = ContextInit & Pick<AuthEvent, "result" | "detail">;

export class ExchangeContext extends Context {
  readonly result: AuthEvent["result"];
  readonly detail: string | undefined;

  constructor(init: RowInit) {
    super(init);
    this.result = init.result;
    this.detail = init.detail;
  }

  auth(f: Pick<AuthEvent, Said | "protocol" | "legacyProtocol" | "method" | "errorCode" | "failureReason">): ParsedEventOf<AuthEvent> {
    return {
      kind: "auth", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, protocol: f.protocol, legacyProtocol: f.legacyProtocol, method: f.method, errorCode: f.errorCode, failureReason: f.failureReason, extra: f.extra,
    };
  }

  read(f: Pick<MailReadEvent, Said | "how" | "folder" | "items" | "messageCount">): ParsedEventOf<MailReadEvent> {
    return {
      kind: "mail.read", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, how: f.how, folder: f.folder, items: f.items, messageCount: f.messageCount, extra: f.extra,
    };
  }

  change(f: Pick<MailChangeEvent, Said | "op" | "folder" | "destFolder" | "items" | "flags" | "messageCount">): ParsedEventOf<MailChangeEvent> {
    return {
      kind: "mail.change", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, op: f.op, folder: f.folder, destFolder: f.destFolder, items: f.items, flags: f.flags, messageCount: f.messageCount, extra: f.extra,
    };
  }

  search(f: Pick<SearchEvent, Said | "query" | "folder">): ParsedEventOf<SearchEvent> {
    return {
      kind: "search", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, query: f.query, folder: f.folder, extra: f.extra,
    };
  }

  sessionEnd(f: Pick<SessionEndEvent, Said | "protocol" | "counters">): ParsedEventOf<SessionEndEvent> {
    return {
      kind: "session.end", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, protocol: f.protocol, counters: f.counters, extra: f.extra,
    };
  }

  other(f: Pick<OtherEvent, Said>): ParsedEventOf<OtherEvent> {
    return {
      kind: "other", ts: this.ts, user: this.user, clientIp: this.clientIp, clientPort: this.clientPort, sessionId: this.sessionId, keys: this.keys, result: this.result, detail: this.detail, ref: this.ref,
      tsDesc: f.tsDesc, action: f.action, extra: f.extra,
    };
  }
}
