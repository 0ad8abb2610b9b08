import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import type { EventBody, SourceRef } from "../model/events.js";
import type { MessageBody } from "../model/messages.js";
import { MailtrailError } from "../model/errors.js";
import { ANALYSIS_SQL, SCHEMA_SQL, SCHEMA_VERSION } from "./schema.js";

export const CASE_FILE = "case.duckdb";
/**
 * DuckDB's own memory (its default is 80% of RAM). Loading needs little: 192 MB keeps ingest's
 * footprint down. Sorting a timeline of millions of events with their bodies failed ("failed to
 * pin block") at 192 MB; 1 GB sorts 1 M sign-ins (1.4 GB of JSON) and spills the rest, so analysis
 * and outputs raise the limit. MAILTRAIL_STORE_MEMORY (a DuckDB size such as "4GB") sets the latter.
 */
export const INGEST_MEMORY_LIMIT = "192MB";
export const QUERY_MEMORY_LIMIT = process.env["MAILTRAIL_STORE_MEMORY"] ?? "1GB";

export type Row = Record<string, unknown>;

export interface FileRow {
  fileId: number;
  path: string;
  container?: string;
  size?: number;
  sha256?: string;
  format?: string;
  parser?: string;
  records: number;
  events: number;
  messages: number;
  warnings: number;
  error?: string;
  mtime?: string;
  /** Index of the evidence root the path is relative to. */
  root?: number;
  /** SHA-256 of the decompressed content of a compressed file (read to its end). */
  contentSha256?: string;
}

export interface WarningRow {
  fileId?: number;
  path: string;
  parser?: string;
  line?: number;
  offset?: number;
  recordId?: string;
  member?: string;
  reason: string;
}

function big(value: number | undefined): bigint | null {
  return value === undefined || !Number.isFinite(value) ? null : BigInt(Math.trunc(value));
}

function appendText(appender: DuckDBAppender, value: string | undefined | null): void {
  if (value === undefined || value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

function appendBig(appender: DuckDBAppender, value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value)) appender.appendNull();
  else appender.appendBigInt(BigInt(Math.trunc(value)));
}

/** BIGINT columns come back as bigint; every count, offset and epoch-ms here fits a number. */
function plainNumbers(row: Row): Row {
  for (const key in row) if (typeof row[key] === "bigint") row[key] = Number(row[key]);
  return row;
}

/** The case: one DuckDB file in the output folder holding evidence, events, messages and analysis. */
export class CaseStore {
  private eventAppender: DuckDBAppender | undefined;
  private messageAppender: DuckDBAppender | undefined;
  private warningAppender: DuckDBAppender | undefined;
  private warningSeq = 0;

  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** Creates a new case in `dir` (an existing case file there is replaced by the caller beforehand). */
  static async create(dir: string): Promise<CaseStore> {
    mkdirSync(dir, { recursive: true });
    const store = await CaseStore.connect(dir);
    await store.connection.run(SCHEMA_SQL);
    await store.setMeta("schema_version", String(SCHEMA_VERSION));
    store.eventAppender = await store.connection.createAppender("events");
    store.messageAppender = await store.connection.createAppender("messages");
    store.warningAppender = await store.connection.createAppender("warnings");
    return store;
  }

  private appender(appender: DuckDBAppender | undefined): DuckDBAppender {
    if (!appender) throw new MailtrailError("STORE", "this case was opened for analysis: evidence is only added by 'mailtrail ingest' or 'run'");
    return appender;
  }

  /** Opens an existing case without re-parsing anything. */
  static async open(dir: string): Promise<CaseStore> {
    if (!existsSync(join(dir, CASE_FILE))) throw new MailtrailError("NOT_A_CASE", `no case store (${CASE_FILE}) in ${dir}: run 'mailtrail ingest' or 'mailtrail run' first`);
    const store = await CaseStore.connect(dir);
    const version = await store.getMeta("schema_version");
    if (version !== String(SCHEMA_VERSION)) throw new MailtrailError("NOT_A_CASE", `case in ${dir} has schema ${version ?? "?"}, this mailtrail needs ${SCHEMA_VERSION}`);
    return store;
  }

  private static async connect(dir: string): Promise<CaseStore> {
    try {
      // A bounded buffer pool keeps peak memory flat; large sorts spill to the case folder.
      const instance = await DuckDBInstance.create(join(dir, CASE_FILE), {
        threads: "2",
        memory_limit: INGEST_MEMORY_LIMIT,
        temp_directory: join(dir, ".duckdb-tmp"),
        preserve_insertion_order: "false",
      });
      return new CaseStore(dir, instance, await instance.connect());
    } catch (error) {
      throw new MailtrailError("STORE", `cannot open the case store in ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO meta VALUES ($1, $2)", [key, value]);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.all("SELECT value FROM meta WHERE key = $1", [key]);
    const value = rows[0]?.["value"];
    return typeof value === "string" ? value : undefined;
  }

  /** Before analysis and outputs: big joins and sorts need more than loading did. */
  async allowLargeQueries(): Promise<void> {
    await this.connection.run(`SET memory_limit = '${QUERY_MEMORY_LIMIT.replace(/'/g, "")}'`);
  }

