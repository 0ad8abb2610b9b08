/**
 * Dovecot logs: its own log file (`log_path`, `log_timestamp` with or without a year), classic
 * and RFC 3339/5424 syslog, journald short-iso, TAI64N (multilog), with 2.3 and 2.4 wording and
 * the 1.x forms still met in old archives (`dovecot: auth(default): ...`, `dovecot-auth: pam_unix`).
 */
import { defineFileFormat, type FileContext, type ParsedItem } from "../../model/format.js";
import type { RecordRef } from "../../model/events.js";
import { readLineBatches } from "../../lib/lines.js";
import { headText } from "../../lib/text.js";
import { mapDovecotMessage, mapExporterEvent, type DovecotPrefix, type MapResult } from "./mapping.js";
import { recordContext } from "../build.js";
import { TIME } from "../wording.js";
import { LocalClock, monthIndex, tai64nToMs, YearResolver } from "../../lib/time.js";

// Transport prefixes. Each captures the timestamp pieces and leaves the rest in the last group.
const CLASSIC = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (.*)$/;
const ISO_ZONED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (.*)$/;
const RFC5424 = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) (\S+) (?:-|\[.*?\]) ?(.*)$/;
const LOCAL_YEAR = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))? (.*)$/;
const TAI64N = /^(@[0-9a-f]{24}) (.*)$/;
// `host ident[pid]: ` of syslog transports.
const SYSLOG_HEAD = /^(\S+) ([\w.\/-]+)(?:\[(\d+)\])?: (.*)$/;
// Dovecot's own prefix: `process[(paren)][<pid>][<session>]: [Level: ]text`.
const DOVECOT_PREFIX = /^([a-z][\w-]*)(?:\(([^)]*)\))?(?:<(\d+)>)?(?:<([^>]*)>)?: (?:(Info|Debug|Warning|Error|Fatal|Panic): )?(.*)$/;
const PAM_PREFIX = "pam_unix(dovecot:auth)";
// Every `<service>-login` process (imap, pop3, submission, managesieve, imap-urlauth, custom ones).
const KNOWN_PROCESS = /^(?:[a-z][\w-]*-login|imap|pop3|submission|managesieve|lmtp|lda|auth|auth-worker|master|config|log|anvil|stats|doveadm|indexer|indexer-worker|dict|director|replicator|aggregator|quota-status|lmtp-proxy)$/;
/** Dovecot 1.x through syslog repeats its name before the process: `dovecot: auth(default): ...`. */
const INNER_DOVECOT = /^dovecot: (?=[a-z][\w-]*(?:\([^)]*\))?: )/;

interface Stamp {
  ts: number;
  rest: string;
}

/** Parses a line's timestamp (resolving zone and year) and returns the remaining text. */
class StampReader {
  constructor(
    private readonly years: YearResolver,
    private readonly clock: LocalClock,
  ) {}

