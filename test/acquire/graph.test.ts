/**
 * `mailtrail acquire graph` against a local HTTP server that answers with Graph's documented
 * shapes: pages with @odata.nextLink, a 429 with Retry-After, a 503 without, an expired nextLink
 * (400), the Purview audit query life cycle; reached through --graph-url with a bearer token from
 * MAILTRAIL_GRAPH_ACCESS_TOKEN. The output is read back by the sign-in and audit parsers.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential } from "@azure/identity";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCredential, chooseGraphAuth, TokenSource } from "../../src/acquire/graph/auth.js";
import { acquireGraph, AUDIT_OPERATIONS, splitWindows, type GraphAcquireOptions } from "../../src/acquire/graph/graph.js";
import { retryAfterMs } from "../../src/acquire/graph/http.js";
import { createAcquireProgress } from "../../src/acquire/progress.js";
import { Redactor } from "../../src/acquire/secrets.js";
import { MailtrailError } from "../../src/model/errors.js";
import { entraSigninsJson } from "../../src/formats/m365/entra-signins-json.js";
import { m365AuditJson } from "../../src/formats/m365/m365-audit-json.js";
import { runCli } from "../cli/run-cli.js";
import { runParser } from "../formats/harness.js";

const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.mailtrail-test-token-7f3a9c";
const SECRET = "Cl1ent~Secret.For-Tests_only-42";

interface Seen {
  at: number;
  method: string;
  url: string;
  status: number;
  auth: string | undefined;
}

function signIn(id: string, created: string, kind: "interactive" | "noninteractive"): Record<string, unknown> {
  return {
    id,
    createdDateTime: created,
    userPrincipalName: "erin.walsh@agency.example",
    userId: "26be570a-ae82-4189-b4e2-a37c6808512d",
    appId: "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
    appDisplayName: "Office 365 Exchange Online",
    ipAddress: "203.0.113.7",
    clientAppUsed: kind === "interactive" ? "Browser" : "Mobile Apps and Desktop clients",
    correlationId: `c-${id}`,
    conditionalAccessStatus: "notApplied",
    isInteractive: kind === "interactive",
    status: { errorCode: 0, failureReason: null, additionalDetails: null },
    location: { city: "Lagos", state: "Lagos", countryOrRegion: "NG", geoCoordinates: {} },
    ...(kind === "noninteractive" ? { signInEventTypes: ["nonInteractiveUser"] } : {}),
  };
}

/** Sign-ins newest first within each day, as Graph returns them. */
function dataset(kind: "interactive" | "noninteractive", count: number): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const ms = Date.parse("2026-11-01T01:00:00Z") + i * 3 * 60 * 60 * 1000;
    records.push(signIn(`${kind.slice(0, 4)}-${String(i).padStart(3, "0")}`, new Date(ms).toISOString(), kind));
  }
  // Two records in the same second: the restart after an expired link must not lose or repeat one.
  if (kind === "noninteractive") records.push(signIn("nonI-tie", String(records[records.length - 3]?.createdDateTime), kind));
  return records.sort((a, b) => String(b.createdDateTime).localeCompare(String(a.createdDateTime)) || String(a.id).localeCompare(String(b.id)));
}

function auditRecord(id: string, created: string, operation: string): Record<string, unknown> {
  return {
    id,
    createdDateTime: created,
    auditLogRecordType: "exchangeItem",
    operation,
    organizationId: "df233d94-fed3-4436-bf9a-a799fb85a159",
    userType: "regular",
    userId: "erin.walsh@agency.example",
    service: "Exchange",
    objectId: "",
    userPrincipalName: "erin.walsh@agency.example",
    clientIp: "203.0.113.7",
    administrativeUnits: [],
    auditData: {
      CreationTime: created.replace(/\.\d+Z$|Z$/, ""),
      Id: id,
      Operation: operation,
      OrganizationId: "df233d94-fed3-4436-bf9a-a799fb85a159",
      RecordType: 2,
      ResultStatus: "Succeeded",
      UserKey: "10037FFEA1B2C3D4",
      UserType: 0,
      Version: 1,
      Workload: "Exchange",
      ClientIP: "203.0.113.7",
      UserId: "erin.walsh@agency.example",
      MailboxOwnerUPN: "erin.walsh@agency.example",
      LogonType: 0,
      ClientInfoString: "Client=OWA;Action=ViaProxy",
    },
  };
}

