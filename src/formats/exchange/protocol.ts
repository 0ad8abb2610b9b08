/**
 * Exchange Server 2013+ IMAP4/POP3 protocol-log rows (docs/formats.md) mapped to normalized
 * events. The reader (exchange-protocol-log.ts) splits lines and headers; this module
 * knows what a row means, and keeps the little per-session state a row alone cannot tell (the
 * protocol, the selected folder, the USER name of POP3, running totals for the session end).
 */
import type { ChangeOp, MessageItem, ParsedEvent, ReadHow, RecordRef, Result } from "../../model/events.js";
import { normalizeIp } from "../../lib/ip.js";
import { TIME } from "../wording.js";
import { ExchangeContext } from "./build.js";

export type Protocol = "imap" | "pop3";

/** One row, by field name (lower-cased header names). */
export interface ExchangeRow {
  ts: number;
  sessionId: string;
  seq?: number;
  serverEndpoint: string;
  clientEndpoint: string;
  user: string;
  duration?: number;
  rqsize?: number;
  rpsize?: number;
  command: string;
  parameters: string;
  context: string;
}

interface SessionState {
  protocol?: Protocol;
  folder?: string;
  user?: string;
  ended: boolean;
  /** The real client a back-end log named (context `ClientIp=`), for the session's later rows. */
  originalClient?: { ip?: string; port?: number };
  firstSeq?: number;
  counters: Record<string, number>;
}

/** Sessions tracked at once; the oldest is forgotten beyond this (a log holds few open at a time). */
export const MAX_SESSIONS = 4096;
/** UIDs listed as items per command; larger or open (`*`) sets are kept as text only. */
export const MAX_LISTED_UIDS = 1000;

const IMAP_PORTS = new Set([143, 993]);
const POP3_PORTS = new Set([110, 995]);
// Verbs only POP3 has (AUTH is POP3's; IMAP's is AUTHENTICATE).
const POP3_VERBS = new Set(["user", "pass", "apop", "auth", "retr", "top", "dele", "quit", "stat", "list", "uidl", "rset", "stls", "capa"]);
const IMAP_VERBS = new Set(["login", "authenticate", "select", "examine", "fetch", "uid", "search", "copy", "move", "store", "expunge", "append", "logout", "list", "lsub", "status", "idle", "starttls", "capability"]);

/** `R="a1 NO LOGIN failed.";ErrMsg=AuthFailed:LogonDenied` → key/value pairs (quoted values unescaped). */
export function parseContext(context: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  const len = context.length;
  while (pos < len) {
    const eq = context.indexOf("=", pos);
    if (eq === -1) break;
    const key = context.slice(pos, eq).trim();
    let value: string;
    if (context.charCodeAt(eq + 1) === 34 /* " */) {
      let end = eq + 2;
      let text = "";
      for (;;) {
        const q = context.indexOf('"', end);
        if (q === -1) {
          text += context.slice(end);
          end = len;
          break;
        }
        text += context.slice(end, q);
        if (context.charCodeAt(q + 1) === 34) {
          text += '"';
          end = q + 2;
          continue;
        }
        end = q + 1;
        break;
      }
      value = text;
      const semi = context.indexOf(";", end);
      pos = semi === -1 ? len : semi + 1;
    } else {
      const semi = context.indexOf(";", eq + 1);
      value = context.slice(eq + 1, semi === -1 ? len : semi);
      pos = semi === -1 ? len : semi + 1;
    }
    if (key.length > 0 && !(key in out)) out[key] = value;
  }
  return out;
}

/**
 * The status of the response in `R=`: IMAP `tag OK|NO|BAD ...`, POP3 `+OK` / `-ERR`, and the bare
 * `OK` / `NO` / `BAD` (no tag) some Exchange builds write for LOGIN and AUTHENTICATE.
 */
export function responseResult(response: string | undefined, protocol: Protocol | undefined): Result | undefined {
  if (response === undefined) return undefined;
  const text = response.trim();
  if (text.startsWith("+OK")) return "success";
  if (text.startsWith("-ERR")) return "failure";
  const bare = /^(OK|NO|BAD)\b/i.exec(text)?.[1]?.toUpperCase();
  if (bare === "OK") return "success";
  if (bare === "NO" || bare === "BAD") return "failure";
  if (protocol === "pop3") return undefined;
  const status = /^\S+ (OK|NO|BAD)\b/i.exec(text)?.[1]?.toUpperCase();
  if (status === "OK") return "success";
  if (status === "NO" || status === "BAD") return "failure";
  return undefined;
}

