import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileFormats } from "../../../src/formats/index.js";
import { zimbraLog } from "../../../src/formats/zimbra/zimbra-log.js";
import type { ParsedEvent } from "../../../src/model/events.js";
import { countBy, runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/zimbra/zimbra-log/", import.meta.url).pathname;
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const parse = async (name: string, tz?: string) => {
  const run = await runParser(zimbraLog, fixture(name), { file: name, parse: tz === undefined ? {} : { tz } });
  return { ...run, events: run.items as ParsedEvent[] };
};

describe("zimbra-log: audit.log authentications", () => {
  it("reads every cmd=Auth/AdminAuth/DelegateAuth line: who, from where (the original client, not the proxy), success or the error", async () => {
    const { events, warnings, notes } = await parse("audit.log");
    expect(warnings).toEqual([]);
    expect(notes).toEqual(["audit.log: timestamps have no zone; read as UTC (use --tz to set it)"]);
    expect(events.map((event) => [event.kind, event.action, event.result, event.user, event.mailbox, event.clientIp])).toEqual([
      ["auth", "Auth", "success", "alice@agency.example", undefined, "192.0.2.10"],
      ["auth", "Auth", "failure", "carol@agency.example", undefined, "198.51.100.66"],
      ["auth", "Auth", "success", "carol@agency.example", undefined, "198.51.100.66"],
      ["auth", "Auth", "success", "dave@agency.example", undefined, "203.0.113.7"],
      ["auth", "AdminAuth", "success", "bob@agency.example", undefined, "10.0.0.21"],
      // An admin opening another account's mail: the admin acted, in hr-director's mailbox.
      ["auth", "DelegateAuth", "success", "bob@agency.example", "hr-director@agency.example", "10.0.0.21"],
      ["auth", "Auth", "failure", "erin@agency.example", undefined, "192.0.2.44"],
    ]);
    const failed = events[1];
    expect(failed).toMatchObject({ ts: Date.parse("2026-11-26T08:14:51.002Z"), tsDesc: "Login failure time", protocol: "soap", userAgent: "python-requests/2.31.0", failureReason: "authentication failed for [carol@agency.example], invalid password", extra: { level: "WARN", category: "security", proxy: "10.0.0.68" } });
    expect(events.map((event) => (event.kind === "auth" ? event.protocol : undefined))).toEqual(["soap", "soap", "pop3", "zsync", "soap", "soap", "imap"]);
    expect(events[4]).toMatchObject({ method: "admin" });
    expect(events[5]).toMatchObject({ extra: { aname: "bob@agency.example" } });
    expect(events[6]).toMatchObject({ failureReason: "account lockout due to too many failed logins" });
  });

  it("reads local time in the zone given (--tz)", async () => {
    const { events, notes } = await parse("audit.log", "Europe/Paris");
    expect(notes).toEqual([]);
    expect(events[0]?.ts).toBe(Date.parse("2026-11-26T07:02:08.253Z"));
  });
});

describe("zimbra-log: mailbox.log", () => {
  it("IMAP and POP3 logins and failures, the ZCS 9/10 session counters, every other record as other, stack traces kept on their record", async () => {
    const { events, warnings } = await parse("mailbox.log");
    expect(warnings).toEqual([]);
    expect(countBy(events, (event) => event.kind)).toEqual({ auth: 3, "session.end": 1, other: 3 });
    expect(events.map((event) => [event.ref.line, event.kind, event.result, event.user, event.clientIp])).toEqual([
      [1, "auth", "success", "carol@agency.example", "198.51.100.66"],
      [2, "auth", "failure", "dave@agency.example", "198.51.100.67"],
      [3, "auth", "success", "hr-director@agency.example", "198.51.100.69"],
      [4, "session.end", undefined, "carol@agency.example", "198.51.100.66"],
      [5, "other", undefined, "carol@agency.example", "198.51.100.66"],
      [6, "other", undefined, "carol@agency.example", "198.51.100.66"],
      [10, "other", undefined, undefined, undefined],
    ]);
    expect(events[0]).toMatchObject({ protocol: "imap", method: "LOGIN", userAgent: "Zimbra/10.0.6_GA", extra: { via: "Thunderbird/(null),10.0.0.5(nginx/1.20.0-zimbra)", proxy: "10.0.0.5" } });
    expect(events[1]).toMatchObject({ protocol: "imap", failureReason: "invalid password" });
    expect(events[2]).toMatchObject({ protocol: "pop3" });
    expect(events[3]).toMatchObject({
      protocol: "imap",
      counters: { FETCH: 12, STORE: 0, "STORE +FLAGS \\DELETED": 0, "STORE -FLAGS \\DELETED": 0, EXPUNGE: 0, APPEND: 0, SEARCH: 1, COPY: 1, CREATE: 0, DELETE: 0, LOGOUT: 1 },
      extra: { mid: "6", cid: "2" },
    });
    expect(events[4]).toMatchObject({ action: "soap", detail: "SearchRequest elapsed=12", extra: { soapId: "3a1b2c" } });
    expect(events[5]?.extra?.["continuation"]).toBe(
      "com.zimbra.common.service.ServiceException: no such message: 999\n\tat com.zimbra.common.service.ServiceException.NO_SUCH_MSG(ServiceException.java:123)\n\tat com.zimbra.cs.service.mail.GetMsg.handle(GetMsg.java:88)",
    );
    expect(events[6]).toMatchObject({ action: "purge", detail: "Purging messages.", extra: { thread: "MailboxPurge" } });
  });

  it("bad lines are located warnings: text before any record, an impossible date, a record with no category", async () => {
    const { events, warnings } = await parse("bad/broken.log");
    expect(events).toEqual([]);
    expect(warnings.map((warning) => [warning.ref.line, warning.message.slice(0, 30)])).toEqual([
      [1, "not a Zimbra log record (no ti"],
      [2, "timestamp out of range: 2026-1"],
      [3, "Zimbra log record without `cat"],
    ]);
  });
});

describe("zimbra-log on hostile lines", () => {
  it("a record whose context bracket never closes (pairs without their semicolons, 240 KB), is one located warning (the fuzzer's case 14-153 hung here)", async () => {
    const line = `2026-11-26 08:00:00,000 INFO  [ImapServer-1] [${"name=a".repeat(40_000)}x imap - user a authenticated\n`;
    const run = await runParser(zimbraLog, Buffer.from(line), { file: "mailbox.log" });
    expect(run.items).toEqual([]);
    expect(run.warnings).toEqual([{ ref: { line: 1 }, message: "Zimbra log record without `category - message`" }]);
  });
});

describe("zimbra-log sniff", () => {
  it("takes Zimbra's log4j lines, not another Java application's log4j lines nor a Dovecot log", () => {
    expect(fileFormats.find((format) => format.sniff(fixture("mailbox.log"), "mailbox.log"))?.name).toBe("zimbra-log");
    const otherJava = Buffer.from("2026-11-26 08:00:00,000 INFO  [main] org.example.App - started\n2026-11-26 08:00:01,000 WARN  [worker-1] org.example.Job - slow\n");
    expect(zimbraLog.sniff(otherJava, "app.log")).toBe(false);
    const dovecot = Buffer.from("Nov 26 08:00:00 mail dovecot: imap-login: Login: user=<carol@agency.example>, method=PLAIN, rip=198.51.100.66\n");
    expect(zimbraLog.sniff(dovecot, "maillog")).toBe(false);
  });
});
