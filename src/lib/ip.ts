import ipaddr from "ipaddr.js";

export interface NormalizedIp {
  ip?: string;
  port?: number;
}

const PLAIN_V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * One address for every form logs write a client IP in: `1.2.3.4`, `1.2.3.4:5555`,
 * `[2001:db8::1]:443`, `[2001:db8::1]`, `::ffff:1.2.3.4` (an IPv4 seen through an IPv6 socket),
 * bare IPv6. IPv6 comes back in RFC 5952 form (lowercase, shortest), so the same address always
 * compares equal. Anything that is not an address gives `{}`.
 */
export function normalizeIp(raw: string | undefined | null): NormalizedIp {
  if (raw === undefined || raw === null) return {};
  const text = raw.trim();
  if (text.length === 0) return {};
  // Fast path: the common case needs no parsing library.
  if (PLAIN_V4.test(text)) return { ip: text };

  let host = text;
  let port: number | undefined;
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close === -1) return {};
    const rest = host.slice(close + 1);
    host = host.slice(1, close);
    if (rest.length > 0) {
      if (!/^:\d{1,5}$/.test(rest)) return {};
      port = Number(rest.slice(1));
    }
  } else {
    const colon = host.indexOf(":");
    // Exactly one colon: IPv4 with a port (IPv6 always has at least two).
    if (colon !== -1 && host.indexOf(":", colon + 1) === -1) {
      const portText = host.slice(colon + 1);
      if (!/^\d{1,5}$/.test(portText)) return {};
      port = Number(portText);
      host = host.slice(0, colon);
    }
  }
  if (port !== undefined && port > 65535) return {};

  if (!ipaddr.isValid(host)) return {};
  let address = ipaddr.parse(host);
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) address = v6.toIPv4Address();
  }
  const ip = address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
  // ipaddr.js accepts legacy IPv4 forms (`10.1`, octal): only dotted quads are addresses here.
  if (address.kind() === "ipv4" && !PLAIN_V4.test(ip)) return {};
  if (address.kind() === "ipv4" && !PLAIN_V4.test(host) && !host.includes(":")) return {};
  return port === undefined ? { ip } : { ip, port };
}