  read(line: string): Stamp | undefined {
    const first = line.charCodeAt(0);
    if (first >= 65 && first <= 90) {
      const m = CLASSIC.exec(line);
      const month = m ? monthIndex(m[1] as string) : undefined;
      if (!m || month === undefined) return undefined;
      const year = this.years.yearFor(month);
      const ts = this.clock.toUtc(
        {
          year,
          month,
          day: Number(m[2]),
          hour: Number(m[3]),
          minute: Number(m[4]),
          second: Number(m[5]),
          millis: m[6] ? Math.floor(Number(`0.${m[6]}`) * 1000) : 0,
        },
      );
      return { ts, rest: m[7] as string };
    }
    if (first === 60 /* < */) {
      const m = RFC5424.exec(line);
      if (!m) return undefined;
      const ts = Date.parse(m[1] as string);
      // Keep the `host app[pid]` shape so one path handles every syslog form.
      const app = m[3] === "-" ? "" : (m[3] as string);
      const pid = m[4] === "-" ? "" : `[${m[4]}]`;
      return Number.isFinite(ts) ? { ts, rest: `${m[2]} ${app}${pid}: ${(m[6] as string).replace(/^ /, "")}` } : undefined;
    }
    if (first === 64 /* @ */) {
      const m = TAI64N.exec(line);
      if (!m) return undefined;
      const ts = tai64nToMs(m[1] as string);
      return Number.isFinite(ts) ? { ts, rest: m[2] as string } : undefined;
    }
    if (first >= 48 && first <= 57) {
      const iso = ISO_ZONED.exec(line);
      if (iso) {
        const ts = Date.parse((iso[1] as string).replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
        return Number.isFinite(ts) ? { ts, rest: iso[2] as string } : undefined;
      }
      const local = LOCAL_YEAR.exec(line);
      if (local) {
        const ts = this.clock.toUtc(
          {
            year: Number(local[1]),
            month: Number(local[2]) - 1,
            day: Number(local[3]),
            hour: Number(local[4]),
            minute: Number(local[5]),
            second: Number(local[6]),
            millis: local[7] ? Math.floor(Number(`0.${local[7]}`) * 1000) : 0,
          },
        );
        return { ts, rest: local[8] as string };
      }
    }
    return undefined;
  }
}

/** After the timestamp: strip `host ident[pid]: ` when present; undefined if the line is another program's. */
function dovecotPart(rest: string): { text: string; foreign: boolean } {
  const direct = DOVECOT_PREFIX.exec(rest);
  if (direct && KNOWN_PROCESS.test(direct[1] as string)) return { text: rest, foreign: false };
  // multilog and some syslogs write the ident without a host: `dovecot-auth: pam_unix(...)`.
  const bareIdent = /^[\w.\/-]*dovecot[\w.\/-]*(?:\[\d+\])?: (.*)$/i.exec(rest);
  if (bareIdent) return { text: (bareIdent[1] as string).replace(INNER_DOVECOT, ""), foreign: false };
  const syslog = SYSLOG_HEAD.exec(rest);
  if (syslog) {
    const ident = syslog[2] as string;
    const text = (syslog[4] as string).replace(INNER_DOVECOT, "");
    if (/dovecot/i.test(ident)) return { text, foreign: false };
    // PAM through Dovecot logs under the `auth` ident: `pam_unix(dovecot:auth): authentication failure; ...`
    if (text.startsWith(PAM_PREFIX)) return { text, foreign: false };
  }
  return { text: rest, foreign: true };
}

function looksLikeDovecotLine(line: string, reader: StampReader): boolean {
  const stamp = reader.read(line);
  if (!stamp) return false;
  const part = dovecotPart(stamp.rest);
  if (part.foreign) return false;
  if (part.text.startsWith(PAM_PREFIX)) return true;
  const prefix = DOVECOT_PREFIX.exec(part.text);
  return prefix !== null && KNOWN_PROCESS.test(prefix[1] as string);
}

/** `pam_unix(dovecot:auth): authentication failure; logname= uid=0 ... ruser=x rhost=1.2.3.4` */
function mapPam(text: string, ts: number, ref: RecordRef): ParsedItem {
  const user = /(?:^| )ruser=(\S*)/.exec(text)?.[1] || /(?:^| )user=(\S*)/.exec(text)?.[1];
  // Anchor on a space: `ruser=rhost=1.2.3.4` is an injection attempt, not the address.
  const ip = /(?:^| )rhost=(\S*)/.exec(text)?.[1];
  const at = recordContext({ ts, tsDesc: TIME.auth_failure, action: "PAM authentication failure", ref, result: "failure", user: user || undefined, clientIp: ip || undefined });
  return at.auth({ method: "pam", failureReason: "authentication failure" });
}

export const dovecotLog = defineFileFormat({
  name: "dovecot-log",
  description: "Dovecot 2.x log: log_path file, syslog (classic, RFC 3339, RFC 5424), journald, TAI64N; 2.3 and 2.4",
  sniff(head) {
    const reader = new StampReader(new YearResolver(2000, new Date(0)), new LocalClock(undefined));
    const lines = headText(head).split("\n", 400);
    // A log is mostly timestamped lines (other programs' included); a document quoting a few
    // Dovecot lines between prose is not a log.
    let seen = 0;
    let stamped = 0;
    let dovecot = 0;
    for (const raw of lines) {
      const line = raw.replace(/\r$/, "");
      if (line === "" || line.startsWith("#")) continue;
      seen += 1;
      if (reader.read(line)) stamped += 1;
      if (looksLikeDovecotLine(line, reader)) dovecot += 1;
      if (seen >= 200) break;
    }
    return dovecot > 0 && stamped * 2 >= seen;
  },
  async *parse(source, ctx: FileContext): AsyncGenerator<ParsedItem> {
    const years = new YearResolver(ctx.options.year, source.mtime);
    const clock = new LocalClock(ctx.options.tz);
    const reader = new StampReader(years, clock);
    let foreignLines = 0;
    let commentLines = 0;
    let sawYearless = false;
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        const ref: RecordRef = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes exceeds the line limit; skipped`);
          continue;
        }
        const text = line.text;
        if (text === "") continue;
        if (text.startsWith("#")) {
          commentLines += 1;
          continue;
        }
        const stamp = reader.read(text);
        if (!stamp) {
          ctx.warn(ref, `no recognised timestamp: ${clip(text)}`);
          continue;
        }
        if (!sawYearless && /^[A-Z]/.test(text)) sawYearless = true;
        const part = dovecotPart(stamp.rest);
        if (part.foreign) {
          foreignLines += 1;
          continue;
        }
        if (part.text.startsWith(PAM_PREFIX)) {
          yield mapPam(part.text, stamp.ts, ref);
          continue;
        }
        const prefix = DOVECOT_PREFIX.exec(part.text);
        if (!prefix) {
          ctx.warn(ref, `not a Dovecot message: ${clip(part.text)}`);
          continue;
        }
        if (text.includes("\uFFFD")) ctx.warn(ref, "invalid UTF-8 in line (bytes replaced with U+FFFD); parsed anyway");
        const dovecotPrefix: DovecotPrefix = {
          process: prefix[1] as string,
          paren: prefix[2],
          pid: prefix[3],
          session: prefix[4],
          level: prefix[5],
        };
        const message = prefix[6] as string;
        let mapped: MapResult;
        if (dovecotPrefix.process === "stats" && message.startsWith("{")) {
          mapped = mapStatsLine(message, ref);
        } else {
          mapped = mapDovecotMessage(message, { ts: stamp.ts, ref, prefix: dovecotPrefix });
        }
        if (mapped === undefined) continue;
        if ("warning" in mapped) ctx.warn(ref, mapped.warning);
        else yield mapped;
      }
    }
    if (foreignLines > 0) ctx.note(`${source.file}: ${foreignLines} lines of other programs (not Dovecot) skipped`);
    if (commentLines > 0) ctx.note(`${source.file}: ${commentLines} comment lines (#) skipped`);
    if (sawYearless && years.inferred) {
      ctx.note(`${source.file}: timestamps have no year; year inferred as ${years.firstYear} from the file time (use --year to set it)`);
    }
    const dst = clock.dstNote(source.file);
    if (dst) ctx.note(dst);
    if (sawYearless && !ctx.options.tz) ctx.note(`${source.file}: timestamps have no zone; read as UTC (use --tz to set it)`);
  },
});

function mapStatsLine(json: string, ref: RecordRef): MapResult {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return { warning: "stats line holds invalid JSON" };
  }
  if (typeof record !== "object" || record === null) return { warning: "stats line is not a JSON object" };
  return mapExporterEvent(record as Record<string, unknown>, ref);
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
