/**
 * Mapping of Dovecot's message texts (after the transport and process prefix) and of its
 * event-exporter records to normalized events. Shared by the log parser (which also meets
 * `stats: {...}` event lines) and the event-exporter JSON parser.
 */
import type { ChangeOp, MessageItem, ParsedEvent, RecordRef } from "../../model/events.js";
import { recordContext } from "../build.js";
import { DETAIL, TIME } from "../wording.js";
import { DovecotContext } from "./build.js";

/** The prefix Dovecot writes before a message: `imap(user)<pid><session>: Level: `. */
export interface DovecotPrefix {
  process: string;
  /** `(user)` of mail processes; the pid of `auth-worker(pid)`; the passdb triple of 2.4 `auth(...)`. */
  paren?: string;
  pid?: string;
  session?: string;
  level?: string;
}

/** What a mapper needs besides the text: when, where from, and the prefix. */
export interface LineContext {
  ts: number;
  ref: RecordRef;
  prefix: DovecotPrefix;
}

export type MapResult = ParsedEvent | { warning: string } | undefined;

/** `key=value` and `key=<value>` elements of login lines (`user=<a>, method=PLAIN, rip=1.2.3.4, ...`). */
export function parseElements(text: string): Record<string, string> {
  const elements: Record<string, string> = {};
  const pattern = /(?:^|, )([a-z_]+)=(<[^>]*>|[^,]*)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const key = match[1] as string;
    let value = match[2] as string;
    if (value.startsWith("<") && value.endsWith(">")) value = value.slice(1, -1);
    if (!(key in elements)) elements[key] = value;
  }
  return elements;
}

function tlsOf(text: string): string | undefined {
  const tls = /(?:^|, )(TLS(?: handshaking[^,]*)?|secured)(?:, (TLSv[\d.]+ with cipher [^,]*))?(?:,|$)/.exec(text);
  if (!tls) return undefined;
  return tls[2] ? `${tls[1]} ${tls[2]}` : tls[1];
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function protocolOfProcess(process: string): string | undefined {
  const login = process.endsWith("-login");
  const base = process.replace(/-login$/, "");
  // Any `<service>-login` names the service it logs in to (imap-urlauth, a custom one).
  return ["imap", "pop3", "submission", "managesieve", "lmtp", "lda"].includes(base) || login ? base : undefined;
}

/** `name=Thunderbird, version=115.6.0` (ID sent) or `("name" "Thunderbird" "version" "115.6.0")` (ID command). */
export function clientFromId(text: string): { name?: string; version?: string; originatingIp?: string; originatingPort?: string } {
  const pairs: Record<string, string> = {};
  if (text.trimStart().startsWith("(")) {
    const pattern = /"((?:[^"\\]|\\.)*)"\s+(?:"((?:[^"\\]|\\.)*)"|NIL)/g;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) pairs[(match[1] as string).toLowerCase()] = match[2] ?? "";
  } else {
    for (const part of text.split(", ")) {
      const eq = part.indexOf("=");
      if (eq > 0) pairs[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
    }
  }
  return {
    name: pairs["name"],
    version: pairs["version"],
    originatingIp: pairs["x-originating-ip"],
    originatingPort: pairs["x-originating-port"],
  };
}

function userAgentOf(client: { name?: string; version?: string }): string | undefined {
  if (!client.name) return undefined;
  return client.version ? `${client.name}/${client.version}` : client.name;
}

