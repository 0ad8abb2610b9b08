/**
 * Zimbra's log4j logs (`/opt/zimbra/log/audit.log` and `mailbox.log`):
 * `YYYY-MM-DD HH:MM:SS,mmm LEVEL [thread] [key=value;...] category - message`, in the server's local
 * time with no zone. The context bracket names the account (`name`), the acting admin or delegate
 * (`aname`), the direct peer (`ip`, often the nginx proxy) and the real client (`oip`, first of a
 * comma list), the user agent (`ua`). What matters for an intrusion: `security - cmd=Auth` (and
 * AdminAuth, DelegateAuth) in audit.log, `imap|pop3 - user … authenticated` and `authentication
 * failed for [...]` in mailbox.log, and the per-session command counters of ZCS 9/10. Every other
 * record is kept as `other`; lines without a timestamp (Java stack traces) belong to the record
 * above them and are kept on it (`extra.continuation`, bounded).
 */
import type { ParsedEvent, RecordRef } from "../../model/events.js";
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { readLineBatches } from "../../lib/lines.js";
import { normalizeIp } from "../../lib/ip.js";
import { headText } from "../../lib/text.js";
import { LocalClock } from "../../lib/time.js";
import { recordContext } from "../build.js";
import { TIME } from "../wording.js";

/** Date, time with milliseconds, level (log4j pads it: one or more spaces), thread, then the rest. */
const RECORD = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) +\[([^\]]*)\] +(.*)$/;
/** After the optional context bracket: `category - message`. */
const CATEGORY = /^([A-Za-z0-9_.]+) - /;
/** How much of a stack trace is kept on its record (the rest is counted in a note). */
const MAX_CONTINUATION_LINES = 50;
const ZIMBRA_THREAD = /^(?:qtp\d+|btpool\d+|ImapS?S?L?Server|Pop3S?S?L?Server|LmtpServer|MailboxPurge|ScheduledTask|Timer)/;

interface Context {
  name?: string;
  aname?: string;
  ip?: string;
  oip?: string;
  ua?: string;
  [key: string]: string | undefined;
}

function parseContext(text: string | undefined): Context {
  const context: Context = {};
  if (text === undefined) return context;
  for (const pair of text.split(";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    context[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return context;
}

/** `cmd=Auth; account=a@b; protocol=soap; error=...;` → fields. */
function parseSecurity(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of message.matchAll(/(\w+)=([^;]*);/g)) if (match[1] !== undefined) fields[match[1]] = (match[2] ?? "").trim();
  return fields;
}

/** The client's address: the original client when a proxy says who it was, else the peer. */
function clientOf(context: Context): { clientIp?: string; clientPort?: number } {
  const original = context.oip?.split(",")[0];
  const normalized = normalizeIp(original ?? context.ip);
  return { clientIp: normalized.ip, clientPort: normalized.port };
}

interface Body {
  context: string | undefined;
  category: string;
  message: string;
}

/**
 * `[name=a@b;oip=1.2.3.4;] category - message`, or without the bracket. Cut by index, not by one
 * regular expression: a nested pattern over the bracket backtracked for minutes on a long hostile line.
 */
function splitBody(rest: string): Body | undefined {
  let context: string | undefined;
  let after = rest;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("] ");
    if (close === -1) return undefined;
    context = rest.slice(1, close);
    after = rest.slice(close + 2).trimStart();
  }
  const category = CATEGORY.exec(after);
  if (category?.[1] === undefined) return undefined;
  return { context, category: category[1], message: after.slice(category[0].length) };
}

