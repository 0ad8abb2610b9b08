/** src/lib/time.ts: years of year-less logs, --tz forms, local times at DST changes (docs/formats.md, "Timestamps"). */
import { describe, expect, it } from "vitest";
import { fixedOffsetMs, isValidZone, LocalClock, monthIndex, resolveLocalTime, YearResolver } from "../../src/lib/time.js";

const months = (names: string): number[] => names.split(" ").map((name) => monthIndex(name) as number);
const yearsOf = (resolver: YearResolver, names: string): number[] => months(names).map((month) => resolver.yearFor(month));

describe("YearResolver", () => {
  it("rolls over once at a real year boundary", () => {
    const resolver = new YearResolver(undefined, new Date("2026-02-10T00:00:00Z"));
    expect(yearsOf(resolver, "Nov Dec Dec Jan Feb")).toEqual([2025, 2025, 2025, 2026, 2026]);
    expect(resolver.firstYear).toBe(2025);
  });

  it("a merged log that goes back and forth across New Year never drifts: every Jan is 2026, every Dec 2025", () => {
    // Two servers' logs interleaved: the old resolver took each Dec → Jan as another rollover
    // (2026, 2027, 2028...).
    const resolver = new YearResolver(2025, new Date("2026-03-01T00:00:00Z"));
    expect(yearsOf(resolver, "Dec Jan Dec Jan Dec Jan Nov Jan Dec Feb")).toEqual([2025, 2026, 2025, 2026, 2025, 2026, 2025, 2026, 2025, 2026]);
  });

  it("lines going back by up to six months stay in the year; more than six months back is the next year", () => {
    const resolver = new YearResolver(2025, new Date(0));
    // Jul, then Jan (six months back: an out-of-order line of the same year), then Aug.
    expect(yearsOf(resolver, "Jul Jan Aug")).toEqual([2025, 2025, 2025]);
    // Aug → Jan: seven months back, a rollover.
    expect(yearsOf(resolver, "Jan")).toEqual([2026]);
    // Then Dec (one month before the latest Jan): the year before.
    expect(yearsOf(resolver, "Dec Jan Mar")).toEqual([2025, 2026, 2026]);
  });

  it("a log spanning two New Years rolls over twice, once for each", () => {
    const resolver = new YearResolver(2024, new Date(0));
    expect(yearsOf(resolver, "Nov Jan Apr Aug Dec Jan Feb")).toEqual([2024, 2025, 2025, 2025, 2025, 2026, 2026]);
  });

  it("without --year the first line's year comes from the file time (a month after the mtime's is the year before)", () => {
    expect(new YearResolver(undefined, new Date("2026-03-15T00:00:00Z")).yearFor(monthIndex("Apr") as number)).toBe(2025);
    expect(new YearResolver(undefined, new Date("2026-03-15T00:00:00Z")).yearFor(monthIndex("Mar") as number)).toBe(2026);
  });
});

describe("--tz forms", () => {
  it("fixed offsets in ISO 8601's sense, with or without UTC/GMT", () => {
    expect(fixedOffsetMs("+02:00")).toBe(7_200_000);
    expect(fixedOffsetMs("+0200")).toBe(7_200_000);
    expect(fixedOffsetMs("UTC+2")).toBe(7_200_000);
    expect(fixedOffsetMs("gmt+02:00")).toBe(7_200_000);
    expect(fixedOffsetMs("-05:30")).toBe(-19_800_000);
    expect(fixedOffsetMs("UTC-0530")).toBe(-19_800_000);
    for (const bad of ["+25:00", "+02:75", "2", "UTC+", "Europe/Paris", "+02:00:00"]) expect(fixedOffsetMs(bad), bad).toBeUndefined();
  });

  it("accepts IANA names and fixed offsets, nothing else", () => {
    for (const good of ["Europe/Paris", "UTC", "+02:00", "UTC+2", "-0530", "Etc/GMT-2"]) expect(isValidZone(good), good).toBe(true);
    for (const bad of ["Mars/Olympus", "+2h", "CEST+1"]) expect(isValidZone(bad), bad).toBe(false);
  });

  it("a fixed offset converts without DST: 14:00 at +02:00 is 12:00Z, in summer and in winter", () => {
    for (const month of [0, 6]) {
      expect(new Date(resolveLocalTime({ year: 2026, month, day: 1, hour: 14, minute: 0, second: 0, millis: 0 }, "UTC+2").ts).toISOString()).toBe(
        `2026-0${month + 1}-01T12:00:00.000Z`,
      );
    }
  });
});

describe("local times at a DST change (Europe/Paris, 2026)", () => {
  const at = (month: number, day: number, hour: number, minute: number) => ({ year: 2026, month, day, hour, minute, second: 0, millis: 0 });
  const iso = (ms: number): string => new Date(ms).toISOString();

  it("02:30 on 25 October happened twice: read as the first (CEST, 00:30Z)", () => {
    const fit = resolveLocalTime(at(9, 25, 2, 30), "Europe/Paris");
    expect(fit.fit).toBe("ambiguous");
    expect(iso(fit.ts)).toBe("2026-10-25T00:30:00.000Z");
  });

  it("02:30 on 29 March never happened: read with the offset before the change (01:30Z, 03:30 CEST)", () => {
    const fit = resolveLocalTime(at(2, 29, 2, 30), "Europe/Paris");
    expect(fit.fit).toBe("missing");
    expect(iso(fit.ts)).toBe("2026-03-29T01:30:00.000Z");
  });

  it("times either side of the change are unique and exact", () => {
    expect(resolveLocalTime(at(2, 29, 1, 59), "Europe/Paris")).toEqual({ ts: Date.parse("2026-03-29T00:59:00Z"), fit: "unique" });
    expect(resolveLocalTime(at(2, 29, 3, 0), "Europe/Paris")).toEqual({ ts: Date.parse("2026-03-29T01:00:00Z"), fit: "unique" });
    expect(resolveLocalTime(at(9, 25, 3, 0), "Europe/Paris")).toEqual({ ts: Date.parse("2026-10-25T02:00:00Z"), fit: "unique" });
    expect(resolveLocalTime(at(6, 1, 12, 0), "Europe/Paris")).toEqual({ ts: Date.parse("2026-07-01T10:00:00Z"), fit: "unique" });
  });

  it("LocalClock counts them per file and says so in one note", () => {
    const clock = new LocalClock("Europe/Paris");
    clock.toUtc(at(9, 25, 2, 30));
    clock.toUtc(at(9, 25, 2, 45));
    clock.toUtc(at(2, 29, 2, 30));
    clock.toUtc(at(6, 1, 12, 0));
    expect(clock.dstNote("logs/mail.log")).toBe(
      "logs/mail.log: 3 local times in Europe/Paris fell in a DST change: 2 happened twice (clocks went back; read as the first); 1 never happened (clocks went forward; read with the offset before the change)",
    );
    expect(new LocalClock("Europe/Paris").dstNote("x")).toBeUndefined();
  });
});
