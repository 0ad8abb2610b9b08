/** The IOC file (docs/output-contract.md): YAML, or plain text with one IP or CIDR per line. */
import { readFileSync } from "node:fs";
import ipaddr from "ipaddr.js";
import { parse as parseYaml } from "yaml";
import { MailtrailError } from "../model/errors.js";
import { normalizeIp } from "../lib/ip.js";

export interface IpIndicator {
  /** As written in the IOC file. */
  text: string;
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  label?: string;
  note?: string;
}

export interface Iocs {
  ips: IpIndicator[];
  userAgents: string[];
  sessions: string[];
  appIds: string[];
  emailAddresses: string[];
  from?: number;
  to?: number;
}

export const NO_IOCS: Iocs = { ips: [], userAgents: [], sessions: [], appIds: [], emailAddresses: [] };

function ipIndicator(text: string, where: string, label?: string, note?: string): IpIndicator {
  const trimmed = text.trim();
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    if (trimmed.includes("/")) {
      range = ipaddr.parseCIDR(trimmed);
    } else {
      const ip = normalizeIp(trimmed).ip;
      if (!ip) throw new Error("not an address");
      const address = ipaddr.parse(ip);
      range = [address, address.kind() === "ipv4" ? 32 : 128];
    }
  } catch {
    throw new MailtrailError("BAD_IOC_FILE", `${where}: ${JSON.stringify(text)} is not an IP address or CIDR range`);
  }
  return { text: trimmed, range, label, note };
}

function strings(value: unknown, key: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new MailtrailError("BAD_IOC_FILE", `${path}: '${key}' must be a list of strings`);
  }
  return value as string[];
}

function time(value: unknown, key: string, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new MailtrailError("BAD_IOC_FILE", `${path}: '${key}' is not a date/time: ${text}`);
  return ms;
}

export function parseIocs(text: string, path: string): Iocs {
  const isYaml = text.split(/\r?\n/).some((line) => /^[a-z_]+:(\s|$)/.test(line));
  if (!isYaml) {
    const ips: IpIndicator[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.replace(/#.*$/, "").trim();
      if (line !== "") ips.push(ipIndicator(line, `${path}:${index + 1}`));
    });
    return { ...NO_IOCS, ips };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new MailtrailError("BAD_IOC_FILE", `${path}: invalid YAML: ${(error as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new MailtrailError("BAD_IOC_FILE", `${path}: expected a YAML mapping`);
  const record = doc as Record<string, unknown>;
  const known = new Set(["ips", "user_agents", "sessions", "app_ids", "email_addresses", "from", "to"]);
  for (const key of Object.keys(record)) {
    if (!known.has(key)) throw new MailtrailError("BAD_IOC_FILE", `${path}: unknown key '${key}' (known: ${[...known].join(", ")})`);
  }
  const rawIps = record["ips"] ?? [];
  if (!Array.isArray(rawIps)) throw new MailtrailError("BAD_IOC_FILE", `${path}: 'ips' must be a list`);
  const ips = rawIps.map((entry: unknown, index: number) => {
    const where = `${path}: ips[${index}]`;
    if (typeof entry === "string") return ipIndicator(entry, where);
    if (typeof entry === "object" && entry !== null && typeof (entry as Record<string, unknown>)["ip"] === "string") {
      const object = entry as Record<string, unknown>;
      const label = typeof object["label"] === "string" ? object["label"] : undefined;
      const note = typeof object["note"] === "string" ? object["note"] : undefined;
      return ipIndicator(object["ip"] as string, where, label, note);
    }
    throw new MailtrailError("BAD_IOC_FILE", `${where}: expected an address, a CIDR, or {ip, label, note}`);
  });
  return {
    ips,
    userAgents: strings(record["user_agents"], "user_agents", path),
    sessions: strings(record["sessions"], "sessions", path),
    appIds: strings(record["app_ids"], "app_ids", path).map((id) => id.toLowerCase()),
    emailAddresses: strings(record["email_addresses"], "email_addresses", path).map((address) => address.toLowerCase()),
    from: time(record["from"], "from", path),
    to: time(record["to"], "to", path),
  };
}

export function loadIocs(path: string): Iocs {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new MailtrailError("BAD_IOC_FILE", `cannot read IOC file ${path}: ${(error as Error).message}`);
  }
  return parseIocs(text, path);
}

/** The indicator an address falls under, if any (`ip:port` and `[v6]:port` forms are accepted). */
export function matchIp(iocs: Iocs, raw: string): IpIndicator | undefined {
  const ip = normalizeIp(raw).ip;
  if (!ip) return undefined;
  const address = ipaddr.parse(ip);
  return iocs.ips.find((indicator) => address.kind() === indicator.range[0].kind() && address.match(indicator.range));
}

export function describeIndicator(indicator: IpIndicator): string {
  const label = indicator.label ? ` (${indicator.label})` : "";
  return indicator.text.includes("/") ? `in IOC range ${indicator.text}${label}` : `IOC address ${indicator.text}${label}`;
}
