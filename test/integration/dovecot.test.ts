/**
 * End to end against a real Dovecot: scripted IMAP/POP3 sessions (normal users, a spray, an
 * intrusion) → the logs Dovecot wrote → `mailtrail run` → every scripted action is in the
 * timeline with the right user, address, session and UIDs, and the IOC marks exactly the
 * attacker's sessions.
 *
 * Needs root and Debian's dovecot-imapd + dovecot-pop3d. Without them the suite is skipped
 * loudly, unless MAILTRAIL_REQUIRE_REAL_SERVICES=1 (CI), where that is a failure.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unneutralizeCell } from "../../src/output/csv-safe.js";
import { captureScenario, type Capture } from "./dovecot/capture.js";
import { dovecotUnavailableReason, removeDovecotState } from "./dovecot/harness.js";
import { ATTACKER_IPS, PROXIED_ATTACKER_IP, type SessionTruth } from "./dovecot/scenario.js";
import { requireOrSkip } from "./services.js";

const gate = requireOrSkip("Dovecot", dovecotUnavailableReason() ?? true);
const IOC_IPS = [...ATTACKER_IPS, PROXIED_ATTACKER_IP];
const CLI = join(process.cwd(), "dist", "src", "cli", "main.js");

/** timeline.csv columns (docs/output-contract.md). */
const COLUMNS = [
  "timestamp", "event_id", "kind", "action", "result", "user", "mailbox", "client_ip", "country", "user_agent",
  "session_id", "message_count", "detail", "attacker", "attacker_reason", "source_parser", "source_file", "source_ref",
] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

interface JsonEvent {
  id: string;
  kind: string;
  sessionId?: string;
  items?: { uid?: number; folder?: string; messageId?: string }[];
  counters?: Record<string, number>;
  how?: string;
  op?: string;
  query?: string;
  detail?: string;
  attacker?: boolean;
}

interface RunOutput {
  rows: Row[];
  events: Map<string, JsonEvent>;
}

/** `uid@folder` keys of what the debug log says was opened for reading (prefetch / POP3 access). */
function openedForReading(debugLog: string, session: string): string[] {
  const keys: string[] = [];
  for (const line of debugLog.split("\n")) {
    if (!line.includes(`<${session}>`)) continue;
    const match = /Mailbox (.+): UID (\d+): Opened mail because: (prefetch|access)$/.exec(line);
    if (match) keys.push(`${match[2]}@${match[1]}`);
  }
  return keys.sort();
}

function bodyKeys(session: SessionTruth): string[] {
  return session.fetchedBodies.map((b) => `${b.uid}@${b.mailbox}`).sort();
}

