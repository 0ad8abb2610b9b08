import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedEvent } from "../../../src/model/events.js";
import { m365AuditCsv } from "../../../src/formats/m365/m365-audit-csv.js";
import { countBy, runParser, runParserOnFile } from "../harness.js";

const DIR = new URL("../../../fixtures/m365/m365-audit-csv/", import.meta.url).pathname;

function events(items: readonly unknown[]): ParsedEvent[] {
  return items as ParsedEvent[];
}

function byAction(list: readonly ParsedEvent[], action: string): ParsedEvent {
  const found = list.find((event) => event.action === action);
  if (!found) throw new Error(`no ${action}`);
  return found;
}

describe("m365-audit-csv: Sentinel OfficeActivity export (real, Azure-Sentinel training lab)", () => {
  it("reads all 266 records with the mail operations mapped and everything else kept as other", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}office_activity.csv`);
    const list = events(run.items);
    expect(list).toHaveLength(266);
    expect(run.warnings).toEqual([]);
    const byOp = countBy(list, (event) => `${event.kind}:${event.action}`);
    expect(byOp["mail.read:MailItemsAccessed"]).toBe(3);
    expect(byOp["mail.send:Send"]).toBe(2);
    expect(byOp["mailbox.config:New-InboxRule"]).toBe(1);
    expect(byOp["mail.change:MoveToDeletedItems"]).toBe(1);
    expect(byOp["mail.change:Update"]).toBe(1);
    expect(byOp["mailbox.config:ModifyFolderPermissions"]).toBe(2);
    expect(countBy(list, (event) => event.kind)).toEqual({ other: 256, "mail.read": 3, "mail.send": 2, "mailbox.config": 3, "mail.change": 2 });
    // No SharePoint/OneDrive/Teams record became a mail event.
    for (const event of list) if (event.kind !== "other") expect(event.extra?.workload).toBe("Exchange");
  });

  it("maps a MailItemsAccessed Bind over two folders item by item", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}office_activity.csv`);
    const read = events(run.items).find((event) => event.ref.recordId === "2ad854c0-d9c3-43b5-95d8-826aea0d10ca");
    expect(read?.kind).toBe("mail.read");
    if (read?.kind !== "mail.read") return;
    expect(read.ts).toBe(Date.UTC(2021, 3, 28, 14, 54, 37));
    expect(read.how).toBe("bind");
    expect(read.user).toBe("adelev@m365x816222.onmicrosoft.com");
    expect(read.mailbox).toBe("adelev@m365x816222.onmicrosoft.com");
    expect(read.clientIp).toBe("2603:10b6:5:345::11");
    expect(read.folder).toBeUndefined();
    expect(read.extra?.folders).toEqual(["Inbox", "Sent Items"]);
    expect(read.items.map((item) => item.folder)).toEqual(["Inbox", "Sent Items", "Sent Items"]);
    expect(read.items[0]?.messageId).toBe("<a0e3cf57-a505-4353-a5a3-ca1b541fb94d@DM6NAM12FT058.eop-nam12.prod.protection.outlook.com>");
    expect(read.messageCount).toBe(3);
    expect(read.throttled).toBeUndefined();
    expect(read.ref).toEqual({ line: 4, recordId: "2ad854c0-d9c3-43b5-95d8-826aea0d10ca" });
  });

  it("takes the attacker's OWA user agent and the address without its port", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}office_activity.csv`);
    const rule = byAction(events(run.items), "New-InboxRule");
    expect(rule.kind).toBe("mailbox.config");
    if (rule.kind !== "mailbox.config") return;
    expect(rule.clientIp).toBe("175.45.176.99");
    expect(rule.clientPort).toBe(17362);
    expect(rule.rule).toEqual({ name: "junk", conditions: { SubjectContainsWords: "legal" }, actions: { PinMessage: "True", StopProcessingRules: "True" } });
    const moved = byAction(events(run.items), "MoveToDeletedItems");
    expect(moved.kind === "mail.change" && [moved.op, moved.folder, moved.destFolder, moved.items.length]).toEqual(["delete", "Inbox", "Deleted Items", 1]);
    expect(moved.userAgent).toBe(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.85 Safari/537.36 Edg/90.0.818.49",
    );
  });

  it("gives the same result read in 7-byte chunks (CRLF inside quoted multi-line cells)", async () => {
    const data = readFileSync(`${DIR}office_activity.csv`);
    const whole = await runParser(m365AuditCsv, data);
    const chunked = await runParser(m365AuditCsv, data, { chunkSize: 7 });
    expect(chunked.items).toEqual(whole.items);
  });

  it("reads the inbox-rule export, which has no TimeGenerated column, and bracketed IPv6 with port", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}office_activity_inbox_rule.csv`);
    const list = events(run.items);
    expect(list).toHaveLength(2);
    expect(run.warnings).toEqual([]);
    const first = list[0];
    expect(first?.kind).toBe("mailbox.config");
    if (first?.kind !== "mailbox.config") return;
    expect(first.ts).toBe(Date.UTC(2021, 3, 26, 7, 17, 10));
    expect(first.tsDesc).toBe("Start_Time (no TimeGenerated in this export)");
    expect([first.clientIp, first.clientPort]).toEqual(["2a01:110:8068:7:9bf8:aa87:e00a:5f1f", 36185]);
    expect(first.rule).toEqual({ name: "rule2", conditions: { SubjectContainsWords: "do not open" }, actions: { MoveToFolder: "Junk Email", StopProcessingRules: "True" } });
    expect(list[1]?.kind === "mailbox.config" && list[1].rule?.actions).toEqual({ DeleteMessage: "True", StopProcessingRules: "True" });
  });
});