const LOGIN_FAILURE = /auth failed|authorization failed|user disabled|password expired|auth_failed|authorization_failed/;
/** A login process's reason group right before its elements: `... (auth failed, 1 attempts in 2 secs): user=<...`. */
const DISCONNECT_GROUP = /\((?:auth failed|no auth attempts|authorization failed|disconnected|client didn't finish|tried to use|user disabled|password expired|internal failure|aborted|proxy dest)[^()]*\)(?: \([a-z_]+\))?: (?:user|rip|method)=/;

/** The disconnect reason group of a login process line: `(auth failed, 3 attempts in 44 secs)`. */
function disconnectReason(head: string): { reason: string; attempts?: number; secs?: number } {
  const groups = [...head.matchAll(/\(([^()]*)\)/g)].map((m) => m[1] as string);
  const known = groups.filter((g) =>
    /auth failed|no auth attempts|authorization failed|disconnected|client didn't finish|tried to use|user disabled|password expired|internal failure|aborted|temporary failure|proxy dest|successful auths/.test(g),
  );
  const reason = known[0] ?? groups[0] ?? head;
  const attempts = /(\d+)(?:\/\d+)? (?:attempts|successful auths)/.exec(reason);
  const secs = / in (\d+) secs/.exec(reason);
  const eventReason = groups.find((g) => /^[a-z_]+$/.test(g));
  return {
    reason: eventReason ? `${reason} (${eventReason})` : reason,
    attempts: num(attempts?.[1]),
    secs: num(secs?.[1]),
  };
}

/** A login process line's context, from its elements (`user=<a>, rip=1.2.3.4, rport=5, session=<s>`). */
function loginContext(c: LineContext, el: Record<string, string>, keys: ParsedEvent["keys"]): DovecotContext {
  return new DovecotContext({ ts: c.ts, ref: c.ref, user: el["user"] || undefined, clientIp: el["rip"] || undefined, clientPort: num(el["rport"]), sessionId: el["session"] || undefined, keys });
}

/** Login process lines: Login / Logged in / Disconnected / Aborted login / Login aborted / ID sent. */
function mapLoginProcess(text: string, c: LineContext): MapResult {
  const protocol = protocolOfProcess(c.prefix.process);
  if (text.startsWith("Login: ") || text.startsWith("Logged in: ")) {
    const el = parseElements(text.slice(text.indexOf(": ") + 2));
    const at = loginContext(c, el, { serverSessionId: el["session"] || undefined, processId: el["mpid"] || undefined });
    return at.login({ tsDesc: TIME.login, action: "Login", result: "success", protocol, method: el["method"] || undefined, tls: tlsOf(text), extra: { lip: el["lip"] } });
  }
  if (text.startsWith("ID sent: ")) {
    const split = text.lastIndexOf(": user=<");
    const idPart = split > 0 ? text.slice(9, split) : text.slice(9);
    const el = parseElements(split > 0 ? text.slice(split + 2) : "");
    const client = clientFromId(idPart);
    const session = el["session"] || undefined;
    const at = recordContext({ ts: c.ts, tsDesc: TIME.client_id, action: "ID sent", ref: c.ref, clientIp: el["rip"] || undefined, clientPort: num(el["rport"]), userAgent: userAgentOf(client), sessionId: session, keys: sessionKeys(session) });
    return at.other({ detail: idPart, extra: { protocol, originatingIp: client.originatingIp, originatingPort: client.originatingPort } });
  }
  // Any wording before the reason group (`Disconnected`, `Aborted login`, `Login aborted`, and
  // submission-login's `Client has quit the connection`, `Remote closed connection`, ...).
  if (/^(Disconnected|Aborted login|Login aborted)\b/.test(text) || DISCONNECT_GROUP.test(text)) {
    // Elements follow the last `): ` (the reason may itself contain colons and parentheses).
    const cuts = [...text.matchAll(/\): (?=user=|rip=|method=)/g)];
    const cut = cuts.length > 0 ? (cuts[cuts.length - 1]?.index ?? -1) : -1;
    const head = cut >= 0 ? text.slice(0, cut + 1) : text;
    const el = parseElements(cut >= 0 ? text.slice(cut + 3) : "");
    const { reason, attempts, secs } = disconnectReason(head);
    const at = loginContext(c, el, sessionKeys(el["session"]));
    if (LOGIN_FAILURE.test(reason)) {
      return at.auth({ detail: reason, tsDesc: TIME.login_failure, action: "Login failed", result: "failure", protocol, method: el["method"] || undefined, attempts, tls: tlsOf(text), failureReason: reason });
    }
    const counters: Record<string, number> = {};
    if (attempts !== undefined) counters["auth_attempts"] = attempts;
    if (secs !== undefined) counters["secs"] = secs;
    return at.endBeforeLogin({ detail: reason, tsDesc: TIME.disconnect, action: "Disconnected before login", protocol, counters });
  }
  return otherEvent(text, c);
}

/** `passwd-file(user,1.2.3.4,<session>): Password mismatch` and 2.4 `auth(user,ip,sasl:x)<session>: sql: ...`. */
function mapAuth(text: string, c: LineContext): MapResult {
  // `ldap(user,ip,)`: an empty session after the comma (LDAP bind failures).
  const passdb = /([a-z][\w-]*)\(([^,()]*),([^,()]*)(?:,(?:<([^>]*)>)?)?\): (.*)$/.exec(text);
  let user: string | undefined;
  let ip: string | undefined;
  let session: string | undefined;
  let driver: string | undefined;
  let message: string;
  if (passdb) {
    driver = passdb[1];
    user = passdb[2];
    ip = passdb[3];
    session = passdb[4];
    message = passdb[5] as string;
  } else if (c.prefix.process === "auth" && c.prefix.paren && c.prefix.paren.includes(",")) {
    const [puser, pip] = c.prefix.paren.split(",");
    user = puser;
    ip = pip;
    session = c.prefix.session;
    const inner = /^([\w-]+): (.*)$/.exec(text);
    driver = inner?.[1];
    message = inner?.[2] ?? text;
  } else {
    return otherEvent(text, c);
  }
  const failure = /password mismatch|unknown user|authentication failure|pam_authenticate\(\) failed|user disabled|password expired|invalid credentials/i.test(message);
  if (!failure) return otherEvent(text, c);
  // PAM's "User not known to the underlying authentication module" is an unknown user too.
  const action = /unknown user|user not known/i.test(message) ? "Unknown user" : "Password mismatch";
  // logwatch-style summaries count repeats: `...: 2 Time(s)`.
  const repeated = / ?: (\d+) Time\(s\)$/.exec(message);
  const reason = (repeated ? message.slice(0, repeated.index) : message).replace(/\s*\((?:given password|SHA1 of given password)[^)]*\)/i, "");
  const at = recordContext({ ts: c.ts, tsDesc: TIME.auth_failure, action, ref: c.ref, result: "failure", user: user || undefined, clientIp: ip || undefined, sessionId: session || undefined, keys: sessionKeys(session) });
  // With auth_verbose_passwords the given password (or its hash) follows: never carry it on.
  return at.auth({ method: driver, failureReason: reason, attempts: repeated ? Number(repeated[1]) : undefined });
}

