import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bruteForce } from "../../../src/analysis/hunts/brute-force.js";
import { passwordSpray } from "../../../src/analysis/hunts/password-spray.js";
import { successAfterFailures } from "../../../src/analysis/hunts/success-after-failures.js";
import type { AuthEvent } from "../../../src/model/events.js";
import { at, failedSignIn, openFixture, signIn, type Fixture } from "./store-fixture.js";

const ATTACKER = "198.51.100.23";
const OFFICE = "192.0.2.10";
const ERIN = "erin.walsh@agency.example";
const FRANK = "frank.osei@agency.example";
const PAYROLL = "payroll@agency.example";

/** The Entra sign-in and its audit-log copy (other record, same account, address and second). */
function bothLogs(fields: Parameters<typeof failedSignIn>[0], id: string, failed = true): (AuthEvent & { id: string })[] {
  const make = failed ? failedSignIn : signIn;
  return [
    { ...make({ ...fields, keys: { requestId: `req-${id}` } }), id: `entra-${id}` },
    { ...make({ ...fields, action: failed ? "UserLoginFailed" : "UserLoggedIn", keys: { requestId: `intra-${id}` } }), id: `ual-${id}` },
  ];
}

/** One Dovecot IMAP session that fails: passdb line and login-process line share the session. */
function dovecotFailure(user: string, ip: string, ts: number, session: string, attempts = 1): (AuthEvent & { id: string })[] {
  const base = { kind: "auth" as const, result: "failure" as const, user, clientIp: ip, sessionId: session, protocol: "imap" };
  const events: (AuthEvent & { id: string })[] = [];
  for (let i = 0; i < attempts; i++) events.push({ ...base, ts: ts + i * 1000, tsDesc: "Authentication failure time", action: "Password mismatch", id: `${session}-pm${i}` });
  events.push({ ...base, ts: ts + attempts * 1000, tsDesc: "Login failure time", action: "Login failed", attempts, id: `${session}-lf` });
  return events;
}

