/**
 * What a first-time user meets (issue 13, "A first-time user's walls"): the summary without IOCs,
 * options checked before ingest, the --out folder rule, CSVs for spreadsheets, --year/--tz, DST
 * notes, counts that equal what was read, years of out-of-order logs.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsvFile, runCli } from "./run-cli.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const FIXTURES = join(ROOT, "fixtures");
const DEMO = join(FIXTURES, "demo-case");

let work: string;
let evidence: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "mailtrail-first-run-"));
  evidence = join(work, "evidence");
  mkdirSync(evidence);
  copyFileSync(join(FIXTURES, "dovecot/dovecot-log/dovecot-2.3.log"), join(evidence, "dovecot.log"));
});

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** A Dovecot login line at a syslog time (no year, no zone). */
const login = (stamp: string, user: string, ip: string, session: string): string =>
  `${stamp} imap-login: Info: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=127.0.0.1, mpid=1, session=<${session}>`;

describe("without --ioc", () => {
  const expected =
    "No IOC given, so no event is marked as the attacker's; the hunts flagged 6 likely attacker addresses: 198.51.100.23, 127.0.0.66, 127.0.0.68, 127.0.0.69, 192.0.2.10 and 1 more (see findings.json).";
  let out: string;
  let stdout: string;

  beforeAll(async () => {
    out = join(work, "no-ioc");
    const result = await runCli(["run", join(DEMO, "evidence"), "--out", out, "--directory", join(DEMO, "directory.csv"), "--year", "2026", "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    stdout = result.stdout;
  });

  it("summary.json says no IOC was given and which addresses the hunts flagged", () => {
    const summary = readJson<{ attacker_events: number; ioc: unknown }>(join(out, "summary.json"));
    expect(summary.attacker_events).toBe(0);
    expect(summary.ioc).toEqual({
      given: false,
      hunt_findings: { critical: 0, high: 10, medium: 1, low: 0, info: 2 },
      flagged_addresses: ["198.51.100.23", "127.0.0.66", "127.0.0.68", "127.0.0.69", "192.0.2.10", "203.0.113.50"],
    });
    // Every flagged address is named by a high finding in findings.json.
    const findings = readJson<{ severity: string; ips: string[] }[]>(join(out, "findings.json"));
    const high = new Set(findings.filter((finding) => finding.severity === "high").flatMap((finding) => finding.ips));
    expect([...high].sort()).toEqual(["127.0.0.66", "127.0.0.68", "127.0.0.69", "192.0.2.10", "198.51.100.23", "203.0.113.50"]);
  });

  it("the printed summary says it in one sentence, never 'nothing happened'", () => {
    expect(stdout).toContain(`  attacker events: 0\n  ${expected}\n`);
  });

  it("analyze with an IOC that matches nothing says so, and still names the hunts' addresses", async () => {
    const ioc = join(work, "unrelated-ioc.txt");
    writeFileSync(ioc, "192.0.2.250\n");
    const result = await runCli(["analyze", out, "--ioc", ioc, "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "  No event matched the IOCs given; the hunts flagged 6 likely attacker addresses: 198.51.100.23, 127.0.0.66, 127.0.0.68, 127.0.0.69, 192.0.2.10 and 1 more (see findings.json).\n",
    );
    expect(readJson<{ ioc: { given: boolean } }>(join(out, "summary.json")).ioc.given).toBe(true);
  });

  it("an empty affected-employees.csv still carries its header row (after the BOM)", () => {
    const empty = join(work, "empty-csv");
    return runCli(["run", evidence, "--out", empty, "--year", "2026", "--quiet"]).then((result) => {
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(join(empty, "affected-employees.csv"), "utf8")).toBe(
        "\uFEFFemployee_id,display_name,email,department,exposure,account_compromised,first_attacker_activity,last_attacker_activity,messages_exposed,messages_as_correspondent,attacker_ips,reasons,evidence\n",
      );
      expect(readFileSync(join(empty, "exposed-messages.csv"), "utf8")).toBe(
        "\uFEFFmailbox,folder,message_id,date,from,to,cc,subject,attachments,access,first_access,last_access,attacker_ips,evidence,uid\n",
      );
    });
  });
});

describe("options are checked before any evidence is read", () => {
  const cases: [string, string[], string][] = [
    ["IOC file", ["--ioc", "IOC"], `IOC:1: "not-an-ip" is not an IP address or CIDR range`],
    ["directory CSV", ["--directory", "DIR"], "DIR: needs an 'email' or 'upn' column (found: name, phone)"],
    ["hunt config", ["--hunt-config", "HUNT"], "HUNT: unknown hunt section 'pasword-spray'"],
    ["mailbox map", ["--mailbox-map", "MAP"], "--mailbox-map MAP: needs 'path' and 'mailbox' columns"],
  ];
  for (const [what, option, message] of cases) {
    it(`a bad ${what} exits 2 with the reason, and no case is started`, async () => {
      const files: Record<string, [string, string]> = {
        IOC: ["bad-ioc.txt", "not-an-ip\n"],
        DIR: ["bad-directory.csv", "name,phone\nAlice,1\n"],
        HUNT: ["bad-hunts.yaml", "pasword-spray:\n  min_accounts: 3\n"],
        MAP: ["bad-map.csv", "file,owner\nx,y@z\n"],
      };
      const [key, optionName] = [option[1] as string, option[0] as string];
      const [name, text] = files[key] as [string, string];
      const path = join(work, name);
      writeFileSync(path, text);
      const out = join(work, `bad-${key}`);
      const result = await runCli(["run", evidence, "--out", out, optionName, path, "--year", "2026"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message.replace(key, path));
      // Nothing was read: no store, no progress line of an ingest.
      expect(existsSync(join(out, "case.duckdb"))).toBe(false);
      expect(result.stderr).not.toContain("ingest");
    });
  }

  it("files that are not evidence: exit 2 with the reason; the folder says why per file", async () => {
    const notes = join(work, "not-evidence");
    mkdirSync(notes);
    writeFileSync(join(notes, "readme.txt"), "meeting notes, nothing to do with mail servers\n");
    writeFileSync(join(notes, "photo.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]));
    const out = join(work, "not-evidence-out");
    const result = await runCli(["run", notes, "--out", out, "--quiet"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`mailtrail: nothing in ${notes} is evidence mailtrail reads: no file was recognised (why, per file: ${join(out, "warnings.jsonl")};`);
    const warnings = readFileSync(join(out, "warnings.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { file: string; reason: string });
    expect(warnings.map((warning) => warning.file)).toEqual(["not-evidence/photo.jpg", "not-evidence/readme.txt"]);
    expect(readJson<{ files: { unrecognised: number } }>(join(out, "summary.json")).files.unrecognised).toBe(2);
  });
});

describe("the --out folder", () => {
  it("another case there (other evidence) is refused with exit 2; the same evidence again is written", async () => {
    const out = join(work, "case-a");
    expect((await runCli(["ingest", evidence, "--out", out, "--year", "2026", "--quiet"])).code).toBe(0);
    const other = join(work, "other-evidence");
    mkdirSync(other);
    copyFileSync(join(FIXTURES, "dovecot/dovecot-log/dovecot-2.3-debug.log"), join(other, "debug.log"));
    const before = readFileSync(join(out, "case.duckdb"));
    const refused = await runCli(["ingest", other, "--out", out, "--year", "2026", "--quiet"]);
    expect(refused.code).toBe(2);
    // Looking at the case to judge it changed nothing (it is opened read-only).
    expect(readFileSync(join(out, "case.duckdb")).equals(before)).toBe(true);
    expect(refused.stderr).toContain(`--out ${out} holds the case of other evidence (${evidence}): choose another --out, or add --force`);
    // The case is untouched.
    expect(readJson<{ evidence: string[] }>(join(out, "manifest.json")).evidence).toEqual([evidence]);
    // The same evidence (here named by a relative path) may be run again into its own folder.
    const again = await runCli(["run", join(evidence, "..", "evidence"), "--out", out, "--year", "2026", "--quiet"]);
    expect(again.code, again.stderr).toBe(0);
    const forced = await runCli(["ingest", other, "--out", out, "--year", "2026", "--quiet", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readJson<{ evidence: string[] }>(join(out, "manifest.json")).evidence).toEqual([other]);
  });

  it("files that are not a case are refused; --force writes the case and leaves them alone", async () => {
    const out = join(work, "papers");
    mkdirSync(out);
    writeFileSync(join(out, "report-draft.docx"), "the analyst's own work");
    const refused = await runCli(["run", evidence, "--out", out, "--year", "2026", "--quiet"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--out ${out} holds files that are not a mailtrail case (report-draft.docx)`);
    expect(readdirSync(out)).toEqual(["report-draft.docx"]);
    const forced = await runCli(["run", evidence, "--out", out, "--year", "2026", "--quiet", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, "report-draft.docx"), "utf8")).toBe("the analyst's own work");
    expect(existsSync(join(out, "summary.json"))).toBe(true);
  });
});

describe("CSVs for spreadsheets", () => {
  it("every CSV output starts with a UTF-8 BOM; --no-bom leaves it out", async () => {
    const withBom = join(work, "bom");
    const ioc = join(work, "ioc.txt");
    writeFileSync(ioc, "127.0.0.66\n");
    expect((await runCli(["run", evidence, "--out", withBom, "--ioc", ioc, "--year", "2026", "--quiet"])).code).toBe(0);
    const csvs = readdirSync(withBom).filter((name) => name.endsWith(".csv")).sort();
    expect(csvs).toEqual(["affected-employees.csv", "exposed-messages.csv", "timeline.csv"]);
    for (const name of csvs) expect(readFileSync(join(withBom, name)).subarray(0, 3), name).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // Read as a spreadsheet would, the first column is named without the BOM.
    expect(Object.keys((await readCsvFile(join(withBom, "timeline.csv")))[0] ?? {})[0]).toBe("timestamp");
    const noBom = join(work, "no-bom");
    expect((await runCli(["run", evidence, "--out", noBom, "--ioc", ioc, "--year", "2026", "--quiet", "--no-bom"])).code).toBe(0);
    for (const name of csvs) expect(readFileSync(join(noBom, name), "utf8").replace(/^\uFEFF/, ""), name).toBe(readFileSync(join(noBom, name), "utf8"));
    expect(readFileSync(join(noBom, "timeline.csv"), "utf8").slice(0, 10)).toBe("timestamp,");
    // `timeline` rewrites with the same choice.
    expect((await runCli(["timeline", noBom, "--quiet"])).code).toBe(0);
    expect(readFileSync(join(noBom, "timeline.csv")).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await runCli(["timeline", noBom, "--no-bom"])).code).toBe(0);
    expect(readFileSync(join(noBom, "timeline.csv"), "utf8").slice(0, 10)).toBe("timestamp,");
  });
});

describe("the command line", () => {
  it("suggests the command meant", async () => {
    const result = await runCli(["rnu", evidence]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Did you mean run?");
  });

  it("--help shows examples on run, analyze, affected and acquire (the built binary: yargs prints help itself)", () => {
    // yargs wraps the examples beside their descriptions: look for each one's first words and options.
    for (const [command, words] of [
      ["run", ["mailtrail run exports/ --out case --ioc", "--tz Europe/Paris --year 2026"]],
      ["analyze", ["mailtrail analyze case --ioc ioc-v2.yaml", "--expand"]],
      ["affected", ["mailtrail affected case --ioc ioc.yaml", "--directory staff.csv", "--json"]],
      ["acquire", ["mailtrail acquire imap --host", "mailtrail acquire graph --tenant"]],
    ] as const) {
      const help = spawnSync(process.execPath, [join(ROOT, "dist/src/cli/main.js"), command, "--help"], { encoding: "utf8" });
      expect(help.status).toBe(0);
      const examples = help.stdout.split("\nExamples:\n")[1] ?? "";
      for (const text of words) expect(examples, `${command}: ${text}`).toContain(text);
    }
  });

  it("--year abc is a usage error that names what was typed", async () => {
    const result = await runCli(["run", evidence, "--out", join(work, "year-abc"), "--year", "abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("mailtrail: --year: 'abc' is not a year (four digits from 1970, e.g. 2026)");
    expect(existsSync(join(work, "year-abc", "case.duckdb"))).toBe(false);
  });

  it("--tz takes fixed offsets: +02:00 and UTC+2 read 14:00 as 12:00Z", async () => {
    const logs = join(work, "tz-logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "mail.log"), `${login("Jul  1 14:00:00", "alice@agency.example", "192.0.2.9", "AAAAAAAAAAAAAAAA")}\n`);
    for (const zone of ["+02:00", "UTC+2"]) {
      const out = join(work, `tz-${zone.replace(/[^0-9a-z]/gi, "")}`);
      const result = await runCli(["run", logs, "--out", out, "--tz", zone, "--year", "2026", "--quiet"]);
      expect(result.code, result.stderr).toBe(0);
      const rows = await readCsvFile(join(out, "timeline.csv"));
      expect(rows.map((row) => row["timestamp"]), zone).toEqual(["2026-07-01T12:00:00.000Z"]);
    }
    const bad = await runCli(["run", logs, "--out", join(work, "tz-bad"), "--tz", "+2h"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tz: unknown time zone '+2h' (use an IANA name such as Europe/Paris, or a fixed offset such as +02:00, -0530 or UTC+2)");
  });

  it("local times at a DST change are stated in the summary with the file and the count", async () => {
    const logs = join(work, "dst-logs");
    mkdirSync(logs);
    writeFileSync(
      join(logs, "mail.log"),
      [
        login("Oct 25 01:59:00", "alice@agency.example", "192.0.2.9", "AAAAAAAAAAAAAAA1"),
        login("Oct 25 02:30:00", "alice@agency.example", "192.0.2.9", "AAAAAAAAAAAAAAA2"),
        login("Oct 25 02:45:00", "alice@agency.example", "192.0.2.9", "AAAAAAAAAAAAAAA3"),
        login("Oct 25 03:10:00", "alice@agency.example", "192.0.2.9", "AAAAAAAAAAAAAAA4"),
        "",
      ].join("\n"),
    );
    const out = join(work, "dst-out");
    const result = await runCli(["run", logs, "--out", out, "--tz", "Europe/Paris", "--year", "2026", "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    const summary = readJson<{ notes: string[] }>(join(out, "summary.json"));
    expect(summary.notes).toContain("dst-logs/mail.log: 2 local times in Europe/Paris fell in a DST change: 2 happened twice (clocks went back; read as the first)");
    expect(result.stdout).toContain("note: dst-logs/mail.log: 2 local times in Europe/Paris fell in a DST change");
    const rows = await readCsvFile(join(out, "timeline.csv"));
    expect(rows.map((row) => row["timestamp"])).toEqual(["2026-10-24T23:59:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T00:45:00.000Z", "2026-10-25T02:10:00.000Z"]);
  });

  it("a Zimbra log (local times with a year) gets the same DST note", async () => {
    const logs = join(work, "zimbra-dst");
    mkdirSync(logs);
    const line = (stamp: string) => `${stamp},000 WARN  [ImapServer-2] [name=dave@agency.example;ip=10.0.0.5;oip=198.51.100.67;] imap - authentication failed for [dave@agency.example] (invalid password)`;
    writeFileSync(join(logs, "mailbox.log"), `${[line("2026-03-29 01:30:00"), line("2026-03-29 02:30:00"), line("2026-10-25 02:30:00")].join("\n")}\n`);
    const out = join(work, "zimbra-dst-out");
    const result = await runCli(["run", logs, "--out", out, "--tz", "Europe/Paris", "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    expect(readJson<{ notes: string[] }>(join(out, "summary.json")).notes).toContain(
      "zimbra-dst/mailbox.log: 2 local times in Europe/Paris fell in a DST change: 1 happened twice (clocks went back; read as the first); 1 never happened (clocks went forward; read with the offset before the change)",
    );
  });

  it("a log whose lines go back and forth across New Year keeps each line's year (no drift)", async () => {
    const logs = join(work, "merged-logs");
    mkdirSync(logs);
    const stamps = ["Dec 31 23:58:00", "Jan  1 00:01:00", "Dec 31 23:59:00", "Jan  1 00:02:00", "Dec 31 23:59:30", "Jan  1 00:03:00"];
    writeFileSync(join(logs, "merged.log"), `${stamps.map((stamp, index) => login(stamp, "bob@agency.example", "192.0.2.7", `BBBBBBBBBBBBBBB${index}`)).join("\n")}\n`);
    const out = join(work, "merged-out");
    expect((await runCli(["run", logs, "--out", out, "--year", "2025", "--quiet"])).code).toBe(0);
    const rows = await readCsvFile(join(out, "timeline.csv"));
    expect(rows.map((row) => row["timestamp"])).toEqual([
      "2025-12-31T23:58:00.000Z",
      "2025-12-31T23:59:00.000Z",
      "2025-12-31T23:59:30.000Z",
      "2026-01-01T00:01:00.000Z",
      "2026-01-01T00:02:00.000Z",
      "2026-01-01T00:03:00.000Z",
    ]);
  });
});

describe("the summary's records equal what was read", () => {
  it("a Maildir's messages are counted once, not once for the folder and again for its members", async () => {
    const exports = join(work, "maildirs");
    mkdirSync(exports);
    cpSync(join(FIXTURES, "mailbox/maildir/alice@agency.example"), join(exports, "alice@agency.example"), { recursive: true });
    cpSync(join(FIXTURES, "mailbox/maildir/bad/broken@agency.example"), join(exports, "broken@agency.example"), { recursive: true });
    const messageFiles = (dir: string): number =>
      readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && /\/(cur|new)$/.test(entry.parentPath) && entry.name !== ".keep").length;
    // 5 messages for alice, 3 (each with a warning) for the broken one.
    expect(messageFiles(join(exports, "alice@agency.example"))).toBe(5);
    expect(messageFiles(join(exports, "broken@agency.example"))).toBe(3);
    const out = join(work, "maildir-out");
    const result = await runCli(["ingest", exports, "--out", out, "--quiet", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { records: number; messages: { total: number }; events: number; warnings: number };
    expect(summary).toMatchObject({ records: 8, events: 0, warnings: 4, messages: { total: 8 } });
    const manifest = readJson<{ files: { path: string; container?: string; records: number }[] }>(join(out, "manifest.json"));
    const folders = manifest.files.filter((file) => file.container === undefined);
    expect(folders.map((file) => [file.path, file.records])).toEqual([
      ["maildirs/alice@agency.example", 5],
      ["maildirs/broken@agency.example", 3],
    ]);
  });
});
