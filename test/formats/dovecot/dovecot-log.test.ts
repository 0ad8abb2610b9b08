import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dovecotLog } from "../../../src/formats/dovecot/dovecot-log.js";
import type { AuthEvent, MailChangeEvent, MailReadEvent, SessionEndEvent } from "../../../src/model/events.js";
import { countBy, runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/dovecot/dovecot-log/", import.meta.url).pathname;
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const parse = (name: string, year = 2026) => runParser(dovecotLog, fixture(name), { file: name, parse: { year } });
const kinds = (run: Awaited<ReturnType<typeof parse>>) => countBy(run.items, (item) => item.kind);

describe("dovecot-log on the committed fixtures: exact event and warning counts", () => {
  const expected: Record<string, { events: number; warnings: number; kinds: Record<string, number> }> = {
    "dovecot-2.3.log": {
      events: 133,
      warnings: 0,
      kinds: { other: 20, auth: 57, "mail.change": 38, "session.end": 15, "mailbox.config": 3 },
    },
    "dovecot-2.3-debug.log": {
      events: 529,
      warnings: 0,
      kinds: { other: 399, "mail.read": 125, search: 5 },
    },
    "syslog-classic.log": { events: 687, warnings: 0, kinds: {} },
    "syslog-rfc3339.log": { events: 687, warnings: 0, kinds: {} },
    "syslog-rfc5424.log": { events: 687, warnings: 0, kinds: {} },
    "crowdsec-dovecot-logs.log": { events: 15, warnings: 0, kinds: { auth: 14, "session.end": 1 } },
    "crowdsec-dovecot-slow-bf.log": { events: 4, warnings: 0, kinds: { auth: 4 } },
    "crowdsec-dovecot-spam.log": { events: 12, warnings: 0, kinds: { auth: 12 } },
    "crowdsec-dovecot-time-based-bf.log": { events: 4, warnings: 0, kinds: { auth: 4 } },
    "constructed-failure-wordings.log": { events: 11, warnings: 0, kinds: { auth: 10, "session.end": 1 } },
    "constructed-2.4-and-variants.log": {
      events: 12,
      warnings: 1,
      kinds: { auth: 5, "session.end": 3, "mail.change": 2, "mailbox.config": 2 },
    },
  };
  for (const [name, want] of Object.entries(expected)) {
    it(name, async () => {
      const run = await parse(name);
      expect(run.items.length).toBe(want.events);
      expect(run.warnings.length).toBe(want.warnings);
      for (const [kind, count] of Object.entries(want.kinds)) expect(kinds(run)[kind] ?? 0, kind).toBe(count);
    });
  }

  it("covers every fixture file in the folder", () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".log"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it("the three syslog transports of one capture give the same events at the same instants", async () => {
    const classic = await parse("syslog-classic.log");
    const rfc3339 = await parse("syslog-rfc3339.log");
    const rfc5424 = await parse("syslog-rfc5424.log");
    const shape = (run: typeof classic) => run.items.map((item) => (item.kind === "message" ? "" : `${item.kind}|${item.action}|${Math.floor(item.ts / 1000)}`));
    expect(shape(rfc3339)).toEqual(shape(classic));
    expect(shape(rfc5424)).toEqual(shape(classic));
  });
});

describe("dovecot-log field mapping", () => {
  it("a 2.3 login line: user, address, port, session, mail pid, TLS, protocol", async () => {
    const run = await parse("dovecot-2.3.log");
    const login = run.items.find((item): item is typeof item & AuthEvent => item.kind === "auth" && item.action === "Login");
    expect(login).toMatchObject({
      user: "alice@agency.example",
      clientIp: "127.0.0.1",
      clientPort: 37365,
      sessionId: "N8EeXS5h9ZF/AAAB",
      keys: { serverSessionId: "N8EeXS5h9ZF/AAAB", processId: "17811" },
      protocol: "imap",
      method: "PLAIN",
      result: "success",
      ts: Date.UTC(2026, 10, 26, 14, 0, 22),
      ref: { line: 6 },
    });
    expect(login?.tls).toContain("TLSv1.3");
  });

  it("auth failures: passdb line and login-process summary, both located", async () => {
    const run = await parse("dovecot-2.3.log");
    const mismatch = run.items.find((item) => item.kind === "auth" && item.action === "Password mismatch") as AuthEvent | undefined;
    expect(mismatch).toMatchObject({ user: "alice@agency.example", clientIp: "127.0.0.1", sessionId: "cir4XC5ho6l/AAAB", result: "failure" });
    const unknown = run.items.filter((item) => item.kind === "auth" && item.action === "Unknown user");
    expect(unknown.map((item) => (item as AuthEvent).user)).toContain("payroll@agency.example");
    const summary = run.items.find((item) => item.kind === "auth" && item.action === "Login failed" && (item as AuthEvent).attempts === 3) as AuthEvent | undefined;
    expect(summary).toMatchObject({ user: "bob@agency.example", clientIp: "127.0.0.68", sessionId: "3s21aS5hL49/AABE" });
  });

  it("mail_log lines carry Message-IDs; copy names source and destination", async () => {
    const run = await parse("dovecot-2.3.log");
    const copies = run.items.filter((item): item is typeof item & MailChangeEvent => item.kind === "mail.change" && item.op === "copy");
    expect(copies.length).toBe(3);
    const carol = copies.find((item) => item.user === "carol@agency.example");
    expect(carol).toMatchObject({ folder: "INBOX", destFolder: "Conversation History", sessionId: "pn6EbC5hl7V/AABC" });
    // A MOVE is a copy (then an expunge): dave moved one message to Archive.
    expect(copies.find((item) => item.user === "dave@agency.example")?.destFolder).toBe("Archive");
    expect(carol?.items[0]).toMatchObject({ uid: 1, messageId: "<20250113.a86065ec95.carol.9@agency.example>", subject: "Updated bank details for supplier" });
    const save = run.items.find((item) => item.kind === "mail.change" && item.op === "append") as MailChangeEvent | undefined;
    expect(save?.folder).toBeDefined();
  });

  it("from= and subject= holding ', ' are kept whole", async () => {
    const run = await parse("constructed-2.4-and-variants.log");
    const expunge = run.items.find((item) => item.kind === "mail.change" && item.op === "expunge") as MailChangeEvent | undefined;
    expect(expunge?.items[0]).toEqual({ messageId: "<a1@example.org>", uid: 7, folder: "INBOX", size: 7805, subject: "Re: invoices, March", from: "Doe, John <john@example.org>" });
    expect(expunge?.flags).toEqual(["\\Deleted", "\\Seen"]);
  });

  it("logout counters, IMAP and POP3", async () => {
    const run = await parse("dovecot-2.3.log");
    const ends = run.items.filter((item): item is typeof item & SessionEndEvent => item.kind === "session.end" && item.action === "Disconnected");
    const carol = ends.find((item) => item.sessionId === "pn6EbC5hl7V/AABC");
    expect(carol?.counters).toMatchObject({ in: 1240, out: 342481, body_count: 39, body_bytes: 321259, deleted: 1, expunged: 1 });
    expect(carol?.messageCount).toBe(39);
    const pop = ends.find((item) => item.sessionId === "o0OxbC5hfYt/AABF");
    expect(pop?.counters).toMatchObject({ retr_count: 28, retr_bytes: 154118, del_count: 0, mailbox_messages: 28, size: 153654 });
    expect(pop?.protocol).toBe("pop3");
    // The logout line that lost its prefix is still a session end, with no invented session.
    const orphan = ends.find((item) => item.sessionId === undefined);
    expect(orphan?.counters["body_count"]).toBe(2);
    expect(orphan?.user).toBeUndefined();
  });

  it("debug lines: prefetch/access are reads with UID and folder; search and cache fills are not", async () => {
    const run = await parse("dovecot-2.3-debug.log");
    const reads = run.items.filter((item): item is typeof item & MailReadEvent => item.kind === "mail.read");
    expect(countBy(reads, (item) => item.how)).toEqual({ prefetch: 95, access: 30 });
    expect(reads[0]?.items[0]).toEqual({ uid: 23, folder: "INBOX" });
    const searches = run.items.filter((item) => item.kind === "search");
    expect(searches.map((item) => (item as { query?: string }).query)).toContain("BODY bank");
    expect(run.items.filter((item) => item.kind === "other" && item.action === "Opened mail: search scan").length).toBe(88);
  });

  it("2.4 wording, journald offsets, TAI64N, PAM injection and passwords never carried", async () => {
    const run = await parse("constructed-2.4-and-variants.log");
    const auth = run.items.filter((item): item is typeof item & AuthEvent => item.kind === "auth");
    expect(auth.find((item) => item.action === "Login")).toMatchObject({ user: "info@example.org", clientIp: "192.0.2.37", sessionId: "P1pag+U9MAklYp6t" });
    const aborted = auth.find((item) => item.sessionId === "9ZHq02g3J8S60fan");
    expect(aborted).toMatchObject({ result: "failure", attempts: 3, user: "test" });
    const sql = auth.find((item) => item.method === "sql");
    expect(sql).toMatchObject({ user: "info@example.com", clientIp: "192.0.2.110", sessionId: "CvN+E95Uf4e7eEnj" });
    expect(JSON.stringify(run.items)).not.toContain("XxxxXXxx123");
    const pam = auth.find((item) => item.action === "PAM authentication failure");
    expect(pam?.clientIp).toBe("192.0.43.10");
    const tai = auth.find((item) => item.user === "martin@example.de");
    // daemontools convention: label - 2^62 - 10 s, leap seconds not applied.
    expect(new Date(tai?.ts ?? 0).toISOString()).toBe("2010-09-16T05:50:50.125Z");
    const zoned = run.items.find((item) => item.kind === "session.end" && item.sessionId === "P1pag+U9MAklYp6t");
    expect(new Date(zoned?.kind === "session.end" ? zoned.ts : 0).toISOString()).toBe("2024-12-31T05:56:17.000Z");
  });

  it("notes lines of other programs and comment lines instead of dropping them silently", async () => {
    const run = await parse("constructed-2.4-and-variants.log");
    expect(run.notes.some((note) => note.includes("1 lines of other programs"))).toBe(true);
    expect(run.warnings).toEqual([{ ref: { line: 14 }, message: "no recognised timestamp: this line has no timestamp" }]);
  });
});

describe("dovecot-log failure wordings beyond Disconnected/Aborted login (constructed from the real wordings)", () => {
  it("submission-login, LDAP invalid credentials, Dovecot 1.x PAM and every *-login service: failures with user and address", async () => {
    const run = await parse("constructed-failure-wordings.log");
    expect(run.warnings).toEqual([]);
    const rows = run.items.map((item) => {
      const event = item as AuthEvent;
      return [item.ref.line, event.kind, event.action, event.result, event.user, event.clientIp, event.protocol, event.attempts];
    });
    expect(rows).toEqual([
      [1, "auth", "Login failed", "failure", "erin@agency.example", "203.0.113.50", "submission", 1],
      [2, "auth", "Login failed", "failure", "frank@agency.example", "203.0.113.51", "submission", 2],
      [3, "session.end", "Disconnected before login", undefined, undefined, "203.0.113.60", "submission", undefined],
      [4, "auth", "Password mismatch", "failure", "helen", "203.0.113.53", undefined, undefined],
      [5, "auth", "Password mismatch", "failure", "ivan@agency.example", "203.0.113.54", undefined, undefined],
      [6, "auth", "Unknown user", "failure", "judy@agency.example", "203.0.113.55", undefined, undefined],
      [7, "auth", "Password mismatch", "failure", "kim", "203.0.113.56", undefined, 3],
      [8, "auth", "Login failed", "failure", "lee", "203.0.113.57", "imap", 1],
      [9, "auth", "Login failed", "failure", "mia@agency.example", "203.0.113.58", "managesieve", 1],
      [10, "auth", "Login failed", "failure", "ned@agency.example", "203.0.113.59", "imap-urlauth", 1],
      [11, "auth", "Login", "success", "erin@agency.example", "203.0.113.50", "submission", undefined],
    ]);
    const ldap = run.items[4] as AuthEvent;
    expect([ldap.method, ldap.failureReason, ldap.sessionId]).toEqual(["ldap", "invalid credentials", "Q1w2E3r4T5y6U7i8"]);
    const pam = run.items[6] as AuthEvent;
    expect([pam.method, pam.failureReason]).toEqual(["pam", "pam_authenticate() failed: Authentication failure"]);
  });
});

describe("dovecot-log years and zones", () => {
  const lines = ["Dec 31 23:59:58 imap-login: Info: Login: user=<a@x>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, session=<s1>", "Jan  1 00:00:03 imap-login: Info: Login: user=<b@x>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=2, session=<s2>"].join("\n");

  it("rolls over December to January, inferring the year from the file time", async () => {
    const run = await runParser(dovecotLog, Buffer.from(lines), { mtime: new Date("2026-01-01T00:05:00Z") });
    const years = run.items.map((item) => (item.kind === "auth" ? new Date(item.ts).toISOString() : ""));
    expect(years).toEqual(["2025-12-31T23:59:58.000Z", "2026-01-01T00:00:03.000Z"]);
    expect(run.notes.some((note) => note.includes("year inferred as 2025"))).toBe(true);
  });

  it("--year sets the year of the first line; --tz converts local times to UTC", async () => {
    const run = await runParser(dovecotLog, Buffer.from(lines), { parse: { year: 2023, tz: "Europe/Paris" } });
    const times = run.items.map((item) => (item.kind === "auth" ? new Date(item.ts).toISOString() : ""));
    expect(times).toEqual(["2023-12-31T22:59:58.000Z", "2023-12-31T23:00:03.000Z"]);
    expect(run.notes.some((note) => note.includes("inferred"))).toBe(false);
  });
});

describe("dovecot-log bad input", () => {
  const good = "Nov 26 14:00:22 imap-login: Info: Login: user=<alice@agency.example>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=1, session=<N8EeXS5h9ZF/AAAB>";

  it("CRLF line ends parse exactly like LF", async () => {
    const lf = await runParser(dovecotLog, fixture("dovecot-2.3.log"), { parse: { year: 2026 } });
    const crlf = await runParser(dovecotLog, Buffer.from(fixture("dovecot-2.3.log").toString("utf8").replace(/\n/g, "\r\n")), { parse: { year: 2026 } });
    expect(crlf.items).toEqual(lf.items);
  });

  it("invalid UTF-8 is a located warning and the line is still parsed", async () => {
    const bad = Buffer.concat([Buffer.from(good.replace("alice", "al")), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]);
    const run = await runParser(dovecotLog, Buffer.concat([bad, Buffer.from(`${good}\n`)]), { parse: { year: 2026 } });
    expect(run.items.length).toBe(2);
    expect(run.warnings).toEqual([{ ref: { line: 1 }, message: "invalid UTF-8 in line (bytes replaced with U+FFFD); parsed anyway" }]);
  });

  it("a 50 MB line is skipped with a warning, memory stays bounded, and the next line is read", async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const data = Buffer.concat([Buffer.from(`${good}\n`), huge, Buffer.from(`\n${good}\n`)]);
    const before = process.memoryUsage().arrayBuffers;
    const run = await runParser(dovecotLog, data, { parse: { year: 2026 }, chunkSize: 1024 * 1024 });
    expect(run.items.length).toBe(2);
    expect(run.warnings.length).toBe(1);
    expect(run.warnings[0]?.ref).toEqual({ line: 2 });
    expect(run.warnings[0]?.message).toContain("52428800 bytes exceeds the line limit");
    // The line limit (16 MB) bounds what is buffered: nothing near 50 MB more was kept.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
  });

  it("a document quoting Dovecot lines between prose is not a log", () => {
    const doc = ["# Notes", "", "The login looked like this:", "", "```", "Nov 26 14:00:22 imap-login: Info: Login: user=<a@x>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, session=<s1>", "```", "", "and then the attacker read mail.", "See the table below for what each field means.", "Nothing else here is a log line."].join("\n");
    expect(dovecotLog.sniff(Buffer.from(doc), "NOTES.md")).toBe(false);
  });

  it("binary and empty input are not sniffed as Dovecot", () => {
    expect(dovecotLog.sniff(Buffer.alloc(0), "empty.log")).toBe(false);
    expect(dovecotLog.sniff(Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 10, 13]), "x.bin")).toBe(false);
    expect(dovecotLog.sniff(Buffer.from("Apr 19 05:22:21 vm5 postfix/smtpd[1234]: connect from unknown[192.0.2.99]\n"), "mail.log")).toBe(false);
  });
});

describe("every real Dovecot log among the fixtures parses without a warning", () => {
  // The crowdsec copies (MIT) and the reference capture of a real Dovecot 2.3.19 (fixtures/README.md).
  const real = [
    "crowdsec-dovecot-logs.log",
    "crowdsec-dovecot-slow-bf.log",
    "crowdsec-dovecot-spam.log",
    "crowdsec-dovecot-time-based-bf.log",
    "dovecot-2.3.log",
    "dovecot-2.3-debug.log",
    "syslog-classic.log",
    "syslog-rfc3339.log",
    "syslog-rfc5424.log",
  ];
  for (const name of real) {
    it(name, async () => {
      const run = await parse(name);
      expect(run.items.length).toBeGreaterThan(0);
      // Real Dovecot output: every line is either an event or a noted skip, never a warning.
      expect(run.warnings).toEqual([]);
    });
  }
});
