/** Timestamps of logs that carry no year or no zone (classic syslog, Dovecot's default log_timestamp). */

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

/** Wall-clock fields as a log wrote them, before zone and year are resolved. */
export interface WallClock {
  year?: number;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

const offsetCache = new Map<string, number>();

/** Offset of `zone` from UTC in ms at the given UTC instant (cached per zone and hour). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const hourKey = `${zone}|${Math.floor(utcMs / 3_600_000)}`;
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offset = asUtc - Math.floor(utcMs / 1000) * 1000;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(hourKey, offset);
  return offset;
}

/**
 * A fixed offset as `--tz` takes it: `+02:00`, `-0530`, `+2`, optionally after `UTC` or `GMT`
 * (`UTC+2`), in the ISO 8601 sense (east of Greenwich is +; IANA's `Etc/GMT-2` is the same zone with
 * POSIX's inverted sign). Returns the offset in ms, or undefined when `text` is no such offset.
 */
export function fixedOffsetMs(text: string): number | undefined {
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** The forms `--tz` accepts, for its error message and help. */
export const ZONE_FORMS = "use an IANA name such as Europe/Paris, or a fixed offset such as +02:00, -0530 or UTC+2";

/** Is `zone` an IANA zone this runtime knows, or a fixed offset? */
export function isValidZone(zone: string): boolean {
  if (fixedOffsetMs(zone) !== undefined) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How a local time maps to UTC in a zone: once (normal), twice (clocks went back), or never (clocks went forward). */
export type LocalTimeFit = "unique" | "ambiguous" | "missing";

const DAY_MS = 86_400_000;

/**
 * Local wall-clock time in `zone` (UTC when absent; an IANA name or a fixed offset) to UTC epoch
 * ms, and how it fitted. At a DST change the rule is RFC 5545's and Temporal's "compatible": a
 * time that happened twice is read as the first (earlier) one; a time that never happened is read
 * with the offset in force before the change (so 02:30 on a spring-forward night is 03:30 local).
 */
export function resolveLocalTime(clock: WallClock & { year: number }, zone: string | undefined): { ts: number; fit: LocalTimeFit } {
  const naive = Date.UTC(clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second, clock.millis);
  if (!zone || zone === "UTC") return { ts: naive, fit: "unique" };
  const fixed = fixedOffsetMs(zone);
  if (fixed !== undefined) return { ts: naive - fixed, fit: "unique" };
  // Zones change offset at most once in two days: the offsets a day either side are the candidates.
  const before = zoneOffsetMs(zone, naive - DAY_MS);
  const after = zoneOffsetMs(zone, naive + DAY_MS);
  if (before === after) return { ts: naive - before, fit: "unique" };
  const fitsBefore = zoneOffsetMs(zone, naive - before) === before;
  const fitsAfter = zoneOffsetMs(zone, naive - after) === after;
  if (fitsBefore && fitsAfter) return { ts: Math.min(naive - before, naive - after), fit: "ambiguous" };
  if (fitsBefore) return { ts: naive - before, fit: "unique" };
  if (fitsAfter) return { ts: naive - after, fit: "unique" };
  return { ts: naive - before, fit: "missing" };
}

/** Local wall-clock time in `zone` (UTC when absent) to UTC epoch ms (see resolveLocalTime; LocalClock also counts DST fits). */
export function wallClockToUtc(clock: WallClock & { year: number }, zone: string | undefined): number {
  return resolveLocalTime(clock, zone).ts;
}

/**
 * Local times of one file in one zone, counting those a DST change made ambiguous or impossible,
 * so that the summary can say so (with the file and the count).
 */
export class LocalClock {
  ambiguous = 0;
  missing = 0;

  constructor(private readonly zone: string | undefined) {}

  toUtc(clock: WallClock & { year: number }): number {
    const { ts, fit } = resolveLocalTime(clock, this.zone);
    if (fit === "ambiguous") this.ambiguous += 1;
    else if (fit === "missing") this.missing += 1;
    return ts;
  }

  /** The summary note for `file`, when any of its times fell in a DST change. */
  dstNote(file: string): string | undefined {
    const parts: string[] = [];
    if (this.ambiguous > 0) parts.push(`${this.ambiguous} happened twice (clocks went back; read as the first)`);
    if (this.missing > 0) parts.push(`${this.missing} never happened (clocks went forward; read with the offset before the change)`);
    if (parts.length === 0) return undefined;
    return `${file}: ${this.ambiguous + this.missing} local times in ${String(this.zone)} fell in a DST change: ${parts.join("; ")}`;
  }
}

/**
 * A year-less month more than this many months before the latest line read is in the next year
 * (Dec → Jan); less than that, it is an out-of-order line of the same year (merged logs).
 */
const ROLLOVER_MONTHS = 6;

/**
 * Assigns years to year-less timestamps of one file, read in order (docs/formats.md, "Years").
 * The first line's year is `--year`, else the file's modification time's (a line can't be newer
 * than its file: a month after the mtime's month belongs to the year before). After that each
 * line gets the year that puts it nearest the latest line read so far: a month more than six
 * months before the latest one rolls over into the next year, any other month is the same year,
 * or the year before for a month more than six months after it. Only a line later than every
 * line before it moves the latest line forward, so a log that goes back in time (merged or
 * out-of-order logs) never rolls the year on again: one rollover per real year boundary.
 */
export class YearResolver {
  private first: number | undefined;
  /** The latest line so far, as year * 12 + month. */
  private latest: number | undefined;
  readonly inferred: boolean;

  constructor(
    private readonly fixedYear: number | undefined,
    private readonly mtime: Date,
  ) {
    this.inferred = fixedYear === undefined;
  }

  yearFor(month: number): number {
    const year = this.resolve(month);
    this.first ??= year;
    const at = year * 12 + month;
    if (this.latest === undefined || at > this.latest) this.latest = at;
    return year;
  }

  private resolve(month: number): number {
    if (this.latest === undefined) {
      if (this.fixedYear !== undefined) return this.fixedYear;
      const year = this.mtime.getUTCFullYear();
      return month > this.mtime.getUTCMonth() ? year - 1 : year;
    }
    const latestYear = Math.floor(this.latest / 12);
    const latestMonth = this.latest % 12;
    if (latestMonth - month > ROLLOVER_MONTHS) return latestYear + 1;
    if (month - latestMonth > ROLLOVER_MONTHS) return latestYear - 1;
    return latestYear;
  }

  /** The year given to the first line read. */
  get firstYear(): number {
    return this.first ?? this.fixedYear ?? this.mtime.getUTCFullYear();
  }
}

/** Decodes a daemontools TAI64N label (`@400000004c91b044077a9e94`) to epoch ms. */
export function tai64nToMs(label: string): number {
  const hex = label.startsWith("@") ? label.slice(1) : label;
  if (hex.length !== 24) return Number.NaN;
  const seconds = Number.parseInt(hex.slice(8, 16), 16); // low 32 bits of 2^62 + TAI seconds
  const high = Number.parseInt(hex.slice(0, 8), 16) - 0x40000000;
  const nanos = Number.parseInt(hex.slice(16, 24), 16);
  // TAI is 10 s ahead of UTC at the 1970 epoch (daemontools convention, leap seconds ignored).
  return (high * 2 ** 32 + seconds - 10) * 1000 + Math.floor(nanos / 1e6);
}
