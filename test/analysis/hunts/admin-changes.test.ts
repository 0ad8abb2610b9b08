/**
 * The admin-change hunts: auditing turned off (and the audit gap it opens), mail protocols turned
 * on, MFA turned off, an administrator role given. Each with the change that is the finding and a
 * look-alike that is not. Events are in the shape src/formats/m365/audit.ts gives them: Set-Mailbox
 * and Set-CASMailbox as mailbox.config with `parameters`, other cmdlets as `other` with
 * `extra.parameters`, directory changes with `extra.modified` and `extra.target`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminRoleAdded } from "../../../src/analysis/hunts/admin-role-added.js";
import { auditDisabled } from "../../../src/analysis/hunts/audit-disabled.js";
import { mailAccessEnabled } from "../../../src/analysis/hunts/mail-access-enabled.js";
import { mfaDisabled } from "../../../src/analysis/hunts/mfa-disabled.js";
import type { MailboxConfigEvent, OtherEvent } from "../../../src/model/events.js";
import { at, mailboxChange, openFixture, type Fixture } from "./store-fixture.js";

const ADMIN = "it-admin@agency.example";
const HELPDESK = "helpdesk@agency.example";
const INTRUDER = "203.0.113.99";
const OFFICE = "192.0.2.10";

function cmdlet(id: string, ts: number, action: string, parameters: Record<string, string>, fields: Partial<OtherEvent> = {}): OtherEvent & { id: string } {
  return { id, kind: "other", ts, tsDesc: "Audit record time (CreationTime)", action, result: "success", user: ADMIN, clientIp: INTRUDER, extra: { workload: "Exchange", parameters }, ...fields };
}

function mailboxCmdlet(id: string, ts: number, action: string, mailbox: string, parameters: Record<string, string>, fields: Partial<MailboxConfigEvent> = {}): MailboxConfigEvent & { id: string } {
  return { ...mailboxChange({ ts, user: ADMIN, clientIp: INTRUDER, mailbox, action, change: "other", target: parameters["Identity"], parameters, ...fields }), id };
}

function directory(id: string, ts: number, action: string, target: string, modified: Record<string, string>, fields: Partial<OtherEvent> = {}): OtherEvent & { id: string } {
  return { id, kind: "other", ts, tsDesc: "Audit record time (CreationTime)", action, result: "success", user: ADMIN, clientIp: INTRUDER, extra: { workload: "AzureActiveDirectory", modified, target }, ...fields };
}

describe("admin-change hunts", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await openFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it("audit-disabled: ingestion off, a mailbox's auditing off until a colleague turns it back on, a bypass; each with its audit gap", async () => {
    await fx.add(
      cmdlet("ual-off", at("10:00"), "Set-AdminAuditLogConfig", { Identity: "Admin Audit Log Settings", UnifiedAuditLogIngestionEnabled: "False" }),
      mailboxCmdlet("erin-off", at("10:01"), "Set-Mailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", AuditEnabled: "$false" }),
      cmdlet("bypass", at("10:03"), "Set-MailboxAuditBypassAssociation", { Identity: "svc-sync@agency.example", AuditBypassEnabled: "True" }, { mailbox: "svc-sync@agency.example" }),
      mailboxCmdlet("erin-on", at("14:30"), "Set-Mailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", AuditEnabled: "True" }, { user: HELPDESK, clientIp: OFFICE }),
    );
    const findings = await fx.hunt(auditDisabled);
    expect(findings.map((f) => [f.rule, f.id, f.severity, f.technique, f.eventIds, f.first, f.last])).toEqual([
      ["audit-disabled", "audit-disabled:organisation:organisation:UnifiedAuditLogIngestionEnabled:2026-11-26T10:00:00.000Z", "high", "T1562.008", ["ual-off"], "2026-11-26T10:00:00.000Z", "2026-11-26T10:00:00.000Z"],
      ["audit-gap", "audit-gap:audit-disabled:organisation:organisation:UnifiedAuditLogIngestionEnabled:2026-11-26T10:00:00.000Z", "high", "T1562.008", ["ual-off"], "2026-11-26T10:00:00.000Z", undefined],
      ["audit-disabled", "audit-disabled:mailbox:erin.walsh@agency.example:AuditEnabled:2026-11-26T10:01:00.000Z", "high", "T1562.008", ["erin-off"], "2026-11-26T10:01:00.000Z", "2026-11-26T10:01:00.000Z"],
      ["audit-gap", "audit-gap:audit-disabled:mailbox:erin.walsh@agency.example:AuditEnabled:2026-11-26T10:01:00.000Z", "high", "T1562.008", ["erin-off", "erin-on"], "2026-11-26T10:01:00.000Z", "2026-11-26T14:30:00.000Z"],
      ["audit-disabled", "audit-disabled:account:svc-sync@agency.example:AuditBypassEnabled:2026-11-26T10:03:00.000Z", "high", "T1562.008", ["bypass"], "2026-11-26T10:03:00.000Z", "2026-11-26T10:03:00.000Z"],
      ["audit-gap", "audit-gap:audit-disabled:account:svc-sync@agency.example:AuditBypassEnabled:2026-11-26T10:03:00.000Z", "high", "T1562.008", ["bypass"], "2026-11-26T10:03:00.000Z", undefined],
    ]);
    expect(findings[0]).toMatchObject({ title: "Auditing turned off for the whole organisation (Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled False)", accounts: [ADMIN], ips: [INTRUDER] });
    expect(findings[1]).toMatchObject({ title: "No audit records for every mailbox of the organisation from 2026-11-26T10:00:00.000Z", accounts: [] });
    expect(findings[1]?.explanation).toContain("to the end of the evidence (nothing in it turns this back on)");
    expect(findings[3]).toMatchObject({ title: "No audit records for the mailbox erin.walsh@agency.example from 2026-11-26T10:01:00.000Z to 2026-11-26T14:30:00.000Z", accounts: ["erin.walsh@agency.example"] });
    expect(findings[3]?.explanation).toContain(`until ${HELPDESK} from ${OFFICE} at 2026-11-26T14:30:00.000Z set -AuditEnabled True`);
    expect(findings[4]?.title).toBe("Audit bypass set for svc-sync@agency.example: its mailbox access is not recorded (Set-MailboxAuditBypassAssociation -AuditBypassEnabled True)");
  });

  it("audit-disabled: AuditLogAgeLimit 00:00:00 keeps records for no time; the record's DN-style mailbox is the target", async () => {
    await fx.add(mailboxCmdlet("age0", at("10:02"), "Set-Mailbox", "payroll", { Identity: "AM0PR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/agency.onmicrosoft.com/payroll", AuditLogAgeLimit: "00:00:00" }));
    const findings = await fx.hunt(auditDisabled);
    expect(findings.map((f) => f.id)).toEqual([
      "audit-disabled:mailbox:payroll:AuditLogAgeLimit:2026-11-26T10:02:00.000Z",
      "audit-gap:audit-disabled:mailbox:payroll:AuditLogAgeLimit:2026-11-26T10:02:00.000Z",
    ]);
  });

  it("audit-disabled look-alikes: auditing turned on, a longer retention, a bypass removed, a failed cmdlet, other parameters", async () => {
    await fx.add(
      cmdlet("ual-on", at("09:00"), "Set-AdminAuditLogConfig", { Identity: "Admin Audit Log Settings", UnifiedAuditLogIngestionEnabled: "True" }, { user: HELPDESK, clientIp: OFFICE }),
      mailboxCmdlet("on", at("09:01"), "Set-Mailbox", "frank.osei@agency.example", { Identity: "frank.osei@agency.example", AuditEnabled: "True" }, { user: HELPDESK, clientIp: OFFICE }),
      mailboxCmdlet("age", at("09:02"), "Set-Mailbox", "hr-director@agency.example", { Identity: "hr-director@agency.example", AuditLogAgeLimit: "180.00:00:00" }, { user: HELPDESK, clientIp: OFFICE }),
      cmdlet("unbypass", at("09:03"), "Set-MailboxAuditBypassAssociation", { Identity: "svc-sync@agency.example", AuditBypassEnabled: "False" }, { user: HELPDESK, clientIp: OFFICE }),
      mailboxCmdlet("failed", at("09:04"), "Set-Mailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", AuditEnabled: "False" }, { result: "failure" }),
      mailboxCmdlet("quota", at("09:05"), "Set-Mailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", ProhibitSendQuota: "99 GB" }),
    );
    expect(await fx.hunt(auditDisabled)).toEqual([]);
  });

  it("mail-access-enabled: IMAP and POP3 turned on is one finding naming both; OWA on another mailbox", async () => {
    await fx.add(
      mailboxCmdlet("imap", at("10:04"), "Set-CASMailbox", "erin.walsh@agency.example", { Identity: "erin.walsh@agency.example", ImapEnabled: "True", PopEnabled: "$true" }),
      mailboxCmdlet("owa", at("10:05"), "Set-CASMailbox", "payroll", { Identity: "payroll", OWAEnabled: "True" }),
    );
    const findings = await fx.hunt(mailAccessEnabled);
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.techniqueName, f.title, f.eventIds, f.accounts])).toEqual([
      ["mail-access-enabled:erin.walsh@agency.example:2026-11-26T10:04:00.000Z", "medium", "T1098", "Account Manipulation", "Set-CASMailbox -ImapEnabled True -PopEnabled $true on erin.walsh@agency.example", ["imap"], ["erin.walsh@agency.example", ADMIN]],
      ["mail-access-enabled:payroll:2026-11-26T10:05:00.000Z", "medium", "T1098", "Account Manipulation", "Set-CASMailbox -OWAEnabled True on payroll", ["owa"], [ADMIN, "payroll"]],
    ]);
  });

  it("mail-access-enabled look-alikes: protocols turned off, SMTP AUTH disabled, other mailbox settings", async () => {
    await fx.add(
      mailboxCmdlet("off", at("11:00"), "Set-CASMailbox", "frank.osei@agency.example", { Identity: "frank.osei@agency.example", PopEnabled: "False", ImapEnabled: "False" }, { user: HELPDESK }),
      mailboxCmdlet("smtp-off", at("11:01"), "Set-CASMailbox", "frank.osei@agency.example", { Identity: "frank.osei@agency.example", SmtpClientAuthenticationDisabled: "True" }, { user: HELPDESK }),
      mailboxCmdlet("mapi", at("11:02"), "Set-CASMailbox", "frank.osei@agency.example", { Identity: "frank.osei@agency.example", ActiveSyncMailboxPolicy: "Default" }, { user: HELPDESK }),
    );
    expect(await fx.hunt(mailAccessEnabled)).toEqual([]);
  });

  it("mfa-disabled: Disable Strong Authentication names the user it was turned off for", async () => {
    await fx.add(directory("mfa", at("10:07"), "Disable Strong Authentication.", "erin.walsh@agency.example", { StrongAuthenticationRequirement: "[]" }));
    const findings = await fx.hunt(mfaDisabled);
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.techniqueName, f.title, f.eventIds, f.accounts, f.ips])).toEqual([
      ["mfa-disabled:erin.walsh@agency.example:2026-11-26T10:07:00.000Z", "high", "T1556.006", "Multi-Factor Authentication", "MFA turned off for erin.walsh@agency.example", ["mfa"], ["erin.walsh@agency.example", ADMIN], [INTRUDER]],
    ]);
  });

  it("mfa-disabled look-alikes: MFA turned on, a user updated, a failed attempt", async () => {
    await fx.add(
      directory("on", at("10:00"), "Enable Strong Authentication.", "erin.walsh@agency.example", {}, { user: HELPDESK }),
      directory("update", at("10:01"), "Update user.", "erin.walsh@agency.example", { DisplayName: "Erin Walsh" }, { user: HELPDESK }),
      directory("failed", at("10:02"), "Disable Strong Authentication.", "frank.osei@agency.example", {}, { result: "failure" }),
    );
    expect(await fx.hunt(mfaDisabled)).toEqual([]);
  });

  it("admin-role-added: Global Administrator (Entra) and Organization Management (Exchange) given to one account", async () => {
    await fx.add(
      directory("ga", at("10:06"), "Add member to role.", "backdoor@agency.example", { "Role.DisplayName": "Global Administrator", "Role.WellKnownObjectName": "TenantAdmins" }),
      cmdlet("orgmgmt", at("10:08"), "Add-RoleGroupMember", { Identity: "Organization Management", Member: "backdoor@agency.example" }),
      cmdlet("impersonation", at("10:09"), "New-ManagementRoleAssignment", { Role: "ApplicationImpersonation", User: "svc-sync@agency.example" }),
    );
    const findings = await fx.hunt(adminRoleAdded);
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.techniqueName, f.title, f.eventIds])).toEqual([
      ["admin-role-added:backdoor@agency.example:Global Administrator:2026-11-26T10:06:00.000Z", "high", "T1098.003", "Additional Cloud Roles", "backdoor@agency.example made Global Administrator", ["ga"]],
      ["admin-role-added:backdoor@agency.example:Organization Management:2026-11-26T10:08:00.000Z", "high", "T1098.003", "Additional Cloud Roles", "backdoor@agency.example made Organization Management", ["orgmgmt"]],
      ["admin-role-added:svc-sync@agency.example:ApplicationImpersonation:2026-11-26T10:09:00.000Z", "high", "T1098.003", "Additional Cloud Roles", "svc-sync@agency.example made ApplicationImpersonation", ["impersonation"]],
    ]);
  });

  it("admin-role-added look-alikes: a reader role, a role removed, a group membership", async () => {
    await fx.add(
      directory("reader", at("11:30"), "Add member to role.", "intern@agency.example", { "Role.DisplayName": "Directory Readers" }, { user: HELPDESK }),
      directory("removed", at("11:31"), "Remove member from role.", "backdoor@agency.example", { "Role.DisplayName": "Global Administrator" }, { user: HELPDESK }),
      directory("group", at("11:32"), "Add member to group.", "intern@agency.example", { "Group.DisplayName": "Global Administrator fans" }, { user: HELPDESK }),
    );
    expect(await fx.hunt(adminRoleAdded)).toEqual([]);
  });
});
