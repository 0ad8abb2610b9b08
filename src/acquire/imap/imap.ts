/**
 * `mailtrail acquire imap`: a read-only copy of one account's mail over IMAP (imapflow).
 *
 * Forensically sound by construction: every folder is opened with EXAMINE (read-only), bodies are
 * fetched with BODY.PEEK[] (imapflow's `source` and `download`), no STORE, COPY, APPEND, EXPUNGE,
 * CREATE or DELETE is ever sent. Each message is written byte for byte as `<folder>/<uid>.eml`
 * (see src/model/imap-journal.ts for the layout), hashed while written, and recorded in an
 * append-only journal; a rerun skips what the journal and the hash say is already there.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { appendFile, mkdir, open, rename, utimes } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { ImapFlow, type FetchMessageObject, type ImapFlowOptions, type ListResponse } from "imapflow";
import { MailtrailError } from "../../model/errors.js";
import {
  JOURNAL_NAME,
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  encodeComponent,
  folderDir,
  folderName,
  messageKey,
  parseJournalLine,
  type JournalEnd,
  type JournalFolder,
  type JournalLine,
  type JournalMessage,
  type JournalRun,
} from "../../model/imap-journal.js";
import type { AcquireProgress } from "../progress.js";
import { describe, type Redactor } from "../secrets.js";

export type ImapSecurity = "tls" | "starttls" | "plain";

export interface ImapAcquireOptions {
  host: string;
  port?: number;
  security: ImapSecurity;
  /** Accept a certificate that does not verify (self-signed, wrong name). */
  insecure: boolean;
  user: string;
  auth: { password: string } | { accessToken: string };
  out: string;
  /** Glob patterns over folder names (`*` any, `%` within one level, `?` one character). */
  folders?: string[];
  /** Reconnections tried after a dropped connection before giving up (default 5). */
  retries?: number;
  /** First backoff delay in ms, doubled each attempt, capped at 30 s (default 1000). */
  backoffMs?: number;
  toolVersion: string;
  redactor: Redactor;
  progress: AcquireProgress;
}

export interface ImapAcquireResult {
  accountDir: string;
  manifest: string;
  folders: number;
  taken: number;
  skipped: number;
  bytes: number;
  problems: string[];
  status: "complete" | "incomplete";
}

/** Messages up to this size are fetched in batches; larger ones are streamed in chunks. */
const BATCH_MESSAGE_MAX = 1024 * 1024;
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_COUNT = 100;
const METADATA_WINDOW = 2000;
const DOWNLOAD_CHUNK = 1024 * 1024;

interface Taken {
  file: string;
  sha256: string;
}

