/**
 * The event builders. Key order is part of the output (the stored JSON, and through it
 * timeline.jsonl, keeps it), so the orders are pinned here: the general one of src/formats/build.ts
 * and the older ones Dovecot, Exchange and audit-log mailbox configuration events are stored in.
 */
import { describe, expect, it } from "vitest";
import { recordContext } from "../../src/formats/build.js";
import { mapDovecotMessage } from "../../src/formats/dovecot/mapping.js";
import { ExchangeSessions, mapExchangeRow } from "../../src/formats/exchange/protocol.js";
import { auditEvent } from "../../src/formats/m365/audit.js";

/** As the pipeline stores an event: JSON without the ref (undefined keys drop out). */
const stored = (event: object | undefined): string => JSON.stringify({ ...event, ref: undefined });

const context = () =>
  recordContext({
    ts: 1000,
    tsDesc: "Sign-in time",
    action: "Sign-in activity",
    ref: { line: 7 },
    result: "success",
    user: "ann@x.example",
    clientIp: "192.0.2.7",
    country: "NO",
    sessionId: "s1",
    keys: { aadSessionId: "s1" },
    extra: { raw: 1 },
  });

describe("general builders (src/formats/build.ts)", () => {
  it("fill the record's fields and write the kind's after them, in the model's order", () => {
    const event = context().read({ how: "bind", items: [{ messageId: "<m@x>" }], messageCount: 1, detail: "Bind: 1 item(s)", folder: "Inbox" });
    expect(stored(event)).toBe(
      '{"kind":"mail.read","ts":1000,"tsDesc":"Sign-in time","action":"Sign-in activity","result":"success","user":"ann@x.example","clientIp":"192.0.2.7","country":"NO","sessionId":"s1","keys":{"aadSessionId":"s1"},"messageCount":1,"detail":"Bind: 1 item(s)","extra":{"raw":1},"how":"bind","folder":"Inbox","items":[{"messageId":"<m@x>"}]}',
    );
    expect(event.ref).toEqual({ line: 7 });
  });

  it("let an event replace the record's result and extra, and fall back to them otherwise", () => {
    const at = context();
    expect(at.auth({ result: "failure", extra: { mine: true }, errorCode: "50126" })).toMatchObject({ kind: "auth", result: "failure", extra: { mine: true }, errorCode: "50126" });
    expect(at.other({ detail: "x" })).toMatchObject({ kind: "other", result: "success", extra: { raw: 1 }, detail: "x" });
    expect(at.other()).toMatchObject({ kind: "other", action: "Sign-in activity" });
  });

  it("take identity fields from the context, so a kind that knows better sets them there first", () => {
    const at = context();
    at.user = "bob@x.example";
    at.mailbox = "ceo@x.example";
    const event = at.send({ sendAs: "send-as", sentAs: "ceo@x.example", items: [] });
    expect(event).toMatchObject({ kind: "mail.send", user: "bob@x.example", mailbox: "ceo@x.example", sendAs: "send-as" });
  });

  it("build every kind with its own fields", () => {
    const at = context();
    expect(at.sessionEnd({ counters: { retr: 2 }, protocol: "pop3" })).toMatchObject({ kind: "session.end", counters: { retr: 2 }, protocol: "pop3" });
    expect(at.change({ op: "move", items: [], folder: "Inbox", destFolder: "Archive", flags: ["\\Seen"] })).toMatchObject({ kind: "mail.change", op: "move", destFolder: "Archive" });
    expect(at.config({ change: "forwarding", grantee: "evil@y.example", parameters: { ForwardingSmtpAddress: "evil@y.example" } })).toMatchObject({ kind: "mailbox.config", change: "forwarding" });
    expect(at.search({ query: "bank", folder: "Inbox" })).toMatchObject({ kind: "search", query: "bank" });
  });
});

