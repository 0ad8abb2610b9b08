/** What the hunts share: typed settings, SQL quoting, address lists, finding assembly. */
import ipaddr from "ipaddr.js";
import { normalizeIp } from "../../lib/ip.js";
import { EVENTS } from "../../model/columns.js";
import { MailtrailError } from "../../model/errors.js";
import { eventField } from "../../store/sql.js";
import type { Finding, HuntConfig, Severity } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";

const E = EVENTS.col;

const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

/** One hunt's section of the config, read with the type each key must have. */
export class Settings {
  constructor(
    readonly hunt: string,
    private readonly section: Record<string, unknown>,
  ) {}

  static of(config: HuntConfig, hunt: string): Settings {
    const section = config[hunt];
    if (!section) throw new MailtrailError("USAGE", `hunt config has no section '${hunt}'`);
    return new Settings(hunt, section);
  }

  private value(key: string): unknown {
    if (!(key in this.section)) throw new MailtrailError("USAGE", `hunt config: '${this.hunt}.${key}' is missing`);
    return this.section[key];
  }

  num(key: string): number {
    const value = this.value(key);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new MailtrailError("USAGE", `hunt config: '${this.hunt}.${key}' must be a number`);
    return value;
  }

  bool(key: string): boolean {
    const value = this.value(key);
    if (typeof value !== "boolean") throw new MailtrailError("USAGE", `hunt config: '${this.hunt}.${key}' must be true or false`);
    return value;
  }

  list(key: string): string[] {
    const value = this.value(key);
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) throw new MailtrailError("USAGE", `hunt config: '${this.hunt}.${key}' must be a list of strings`);
    return value as string[];
  }

  severity(key: string): Severity {
    const value = this.value(key);
    if (typeof value !== "string" || !(SEVERITIES as readonly string[]).includes(value)) {
      throw new MailtrailError("USAGE", `hunt config: '${this.hunt}.${key}' must be one of ${SEVERITIES.join(", ")}`);
    }
    return value as Severity;
  }

  get enabled(): boolean {
    return this.bool("enabled");
  }
}

export function strongest(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/** A SQL string literal (config values are the analyst's own, but quotes must still be safe). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `('a', 'b')` for `IN`; an empty list matches nothing. */
export function sqlList(values: readonly string[]): string {
  return values.length === 0 ? "(NULL)" : `(${values.map(sqlString).join(", ")})`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A list of addresses and CIDR ranges from the config, matched against log addresses. */
export class AddressList {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(entries: readonly string[], where: string) {
    this.ranges = entries.map((entry) => {
      try {
        if (entry.includes("/")) return ipaddr.parseCIDR(entry.trim());
        const ip = normalizeIp(entry).ip;
        if (!ip) throw new Error("not an address");
        const address = ipaddr.parse(ip);
        return [address, address.kind() === "ipv4" ? 32 : 128];
      } catch {
        throw new MailtrailError("USAGE", `hunt config: ${where}: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
      }
    });
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  has(raw: string | undefined | null): boolean {
    if (this.ranges.length === 0 || !raw) return false;
    const ip = normalizeIp(raw).ip;
    if (!ip) return false;
    let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(ip);
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
    return this.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}

export function addressList(settings: Settings, key: string): AddressList {
  return new AddressList(settings.list(key), `${settings.hunt}.${key}`);
}

/** Case-insensitive membership for accounts, apps and names from the config. */
export function lowerSet(values: readonly string[]): Set<string> {
  return new Set(values.map((value) => value.toLowerCase()));
}

/** The non-empty strings of a list column (a NULL list is an empty one). */
export function nonEmpty(list: readonly (string | null)[] | null): string[] {
  if (!list) return [];
  return list.filter((item): item is string => typeof item === "string" && item.length > 0);
}

/** The event ids of a finding, capped by `common.max_event_ids`; says how many were left out. */
export function cappedIds(ids: string[], total: number, max: number): { eventIds: string[]; note: string } {
  const eventIds = ids.slice(0, max);
  const note = total > eventIds.length ? ` Only the first ${eventIds.length} of the ${total} events are listed.` : "";
  return { eventIds, note };
}

export function maxEventIds(config: HuntConfig): number {
  return Settings.of(config, "common").num("max_event_ids");
}

/** `list(id ORDER BY ts, id)` capped in SQL, so a huge burst does not fill memory. */
export function idListSql(max: number, alias = ""): string {
  const p = alias ? `${alias}.` : "";
  return `list_slice(list(${p}${E.id} ORDER BY ${p}${E.ts}, ${p}${E.id}), 1, ${Math.max(1, Math.trunc(max))})`;
}

/** A plural for explanations: `3 accounts`, `1 account`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

export function quoteList(values: readonly string[], limit = 20): string {
  const shown = values.slice(0, limit).join(", ");
  return values.length > limit ? `${shown} and ${values.length - limit} more` : shown;
}

/** A finding as hunts build it: times as epoch ms, turned into ISO strings at the end. */
export type FindingParts = Omit<Finding, "first" | "last" | "strength"> & { first?: number; last?: number };

export function finding(parts: FindingParts): Finding {
  const out: Finding = {
    id: parts.id,
    rule: parts.rule,
    title: parts.title,
    severity: parts.severity,
    technique: parts.technique,
    techniqueName: parts.techniqueName,
    explanation: parts.explanation,
    eventIds: parts.eventIds,
    accounts: [...new Set(parts.accounts.filter((account) => account.length > 0))].sort(),
    ips: [...new Set(parts.ips.filter((ip) => ip.length > 0))].sort(),
  };
  if (parts.first !== undefined) out.first = iso(parts.first);
  if (parts.last !== undefined) out.last = iso(parts.last);
  return out;
}

/**
 * Failed sign-in attempts as SQL CTEs `fail_events` (one row per event, with its attempt unit)
 * and `fail_units` (one row per attempt unit). One attempt often leaves several lines: the Entra
 * sign-in and its audit-log copy (same account, address and second), or Dovecot's passdb,
 * login-process and event-exporter lines of one session (which log the number of attempts).
 * Interruptions such as an MFA prompt (`common.ignore_error_codes`) are not failures.
 */
export function failureCtes(config: HuntConfig): string {
  const ignore = Settings.of(config, "common").list("ignore_error_codes");
  return `
  fail_events AS (
    SELECT ${E.id}, ${E.ts}, lower(${E.userName}) AS account, ${E.clientIp} AS ip,
           CASE WHEN ${E.sessionId} IS NOT NULL AND ${eventField("keys.requestId")} IS NULL
                THEN 's|' || ${E.sessionId} || '|' || lower(${E.userName})
                ELSE 't|' || lower(${E.userName}) || '|' || coalesce(${E.clientIp}, '') || '|' || (${E.ts} // 1000)::VARCHAR END AS unit,
           TRY_CAST(${eventField("attempts")} AS BIGINT) AS attempts
    FROM ${LIVE_EVENTS}
    WHERE ${E.kind} = 'auth' AND ${E.result} = 'failure' AND coalesce(${E.userName}, '') <> ''
      AND coalesce(${eventField("errorCode")}, '') NOT IN ${sqlList(ignore)}
  ),
  fail_units AS (
    SELECT unit, any_value(account) AS account, max(ip) AS ip, min(ts) AS ts, max(ts) AS last_ts,
           greatest(1, coalesce(max(attempts), 1)) AS attempts
    FROM fail_events GROUP BY unit
  )`;
}
