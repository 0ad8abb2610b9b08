/**
 * One streamed pass over timeline.jsonl: keeps the attacker events (compact rows), counts every
 * event per hour and source for the chart, and picks the key moments. Normal events are never kept.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { AttackerAddress, AttackerRow, ChartBucket, ChartData, Moment } from "./data.js";
import type { StringTable } from "./strings.js";

const HOUR_MS = 3_600_000;
/** A read of at least this many messages in one event or session is marked on the chart as a bulk read. */
export const BULK_READ_MIN = 5;
/** Moments of one type shown on the chart (the first ones); the timeline holds them all. */
export const MOMENTS_PER_TYPE = 12;
/** Fine chart slots (5 minutes), embedded for the attack window when it spans at most FINE_MAX_SPAN. */
export const FINE_STEP_MS = 5 * 60_000;
const FINE_MAX_SPAN_MS = 2 * 24 * HOUR_MS;
/** Past this many distinct fine slots (a very long case) fine counting stops; hourly bars remain. */
const FINE_SLOTS_CAP = 2_000_000;
const FINE_SOURCES_CAP = 256;
const ADDRESS_ACCOUNTS_CAP = 50;
const ADDRESS_REASONS_CAP = 5;

interface TimelineLine {
  ts?: number;
  id?: string;
  kind?: string;
  action?: string;
  result?: string;
  user?: string;
  mailbox?: string;
  clientIp?: string;
  country?: string;
  location?: { country?: string };
  userAgent?: string;
  sessionId?: string;
  detail?: string;
  messageCount?: number;
  items?: { messageId?: string; uid?: number; folder?: string }[];
  how?: string;
  change?: string;
  target?: string;
  grantee?: string;
  counters?: Record<string, number>;
  attacker?: boolean;
  attackerReasons?: string[];
  source?: { parser?: string; file?: string; sha256?: string; line?: number | null; offset?: number | null; recordId?: string | null };
}

export interface TimelineDigest {
  attacker: AttackerRow[];
  addresses: AttackerAddress[];
  signedIn: string[];
  targeted: string[];
  moments: Moment[];
  chart: ChartData;
  range: { first: number; last: number; attackerFirst: number; attackerLast: number; events: number };
  problems: string[];
}

/** The source's own detail, else the messages the event concerns (as the timeline CSV does). */
function detailOf(event: TimelineLine): string {
  if (typeof event.detail === "string" && event.detail !== "") return event.detail;
  const items = event.items ?? [];
  const shown = items.slice(0, 10).map((item) => {
    const where = item.folder ? `${item.folder} ` : "";
    if (item.messageId) return `${where}${item.messageId}`;
    return item.uid !== undefined ? `${where}UID ${item.uid}` : where.trim();
  });
  return shown.join(", ") + (items.length > 10 ? ` (+${items.length - 10} more)` : "");
}

function countOf(event: TimelineLine): number {
  if (typeof event.messageCount === "number") return event.messageCount;
  return event.items?.length ?? 0;
}

function refOf(source: TimelineLine["source"]): string {
  if (!source) return "";
  if (source.recordId !== undefined && source.recordId !== null) return `record ${source.recordId}`;
  if (source.line !== undefined && source.line !== null) return `line ${source.line}`;
  if (source.offset !== undefined && source.offset !== null) return `offset ${source.offset}`;
  return "";
}

/** Messages a session's counters say were read (IMAP bodies, POP3 RETR). */
function sessionReads(counters: Record<string, number> | undefined): number {
  if (!counters) return 0;
  return (counters["body_count"] ?? 0) + (counters["retr_count"] ?? 0);
}

