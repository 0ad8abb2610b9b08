/**
 * What a case says first (summary.json's `ioc`, the summary printed by `run`/`analyze`, the
 * report's first sentence). Without IOCs nothing is marked as the attacker's, so a case must not
 * read as "nothing happened" while the hunts raised high findings: it names the addresses they
 * flagged. Pure (no Node imports): the report's browser code uses it too.
 */
import type { Finding, Severity } from "../analysis/findings.js";

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** A hunt finding of this severity or stronger makes the addresses it names likely attacker addresses. */
const FLAGGING: ReadonlySet<Severity> = new Set(["critical", "high"]);

/** summary.json `ioc`: whether IOCs were given (the file is in manifest.json's options), and what the hunts (which need none) found. */
export interface IocSummary {
  given: boolean;
  /** Hunt findings (not IOC matches, pivots or exposure gaps) per severity. */
  hunt_findings: Record<Severity, number>;
  /** Addresses named by high or critical hunt findings, most-named first (then in text order). */
  flagged_addresses: string[];
}

/** The `ioc` part of summary.json, from the analysis's findings; `huntRules` are the hunts' rule names. */
export function iocSummary(given: boolean, findings: readonly Finding[], huntRules: ReadonlySet<string>): IocSummary {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  const named = new Map<string, number>();
  for (const finding of findings) {
    if (!huntRules.has(finding.rule)) continue;
    counts[finding.severity] += 1;
    if (!FLAGGING.has(finding.severity)) continue;
    for (const ip of new Set(finding.ips)) named.set(ip, (named.get(ip) ?? 0) + 1);
  }
  const flagged = [...named.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([ip]) => ip);
  return { given, hunt_findings: counts, flagged_addresses: flagged };
}

/** Where a reader goes next for the flagged addresses (one place: a `mailtrail suspects` command would be named here). */
const NEXT_STEP = "see findings.json";

const SHOWN_ADDRESSES = 5;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function addressList(addresses: readonly string[]): string {
  const shown = addresses.slice(0, SHOWN_ADDRESSES).join(", ");
  return addresses.length > SHOWN_ADDRESSES ? `${shown} and ${addresses.length - SHOWN_ADDRESSES} more` : shown;
}

/**
 * The first sentence of a case whose analysis marked no attacker event, from what summary.json
 * holds; undefined when the case has attacker events (their story comes first) or no `ioc` part
 * (ingest only, or written by an older mailtrail).
 */
export function leadSentence(summary: { attacker_events?: unknown; ioc?: unknown }): string | undefined {
  const ioc = summary.ioc as IocSummary | undefined;
  if (!ioc || typeof ioc !== "object" || typeof summary.attacker_events !== "number" || summary.attacker_events > 0) return undefined;
  const opening = ioc.given ? "no event matched the IOCs given" : "no IOC given, so no event is marked as the attacker's";
  const flagged = Array.isArray(ioc.flagged_addresses) ? ioc.flagged_addresses : [];
  if (flagged.length > 0) {
    return `${capitalise(opening)}; the hunts flagged ${plural(flagged.length, "likely attacker address", "likely attacker addresses")}: ${addressList(flagged)} (${NEXT_STEP}).`;
  }
  const counts = ioc.hunt_findings ?? {};
  const total = SEVERITIES.reduce((sum, severity) => sum + (counts[severity] ?? 0), 0);
  if (total > 0) {
    const parts = SEVERITIES.filter((severity) => (counts[severity] ?? 0) > 0).map((severity) => `${counts[severity]} ${severity}`);
    return `${capitalise(opening)}; the hunts raised ${plural(total, "finding")} (${parts.join(", ")}) that name no likely attacker address (${NEXT_STEP}).`;
  }
  return `${capitalise(opening)}, and no hunt raised a finding. That does not prove there was no intrusion: see what the logs could not show.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