describe("the older key orders of Dovecot, Exchange and audit-log configuration events stay as stored", () => {
  it("Dovecot: a login leads with its kind; mail process lines lead with the line's context", () => {
    const login = mapDovecotMessage("Login: user=<ann@x.example>, method=PLAIN, rip=192.0.2.7, rport=5123, lip=10.0.0.1, mpid=4242, TLS, session=<abc>", {
      ts: 1000,
      ref: { line: 1 },
      prefix: { process: "imap-login" },
    });
    expect(stored(login)).toBe(
      '{"kind":"auth","ts":1000,"tsDesc":"Login time","action":"Login","result":"success","user":"ann@x.example","clientIp":"192.0.2.7","clientPort":5123,"sessionId":"abc","keys":{"serverSessionId":"abc","processId":"4242"},"protocol":"imap","method":"PLAIN","tls":"TLS","extra":{"lip":"10.0.0.1"}}',
    );
    const copy = mapDovecotMessage("copy from INBOX: box=Archive, uid=7, msgid=<m1@x>, size=1200, subject=Payroll", {
      ts: 2000,
      ref: { line: 2 },
      prefix: { process: "imap", paren: "ann@x.example", pid: "4242", session: "abc" },
    });
    expect(stored(copy)).toBe(
      '{"ts":2000,"user":"ann@x.example","sessionId":"abc","keys":{"serverSessionId":"abc","processId":"4242"},"kind":"mail.change","tsDesc":"Mailbox change time","action":"copy","op":"copy","folder":"INBOX","destFolder":"Archive","items":[{"messageId":"<m1@x>","uid":7,"folder":"Archive","size":1200,"subject":"Payroll"}],"messageCount":1,"detail":"subject: Payroll"}',
    );
  });

  it("Exchange: kind, time and the row's context, then tsDesc, action, the kind's fields and extra", () => {
    const row = { ts: 3000, sessionId: "S1", seq: 3, serverEndpoint: "10.0.0.2:993", clientEndpoint: "203.0.113.5:50000", user: "ann@x.example", command: "uid", parameters: "fetch 1:2 (BODY.PEEK[])", context: 'R="a3 OK FETCH completed."' };
    expect(stored(mapExchangeRow(row, "imap", new ExchangeSessions(), { line: 3 }))).toBe(
      '{"kind":"mail.read","ts":3000,"user":"ann@x.example","clientIp":"203.0.113.5","clientPort":50000,"sessionId":"S1","keys":{"serverSessionId":"S1"},"result":"success","detail":"a3 OK FETCH completed.","tsDesc":"Command time","action":"uid fetch","how":"fetch","items":[{"uid":1},{"uid":2}],"messageCount":2,"extra":{"server":"10.0.0.2:993","seq":3,"uidSet":"1:2","attributes":"(BODY.PEEK[])"}}',
    );
  });

  it("audit-log mailbox configuration: mailbox and detail after extra", () => {
    const record = { CreationTime: "2026-01-02T03:04:05", Id: "r1", Operation: "New-InboxRule", UserId: "Ann@x.example", ClientIP: "198.51.100.9", ResultStatus: "True", Workload: "Exchange", Parameters: [{ Name: "Name", Value: "fwd" }, { Name: "ForwardTo", Value: "evil@y.example" }] };
    const outcome = auditEvent(record, { line: 4 }, []);
    expect("event" in outcome ? stored(outcome.event) : outcome.skip).toBe(
      '{"kind":"mailbox.config","ts":1767323045000,"tsDesc":"Audit record time (CreationTime)","action":"New-InboxRule","result":"success","user":"ann@x.example","clientIp":"198.51.100.9","extra":{"workload":"Exchange"},"detail":"New-InboxRule \\"fwd\\": ForwardTo=evil@y.example","change":"inbox-rule","target":"fwd","rule":{"name":"fwd","conditions":{},"actions":{"ForwardTo":"evil@y.example"}},"grantee":"evil@y.example","parameters":{"Name":"fwd","ForwardTo":"evil@y.example"}}',
    );
  });
});
