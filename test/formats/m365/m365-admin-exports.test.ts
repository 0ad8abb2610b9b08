/**
 * Exports people make of Exchange admin activity, read as they are (fixtures written by
 * scripts/make-m365-admin-fixtures.mjs): a Log Analytics export of only some OfficeActivity
 * columns, and Microsoft-Extractor-Suite's Get-UAL output in JSON, JSONL and CSV (with and without
 * -AuditDataOnly). Every one is recognised without --format; every cmdlet keeps every parameter and
 * names the mailbox its Identity names.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fileFormats } from "../../../src/formats/index.js";
import { m365AuditCsv } from "../../../src/formats/m365/m365-audit-csv.js";
import { m365AuditJson } from "../../../src/formats/m365/m365-audit-json.js";
import type { MailboxConfigEvent, ParsedEvent } from "../../../src/model/events.js";
import { HEAD_BYTES, type FileFormat } from "../../../src/model/format.js";
import { runParser } from "../harness.js";

const CSV = new URL("../../../fixtures/m365/m365-audit-csv/", import.meta.url).pathname;
const JSON_DIR = new URL("../../../fixtures/m365/m365-audit-json/", import.meta.url).pathname;

function sniffed(path: string): string | undefined {
  const head = readFileSync(path).subarray(0, HEAD_BYTES);
  return fileFormats.find((format) => format.sniff(head, path))?.name;
}

async function read(format: FileFormat, path: string, chunkSize?: number) {
  const run = await runParser(format, readFileSync(path), { file: path, ...(chunkSize === undefined ? {} : { chunkSize }) });
  return { events: run.items as ParsedEvent[], warnings: run.warnings };
}

/** What the timeline would show of each event, and the parameters it kept. */
function rows(list: readonly ParsedEvent[]) {
  return list.map((e) => [e.kind, new Date(e.ts).toISOString(), e.action, e.result, e.user, e.mailbox, e.clientIp, e.kind === "mailbox.config" ? e.parameters : e.extra?.["parameters"]]);
}

describe("a Log Analytics export of some OfficeActivity columns (TimeGenerated, UserId, ClientIP, Operation, Parameters)", () => {
  const path = `${CSV}officeactivity-some-columns.csv`;

  it("is recognised and every row read: missing columns and empty cells stay empty, nothing is refused", async () => {
    expect(sniffed(path)).toBe("m365-audit-csv");
    for (const chunkSize of [1, 4096]) {
      const { events, warnings } = await read(m365AuditCsv, path, chunkSize);
      expect(warnings).toEqual([]);
      expect(rows(events)).toEqual([
        ["other", "2026-01-15T10:10:00.000Z", "Set-AdminAuditLogConfig", undefined, "it-admin@agency.example", undefined, "203.0.113.99", { Identity: "Admin Audit Log Settings", UnifiedAuditLogIngestionEnabled: "False" }],
        ["mailbox.config", "2026-01-15T10:11:00.000Z", "Set-CASMailbox", undefined, "it-admin@agency.example", "olga.ext@agency.example", "2001:db8::99", { Identity: "olga.ext@agency.example", ImapEnabled: "True" }],
        ["other", "2026-01-15T15:00:00.000Z", "Set-AdminAuditLogConfig", undefined, "helpdesk@agency.example", undefined, undefined, { Identity: "Admin Audit Log Settings", UnifiedAuditLogIngestionEnabled: "True" }],
        ["mail.read", "2026-01-15T15:05:00.000Z", "MailItemsAccessed", undefined, undefined, undefined, undefined, undefined],
      ]);
      expect(events[0]?.detail).toBe("Set-AdminAuditLogConfig Admin Audit Log Settings: UnifiedAuditLogIngestionEnabled=False");
    }
  });

  it("any subset with a time and an operation is read; without an operation it is not taken for an audit log", async () => {
    const minimal = Buffer.from("\ufeffOperation,TimeGenerated\r\nSet-Mailbox,2026-01-15T10:00:00Z\r\n");
    expect(m365AuditCsv.sniff(minimal, "x.csv")).toBe(true);
    const run = await runParser(m365AuditCsv, minimal, { file: "x.csv" });
    expect((run.items as ParsedEvent[]).map((e) => [e.kind, e.action, e.ts])).toEqual([["mailbox.config", "Set-Mailbox", Date.parse("2026-01-15T10:00:00Z")]]);
    expect(m365AuditCsv.sniff(Buffer.from("TimeGenerated,UserId,ClientIP\r\n2026-01-15T10:00:00Z,a@b.example,192.0.2.1\r\n"), "x.csv")).toBe(false);
  });
});

describe("a real Exchange admin record keeps its parameters (plaso microsoft_audit_log.jsonl)", () => {
  it("Set-AdminAuditLogConfig keeps all four parameters; Set-MailboxPlan names no mailbox (a plan is not one)", async () => {
    const { events } = await read(m365AuditJson, `${JSON_DIR}microsoft_audit_log.jsonl`);
    const audit = events.find((e) => e.action === "Set-AdminAuditLogConfig");
    expect(audit?.extra?.["parameters"]).toEqual({
      DomainController: "",
      IgnoreDehydratedFlag: "True",
      Identity: "EURP193A005.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/sst5f.onmicrosoft.com",
      AdminAuditLogEnabled: "True",
    });
    expect(audit?.detail).toBe("Set-AdminAuditLogConfig EURP193A005.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/sst5f.onmicrosoft.com: DomainController=, IgnoreDehydratedFlag=True, AdminAuditLogEnabled=True");
    const plan = events.find((e) => e.action === "Set-MailboxPlan");
    expect(plan?.mailbox).toBeUndefined();
    expect(plan?.extra?.["parameters"]).toMatchObject({ ResetPasswordOnNextLogon: "False" });
  });
});