describe("m365-audit-csv: Purview audit export (constructed from documented records)", () => {
  it("maps every operation family", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}AuditLog_20260126_101500.csv`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list.map((event) => `${event.kind}:${event.action}`)).toEqual([
      "other:Add service principal.",
      "mail.read:MailItemsAccessed",
      "mailbox.config:New-InboxRule",
      "mailbox.config:Set-Mailbox",
      "mailbox.config:Add-MailboxPermission",
      "mail.change:SoftDelete",
      "mail.send:SendAs",
      "search:SearchQueryInitiatedExchange",
      "auth:UserLoginFailed",
      "auth:UserLoggedIn",
      "auth:MailboxLogin",
      "mailbox.config:Consent to application.",
      "mailbox.config:UpdateInboxRules",
      "other:MessageSent",
    ]);
  });

  it("keeps a delegated Sync with its folder, token and session keys", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}AuditLog_20260126_101500.csv`);
    const sync = byAction(events(run.items), "MailItemsAccessed");
    expect(sync).toMatchObject({
      kind: "mail.read",
      ts: Date.UTC(2026, 10, 26, 8, 24, 10),
      how: "sync",
      folder: "Inbox",
      items: [],
      user: "erin.walsh@agency.example",
      mailbox: "payroll@agency.example",
      clientIp: "203.0.113.50",
      sessionId: "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93",
      keys: { aadSessionId: "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93", uniqueTokenId: "dGVzdC10b2tlbi1lcmluLTAx", serverSessionId: "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c01" },
      extra: { logonType: "Delegated", clientAppId: "d3590ed6-52b3-4102-aeff-aad2292ab01c", recordType: "ExchangeItemAggregated" },
      ref: { line: 3, recordId: "a7c4e2f1-9b3d-4e8a-b6c5-1d2e3f4a5b01" },
    });
  });

  it("parses rules, forwarding, permissions and consents into fields", async () => {
    const list = events((await runParserOnFile(m365AuditCsv, `${DIR}AuditLog_20260126_101500.csv`)).items);
    expect(byAction(list, "New-InboxRule")).toMatchObject({
      change: "inbox-rule",
      target: ".",
      rule: { name: ".", conditions: { From: "olga@tailspin-audit.example" }, actions: { MoveToFolder: "Conversation History", MarkAsRead: "True", StopProcessingRules: "True" } },
    });
    expect(byAction(list, "Set-Mailbox")).toMatchObject({ change: "forwarding", grantee: "exfil@proton.example", mailbox: "adelev@contoso.example", clientPort: 50112 });
    expect(byAction(list, "Add-MailboxPermission")).toMatchObject({ change: "permission", mailbox: "finance@contoso.example", grantee: "adelev@contoso.example", rights: "FullAccess" });
    expect(byAction(list, "Consent to application.")).toMatchObject({ change: "app-consent", target: "SimuLandApp", rights: "Scope: Mail.Read Mail.ReadWrite offline_access" });
    expect(byAction(list, "UpdateInboxRules")).toMatchObject({ change: "inbox-rule", rule: { name: "fwd", actions: { RuleActions: "Forward to exfil@proton.example" } } });
  });

  it("maps deletes, send-as, searches and sign-ins", async () => {
    const list = events((await runParserOnFile(m365AuditCsv, `${DIR}AuditLog_20260126_101500.csv`)).items);
    expect(byAction(list, "SoftDelete")).toMatchObject({ op: "delete", folder: "Deleted Items", items: [{ messageId: "<ATK-0001.z9@contoso.example>", subject: "Urgent: updated bank details" }] });
    expect(byAction(list, "SendAs")).toMatchObject({ sendAs: "send-as", sentAs: "finance@contoso.example", items: [{ messageId: "<SA-77.q1@contoso.example>", folder: "Sent Items", size: 10240 }] });
    expect(byAction(list, "SearchQueryInitiatedExchange")).toMatchObject({ kind: "search", query: "payroll OR invoice" });
    expect(byAction(list, "UserLoginFailed")).toMatchObject({ result: "failure", errorCode: "50126", failureReason: "InvalidUserNameOrPassword", userAgent: "python-requests/2.31.0" });
    expect(byAction(list, "UserLoggedIn")).toMatchObject({ result: "success", sessionId: "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93", keys: { requestId: "f0a1b2c3-d4e5-4f6a-8b7c-8d9e0f1a2b09" } });
    expect(byAction(list, "MailboxLogin")).toMatchObject({ kind: "auth", protocol: "IMAP4", legacyProtocol: true });
    // The ISO CreationDate with a trailing space is not used: AuditData's CreationTime is.
    expect(byAction(list, "MessageSent").ts).toBe(Date.UTC(2026, 0, 24, 6, 54, 24));
  });
});

