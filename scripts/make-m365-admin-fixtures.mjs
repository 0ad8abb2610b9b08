#!/usr/bin/env node
/**
 * Writes the constructed Microsoft 365 fixtures of Exchange admin cmdlets and Entra directory
 * changes (fixtures/README.md): the four shapes Microsoft-Extractor-Suite's `Get-UAL` writes
 * (Scripts/Get-UAL.ps1: `-Output JSON` is ConvertTo-Json of the Search-UnifiedAuditLog results with
 * AuditData turned into an object, `-Output JSONL` one result per line with AuditData left as text,
 * `-Output CSV` Export-Csv of the results, `-AuditDataOnly` CSV Export-Csv of AuditData itself,
 * whose nested values PowerShell writes as `System.Object[]`) and a Log Analytics export of a few
 * OfficeActivity columns. One small story: it-admin@ from 203.0.113.99 turns auditing off, opens
 * protocols, adds an administrator and disables MFA; helpdesk@ makes the look-alike changes that
 * undo or do nothing of the kind. Deterministic. Run: node scripts/make-m365-admin-fixtures.mjs
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "m365");
const ORG = "5a0f38c6-710b-4503-92c0-3a9f6e00f726";
const ADMIN = "it-admin@agency.example";
const HELPDESK = "helpdesk@agency.example";
const IP = "203.0.113.99";
const DN = "AM0PR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/agency.onmicrosoft.com";
const BOM = "\ufeff";

/** 2026-01-15 hh:mm:00, as AuditData writes it (UTC, no zone). */
const at = (h, m) => `2026-01-15T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00`;

function admin(id, time, operation, parameters, user = ADMIN, objectId = "") {
  return {
    CreationTime: time, Id: id, Operation: operation, OrganizationId: ORG, RecordType: 1, ResultStatus: "True", UserKey: "10032001A2B3C4D5", UserType: 2,
    Version: 1, Workload: "Exchange", ClientIP: `${IP}:50321`, ObjectId: objectId, UserId: user, AppId: "", ClientAppId: "", ExternalAccess: false,
    OrganizationName: "agency.onmicrosoft.com", OriginatingServer: "AM0PR01MB1234 (15.20.7000.010)",
    Parameters: parameters.map(([Name, Value]) => ({ Name, Value })),
  };
}

function directory(id, time, operation, target, modified, user = ADMIN) {
  return {
    CreationTime: time, Id: id, Operation: operation, OrganizationId: ORG, RecordType: 8, ResultStatus: "Success", UserKey: "10032001A2B3C4D5@agency.onmicrosoft.com",
    UserType: 0, Version: 1, Workload: "AzureActiveDirectory", ObjectId: target, UserId: user, AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [{ Name: "additionalDetails", Value: "{}" }, { Name: "extendedAuditEventCategory", Value: "User" }],
    ModifiedProperties: modified.map(([Name, NewValue]) => ({ Name, NewValue, OldValue: "" })),
    Actor: [{ ID: user, Type: 5 }], ActorContextId: ORG, ActorIpAddress: IP, InterSystemsId: "c0ffee00-0000-4000-8000-000000000001",
    IntraSystemId: "c0ffee00-0000-4000-8000-000000000002", SupportTicketId: "", Target: [{ ID: "User_0a1b2c3d-0000-4000-8000-00000000abcd", Type: 2 }, { ID: target, Type: 5 }],
    TargetContextId: ORG,
  };
}

/** A Search-UnifiedAuditLog result object around one AuditData record. */
function result(record, index, count, creationDate) {
  return {
    RunspaceId: "9b0e5d8e-1111-4222-8333-944455556666", RecordType: record.RecordType, CreationDate: creationDate, UserIds: record.UserId,
    Operations: record.Operation, AuditData: record, ResultIndex: index, ResultCount: count, Identity: record.Id, IsValid: true, ObjectState: 0,
  };
}

