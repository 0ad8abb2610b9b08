import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditGap } from "../../../src/analysis/hunts/audit-gap.js";
import { inboxRule } from "../../../src/analysis/hunts/inbox-rule.js";
import { mailboxForwarding } from "../../../src/analysis/hunts/mailbox-forwarding.js";
import { oauthConsent } from "../../../src/analysis/hunts/oauth-consent.js";
import { permissionGrant } from "../../../src/analysis/hunts/permission-grant.js";
import type { MailboxConfigEvent } from "../../../src/model/events.js";
import { at, mailboxChange, mailRead, openFixture, type Fixture } from "./store-fixture.js";

const ERIN = "erin.walsh@agency.example";
const ATTACKER = "198.51.100.23";
const OFFICE = "192.0.2.10";

function rule(id: string, ts: number, user: string, ip: string, name: string, conditions: Record<string, string>, actions: Record<string, string>, action = "New-InboxRule"): MailboxConfigEvent & { id: string } {
  return { ...mailboxChange({ ts, user, clientIp: ip, mailbox: user, action, change: "inbox-rule", target: name, rule: { name, conditions, actions } }), id };
}

describe("mailbox change hunts", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await openFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it("inbox rules: the demo's hiding rule and forwarding rule", async () => {
    await fx.add(
      rule("r-dot", at("08:15:03"), ERIN, ATTACKER, ".", { From: "olga@tailspin-audit.example" }, { MoveToFolder: "Conversation History", MarkAsRead: "True", StopProcessingRules: "True" }),
      rule("r-fwd", at("08:16:30"), ERIN, ATTACKER, "fwd", {}, { ForwardTo: "erin.backup@proton.example" }),
    );
    const findings = await fx.hunt(inboxRule);
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.techniqueName, f.eventIds])).toEqual([
      ["inbox-rule:erin.walsh@agency.example:.", "high", "T1564.008", "Email Hiding Rules", ["r-dot"]],
      ["inbox-rule:erin.walsh@agency.example:fwd", "high", "T1114.003", "Email Forwarding Rule", ["r-fwd"]],
    ]);
    expect(findings[0]).toMatchObject({ title: 'Inbox rule "." in erin.walsh@agency.example hides mail', accounts: [ERIN], ips: [ATTACKER], first: "2026-11-26T08:15:03.000Z" });
    expect(findings[0]?.explanation).toContain('moves mail to "Conversation History", a folder the owner rarely opens; marks it as read; has a name that is no name (".")');
    expect(findings[1]?.explanation).toContain("forwards or redirects mail to erin.backup@proton.example");
  });

  it("inbox rules: Huntress-style rules on many mailboxes, a later Set-InboxRule joins its rule, one obscure move alone is medium", async () => {
    const users = ["a@agency.example", "b@agency.example", "c@agency.example"];
    await fx.add(
      ...users.map((user, i) => rule(`h${i}`, at(`09:0${i}`), user, ATTACKER, "Rule", {}, { MoveToFolder: "Conversation History", MarkAsRead: "True" })),
      rule("h0-set", at("09:30"), users[0] as string, ATTACKER, "Rule", { SubjectContainsWords: "invoice" }, { MoveToFolder: "Conversation History" }, "Set-InboxRule"),
      rule("junk", at("10:00"), "adelev@contoso.example", OFFICE, "rule2", { SubjectContainsWords: "do not open" }, { MoveToFolder: "Junk Email", StopProcessingRules: "True" }),
    );
    const findings = await fx.hunt(inboxRule);
    expect(findings.map((f) => [f.id, f.severity, f.eventIds])).toEqual([
      ["inbox-rule:a@agency.example:Rule", "high", ["h0", "h0-set"]],
      ["inbox-rule:b@agency.example:Rule", "high", ["h1"]],
      ["inbox-rule:c@agency.example:Rule", "high", ["h2"]],
      ["inbox-rule:adelev@contoso.example:rule2", "medium", ["junk"]],
    ]);
    expect(findings[0]?.explanation).toContain('matches on "invoice"');
  });

  it("inbox rule look-alikes: filing newsletters and invoices into named folders, removing a rule", async () => {
    await fx.add(
      rule("news", at("09:00"), "frank.osei@agency.example", OFFICE, "Newsletters", { From: "news@vendor.example" }, { MoveToFolder: "Newsletters" }),
      rule("inv", at("09:05"), "frank.osei@agency.example", OFFICE, "Invoices", { SubjectContainsWords: "invoice" }, { MoveToFolder: "Finance\\Invoices", StopProcessingRules: "True" }),
      rule("rm", at("09:10"), ERIN, OFFICE, "fwd", {}, {}, "Remove-InboxRule"),
    );
    expect(await fx.hunt(inboxRule)).toEqual([]);
  });

  it("mailbox forwarding: external is high, internal medium, clearing it is nothing", async () => {
    await fx.add(
      { ...mailboxChange({ ts: at("08:20"), user: ERIN, clientIp: ATTACKER, mailbox: ERIN, action: "Set-Mailbox", change: "forwarding", target: ERIN, grantee: "erin.backup@proton.example", parameters: { Identity: ERIN, ForwardingSmtpAddress: "smtp:erin.backup@proton.example", DeliverToMailboxAndForward: "True" } }), id: "fwd-ext" },
      { ...mailboxChange({ ts: at("09:00"), user: "bob@agency.example", clientIp: OFFICE, mailbox: "dave@agency.example", action: "Set-Mailbox", change: "forwarding", target: "dave@agency.example", grantee: "carol@agency.example", parameters: { Identity: "dave@agency.example", ForwardingSmtpAddress: "smtp:carol@agency.example" } }), id: "fwd-int" },
      { ...mailboxChange({ ts: at("10:00"), user: "bob@agency.example", clientIp: OFFICE, mailbox: "alice@agency.example", action: "Set-Mailbox", change: "forwarding", target: "alice@agency.example", parameters: { Identity: "alice@agency.example", ForwardingSmtpAddress: "$null" } }), id: "fwd-off" },
    );
    const findings = await fx.hunt(mailboxForwarding, { "mailbox-forwarding": { internal_domains: ["agency.example"] } });
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.eventIds])).toEqual([
      ["mailbox-forwarding:erin.walsh@agency.example:erin.backup@proton.example", "high", "T1114.003", ["fwd-ext"]],
      ["mailbox-forwarding:dave@agency.example:carol@agency.example", "medium", "T1114.003", ["fwd-int"]],
    ]);
    expect(findings[0]).toMatchObject({ title: "erin.walsh@agency.example forwards all mail to erin.backup@proton.example", accounts: [ERIN], ips: [ATTACKER] });
    expect(findings[0]?.explanation).toContain("a copy stays in the mailbox");
  });

  it("permission grants: the admin's legitimate grant from the office is not a finding; the same from elsewhere is", async () => {
    const grant = (id: string, ip: string, ts: number) => ({
      ...mailboxChange({ ts, user: "bob@agency.example", clientIp: ip, mailbox: "payroll@agency.example", action: "Add-MailboxPermission", change: "permission", target: "payroll@agency.example", grantee: ERIN, rights: "FullAccess" }),
      id,
    });
    await fx.add(
      grant("g-office", OFFICE, at("10:00", 20)),
      grant("g-away", ATTACKER, at("08:40")),
      { ...mailboxChange({ ts: at("08:45"), user: ERIN, clientIp: ATTACKER, mailbox: ERIN, action: "Add-MailboxFolderPermission", change: "permission", target: `${ERIN}:\\Inbox`, grantee: "default", rights: "Reviewer" }), id: "g-default" },
      { ...mailboxChange({ ts: at("08:50"), user: ERIN, clientIp: ATTACKER, mailbox: ERIN, action: "Remove-MailboxPermission", change: "permission", target: ERIN, grantee: "frank.osei@agency.example", rights: "FullAccess" }), id: "g-remove" },
      { ...mailboxChange({ ts: at("14:23"), user: "s-1-5-18", clientIp: "::1", mailbox: "teams-public@agency.example", action: "ModifyFolderPermissions", change: "permission", target: "Calendar", grantee: "owner@local", rights: "ReadAny, Create" }), id: "g-system" },
    );
    const admin = { "permission-grant": { admins: ["Bob@agency.example"], admin_ips: ["192.0.2.0/24"] } };
    const findings = await fx.hunt(permissionGrant, admin);
    expect(findings.map((f) => [f.id, f.severity, f.eventIds])).toEqual([
      ["permission-grant:payroll@agency.example:erin.walsh@agency.example", "high", ["g-away"]],
      ["permission-grant:erin.walsh@agency.example:default", "high", ["g-default"]],
    ]);
    expect(findings[0]).toMatchObject({ technique: "T1098.002", techniqueName: "Additional Email Delegate Permissions", title: "erin.walsh@agency.example granted FullAccess on payroll@agency.example", ips: [ATTACKER] });
    // Without the admin list both of bob's grants are one finding.
    const plain = await fx.hunt(permissionGrant);
    expect(plain.map((f) => [f.id, f.eventIds])).toEqual([
      ["permission-grant:payroll@agency.example:erin.walsh@agency.example", ["g-office", "g-away"]],
      ["permission-grant:erin.walsh@agency.example:default", ["g-default"]],
    ]);
  });

  it("OAuth consent: mail scopes are high (T1528); an app role assignment is T1098.003; approved apps are skipped", async () => {
    const app = "3f2c0a1b-1111-4222-8333-944455556666";
    await fx.add(
      { ...mailboxChange({ ts: at("08:35"), user: ERIN, clientIp: ATTACKER, action: "Consent to application.", change: "app-consent", target: app, grantee: app, rights: "Scope: Mail.Read Mail.Send offline_access User.Read" }), id: "c1" },
      { ...mailboxChange({ ts: at("08:35"), user: ERIN, clientIp: ATTACKER, action: "Add delegated permission grant.", change: "app-consent", target: app, grantee: app, rights: "Mail.Read Mail.Send offline_access User.Read" }), id: "c2" },
      { ...mailboxChange({ ts: at("11:00"), user: "bob@agency.example", clientIp: OFFICE, action: "Add app role assignment to service principal.", change: "app-consent", target: "HR-Portal", grantee: "HR-Portal", rights: "User.Read" }), id: "c3" },
    );
    const findings = await fx.hunt(oauthConsent);
    expect(findings.map((f) => [f.id, f.severity, f.technique, f.eventIds])).toEqual([
      [`oauth-consent:${app}:${ERIN}`, "high", "T1528", ["c1", "c2"]],
      ["oauth-consent:HR-Portal:bob@agency.example", "medium", "T1098.003", ["c3"]],
    ]);
    expect(findings[0]?.explanation).toContain("including Mail.Read, Mail.Send, offline_access");
    expect((await fx.hunt(oauthConsent, { "oauth-consent": { allow_apps: ["hr-portal"] } })).map((f) => f.id)).toEqual([`oauth-consent:${app}:${ERIN}`]);
  });

  it("audit gap: a throttled MailItemsAccessed record opens a 24 h gap; normal records do not", async () => {
    await fx.add(
      mailRead({ id: "ok", ts: at("08:00"), user: "frank.osei@agency.example", mailbox: "frank.osei@agency.example", clientIp: OFFICE, how: "bind" }),
      mailRead({ id: "thr", ts: at("08:24:10"), user: ERIN, mailbox: "payroll@agency.example", clientIp: "203.0.113.50", how: "sync", throttled: true }),
    );
    const findings = await fx.hunt(auditGap);
    expect(findings).toEqual([
      expect.objectContaining({
        id: "audit-gap:payroll@agency.example:2026-11-26T08:24:10.000Z",
        rule: "audit-gap",
        severity: "medium",
        technique: "T1562.008",
        techniqueName: "Disable or Modify Cloud Logs",
        eventIds: ["thr"],
        accounts: [ERIN, "payroll@agency.example"],
        ips: ["203.0.113.50"],
        first: "2026-11-26T08:24:10.000Z",
        last: "2026-11-27T08:24:10.000Z",
      }),
    ]);
    expect(findings[0]?.explanation).toContain("until 2026-11-27T08:24:10.000Z");
  });
});
