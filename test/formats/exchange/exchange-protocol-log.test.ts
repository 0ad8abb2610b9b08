import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exchangeProtocolLog, splitCsvLine } from "../../../src/formats/exchange/exchange-protocol-log.js";
import { parseContext, uidItems } from "../../../src/formats/exchange/protocol.js";
import { fileFormats } from "../../../src/formats/index.js";
import type { AuthEvent, MailChangeEvent, MailReadEvent, ParsedEvent, SearchEvent, SessionEndEvent } from "../../../src/model/events.js";
import type { ParsedItem } from "../../../src/model/format.js";
import { countBy, runParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/exchange/exchange-protocol-log/", import.meta.url).pathname;
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const parse = (name: string, chunkSize?: number) => runParser(exchangeProtocolLog, fixture(name), { file: name, chunkSize });
const kinds = (items: readonly ParsedItem[]) => countBy(items, (item) => item.kind);

function at<K extends ParsedEvent["kind"]>(items: readonly ParsedItem[], line: number, kind: K): Extract<ParsedEvent, { kind: K }> {
  const item = items.find((candidate) => candidate.ref.line === line);
  expect(item?.kind, `line ${line}`).toBe(kind);
  return item as Extract<ParsedEvent, { kind: K }>;
}

describe("exchange-protocol-log on the committed fixtures: exact event and warning counts", () => {
  const expected: Record<string, { events: number; warnings: number; notes: number; kinds: Record<string, number> }> = {
    "crowdsec-exchange-imap-bf.log": { events: 7, warnings: 0, notes: 1, kinds: { auth: 7 } },
    "crowdsec-exchange-imap-logs.log": { events: 1, warnings: 0, notes: 1, kinds: { auth: 1 } },
    "crowdsec-exchange-pop-bf.log": { events: 8, warnings: 0, notes: 1, kinds: { auth: 8 } },
    "crowdsec-exchange-pop-logs.log": { events: 1, warnings: 0, notes: 1, kinds: { auth: 1 } },
    "constructed-imap4-with-header.log": {
      events: 19,
      warnings: 0,
      notes: 0,
      kinds: { other: 5, auth: 3, "mail.read": 4, search: 1, "mail.change": 4, "session.end": 2 },
    },
    "constructed-pop3-with-header.log": {
      events: 9,
      warnings: 0,
      notes: 0,
      kinds: { other: 4, auth: 1, "mail.read": 2, "mail.change": 1, "session.end": 1 },
    },
  };
  for (const [name, want] of Object.entries(expected)) {
    it(name, async () => {
      const run = await parse(name);
      expect(run.items.length).toBe(want.events);
      expect(run.warnings.length).toBe(want.warnings);
      expect(run.notes.length).toBe(want.notes);
      expect(kinds(run.items)).toEqual(want.kinds);
    });
  }

  it("covers every fixture file in the folder", () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".log"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });
});