const MAIL_LOG_KEYS = ["box", "uid", "msgid", "size", "vsize", "from", "subject", "flags"] as const;

/** The fields of a mail_log line, in Dovecot's fixed order; `from`/`subject` may contain `, `. */
export function parseMailLogFields(text: string): Partial<Record<(typeof MAIL_LOG_KEYS)[number], string>> {
  const fields: Partial<Record<(typeof MAIL_LOG_KEYS)[number], string>> = {};
  const starts: { key: (typeof MAIL_LOG_KEYS)[number]; at: number }[] = [];
  let from = 0;
  for (const key of MAIL_LOG_KEYS) {
    const token = `${key}=`;
    const at = text.startsWith(token, from) ? from : text.indexOf(`, ${token}`, from);
    if (at === -1) continue;
    const valueStart = at === from && text.startsWith(token, from) ? at + token.length : at + 2 + token.length;
    starts.push({ key, at: valueStart });
    from = valueStart;
  }
  for (let i = 0; i < starts.length; i += 1) {
    const current = starts[i] as { key: (typeof MAIL_LOG_KEYS)[number]; at: number };
    const next = starts[i + 1];
    const end = next ? text.lastIndexOf(`, ${next.key}=`, next.at) : text.length;
    fields[current.key] = text.slice(current.at, end);
  }
  return fields;
}

