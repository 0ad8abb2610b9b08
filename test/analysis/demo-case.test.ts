/**
 * The demo incident end to end, against its committed truth (fixtures/demo-case/truth.json):
 * once with every attacker address as IOC, once with one seed address and --expand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsvFile, runCli } from "../cli/run-cli.js";

const DEMO = new URL("../../fixtures/demo-case/", import.meta.url).pathname;
const truth = JSON.parse(readFileSync(join(DEMO, "truth.json"), "utf8")) as {
  attacker_ips: string[];
  affected: { email: string; employee_id: string; exposure: string; account_compromised: boolean }[];
  exposed_messages: { mailbox: string; folder: string; message_id: string; access: string }[];
  attacker_sessions_dovecot: string[];
};
const groundTruth = JSON.parse(readFileSync(join(DEMO, "dovecot-ground-truth.json"), "utf8")) as {
  sessions: { actor: string; user: string; fetchedBodies?: { messageId: string }[]; dovecot?: { session?: string } }[];
};

interface Outcome {
  affected: Record<string, string>[];
  exposed: Record<string, string>[];
  timeline: { attacker: boolean; clientIp?: string; sessionId?: string; source: { parser: string } }[];
  findings: { id: string; rule: string; strength?: string }[];
}

async function runDemo(name: string, iocText: string, expand: boolean): Promise<Outcome> {
  const work = mkdtempSync(join(tmpdir(), `mailtrail-demo-${name}-`));
  writeFileSync(join(work, "ioc.yaml"), iocText);
  const args = ["run", join(DEMO, "evidence"), "--out", join(work, "out"), "--ioc", join(work, "ioc.yaml"), "--directory", join(DEMO, "directory.csv"), "--hunt-config", join(DEMO, "hunts.yaml"), "--year", "2026", "--quiet"];
  const result = await runCli(expand ? [...args, "--expand"] : args);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const out = join(work, "out");
  return {
    affected: await readCsvFile(join(out, "affected-employees.csv")),
    exposed: await readCsvFile(join(out, "exposed-messages.csv")),
    timeline: readFileSync(join(out, "timeline.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Outcome["timeline"][number]),
    findings: JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as Outcome["findings"],
  };
}

function checkAgainstTruth(outcome: Outcome): void {
  expect(outcome.affected.map((row) => ({ email: row["email"], employee_id: row["employee_id"], exposure: row["exposure"], account_compromised: row["account_compromised"] === "yes" }))).toEqual(truth.affected);
  expect(outcome.exposed.map((row) => ({ mailbox: row["mailbox"], folder: row["folder"], message_id: row["message_id"], access: row["access"] }))).toEqual(truth.exposed_messages);
  const attackerIps = [...new Set(outcome.timeline.filter((event) => event.attacker && event.clientIp).map((event) => event.clientIp as string))].sort();
  expect(attackerIps).toEqual(truth.attacker_ips);
  const sessions = [...new Set(outcome.timeline.filter((event) => event.attacker && event.source.parser === "dovecot-log" && event.sessionId).map((event) => event.sessionId as string))].sort();
  expect(sessions).toEqual(truth.attacker_sessions_dovecot);
}

const ALL_IOCS = "ips:\n  - 127.0.0.66\n  - 127.0.0.67\n  - 127.0.0.68\n  - 127.0.0.69\n  - 198.51.100.23\n";

describe("the demo incident against its truth", () => {
  let all: Outcome;
  let expanded: Outcome;
  beforeAll(async () => {
    all = await runDemo("all", ALL_IOCS, false);
    expanded = await runDemo("seed", "ips:\n  - {ip: 198.51.100.23, label: seed}\n", true);
  }, 300_000);

  it("the truth agrees with the scripted Dovecot sessions (independent ground truth)", () => {
    const scripted = groundTruth.sessions.filter((session) => session.actor === "attacker" && session.dovecot?.session).map((session) => session.dovecot?.session as string);
    expect([...scripted].sort()).toEqual(truth.attacker_sessions_dovecot);
    const read = new Set(truth.exposed_messages.filter((row) => /imap-fetch|pop3/.test(row.access)).map((row) => `${row.mailbox}|${row.message_id}`));
    const fetched = groundTruth.sessions.filter((session) => session.actor === "attacker").flatMap((session) => (session.fetchedBodies ?? []).map((body) => `${session.user}|${body.messageId}`));
    expect(new Set(fetched)).toEqual(read);
  });

  it("every attacker address as IOC: exactly the truth", () => {
    checkAgainstTruth(all);
    // The replayed token's address is found through the session, and offered as a pivot.
    expect(all.findings.some((finding) => finding.id === "pivot-shared-session:203.0.113.50" && finding.strength === "strong")).toBe(true);
  });

  it("one seed address plus --expand: the same truth, each step a followed strong pivot", () => {
    checkAgainstTruth(expanded);
    const followed = expanded.findings.filter((finding) => finding.rule.startsWith("pivot-") && finding.strength === "strong").map((finding) => finding.id).sort();
    expect(followed).toEqual([
      "pivot-new-infrastructure:127.0.0.69",
      "pivot-shared-session:203.0.113.50",
      "pivot-spray-campaign:127.0.0.67",
      "pivot-spray-success:127.0.0.66",
      "pivot-spray-success:127.0.0.68",
    ]);
    // The real owners' own addresses are only ever weak suggestions.
    const weak = expanded.findings.filter((finding) => finding.strength === "weak").map((finding) => finding.id);
    expect(weak).toContain("pivot-new-infrastructure:127.0.0.12");
    expect(expanded.timeline.some((event) => event.attacker && event.clientIp === "127.0.0.12")).toBe(false);
  });

  it("exposed messages carry attachment hashes from the deep pass, equal to a full parse of the export", async () => {
    const row = all.exposed.find((exposed) => exposed["message_id"] === "<FIN-2026-0412.a1@agency.example>" && exposed["mailbox"] === "erin.walsh@agency.example");
    const match = /^Q3-supplier-payments\.xlsx \(sha256 ([0-9a-f]{64})\)$/.exec(row?.["attachments"] ?? "");
    expect(match).not.toBeNull();
    const mbox = readFileSync(join(DEMO, "evidence/exports/erin.walsh@agency.example/Inbox/mbox"), "utf8");
    const start = mbox.indexOf("Message-ID: <FIN-2026-0412.a1@agency.example>");
    const from = mbox.lastIndexOf("\nFrom ", start) + 1;
    const end = mbox.indexOf("\nFrom ", start);
    const parsed = await simpleParser(mbox.slice(mbox.indexOf("\n", from) + 1, end === -1 ? undefined : end));
    const attachment = parsed.attachments.find((item) => item.filename === "Q3-supplier-payments.xlsx");
    expect(match?.[1]).toBe(createHash("sha256").update(attachment?.content ?? Buffer.alloc(0)).digest("hex"));
  });

  it("without IOCs nothing is attacker activity and nobody is listed as affected", async () => {
    const none = await runDemo("none", "ips: []\n", true);
    expect(none.timeline.some((event) => event.attacker)).toBe(false);
    expect(none.affected).toEqual([]);
    expect(none.exposed).toEqual([]);
  }, 120_000);
});