const ms = (time) => Date.parse(`${time}Z`);
const quote = (value) => `"${String(value).replaceAll('"', '""')}"`;
/** `1/15/2026 10:06:00 AM`: Export-Csv's CreationDate in an en-US session. */
function usDate(time) {
  const d = new Date(ms(time));
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
}

// Get-UAL -Output JSON (Windows PowerShell 5.1: `\/Date(ms)\/` dates; Out-File -Encoding UTF8 writes a BOM; CRLF; Add-Content's extra line).
const tampering = [
  admin("1b2c3d4e-0001-4000-8000-000000000001", at(10, 0), "Set-AdminAuditLogConfig", [["Identity", "Admin Audit Log Settings"], ["UnifiedAuditLogIngestionEnabled", "False"]]),
  admin("1b2c3d4e-0001-4000-8000-000000000002", at(10, 1), "Set-Mailbox", [["Identity", "erin.walsh@agency.example"], ["AuditEnabled", "False"]], ADMIN, `${DN}/erin.walsh`),
  admin("1b2c3d4e-0001-4000-8000-000000000003", at(10, 2), "Set-Mailbox", [["Identity", `${DN}/payroll`], ["AuditLogAgeLimit", "00:00:00"]]),
  admin("1b2c3d4e-0001-4000-8000-000000000004", at(10, 3), "Set-MailboxAuditBypassAssociation", [["Identity", "svc-sync@agency.example"], ["AuditBypassEnabled", "True"]]),
  admin("1b2c3d4e-0001-4000-8000-000000000005", at(14, 30), "Set-Mailbox", [["Identity", "erin.walsh@agency.example"], ["AuditEnabled", "True"]], HELPDESK),
];
const json = JSON.stringify(tampering.map((record, i) => result(record, i + 1, tampering.length, `/Date(${ms(record.CreationTime)})/`)), null, 2).replaceAll("/Date(", "\\/Date(").replaceAll(')/"', ')\\/"');
writeFileSync(join(OUT, "m365-audit-json", "UAL-20260115000000-20260116000000.json"), `${BOM}${json}\n\n`.replaceAll("\n", "\r\n"));

// Get-UAL -Output JSONL (PowerShell 7: ISO CreationDate; AuditData stays text).
const opening = [
  admin("2c3d4e5f-0002-4000-8000-000000000001", at(10, 4), "Set-CASMailbox", [["Identity", "erin.walsh@agency.example"], ["ImapEnabled", "True"], ["PopEnabled", "True"]]),
  admin("2c3d4e5f-0002-4000-8000-000000000002", at(10, 5), "Set-CASMailbox", [["Identity", `${DN}/payroll`], ["OWAEnabled", "True"]]),
  admin("2c3d4e5f-0002-4000-8000-000000000003", at(11, 0), "Set-CASMailbox", [["Identity", "frank.osei@agency.example"], ["PopEnabled", "False"], ["ImapEnabled", "False"]], HELPDESK),
];
const lines = opening.map((record, i) => JSON.stringify({ ...result(record, i + 1, opening.length, record.CreationTime), AuditData: JSON.stringify(record) }));
writeFileSync(join(OUT, "m365-audit-json", "UAL-20260115000000-20260116000000.jsonl"), `${BOM}${lines.map((line) => `${line}\r\n`).join("")}`);