function itemFromFields(fields: ReturnType<typeof parseMailLogFields>): MessageItem {
  const uid = num(fields.uid);
  const size = num(fields.size);
  return {
    messageId: fields.msgid || undefined,
    uid,
    folder: fields.box || undefined,
    size,
    subject: fields.subject || undefined,
    from: fields.from || undefined,
  };
}

function flagsOf(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const inner = value.replace(/^\(/, "").replace(/\)$/, "").trim();
  return inner === "" ? [] : inner.split(/\s+/);
}

const MAIL_LOG_OPS: Record<string, ChangeOp> = {
  save: "append",
  copy: "copy",
  expunge: "expunge",
  autoexpunge: "expunge",
  delete: "delete",
  undelete: "undelete",
  flag_change: "flag",
};

/** Mail process lines: mail_log, logout counters, debug command and open lines, mailbox ops. */
function mapMailProcess(text: string, c: LineContext): MapResult {
  const user = c.prefix.paren || undefined;
  const session = c.prefix.session || undefined;
  const at = new DovecotContext({ ts: c.ts, ref: c.ref, user, sessionId: session, keys: session || c.prefix.pid ? { serverSessionId: session, processId: c.prefix.pid } : undefined });
  // 2.4 puts `Mailbox <name>: ` in front of mailbox-scoped lines; 2.3 debug lines have it too.
  let mailboxScope: string | undefined;
  let body = text;
  const scoped = /^Mailbox (.+?): (?=UID \d+: |expunge|save|copy from |delete|undelete|flag_change|autoexpunge|Mailbox created|Mailbox deleted|Mailbox renamed)/.exec(text);
  if (scoped) {
    mailboxScope = scoped[1];
    body = text.slice(scoped[0].length);
  }

  const mailLog = /^(save|copy from (.*?)|expunge|autoexpunge|delete|undelete|flag_change): (box=.*)$/.exec(body);
  if (mailLog) {
    const desc = (mailLog[1] as string).startsWith("copy from ") ? "copy" : (mailLog[1] as string);
    const fields = parseMailLogFields(mailLog[3] as string);
    const item = itemFromFields(fields);
    const op = MAIL_LOG_OPS[desc] ?? "update";
    return at.change({
      tsDesc: TIME.mailbox_change,
      action: desc,
      op,
      folder: op === "copy" ? mailLog[2] : item.folder ?? mailboxScope,
      destFolder: op === "copy" ? item.folder : undefined,
      items: [item],
      messageCount: 1,
      flags: flagsOf(fields.flags),
      detail: DETAIL.mail_log_subject({ subject: fields.subject || undefined }),
    });
  }

  const opened = /^UID (\d+): Opened mail because: (.*)$/.exec(body);
  if (opened) return mapOpened(mailboxScope, Number(opened[1]), opened[2] as string, at);

  const uidLine = /^UID (\d+): (.*)$/.exec(body);
  if (uidLine) {
    const detail = DETAIL.uid_line({ folder: mailboxScope, uid: uidLine[1], text: uidLine[2] })?.trim();
    return at.other({ tsDesc: TIME.event, action: uidLine[2] as string, detail, extra: { folder: mailboxScope, uid: Number(uidLine[1]) } });
  }

  const folderOp = /^Mailbox (created|deleted|renamed)(?:: (.*))?$/.exec(body);
  if (folderOp) {
    const what = folderOp[1] as string;
    const name = folderOp[2] ?? mailboxScope;
    const change = what === "created" ? "folder-create" : what === "deleted" ? "folder-delete" : "folder-rename";
    return at.config({ tsDesc: TIME.folder_change, action: `Mailbox ${what}`, change, target: name, detail: name });
  }

  const logout = /^(?:Disconnected: )?(.*?)\s*((?:\b[a-z_]+=[\d/]*(?:,)?\s*)+)$/.exec(body);
  if (logout && /(?:^|\s)(?:in=\d|top=|retr=|body_count=)/.test(logout[2] as string)) {
    const counters = parseCounters(logout[2] as string);
    const reads = counters["body_count"] ?? counters["retr_count"];
    const detail = (logout[1] as string).replace(/^Disconnected:?\s*/, "") || undefined;
    return at.sessionEnd({ tsDesc: TIME.logout, action: "Disconnected", protocol: protocolOfProcess(c.prefix.process), counters, messageCount: reads, detail });
  }

  const command = /^Command finished: (.*)$/.exec(body);
  if (command) return mapCommand(command[1] as string, mailboxScope, at);

  if (body.startsWith("ID sent: ")) {
    const client = clientFromId(body.slice(9));
    return at.other({ tsDesc: TIME.client_id, action: "ID sent", userAgent: userAgentOf(client), detail: body.slice(9) });
  }
  return otherEvent(text, c);
}

