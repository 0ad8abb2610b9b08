/**
 * `mailtrail acquire imap` against the real Dovecot of the integration harness: a full read-only
 * acquisition, TLS verification, a connection cut mid-folder (retried in the same run, and resumed
 * by a second run), the server's state unchanged (flags with \Seen, UIDs, folders, counts), no
 * secret anywhere, and `mailtrail run` giving the same inventory as over the server's own Maildirs.
 *
 * Needs root and Debian's dovecot-imapd; skipped loudly without, a failure under
 * MAILTRAIL_REQUIRE_REAL_SERVICES=1.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireImap, type ImapAcquireOptions } from "../../src/acquire/imap/imap.js";
import { createAcquireProgress } from "../../src/acquire/progress.js";
import { Redactor } from "../../src/acquire/secrets.js";
import { MailtrailError } from "../../src/model/errors.js";
import { CaseStore } from "../../src/store/case-store.js";
import { runCli } from "../cli/run-cli.js";
import { copyMaildir } from "./dovecot/capture.js";
import { dovecotUnavailableReason, removeDovecotState, startDovecot, type Dovecot } from "./dovecot/harness.js";
import { FOLDERS, PEOPLE, USERS, seedMaildirs, verifySeed, type SeedManifest } from "./dovecot/seed.js";
import { requireOrSkip } from "./services.js";
import { MESSAGES, pick, WARNINGS } from "../../src/model/columns.js";

const gate = requireOrSkip("Dovecot", dovecotUnavailableReason() ?? true);
const alice = PEOPLE.alice;
const hr = PEOPLE.hr;

interface Journaled {
  type: string;
  folder: string;
  uid: number;
  uidValidity: number;
  messageId?: string;
  flags: string[];
  sha256: string;
  file: string;
  bytes: number;
}

/** What the server holds, asked through doveadm (not IMAP): folders, UIDVALIDITY, UIDs and flags. */
function serverState(dovecot: Dovecot, user: string): string {
  const lines: string[] = [dovecot.doveadm(["mailbox", "list", "-u", user]).trim().split("\n").sort().join(",")];
  for (const folder of FOLDERS) {
    lines.push(dovecot.doveadm(["-f", "flow", "mailbox", "status", "-u", user, "messages uidvalidity uidnext", folder]).trim());
    const fetched = dovecot.doveadm(["-f", "flow", "fetch", "-u", user, "uid flags", "mailbox", folder, "all"]).trim();
    // \Recent belongs to a session, not to the message.
    lines.push(fetched.replace(/\\Recent ?/g, ""));
  }
  return lines.join("\n");
}