describe.skipIf(gate.skip)(`real Dovecot → mailtrail run${gate.reason ? ` (SKIPPED: ${gate.reason})` : ""}`, () => {
  let capture: Capture;
  let work: string;
  let logDir: string;
  let sessions: SessionTruth[];
  let runOutput: Promise<RunOutput> | undefined;

  beforeAll(async () => {
    capture = await captureScenario();
    sessions = capture.truth.sessions;
    work = mkdtempSync(join(tmpdir(), "mailtrail-dovecot-it-"));
    logDir = join(work, "logs");
    mkdirSync(logDir);
    copyFileSync(capture.dovecot.logPaths.main, join(logDir, "dovecot.log"));
    copyFileSync(capture.dovecot.logPaths.debug, join(logDir, "dovecot-debug.log"));
    writeFileSync(join(work, "ioc.yaml"), `ips:\n${IOC_IPS.map((ip, i) => `  - { ip: "${ip}", label: "A${i + 1}" }`).join("\n")}\n`);
  }, 240_000);

  afterAll(() => {
    if (capture) removeDovecotState(capture.dovecot);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the CLI once, on first use: the harness tests above do not depend on it. */
  function cliRun(): Promise<RunOutput> {
    runOutput ??= (async () => {
      expect(existsSync(CLI), `${CLI} missing: npm test builds dist/ first`).toBe(true);
      const out = join(work, "case");
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const year = String(new Date(capture.truth.scenarioStart).getFullYear());
      const result = spawnSync(
        process.execPath,
        [CLI, "run", logDir, "--out", out, "--ioc", join(work, "ioc.yaml"), "--year", year, "--tz", zone, "--json", "--quiet"],
        { encoding: "utf8", timeout: 120_000 },
      );
      expect(result.status, `mailtrail run failed:\n${result.stderr}`).toBe(0);
      const parsed = Papa.parse<Row>(readFileSync(join(out, "timeline.csv"), "utf8"), { header: true, skipEmptyLines: true });
      expect(parsed.meta.fields).toEqual([...COLUMNS]);
      // Undo the CSV formula neutralisation (docs/output-contract.md): Dovecot session ids may start with "+".
      const rows = parsed.data.map(
        (row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, unneutralizeCell(value)])) as Row,
      );
      const events = new Map<string, JsonEvent>();
      for (const line of readFileSync(join(out, "timeline.jsonl"), "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const event = JSON.parse(line) as JsonEvent;
        events.set(event.id, event);
      }
      return { rows, events };
    })();
    return runOutput;
  }

  function sessionRows(output: RunOutput, session: SessionTruth): Row[] {
    const id = session.dovecot?.session;
    expect(id, `session ${session.id} has no Dovecot session id`).toBeTruthy();
    return output.rows.filter((row) => row.session_id === id);
  }

  function jsonOf(output: RunOutput, row: Row): JsonEvent {
    const event = output.events.get(row.event_id);
    expect(event, `timeline.jsonl lacks ${row.event_id}`).toBeDefined();
    return event as JsonEvent;
  }

  it("ran the whole script: 22 sessions, 13 of them the attacker's, each found in the log", () => {
    expect(sessions).toHaveLength(22);
    expect(sessions.filter((s) => s.actor === "attacker")).toHaveLength(13);
    expect(sessions.filter((s) => s.login === "failure")).toHaveLength(8);
    expect(sessions.filter((s) => s.login === "success")).toHaveLength(13);
    // joinWithLog found every session on rip + rport: each has a distinct Dovecot session id.
    expect(new Set(sessions.map((s) => s.dovecot?.session)).size).toBe(22);
    const proxied = sessions.find((s) => s.sourceIp === "127.0.0.5");
    expect(proxied?.clientIp).toBe(PROXIED_ATTACKER_IP);
    const log = readFileSync(capture.dovecot.logPaths.main, "utf8");
    // The trusted proxy's own address never appears: Dovecot logs the x-originating-ip.
    expect(log).not.toContain("rip=127.0.0.5,");
    expect(log).toContain(`rip=${PROXIED_ATTACKER_IP}, rport=50123`);
    expect(log).toContain("stats: Info: {\"event\":\"imap_command_finished\"");
  });

  it("ground truth agrees with Dovecot: bodies read = debug 'Opened mail' lines = logout counters", () => {
    const debug = readFileSync(capture.dovecot.logPaths.debug, "utf8");
    const main = readFileSync(capture.dovecot.logPaths.main, "utf8");
    for (const session of sessions.filter((s) => s.login === "success")) {
      const id = session.dovecot?.session ?? "";
      expect(openedForReading(debug, id), `${session.id} ${session.user}`).toEqual(bodyKeys(session));
      const logout = main.split("\n").find((line) => line.includes(`<${id}>: Info: Disconnected:`));
      const counted = session.protocol === "pop3" ? /retr=(\d+)\//.exec(logout ?? "")?.[1] : /body_count=(\d+)/.exec(logout ?? "")?.[1];
      expect(Number(counted), `${session.id} logout line: ${logout}`).toBe(session.fetchedBodies.length);
    }
    const carol = sessions.find((s) => s.actor === "attacker" && s.user === "carol@agency.example" && s.fetchedBodies.length > 0);
    expect(carol?.fetchedBodies).toHaveLength(12);
    expect(carol?.copied).toHaveLength(1);
    expect(carol?.deleted).toHaveLength(1);
    expect(carol?.appended).toHaveLength(1);
    expect(carol?.searches.map((s) => s.query)).toEqual(["BODY bank", "SUBJECT invoice"]);
  });

  it("every scripted login, success or failure, is an auth event with user, client_ip and session_id", async () => {
    const output = await cliRun();
    for (const session of sessions.filter((s) => s.login !== "none")) {
      const auth = sessionRows(output, session).filter((row) => row.kind === "auth");
      const label = `${session.id} ${session.user} from ${session.clientIp}`;
      expect(auth.length, label).toBeGreaterThan(0);
      for (const row of auth) {
        expect(row.user, label).toBe(session.user);
        expect(row.client_ip, label).toBe(session.clientIp);
      }
      expect(auth.some((row) => row.result === session.login), `${label}: no auth event with result ${session.login}`).toBe(true);
      if (session.login === "failure") expect(auth.some((row) => row.result === "success"), label).toBe(false);
    }
  }, 180_000);

  it("every event of a session lies within the session's scripted time (log resolution 1 s)", async () => {
    const output = await cliRun();
    for (const session of sessions) {
      const from = Date.parse(session.start) - 1_500;
      const to = Date.parse(session.end) + 1_500;
      for (const row of sessionRows(output, session)) {
        const ts = Date.parse(row.timestamp);
        expect(ts >= from && ts <= to, `${session.id} event ${row.event_id} at ${row.timestamp} outside ${session.start}..${session.end}`).toBe(true);
      }
    }
  }, 180_000);

  it("the bodies each session fetched are exactly its mail.read items (uid + folder); search scans are not reads", async () => {
    const output = await cliRun();
    for (const session of sessions.filter((s) => s.login === "success")) {
      const reads = sessionRows(output, session).filter((row) => row.kind === "mail.read");
      const keys = new Set<string>();
      for (const row of reads) {
        const event = jsonOf(output, row);
        expect(["prefetch", "access", "fetch", "pop3"], `${session.id} read how=${String(event.how)}`).toContain(event.how);
        for (const item of event.items ?? []) keys.add(`${String(item.uid)}@${String(item.folder)}`);
      }
      expect([...keys].sort(), `${session.id} ${session.user} from ${session.clientIp}`).toEqual([...new Set(bodyKeys(session))].sort());
    }
  }, 180_000);

  it("copies, moves, deletes and appends are mail.change events (appends to Sent may be mail.send) with the Message-ID", async () => {
    const output = await cliRun();
    const changed = (session: SessionTruth, kinds: string[]) =>
      sessionRows(output, session)
        .filter((row) => kinds.includes(row.kind))
        .flatMap((row) => (jsonOf(output, row).items ?? []).map((item) => item.messageId));
    let checked = 0;
    for (const session of sessions) {
      const ids = changed(session, ["mail.change"]);
      for (const record of [...session.copied, ...session.moved, ...session.deleted]) {
        expect(ids, `${session.id}: ${record.messageId}`).toContain(record.messageId);
        checked += 1;
      }
      for (const record of session.appended) {
        const kinds = record.mailbox === "Sent" ? ["mail.change", "mail.send"] : ["mail.change"];
        expect(changed(session, kinds), `${session.id}: ${record.messageId}`).toContain(record.messageId);
        checked += 1;
      }
    }
    // dave's move, carol's own delete, the attacker's copy/delete/append, the draft, the proxied move
    expect(checked).toBe(7);
  }, 180_000);

  it("the attacker's searches are search events with the search terms", async () => {
    const output = await cliRun();
    for (const session of sessions.filter((s) => s.searches.length > 0)) {
      const searches = sessionRows(output, session).filter((row) => row.kind === "search");
      for (const search of session.searches) {
        const term = search.query.split(" ").at(-1) ?? "";
        const found = searches.some((row) => `${jsonOf(output, row).query ?? ""} ${row.detail}`.toLowerCase().includes(term));
        expect(found, `${session.id}: search "${search.query}"`).toBe(true);
      }
    }
  }, 180_000);

  it("every logout is one session.end carrying the logout counters, body count = bodies fetched", async () => {
    const output = await cliRun();
    for (const session of sessions.filter((s) => s.login === "success")) {
      // IMAP body_count; POP3 retr=N/bytes (named retr_count, as Dovecot 2.4 names the variable, or retr).
      const names = session.protocol === "pop3" ? ["retr_count", "retr"] : ["body_count"];
      const countOf = (counters: Record<string, number>) => names.map((name) => counters[name]).find((v) => v !== undefined);
      // Other session.end events (the exporter's mail_user_session_finished) carry no such counter.
      const logouts = sessionRows(output, session)
        .filter((row) => row.kind === "session.end" && countOf(jsonOf(output, row).counters ?? {}) !== undefined);
      expect(logouts, `${session.id} ${session.protocol}: session.end events with ${names.join("|")}`).toHaveLength(1);
      const logout = logouts[0] as Row;
      const counters = jsonOf(output, logout).counters ?? {};
      expect(countOf(counters), `${session.id} counters ${JSON.stringify(counters)}`).toBe(session.fetchedBodies.length);
      expect(logout.message_count, `${session.id} message_count`).toBe(String(session.fetchedBodies.length));
    }
  }, 180_000);

  it("with the attacker addresses as IOC, exactly the attacker's sessions are marked", async () => {
    const output = await cliRun();
    const attackerSessions = new Set(sessions.filter((s) => s.actor === "attacker").map((s) => s.dovecot?.session));
    const userSessions = new Set(sessions.filter((s) => s.actor === "user").map((s) => s.dovecot?.session));
    let marked = 0;
    for (const row of output.rows) {
      const expected = row.session_id
        ? attackerSessions.has(row.session_id)
        : IOC_IPS.includes(row.client_ip as (typeof IOC_IPS)[number]);
      if (row.session_id && !attackerSessions.has(row.session_id)) {
        // Events of unscripted sessions would be a harness bug: every session is a scripted one.
        expect(userSessions.has(row.session_id), `unknown session ${row.session_id}`).toBe(true);
      }
      expect(row.attacker, `${row.event_id} ${row.kind} ${row.action} session ${row.session_id} ip ${row.client_ip}`).toBe(expected ? "yes" : "no");
      if (row.attacker === "yes") {
        expect(row.attacker_reason).not.toBe("");
        marked += 1;
      }
    }
    for (const session of sessions) {
      const rows = sessionRows(output, session);
      expect(rows.length, `${session.id} has no events`).toBeGreaterThan(0);
    }
    expect(marked).toBeGreaterThan(0);
  }, 180_000);
});