describe("m365-audit-csv: Search-UnifiedAuditLog export and the old four-column export (constructed)", () => {
  it("reads UTF-16LE with BOM and takes the time from AuditData, not the en-AU CreationDate", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}search-unifiedauditlog-utf16le.csv`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list).toHaveLength(2);
    const read = list[0];
    expect(read?.kind).toBe("mail.read");
    if (read?.kind !== "mail.read") return;
    expect(read.ts).toBe(Date.UTC(2025, 11, 3, 7, 31, 34));
    expect(read.throttled).toBe(true);
    expect(read.clientIp).toBe("198.51.100.23");
    expect(read.items.map((item) => [item.messageId, item.folder])).toEqual([
      ["<FIN-1.a@contoso.example>", "Inbox"],
      ["<FIN-2.b@contoso.example>", "Inbox"],
      ["<FIN-3.c@contoso.example>", "Inbox/Projects"],
    ]);
    expect(read.items[0]?.size).toBe(20480);
    expect(read.ref).toEqual({ line: 2, recordId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d13" });
    expect(list[1]).toMatchObject({ kind: "mail.change", op: "delete", action: "HardDelete", folder: "Recoverable Items/Deletions" });
  });

  it("reads the four-column export, naming a Set-InboxRule after its Identity", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}old-export-4col.csv`);
    const list = events(run.items);
    expect(run.warnings).toEqual([]);
    expect(list.map((event) => event.kind)).toEqual(["mailbox.config", "other"]);
    expect(list[0]).toMatchObject({
      rule: { name: "fwd", conditions: { SubjectContainsWords: "invoice;payment" }, actions: { RedirectTo: "exfil@proton.example" } },
      grantee: "exfil@proton.example",
      mailbox: "adelev@contoso.example",
    });
    expect(list[1]).toMatchObject({ action: "FileAccessed", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" });
  });
});

describe("m365-audit-csv: bad input", () => {
  it("a broken quote: the record is skipped with its line, the next records are still read", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}bad/broken-quote.csv`);
    expect(events(run.items).map((event) => event.ref.line)).toEqual([2, 4]);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]?.ref).toEqual({ line: 3 });
    expect(run.warnings[0]?.message).toMatch(/broken quote/);
  });

  it("AuditData that is not JSON: one warning per row, with the row's record id", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}bad/auditdata-not-json.csv`);
    expect(run.items).toHaveLength(2);
    expect(run.warnings.map((warning) => warning.ref)).toEqual([
      { line: 3, recordId: "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e17" },
      { line: 4, recordId: "af8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e18" },
    ]);
    expect(run.warnings.every((warning) => warning.message.startsWith("AuditData is not valid JSON"))).toBe(true);
  });

  it("an unknown operation is kept as other without a warning; no operation, a wrong type and a bad time are warned", async () => {
    const run = await runParserOnFile(m365AuditCsv, `${DIR}bad/unknown-operation-wrong-types.csv`);
    const list = events(run.items);
    expect(list.map((event) => `${event.kind}:${event.action}`)).toEqual(["other:FrobnicateMailbox", "other:(no operation)", "mail.read:MailItemsAccessed"]);
    expect(run.warnings).toEqual([
      { ref: { line: 3, recordId: "c1d2e3f4-a5b6-4c7d-9e8f-0a1b2c3d4e20" }, message: "no Operation: kept as an event of kind other" },
      { ref: { line: 4, recordId: "d2e3f4a5-b6c7-4d8e-8f9a-1b2c3d4e5f21" }, message: "Folders is a string, expected an array" },
      { ref: { line: 5 }, message: 'audit record without a usable CreationTime: skipped (CreationTime "yesterday" is not a date-time)' },
    ]);
    expect(list[2]?.kind === "mail.read" && list[2].items).toEqual([]);
  });

  it("a file whose header is no audit header is not sniffed", () => {
    expect(m365AuditCsv.sniff(Buffer.from("a,b,c\n1,2,3\n"), "x.csv")).toBe(false);
    expect(m365AuditCsv.sniff(Buffer.from("\ufeffOperationName,InitiatingUserOrApp,Result\nx,y,z\n"), "x.csv")).toBe(false);
  });
});