function journalOf(accountDir: string): Journaled[] {
  return readFileSync(join(accountDir, "imap-journal.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Journaled)
    .filter((line) => line.type === "message");
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** A TCP relay to Dovecot that the test can cut: after `cutAfter` bytes from the server, both sides are destroyed. */
class CuttableProxy {
  private server: Server | undefined;
  port = 0;
  /** Bytes from the server after which the next connection is cut (once); undefined = never. */
  cutAfter: number | undefined;
  cuts = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    this.server = createServer((client: Socket) => {
      const upstream = connect(this.target, "127.0.0.1");
      let fromServer = 0;
      upstream.on("data", (chunk: Buffer) => {
        fromServer += chunk.length;
        if (this.cutAfter !== undefined && fromServer > this.cutAfter) {
          this.cutAfter = undefined;
          this.cuts += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      client.on("data", (chunk: Buffer) => upstream.write(chunk));
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.port = typeof address === "object" && address !== null ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(gate.skip)(`acquire imap against real Dovecot${gate.reason ? ` (SKIPPED: ${gate.reason})` : ""}`, () => {
  let dovecot: Dovecot;
  let manifest: SeedManifest;
  let work: string;
  let before: Map<string, string>;
  const captured: string[] = [];
  const saved = { password: process.env["MAILTRAIL_IMAP_PASSWORD"] };

  beforeAll(async () => {
    dovecot = await startDovecot({ users: USERS });
    manifest = seedMaildirs(join(dovecot.stateDir, "mail"));
    verifySeed(dovecot, manifest);
    before = new Map(USERS.map(({ user }) => [user, serverState(dovecot, user)]));
    work = mkdtempSync(join(tmpdir(), "mailtrail-acquire-imap-"));
  }, 60_000);

  afterAll(async () => {
    if (saved.password === undefined) delete process.env["MAILTRAIL_IMAP_PASSWORD"];
    else process.env["MAILTRAIL_IMAP_PASSWORD"] = saved.password;
    if (dovecot) {
      await dovecot.stop();
      removeDovecotState(dovecot);
    }
    if (work && process.env.MAILTRAIL_KEEP_DOVECOT !== "1") rmSync(work, { recursive: true, force: true });
  });

  async function cli(args: string[], password: string): Promise<{ code: number; stdout: string; stderr: string }> {
    process.env["MAILTRAIL_IMAP_PASSWORD"] = password;
    const result = await runCli(args);
    captured.push(result.stdout, result.stderr);
    return result;
  }

  it("refuses the self-signed certificate without --insecure, and says how to proceed", async () => {
    const out = join(work, "refused");
    const result = await cli(["acquire", "imap", "--host", "127.0.0.1", "--port", String(dovecot.ports.imaps), "--tls", "--user", alice.user, "--out", out], alice.password);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TLS certificate of 127\.0\.0\.1 not trusted: .*self-signed certificate.*--insecure/);
    const journal = readFileSync(join(out, alice.user, "imap-journal.jsonl"), "utf8");
    expect(journal).not.toContain('"type":"message"');
    const starttls = await cli(["acquire", "imap", "--host", "127.0.0.1", "--port", String(dovecot.ports.imap), "--starttls", "--user", alice.user, "--out", out], alice.password);
    expect(starttls.code).toBe(1);
    expect(starttls.stderr).toContain("not trusted");
  }, 60_000);

  it("takes every folder of an account over TLS (--insecure): files, UIDs, flags with \\Seen, Message-IDs, hashes", async () => {
    const out = join(work, "full");
    const result = await cli(["acquire", "imap", "--host", "127.0.0.1", "--port", String(dovecot.ports.imaps), "--tls", "--insecure", "--user", alice.user, "--out", out], alice.password);
    expect(result.stderr).toBe(result.stderr.replace(alice.password, "")); // checked again below for every file
    expect(result.code, result.stderr).toBe(0);
    const seeded = manifest.messages.filter((m) => m.user === alice.user);
    expect(result.stdout).toContain(`${seeded.length} messages taken`);
    const accountDir = join(out, alice.user);
    const journal = journalOf(accountDir);
    expect(journal).toHaveLength(seeded.length);
    for (const message of seeded) {
      const got = journal.find((line) => line.folder === message.mailbox && line.uid === message.uid);
      expect(got, `${message.mailbox} UID ${message.uid}`).toBeDefined();
      if (!got) continue;
      expect(got.uidValidity).toBe(message.uidValidity);
      expect(got.messageId).toBe(message.messageId);
      expect(got.flags.includes("\\Seen")).toBe(message.seen);
      expect(got.file).toBe(`${message.mailbox}/${message.uid}.eml`);
      const path = join(accountDir, got.file);
      expect(sha256(path)).toBe(got.sha256);
      expect(statSync(path).size).toBe(got.bytes);
      // INTERNALDATE (the Maildir file's mtime) kept as the file's mtime.
      expect(statSync(path).mtime.toISOString()).toBe(message.date);
    }
    const acquisition = JSON.parse(readFileSync(join(accountDir, "acquisition.json"), "utf8")) as {
      format: string;
      account: string;
      server: { host: string; security: string; verifyCertificate: boolean };
      runs: { status: string; taken: number }[];
      folders: { path: string; uidValidity: number; exists: number; taken: number }[];
      messages: { uid: number; sha256: string }[];
    };
    expect(acquisition.format).toBe("mailtrail-imap-acquisition");
    expect(acquisition.account).toBe(alice.user);
    expect(acquisition.server).toMatchObject({ host: "127.0.0.1", security: "tls", verifyCertificate: false });
    expect(acquisition.runs.map((run) => [run.status, run.taken])).toEqual([["complete", seeded.length]]);
    expect(acquisition.folders.map((f) => f.path).sort()).toEqual([...FOLDERS].sort());
    for (const folder of acquisition.folders) {
      expect(folder.uidValidity).toBe(manifest.uidValidity[`${alice.user}/${folder.path}`]);
      expect(folder.taken).toBe(seeded.filter((m) => m.mailbox === folder.path).length);
    }
    expect(acquisition.messages).toHaveLength(seeded.length);
  }, 120_000);

  it("used only EXAMINE and BODY.PEEK (Dovecot's debug log of the acquisition sessions)", () => {
    const debug = readFileSync(dovecot.logPaths.debug, "utf8");
    const commands = debug.split("\n").filter((line) => / imap\(alice@agency\.example\)/.test(line) && line.includes("Command finished"));
    expect(commands.length).toBeGreaterThan(10);
    const names = new Set(commands.map((line) => /Command finished: (?:UID )?(\w+)/i.exec(line.slice(line.indexOf("Command finished")))?.[1]?.toUpperCase() ?? "?"));
    for (const forbidden of ["SELECT", "STORE", "COPY", "MOVE", "APPEND", "EXPUNGE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE"]) expect(names.has(forbidden), forbidden).toBe(false);
    expect(names.has("EXAMINE")).toBe(true);
    const bodyFetches = commands.filter((line) => /FETCH .*BODY/i.test(line));
    expect(bodyFetches.length).toBeGreaterThan(0);
    for (const line of bodyFetches) expect(line).toMatch(/BODY\.PEEK\[\]/i);
  });

  it("a connection cut mid-folder is retried with backoff in the same run", async () => {
    const proxy = new CuttableProxy(dovecot.ports.imap);
    await proxy.start();
    try {
      proxy.cutAfter = 12_000;
      const redactor = new Redactor();
      redactor.add(hr.password);
      const lines: string[] = [];
      const progress = createAcquireProgress({ quiet: false, redactor, unit: "messages", stream: { isTTY: false, write: (text: string) => (lines.push(text), true) } });
      const out = join(work, "retried");
      const result = await acquireImap({ ...imapOptions(proxy.port, out, redactor), progress });
      captured.push(...lines);
      expect(proxy.cuts).toBe(1);
      expect(lines.join("")).toMatch(/connection lost .*; reconnecting in 0\.1 s \(attempt 1 of 3\)/);
      const seeded = manifest.messages.filter((m) => m.user === hr.user);
      expect(result.status).toBe("complete");
      expect(result.taken).toBe(seeded.length);
      const journal = journalOf(join(out, hr.user));
      expect(new Set(journal.map((line) => `${line.folder}/${line.uid}`)).size).toBe(seeded.length);
    } finally {
      await proxy.stop();
    }
  }, 120_000);

  it("an interrupted run is resumed by the next: taken messages are skipped (UIDVALIDITY+UID, hash checked), the rest completed", async () => {
    const proxy = new CuttableProxy(dovecot.ports.imap);
    await proxy.start();
    const out = join(work, "resumed");
    const redactor = new Redactor();
    redactor.add(hr.password);
    const quiet = createAcquireProgress({ quiet: true, redactor, unit: "messages" });
    try {
      proxy.cutAfter = 12_000;
      const first = acquireImap({ ...imapOptions(proxy.port, out, redactor), retries: 0, progress: quiet });
      await expect(first).rejects.toThrow(MailtrailError);
      await expect(first).rejects.toThrow(/acquisition interrupted \(rerun the same command to resume\)/);
      const partial = journalOf(join(out, hr.user));
      const seeded = manifest.messages.filter((m) => m.user === hr.user);
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(seeded.length);
      const second = await acquireImap({ ...imapOptions(proxy.port, out, redactor), progress: quiet });
      expect(second.status).toBe("complete");
      expect(second.skipped).toBe(partial.length);
      expect(second.taken).toBe(seeded.length - partial.length);
      const all = journalOf(join(out, hr.user));
      expect(all).toHaveLength(seeded.length);
      expect(new Set(all.map((line) => `${line.folder}/${line.uid}`)).size).toBe(seeded.length);
      const acquisition = JSON.parse(readFileSync(join(out, hr.user, "acquisition.json"), "utf8")) as { runs: { status: string }[]; messages: unknown[] };
      expect(acquisition.runs.map((run) => run.status)).toEqual(["incomplete", "complete"]);
      expect(acquisition.messages).toHaveLength(seeded.length);
      // No partial file is left under a final name.
      for (const line of all) expect(sha256(join(out, hr.user, line.file))).toBe(line.sha256);
    } finally {
      await proxy.stop();
    }
  }, 120_000);

  function imapOptions(port: number, out: string, redactor: Redactor): ImapAcquireOptions {
    return {
      host: "127.0.0.1",
      port,
      security: "plain",
      insecure: false,
      user: hr.user,
      auth: { password: hr.password },
      out,
      retries: 3,
      backoffMs: 100,
      toolVersion: "test",
      redactor,
      progress: createAcquireProgress({ quiet: true, redactor, unit: "messages" }),
    };
  }

  it("left the server as it was: folders, UIDVALIDITY, UIDs, flags (\\Seen included), counts", () => {
    for (const { user } of USERS) expect(serverState(dovecot, user), user).toBe(before.get(user));
  });

  it("mailtrail run over the acquisition gives the server's own inventory (Message-IDs per mailbox and folder, UIDs)", async () => {
    const maildirs = join(work, "maildirs");
    copyMaildir(dovecot.maildirOf(alice.user), join(maildirs, alice.user));
    const acquired = join(work, "full");
    const inventories: string[][] = [];
    for (const [evidence, caseDir] of [[acquired, join(work, "case-acquired")], [maildirs, join(work, "case-maildirs")]] as const) {
      const run = await runCli(["run", evidence, "--out", caseDir, "--quiet", "--json"]);
      captured.push(run.stdout, run.stderr);
      expect(run.code, run.stderr).toBe(0);
      const store = await CaseStore.open(caseDir);
      try {
        const rows = await store.rows(pick(MESSAGES, "mailbox", "folder", "messageId", "uid", "uidValidity"), "SELECT mailbox, folder, message_id, uid, uid_validity FROM messages ORDER BY mailbox, folder, uid");
        inventories.push(rows.map((row) => `${String(row.mailbox)}|${String(row.folder)}|${String(row.messageId)}|${String(row.uid)}|${String(row.uidValidity)}`));
        const warnings = await store.rows(pick(WARNINGS, "reason"), "SELECT reason FROM warnings");
        expect(warnings.map((w) => w.reason)).toEqual([]);
      } finally {
        await store.close();
      }
      const summary = JSON.parse(run.stdout) as { messages: { total: number } };
      expect(summary.messages.total).toBe(manifest.messages.filter((m) => m.user === alice.user).length);
    }
    expect(inventories[0]).toEqual(inventories[1]);
    expect(inventories[0]?.every((line) => line.startsWith(`${alice.user}|`) && !line.endsWith("|null|null"))).toBe(true);
  }, 120_000);

  it("no password appears in any file written or anything printed", () => {
    const secrets = [alice.password, hr.password, Buffer.from(alice.password).toString("base64"), Buffer.from(hr.password).toString("base64")];
    const files = filesUnder(work);
    expect(files.length).toBeGreaterThan(50);
    for (const path of files) {
      const content = readFileSync(path).toString("latin1");
      for (const secret of secrets) expect(content.includes(secret), `${secret} in ${path}`).toBe(false);
    }
    const printed = captured.join("\n");
    expect(printed.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(printed.includes(secret)).toBe(false);
    expect(existsSync(join(work, "full", alice.user, "acquisition.json"))).toBe(true);
  });
});
