/**
 * Values as AWS logs write them: times in their several forms, caller addresses that may be
 * service names, redaction markers, account ids, and the `AWSLogs/` delivery paths.
 */
import { normalizeIp } from "../../lib/ip.js";
import { parseIsoUtc } from "../m365/time.js";
import { isObj, type Obj } from "../m365/values.js";

export { isObj, type Obj };

/** What AWS writes in place of a value it will not log. */
export const REDACTED = new Set(["<sensitiveDataRemoved>", "HIDDEN_DUE_TO_SECURITY_REASONS"]);

/** A non-empty string (numbers as text); redaction markers and `""` count as absent. */
export function text(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed.length === 0 || REDACTED.has(trimmed) ? undefined : value;
}

/** A finite number from a number or numeric text (`791.0`, `"236375"`). */
export function number(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `true`/`false` as booleans or text in any case (`"YES"`, `"Yes"`, `"true"`). */
export function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === "true" || lower === "yes" || lower === "1") return true;
  if (lower === "false" || lower === "no" || lower === "0") return false;
  return undefined;
}

/** A field by its camelCase name or the PascalCase the AWS CLI writes (`accountId` / `AccountId`). */
export function field(record: Obj, name: string): unknown {
  const value = record[name];
  if (value !== undefined) return value;
  return record[name.charAt(0).toUpperCase() + name.slice(1)];
}

export function objectAt(record: Obj, name: string): Obj | undefined {
  const value = field(record, name);
  return isObj(value) ? value : undefined;
}

const BASIC_ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** Java's default `Date` text in responseElements: `Mar 24, 2014 9:11:59 PM` (UTC). */
const JAVA_LOCALE = /^([A-Za-z]{3})\w* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)?$/i;
/** The console's display form: `July 19, 2023, 14:20:33 (UTC-07:00)`. */
const CONSOLE = /^([A-Za-z]{3})\w* (\d{1,2}), (\d{4}), (\d{1,2}):(\d{2}):(\d{2})(?: ([AP]M))? \(UTC([+-]\d{1,2}):?(\d{2})?\)$/i;

function clock(hourText: string, meridiem: string | undefined): number | undefined {
  let hour = Number(hourText);
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) return undefined;
  const pm = meridiem.toUpperCase() === "PM";
  if (hour === 12) hour = pm ? 12 : 0;
  else if (pm) hour += 12;
  return hour;
}

/**
 * A time as AWS records write it, to UTC ms: ISO 8601 (`2014-03-06T21:22:54Z`, with an offset,
 * Python's `2022-02-08 09:23:37+11:00`), ISO basic (`20131102T010628Z`), Unix seconds (a number
 * or numeric text, `1424476529.0`), Java's `Mar 24, 2014 9:11:59 PM`, the console's display form.
 * The documentation's own copy damage (`2021-02-21T23: 46: 28Z`) is repaired.
 */
export function awsTime(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? Math.round(value < 1e11 ? value * 1000 : value) : undefined;
  if (typeof value !== "string") return undefined;
  const raw = value.trim();
  if (raw === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return awsTime(Number(raw));
  const iso = parseIsoUtc(raw) ?? parseIsoUtc(raw.replace(/: /g, ":"));
  if (iso !== undefined) return iso;
  const basic = BASIC_ISO.exec(raw);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic.map(Number) as [number, number, number, number, number, number, number];
    return Date.UTC(y, mo - 1, d, h, mi, s);
  }
  const java = JAVA_LOCALE.exec(raw);
  if (java) {
    const month = MONTHS[(java[1] ?? "").toLowerCase()];
    const hour = clock(java[4] ?? "", java[7]);
    if (month !== undefined && hour !== undefined) return Date.UTC(Number(java[3]), month, Number(java[2]), hour, Number(java[5]), Number(java[6]));
  }
  const shown = CONSOLE.exec(raw);
  if (shown) {
    const month = MONTHS[(shown[1] ?? "").toLowerCase()];
    const hour = clock(shown[4] ?? "", shown[7]);
    if (month !== undefined && hour !== undefined) {
      const offsetHours = Number(shown[8]);
      const offset = (Math.abs(offsetHours) * 60 + Number(shown[9] ?? 0)) * 60_000 * (offsetHours < 0 || shown[8]?.startsWith("-") ? -1 : 1);
      return Date.UTC(Number(shown[3]), month, Number(shown[2]), hour, Number(shown[5]), Number(shown[6])) - offset;
    }
  }
  return undefined;
}