describe("Microsoft-Extractor-Suite Get-UAL output, recognised without --format", () => {
  it("-Output JSON (AuditData an object, \\/Date()\\/ CreationDate, BOM, CRLF): 5 cmdlets, mailbox from Identity (address or directory path)", async () => {
    const path = `${JSON_DIR}UAL-20260115000000-20260116000000.json`;
    expect(sniffed(path)).toBe("m365-audit-json");
    const { events, warnings } = await read(m365AuditJson, path, 7);
    expect(warnings).toEqual([]);
    expect(rows(events)).toEqual([
      ["other", "2026-01-15T10:00:00.000Z", "Set-AdminAuditLogConfig", "success", "it-admin@agency.example", undefined, "203.0.113.99", { Identity: "Admin Audit Log Settings", UnifiedAuditLogIngestionEnabled: "False" }],
      ["mailbox.config", "2026-01-15T10:01:00.000Z", "Set-Mailbox", "success", "it-admin@agency.example", "erin.walsh@agency.example", "203.0.113.99", { Identity: "erin.walsh@agency.example", AuditEnabled: "False" }],
      ["mailbox.config", "2026-01-15T10:02:00.000Z", "Set-Mailbox", "success", "it-admin@agency.example", "payroll", "203.0.113.99", { Identity: "AM0PR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/agency.onmicrosoft.com/payroll", AuditLogAgeLimit: "00:00:00" }],
      ["other", "2026-01-15T10:03:00.000Z", "Set-MailboxAuditBypassAssociation", "success", "it-admin@agency.example", "svc-sync@agency.example", "203.0.113.99", { Identity: "svc-sync@agency.example", AuditBypassEnabled: "True" }],
      ["mailbox.config", "2026-01-15T14:30:00.000Z", "Set-Mailbox", "success", "helpdesk@agency.example", "erin.walsh@agency.example", "203.0.113.99", { Identity: "erin.walsh@agency.example", AuditEnabled: "True" }],
    ]);
    expect(events.map((e) => e.ref.recordId)).toEqual(["1", "2", "3", "4", "5"].map((n) => `1b2c3d4e-0001-4000-8000-00000000000${n}`));
  });

  it("-Output JSONL (AuditData as text): 3 Set-CASMailbox, each with its protocols", async () => {
    const path = `${JSON_DIR}UAL-20260115000000-20260116000000.jsonl`;
    expect(sniffed(path)).toBe("m365-audit-json");
    const { events, warnings } = await read(m365AuditJson, path);
    expect(warnings).toEqual([]);
    expect(events.map((e) => [e.kind, e.action, e.mailbox, (e as MailboxConfigEvent).parameters, e.ref.line])).toEqual([
      ["mailbox.config", "Set-CASMailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", ImapEnabled: "True", PopEnabled: "True" }, 1],
      ["mailbox.config", "Set-CASMailbox", "payroll", { Identity: "AM0PR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/agency.onmicrosoft.com/payroll", OWAEnabled: "True" }, 2],
      ["mailbox.config", "Set-CASMailbox", "frank.osei@agency.example", { Identity: "frank.osei@agency.example", PopEnabled: "False", ImapEnabled: "False" }, 3],
    ]);
  });

  it("-Output CSV (Export-Csv of the results): the directory changes keep their role, new values and target user", async () => {
    const path = `${CSV}UAL-20260115000000-20260116000000.csv`;
    expect(sniffed(path)).toBe("m365-audit-csv");
    const { events, warnings } = await read(m365AuditCsv, path);
    expect(warnings).toEqual([]);
    expect(events.map((e) => [e.action, e.extra?.["target"], e.extra?.["modified"], e.extra?.["parameters"]])).toEqual([
      [
        "Add member to role.",
        "backdoor@agency.example",
        { "Role.ObjectID": "62e90394-69f5-4237-9190-012177145e10", "Role.DisplayName": "Global Administrator", "Role.TemplateId": "62e90394-69f5-4237-9190-012177145e10", "Role.WellKnownObjectName": "TenantAdmins" },
        undefined,
      ],
      ["Disable Strong Authentication.", "erin.walsh@agency.example", { StrongAuthenticationRequirement: "[]" }, undefined],
      ["Add member to role.", "intern@agency.example", { "Role.DisplayName": "Directory Readers", "Role.WellKnownObjectName": "DirectoryReaders" }, undefined],
      ["Add-RoleGroupMember", undefined, undefined, { Identity: "Organization Management", Member: "backdoor@agency.example" }],
    ]);
  });

  it("-Output CSV -AuditDataOnly: read; the parameters PowerShell wrote as System.Object[] are said to be lost, per record", async () => {
    const path = `${CSV}UAL-auditdataonly-20260115.csv`;
    expect(sniffed(path)).toBe("m365-audit-csv");
    const { events, warnings } = await read(m365AuditCsv, path);
    expect(events.map((e) => [e.kind, e.action, e.user, new Date(e.ts).toISOString()])).toEqual([
      ["mailbox.config", "Set-Mailbox", "it-admin@agency.example", "2026-01-15T10:09:00.000Z"],
      ["mailbox.config", "Set-Mailbox", "helpdesk@agency.example", "2026-01-15T12:00:00.000Z"],
    ]);
    const lost = 'Parameters was exported as "System.Object[]" (PowerShell Export-Csv of a nested value): what it held is not in the file';
    expect(warnings.map((w) => [w.ref.line, w.message])).toEqual([
      [2, lost],
      [3, lost],
    ]);
  });
});