/** The key moment an attacker event is, if any. */
function momentOf(event: TimelineLine, seen: Set<string>): { type: string; label: string } | undefined {
  const who = event.mailbox && event.mailbox !== event.user ? `${event.user ?? "?"} in ${event.mailbox}` : (event.user ?? event.mailbox ?? "unknown account");
  if (event.kind === "auth" && event.result === "failure" && !seen.has("first-failure")) return { type: "first-failure", label: `First failed attacker sign-in (${who})` };
  if (event.kind === "auth" && event.result === "success" && !seen.has("first-success")) return { type: "first-success", label: `First successful attacker sign-in (${who})` };
  if (event.kind === "mailbox.config") {
    if (event.change === "inbox-rule") return { type: "rule", label: `Inbox rule created or changed (${who})` };
    if (event.change === "forwarding") return { type: "forwarding", label: `Forwarding set (${who})` };
    if (event.change === "permission") return { type: "permission", label: `Mailbox permission changed (${who})` };
  }
  if (event.kind === "mail.read" && (event.how === "sync" || countOf(event) >= BULK_READ_MIN)) {
    return { type: "bulk-read", label: `Bulk read: ${event.how === "sync" ? "a folder synchronised" : `${countOf(event)} messages`} (${who})` };
  }
  if (event.kind === "session.end" && sessionReads(event.counters) >= BULK_READ_MIN) {
    return { type: "bulk-read", label: `Bulk read: ${sessionReads(event.counters)} messages downloaded in one session (${who})` };
  }
  if (event.kind === "mail.send") return { type: "send", label: `Mail sent (${who})` };
  return undefined;
}

const TS_FIELD = /"ts":(-?\d+)/;
const PARSER_FIELD = '"source":{"parser":"';

/**
 * Hour and parser of a normal event without parsing the whole line. `"ts":` and the top-level
 * `"source":{"parser":"` cannot occur inside string values (their quotes would be escaped); the
 * last `source` is the top-level one, written after the event's own fields.
 */
function quickFields(line: string): { ts: number; parser: string } | undefined {
  const ts = TS_FIELD.exec(line);
  const at = line.lastIndexOf(PARSER_FIELD);
  if (!ts?.[1] || at < 0) return undefined;
  const start = at + PARSER_FIELD.length;
  const end = line.indexOf('"', start);
  if (end < 0) return undefined;
  return { ts: Number(ts[1]), parser: line.slice(start, end) };
}

/** The attack window padded (10 %, at least an hour) and its fine counts, if short enough. */
export function fineWindow(first: number, last: number, normal: Map<number, number>, attacker: Map<number, number>): ChartData["fine"] {
  const pad = Math.max(HOUR_MS, (last - first) * 0.1);
  const from = Math.floor((first - pad) / FINE_STEP_MS) * FINE_STEP_MS;
  const to = Math.ceil((last + pad) / FINE_STEP_MS) * FINE_STEP_MS;
  if (to - from > FINE_MAX_SPAN_MS) return null;
  const merged = new Map<number, ChartBucket>();
  for (const [map, at] of [[normal, 2], [attacker, 3]] as const) {
    for (const [key, n] of map) {
      const slot = Math.floor(key / FINE_SOURCES_CAP);
      if (slot * FINE_STEP_MS < from || slot * FINE_STEP_MS >= to) continue;
      let bucket = merged.get(key);
      if (!bucket) {
        bucket = [slot, key % FINE_SOURCES_CAP, 0, 0];
        merged.set(key, bucket);
      }
      bucket[at] += n;
    }
  }
  return { step: FINE_STEP_MS, from, to, buckets: [...merged.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]) };
}