describe("sign-in failure hunts", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await openFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  async function spray(): Promise<void> {
    await fx.add(
      ...bothLogs({ ts: at("08:02:08"), user: ERIN, clientIp: ATTACKER }, "1"),
      ...bothLogs({ ts: at("08:02:19"), user: FRANK, clientIp: ATTACKER }, "2"),
      ...bothLogs({ ts: at("08:02:30"), user: PAYROLL, clientIp: ATTACKER }, "3"),
      ...bothLogs({ ts: at("08:07:12"), user: ERIN, clientIp: ATTACKER }, "4", false),
    );
  }

  it("password spray: one source, three accounts; log copies of one attempt count once", async () => {
    await spray();
    const findings = await fx.hunt(passwordSpray);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "password-spray:198.51.100.23",
      rule: "password-spray",
      severity: "high",
      technique: "T1110.003",
      techniqueName: "Password Spraying",
      accounts: [ERIN, FRANK, PAYROLL],
      ips: [ATTACKER],
      first: "2026-11-26T08:02:08.000Z",
      last: "2026-11-26T08:02:30.000Z",
      eventIds: ["entra-1", "ual-1", "entra-2", "ual-2", "entra-3", "ual-3"],
    });
    expect(findings[0]?.explanation).toContain("3 failed sign-in attempts from 198.51.100.23 against 3 different accounts");
  });

  it("password spray look-alikes: two colleagues mistyping at the office, an allow-listed gateway, MFA interrupts", async () => {
    await fx.add(
      failedSignIn({ ts: at("09:00"), user: "alice@agency.example", clientIp: OFFICE }),
      failedSignIn({ ts: at("09:05"), user: "bob@agency.example", clientIp: OFFICE }),
      // MFA prompts (50074) for three people from one address are not failures.
      failedSignIn({ ts: at("10:00"), user: "alice@agency.example", clientIp: "192.0.2.20", errorCode: "50074" }),
      failedSignIn({ ts: at("10:01"), user: "bob@agency.example", clientIp: "192.0.2.20", errorCode: "50074" }),
      failedSignIn({ ts: at("10:02"), user: "carol@agency.example", clientIp: "192.0.2.20", errorCode: "50074" }),
      // A relay that fails for three accounts, allow-listed below.
      failedSignIn({ ts: at("11:00"), user: "alice@agency.example", clientIp: "10.1.2.3" }),
      failedSignIn({ ts: at("11:01"), user: "bob@agency.example", clientIp: "10.1.2.3" }),
      failedSignIn({ ts: at("11:02"), user: "carol@agency.example", clientIp: "10.1.2.3" }),
    );
    expect(await fx.hunt(passwordSpray, { "password-spray": { allow_ips: ["10.1.0.0/16"] } })).toEqual([]);
    // Without the allow list the relay is reported, and only the relay.
    expect((await fx.hunt(passwordSpray)).map((f) => f.id)).toEqual(["password-spray:10.1.2.3"]);
  });

  it("password spray: bursts far apart are separate findings with time-stamped ids", async () => {
    await fx.add(
      failedSignIn({ ts: at("01:00"), user: "a@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("01:01"), user: "b@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("01:02"), user: "c@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("05:00"), user: "a@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("05:01"), user: "b@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("05:02"), user: "c@x.example", clientIp: ATTACKER }),
    );
    const findings = await fx.hunt(passwordSpray);
    expect(findings.map((f) => f.id)).toEqual(["password-spray:198.51.100.23@2026-11-26T01:00:00.000Z", "password-spray:198.51.100.23@2026-11-26T05:00:00.000Z"]);
    expect(findings.map((f) => f.eventIds)).toEqual([
      ["e1", "e2", "e3"],
      ["e4", "e5", "e6"],
    ]);
  });

  it("brute force: twelve failed Dovecot sessions against one account; each session is one attempt", async () => {
    const events: (AuthEvent & { id: string })[] = [];
    for (let i = 0; i < 12; i++) events.push(...dovecotFailure("carol@agency.example", "127.0.0.66", at("15:00") + i * 60_000, `s${String(i).padStart(2, "0")}`));
    await fx.add(...events);
    const findings = await fx.hunt(bruteForce);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "brute-force:carol@agency.example",
      severity: "medium",
      technique: "T1110.001",
      techniqueName: "Password Guessing",
      accounts: ["carol@agency.example"],
      ips: ["127.0.0.66"],
      first: "2026-11-26T15:00:00.000Z",
      last: "2026-11-26T15:11:01.000Z",
    });
    expect(findings[0]?.eventIds).toEqual(events.map((e) => e.id));
    expect(findings[0]?.title).toBe("12 failed sign-in attempts against carol@agency.example");
    // One source, one account: not a spray.
    expect(await fx.hunt(passwordSpray)).toEqual([]);
  });

  it("brute force and success-after-failures look-alike: the user who mistypes twice and then gets in", async () => {
    await fx.add(...dovecotFailure("alice@agency.example", "127.0.0.1", at("15:22:35"), "typo", 2), {
      kind: "auth",
      ts: at("15:23:00"),
      tsDesc: "Login time",
      action: "Login",
      result: "success",
      user: "alice@agency.example",
      clientIp: "127.0.0.1",
      sessionId: "ok1",
      protocol: "imap",
    });
    expect(await fx.hunt(bruteForce)).toEqual([]);
    expect(await fx.hunt(successAfterFailures)).toEqual([]);
    // The same two attempts are enough with a lower threshold: the session's logged count is used.
    expect((await fx.hunt(bruteForce, { "brute-force": { min_failures: 2 } })).map((f) => f.title)).toEqual(["2 failed sign-in attempts against alice@agency.example"]);
  });

  it("success after failures: the spray that found erin's password", async () => {
    await spray();
    const findings = await fx.hunt(successAfterFailures);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "success-after-failures:erin.walsh@agency.example:198.51.100.23",
      severity: "high",
      technique: "T1110",
      techniqueName: "Brute Force",
      accounts: [ERIN, FRANK, PAYROLL],
      ips: [ATTACKER],
      first: "2026-11-26T08:02:08.000Z",
      last: "2026-11-26T08:07:12.000Z",
      eventIds: ["entra-1", "ual-1", "entra-2", "ual-2", "entra-3", "ual-3", "entra-4", "ual-4"],
    });
    expect(findings[0]?.explanation).toContain("after 3 failed attempts from the same address in the 60 minutes before, against 3 accounts");
  });

  it("success after failures: failures more than the lookback before the success do not count", async () => {
    await fx.add(
      failedSignIn({ ts: at("06:00"), user: "a@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("06:01"), user: "b@x.example", clientIp: ATTACKER }),
      failedSignIn({ ts: at("06:02"), user: "c@x.example", clientIp: ATTACKER }),
      signIn({ ts: at("08:00"), user: "a@x.example", clientIp: ATTACKER }),
      // A success from another address right after the spray is not "the same source".
      signIn({ ts: at("06:03"), user: "b@x.example", clientIp: OFFICE }),
    );
    expect(await fx.hunt(successAfterFailures)).toEqual([]);
  });
});