// Get-UAL -Output CSV (Export-Csv -NoTypeInformation: every value quoted; RecordType by name).
const roles = [
  directory("3d4e5f60-0003-4000-8000-000000000001", at(10, 6), "Add member to role.", "backdoor@agency.example", [
    ["Role.ObjectID", "62e90394-69f5-4237-9190-012177145e10"], ["Role.DisplayName", "Global Administrator"], ["Role.TemplateId", "62e90394-69f5-4237-9190-012177145e10"], ["Role.WellKnownObjectName", "TenantAdmins"],
  ]),
  directory("3d4e5f60-0003-4000-8000-000000000002", at(10, 7), "Disable Strong Authentication.", "erin.walsh@agency.example", [["StrongAuthenticationRequirement", "[]"]]),
  directory("3d4e5f60-0003-4000-8000-000000000003", at(11, 30), "Add member to role.", "intern@agency.example", [["Role.DisplayName", "Directory Readers"], ["Role.WellKnownObjectName", "DirectoryReaders"]], HELPDESK),
  admin("3d4e5f60-0003-4000-8000-000000000004", at(10, 8), "Add-RoleGroupMember", [["Identity", "Organization Management"], ["Member", "backdoor@agency.example"]]),
];
const typeName = { 1: "ExchangeAdmin", 8: "AzureActiveDirectory" };
const header = ["RecordType", "CreationDate", "UserIds", "Operations", "AuditData", "ResultIndex", "ResultCount", "Identity", "IsValid", "ObjectState"];
const csv = [header.map(quote).join(","), ...roles.map((r, i) => [typeName[r.RecordType], usDate(r.CreationTime), r.UserId, r.Operation, JSON.stringify(r), i + 1, roles.length, r.Id, "True", "Unchanged"].map(quote).join(","))];
writeFileSync(join(OUT, "m365-audit-csv", "UAL-20260115000000-20260116000000.csv"), `${BOM}${csv.map((row) => `${row}\r\n`).join("")}`);

// Get-UAL -Output CSV -AuditDataOnly: AuditData's own fields as columns; nested values lost as System.Object[].
const flat = [
  admin("4e5f6071-0004-4000-8000-000000000001", at(10, 9), "Set-Mailbox", [["Identity", "hr-director@agency.example"], ["AuditEnabled", "False"]]),
  admin("4e5f6071-0004-4000-8000-000000000002", at(12, 0), "Set-Mailbox", [["Identity", "hr-director@agency.example"], ["AuditLogAgeLimit", "180.00:00:00"]], HELPDESK),
];
const columns = Object.keys(flat[0]);
const cell = (value) => (Array.isArray(value) ? "System.Object[]" : value === true ? "True" : value === false ? "False" : value);
const flatCsv = [columns.map(quote).join(","), ...flat.map((r) => columns.map((c) => quote(cell(r[c]))).join(","))];
writeFileSync(join(OUT, "m365-audit-csv", "UAL-auditdataonly-20260115.csv"), `${BOM}${flatCsv.map((row) => `${row}\r\n`).join("")}`);

// A Log Analytics export of OfficeActivity with only the columns a query projected.
const parameters = (list) => JSON.stringify(list.map(([Name, Value]) => ({ Name, Value })));
const sentinel = [
  ["1/15/2026, 10:10:00.000 AM", ADMIN, `${IP}:50400`, "Set-AdminAuditLogConfig", parameters([["Identity", "Admin Audit Log Settings"], ["UnifiedAuditLogIngestionEnabled", "False"]])],
  ["1/15/2026, 10:11:00.000 AM", ADMIN, "[2001:db8::99]:50401", "Set-CASMailbox", parameters([["Identity", "olga.ext@agency.example"], ["ImapEnabled", "True"]])],
  ["1/15/2026, 3:00:00.000 PM", HELPDESK, "", "Set-AdminAuditLogConfig", parameters([["Identity", "Admin Audit Log Settings"], ["UnifiedAuditLogIngestionEnabled", "True"]])],
  ["1/15/2026, 3:05:00.000 PM", "", "", "MailItemsAccessed", ""],
];
const some = ["TimeGenerated [UTC],UserId,ClientIP,Operation,Parameters", ...sentinel.map(([time, user, ip, op, params]) => [quote(time), user, ip, op, params ? quote(params) : ""].join(","))];
writeFileSync(join(OUT, "m365-audit-csv", "officeactivity-some-columns.csv"), `${BOM}${some.map((row) => `${row}\r\n`).join("")}`);
