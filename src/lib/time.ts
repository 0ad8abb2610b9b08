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

/** Is `zone` an IANA zone this runtime knows? */
export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time in `zone` (UTC when absent) to UTC epoch ms. */
export function wallClockToUtc(clock: WallClock & { year: number }, zone: string | undefined): number {
  const naive = Date.UTC(clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second, clock.millis);
  if (!zone || zone === "UTC") return naive;
  // Two passes settle the offset across DST changes.
  const first = naive - zoneOffsetMs(zone, naive);
  return naive - zoneOffsetMs(zone, first);
}

/**
 * Assigns years to year-less timestamps of one file, read in order. Starts from the year of the
 * file's modification time (a line can't be newer than its file): a month after the mtime's month
 * belongs to the year before. A month going backwards by more than half a year (Dec → Jan) is a
 * rollover into the next year.
 */
export class YearResolver {
  private year: number;
  private lastMonth: number | undefined;
  private first: number | undefined;
  readonly inferred: boolean;

  constructor(
    private readonly fixedYear: number | undefined,
    private readonly mtime: Date,
  ) {
    this.inferred = fixedYear === undefined;
    this.year = fixedYear ?? mtime.getUTCFullYear();
  }

  yearFor(month: number): number {
    const year = this.resolve(month);
    this.first ??= year;
    return year;
  }

  private resolve(month: number): number {
    if (this.fixedYear !== undefined && this.lastMonth === undefined) {
      this.lastMonth = month;
      return this.year;
    }
    if (this.lastMonth === undefined) {
      if (month > this.mtime.getUTCMonth()) this.year -= 1;
    } else if (month < this.lastMonth && this.lastMonth - month >= 6) {
      this.year += 1;
    } else if (month > this.lastMonth && month - this.lastMonth >= 6) {
      // Out-of-order line from before a rollover already taken: it belongs to the previous year.
      this.lastMonth = month;
      return this.year - 1;
    }
    this.lastMonth = month;
    return this.year;
  }

  /** The year given to the first line read. */
  get firstYear(): number {
    return this.first ?? this.year;
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