const USERS = [
  { id: "u1", displayName: "Erin Walsh", userPrincipalName: "erin.walsh@agency.example", mail: "erin.walsh@agency.example", proxyAddresses: ["SMTP:erin.walsh@agency.example", "smtp:e.walsh@agency.example", "X500:/o=x"], employeeId: "E001", department: "Finance", manager: { userPrincipalName: "frank.osei@agency.example", mail: "frank.osei@agency.example" } },
  { id: "u2", displayName: "=HYPERLINK(\"x\")", userPrincipalName: "frank.osei@agency.example", mail: null, proxyAddresses: [], employeeId: null, department: "Board, Executive", manager: null },
  { id: "u3", displayName: "Payroll", userPrincipalName: "payroll@agency.example", mail: "payroll@agency.example", proxyAddresses: ["SMTP:payroll@agency.example", "smtp:salaries@agency.example", "smtp:pay@agency.example"], employeeId: "", department: "", manager: null },
];

/** The fake Graph: pages of 2, and faults switched on per test. */
class FakeGraph {
  server: Server | undefined;
  base = "";
  seen: Seen[] = [];
  interactive = dataset("interactive", 10);
  noninteractive = dataset("noninteractive", 9);
  audit = [0, 1, 2, 3, 4].map((i) => auditRecord(`a-${i}`, `2026-11-0${1 + (i % 2)}T0${i}:00:00Z`, i % 2 === 0 ? "MailItemsAccessed" : "New-InboxRule"));
  /** Faults, each fired once. */
  faults = { tooManyOnSecondPage: false, unavailableOnUsers: false, expireNonInteractiveLink: false, failHardAfterPages: -1 };
  private tokens = new Map<string, { records: Record<string, unknown>[]; offset: number; path: string }>();
  private nextToken = 1;
  queries = new Map<string, { polls: number; body: Record<string, unknown> }>();
  pagesServed = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private send(response: ServerResponse, seen: Seen, status: number, body: unknown, headers: Record<string, string> = {}): void {
    seen.status = status;
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  }

