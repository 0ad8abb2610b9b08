/**
 * `mailtrail acquire graph`: Entra sign-ins, the directory and the unified audit log from
 * Microsoft Graph, written as the parsers read them:
 *
 * ```
 * <out>/acquisition.json                               manifest and resume state (no secrets)
 * <out>/signins/interactive/<window start>.jsonl        v1.0 auditLogs/signIns, one record a line
 * <out>/signins/noninteractive/<window start>.jsonl     beta, signInEventTypes nonInteractiveUser
 * <out>/audit/<window start>.jsonl                     Purview audit log query records
 * <out>/directory/users.jsonl, <out>/directory.csv     users as pulled, and the directory CSV
 * ```
 * Each page is appended and synced as it arrives, then the state (nextLink, bytes) is saved:
 * memory stays flat and an interrupted pull resumes at its last page. Long periods are split into
 * windows (one day by default), so no single query runs into a service limit.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, readFile, rename, stat, truncate, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { MailtrailError } from "../../model/errors.js";
import { neutralizeCell } from "../../output/csv-safe.js";
import { GraphHttp, GraphRequestError, shortUrl } from "./http.js";
import type { GraphAuthChoice, TokenSource } from "./auth.js";
import type { AcquireProgress } from "../progress.js";
import { describe, type Redactor } from "../secrets.js";

export type GraphWhat = "signins" | "directory" | "audit";
export const GRAPH_WHAT: readonly GraphWhat[] = ["signins", "directory", "audit"];

/** Mailbox and identity operations the analysis uses (docs/architecture.md): what the audit query asks for. */
export const AUDIT_OPERATIONS: readonly string[] = [
  "MailItemsAccessed",
  "MailboxLogin",
  "UserLoggedIn",
  "UserLoginFailed",
  "Send",
  "SendAs",
  "SendOnBehalf",
  "SoftDelete",
  "HardDelete",
  "MoveToDeletedItems",
  "Move",
  "Copy",
  "Update",
  "Create",
  "New-InboxRule",
  "Set-InboxRule",
  "Enable-InboxRule",
  "Remove-InboxRule",
  "UpdateInboxRules",
  "Set-Mailbox",
  "Add-MailboxPermission",
  "Remove-MailboxPermission",
  "Add-RecipientPermission",
  "Add-MailboxFolderPermission",
  "Set-MailboxFolderPermission",
  "New-TransportRule",
  "Set-TransportRule",
  "SearchQueryInitiatedExchange",
  "Consent to application.",
  "Add OAuth2PermissionGrant.",
  "Add app role assignment to service principal.",
  "Add service principal credentials.",
];

const USER_FIELDS = ["id", "displayName", "userPrincipalName", "mail", "proxyAddresses", "employeeId", "department", "otherMails"];
const STATE_FORMAT = "mailtrail-graph-acquisition";
export const GRAPH_MANIFEST = "acquisition.json";
const DAY_MS = 24 * 60 * 60 * 1000;