  /** Empties the marks so analysis can run again with other IOCs. */
  async resetAnalysisMarks(): Promise<void> {
    await this.run(ANALYSIS_SQL);
  }

  /** Synchronous: an await per event cost more than the append itself. */
  appendEvent(fileId: number, seq: number, id: string, event: EventBody, source: SourceRef, data: string, recordKey: string | undefined): void {
    const a = this.appender(this.eventAppender);
    a.appendInteger(fileId);
    a.appendBigInt(BigInt(seq));
    a.appendVarchar(id);
    a.appendBigInt(BigInt(Math.trunc(event.ts)));
    a.appendVarchar(event.kind);
    appendText(a, event.action);
    appendText(a, event.result);
    appendText(a, event.user);
    appendText(a, event.mailbox);
    appendText(a, event.clientIp);
    appendText(a, event.sessionId);
    appendBig(a, source.line);
    appendBig(a, source.offset);
    appendText(a, source.recordId);
    appendText(a, source.member);
    appendText(a, recordKey);
    a.appendVarchar(data);
    a.endRow();
  }

  appendMessage(fileId: number, seq: number, id: string, message: MessageBody, source: SourceRef, data: string): void {
    const a = this.appender(this.messageAppender);
    a.appendInteger(fileId);
    a.appendBigInt(BigInt(seq));
    a.appendVarchar(id);
    appendText(a, message.mailbox);
    appendText(a, message.folder);
    appendText(a, message.messageId);
    appendBig(a, message.uid);
    appendBig(a, message.uidValidity);
    appendBig(a, message.date);
    appendBig(a, message.received);
    appendText(a, message.subject);
    appendBig(a, source.line);
    appendBig(a, source.offset);
    appendText(a, source.recordId);
    appendText(a, source.member);
    a.appendVarchar(data);
    a.endRow();
  }

  addWarning(warning: WarningRow): void {
    const a = this.appender(this.warningAppender);
    this.warningSeq += 1;
    if (warning.fileId === undefined) a.appendNull();
    else a.appendInteger(warning.fileId);
    a.appendBigInt(BigInt(this.warningSeq));
    a.appendVarchar(warning.path);
    appendText(a, warning.parser);
    appendBig(a, warning.line);
    appendBig(a, warning.offset);
    appendText(a, warning.recordId);
    appendText(a, warning.member);
    a.appendVarchar(warning.reason);
    a.endRow();
  }

  async addNote(note: string): Promise<void> {
    const rows = await this.all("SELECT count(*)::INTEGER AS n FROM notes");
    await this.connection.run("INSERT INTO notes VALUES ($1, $2)", [Number(rows[0]?.["n"] ?? 0), note]);
  }

  async upsertFile(file: FileRow): Promise<void> {
    await this.connection.run("DELETE FROM files WHERE file_id = $1", [file.fileId]);
    await this.connection.run("INSERT INTO files VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", [
      file.fileId,
      file.path,
      file.container ?? null,
      big(file.size),
      file.sha256 ?? null,
      file.format ?? null,
      file.parser ?? null,
      BigInt(file.records),
      BigInt(file.events),
      BigInt(file.messages),
      BigInt(file.warnings),
      file.error ?? null,
      file.mtime ?? null,
      file.root ?? 0,
      file.contentSha256 ?? null,
    ]);
  }

  /** Makes appended rows visible to queries. */
  flush(): void {
    this.eventAppender?.flushSync();
    this.messageAppender?.flushSync();
    this.warningAppender?.flushSync();
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    this.flush();
    await this.connection.run(sql, params);
  }

  async all(sql: string, params?: DuckDBValue[]): Promise<Row[]> {
    this.flush();
    const reader = await this.connection.runAndReadAll(sql, params);
    return (reader.getRowObjectsJS() as Row[]).map(plainNumbers);
  }

  /** Streams the rows of a query in chunks: for outputs that must not hold a whole table. */
  async *stream(sql: string, params?: DuckDBValue[]): AsyncGenerator<Row[]> {
    this.flush();
    const result = await this.connection.stream(sql, params);
    for await (const rows of result.yieldRowObjectJs()) yield (rows as Row[]).map(plainNumbers);
  }

  async close(): Promise<void> {
    this.eventAppender?.closeSync();
    this.messageAppender?.closeSync();
    this.warningAppender?.closeSync();
    this.eventAppender = undefined;
    this.messageAppender = undefined;
    this.warningAppender = undefined;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
