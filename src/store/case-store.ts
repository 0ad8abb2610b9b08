import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { DUPLICATES, EVENTS, FILES, integer, MESSAGES, META, NOTES, varchar, WARNINGS, type Columns, type InsertOf, type RowOf, type Table } from "../model/columns.js";
import type { EventBody, SourceRef } from "../model/events.js";
import type { MessageBody } from "../model/messages.js";
import { MailtrailError } from "../model/errors.js";
import { insertStatement, RowAppender } from "./appender.js";
import { RowDecoder, type Shape } from "./rows.js";
import { ANALYSIS_SQL, createTableSql, LIVE_EVENTS_VIEW_SQL, replaceTableSql, SCHEMA_SQL, SCHEMA_VERSION } from "./schema.js";

export const CASE_FILE = "case.duckdb";
/**
 * DuckDB's own memory (its default is 80% of RAM). Loading needs little: 192 MB keeps ingest's
 * footprint down. Sorting a timeline of millions of events with their bodies failed ("failed to
 * pin block") at 192 MB; 1 GB sorts 1 M sign-ins (1.4 GB of JSON) and spills the rest, so analysis
 * and outputs raise the limit. MAILTRAIL_STORE_MEMORY (a DuckDB size such as "4GB") sets the latter.
 */
export const INGEST_MEMORY_LIMIT = "192MB";
export const QUERY_MEMORY_LIMIT = process.env["MAILTRAIL_STORE_MEMORY"] ?? "1GB";

/** A file as ingest records it (a `files` row); counts are kept up to date while it is read. */
export interface FileRow extends InsertOf<typeof FILES.columns> {
  records: number;
  events: number;
  messages: number;
  warnings: number;
}

/** A warning as ingest records it; the store numbers it (`seq`). */
export type WarningRow = Omit<InsertOf<typeof WARNINGS.columns>, "seq">;

interface EventInput {
  fileId: number;
  seq: number;
  id: string;
  event: EventBody;
  source: SourceRef;
  data: string;
  recordKey: string | undefined;
}

interface MessageInput {
  fileId: number;
  seq: number;
  id: string;
  message: MessageBody;
  source: SourceRef;
  data: string;
}

interface WarningInput {
  seq: number;
  warning: WarningRow;
}

/** The columns every stored record has, from what the pipeline stamped. */
const RECORD_SOURCES = {
  fileId: (r: { fileId: number }) => r.fileId,
  seq: (r: { seq: number }) => r.seq,
  id: (r: { id: string }) => r.id,
  refLine: (r: { source: SourceRef }) => r.source.line,
  refOffset: (r: { source: SourceRef }) => r.source.offset,
  recordId: (r: { source: SourceRef }) => r.source.recordId,
  member: (r: { source: SourceRef }) => r.source.member,
  data: (r: { data: string }) => r.data,
};

/** Where each events column comes from: every column of the table, and no other, must be named. */
const EVENT_ROW = new RowAppender<typeof EVENTS.columns, EventInput>(EVENTS, {
  ...RECORD_SOURCES,
  ts: (r) => r.event.ts,
  kind: (r) => r.event.kind,
  action: (r) => r.event.action,
  result: (r) => r.event.result,
  userName: (r) => r.event.user,
  mailbox: (r) => r.event.mailbox,
  clientIp: (r) => r.event.clientIp,
  sessionId: (r) => r.event.sessionId,
  recordKey: (r) => r.recordKey,
});

const MESSAGE_ROW = new RowAppender<typeof MESSAGES.columns, MessageInput>(MESSAGES, {
  ...RECORD_SOURCES,
  mailbox: (r) => r.message.mailbox,
  folder: (r) => r.message.folder,
  messageId: (r) => r.message.messageId,
  uid: (r) => r.message.uid,
  uidValidity: (r) => r.message.uidValidity,
  date: (r) => r.message.date,
  received: (r) => r.message.received,
  subject: (r) => r.message.subject,
});

