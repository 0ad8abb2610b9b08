import { describe, expect, it } from "vitest";
import { matchIp, parseIocs } from "../../src/analysis/ioc.js";
import { neutralizeCell } from "../../src/output/csv-safe.js";

describe("IOC file", () => {
  it("plain text: one IP or CIDR per line, comments, IPv6", () => {
    const iocs = parseIocs("# seeds\n203.0.113.7\n198.51.100.0/24  # vps range\n\n2001:db8::/32\n", "ioc.txt");
    expect(iocs.ips.map((ip) => ip.text)).toEqual(["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]);
    expect(matchIp(iocs, "198.51.100.200")?.text).toBe("198.51.100.0/24");
    expect(matchIp(iocs, "203.0.113.7:51234")?.text).toBe("203.0.113.7");
    expect(matchIp(iocs, "[2001:db8::5]:443")?.text).toBe("2001:db8::/32");
    expect(matchIp(iocs, "::ffff:203.0.113.7")?.text).toBe("203.0.113.7");
    expect(matchIp(iocs, "203.0.113.8")).toBeUndefined();
    expect(matchIp(iocs, "not an ip")).toBeUndefined();
  });

  it("YAML with labels, user agents, sessions, app ids, addresses and a window", () => {
    const iocs = parseIocs(
      [
        "ips:",
        "  - {ip: 203.0.113.7, label: A1, note: VPS}",
        "  - 198.51.100.0/24",
        'user_agents: ["python-requests/2.31.0"]',
        "sessions: [5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93]",
        "app_ids: [5A95E683-0000-0000-0000-000000000000]",
        "email_addresses: [Erin.Backup@proton.example]",
        "from: 2026-11-26T00:00:00Z",
        "to: 2026-11-27T00:00:00Z",
      ].join("\n"),
      "ioc.yaml",
    );
    expect(iocs.ips[0]).toMatchObject({ text: "203.0.113.7", label: "A1", note: "VPS" });
    expect(iocs.userAgents).toEqual(["python-requests/2.31.0"]);
    expect(iocs.appIds).toEqual(["5a95e683-0000-0000-0000-000000000000"]);
    expect(iocs.emailAddresses).toEqual(["erin.backup@proton.example"]);
    expect(iocs.from).toBe(Date.UTC(2026, 10, 26));
    expect(iocs.to).toBe(Date.UTC(2026, 10, 27));
  });

  it("rejects what it cannot use, saying where", () => {
    expect(() => parseIocs("203.0.113.7\n203.0.113\n", "ioc.txt")).toThrow('ioc.txt:2: "203.0.113" is not an IP address or CIDR range');
    expect(() => parseIocs("ips: [1.2.3.4]\nhashes: [x]\n", "ioc.yaml")).toThrow("unknown key 'hashes'");
    expect(() => parseIocs("ips: [{label: x}]\n", "ioc.yaml")).toThrow("ips[0]");
    expect(() => parseIocs("from: yesterday\n", "ioc.yaml")).toThrow("'from' is not a date/time");
  });
});

describe("CSV cell neutralisation", () => {
  it("prefixes cells a spreadsheet would run as formulas", () => {
    for (const cell of ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx"]) expect(neutralizeCell(cell)).toBe(`'${cell}`);
    for (const cell of ["2026-11-26T14:00:22.000Z", "alice@agency.example", "a=b"]) expect(neutralizeCell(cell)).toBe(cell);
  });
});