/** Logout counters: `in=1 out=2 ...` and POP3's `top=0/0, retr=28/154118, del=0/28, size=1`. */
export function parseCounters(text: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const match of text.matchAll(/\b([a-z_]+)=(\d+)(?:\/(\d+))?/g)) {
    const key = match[1] as string;
    const first = Number(match[2]);
    if (match[3] === undefined) {
      counters[key] = first;
    } else if (key === "del") {
      counters["del_count"] = first;
      counters["mailbox_messages"] = Number(match[3]);
    } else {
      counters[`${key}_count`] = first;
      counters[`${key}_bytes`] = Number(match[3]);
    }
  }
  return counters;
}

function mapOpened(folder: string | undefined, uid: number, reason: string, at: DovecotContext): MapResult {
  if (reason === "prefetch" || reason === "access") {
    const item: MessageItem = { uid, folder };
    return at.read({ tsDesc: TIME.message_open, action: `Opened mail: ${reason}`, how: reason, folder, items: [item], messageCount: 1 });
  }
  // `search` scans a message without returning it; `mail stream`/header reasons fill the cache.
  const action = reason === "search" ? "Opened mail: search scan" : "Opened mail: cache fill";
  const detail = DETAIL.uid_line({ folder, uid, text: reason })?.trim();
  return at.other({ tsDesc: TIME.message_open, action, detail, extra: { folder, uid, reason } });
}

/** `Command finished: UID SEARCH BODY bank` (the debug line) or the exporter's cmd_name + cmd_args. */
function mapCommand(commandLine: string, folder: string | undefined, at: DovecotContext, reply?: string): MapResult {
  const parts = /^((?:UID )?[A-Z]+)(?: (.*))?$/.exec(commandLine);
  const name = parts?.[1] ?? commandLine;
  const args = parts?.[2] ?? "";
  const verb = name.replace(/^UID /, "");
  if (verb === "SEARCH" || verb === "SORT" || verb === "THREAD") {
    return at.search({ tsDesc: TIME.command, action: name, query: args, folder, detail: reply });
  }
  if (verb === "ID") {
    return at.other({ tsDesc: TIME.command, action: name, userAgent: userAgentOf(clientFromId(args)), detail: args });
  }
  // Arguments and reply, or whichever of them there is.
  const detail = args && reply ? DETAIL.command_reply({ command: args, reply }) : args || reply || undefined;
  return at.other({ tsDesc: TIME.command, action: name, detail, extra: folder ? { folder } : undefined });
}

function sessionKeys(session: string | undefined): ParsedEvent["keys"] {
  return session ? { serverSessionId: session } : undefined;
}