export async function digestTimeline(path: string, strings: StringTable): Promise<TimelineDigest | undefined> {
  if (!existsSync(path)) return undefined;
  const attacker: AttackerRow[] = [];
  const sources: string[] = [];
  const sourceIndex = new Map<string, number>();
  const buckets = new Map<string, ChartBucket>();
  const addresses = new Map<string, AttackerAddress & { accountSet: Set<string> }>();
  const signedIn = new Set<string>();
  const targeted = new Set<string>();
  const moments: Moment[] = [];
  const momentCounts = new Map<string, number>();
  const problems: string[] = [];
  const range = { first: 0, last: 0, attackerFirst: 0, attackerLast: 0, events: 0 };

  // Fine counts keyed slot * FINE_SOURCES_CAP + source: plain numbers keep a long case's map small.
  const fineNormal = new Map<number, number>();
  const fineAttacker = new Map<number, number>();
  let fineOn = true;

  const count = (ts: number, parser: string, isAttacker: boolean): void => {
    let source = sourceIndex.get(parser);
    if (source === undefined) {
      source = sources.length;
      sources.push(parser);
      sourceIndex.set(parser, source);
    }
    const hour = Math.floor(ts / HOUR_MS);
    const key = `${hour}:${source}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = [hour, source, 0, 0];
      buckets.set(key, bucket);
    }
    bucket[isAttacker ? 3 : 2] += 1;
    if (fineOn) {
      if (source >= FINE_SOURCES_CAP || fineNormal.size + fineAttacker.size > FINE_SLOTS_CAP) fineOn = false;
      const fineKey = Math.floor(ts / FINE_STEP_MS) * FINE_SOURCES_CAP + source;
      const fine = isAttacker ? fineAttacker : fineNormal;
      fine.set(fineKey, (fine.get(fineKey) ?? 0) + 1);
    }
    if (range.events === 0 || ts < range.first) range.first = ts;
    if (range.events === 0 || ts > range.last) range.last = ts;
    range.events += 1;
  };

  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === "") continue;
    // A top-level `"attacker":true` always appears literally; its absence means a normal event.
    if (!line.includes('"attacker":true')) {
      const quick = quickFields(line);
      if (quick) {
        count(quick.ts, quick.parser, false);
        continue;
      }
    }
    let event: TimelineLine;
    try {
      event = JSON.parse(line) as TimelineLine;
    } catch {
      problems.push(`timeline.jsonl line ${lineNo}: not JSON, left out of the report`);
      continue;
    }
    const ts = typeof event.ts === "number" ? event.ts : Date.parse(String((event as { timestamp?: unknown }).timestamp));
    if (!Number.isFinite(ts)) {
      problems.push(`timeline.jsonl line ${lineNo}: no time, left out of the report`);
      continue;
    }
    const parser = event.source?.parser ?? "unknown";
    count(ts, parser, event.attacker === true);
    if (event.attacker !== true) continue;

    if (attacker.length === 0 || ts < range.attackerFirst) range.attackerFirst = ts;
    if (attacker.length === 0 || ts > range.attackerLast) range.attackerLast = ts;
    const country = event.country ?? event.location?.country;
    const reasons = (event.attackerReasons ?? []).join("; ");
    attacker.push([
      ts,
      String(event.id ?? ""),
      strings.id(event.kind),
      strings.id(event.action),
      strings.id(event.result),
      strings.id(event.user),
      strings.id(event.mailbox),
      strings.id(event.clientIp),
      strings.id(country),
      strings.id(event.userAgent),
      strings.id(event.sessionId),
      strings.id(detailOf(event)),
      countOf(event),
      strings.id(reasons),
      strings.id(parser),
      strings.id(event.source?.file),
      strings.id(refOf(event.source)),
      strings.id(event.source?.sha256),
    ]);

    if (event.kind === "auth" && event.user) {
      targeted.add(event.user);
      if (event.result === "success") signedIn.add(event.user);
    }
    if (event.clientIp) {
      let address = addresses.get(event.clientIp);
      if (!address) {
        address = { ip: event.clientIp, countries: [], events: 0, first: ts, last: ts, accounts: [], accountsTotal: 0, reasons: [], accountSet: new Set() };
        addresses.set(event.clientIp, address);
      }
      address.events += 1;
      address.first = Math.min(address.first, ts);
      address.last = Math.max(address.last, ts);
      if (country && !address.countries.includes(country)) address.countries.push(country);
      for (const who of [event.user, event.mailbox]) {
        if (who && !address.accountSet.has(who)) {
          address.accountSet.add(who);
          if (address.accounts.length < ADDRESS_ACCOUNTS_CAP) address.accounts.push(who);
        }
      }
      for (const reason of event.attackerReasons ?? []) {
        if (address.reasons.length < ADDRESS_REASONS_CAP && !address.reasons.includes(reason)) address.reasons.push(reason);
      }
    }
    const seen = new Set(momentCounts.keys());
    const moment = momentOf(event, seen);
    if (moment && (momentCounts.get(moment.type) ?? 0) < MOMENTS_PER_TYPE) {
      momentCounts.set(moment.type, (momentCounts.get(moment.type) ?? 0) + 1);
      moments.push({ ts, type: moment.type, label: moment.label, eventId: String(event.id ?? ""), source: parser });
    }
  }

  return {
    attacker,
    addresses: [...addresses.values()]
      .map(({ accountSet, ...address }) => ({ ...address, accountsTotal: accountSet.size, countries: address.countries.sort() }))
      .sort((a, b) => b.events - a.events || (a.ip < b.ip ? -1 : 1)),
    signedIn: [...signedIn].sort(),
    targeted: [...targeted].sort(),
    moments,
    chart: {
      sources,
      buckets: [...buckets.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      fine: attacker.length > 0 && fineOn ? fineWindow(range.attackerFirst, range.attackerLast, fineNormal, fineAttacker) : null,
    },
    range,
    problems,
  };
}