export interface GraphAcquireOptions {
  tenant: string;
  clientId: string;
  graphUrl: string;
  authKind: GraphAuthChoice["kind"];
  tokens: TokenSource;
  /** ISO times; when absent a resumed pull keeps its earlier window, a new one takes the last 30 days. */
  since?: string;
  until?: string;
  what: readonly GraphWhat[];
  out: string;
  toolVersion: string;
  redactor: Redactor;
  progress: AcquireProgress;
  /** Length of one query window (default one day). */
  windowMs?: number;
  /** Audit query status polling interval when the service sends no Retry-After (default 10 s). */
  pollMs?: number;
  /** How long an audit query may take to finish (default 6 h). */
  queryTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

interface StreamState {
  kind: GraphWhat;
  label: string;
  /** Output file, relative to the output folder. */
  file: string;
  since?: string;
  until?: string;
  status: "pending" | "running" | "done";
  firstUrl?: string;
  nextLink?: string;
  queryId?: string;
  records: number;
  pages: number;
  bytes: number;
  /** Oldest createdDateTime written (sign-ins come newest first): where a restart resumes. */
  oldest?: string;
  restarts: number;
  sha256?: string;
}

interface GraphState {
  format: typeof STATE_FORMAT;
  formatVersion: 1;
  tool: { name: string; version: string };
  tenant: string;
  clientId: string;
  graphUrl: string;
  since: string;
  until: string;
  what: GraphWhat[];
  runs: { run: number; startedAt: string; auth: string; endedAt?: string; status?: string; records?: number; problems?: string[] }[];
  streams: StreamState[];
  directoryCsv?: { file: string; rows: number; sha256: string };
}

export interface GraphAcquireResult {
  manifest: string;
  records: number;
  pages: number;
  files: string[];
  status: "complete";
}

/** `2026-11-01T00-00-00Z`: a window start as a file name (no colons). */
function fileStamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** Splits [since, until) into windows of `size` ms. */
export function splitWindows(since: string, until: string, size: number): { since: string; until: string }[] {
  const start = Date.parse(since);
  const end = Date.parse(until);
  const windows: { since: string; until: string }[] = [];
  for (let low = start; low < end; low += size) windows.push({ since: isoOf(low), until: isoOf(Math.min(low + size, end)) });
  return windows;
}

function signInFilter(kind: "interactive" | "noninteractive", since: string, upper: string, inclusive: boolean): string {
  const time = `createdDateTime ge ${since} and createdDateTime ${inclusive ? "le" : "lt"} ${upper}`;
  return kind === "interactive" ? time : `signInEventTypes/any(t: t eq 'nonInteractiveUser') and ${time}`;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function idsInFile(path: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!existsSync(path)) return ids;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim() === "") continue;
    try {
      const record = JSON.parse(line) as { id?: unknown };
      if (typeof record.id === "string") ids.add(record.id);
    } catch {
      // our own file, truncated to whole pages: every line parses
    }
  }
  return ids;
}

