import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const FIXTURES = join(ROOT, "fixtures");
const BIN = join(ROOT, "dist/src/cli/main.js");

let work: string;
let evidence: string;
let ioc: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "mailtrail-cli-"));
  evidence = join(work, "evidence");
  mkdirSync(evidence);
  copyFileSync(join(FIXTURES, "dovecot/dovecot-log/dovecot-2.3.log"), join(evidence, "dovecot.log"));
  copyFileSync(join(FIXTURES, "dovecot/dovecot-log/dovecot-2.3-debug.log"), join(evidence, "dovecot-debug.log"));
  ioc = join(work, "ioc.txt");
  writeFileSync(ioc, "# attacker addresses\n127.0.0.66\n127.0.0.67 # spray\n127.0.0.68\n127.0.0.69\n198.51.100.23\n");
});

const csvRows = (path: string): string[][] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));

describe("mailtrail run", () => {
  it("writes every output, marks exactly the attacker sessions, and prints a summary", async () => {
    const out = join(work, "run1");
    const result = await runCli(["run", evidence, "--out", out, "--ioc", ioc, "--year", "2026", "--quiet"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("attacker events:");
    expect(result.stdout).toContain(`outputs in ${out}`);
    for (const name of ["timeline.csv", "timeline.jsonl", "timesketch.jsonl", "manifest.json", "warnings.jsonl", "summary.json", "case.duckdb"]) {
      expect(() => readFileSync(join(out, name)), name).not.toThrow();
    }
    const rows = csvRows(join(out, "timeline.csv"));
    const attackerSessions = new Set(rows.filter((row) => row.includes("yes")).map((row) => row[10]));
    // The real hr-director (127.0.0.12) and alice working at the same time are never marked.
    expect(attackerSessions.has("zSPBbC5hH55/AAAM")).toBe(false);
    expect(attackerSessions.has("PvGIbC5hMaB/AAAB")).toBe(false);
    // carol's attacker session from .66, hr-director through the proxy (198.51.100.23) and over POP3 from .69.
    for (const session of ["pn6EbC5hl7V/AABC", "4digbC5hy8PGM2QX", "o0OxbC5hfYt/AABF"]) expect(attackerSessions.has(session)).toBe(true);
    // Debug lines of the attacker session have no address: they are marked through the session.
    const debugRead = rows.find((row) => row[2] === "mail.read" && row[10] === "pn6EbC5hl7V/AABC");
    expect(debugRead?.[13]).toBe("yes");
    expect(debugRead?.slice(14).join(",")).toContain("same session pn6EbC5hl7V/AABC as attacker event");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { events: number; attacker_events: number; warnings: number };
    expect(summary.events).toBe(662);
    expect(summary.warnings).toBe(0);
    expect(summary.attacker_events).toBe(rows.filter((row) => row.includes("yes")).length);
  });

  it("is deterministic: two runs give identical bytes (manifest apart from its run times)", async () => {
    const a = join(work, "det-a");
    const b = join(work, "det-b");
    for (const out of [a, b]) expect((await runCli(["run", evidence, "--out", out, "--ioc", ioc, "--year", "2026", "--quiet"])).code).toBe(0);
    for (const name of ["timeline.csv", "timeline.jsonl", "timesketch.jsonl", "summary.json", "warnings.jsonl", "findings.json", "affected-employees.csv", "exposed-messages.csv", "report.html"]) {
      // The report quotes the command line, whose --out differs between the two runs.
      expect(readFileSync(join(a, name), "utf8").replaceAll(a, "OUT"), name).toBe(readFileSync(join(b, name), "utf8").replaceAll(b, "OUT"));
    }
    const strip = (path: string) => {
      const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      delete manifest["startedAt"];
      delete manifest["finishedAt"];
      delete manifest["command"];
      return manifest;
    };
    expect(strip(join(a, "manifest.json"))).toEqual(strip(join(b, "manifest.json")));
  });

  it("--json prints the summary as JSON", async () => {
    const result = await runCli(["run", evidence, "--out", join(work, "json"), "--year", "2026", "--quiet", "--json"]);
    const summary = JSON.parse(result.stdout) as { files: { total: number }; attacker_events: number };
    expect(summary.files.total).toBe(2);
    expect(summary.attacker_events).toBe(0);
  });

  it("neutralises formula cells in the CSV", async () => {
    const hostile = join(work, "hostile");
    mkdirSync(hostile);
    writeFileSync(
      join(hostile, "dovecot.log"),
      "Nov 26 14:00:18 imap-login: Info: ID sent: name==cmd|' /C calc'!A0, version=1: user=<>, rip=192.0.2.9, rport=1, lip=127.0.0.1, session=<AAAAAAAAAAAAAAAA>\n" +
        "Nov 26 14:00:19 imap-login: Info: Login: user=<@SUM(1+1)>, method=PLAIN, rip=192.0.2.9, lip=127.0.0.1, mpid=1, session=<AAAAAAAAAAAAAAAA>\n",
    );
    await runCli(["run", hostile, "--out", join(work, "hostile-out"), "--year", "2026", "--quiet"]);
    const rows = csvRows(join(work, "hostile-out/timeline.csv"));
    // fast-csv quotes the cell (it holds quotes); what matters is the leading apostrophe.
    expect(rows[0]?.[9]).toBe(`"'=cmd|' /C calc'!A0/1"`);
    expect(rows[1]?.[5]).toBe("'@SUM(1+1)");
  });
});

describe("stages on an existing case", () => {
  it("ingest into a folder that held an earlier run leaves none of that run's outputs behind", async () => {
    const out = join(work, "rerun");
    expect((await runCli(["run", evidence, "--out", out, "--year", "2026", "--quiet"])).code).toBe(0);
    expect(existsSync(join(out, "findings.json"))).toBe(true);
    expect((await runCli(["ingest", evidence, "--out", out, "--year", "2026", "--quiet"])).code).toBe(0);
    for (const name of ["findings.json", "timeline.csv", "report.html", "affected-employees.csv"]) expect(existsSync(join(out, name)), name).toBe(false);
    expect(existsSync(join(out, "summary.json"))).toBe(true);
  });

  it("analyze re-marks with new IOCs without re-parsing; timeline rewrites from the store", async () => {
    const out = join(work, "stages");
    expect((await runCli(["ingest", evidence, "--out", out, "--year", "2026", "--quiet"])).code).toBe(0);
    const before = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { attacker_events: number };
    expect(before.attacker_events).toBe(0);
    const single = join(work, "single.txt");
    writeFileSync(single, "127.0.0.69\n");
    expect((await runCli(["analyze", out, "--ioc", single, "--quiet"])).code).toBe(0);
    const after = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { attacker_events: number };
    const rows = csvRows(join(out, "timeline.csv")).filter((row) => row.includes("yes"));
    expect(after.attacker_events).toBe(rows.length);
    expect(new Set(rows.map((row) => row[10]))).toEqual(new Set(["o0OxbC5hfYt/AABF"]));
    const timeline = await runCli(["timeline", out]);
    expect(timeline.stdout).toMatch(/^timeline: 662 events \(\d+ attacker\)/);
  });

  it("verify re-hashes the evidence and fails when a file changed", async () => {
    const copy = join(work, "verify-evidence");
    mkdirSync(copy);
    copyFileSync(join(evidence, "dovecot.log"), join(copy, "dovecot.log"));
    const out = join(work, "verify-out");
    await runCli(["ingest", copy, "--out", out, "--year", "2026", "--quiet"]);
    const ok = await runCli(["verify", out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("1 evidence files checked, 0 changed, 0 missing");
    appendFileSync(join(copy, "dovecot.log"), "tampered\n");
    const bad = await runCli(["verify", out]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("CHANGED verify-evidence/dovecot.log");
  });

  it("--mailbox-map names the owner of an export whose path does not", async () => {
    const exports = join(work, "exports");
    mkdirSync(exports);
    copyFileSync(join(FIXTURES, "mailbox/mbox/mbox.rlug"), join(exports, "list-archive.mbox"));
    const map = join(work, "mailbox-map.csv");
    writeFileSync(map, `path,mailbox\n${join(exports, "list-archive.mbox")},Archive.Owner@agency.example\n`);
    const without = await runCli(["ingest", exports, "--out", join(work, "map-none"), "--quiet", "--json"]);
    const withMap = await runCli(["ingest", exports, "--out", join(work, "map-yes"), "--quiet", "--json", "--mailbox-map", map]);
    const byMailbox = (stdout: string) => (JSON.parse(stdout) as { messages: { by_mailbox: Record<string, Record<string, number>> } }).messages.by_mailbox;
    expect(Object.keys(byMailbox(without.stdout))).toEqual(["(unknown)"]);
    expect(byMailbox(withMap.stdout)).toEqual({ "archive.owner@agency.example": { "list-archive": 5 } });
  });

  it("formats lists every parser", async () => {
    const result = await runCli(["formats", "--json"]);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((row) => row.name);
    expect(names).toContain("dovecot-log");
    expect(names).toContain("dovecot-events");
  });
});

describe("exit codes and errors (the built binary)", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

  it("0 with --help and --version", () => {
    const help = cli("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("mailtrail run <evidence..>");
    const version = cli("--version");
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
    expect(execFileSync(process.execPath, [BIN, "run", "--help"], { encoding: "utf8" })).toContain("--ioc");
  });

  it("--jobs is accepted, and its help says it has no effect in this version", async () => {
    const help = execFileSync(process.execPath, [BIN, "ingest", "--help"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(help).toContain("--jobs files read at once: accepted, but has no effect in this version (files are read one at a time)");
    const one = await runCli(["ingest", evidence, "--out", join(work, "jobs-1"), "--year", "2026", "--quiet"]);
    const four = await runCli(["ingest", evidence, "--out", join(work, "jobs-4"), "--year", "2026", "--quiet", "--jobs", "4"]);
    expect([one.code, four.code]).toEqual([0, 0]);
    expect(readFileSync(join(work, "jobs-4", "summary.json"), "utf8")).toBe(readFileSync(join(work, "jobs-1", "summary.json"), "utf8"));
  });

  it("2 on usage errors, 1 on failures, with a clear message", () => {
    const unknown = cli("frobnicate");
    expect(unknown.status).toBe(2);
    const badTz = cli("run", evidence, "--out", join(work, "x"), "--tz", "Mars/Olympus");
    expect(badTz.status).toBe(2);
    expect(badTz.stderr).toContain("unknown time zone 'Mars/Olympus'");
    // Evidence that is not there, and option files that cannot be used, are the user's to fix: 2.
    const missing = cli("run", join(work, "no-such-folder"), "--out", join(work, "y"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("evidence path not found");
    const badIoc = join(work, "bad-ioc.txt");
    writeFileSync(badIoc, "not-an-ip\n");
    const iocError = cli("run", evidence, "--out", join(work, "z"), "--ioc", badIoc, "--quiet");
    expect(iocError.status).toBe(2);
    expect(iocError.stderr).toContain(`${badIoc}:1: "not-an-ip" is not an IP address or CIDR range`);
    const notCase = cli("timeline", work);
    // A folder without a store is no usage mistake the parser can see: 1.
    expect(notCase.status).toBe(1);
    expect(notCase.stderr).toContain("no case store");
  });

  it("--format takes a file format: an unknown name or a folder format is a usage error", () => {
    const unknown = cli("run", evidence, "--out", join(work, "f1"), "--format", "no-such-format");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--format: unknown parser 'no-such-format'");
    const folder = cli("run", evidence, "--out", join(work, "f2"), "--format", "maildir");
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain("--format: 'maildir' reads folders");
    expect(existsSync(join(work, "f2", "case.duckdb"))).toBe(false);
    const file = cli("ingest", evidence, "--out", join(work, "f3"), "--format", "dovecot-log", "--year", "2026", "--quiet");
    expect(file.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, "f3", "manifest.json"), "utf8")) as { files: { parser?: string }[] };
    expect(manifest.files.map((entry) => entry.parser)).toEqual(["dovecot-log", "dovecot-log"]);
  });

  it("progress goes to stderr as plain lines when not on a terminal, and nothing with --quiet", () => {
    const loud = cli("ingest", evidence, "--out", join(work, "loud"), "--year", "2026");
    const size = ["dovecot.log", "dovecot-debug.log"].reduce((total, name) => total + readFileSync(join(evidence, name)).length, 0);
    expect(size).toBeLessThan(1_000_000);
    expect(loud.stderr).toContain(`mailtrail: ingest: 2 files and folders to read (${(size / 1024).toFixed(1)} KB)\n`);
    expect(loud.stderr).toMatch(/mailtrail: ingest done in \d+\.\d s: 2 files and folders \([\d.]+ KB\), 662 records, 0 warnings\n/);
    expect(loud.stderr).toMatch(/mailtrail: outputs done in \d+\.\d s\n$/);
    const quiet = cli("ingest", evidence, "--out", join(work, "quiet"), "--year", "2026", "--quiet");
    expect(quiet.stderr).toBe("");
  });
});