/** The text of a response after its status (`LOGIN failed.`), for the failure reason. */
function responseText(response: string | undefined): string | undefined {
  if (!response) return undefined;
  const m = /^(?:(?:\S+ )?(?:OK|NO|BAD)\b|\+OK|-ERR)\s*(.*)$/i.exec(response.trim());
  const text = (m ? m[1] : response)?.trim();
  return text || undefined;
}

/** First IMAP argument: an atom or a quoted string; and what follows it. */
function firstArg(text: string): { arg: string; rest: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('"')) {
    let i = 1;
    let arg = "";
    while (i < trimmed.length) {
      const c = trimmed[i] as string;
      if (c === "\\" && i + 1 < trimmed.length) {
        arg += trimmed[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') break;
      arg += c;
      i += 1;
    }
    return { arg, rest: trimmed.slice(i + 1).trimStart() };
  }
  const space = trimmed.indexOf(" ");
  return space === -1 ? { arg: trimmed, rest: "" } : { arg: trimmed.slice(0, space), rest: trimmed.slice(space + 1).trimStart() };
}

/** A UID set (`1:5,9`) as items; `undefined` when open (`*`), malformed or too large to list. */
export function uidItems(set: string, folder: string | undefined): MessageItem[] | undefined {
  if (!/^\d+(?::\d+)?(?:,\d+(?::\d+)?)*$/.test(set)) return undefined;
  const items: MessageItem[] = [];
  for (const part of set.split(",")) {
    const [a, b] = part.split(":");
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    if (hi - lo + 1 + items.length > MAX_LISTED_UIDS) return undefined;
    for (let uid = lo; uid <= hi; uid += 1) items.push(folder === undefined ? { uid } : { uid, folder });
  }
  return items;
}

/** Whether FETCH attributes ask for message content (a body part, RFC822, BINARY) and not only headers/flags. */
function fetchesContent(attributes: string): boolean {
  const upper = attributes.toUpperCase();
  // RFC822 and RFC822.TEXT are content; RFC822.SIZE and RFC822.HEADER are not.
  if (/\bRFC822(?:\.TEXT)?(?![.\w])/.test(upper)) return true;
  if (/\bBINARY(?:\.PEEK)?\[/.test(upper)) return true;
  // BODY[...] sections other than headers and MIME headers (bare BODY is the structure, metadata).
  const sections = upper.match(/\bBODY(?:\.PEEK)?\[[^\]]*\]/g) ?? [];
  return sections.some((section) => !/\[(?:[\d.]*\.)?(?:HEADER(?:\.FIELDS(?:\.NOT)?\b.*)?|MIME)\]$/.test(section));
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Per-file state: sessions seen, bounded. */
export class ExchangeSessions {
  private readonly sessions = new Map<string, SessionState>();

  get(id: string): SessionState {
    let state = this.sessions.get(id);
    if (!state) {
      if (this.sessions.size >= MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
      state = { ended: false, counters: {} };
      this.sessions.set(id, state);
    }
    return state;
  }

  forget(id: string): void {
    this.sessions.delete(id);
  }
}

function portOf(endpoint: string): number | undefined {
  return normalizeIp(endpoint).port;
}

function guessProtocol(row: ExchangeRow, verb: string): Protocol | undefined {
  const port = portOf(row.serverEndpoint);
  if (port !== undefined && IMAP_PORTS.has(port)) return "imap";
  if (port !== undefined && POP3_PORTS.has(port)) return "pop3";
  if (POP3_VERBS.has(verb) && !IMAP_VERBS.has(verb)) return "pop3";
  if (IMAP_VERBS.has(verb) && !POP3_VERBS.has(verb)) return "imap";
  return undefined;
}

function bump(counters: Record<string, number>, key: string, by = 1): void {
  counters[key] = (counters[key] ?? 0) + by;
}

/**
 * Maps one row. `logType` is the protocol the file header names, if any. Returns the event, or a
 * warning for a row that cannot be an event (no command).
 */
export function mapExchangeRow(row: ExchangeRow, logType: Protocol | undefined, sessions: ExchangeSessions, ref: RecordRef): ParsedEvent | { warning: string } {
  const rawCommand = row.command.trim();
  if (rawCommand === "") return { warning: "row has no command" };
  let verb = rawCommand.toLowerCase();
  let params = row.parameters;
  let uidMode = false;
  // `uid fetch ...`: the command is `uid`, the real verb leads the parameters (or the command holds both).
  if (verb === "uid" || verb.startsWith("uid ")) {
    uidMode = true;
    const inline = verb.slice(3).trim();
    if (inline) verb = inline;
    else {
      const split = firstArg(params);
      verb = split.arg.toLowerCase();
      params = split.rest;
    }
  }

  const state = sessions.get(row.sessionId);
  if (state.firstSeq === undefined && row.seq !== undefined) state.firstSeq = row.seq;
  const protocol = logType ?? state.protocol ?? guessProtocol(row, verb);
  if (protocol && !state.protocol) state.protocol = protocol;
  bump(state.counters, "commands");
  if (row.rqsize !== undefined) bump(state.counters, "bytesIn", row.rqsize);
  if (row.rpsize !== undefined) bump(state.counters, "bytesOut", row.rpsize);

  const context = parseContext(row.context);
  const response = context["R"];
  const result = responseResult(response, protocol) ?? (context["ErrMsg"] ? "failure" : undefined);
  // A back-end log sees the front-end server as its client; the real client is in the context.
  const remote = normalizeIp(row.clientEndpoint);
  const original = context["ClientIp"] ? normalizeIp(context["ClientIp"]) : (state.originalClient ?? {});
  if (original.ip && !state.originalClient) state.originalClient = original;
  const client = original.ip ? original : remote;
  const user = row.user || state.user || undefined;
  const extra: Record<string, unknown> = {};
  if (original.ip && remote.ip) extra["frontEndIp"] = remote.ip;
  if (row.serverEndpoint) extra["server"] = row.serverEndpoint;
  if (row.seq !== undefined) extra["seq"] = row.seq;
  if (context["ErrMsg"]) extra["errMsg"] = context["ErrMsg"];
  const at = new ExchangeContext({
    ts: row.ts,
    ref,
    user,
    clientIp: client.ip,
    clientPort: client.port,
    sessionId: row.sessionId || undefined,
    keys: row.sessionId ? { serverSessionId: row.sessionId } : undefined,
    result,
    detail: response,
  });
  const action = uidMode ? `uid ${verb}` : verb;
  const folder = state.folder;

  switch (verb) {
    case "login":
    case "authenticate":
    case "auth":
    case "pass":
    case "apop": {
      let loginName = user;
      let method: string | undefined;
      if (verb === "login" || verb === "apop") loginName = loginName ?? (firstArg(params).arg || undefined);
      if (verb === "authenticate" || verb === "auth") method = firstArg(params).arg.toUpperCase() || undefined;
      if (verb === "login") method = "LOGIN";
      if (verb === "pass") method = "USER";
      if (verb === "apop") method = "APOP";
      if (loginName && result === "success") state.user = loginName;
      if (context["Msg"]) extra["msg"] = context["Msg"];
      at.user = loginName;
      return at.auth({
        tsDesc: result === "failure" ? TIME.login_failure : TIME.login,
        action,
        protocol,
        legacyProtocol: true,
        method,
        errorCode: context["ErrMsg"] || undefined,
        failureReason: result === "failure" ? responseText(response) ?? context["ErrMsg"] : undefined,
        extra,
      });
    }
    case "user": {
      const name = firstArg(params).arg;
      if (name) state.user = name;
      at.user ??= name || undefined;
      return at.other({ tsDesc: TIME.command, action, extra });
    }
    case "select":
    case "examine": {
      const box = firstArg(params).arg;
      state.folder = result === "failure" || !box ? undefined : box;
      if (context["Rows"] !== undefined) extra["rows"] = numberOf(context["Rows"]);
      if (box) extra["folder"] = box;
      return at.other({ tsDesc: TIME.command, action, extra });
    }
    case "fetch": {
      const { arg: set, rest: attributes } = firstArg(params);
      bump(state.counters, "fetch");
      const items = uidMode ? uidItems(set, folder) : undefined;
      const how: ReadHow = attributes === "" || fetchesContent(attributes) ? "fetch" : "headers";
      extra[uidMode ? "uidSet" : "sequenceSet"] = set;
      if (attributes) extra["attributes"] = attributes;
      return at.read({ tsDesc: TIME.command, action, how, folder, items: items ?? [], messageCount: numberOf(context["Rows"]) ?? items?.length, extra });
    }
    case "retr":
    case "top": {
      const { arg: number, rest } = firstArg(params);
      bump(state.counters, verb);
      const n = numberOf(number);
      if (n !== undefined) extra["messageNumber"] = n;
      if (verb === "top" && rest) extra["lines"] = numberOf(rest) ?? rest;
      return at.read({ tsDesc: TIME.command, action, how: "pop3", folder, items: [], messageCount: n === undefined ? undefined : 1, extra });
    }
    case "search": {
      return at.search({ tsDesc: TIME.command, action, query: params || undefined, folder, extra });
    }
    case "copy":
    case "move":
    case "store":
    case "expunge":
    case "dele":
    case "append":
      return changeEvent(verb, uidMode, action, params, folder, context, at, extra, state);
    case "logout":
    case "quit":
      state.ended = true;
      return sessionEnd(at, action, protocol, state, extra);
    case "closesession": {
      const wasEnded = state.ended;
      sessions.forget(row.sessionId);
      if (wasEnded) return at.other({ tsDesc: TIME.session_close, action: rawCommand, extra });
      return sessionEnd(at, rawCommand, protocol, state, extra);
    }
    default:
      if (params) extra["parameters"] = params;
      return at.other({ tsDesc: TIME.command, action: uidMode ? action : rawCommand, extra });
  }
}

function sessionEnd(at: ExchangeContext, action: string, protocol: Protocol | undefined, state: SessionState, extra: Record<string, unknown>): ParsedEvent {
  // Totals cover only the rows this file holds: a session cut at the file start counts from `countedFromSeq`.
  if (state.firstSeq !== undefined) extra["countedFromSeq"] = state.firstSeq;
  return at.sessionEnd({ tsDesc: TIME.session_end, action, protocol, counters: Object.assign({}, state.counters), extra });
}

const STORE_FLAGS = /^([+-]?)FLAGS(?:\.SILENT)?\s+\(?([^)]*)\)?/i;

function changeEvent(
  verb: string,
  uidMode: boolean,
  action: string,
  params: string,
  folder: string | undefined,
  context: Record<string, string>,
  at: ExchangeContext,
  extra: Record<string, unknown>,
  state: SessionState,
): ParsedEvent {
  let op: ChangeOp;
  let items: MessageItem[] = [];
  let destFolder: string | undefined;
  let eventFolder = folder;
  let flags: string[] | undefined;
  let messageCount: number | undefined;
  if (verb === "append") {
    op = "append";
    eventFolder = firstArg(params).arg || undefined;
  } else if (verb === "dele") {
    op = "delete";
    bump(state.counters, "dele");
    const n = numberOf(firstArg(params).arg);
    if (n !== undefined) extra["messageNumber"] = n;
    messageCount = n === undefined ? undefined : 1;
  } else if (verb === "expunge") {
    op = "expunge";
    const deleted = numberOf(context["ItemsDeleted"]);
    if (deleted !== undefined) bump(state.counters, "itemsDeleted", deleted);
    messageCount = deleted;
    if (uidMode && params) {
      items = uidItems(firstArg(params).arg, folder) ?? [];
      extra["uidSet"] = firstArg(params).arg;
    }
  } else {
    const { arg: set, rest } = firstArg(params);
    extra[uidMode ? "uidSet" : "sequenceSet"] = set;
    items = (uidMode ? uidItems(set, folder) : undefined) ?? [];
    messageCount = items.length > 0 ? items.length : undefined;
    if (verb === "store") {
      const m = STORE_FLAGS.exec(rest);
      flags = m ? (m[2] as string).split(/\s+/).filter((flag) => flag) : undefined;
      // Setting \Deleted is the IMAP delete; other flag changes are flag updates.
      op = m && m[1] !== "-" && flags?.some((flag) => flag.toLowerCase() === "\\deleted") ? "delete" : "flag";
      if (!m && rest) extra["store"] = rest;
    } else {
      op = verb === "move" ? "move" : "copy";
      destFolder = firstArg(rest).arg || undefined;
    }
  }
  return at.change({ tsDesc: TIME.command, action, op, folder: eventFolder, destFolder, items, flags, messageCount, extra });
}