const WARNING_ROW = new RowAppender<typeof WARNINGS.columns, WarningInput>(WARNINGS, {
  fileId: (r) => r.warning.fileId,
  seq: (r) => r.seq,
  path: (r) => r.warning.path,
  parser: (r) => r.warning.parser,
  line: (r) => r.warning.line,
  offset: (r) => r.warning.offset,
  recordId: (r) => r.warning.recordId,
  member: (r) => r.warning.member,
  reason: (r) => r.warning.reason,
});

const META_VALUE = { value: varchar() };
const COUNT = { n: integer().notNull };

/** The case: one DuckDB file in the output folder holding evidence, events, messages and analysis. */
export class CaseStore {
  private eventAppender: DuckDBAppender | undefined;
  private messageAppender: DuckDBAppender | undefined;
  private warningAppender: DuckDBAppender | undefined;
  private warningSeq = 0;
  // One input object per table, refilled for every row: appending allocates nothing.
  private readonly eventInput: EventInput = { fileId: 0, seq: 0, id: "", event: undefined as unknown as EventBody, source: undefined as unknown as SourceRef, data: "", recordKey: undefined };
  private readonly messageInput: MessageInput = { fileId: 0, seq: 0, id: "", message: undefined as unknown as MessageBody, source: undefined as unknown as SourceRef, data: "" };
  private readonly warningInput: WarningInput = { seq: 0, warning: undefined as unknown as WarningRow };

  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Creates a new case in `dir` (an existing case file there is replaced by the caller beforehand). */
  static async create(dir: string): Promise<CaseStore> {
    mkdirSync(dir, { recursive: true });
    const store = await CaseStore.connect(dir);
    await store.connection.run(SCHEMA_SQL);
    await store.setMeta("schema_version", String(SCHEMA_VERSION));
    store.eventAppender = await store.connection.createAppender(EVENTS.name);
    store.messageAppender = await store.connection.createAppender(MESSAGES.name);
    store.warningAppender = await store.connection.createAppender(WARNINGS.name);
    return store;
  }

  private appender(appender: DuckDBAppender | undefined): DuckDBAppender {
    if (!appender) throw new MailtrailError("STORE", "this case was opened for analysis: evidence is only added by 'mailtrail ingest' or 'run'");
    return appender;
  }

  /** Opens an existing case without re-parsing anything; `readOnly` for a look that must change nothing (the --out check). */
  static async open(dir: string, options: { readOnly?: boolean } = {}): Promise<CaseStore> {
    if (!existsSync(join(dir, CASE_FILE))) throw new MailtrailError("NOT_A_CASE", `no case store (${CASE_FILE}) in ${dir}: run 'mailtrail ingest' or 'mailtrail run' first`);
    const store = await CaseStore.connect(dir, options.readOnly === true);
    const version = await store.getMeta("schema_version");
    if (version !== String(SCHEMA_VERSION)) throw new MailtrailError("NOT_A_CASE", `case in ${dir} has schema ${version ?? "?"}, this mailtrail needs ${SCHEMA_VERSION}`);
    return store;
  }