function csvCell(value: string): string {
  const safe = neutralizeCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export class GraphAcquisition {
  private state!: GraphState;
  private readonly http: GraphHttp;
  private readonly statePath: string;
  private records = 0;
  private pages = 0;

  constructor(private readonly options: GraphAcquireOptions) {
    this.statePath = join(options.out, GRAPH_MANIFEST);
    this.http = new GraphHttp({
      baseUrl: options.graphUrl,
      tokens: options.tokens,
      redactor: options.redactor,
      log: (text) => options.progress.log(text),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
  }

  private log(text: string): void {
    this.options.progress.log(text);
  }

  private async saveState(): Promise<void> {
    const part = `${this.statePath}.part`;
    await writeFile(part, `${JSON.stringify(this.state, null, 2)}\n`);
    await rename(part, this.statePath);
  }

  private async loadState(): Promise<void> {
    const { options } = this;
    let previous: GraphState | undefined;
    if (existsSync(this.statePath)) {
      try {
        const parsed = JSON.parse(await readFile(this.statePath, "utf8")) as GraphState;
        if (parsed.format === STATE_FORMAT) previous = parsed;
      } catch (error) {
        throw new MailtrailError("ACQUIRE", `${this.statePath} is not a readable acquisition manifest (${(error as Error).message}): use a new --out folder`);
      }
    }
    if (previous !== undefined && (previous.tenant !== options.tenant || previous.graphUrl !== options.graphUrl)) {
      throw new MailtrailError("ACQUIRE", `${options.out} holds a pull of tenant ${previous.tenant} from ${previous.graphUrl}: use a new --out folder`);
    }
    const until = options.until ?? previous?.until ?? isoOf(Date.now());
    const since = options.since ?? previous?.since ?? isoOf(Date.parse(until) - 30 * DAY_MS);
    if (Number.isNaN(Date.parse(since)) || Number.isNaN(Date.parse(until)) || Date.parse(since) >= Date.parse(until)) {
      throw new MailtrailError("USAGE", `--since ${since} must be a time before --until ${until}`);
    }
    this.state = previous ?? {
      format: STATE_FORMAT,
      formatVersion: 1,
      tool: { name: "mailtrail", version: options.toolVersion },
      tenant: options.tenant,
      clientId: options.clientId,
      graphUrl: options.graphUrl,
      since,
      until,
      what: [...options.what],
      runs: [],
      streams: [],
    };
    this.state.since = since;
    this.state.until = until;
    this.state.what = [...new Set([...this.state.what, ...options.what])];
    this.state.tool = { name: "mailtrail", version: options.toolVersion };
    const known = new Set(this.state.streams.map((stream) => stream.file));
    const add = (stream: StreamState) => {
      if (!known.has(stream.file)) {
        known.add(stream.file);
        this.state.streams.push(stream);
      }
    };
    const windows = splitWindows(since, until, options.windowMs ?? DAY_MS);
    const blank = { status: "pending" as const, records: 0, pages: 0, bytes: 0, restarts: 0 };
    if (options.what.includes("signins")) {
      for (const kind of ["interactive", "noninteractive"] as const) {
        for (const window of windows) {
          add({ ...blank, kind: "signins", label: `sign-ins (${kind}) ${window.since}`, file: `signins/${kind}/${fileStamp(window.since)}.jsonl`, since: window.since, until: window.until });
        }
      }
    }
    if (options.what.includes("directory")) add({ ...blank, kind: "directory", label: "directory users", file: "directory/users.jsonl" });
    if (options.what.includes("audit")) {
      for (const window of windows) {
        add({ ...blank, kind: "audit", label: `audit log ${window.since}`, file: `audit/${fileStamp(window.since)}.jsonl`, since: window.since, until: window.until });
      }
    }
  }

  async execute(): Promise<GraphAcquireResult> {
    const { options } = this;
    await mkdir(options.out, { recursive: true });
    await this.loadState();
    const run = { run: this.state.runs.length + 1, startedAt: new Date().toISOString(), auth: options.authKind };
    this.state.runs.push(run);
    await this.saveState();
    const wanted = new Set(options.what);
    const done = this.state.streams.filter((stream) => stream.status === "done" && wanted.has(stream.kind)).length;
    if (done > 0) this.log(`resuming: ${done} of ${this.state.streams.length} windows already complete`);
    try {
      for (const stream of this.state.streams) {
        if (!wanted.has(stream.kind) || stream.status === "done") continue;
        await this.pullStream(stream);
      }
      if (wanted.has("directory")) await this.writeDirectoryCsv();
    } catch (error) {
      const message = error instanceof MailtrailError ? error.message : options.redactor.redact(describe(error));
      Object.assign(run, { endedAt: new Date().toISOString(), status: "incomplete", records: this.records, problems: [message] });
      await this.saveState();
      if (error instanceof MailtrailError) throw new MailtrailError(error.code, `${error.message} (rerun the same command to resume)`);
      throw options.redactor.error("ACQUIRE", "Graph pull interrupted (rerun the same command to resume): ", error);
    }
    Object.assign(run, { endedAt: new Date().toISOString(), status: "complete", records: this.records });
    await this.saveState();
    const files = this.state.streams.filter((stream) => stream.records > 0).map((stream) => stream.file);
    if (this.state.directoryCsv !== undefined) files.push(this.state.directoryCsv.file);
    return { manifest: this.statePath, records: this.records, pages: this.pages, files, status: "complete" };
  }

  private firstUrl(stream: StreamState): string {
    const since = stream.since ?? this.state.since;
    const until = stream.until ?? this.state.until;
    switch (stream.kind) {
      case "signins": {
        const kind = stream.file.includes("/noninteractive/") ? "noninteractive" : "interactive";
        const version = kind === "interactive" ? "v1.0" : "beta";
        return this.http.url(`${version}/auditLogs/signIns?$filter=${encodeURIComponent(signInFilter(kind, since, until, false))}`);
      }
      case "directory":
        return this.http.url(`v1.0/users?$select=${USER_FIELDS.join(",")}&$expand=${encodeURIComponent("manager($select=userPrincipalName,mail)")}`);
      case "audit":
        return this.http.url(`v1.0/security/auditLog/queries/${encodeURIComponent(stream.queryId ?? "")}/records`);
      default: {
        const never: never = stream.kind;
        return never;
      }
    }
  }

  /** Where a pull whose nextLink expired starts again: sign-ins from the oldest record written. */
  private restartUrl(stream: StreamState): string {
    if (stream.kind === "signins" && stream.oldest !== undefined) {
      const kind = stream.file.includes("/noninteractive/") ? "noninteractive" : "interactive";
      const version = kind === "interactive" ? "v1.0" : "beta";
      return this.http.url(`${version}/auditLogs/signIns?$filter=${encodeURIComponent(signInFilter(kind, stream.since ?? this.state.since, stream.oldest, true))}`);
    }
    return this.firstUrl(stream);
  }

  /** The file holds exactly the pages the state recorded (a page written but not recorded is cut off). */
  private async reconcile(stream: StreamState, path: string): Promise<void> {
    const size = existsSync(path) ? (await stat(path)).size : 0;
    if (size === stream.bytes) return;
    if (size > stream.bytes) {
      this.log(`${stream.label}: discarding ${size - stream.bytes} bytes of a page written just before the interruption (it is fetched again)`);
      await truncate(path, stream.bytes);
      return;
    }
    this.log(`${stream.label}: ${stream.file} is shorter than recorded; pulling this window again from its start`);
    if (existsSync(path)) await truncate(path, 0);
    Object.assign(stream, { status: "pending", records: 0, pages: 0, bytes: 0 });
    delete stream.nextLink;
    delete stream.oldest;
    delete stream.sha256;
  }

  private async pullStream(stream: StreamState): Promise<void> {
    const path = join(this.options.out, ...stream.file.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await this.reconcile(stream, path);
    if (stream.kind === "audit" && stream.status === "pending") await this.runAuditQuery(stream);
    let url: string | undefined = stream.status === "running" && stream.nextLink !== undefined ? stream.nextLink : this.firstUrl(stream);
    stream.firstUrl ??= url;
    let skip: Set<string> | undefined;
    while (url !== undefined) {
      let body: unknown;
      try {
        body = (await this.http.get(url)).body;
      } catch (error) {
        const followingLink = url !== stream.firstUrl;
        if (error instanceof GraphRequestError && followingLink && [400, 404, 410].includes(error.status) && stream.restarts < 3) {
          stream.restarts += 1;
          this.log(
            `${stream.label}: the service refused the nextLink (${error.message}); it has expired. Restarting this window${stream.oldest !== undefined ? ` from the last record time ${stream.oldest}` : " from its start"}, skipping the ${stream.records} records already written`,
          );
          skip = await idsInFile(path);
          url = this.restartUrl(stream);
          stream.firstUrl = url;
          continue;
        }
        if (error instanceof GraphRequestError) {
          throw new MailtrailError("ACQUIRE", `${stream.label}: GET ${shortUrl(error.url)} answered ${error.message}`);
        }
        throw error;
      }
      const page = body as { value?: unknown; "@odata.nextLink"?: unknown };
      if (typeof page !== "object" || page === null || !Array.isArray(page.value)) {
        throw new MailtrailError("ACQUIRE", `${stream.label}: GET ${shortUrl(url)} answered without a "value" array`);
      }
      let text = "";
      let count = 0;
      for (const record of page.value as unknown[]) {
        const id = typeof record === "object" && record !== null ? (record as { id?: unknown }).id : undefined;
        if (skip !== undefined && typeof id === "string" && skip.has(id)) continue;
        text += `${JSON.stringify(record)}\n`;
        count += 1;
        const created = typeof record === "object" && record !== null ? (record as { createdDateTime?: unknown }).createdDateTime : undefined;
        if (typeof created === "string" && (stream.oldest === undefined || Date.parse(created) < Date.parse(stream.oldest))) stream.oldest = created;
      }
      if (text.length > 0) {
        const handle = await open(path, "a");
        try {
          await handle.write(text);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      const next = page["@odata.nextLink"];
      stream.bytes += Buffer.byteLength(text);
      stream.records += count;
      stream.pages += 1;
      this.records += count;
      this.pages += 1;
      if (typeof next === "string" && next.length > 0) {
        stream.status = "running";
        stream.nextLink = next;
      } else {
        stream.status = "done";
        delete stream.nextLink;
        if (existsSync(path)) stream.sha256 = await sha256Of(path);
      }
      await this.saveState();
      this.options.progress.advance(count, Buffer.byteLength(text), `${stream.label}, page ${stream.pages}, ${stream.records} records`);
      url = stream.status === "running" ? stream.nextLink : undefined;
    }
    this.log(`${stream.label}: ${stream.records} records in ${stream.pages} pages`);
  }

  /** Creates the window's Purview audit query (once; its id is kept for a resume) and waits for it. */
  private async runAuditQuery(stream: StreamState): Promise<void> {
    if (stream.queryId === undefined) {
      const created = await this.request("POST", this.http.url("v1.0/security/auditLog/queries"), {
        "@odata.type": "#microsoft.graph.security.auditLogQuery",
        displayName: `mailtrail ${stream.since ?? ""} to ${stream.until ?? ""}`,
        filterStartDateTime: stream.since,
        filterEndDateTime: stream.until,
        operationFilters: AUDIT_OPERATIONS,
      }, stream);
      const id = (created as { id?: unknown }).id;
      if (typeof id !== "string") throw new MailtrailError("ACQUIRE", `${stream.label}: the audit query was created without an id`);
      stream.queryId = id;
      await this.saveState();
      this.log(`${stream.label}: audit query ${id} created`);
    }
    const deadline = Date.now() + (this.options.queryTimeoutMs ?? 6 * 60 * 60 * 1000);
    for (;;) {
      const query = (await this.request("GET", this.http.url(`v1.0/security/auditLog/queries/${encodeURIComponent(stream.queryId)}`), undefined, stream)) as { status?: unknown };
      if (query.status === "succeeded") return;
      if (query.status === "failed" || query.status === "cancelled") {
        // A new query next time: this one will never give records.
        delete stream.queryId;
        await this.saveState();
        throw new MailtrailError("ACQUIRE", `${stream.label}: the audit query ended "${String(query.status)}"`);
      }
      if (Date.now() > deadline) throw new MailtrailError("ACQUIRE", `${stream.label}: audit query ${stream.queryId} still "${String(query.status)}" after the time limit; rerun to keep waiting`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 10_000));
    }
  }

  private async request(method: "GET" | "POST", url: string, body: unknown, stream: StreamState): Promise<unknown> {
    try {
      return (method === "GET" ? await this.http.get(url) : await this.http.post(url, body)).body;
    } catch (error) {
      if (error instanceof GraphRequestError) throw new MailtrailError("ACQUIRE", `${stream.label}: ${method} ${shortUrl(error.url)} answered ${error.message}`);
      throw error;
    }
  }

  /** directory.csv (columns of docs/output-contract.md) from the users pulled: SMTP proxy addresses become aliases. */
  private async writeDirectoryCsv(): Promise<void> {
    const users = join(this.options.out, "directory", "users.jsonl");
    const target = join(this.options.out, "directory.csv");
    const part = `${target}.part`;
    const handle = await open(part, "w");
    let rows = 0;
    try {
      await handle.write("employee_id,display_name,email,upn,aliases,department,manager\n");
      if (existsSync(users)) {
        for await (const line of createInterface({ input: createReadStream(users), crlfDelay: Infinity })) {
          if (line.trim() === "") continue;
          const user = JSON.parse(line) as Record<string, unknown>;
          const text = (key: string): string => (typeof user[key] === "string" ? (user[key] as string) : "");
          const mail = text("mail");
          const upn = text("userPrincipalName");
          const aliases = new Set<string>();
          for (const proxy of Array.isArray(user.proxyAddresses) ? user.proxyAddresses : []) {
            if (typeof proxy !== "string" || !/^smtp:/i.test(proxy)) continue;
            const address = proxy.slice(5);
            if (address.toLowerCase() !== mail.toLowerCase() && address.toLowerCase() !== upn.toLowerCase()) aliases.add(address);
          }
          const manager = typeof user.manager === "object" && user.manager !== null ? (user.manager as Record<string, unknown>) : undefined;
          const managerName = typeof manager?.mail === "string" ? manager.mail : typeof manager?.userPrincipalName === "string" ? manager.userPrincipalName : "";
          const cells = [text("employeeId"), text("displayName"), mail, upn, [...aliases].join(";"), text("department"), managerName];
          await handle.write(`${cells.map(csvCell).join(",")}\n`);
          rows += 1;
        }
      }
    } finally {
      await handle.close();
    }
    await rename(part, target);
    this.state.directoryCsv = { file: "directory.csv", rows, sha256: await sha256Of(target) };
    await this.saveState();
    this.log(`directory.csv: ${rows} people`);
  }
}

export async function acquireGraph(options: GraphAcquireOptions): Promise<GraphAcquireResult> {
  return new GraphAcquisition(options).execute();
}
