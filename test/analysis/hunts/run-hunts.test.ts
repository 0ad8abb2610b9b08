import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markDuplicates } from "../../../src/analysis/dedup.js";
import type { Finding } from "../../../src/analysis/findings.js";
import { loadHuntConfig } from "../../../src/analysis/hunt-config.js";
import { hunts } from "../../../src/analysis/hunts/index.js";
import { runHunts } from "../../../src/analysis/run-hunts.js";
import { ingest } from "../../../src/evidence/pipeline.js";
import { CaseStore } from "../../../src/store/case-store.js";
import { fileFormats, folderFormats } from "../../../src/formats/index.js";

/** The Sentinel training lab's OfficeActivity exports (Azure/Azure-Sentinel, MIT; see fixtures/README.md). */
const SENTINEL = join(import.meta.dirname, "../../../fixtures/m365/m365-audit-csv");
const DEMO = join(import.meta.dirname, "../../../fixtures/demo-case/evidence");

async function huntOver(evidence: string[], override?: string): Promise<Finding[]> {
  const work = mkdtempSync(join(tmpdir(), "mailtrail-run-hunts-"));
  try {
    mkdirSync(join(work, "evidence"));
    for (const file of evidence) copyFileSync(file, join(work, "evidence", file.slice(file.lastIndexOf("/") + 1)));
    const store = await CaseStore.create(join(work, "case"));
    try {
      await ingest(store, { roots: [join(work, "evidence")], fileFormats, folderFormats, parse: { year: 2026 }, exclude: [join(work, "case")] });
      await markDuplicates(store);
      return await runHunts(store, loadHuntConfig(override));
    } finally {
      await store.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe("runHunts", () => {
  it("registers sixteen hunts, each with its own rules/hunts.yaml section", () => {
    const sections = Object.keys(loadHuntConfig());
    expect(hunts.map((hunt) => hunt.id)).toEqual([
      "password-spray",
      "brute-force",
      "success-after-failures",
      "impossible-travel",
      "first-seen",
      "legacy-protocol",
      "bulk-read",
      "inbox-rule",
      "mailbox-forwarding",
      "permission-grant",
      "oauth-consent",
      "audit-gap",
      "audit-disabled",
      "mail-access-enabled",
      "mfa-disabled",
      "admin-role-added",
    ]);
    for (const hunt of hunts) expect(sections).toContain(hunt.id);
  });

  it("Sentinel training lab: the covid-19 DeleteMessage rule and the Junk Email rule are found; the Pin rule is not", async () => {
    const findings = await huntOver([join(SENTINEL, "office_activity.csv"), join(SENTINEL, "office_activity_inbox_rule.csv")]);
    const rules = findings.filter((f) => f.rule === "inbox-rule");
    expect(rules.map((f) => [f.id, f.severity, f.technique])).toEqual([
      ["inbox-rule:adelev@contoso.onmicrosoft.com:my_rule1", "high", "T1564.008"],
      ["inbox-rule:adelev@contoso.onmicrosoft.com:rule2", "medium", "T1564.008"],
    ]);
    expect(rules[0]?.explanation).toContain("deletes the messages it matches");
    expect(rules[0]?.explanation).toContain("BodyContainsWords=covid-19");
    expect(rules[0]?.eventIds).toHaveLength(1);
    // Exchange's own LocalSystem provisioning a group mailbox's folder permissions is not a grant to report.
    expect(findings.filter((f) => f.rule === "permission-grant")).toEqual([]);
  });

  it("the constructed admin-cmdlet exports (Get-UAL JSON, JSONL, CSV; a few OfficeActivity columns): parsed, then hunted end to end", async () => {
    const json = join(SENTINEL, "../m365-audit-json");
    const findings = await huntOver([
      join(json, "UAL-20260115000000-20260116000000.json"),
      join(json, "UAL-20260115000000-20260116000000.jsonl"),
      join(SENTINEL, "UAL-20260115000000-20260116000000.csv"),
      join(SENTINEL, "officeactivity-some-columns.csv"),
    ]);
    const admin = findings.filter((f) => ["audit-disabled", "audit-gap", "mail-access-enabled", "mfa-disabled", "admin-role-added"].includes(f.rule));
    expect(admin.map((f) => [f.id, f.first, f.last])).toEqual([
      ["audit-disabled:organisation:organisation:UnifiedAuditLogIngestionEnabled:2026-01-15T10:00:00.000Z", "2026-01-15T10:00:00.000Z", "2026-01-15T10:10:00.000Z"],
      ["audit-gap:audit-disabled:organisation:organisation:UnifiedAuditLogIngestionEnabled:2026-01-15T10:00:00.000Z", "2026-01-15T10:00:00.000Z", "2026-01-15T15:00:00.000Z"],
      ["audit-disabled:mailbox:erin.walsh@agency.example:AuditEnabled:2026-01-15T10:01:00.000Z", "2026-01-15T10:01:00.000Z", "2026-01-15T10:01:00.000Z"],
      ["audit-gap:audit-disabled:mailbox:erin.walsh@agency.example:AuditEnabled:2026-01-15T10:01:00.000Z", "2026-01-15T10:01:00.000Z", "2026-01-15T14:30:00.000Z"],
      ["audit-disabled:mailbox:payroll:AuditLogAgeLimit:2026-01-15T10:02:00.000Z", "2026-01-15T10:02:00.000Z", "2026-01-15T10:02:00.000Z"],
      ["audit-gap:audit-disabled:mailbox:payroll:AuditLogAgeLimit:2026-01-15T10:02:00.000Z", "2026-01-15T10:02:00.000Z", undefined],
      ["audit-disabled:account:svc-sync@agency.example:AuditBypassEnabled:2026-01-15T10:03:00.000Z", "2026-01-15T10:03:00.000Z", "2026-01-15T10:03:00.000Z"],
      ["audit-gap:audit-disabled:account:svc-sync@agency.example:AuditBypassEnabled:2026-01-15T10:03:00.000Z", "2026-01-15T10:03:00.000Z", undefined],
      ["mail-access-enabled:erin.walsh@agency.example:2026-01-15T10:04:00.000Z", "2026-01-15T10:04:00.000Z", "2026-01-15T10:04:00.000Z"],
      ["mail-access-enabled:payroll:2026-01-15T10:05:00.000Z", "2026-01-15T10:05:00.000Z", "2026-01-15T10:05:00.000Z"],
      ["admin-role-added:backdoor@agency.example:Global Administrator:2026-01-15T10:06:00.000Z", "2026-01-15T10:06:00.000Z", "2026-01-15T10:06:00.000Z"],
      ["mfa-disabled:erin.walsh@agency.example:2026-01-15T10:07:00.000Z", "2026-01-15T10:07:00.000Z", "2026-01-15T10:07:00.000Z"],
      ["admin-role-added:backdoor@agency.example:Organization Management:2026-01-15T10:08:00.000Z", "2026-01-15T10:08:00.000Z", "2026-01-15T10:08:00.000Z"],
      ["mail-access-enabled:olga.ext@agency.example:2026-01-15T10:11:00.000Z", "2026-01-15T10:11:00.000Z", "2026-01-15T10:11:00.000Z"],
    ]);
    // The export of a few columns has no ResultStatus: its second "ingestion off" joins the first, the helpdesk's "on" ends the gap.
    expect(admin[0]?.eventIds).toHaveLength(2);
  });

  describe("demo case", () => {
    let findings: Finding[] = [];
    let tuned: Finding[] = [];
    let work = "";
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), "mailtrail-demo-hunts-"));
      const override = join(work, "hunts.yaml");
      writeFileSync(override, ["permission-grant:", "  admins: [bob@agency.example]", "  admin_ips: [192.0.2.10]", "mailbox-forwarding:", "  internal_domains: [agency.example]", ""].join("\n"));
      const files = ["m365/signins-graph/page-1.json", "m365/signins-graph/page-2.json", "m365/AuditLog_20261126_100512.csv", "m365/AuditLog_20261126_180733.csv", "m365/InteractiveSignIns_2026-11-26_2026-11-26.csv"].map((file) => join(DEMO, file));
      findings = await huntOver(files);
      tuned = await huntOver(files, override);
    });
    afterAll(() => {
      rmSync(work, { recursive: true, force: true });
    });

    it("finds the spray, the success, the token replay, the rules, the delegated Sync, and the admin's grant only without the admin list", () => {
      expect(findings.map((f) => [f.id, f.severity])).toEqual([
        ["permission-grant:payroll@agency.example:erin.walsh@agency.example", "high"],
        ["password-spray:198.51.100.23", "high"],
        ["success-after-failures:erin.walsh@agency.example:198.51.100.23", "high"],
        ["impossible-travel:erin.walsh@agency.example:2026-11-26T08:23:58.000Z", "medium"],
        ["inbox-rule:erin.walsh@agency.example:.", "high"],
        ["inbox-rule:erin.walsh@agency.example:fwd", "high"],
        ["bulk-read:sync:payroll@agency.example:erin.walsh@agency.example:203.0.113.50", "high"],
      ]);
      expect(tuned.map((f) => f.id)).toEqual(findings.slice(1).map((f) => f.id));
      const spray = findings.find((f) => f.rule === "password-spray");
      expect(spray?.accounts).toEqual(["erin.walsh@agency.example", "frank.osei@agency.example", "payroll@agency.example"]);
      // Nine attempts, each in the Graph page or portal CSV (de-duplicated) and in the audit log.
      expect(spray?.explanation).toContain("9 failed sign-in attempts from 198.51.100.23 against 3 different accounts");
      expect(spray?.eventIds).toHaveLength(18);
      // The Amsterdam sign-in's kept copy (portal CSV) has no coordinates: its Graph duplicate supplies them.
      const travel = findings.find((f) => f.rule === "impossible-travel");
      expect(travel).toMatchObject({ ips: ["198.51.100.23", "203.0.113.50"], first: "2026-11-26T08:07:12.000Z", last: "2026-11-26T08:23:58.000Z" });
      expect(travel?.eventIds).toHaveLength(2);
      // Findings come sorted by first time, then id.
      const order = findings.map((f) => `${f.first ?? ""}|${f.id}`);
      expect(order).toEqual([...order].sort());
    });
  });
});
