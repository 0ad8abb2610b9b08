import { describe, expect, it } from "vitest";
import type { ParsedEvent } from "../../../src/model/events.js";
import { m365AuditJson } from "../../../src/formats/m365/m365-audit-json.js";
import { runParser, runParserOnFile } from "../harness.js";

const DIR = new URL("../../../fixtures/m365/m365-audit-json/", import.meta.url).pathname;

function events(items: readonly unknown[]): ParsedEvent[] {
  return items as ParsedEvent[];
}

describe("m365-audit-json", () => {
  it("OTRF OfficeActivityEvents.json (one Sentinel row, real): one MailItemsAccessed Bind of 7 items via Graph", async () => {
    const run = await runParserOnFile(m365AuditJson, `${DIR}OfficeActivityEvents.json`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list).toHaveLength(1);
    const read = list[0];
    expect(read?.kind).toBe("mail.read");
    if (read?.kind !== "mail.read") return;
    expect(read.how).toBe("bind");
    expect(read.items).toHaveLength(7);
    expect(read.folder).toBe("Inbox");
    expect(read.ts).toBe(Date.UTC(2021, 7, 2, 13, 32, 7));
    expect(read.user).toBe("pgustavo@simulandlabs.com");
    expect(read.clientIp).toBe("1.2.3.4");
    expect(read.extra).toMatchObject({ appId: "00000003-0000-0000-c000-000000000000", clientAppId: "5a95e683-08ad-424e-a441-1d1aec52c02c", clientInfoString: "Client=REST;;", logonType: "Owner" });
    expect(read.ref).toEqual({ offset: 0, recordId: "699e0b10-1c53-403e-976f-ce0847a92b44" });
  });

  it("plaso microsoft_audit_log.jsonl (real, JSON lines): 3 admin cmdlets kept as other, 1 UserLoggedIn", async () => {
    const run = await runParserOnFile(m365AuditJson, `${DIR}microsoft_audit_log.jsonl`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list.map((event) => `${event.kind}:${event.action}`)).toEqual([
      "other:Install-DefaultSharingPolicy",
      "other:Set-MailboxPlan",
      "other:Set-AdminAuditLogConfig",
      "auth:UserLoggedIn",
    ]);
    expect(list.map((event) => event.ref.line)).toEqual([1, 2, 3, 4]);
    expect(list[3]).toMatchObject({ user: "piet@sst5f.onmicrosoft.com", clientIp: "0.0.0.0", result: "success", ts: Date.UTC(2022, 4, 8, 15, 13, 41) });
  });

  it("Management Activity API content (array, constructed from real records)", async () => {
    const run = await runParserOnFile(m365AuditJson, `${DIR}management-api-content.json`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list.map((event) => `${event.kind}:${event.action}`)).toEqual([
      "auth:UserLoggedIn",
      "mailbox.config:Set-Mailbox",
      "other:PasswordLogonInitialAuthUsingPassword",
      "mail.read:MailItemsAccessed",
      "mailbox.config:New-InboxRule",
    ]);
    expect(list[0]).toMatchObject({
      userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.14; rv:72.0) Gecko/20100101 Firefox/72.0",
      keys: { correlationId: "03616b3a-fc75-46a1-b34a-2d82fc8f1e7e", requestId: "c4206c29-46c2-4a6f-a46b-735107705400" },
      appId: "4345a7b9-9a63-4910-a426-35363201d503",
    });
    // Set-Mailbox without forwarding parameters is a mailbox change of no special kind.
    expect(list[1]).toMatchObject({ change: "other", parameters: { ProhibitSendQuota: "99 GB (106,300,440,576 bytes)" } });
    expect(list[2]).toMatchObject({ result: "failure" });
    expect(list.map((event) => event.ref.offset)).toEqual([1, 1369, 2083, 2787, 4165]);
  });

  it("reads a single AuditData object and a Search-UnifiedAuditLog ConvertTo-Json record", async () => {
    const single = JSON.stringify({ CreationTime: "2020-02-17T17:12:03", Id: "11111111-2222-4333-8444-555555555555", Operation: "Send", RecordType: 2, UserId: "a@b.example", Workload: "Exchange", Item: { InternetMessageId: "<m@x>", Subject: "hi" } });
    const run = await runParser(m365AuditJson, Buffer.from(single));
    expect(events(run.items)).toMatchObject([{ kind: "mail.send", ts: Date.UTC(2020, 1, 17, 17, 12, 3), items: [{ messageId: "<m@x>", subject: "hi" }] }]);
    const ps = JSON.stringify([{ RecordType: "ExchangeItem", CreationDate: "/Date(1581959523000)/", UserIds: "a@b.example", Operations: "Send", AuditData: single, Identity: "11111111-2222-4333-8444-555555555555" }]);
    expect(m365AuditJson.sniff(Buffer.from(ps), "x.json")).toBe(true);
    const psRun = await runParser(m365AuditJson, Buffer.from(ps));
    expect(events(psRun.items)).toMatchObject([{ kind: "mail.send", ref: { offset: 1, recordId: "11111111-2222-4333-8444-555555555555" } }]);
  });

  it("bad: a truncated content blob gives its complete records and one located warning", async () => {
    const run = await runParserOnFile(m365AuditJson, `${DIR}bad/truncated-content.json`);
    expect(run.items).toHaveLength(3);
    expect(run.warnings).toEqual([{ ref: { offset: 3583 }, message: "input ends inside this value (truncated file): the complete values before it were read" }]);
  });

  it("bad: fields of the wrong type, a record with no time, a non-record and a scalar are each warned", async () => {
    const run = await runParserOnFile(m365AuditJson, `${DIR}bad/wrong-types.json`);
    expect(events(run.items).map((event) => `${event.kind}:${event.action}`)).toEqual(["mail.read:MailItemsAccessed", "mailbox.config:Set-Mailbox"]);
    expect(run.warnings).toEqual([
      { ref: { offset: 3, recordId: "7c8d9e0f-1a2b-4c3d-9e4f-6a7b8c9d0e26" }, message: "FolderItems is an object, expected an array" },
      { ref: { offset: 1579 }, message: 'audit record without a usable CreationTime: skipped (CreationTime "20200207" is not a date-time)' },
      { ref: { offset: 3158 }, message: "no Operation, CreationTime or AuditData: not an audit record: skipped" },
      { ref: { offset: 3229 }, message: "array element is not a JSON object: skipped" },
      { ref: { offset: 3234, recordId: "9e0f1a2b-3c4d-4e5f-9a6b-8c9d0e1f2a28" }, message: "Parameters is an object, expected an array" },
    ]);
  });
});