function mapRecord(ts: number, level: string, thread: string, body: Body, ref: RecordRef): ParsedEvent {
  const context = parseContext(body.context);
  const category = body.category;
  const message = body.message;
  const { clientIp, clientPort } = clientOf(context);
  const extra: Record<string, unknown> = { level, thread, category, ...(context.ip !== undefined && context.oip !== undefined ? { proxy: context.ip } : {}) };
  for (const key of ["aname", "mid", "via", "soapId", "cid", "oproto"]) if (context[key] !== undefined) extra[key] = context[key];
  const base = { ts, ref, user: context.name, clientIp, clientPort, userAgent: context.ua, extra };

  if (category === "security") {
    const fields = parseSecurity(message);
    const command = fields["cmd"] ?? "";
    if (/^(?:Admin|Delegate)?Auth$/.test(command)) {
      const failed = fields["error"] !== undefined;
      // DelegateAuth: an admin (aname) opening another account's mail (`name`/`account`).
      const delegated = command === "DelegateAuth";
      const at = recordContext({
        ...base,
        tsDesc: failed ? TIME.login_failure : TIME.login,
        action: command,
        result: failed ? "failure" : "success",
        user: delegated ? (context.aname ?? context.name) : (fields["account"] ?? context.name),
        mailbox: delegated ? (fields["account"] ?? context.name) : undefined,
      });
      return at.auth({ protocol: fields["protocol"], method: command === "AdminAuth" ? "admin" : undefined, failureReason: fields["error"], detail: message });
    }
    return recordContext({ ...base, tsDesc: TIME.log, action: command || "security" }).other({ detail: message });
  }

  if (category === "imap" || category === "pop3") {
    const success = /^user (\S+) authenticated(?:, mechanism=(\S+))?/.exec(message);
    if (success) {
      return recordContext({ ...base, tsDesc: TIME.login, action: "authenticated", result: "success", user: success[1] ?? context.name }).auth({ protocol: category, method: success[2], detail: message });
    }
    const failure = /^authentication failed for \[([^\]]*)\](?: \(([^)]*)\))?/.exec(message);
    if (failure) {
      return recordContext({ ...base, tsDesc: TIME.login_failure, action: "authentication failed", result: "failure", user: failure[1] || context.name }).auth({ protocol: category, failureReason: failure[2], detail: message });
    }
    // ZCS 9/10 session summary: `[FETCH=0, STORE=0, ...] MailboxSize:a->b InboxNumMsgs:c->d ...`.
    const summary = /^\[((?:[A-Z][^=\],]*=\d+(?:, )?)+)\]/.exec(message);
    if (summary?.[1] !== undefined) {
      const counters: Record<string, number> = {};
      for (const pair of summary[1].split(", ")) {
        const eq = pair.lastIndexOf("=");
        counters[pair.slice(0, eq)] = Number(pair.slice(eq + 1));
      }
      return recordContext({ ...base, tsDesc: TIME.session_end, action: "session summary" }).sessionEnd({ protocol: category, counters, detail: message });
    }
  }
  return recordContext({ ...base, tsDesc: TIME.log, action: category }).other({ detail: message });
}

/** A log4j record line with Zimbra's shape: a known thread or a context bracket. */
function looksZimbra(line: string): boolean {
  const record = RECORD.exec(line);
  if (!record) return false;
  return ZIMBRA_THREAD.test(record[9] ?? "") || /^\[[^\]=;]+=[^\]]*;\] /.test(record[10] ?? "");
}

export const zimbraLog = defineFileFormat({
  name: "zimbra-log",
  description: "Zimbra audit.log and mailbox.log (log4j lines: authentications, IMAP/POP3 logins and session counters, the rest as other)",
  sniff(head) {
    const lines = headText(head).split("\n").filter((line) => line.trim() !== "").slice(0, 50);
    if (lines.length === 0) return false;
    const records = lines.filter((line) => RECORD.test(line)).length;
    // Mostly log4j records (stack-trace lines may sit between them), and Zimbra's own.
    return records * 2 >= lines.length && lines.some(looksZimbra);
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const zone = ctx.options.tz;
    const clock = new LocalClock(zone);
    let records = 0;
    let cut = 0;
    // A record is yielded when the next one starts: the lines between belong to it.
    let pending: ParsedEvent | undefined;
    let trace: string[] = [];
    const flush = (): ParsedEvent | undefined => {
      const event = pending;
      if (event !== undefined && trace.length > 0) event.extra = { ...event.extra, continuation: trace.join("\n") };
      pending = undefined;
      trace = [];
      return event;
    };
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        const ref = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes exceeds the line limit; skipped`);
          continue;
        }
        if (line.text.trim() === "") continue;
        const record = RECORD.exec(line.text);
        if (!record) {
          if (pending === undefined) ctx.warn(ref, "not a Zimbra log record (no timestamp, and no record above it to belong to)");
          else if (trace.length < MAX_CONTINUATION_LINES) trace.push(line.text);
          else cut += 1;
          continue;
        }
        const done = flush();
        if (done !== undefined) yield done;
        const [year, month, day, hour, minute, second, millis] = record.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
        const ts = clock.toUtc({ year, month: month - 1, day, hour, minute, second, millis });
        if (!Number.isFinite(ts) || month < 1 || month > 12 || day < 1 || day > 31) {
          ctx.warn(ref, `timestamp out of range: ${line.text.slice(0, 23)}`);
          continue;
        }
        const body = splitBody(record[10] ?? "");
        if (!body) {
          ctx.warn(ref, "Zimbra log record without `category - message`");
          continue;
        }
        records += 1;
        pending = mapRecord(ts, record[8] ?? "", record[9] ?? "", body, ref);
      }
    }
    const last = flush();
    if (last !== undefined) yield last;
    if (cut > 0) ctx.note(`${source.file}: ${cut} stack-trace line(s) beyond ${MAX_CONTINUATION_LINES} per record not kept`);
    const dst = clock.dstNote(source.file);
    if (dst) ctx.note(dst);
    if (records > 0 && !zone) ctx.note(`${source.file}: timestamps have no zone; read as UTC (use --tz to set it)`);
  },
});