  private static async connect(dir: string, readOnly = false): Promise<CaseStore> {
    try {
      // A bounded buffer pool keeps peak memory flat; large sorts spill to the case folder.
      const instance = await DuckDBInstance.create(join(dir, CASE_FILE), {
        threads: "2",
        memory_limit: INGEST_MEMORY_LIMIT,
        temp_directory: join(dir, ".duckdb-tmp"),
        preserve_insertion_order: "false",
        ...(readOnly ? { access_mode: "READ_ONLY" } : {}),
      });
      return new CaseStore(dir, instance, await instance.connect());
    } catch (error) {
      throw new MailtrailError("STORE", `cannot open the case store in ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async setMeta(key: string, value: string): Promise<void> {
    const insert = insertStatement(META, { key, value }, "INSERT OR REPLACE");
    await this.connection.run(insert.sql, insert.params);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.one(META_VALUE, `SELECT ${META.col.value} FROM ${META.name} WHERE ${META.col.key} = $1`, [key]);
    return row?.value ?? undefined;
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
    const input = this.eventInput;
    input.fileId = fileId;
    input.seq = seq;
    input.id = id;
    input.event = event;
    input.source = source;
    input.data = data;
    input.recordKey = recordKey;
    EVENT_ROW.append(a, input);
  }

  appendMessage(fileId: number, seq: number, id: string, message: MessageBody, source: SourceRef, data: string): void {
    const a = this.appender(this.messageAppender);
    const input = this.messageInput;
    input.fileId = fileId;
    input.seq = seq;
    input.id = id;
    input.message = message;
    input.source = source;
    input.data = data;
    MESSAGE_ROW.append(a, input);
  }

  addWarning(warning: WarningRow): void {
    const a = this.appender(this.warningAppender);
    this.warningSeq += 1;
    this.warningInput.seq = this.warningSeq;
    this.warningInput.warning = warning;
    WARNING_ROW.append(a, this.warningInput);
  }

  async addNote(note: string): Promise<void> {
    const count = await this.one(COUNT, `SELECT count(*)::INTEGER AS n FROM ${NOTES.name}`);
    await this.insertRow(NOTES, { seq: count?.n ?? 0, note });
  }

  async upsertFile(file: FileRow): Promise<void> {
    await this.connection.run(`DELETE FROM ${FILES.name} WHERE ${FILES.col.fileId} = $1`, [file.fileId]);
    await this.insertRow(FILES, { ...file, root: file.root ?? 0 });
  }

  /** Inserts one row (for the few rows written one at a time; bulk rows go through the appenders or SQL). */
  async insertRow<C extends Columns>(table: Table<C>, row: InsertOf<C>): Promise<void> {
    const insert = insertStatement(table, row);
    await this.connection.run(insert.sql, insert.params);
  }

  /**
   * (Re)creates an analysis table from its columns and fills it from `select`, whose result
   * columns are matched by name (`INSERT … BY NAME`): a result column the table lacks is an error.
   */
  async replaceTable(table: Table, select?: string, params?: DuckDBValue[]): Promise<void> {
    await this.run(replaceTableSql(table));
    if (select !== undefined) await this.run(`INSERT INTO ${table.name} BY NAME ${select}`, params);
  }

  /** The `live_events` view, for cases ingested before it existed (de-duplication makes it). */
  async ensureLiveEventsView(): Promise<void> {
    await this.ensureTable(DUPLICATES);
    await this.run(LIVE_EVENTS_VIEW_SQL);
  }

  /** Creates an analysis table if a case analysed by an older mailtrail lacks it. */
  async ensureTable(table: Table): Promise<void> {
    await this.run(createTableSql(table));
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

  /** The rows of a query, typed by the columns it declares (a table's or its own). */
  async rows<C extends Columns>(shape: Shape<C>, sql: string, params?: DuckDBValue[]): Promise<RowOf<C>[]> {
    this.flush();
    const reader = await this.connection.runAndReadAll(sql, params);
    return new RowDecoder(shape, reader.columnNames()).decodeAll(reader.getRowsJS());
  }

  /** The first row of a query, if any. */
  async one<C extends Columns>(shape: Shape<C>, sql: string, params?: DuckDBValue[]): Promise<RowOf<C> | undefined> {
    return (await this.rows(shape, sql, params))[0];
  }

  /** Streams the typed rows of a query in chunks: for outputs that must not hold a whole table. */
  async *streamRows<C extends Columns>(shape: Shape<C>, sql: string, params?: DuckDBValue[]): AsyncGenerator<RowOf<C>[]> {
    this.flush();
    const result = await this.connection.stream(sql, params);
    const decoder = new RowDecoder(shape, result.columnNames());
    for await (const rows of result.yieldRowsJs()) yield decoder.decodeAll(rows);
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