  private page(response: ServerResponse, seen: Seen, path: string, records: Record<string, unknown>[], offset: number): void {
    if (this.faults.failHardAfterPages >= 0 && this.pagesServed >= this.faults.failHardAfterPages) {
      this.send(response, seen, 500, { error: { code: "InternalServerError", message: "boom" } });
      return;
    }
    const slice = records.slice(offset, offset + 2);
    const body: Record<string, unknown> = { "@odata.context": `${this.base}${path}/$metadata`, value: slice };
    if (offset + 2 < records.length) {
      const token = `t${this.nextToken++}`;
      this.tokens.set(token, { records, offset: offset + 2, path });
      body["@odata.nextLink"] = `${this.base}${path}?$skiptoken=${token}`;
    }
    this.pagesServed += 1;
    this.send(response, seen, 200, body);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.base);
    const seen: Seen = { at: Date.now(), method: request.method ?? "", url: `${url.pathname}${url.search}`, status: 0, auth: request.headers.authorization };
    this.seen.push(seen);
    let body = "";
    for await (const chunk of request) body += String(chunk);
    const skip = url.searchParams.get("$skiptoken");
    if (skip !== null) {
      const state = this.tokens.get(skip);
      if (state === undefined) return this.send(response, seen, 400, { error: { code: "Request_BadRequest", message: "Invalid skip token" } });
      if (this.faults.tooManyOnSecondPage && state.offset === 2) {
        this.faults.tooManyOnSecondPage = false;
        return this.send(response, seen, 429, { error: { code: "TooManyRequests", message: "Too many requests" } }, { "retry-after": "1" });
      }
      if (this.faults.expireNonInteractiveLink && url.pathname.startsWith("/beta/") && state.offset === 4) {
        this.faults.expireNonInteractiveLink = false;
        return this.send(response, seen, 400, { error: { code: "Request_BadRequest", message: "The skip token has expired." } });
      }
      return this.page(response, seen, state.path, state.records, state.offset);
    }
    if (url.pathname === "/v1.0/auditLogs/signIns" || url.pathname === "/beta/auditLogs/signIns") {
      const filter = url.searchParams.get("$filter") ?? "";
      const kind = url.pathname.startsWith("/beta/") ? "noninteractive" : "interactive";
      if ((kind === "noninteractive") !== filter.includes("signInEventTypes/any(t: t eq 'nonInteractiveUser')")) return this.send(response, seen, 400, { error: { code: "BadFilter", message: filter } });
      const ge = /createdDateTime ge (\S+)/.exec(filter)?.[1] ?? "";
      const lt = /createdDateTime lt (\S+)/.exec(filter)?.[1];
      const le = /createdDateTime le (\S+)/.exec(filter)?.[1];
      const records = (kind === "interactive" ? this.interactive : this.noninteractive).filter((r) => {
        const t = Date.parse(String(r.createdDateTime));
        return t >= Date.parse(ge) && (lt === undefined || t < Date.parse(lt)) && (le === undefined || t <= Date.parse(le));
      });
      return this.page(response, seen, url.pathname, records, 0);
    }
    if (url.pathname === "/v1.0/users") {
      if (this.faults.unavailableOnUsers) {
        this.faults.unavailableOnUsers = false;
        return this.send(response, seen, 503, { error: { code: "ServiceUnavailable", message: "try later" } });
      }
      return this.page(response, seen, url.pathname, USERS, 0);
    }
    if (url.pathname === "/v1.0/security/auditLog/queries" && request.method === "POST") {
      const id = `q${this.queries.size + 1}`;
      this.queries.set(id, { polls: 0, body: JSON.parse(body) as Record<string, unknown> });
      return this.send(response, seen, 201, { id, status: "notStarted" });
    }
    const query = /^\/v1\.0\/security\/auditLog\/queries\/([^/]+)(\/records)?$/.exec(url.pathname);
    if (query?.[1] !== undefined) {
      const state = this.queries.get(query[1]);
      if (state === undefined) return this.send(response, seen, 404, { error: { code: "NotFound", message: "no such query" } });
      if (query[2] === undefined) {
        state.polls += 1;
        return this.send(response, seen, 200, { id: query[1], status: state.polls < 2 ? "running" : "succeeded" });
      }
      const since = Date.parse(String(state.body.filterStartDateTime));
      const until = Date.parse(String(state.body.filterEndDateTime));
      const records = this.audit.filter((r) => Date.parse(String(r.createdDateTime)) >= since && Date.parse(String(r.createdDateTime)) < until);
      return this.page(response, seen, url.pathname, records, 0);
    }
    return this.send(response, seen, 404, { error: { code: "NotFound", message: url.pathname } });
  }
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("acquire graph against a local Graph-shaped server", () => {
  let graph: FakeGraph;
  let work: string;
  const printed: string[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "mailtrail-acquire-graph-"));
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  afterEach(async () => {
    await graph?.stop();
  });

  function options(out: string, what: GraphAcquireOptions["what"], log: string[]): GraphAcquireOptions {
    const redactor = new Redactor();
    redactor.add(TOKEN);
    const choice = { kind: "access-token" as const, token: TOKEN };
    return {
      tenant: "agency.example",
      clientId: "11111111-2222-3333-4444-555555555555",
      graphUrl: graph.base,
      authKind: "access-token",
      tokens: new TokenSource(choice, undefined, `${graph.base}/.default`, redactor),
      since: "2026-11-01T00:00:00Z",
      until: "2026-11-03T00:00:00Z",
      what,
      out,
      toolVersion: "test",
      redactor,
      progress: createAcquireProgress({ quiet: false, redactor, unit: "records", every: 1, stream: { isTTY: false, write: (text: string) => (log.push(text), true) } }),
      pollMs: 20,
      backoffMs: 300,
    };
  }

  it("pulls sign-ins (v1.0 interactive, beta non-interactive), the directory and the audit log; every record once, in order; retries as asked", async () => {
    graph = new FakeGraph();
    await graph.start();
    graph.faults.tooManyOnSecondPage = true;
    graph.faults.unavailableOnUsers = true;
    graph.faults.expireNonInteractiveLink = true;
    const log: string[] = [];
    const out = join(work, "full");
    const result = await acquireGraph(options(out, ["signins", "directory", "audit"], log));
    printed.push(...log);
    const text = log.join("");

    // Every record once and in the server's order, per window file.
    const day1 = (records: Record<string, unknown>[]) => records.filter((r) => String(r.createdDateTime) < "2026-11-02");
    const day2 = (records: Record<string, unknown>[]) => records.filter((r) => String(r.createdDateTime) >= "2026-11-02");
    const ids = (records: Record<string, unknown>[]) => records.map((r) => r.id);
    expect(ids(lines(join(out, "signins/interactive/2026-11-01T00-00-00Z.jsonl")))).toEqual(ids(day1(graph.interactive)));
    expect(ids(lines(join(out, "signins/interactive/2026-11-02T00-00-00Z.jsonl")))).toEqual(ids(day2(graph.interactive)));
    expect(ids(lines(join(out, "signins/noninteractive/2026-11-01T00-00-00Z.jsonl")))).toEqual(ids(day1(graph.noninteractive)));
    expect(ids(lines(join(out, "signins/noninteractive/2026-11-02T00-00-00Z.jsonl")))).toEqual(ids(day2(graph.noninteractive)));
    expect(ids(lines(join(out, "audit/2026-11-01T00-00-00Z.jsonl")))).toEqual(["a-0", "a-2", "a-4"]);
    expect(ids(lines(join(out, "audit/2026-11-02T00-00-00Z.jsonl")))).toEqual(["a-1", "a-3"]);
    expect(ids(lines(join(out, "directory/users.jsonl")))).toEqual(["u1", "u2", "u3"]);
    expect(result.records).toBe(graph.interactive.length + graph.noninteractive.length + graph.audit.length + USERS.length);

    // The 429 was honoured: the retry came a Retry-After (1 s) later, not before.
    const limited = graph.seen.findIndex((s) => s.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    const after429 = graph.seen[limited + 1];
    const at429 = graph.seen[limited];
    expect(after429?.url).toBe(at429?.url);
    expect((after429?.at ?? 0) - (at429?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect((after429?.at ?? 0) - (at429?.at ?? 0)).toBeLessThan(1900);
    expect(text).toMatch(/GET \/v1\.0\/auditLogs\/signIns\?\$skiptoken=t\d+: 429 Too Many Requests; Retry-After 1: waiting 1\.0 s/);
    // The 503 had no Retry-After: backed off (300 ms first step).
    const unavailable = graph.seen.findIndex((s) => s.status === 503);
    expect((graph.seen[unavailable + 1]?.at ?? 0) - (graph.seen[unavailable]?.at ?? 0)).toBeGreaterThanOrEqual(290);
    expect(text).toMatch(/GET \/v1\.0\/users.*: 503 Service Unavailable; no Retry-After, backing off: waiting 0\.3 s/);
    // The expired nextLink: reported and restarted from the last record time, nothing lost or repeated.
    expect(text).toMatch(/sign-ins \(noninteractive\) 2026-11-0\d.*: the service refused the nextLink \(400 Request_BadRequest: The skip token has expired\.\); it has expired\. Restarting this window from the last record time 2026-11-0\d/);
    const restart = graph.seen.find((s) => s.url.includes("createdDateTime%20le%20") || decodeURIComponent(s.url).includes("createdDateTime le "));
    expect(restart).toBeDefined();

    // Every request carried the bearer token; the audit query asked for the mailbox operations, and was polled.
    expect(graph.seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect([...graph.queries.values()].map((q) => q.body.operationFilters)).toEqual([AUDIT_OPERATIONS, AUDIT_OPERATIONS]);
    expect([...graph.queries.values()].map((q) => q.polls)).toEqual([2, 2]);

    // The directory CSV of docs/output-contract.md.
    expect(readFileSync(join(out, "directory.csv"), "utf8")).toBe(
      "employee_id,display_name,email,upn,aliases,department,manager\n" +
        "E001,Erin Walsh,erin.walsh@agency.example,erin.walsh@agency.example,e.walsh@agency.example,Finance,frank.osei@agency.example\n" +
        `,"'=HYPERLINK(""x"")",,frank.osei@agency.example,,"Board, Executive",\n` +
        ",Payroll,payroll@agency.example,payroll@agency.example,salaries@agency.example;pay@agency.example,,\n",
    );
    const manifest = JSON.parse(readFileSync(join(out, "acquisition.json"), "utf8")) as { runs: { status: string; auth: string }[]; streams: { status: string; sha256?: string; records: number }[] };
    expect(manifest.runs).toEqual([expect.objectContaining({ status: "complete", auth: "access-token" })]);
    expect(manifest.streams).toHaveLength(4 + 1 + 2);
    expect(manifest.streams.every((s) => s.status === "done" && typeof s.sha256 === "string")).toBe(true);

    // The parsers read the output as is.
    for (const file of ["signins/interactive/2026-11-01T00-00-00Z.jsonl", "signins/noninteractive/2026-11-02T00-00-00Z.jsonl"]) {
      const data = readFileSync(join(out, file));
      expect(entraSigninsJson.sniff(data, file)).toBe(true);
      const parsed = await runParser(entraSigninsJson, data, { file });
      expect(parsed.warnings).toEqual([]);
      expect(parsed.items.map((item) => item.ref.recordId)).toEqual(ids(lines(join(out, file))));
    }
    const auditData = readFileSync(join(out, "audit/2026-11-01T00-00-00Z.jsonl"));
    expect(entraSigninsJson.sniff(auditData, "audit.jsonl")).toBe(false);
    expect(m365AuditJson.sniff(auditData, "audit.jsonl")).toBe(true);
    const audit = await runParser(m365AuditJson, auditData, { file: "audit.jsonl" });
    expect(audit.warnings).toEqual([]);
    expect(audit.items.map((item) => [item.kind, item.ref.recordId])).toEqual([["mail.read", "a-0"], ["mail.read", "a-2"], ["mail.read", "a-4"]]);
  }, 60_000);

  it("an interrupted pull resumes from its last page (nextLink kept), without repeating a record", async () => {
    graph = new FakeGraph();
    await graph.start();
    const out = join(work, "resumed");
    const log: string[] = [];
    graph.faults.failHardAfterPages = 6;
    const first = acquireGraph({ ...options(out, ["signins"], log), retries: 1, backoffMs: 10 });
    await expect(first).rejects.toThrow(MailtrailError);
    await expect(first).rejects.toThrow(/500 InternalServerError after 2 attempts: boom \(rerun the same command to resume\)/);
    const state = JSON.parse(readFileSync(join(out, "acquisition.json"), "utf8")) as { streams: { status: string; nextLink?: string; records: number }[]; runs: { status: string }[] };
    expect(state.runs.map((run) => run.status)).toEqual(["incomplete"]);
    const running = state.streams.find((s) => s.status === "running");
    expect(running?.nextLink).toMatch(/\$skiptoken=t\d+$/);
    expect(state.streams.reduce((sum, s) => sum + s.records, 0)).toBe(12);
    // A page written but not recorded before the crash is cut off on resume.
    const partial = join(out, "signins/noninteractive/2026-11-01T00-00-00Z.jsonl");
    writeFileSync(partial, `${readFileSync(partial, "utf8")}{"id":"half-written"`);

    graph.faults.failHardAfterPages = -1;
    const before = graph.seen.length;
    const second = await acquireGraph({ ...options(out, ["signins"], log), retries: 1, backoffMs: 10 });
    printed.push(...log);
    expect(second.records).toBe(graph.interactive.length + graph.noninteractive.length - 12);
    expect(graph.seen[before]?.url).toBe(new URL(running?.nextLink ?? "").pathname + new URL(running?.nextLink ?? "").search);
    expect(log.join("")).toContain("resuming: 2 of 4 windows already complete");
    expect(log.join("")).toMatch(/discarding 20 bytes of a page written just before the interruption/);
    const all = ["interactive", "noninteractive"].flatMap((kind) =>
      ["2026-11-01", "2026-11-02"].flatMap((day) => {
        const path = join(out, `signins/${kind}/${day}T00-00-00Z.jsonl`);
        return existsSync(path) ? lines(path).map((r) => r.id) : [];
      }),
    );
    expect(all.sort()).toEqual([...graph.interactive, ...graph.noninteractive].map((r) => r.id).sort());
  }, 60_000);

  it("the CLI: --graph-url with MAILTRAIL_GRAPH_ACCESS_TOKEN, then mailtrail run reads the output", async () => {
    graph = new FakeGraph();
    await graph.start();
    const out = join(work, "cli");
    const saved = process.env["MAILTRAIL_GRAPH_ACCESS_TOKEN"];
    process.env["MAILTRAIL_GRAPH_ACCESS_TOKEN"] = TOKEN;
    try {
      const result = await runCli(["acquire", "graph", "--tenant", "agency.example", "--client-id", "app-1", "--graph-url", graph.base, "--since", "2026-11-01", "--until", "2026-11-03T00:00:00Z", "--what", "signins,directory", "--out", out]);
      printed.push(result.stdout, result.stderr);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`acquire graph: complete: ${graph.interactive.length + graph.noninteractive.length + USERS.length} records in 13 pages, 6 files`);
      expect(result.stderr).toContain("directory.csv: 3 people");
      const run = await runCli(["run", out, "--out", join(work, "cli-case"), "--quiet", "--json", "--directory", join(out, "directory.csv")]);
      printed.push(run.stdout, run.stderr);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { events: { total?: number; by_kind?: Record<string, number> } & Record<string, unknown> };
      expect(JSON.stringify(summary)).toContain(`"auth":${graph.interactive.length + graph.noninteractive.length}`);
      // The directory files are left unread (reported, not an error: they go to --directory).
      const warnings = readFileSync(join(work, "cli-case", "warnings.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { file: string; reason: string });
      const unread = "no parser recognises this file (use --format to force one); not read";
      expect(warnings.map((w) => [w.file, w.reason])).toEqual([["cli/directory/users.jsonl", unread], ["cli/directory.csv", unread]]);
      // The manifest is read: the collection run is in the timeline (chain of custody).
      const timeline = readFileSync(join(work, "cli-case", "timeline.csv"), "utf8");
      expect(timeline).toMatch(/,other,Evidence acquisition \(Microsoft Graph\),success,.*mailtrail-acquisition,cli\/acquisition\.json,record run 1/);
      const usage = await runCli(["acquire", "graph", "--tenant", "t", "--client-id", "c", "--graph-url", graph.base, "--device-code", "--out", join(work, "cli-usage")]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("several credentials given (access-token, device-code): keep exactly one");
    } finally {
      if (saved === undefined) delete process.env["MAILTRAIL_GRAPH_ACCESS_TOKEN"];
      else process.env["MAILTRAIL_GRAPH_ACCESS_TOKEN"] = saved;
    }
  }, 60_000);

  it("builds the real credential classes from the options given (no network)", () => {
    const redactor = new Redactor();
    const request = { tenant: "agency.example", clientId: "app-1", authorityHost: "https://login.microsoftonline.us", prompt: () => undefined };
    const secret = chooseGraphAuth({ MAILTRAIL_GRAPH_CLIENT_SECRET: SECRET }, {}, redactor);
    expect(secret).toEqual({ kind: "client-secret", secret: SECRET });
    expect(buildCredential(secret, request)).toBeInstanceOf(ClientSecretCredential);
    const certificate = chooseGraphAuth({}, { certificate: "/nonexistent/app.pem" }, redactor);
    expect(certificate).toEqual({ kind: "certificate", certificatePath: "/nonexistent/app.pem" });
    expect(buildCredential(certificate, request)).toBeInstanceOf(ClientCertificateCredential);
    const device = chooseGraphAuth({}, { deviceCode: true }, redactor);
    expect(buildCredential(device, request)).toBeInstanceOf(DeviceCodeCredential);
    const token = chooseGraphAuth({ MAILTRAIL_GRAPH_ACCESS_TOKEN: TOKEN }, {}, redactor);
    expect(buildCredential(token, request)).toBeUndefined();
    expect(() => chooseGraphAuth({}, {}, redactor)).toThrow(/no credentials: set MAILTRAIL_GRAPH_CLIENT_SECRET or MAILTRAIL_GRAPH_ACCESS_TOKEN/);
    // Both secrets were registered: an error quoting them prints neither.
    expect(redactor.redact(`failed with ${SECRET} and Bearer ${TOKEN}`)).toBe("failed with [redacted] and Bearer [redacted]");
  });

  it("reads Retry-After as seconds or an HTTP date, and splits windows", () => {
    expect(retryAfterMs("1")).toBe(1000);
    expect(retryAfterMs("Wed, 25 Nov 2026 10:00:05 GMT", Date.parse("2026-11-25T10:00:00Z"))).toBe(5000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(splitWindows("2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z", 24 * 3600 * 1000)).toEqual([
      { since: "2026-11-01T00:00:00Z", until: "2026-11-02T00:00:00Z" },
      { since: "2026-11-02T00:00:00Z", until: "2026-11-02T12:00:00Z" },
    ]);
  });

  it("no token or secret in any file written or anything printed", () => {
    const files = filesUnder(work);
    expect(files.length).toBeGreaterThan(15);
    for (const path of files) {
      const content = readFileSync(path).toString("latin1");
      expect(content.includes(TOKEN), path).toBe(false);
      expect(content.includes(SECRET), path).toBe(false);
    }
    const all = printed.join("\n");
    expect(all.length).toBeGreaterThan(100);
    expect(all.includes(TOKEN)).toBe(false);
    expect(all.includes(SECRET)).toBe(false);
  });
});