interface Previous {
  taken: Map<string, Taken>;
  uidValidity: Map<string, number>;
  lastRun: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A directory name for the account: the login, made safe. */
export function accountDirName(user: string): string {
  return encodeComponent(user);
}

/** IMAP LIST-style glob: `*` anything, `%` anything but the delimiter, `?` one character. */
export function folderMatcher(patterns: readonly string[] | undefined): (name: string) => boolean {
  if (patterns === undefined || patterns.length === 0) return () => true;
  const regexes = patterns.map((pattern) => {
    let source = "";
    for (const char of pattern) {
      if (char === "*") source += ".*";
      else if (char === "%") source += "[^/]*";
      else if (char === "?") source += "[^/]";
      else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    // INBOX is case-insensitive in IMAP.
    return new RegExp(`^${source}$`, /^inbox(?:\/|$)/i.test(pattern) ? "i" : "");
  });
  return (name) => regexes.some((regex) => regex.test(name));
}

async function readPrevious(journalPath: string): Promise<Previous> {
  const previous: Previous = { taken: new Map(), uidValidity: new Map(), lastRun: 0 };
  if (!existsSync(journalPath)) return previous;
  const lines = createInterface({ input: createReadStream(journalPath), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === "") continue;
    const line = parseJournalLine(text);
    if (typeof line === "string") continue; // a line cut by a crash: the message is simply taken again
    if (line.type === "run") previous.lastRun = Math.max(previous.lastRun, line.run);
    if (line.type === "folder") previous.uidValidity.set(line.path, line.uidValidity);
    if (line.type === "message") previous.taken.set(messageKey(line.path, line.uidValidity, line.uid), { file: line.file, sha256: line.sha256 });
  }
  return previous;
}

async function sha256File(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes bytes to `<final>.part`, syncs, renames: a crash never leaves a half file under the final name. */
async function writeExact(finalPath: string, body: Buffer | Readable): Promise<{ bytes: number; sha256: string }> {
  const partPath = `${finalPath}.part`;
  const hash = createHash("sha256");
  let bytes = 0;
  const handle = await open(partPath, "w");
  try {
    if (Buffer.isBuffer(body)) {
      hash.update(body);
      bytes = body.length;
      await handle.write(body);
    } else {
      for await (const chunk of body) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        await handle.write(buffer);
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partPath, finalPath);
  return { bytes, sha256: hash.digest("hex") };
}

interface Meta {
  uid: number;
  messageId?: string;
  internalDate?: string;
  flags: string[];
  size?: number;
}

function metaOf(message: FetchMessageObject): Meta {
  // \Recent belongs to the session, not to the message.
  const flags = [...(message.flags ?? [])].filter((flag) => flag !== "\\Recent").sort();
  const meta: Meta = { uid: message.uid, flags };
  const messageId = message.envelope?.messageId;
  if (typeof messageId === "string" && messageId.length > 0) meta.messageId = messageId;
  const date = message.internalDate;
  if (date !== undefined) {
    const parsed = date instanceof Date ? date : new Date(date);
    if (!Number.isNaN(parsed.getTime())) meta.internalDate = parsed.toISOString();
  }
  if (typeof message.size === "number") meta.size = message.size;
  return meta;
}

function isTlsVerification(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code);
}

function isAuthFailure(error: unknown): boolean {
  return (error as { authenticationFailed?: unknown }).authenticationFailed === true;
}

/** A server's NO/BAD to a command: retrying the same command on a new connection will not help. */
function isServerRefusal(error: unknown): boolean {
  const status = (error as { responseStatus?: unknown }).responseStatus;
  return status === "NO" || status === "BAD";
}

class Session {
  private client: ImapFlow | undefined;

  constructor(
    private readonly options: ImapAcquireOptions,
    private readonly redactor: Redactor,
  ) {}

  private clientOptions(): ImapFlowOptions {
    const { host, security, insecure, user, auth } = this.options;
    const port = this.options.port ?? (security === "tls" ? 993 : 143);
    return {
      host,
      port,
      secure: security === "tls",
      // --plain: never upgrade; --starttls: upgrade or fail.
      doSTARTTLS: security === "starttls" ? true : security === "plain" ? false : undefined,
      // SNI takes a host name, never an address (RFC 6066).
      tls: { rejectUnauthorized: !insecure, ...(isIP(host) === 0 ? { servername: host } : {}) },
      auth: "password" in auth ? { user, pass: auth.password } : { user, accessToken: auth.accessToken },
      clientInfo: { name: "mailtrail", version: this.options.toolVersion, vendor: "mailtrail (read-only acquisition)" },
      logger: false,
      emitLogs: false,
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 120_000,
    };
  }

  async connected(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.drop();
    const client = new ImapFlow(this.clientOptions());
    // Without a listener an 'error' event would end the process; the failing command reports it.
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      if (isTlsVerification(error)) {
        throw this.redactor.error(
          "ACQUIRE",
          `TLS certificate of ${this.options.host} not trusted: `,
          new Error(`${describe(error)}; check the certificate, and only if you trust it, rerun with --insecure`),
        );
      }
      if (isAuthFailure(error)) throw this.redactor.error("AUTH", `login as ${this.options.user} refused: `, error);
      throw error;
    }
    this.client = client;
    return client;
  }

  drop(): void {
    if (this.client !== undefined) {
      try {
        this.client.close();
      } catch {
        // already closed
      }
      this.client = undefined;
    }
  }

  async logout(): Promise<void> {
    if (this.client?.usable) {
      try {
        await this.client.logout();
      } catch {
        // the server went away: nothing to close politely
      }
    }
    this.drop();
  }
}

export class ImapAcquisition {
  private readonly accountDir: string;
  private readonly journalPath: string;
  private readonly session: Session;
  private previous: Previous = { taken: new Map(), uidValidity: new Map(), lastRun: 0 };
  private run = 0;
  private taken = 0;
  private skipped = 0;
  private bytes = 0;
  private readonly problems: string[] = [];

  constructor(private readonly options: ImapAcquireOptions) {
    this.accountDir = join(options.out, accountDirName(options.user));
    this.journalPath = join(this.accountDir, JOURNAL_NAME);
    this.session = new Session(options, options.redactor);
  }

  private async journal(line: JournalLine): Promise<void> {
    await appendFile(this.journalPath, `${JSON.stringify(line)}\n`);
  }

  private log(text: string): void {
    this.options.progress.log(text);
  }

  private problem(text: string): void {
    const redacted = this.options.redactor.redact(text);
    this.problems.push(redacted);
    this.log(`problem: ${redacted}`);
  }

  /** Runs `work` on a live connection; a dropped connection is retried with backoff. */
  private async withRetry<T>(what: string, work: (client: ImapFlow, madeProgress: () => void) => Promise<T>): Promise<T> {
    const retries = this.options.retries ?? 5;
    const base = this.options.backoffMs ?? 1000;
    let attempt = 0;
    for (;;) {
      let progressed = false;
      try {
        const client = await this.session.connected();
        return await work(client, () => {
          progressed = true;
        });
      } catch (error) {
        if (error instanceof MailtrailError || isAuthFailure(error) || isTlsVerification(error) || isServerRefusal(error)) throw error;
        if (progressed) attempt = 0;
        if (attempt >= retries) throw this.options.redactor.error("ACQUIRE", `acquisition interrupted (rerun the same command to resume): ${what}: connection failed ${attempt + 1} times, giving up: `, error);
        const delay = Math.min(base * 2 ** attempt, 30_000);
        attempt += 1;
        this.log(`${what}: connection lost (${this.options.redactor.redact(describe(error))}); reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt} of ${retries})`);
        this.session.drop();
        await sleep(delay);
      }
    }
  }

  async execute(): Promise<ImapAcquireResult> {
    const { options } = this;
    await mkdir(this.accountDir, { recursive: true });
    this.previous = await readPrevious(this.journalPath);
    this.run = this.previous.lastRun + 1;
    const runLine: JournalRun = {
      type: "run",
      run: this.run,
      startedAt: new Date().toISOString(),
      tool: { name: "mailtrail", version: options.toolVersion },
      server: { host: options.host, port: options.port ?? (options.security === "tls" ? 993 : 143), security: options.security, verifyCertificate: !options.insecure },
      account: options.user,
    };
    await this.journal(runLine);
    if (this.previous.taken.size > 0) this.log(`resuming: ${this.previous.taken.size} messages already taken in earlier runs (each checked against its SHA-256)`);
    let folders: ListResponse[] = [];
    let fatal: unknown;
    try {
      const match = folderMatcher(options.folders);
      folders = await this.withRetry("listing folders", async (client) => client.list());
      folders = folders
        .filter((box) => !box.flags.has("\\Noselect") && !box.flags.has("\\NonExistent"))
        .filter((box) => match(folderName(box.path, box.delimiter)) || match(box.path))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      if (options.folders !== undefined && options.folders.length > 0 && folders.length === 0) {
        this.problem(`no folder matches ${options.folders.join(", ")}`);
      }
      for (const box of folders) {
        try {
          await this.withRetry(`folder ${box.path}`, (client, progressed) => this.acquireFolder(client, box, progressed));
        } catch (error) {
          if (!isServerRefusal(error)) throw error;
          this.problem(`folder ${box.path} not read: ${describe(error)}`);
        }
      }
    } catch (error) {
      fatal = error;
    } finally {
      await this.session.logout();
    }
    if (fatal !== undefined) this.problems.push(this.options.redactor.redact(describe(fatal)));
    const status = fatal === undefined && this.problems.length === 0 ? "complete" : "incomplete";
    const end: JournalEnd = {
      type: "end",
      run: this.run,
      endedAt: new Date().toISOString(),
      status,
      taken: this.taken,
      skipped: this.skipped,
      bytes: this.bytes,
      problems: this.problems,
    };
    await this.journal(end);
    const manifest = await writeManifest(this.accountDir);
    if (fatal !== undefined) {
      if (fatal instanceof MailtrailError) throw fatal;
      throw this.options.redactor.error("ACQUIRE", "acquisition interrupted (rerun the same command to resume): ", fatal);
    }
    return {
      accountDir: this.accountDir,
      manifest,
      folders: folders.length,
      taken: this.taken,
      skipped: this.skipped,
      bytes: this.bytes,
      problems: this.problems,
      status,
    };
  }

  private folderRecorded = new Set<string>();

  private async acquireFolder(client: ImapFlow, box: ListResponse, progressed: () => void): Promise<void> {
    const lock = await client.getMailboxLock(box.path, { readOnly: true });
    try {
      const mailbox = client.mailbox;
      if (mailbox === false || mailbox.readOnly !== true) {
        throw new MailtrailError("ACQUIRE", `folder ${box.path} did not open read-only (EXAMINE): stopping to leave the mailbox untouched`);
      }
      const uidValidity = Number(mailbox.uidValidity);
      const dir = folderDir(box.path, box.delimiter);
      const folder = folderName(box.path, box.delimiter);
      const before = this.previous.uidValidity.get(box.path);
      if (before !== undefined && before !== uidValidity) {
        this.problem(
          `folder ${box.path}: UIDVALIDITY changed from ${before} to ${uidValidity} since the earlier run; its UIDs no longer name the same messages, so nothing new is taken here: acquire into a new --out folder`,
        );
        return;
      }
      if (!this.folderRecorded.has(box.path)) {
        this.folderRecorded.add(box.path);
        const line: JournalFolder = { type: "folder", run: this.run, path: box.path, delimiter: box.delimiter, folder, dir, uidValidity, exists: mailbox.exists };
        if (mailbox.uidNext > 0) line.uidNext = mailbox.uidNext;
        if (box.specialUse) line.specialUse = box.specialUse;
        await this.journal(line);
        this.previous.uidValidity.set(box.path, uidValidity);
        this.options.progress.expect(mailbox.exists);
        this.log(`${box.path}: ${mailbox.exists} messages, UIDVALIDITY ${uidValidity}`);
      }
      if (mailbox.exists === 0) return;
      const dirAbs = join(this.accountDir, ...dir.split("/"));
      await mkdir(dirAbs, { recursive: true });
      const top = mailbox.uidNext > 1 ? mailbox.uidNext - 1 : undefined;
      const windows: string[] = [];
      if (top === undefined) windows.push("1:*");
      else for (let low = 1; low <= top; low += METADATA_WINDOW) windows.push(`${low}:${Math.min(low + METADATA_WINDOW - 1, top)}`);
      for (const range of windows) {
        const metas: Meta[] = [];
        for await (const message of client.fetch(range, { uid: true, flags: true, internalDate: true, size: true, envelope: true }, { uid: true })) {
          metas.push(metaOf(message));
        }
        metas.sort((a, b) => a.uid - b.uid);
        const wanted: Meta[] = [];
        for (const meta of metas) {
          const key = messageKey(box.path, uidValidity, meta.uid);
          const known = this.previous.taken.get(key);
          if (known !== undefined) {
            const hash = await sha256File(join(this.accountDir, ...known.file.split("/")));
            if (hash === known.sha256) {
              this.skipped += 1;
              this.options.progress.advance(1, 0, box.path);
              continue;
            }
            this.log(`${box.path} UID ${meta.uid}: ${hash === undefined ? "file missing" : "file does not match its recorded SHA-256"}; taking it again`);
          }
          wanted.push(meta);
        }
        await this.takeMessages(client, box, { uidValidity, dir, dirAbs, folder }, wanted, progressed);
      }
    } finally {
      lock.release();
    }
  }

  private async takeMessages(
    client: ImapFlow,
    box: ListResponse,
    place: { uidValidity: number; dir: string; dirAbs: string; folder: string },
    wanted: Meta[],
    progressed: () => void,
  ): Promise<void> {
    let index = 0;
    while (index < wanted.length) {
      const first = wanted[index];
      if (first === undefined) break;
      if ((first.size ?? 0) > BATCH_MESSAGE_MAX) {
        const download = await client.download(String(first.uid), undefined, { uid: true, chunkSize: DOWNLOAD_CHUNK, decodeText: false });
        if (download.content === undefined) this.problem(`${box.path} UID ${first.uid}: gone from the server before its body was fetched`);
        else await this.record(box, place, first, download.content);
        progressed();
        index += 1;
        continue;
      }
      const batch: Meta[] = [];
      let batchBytes = 0;
      while (index < wanted.length && batch.length < BATCH_COUNT) {
        const next = wanted[index];
        if (next === undefined || (next.size ?? 0) > BATCH_MESSAGE_MAX || (batch.length > 0 && batchBytes + (next.size ?? 0) > BATCH_BYTES)) break;
        batch.push(next);
        batchBytes += next.size ?? 0;
        index += 1;
      }
      const bodies = new Map<number, Buffer>();
      for await (const message of client.fetch(batch.map((meta) => meta.uid).join(","), { uid: true, source: true }, { uid: true })) {
        if (message.source !== undefined) bodies.set(message.uid, message.source);
      }
      for (const meta of batch) {
        const body = bodies.get(meta.uid);
        if (body === undefined) {
          this.problem(`${box.path} UID ${meta.uid}: gone from the server before its body was fetched`);
          continue;
        }
        await this.record(box, place, meta, body);
        progressed();
      }
    }
  }

  private async record(box: ListResponse, place: { uidValidity: number; dir: string; dirAbs: string; folder: string }, meta: Meta, body: Buffer | Readable): Promise<void> {
    const name = `${meta.uid}.eml`;
    const written = await writeExact(join(place.dirAbs, name), body);
    if (meta.internalDate !== undefined) {
      // mtime = INTERNALDATE, as Maildir keeps it; the bytes stay as the server sent them.
      const when = new Date(meta.internalDate);
      await utimes(join(place.dirAbs, name), when, when);
    }
    if (meta.size !== undefined && meta.size !== written.bytes) {
      this.problem(`${box.path} UID ${meta.uid}: server said RFC822.SIZE ${meta.size}, received ${written.bytes} bytes`);
    }
    const line: JournalMessage = {
      type: "message",
      run: this.run,
      path: box.path,
      folder: place.folder,
      uidValidity: place.uidValidity,
      uid: meta.uid,
      flags: meta.flags,
      bytes: written.bytes,
      sha256: written.sha256,
      file: `${place.dir}/${name}`,
      takenAt: new Date().toISOString(),
    };
    if (meta.messageId !== undefined) line.messageId = meta.messageId;
    if (meta.internalDate !== undefined) line.internalDate = meta.internalDate;
    if (meta.size !== undefined) line.size = meta.size;
    await this.journal(line);
    this.previous.taken.set(messageKey(box.path, place.uidValidity, meta.uid), { file: line.file, sha256: line.sha256 });
    this.taken += 1;
    this.bytes += written.bytes;
    this.options.progress.advance(1, written.bytes, box.path);
  }
}

export async function acquireImap(options: ImapAcquireOptions): Promise<ImapAcquireResult> {
  return new ImapAcquisition(options).execute();
}

async function* journalLines(journalPath: string): AsyncGenerator<JournalLine> {
  const lines = createInterface({ input: createReadStream(journalPath), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === "") continue;
    const line = parseJournalLine(text);
    if (typeof line !== "string") yield line;
  }
}

/**
 * Rewrites `acquisition.json` from the journal, streaming: runs and folders first (small), then
 * every message once (the latest record of a UIDVALIDITY+UID wins). Returns its path.
 */
export async function writeManifest(accountDir: string): Promise<string> {
  const journalPath = join(accountDir, JOURNAL_NAME);
  const runs = new Map<number, Record<string, unknown>>();
  const folders = new Map<string, JournalFolder & { taken: number }>();
  const latest = new Map<string, number>();
  let server: JournalRun["server"] | undefined;
  let account: string | undefined;
  let tool: JournalRun["tool"] | undefined;
  let position = 0;
  for await (const line of journalLines(journalPath)) {
    position += 1;
    if (line.type === "run") {
      runs.set(line.run, { run: line.run, startedAt: line.startedAt, tool: line.tool, server: line.server });
      server = line.server;
      account = line.account;
      tool = line.tool;
    } else if (line.type === "end") {
      const run = runs.get(line.run) ?? { run: line.run };
      runs.set(line.run, { ...run, endedAt: line.endedAt, status: line.status, taken: line.taken, skipped: line.skipped, bytes: line.bytes, problems: line.problems });
    } else if (line.type === "folder") {
      folders.set(line.path, { ...line, taken: 0 });
    } else {
      latest.set(messageKey(line.path, line.uidValidity, line.uid), position);
    }
  }
  for (const key of latest.keys()) {
    const path = key.split("\u0000")[0] ?? "";
    const folder = folders.get(path);
    if (folder !== undefined) folder.taken += 1;
  }
  const partPath = join(accountDir, `${MANIFEST_NAME}.part`);
  const handle = await open(partPath, "w");
  try {
    const head = {
      format: MANIFEST_FORMAT,
      formatVersion: 1,
      tool,
      server,
      account,
      layout: "one file per message, <folder>/<uid>.eml, bytes exactly as fetched with BODY.PEEK[]; journal in imap-journal.jsonl",
      runs: [...runs.values()],
      folders: [...folders.values()].map(({ type: _type, run: _run, ...folder }) => folder),
    };
    const headText = JSON.stringify(head, null, 2);
    await handle.write(`${headText.slice(0, -2)},\n  "messages": [`);
    let index = 0;
    let written = 0;
    for await (const line of journalLines(journalPath)) {
      index += 1;
      if (line.type !== "message") continue;
      if (latest.get(messageKey(line.path, line.uidValidity, line.uid)) !== index) continue;
      const { type: _type, ...message } = line;
      await handle.write(`${written === 0 ? "\n" : ",\n"}    ${JSON.stringify(message)}`);
      written += 1;
    }
    await handle.write(`${written === 0 ? "" : "\n  "}]\n}\n`);
  } finally {
    await handle.close();
  }
  const final = join(accountDir, MANIFEST_NAME);
  await rename(partPath, final);
  return final;
}