function otherEvent(text: string, c: LineContext): ParsedEvent {
  const session = c.prefix.session || undefined;
  const action = c.prefix.level && c.prefix.level !== "Info" ? `${c.prefix.process} ${c.prefix.level}` : c.prefix.process;
  const user = c.prefix.paren && !/^\d+$/.test(c.prefix.paren) ? c.prefix.paren : undefined;
  return recordContext({ ts: c.ts, tsDesc: TIME.log, action, ref: c.ref, user, sessionId: session, keys: sessionKeys(session) }).other({ detail: text });
}

const MAIL_PROCESSES = new Set(["imap", "pop3", "lmtp", "lda", "doveadm", "submission", "managesieve", "indexer-worker"]);

/** Maps one Dovecot message (prefix already split off). `stats` lines are handled by the caller. */
export function mapDovecotMessage(text: string, c: LineContext): MapResult {
  const process = c.prefix.process;
  if (process.endsWith("-login")) return mapLoginProcess(text, c);
  if (process === "auth" || process === "auth-worker") return mapAuth(text, c);
  if (MAIL_PROCESSES.has(process)) return mapMailProcess(text, c);
  return otherEvent(text, c);
}

type ExporterRecord = {
  event?: unknown;
  start_time?: unknown;
  end_time?: unknown;
  fields?: Record<string, unknown>;
};

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

/** One event-exporter record (JSON), from an events file or a `stats: {...}` log line. */
export function mapExporterEvent(record: ExporterRecord, ref: RecordRef): MapResult {
  const name = str(record.event);
  const fields = record.fields ?? {};
  const when = str(record.end_time) ?? str(record.start_time);
  const ts = when === undefined ? Number.NaN : Date.parse(when);
  if (!name || !Number.isFinite(ts)) return { warning: "event-exporter record without event name or valid end_time" };
  const session = str(fields["session"]);
  const user = str(fields["user"]);
  const at = new DovecotContext({
    ts,
    ref,
    user,
    clientIp: str(fields["remote_ip"]),
    clientPort: typeof fields["remote_port"] === "number" ? fields["remote_port"] : undefined,
    sessionId: session,
    keys: sessionKeys(session),
  });
  const folder = str(fields["mailbox"]);
  switch (name) {
    case "auth_client_request_finished": {
      const error = str(fields["error"]);
      const action = error ? "Authentication failed" : "Authentication succeeded";
      return at.auth({ tsDesc: TIME.authentication, action, result: error ? "failure" : "success", protocol: str(fields["service"]), method: str(fields["mechanism"]), tls: str(fields["transport"]), failureReason: error });
    }
    case "mail_opened": {
      const uid = typeof fields["uid"] === "number" ? fields["uid"] : Number(fields["uid"]);
      if (!Number.isFinite(uid)) return { warning: "mail_opened event without a numeric uid" };
      return mapOpened(folder, uid, str(fields["reason"]) ?? "", at);
    }
    case "imap_command_finished": {
      const command = [str(fields["cmd_name"]) ?? str(fields["name"]) ?? "?", str(fields["cmd_human_args"]) ?? str(fields["cmd_args"])]
        .filter((part) => part !== undefined)
        .join(" ");
      return mapCommand(command, folder, at, str(fields["tagged_reply"]));
    }
    case "mail_user_session_finished":
    case "login_aborted":
      return at.sessionEnd({ tsDesc: TIME.session_end, action: name, counters: numericFields(fields), detail: str(fields["reason"]) });
    case "mail_expunged": {
      const item: MessageItem = { uid: typeof fields["uid"] === "number" ? fields["uid"] : undefined, folder };
      return at.change({ tsDesc: TIME.expunge, action: name, op: "expunge", folder, items: [item], messageCount: 1 });
    }
    default:
      return at.other({ tsDesc: TIME.event, action: name, extra: { fields } });
  }
}

function numericFields(fields: Record<string, unknown>): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [key, value] of Object.entries(fields)) if (typeof value === "number") counters[key] = value;
  return counters;
}