/** Where a caller's address goes: an IP to `clientIp`, a service name apart, anything else kept verbatim. */
export interface SourceAddress {
  clientIp?: string;
  sourceService?: string;
  sourceAddress?: string;
}

export function sourceAddressOf(value: unknown): SourceAddress {
  const raw = text(value)?.trim();
  if (raw === undefined) return {};
  // Letters past `f` or spaces: a name (`ec2.amazonaws.com`, `AWS Internal`), never an address.
  if (/[g-zG-Z\s]/.test(raw)) return { sourceService: raw };
  const ip = normalizeIp(raw).ip;
  if (ip !== undefined) return { clientIp: ip };
  // Digits, dots and colons only: an address that does not parse (leading zeros of anonymised logs).
  if (/^\d+(\.\d+)+$/.test(raw) || (raw.includes(":") && /^[\da-f:.[\]]+$/i.test(raw))) return { sourceAddress: raw };
  return { sourceService: raw };
}

const ACCOUNT = /^\d{12}$/;
const ARN_ACCOUNT = /^arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):/;

/** The account id an ARN names (`arn:aws:iam::123456789012:user/x` → `123456789012`). */
export function arnAccount(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : ARN_ACCOUNT.exec(arn)?.[1];
}

export function isAccountId(value: string): boolean {
  return ACCOUNT.test(value);
}

/** An ARN as written, with the spaces of damaged documentation copies (`arn: aws: sts: : 1234…`) removed. */
export function cleanArn(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  return raw.startsWith("arn:") && raw.includes(" ") ? raw.replace(/\s+/g, "") : raw;
}

/** What an `AWSLogs/` path says about a delivered log: account, region and organisation id. */
export interface DeliveryPath {
  accountId?: string;
  region?: string;
  organizationId?: string;
  /** `CloudTrail`, `CloudTrail-Digest`, `vpcflowlogs`, ... */
  service?: string;
}

const AWSLOGS = /(?:^|[/!])AWSLogs\/(?:(o-[a-z0-9]+)\/)?(\d{12})\/([A-Za-z-]+)\/([a-z]{2}(?:-[a-z]+)+-\d)\//;
/** The delivered file's own name: `<account>_CloudTrail_<region>_…`, `<account>_vpcflowlogs_<region>_…`. */
const DELIVERED_NAME = /(?:^|\/)(\d{12})_(CloudTrail|CloudTrail-Digest|vpcflowlogs)_([a-z]{2}(?:-[a-z]+)+-\d)_[^/]*$/;
const AWSLOGS_HIVE = /(?:^|[/!])AWSLogs\/aws-account-id=(\d{12})\/aws-service=([A-Za-z-]+)\/aws-region=([a-z0-9-]+)\//;

export function deliveryPath(file: string): DeliveryPath {
  const path = file.replace(/\\/g, "/");
  const plain = AWSLOGS.exec(path);
  if (plain) return { organizationId: plain[1], accountId: plain[2], service: plain[3], region: plain[4] };
  const hive = AWSLOGS_HIVE.exec(path);
  if (hive) return { accountId: hive[1], service: hive[2], region: hive[3] };
  const named = DELIVERED_NAME.exec(path);
  if (named) return { accountId: named[1], service: named[2], region: named[3] };
  return {};
}

/** Drops undefined and empty-string members, so events stay small. */
export function compact<T extends object>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const key in values) {
    const value = (values as Record<string, unknown>)[key];
    if (value === undefined || value === "") continue;
    out[key] = value;
  }
  return out as T;
}

/** A list, or undefined when it is empty (optional list fields are left out rather than written empty). */
export function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list;
}

/** `[value]` (one bracket pair around the whole, as S3 data events write user agents) → `value`. */
export function unbracket(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length > 2 && value.startsWith("[") && value.endsWith("]") && value.indexOf("]") === value.length - 1 ? value.slice(1, -1) : value;
}
