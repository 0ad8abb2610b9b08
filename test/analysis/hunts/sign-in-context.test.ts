import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firstSeen } from "../../../src/analysis/hunts/first-seen.js";
import { impossibleTravel } from "../../../src/analysis/hunts/impossible-travel.js";
import { legacyProtocol } from "../../../src/analysis/hunts/legacy-protocol.js";
import { at, failedSignIn, openFixture, signIn, type Fixture } from "./store-fixture.js";

const AMSTERDAM = { city: "Amsterdam", country: "NL", latitude: 52.37, longitude: 4.9 };
const ASHBURN = { city: "Ashburn", country: "US", latitude: 39.04, longitude: -77.49 };
const DUBLIN = { city: "Dublin", country: "IE", latitude: 53.35, longitude: -6.26 };
const NEW_YORK = { city: "New York", country: "US", latitude: 40.71, longitude: -74.01 };
const ERIN = "erin.walsh@agency.example";

describe("sign-in context hunts", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await openFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it("impossible travel: Amsterdam then Ashburn 17 minutes later (token replay)", async () => {
    await fx.add(
      signIn({ id: "ams", ts: at("08:07:12"), user: ERIN, clientIp: "198.51.100.23", location: AMSTERDAM, device: "Windows 10 / Chrome" }),
      // The audit-log copy has no location: it does not take part.
      { ...signIn({ ts: at("08:07:12"), user: ERIN, clientIp: "198.51.100.23", action: "UserLoggedIn" }), id: "ual" },
      signIn({ id: "ash", ts: at("08:23:58"), user: ERIN, clientIp: "203.0.113.50", location: ASHBURN }),
    );
    const findings = await fx.hunt(impossibleTravel);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "impossible-travel:erin.walsh@agency.example:2026-11-26T08:23:58.000Z",
      rule: "impossible-travel",
      title: "erin.walsh@agency.example: Amsterdam, NL to Ashburn, US in 17 min",
      severity: "medium",
      technique: "T1078",
      techniqueName: "Valid Accounts",
      eventIds: ["ams", "ash"],
      accounts: [ERIN],
      ips: ["198.51.100.23", "203.0.113.50"],
      first: "2026-11-26T08:07:12.000Z",
      last: "2026-11-26T08:23:58.000Z",
    });
    expect(findings[0]?.explanation).toMatch(/6\d\d\d km in 17 minutes/);
  });

  it("impossible travel look-alikes: the traveller on the same laptop, and a short hop", async () => {
    const laptop = "LAPTOP-FRANK / Windows 11 / Edge";
    await fx.add(
      signIn({ ts: at("07:00"), user: "frank.osei@agency.example", clientIp: "192.0.2.10", location: DUBLIN, device: laptop }),
      // Dublin to New York in 8 hours: 5,100 km at about 640 km/h is a flight.
      signIn({ ts: at("15:00"), user: "frank.osei@agency.example", clientIp: "203.0.113.99", location: NEW_YORK, device: laptop }),
      // Dublin to Cork (220 km) in 5 minutes: below the distance where IP geolocation means anything.
      signIn({ ts: at("09:00"), user: "alice@agency.example", clientIp: "192.0.2.10", location: DUBLIN }),
      signIn({ ts: at("09:05"), user: "alice@agency.example", clientIp: "192.0.2.77", location: { city: "Cork", country: "IE", latitude: 51.9, longitude: -8.47 } }),
      // A failed sign-in from far away is not the user being there.
      failedSignIn({ ts: at("09:06"), user: "alice@agency.example", clientIp: "198.51.100.23", location: AMSTERDAM }),
    );
    expect(await fx.hunt(impossibleTravel)).toEqual([]);
  });

  it("impossible travel on the same device is reported at the lower severity (VPN)", async () => {
    const laptop = "LAPTOP-FRANK / Windows 11 / Edge";
    await fx.add(
      signIn({ ts: at("07:00"), user: "frank.osei@agency.example", clientIp: "192.0.2.10", location: DUBLIN, device: laptop }),
      signIn({ ts: at("07:30"), user: "frank.osei@agency.example", clientIp: "203.0.113.99", location: NEW_YORK, device: laptop }),
    );
    const findings = await fx.hunt(impossibleTravel);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([["impossible-travel:frank.osei@agency.example:2026-11-26T07:30:00.000Z", "low"]]);
    expect(findings[0]?.explanation).toContain("same device (LAPTOP-FRANK / Windows 11 / Edge)");
  });

  it("first seen: a new country and network after an established history; a new address alone is info", async () => {
    const alice = "alice@agency.example";
    const office = { clientIp: "192.0.2.10", location: DUBLIN, country: "IE", asn: 64510 };
    await fx.add(
      signIn({ ts: at("09:00", 20), user: alice, ...office }),
      signIn({ ts: at("09:00", 21), user: alice, ...office }),
      signIn({ ts: at("09:00", 22), user: alice, ...office }),
      signIn({ ts: at("09:00", 23), user: alice, ...office }),
      signIn({ id: "new-address", ts: at("09:00", 24), user: alice, ...office, clientIp: "192.0.2.11" }),
      signIn({ id: "new-country", ts: at("08:00", 26), user: alice, clientIp: "198.51.100.23", location: AMSTERDAM, country: "NL", asn: 64501 }),
      { ...signIn({ ts: at("08:00", 26), user: alice, clientIp: "198.51.100.23", action: "UserLoggedIn" }), id: "new-country-ual" },
      signIn({ ts: at("09:00", 26), user: alice, clientIp: "198.51.100.23", location: AMSTERDAM, country: "NL", asn: 64501 }),
    );
    const findings = await fx.hunt(firstSeen);
    expect(findings.map((f) => ({ id: f.id, severity: f.severity, eventIds: f.eventIds, title: f.title }))).toEqual([
      { id: "first-seen:alice@agency.example:192.0.2.11", severity: "info", eventIds: ["new-address"], title: "alice@agency.example: first sign-in from address 192.0.2.11" },
      { id: "first-seen:alice@agency.example:198.51.100.23", severity: "medium", eventIds: ["new-country", "new-country-ual"], title: "alice@agency.example: first sign-in from country NL" },
    ]);
    expect(findings[1]).toMatchObject({ technique: "T1078", accounts: [alice], ips: ["198.51.100.23"], first: "2026-11-26T08:00:00.000Z" });
    expect(findings[1]?.explanation).toContain("from country NL, network AS64501, address 198.51.100.23, never seen for this account in its 5 earlier successful sign-ins in the evidence (countries IE; networks AS64510)");
    expect((await fx.hunt(firstSeen, { "first-seen": { report_address_only: false } })).map((f) => f.id)).toEqual(["first-seen:alice@agency.example:198.51.100.23"]);
  });

  it("first seen look-alike: an account without history has nothing to compare with", async () => {
    await fx.add(
      signIn({ ts: at("08:07:12"), user: ERIN, clientIp: "198.51.100.23", location: AMSTERDAM, country: "NL", asn: 64501 }),
      signIn({ ts: at("08:23:58"), user: ERIN, clientIp: "203.0.113.50", location: ASHBURN, country: "US", asn: 64502 }),
    );
    expect(await fx.hunt(firstSeen)).toEqual([]);
  });

  it("legacy protocol: IMAP4 from the attacker is a finding; the office scanner's SMTP is allow-listed", async () => {
    await fx.add(
      signIn({ id: "imap", ts: at("08:10"), user: ERIN, clientIp: "198.51.100.23", protocol: "IMAP4", legacyProtocol: true }),
      signIn({ id: "smtp1", ts: at("07:00"), user: "scanner@agency.example", clientIp: "192.0.2.10", protocol: "Authenticated SMTP", legacyProtocol: true }),
      signIn({ id: "smtp2", ts: at("12:00"), user: "scanner@agency.example", clientIp: "192.0.2.10", protocol: "Authenticated SMTP" }),
      // Dovecot's own imap/pop3 are not legacy authentication, and failed legacy sign-ins are the spray hunts' business.
      signIn({ ts: at("09:00"), user: "bob@agency.example", clientIp: "127.0.0.14", protocol: "pop3" }),
      failedSignIn({ ts: at("09:30"), user: "frank.osei@agency.example", clientIp: "198.51.100.23", protocol: "POP3", legacyProtocol: true }),
    );
    const allowed = await fx.hunt(legacyProtocol, { "legacy-protocol": { allow_ips: ["192.0.2.0/24"] } });
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({
      id: "legacy-protocol:erin.walsh@agency.example:198.51.100.23",
      title: "erin.walsh@agency.example signed in with IMAP4 from 198.51.100.23",
      severity: "medium",
      technique: "T1078",
      eventIds: ["imap"],
      accounts: [ERIN],
      ips: ["198.51.100.23"],
    });
    // Allow-listing the account instead works too; without any allow list the scanner is reported.
    expect((await fx.hunt(legacyProtocol, { "legacy-protocol": { allow_users: ["Scanner@agency.example"] } })).map((f) => f.id)).toEqual(["legacy-protocol:erin.walsh@agency.example:198.51.100.23"]);
    const all = await fx.hunt(legacyProtocol);
    expect(all.map((f) => [f.id, f.eventIds])).toEqual([
      ["legacy-protocol:scanner@agency.example:192.0.2.10", ["smtp1", "smtp2"]],
      ["legacy-protocol:erin.walsh@agency.example:198.51.100.23", ["imap"]],
    ]);
    const withFailures = await fx.hunt(legacyProtocol, { "legacy-protocol": { include_failures: true } });
    expect(withFailures.map((f) => f.id)).toContain("legacy-protocol:frank.osei@agency.example:198.51.100.23");
  });
});
