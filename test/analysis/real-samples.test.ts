/**
 * The analysis on real public data: the Sentinel training lab (account adelev@ used from
 * 175.45.176.99) and the OTRF Golden-SAML mail theft through Microsoft Graph.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsvFile, runCli } from "../cli/run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;

async function runCase(files: string[], ioc: string) {
  const work = mkdtempSync(join(tmpdir(), "mailtrail-real-"));
  mkdirSync(join(work, "evidence"));
  for (const file of files) copyFileSync(join(FIXTURES, file), join(work, "evidence", file.split("/").pop() as string));
  writeFileSync(join(work, "ioc.yaml"), ioc);
  const result = await runCli(["run", join(work, "evidence"), "--out", join(work, "out"), "--ioc", join(work, "ioc.yaml"), "--quiet"]);
  expect(result.code).toBe(0);
  const out = join(work, "out");
  return {
    affected: await readCsvFile(join(out, "affected-employees.csv")),
    exposed: await readCsvFile(join(out, "exposed-messages.csv")),
    timeline: await readCsvFile(join(out, "timeline.csv")),
    findings: JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as { id: string; rule: string; technique: string }[],
  };
}

describe("Sentinel training lab with 175.45.176.99 as IOC", () => {
  it("adelev@ is confirmed through MailItemsAccessed; the sent and moved messages and the inbox rule are found", async () => {
    const lab = await runCase(["m365/m365-audit-csv/office_activity.csv", "m365/m365-audit-csv/office_activity_inbox_rule.csv"], "ips: [175.45.176.99]\n");
    expect(lab.affected.map((row) => [row["email"], row["exposure"], row["account_compromised"]])).toEqual([["adelev@m365x816222.onmicrosoft.com", "confirmed", "yes"]]);
    const attacker = lab.timeline.filter((row) => row["attacker"] === "yes");
    // Three MailItemsAccessed in the export: two Binds from the attacker, one by Microsoft's own REST system.
    expect(lab.timeline.filter((row) => row["action"] === "MailItemsAccessed").length).toBe(3);
    expect(attacker.filter((row) => row["action"] === "MailItemsAccessed").length).toBe(2);
    expect(lab.timeline.find((row) => row["action"] === "MailItemsAccessed" && row["client_ip"] === "2603:10b6:5:345::11")?.["attacker"]).toBe("no");
    expect(attacker.filter((row) => row["action"] === "Send").length).toBeGreaterThan(0);
    expect(attacker.filter((row) => row["action"] === "MoveToDeletedItems").length).toBe(1);
    const accesses = (row: Record<string, string>): string[] => (row["access"] ?? "").split(";");
    const reads = lab.exposed.filter((row) => accesses(row).includes("bind"));
    expect(reads.length).toBe(11);
    expect(Number(lab.affected[0]?.["messages_exposed"])).toBe(11);
    // The message moved to Deleted Items had been read first: one row, both accesses.
    expect(lab.exposed.filter((row) => accesses(row).includes("delete")).map((row) => row["access"])).toEqual(["bind;delete"]);
    const rules = lab.findings.filter((finding) => finding.rule === "inbox-rule");
    expect(rules.map((finding) => finding.id)).toContain("inbox-rule:adelev@contoso.onmicrosoft.com:my_rule1");
    expect(rules.every((finding) => finding.technique.startsWith("T1564"))).toBe(true);
  });
});

describe("OTRF Golden-SAML mail access through Microsoft Graph", () => {
  it("with the attacker's application id as IOC, the Bind is read exposure of its messages", async () => {
    const saml = await runCase(["m365/m365-audit-json/OfficeActivityEvents.json"], "app_ids: [5a95e683-08ad-424e-a441-1d1aec52c02c]\n");
    expect(saml.affected.map((row) => [row["email"], row["exposure"]])).toEqual([["pgustavo@simulandlabs.com", "confirmed"]]);
    const read = saml.timeline.find((row) => row["action"] === "MailItemsAccessed");
    expect(read?.["attacker"]).toBe("yes");
    expect(read?.["message_count"]).toBe("7");
    expect(read?.["attacker_reason"]).toContain('application id "5a95e683-08ad-424e-a441-1d1aec52c02c"');
    // Seven InternetMessageIds, two of them identical after the lab's anonymisation: six messages.
    expect(saml.exposed.length).toBe(6);
    expect(saml.exposed.every((row) => row["mailbox"] === "pgustavo@simulandlabs.com" && row["access"] === "bind" && row["folder"] === "Inbox")).toBe(true);
  });
});
