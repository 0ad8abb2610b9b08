/** Timestamps as Microsoft 365 exports write them. All are UTC unless they carry an offset. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AP]M)?\s*$/i;
const DOTNET_JSON = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

function millisOf(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(fraction.slice(0, 3).padEnd(3, "0"));
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function valid(ms: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * ISO 8601 as Graph (`2020-03-13T19:15:41.6195833Z`), AuditData (`2020-02-17T17:12:03`, UTC without
 * `Z`), Log Analytics JSON (`...+00:00`) and Purview (`"2026-01-24T06:54:24.0000000Z "`) write it.
 * No zone means UTC (never the machine's zone). Sub-millisecond digits are dropped.
 */
export function parseIsoUtc(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisOf(m[7])) - offsetMs(m[8]);
  return valid(ms, month, day, hour, minute, second);
}

/**
 * US-culture date-times: Log Analytics CSV (`4/28/2021, 2:54:37.000 PM`) and Purview / PowerShell
 * (`9/20/2023 4:05:03 AM`). Month first: these exports are US-formatted; a day-first export from
 * another culture cannot be told apart, so callers prefer an ISO field when the record has one.
 */
export function parseUsDateTime(text: string): number | undefined {
  const m = US.exec(text);
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  let hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6] ?? 0);
  const meridiem = m[8]?.toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    if (meridiem === "AM" && hour === 12) hour = 0;
    if (meridiem === "PM" && hour !== 12) hour += 12;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisOf(m[7]));
  return valid(ms, month, day, hour, minute, second);
}

/** Any of the forms above, or .NET's `/Date(1700000000000)/` (PowerShell ConvertTo-Json). */
export function parseM365Time(text: string): number | undefined {
  const iso = parseIsoUtc(text);
  if (iso !== undefined) return iso;
  const us = parseUsDateTime(text);
  if (us !== undefined) return us;
  const dotnet = DOTNET_JSON.exec(text.trim());
  return dotnet ? Number(dotnet[1]) : undefined;
}