describe("exchange-protocol-log: header-less real rows (crowdsec)", () => {
  it("IMAP AUTHENTICATE failures: user, client IP and port, session id, result, reason", async () => {
    const run = await parse("crowdsec-exchange-imap-bf.log");
    const auth = at(run.items, 1, "auth") as AuthEvent;
    expect(auth.ts).toBe(Date.parse("2022-07-20T21:28:50.530Z"));
    expect(auth.user).toBe("testuser");
    expect(auth.clientIp).toBe("192.168.9.212");
    expect(auth.clientPort).toBe(35070);
    expect(auth.sessionId).toBe("000000000000000E");
    expect(auth.keys?.serverSessionId).toBe("000000000000000E");
    expect(auth.result).toBe("failure");
    expect(auth.protocol).toBe("imap");
    expect(auth.method).toBe("PLAIN");
    expect(auth.errorCode).toBe("AuthFailed:LogonDenied");
    expect(auth.failureReason).toBe("AUTHENTICATE failed.");
    expect(auth.extra?.["msg"]).toBe("AuthFailed:LogonDenied,User: testuser");
    expect(run.items.map((item) => item.ref.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("says once per file that the default field order was used", async () => {
    const run = await parse("crowdsec-exchange-pop-bf.log");
    expect(run.notes).toEqual([
      "crowdsec-exchange-pop-bf.log: no #Fields: header before line 1; rows read in the Exchange 2013+ default field order (dateTime,sessionId,seqNumber,sIp,cIp,user,duration,rqsize,rpsize,command,parameters,context)",
    ]);
  });

  it("POP3 AUTH failures: protocol from the server port, -ERR as failure", async () => {
    const run = await parse("crowdsec-exchange-pop-logs.log");
    const auth = at(run.items, 1, "auth") as AuthEvent;
    expect(auth.protocol).toBe("pop3");
    expect(auth.result).toBe("failure");
    expect(auth.method).toBe("PLAIN");
    expect(auth.user).toBe("testuser");
    expect(auth.clientIp).toBe("192.168.9.212");
    expect(auth.clientPort).toBe(55576);
    expect(auth.sessionId).toBe("0000000000000005");
    expect(auth.failureReason).toBe("Authentication failure: unknown user name or bad password.");
  });
});

describe("exchange-protocol-log: a bare R=OK / R=NO answer (no tag)", () => {
  it("LOGIN and AUTHENTICATE answered R=OK are successes; R=NO a failure with its reason", async () => {
    const text = [
      "#Software: Microsoft Exchange Server",
      "#Log-type: IMAP4 Protocol Log",
      "#Fields: dateTime,sessionId,seqNumber,sIp,cIp,user,duration,rqsize,rpsize,command,parameters,context",
      "2024-03-01T10:00:00.100Z,08DC39A1B2C3D4F0,1,10.0.0.5:993,203.0.113.8:50001,,15,24,21,login,bob@contoso.com *****,R=OK,",
      "2024-03-01T10:00:00.200Z,08DC39A1B2C3D4F1,1,10.0.0.5:993,203.0.113.9:50002,carol@contoso.com,15,24,21,authenticate,PLAIN,R=OK;Msg=Authenticated,",
      '2024-03-01T10:00:00.300Z,08DC39A1B2C3D4F2,1,10.0.0.5:993,203.0.113.10:50003,,15,24,21,login,dave@contoso.com *****,"R=""NO LOGIN failed."";ErrMsg=AuthFailed:LogonDenied",',
      "",
    ].join("\r\n");
    const run = await runParser(exchangeProtocolLog, Buffer.from(text), { file: "IMAP4_20240301-1.LOG" });
    expect(run.warnings).toEqual([]);
    const auth = run.items as AuthEvent[];
    expect(auth.map((e) => [e.kind, e.action, e.result, e.user, e.clientIp, e.method, e.failureReason])).toEqual([
      ["auth", "login", "success", "bob@contoso.com", "203.0.113.8", "LOGIN", undefined],
      ["auth", "authenticate", "success", "carol@contoso.com", "203.0.113.9", "PLAIN", undefined],
      ["auth", "login", "failure", "dave@contoso.com", "203.0.113.10", "LOGIN", "LOGIN failed."],
    ]);
  });
});

describe("exchange-protocol-log: IMAP4 log with #Fields: headers (constructed)", () => {
  const name = "constructed-imap4-with-header.log";

  it("login failure then success, with the session id joining the commands", async () => {
    const run = await parse(name);
    const failed = at(run.items, 7, "auth") as AuthEvent;
    expect(failed.result).toBe("failure");
    expect(failed.user).toBe("alice@contoso.com");
    expect(failed.method).toBe("LOGIN");
    expect(failed.errorCode).toBe("AuthFailed:LogonDenied");
    const ok = at(run.items, 8, "auth") as AuthEvent;
    expect(ok.result).toBe("success");
    expect(ok.clientIp).toBe("203.0.113.7");
    expect(ok.clientPort).toBe(51234);
    const session = run.items.filter((item) => item.kind !== "message" && item.sessionId === "08DC39A1B2C3D4E5");
    expect(session.length).toBe(14);
  });

  it("FETCH: UIDs as items in the selected folder, header-only fetches told apart, sequence sets kept as text", async () => {
    const run = await parse(name);
    const flags = at(run.items, 10, "mail.read") as MailReadEvent;
    expect(flags.how).toBe("headers");
    expect(flags.folder).toBe("INBOX");
    expect(flags.items).toEqual([1, 2, 3, 4].map((uid) => ({ uid, folder: "INBOX" })));
    expect(flags.messageCount).toBe(4);
    const body = at(run.items, 11, "mail.read") as MailReadEvent;
    expect(body.how).toBe("fetch");
    expect(body.action).toBe("uid fetch");
    expect(body.items).toEqual([{ uid: 3, folder: "INBOX" }]);
    const bySeq = at(run.items, 12, "mail.read") as MailReadEvent;
    expect(bySeq.how).toBe("fetch");
    expect(bySeq.items).toEqual([]);
    expect(bySeq.messageCount).toBe(41);
    expect(bySeq.extra?.["sequenceSet"]).toBe("2:*");
  });

  it("SEARCH, COPY, STORE \\Deleted, EXPUNGE, APPEND", async () => {
    const run = await parse(name);
    const search = at(run.items, 13, "search") as SearchEvent;
    expect(search.query).toBe("BODY invoice");
    expect(search.folder).toBe("INBOX");
    const copy = at(run.items, 14, "mail.change") as MailChangeEvent;
    expect([copy.op, copy.folder, copy.destFolder]).toEqual(["copy", "INBOX", "Archive/2024"]);
    expect(copy.items).toEqual([{ uid: 3, folder: "INBOX" }]);
    const store = at(run.items, 15, "mail.change") as MailChangeEvent;
    expect(store.op).toBe("delete");
    expect(store.flags).toEqual(["\\Deleted"]);
    const expunge = at(run.items, 16, "mail.change") as MailChangeEvent;
    expect([expunge.op, expunge.messageCount]).toEqual(["expunge", 1]);
    const append = at(run.items, 17, "mail.change") as MailChangeEvent;
    expect([append.op, append.folder]).toEqual(["append", "Drafts"]);
  });

  it("LOGOUT ends the session with its totals; the CloseSession after it is kept as other", async () => {
    const run = await parse(name);
    const end = at(run.items, 18, "session.end") as SessionEndEvent;
    expect(end.protocol).toBe("imap");
    expect(end.counters).toEqual({ commands: 13, bytesIn: 821, bytesOut: 2260906, fetch: 3, itemsDeleted: 1 });
    expect(at(run.items, 19, "other").action).toBe("CloseSession");
  });

  it("a header re-appearing mid-file with an extra column (puid) is followed; ClientIp= of a back-end log is the client", async () => {
    const run = await parse(name);
    const auth = at(run.items, 26, "auth") as AuthEvent;
    expect(auth.user).toBe("bob@contoso.com");
    expect(auth.clientIp).toBe("2001:db8::7");
    expect(auth.clientPort).toBe(50001);
    expect(auth.extra?.["frontEndIp"]).toBe("10.0.0.5");
    const read = at(run.items, 28, "mail.read") as MailReadEvent;
    expect(read.folder).toBe("Sent Items");
    expect(read.how).toBe("headers");
    // CloseSession without LOGOUT ends the session; the real client stays that of the session.
    const end = at(run.items, 29, "session.end") as SessionEndEvent;
    expect(end.clientIp).toBe("2001:db8::7");
    expect(end.counters["commands"]).toBe(5);
  });
});

describe("exchange-protocol-log: POP3 log with a #Fields: header (constructed)", () => {
  it("USER then PASS is one auth with the USER name; RETR/TOP are pop3 reads, DELE a delete, QUIT the end", async () => {
    const run = await parse("constructed-pop3-with-header.log");
    const user = at(run.items, 7, "other");
    expect(user.user).toBe("carol@contoso.com");
    const auth = at(run.items, 8, "auth") as AuthEvent;
    expect([auth.result, auth.user, auth.protocol, auth.method]).toEqual(["success", "carol@contoso.com", "pop3", "USER"]);
    expect([auth.clientIp, auth.clientPort, auth.sessionId]).toEqual(["198.51.100.23", 60001, "08DC3A6F00000001"]);
    const retr = at(run.items, 10, "mail.read") as MailReadEvent;
    expect([retr.how, retr.messageCount, retr.extra?.["messageNumber"]]).toEqual(["pop3", 1, 1]);
    const top = at(run.items, 11, "mail.read") as MailReadEvent;
    expect([top.how, top.extra?.["messageNumber"], top.extra?.["lines"]]).toEqual(["pop3", 2, 0]);
    const dele = at(run.items, 12, "mail.change") as MailChangeEvent;
    expect([dele.op, dele.extra?.["messageNumber"]]).toEqual(["delete", 1]);
    const end = at(run.items, 13, "session.end") as SessionEndEvent;
    expect(end.counters).toEqual({ commands: 8, bytesIn: 73, bytesOut: 5941, retr: 1, top: 1, dele: 1 });
  });
});

describe("exchange-protocol-log: bad input", () => {
  it("ragged row, broken quote, garbage line, bad time, no command, text after a quote: located warnings, parsing goes on", async () => {
    const run = await parse("bad/bad-rows.log");
    expect(run.warnings.map((warning) => warning.ref.line)).toEqual([5, 6, 7, 8, 9, 10]);
    const messages = run.warnings.map((warning) => warning.message);
    expect(messages[0]).toMatch(/^row has 8 fields, the #Fields: header has 12: /);
    expect(messages[1]).toMatch(/^a quoted cell opened at column 115 is never closed \(broken quote\): /);
    expect(messages[2]).toBe("row has 1 fields, the #Fields: header has 12: this is not a log line at all");
    expect(messages[3]).toBe("dateTime is not an ISO 8601 UTC time: 01/03/2024 11:00:03");
    expect(messages[4]).toBe("row has no command");
    expect(messages[5]).toMatch(/^text after the closing quote at column 161: /);
    expect(run.items.map((item) => `${item.ref.line}:${item.kind}`)).toEqual(["4:other", "11:auth"]);
    const bytewise = await parse("bad/bad-rows.log", 1);
    expect(bytewise.warnings).toEqual(run.warnings);
    expect(bytewise.items).toEqual(run.items);
  });

  it("Exchange SMTP protocol logs are not mine, and no parser of the registry takes them for this format", () => {
    const smtp = fixture("bad/crowdsec-exchange-smtp-logs.log");
    expect(exchangeProtocolLog.sniff(smtp, "exchange-smtp-logs.log")).toBe(false);
    const smtpWithHeader = Buffer.from(
      "#Software: Microsoft Exchange Server\r\n#Log-type: SMTP Receive Protocol Log\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n" +
        smtp.toString("utf8"),
    );
    expect(exchangeProtocolLog.sniff(smtpWithHeader, "RECV2024.LOG")).toBe(false);
    expect(fileFormats.find((parser) => parser.sniff(smtp, "x.log"))?.name).not.toBe("exchange-protocol-log");
  });

  it("a BOM and CRLF line ends are read", async () => {
    const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixture("constructed-pop3-with-header.log").toString("utf8").replace(/\n/g, "\r\n"))]);
    expect(exchangeProtocolLog.sniff(data, "POP3.LOG")).toBe(true);
    const run = await runParser(exchangeProtocolLog, data, { file: "POP3.LOG" });
    expect(run.items.length).toBe(9);
    expect(run.warnings.length).toBe(0);
  });
});

describe("exchange-protocol-log helpers", () => {
  it("splits CSV lines with doubled quotes and a trailing empty cell", () => {
    expect(splitCsvLine('a,"b ""c"";d",')).toEqual(["a", 'b "c";d', ""]);
    expect(splitCsvLine('a,"open')).toEqual({ error: "a quoted cell opened at column 3 is never closed (broken quote)" });
  });

  it("reads the context's quoted values", () => {
    expect(parseContext('R="a1 NO LOGIN failed.";Msg="x;y";ErrMsg=AuthFailed:LogonDenied')).toEqual({
      R: "a1 NO LOGIN failed.",
      Msg: "x;y",
      ErrMsg: "AuthFailed:LogonDenied",
    });
  });

  it("lists UID sets only when closed and small", () => {
    expect(uidItems("1:3,7", "INBOX")).toEqual([1, 2, 3, 7].map((uid) => ({ uid, folder: "INBOX" })));
    expect(uidItems("5:*", "INBOX")).toBeUndefined();
    expect(uidItems("1:5000", undefined)).toBeUndefined();
  });
});
