/**
 * The case store's tables, column by column: the one place their names and types are written
 * (DESIGN.md §4). The DDL, the appenders' column order and the typed row decoders are derived
 * from this table in src/store, and SQL names columns through `Table.col`, so a renamed or
 * retyped column is a compile error wherever it is used instead of a query that finds nothing.
 *
 * It lives in src/model, not src/store, because analysis and outputs name columns without
 * depending on the DuckDB engine: it is the data model of a case, as events.ts is of an event.
 *
 * A column's key is its TypeScript name; its SQL name is the key in snake_case (`clientIp` is
 * `client_ip`). The layouts are documented (README) and queried by analysts' scripts: change them
 * only on purpose, with SCHEMA_VERSION.
 */
import type { EventBody, EventKind } from "./events.js";
import type { AttachmentInfo, MessageBody } from "./messages.js";

/** The DuckDB types the case uses. JSON bodies are stored as VARCHAR text. */
export type SqlType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "VARCHAR[]";

/**
 * How a query value becomes a TypeScript value: `number` takes INTEGER, BIGINT, HUGEINT and
 * DOUBLE alike (every count, offset and epoch-ms of a case fits a double); `json` parses the text.
 */
export type ReadAs = "text" | "number" | "boolean" | "texts" | "json";

/** One column: its SQL type and constraint, and (as a type only) the TypeScript value it reads as. */
export class Column<T> {
  /** Type only: the decoded value (`null` included when the column is nullable). */
  declare readonly value: T;

  constructor(
    readonly type: SqlType,
    readonly read: ReadAs,
    readonly nullable = true,
    readonly primaryKey = false,
    readonly defaultSql: string | undefined = undefined,
  ) {}

  get notNull(): Column<Exclude<T, null>> {
    return new Column(this.type, this.read, false, this.primaryKey, this.defaultSql);
  }

  /** A primary key is never NULL. */
  get primary(): Column<Exclude<T, null>> {
    return new Column(this.type, this.read, false, true, this.defaultSql);
  }

  withDefault(sql: string): Column<T> {
    return new Column(this.type, this.read, this.nullable, this.primaryKey, sql);
  }
}

export const varchar = <T extends string = string>(): Column<T | null> => new Column("VARCHAR", "text");
export const integer = (): Column<number | null> => new Column("INTEGER", "number");
export const bigint = (): Column<number | null> => new Column("BIGINT", "number");
export const double = (): Column<number | null> => new Column("DOUBLE", "number");
export const boolean = (): Column<boolean | null> => new Column("BOOLEAN", "boolean");
/**
 * A list of strings (query results only: `list(...)`), for lists whose items cannot be NULL (a NOT
 * NULL column, `FILTER (WHERE … IS NOT NULL)`): the reader does not check every item.
 */
export const varcharList = (): Column<string[] | null> => new Column("VARCHAR[]", "texts");
/** A list of strings that may hold NULLs. */
export const varcharListWithNulls = (): Column<(string | null)[] | null> => new Column("VARCHAR[]", "texts");
/** JSON text, parsed once when the row is read. */
export const jsonText = <T>(): Column<T | null> => new Column("VARCHAR", "json");

export type Columns = Record<string, Column<unknown>>;

/** The decoded row of a set of columns: the type every query result is read as. */
export type RowOf<C extends Columns> = { [K in keyof C]: C[K]["value"] };

type NullableKeys<C extends Columns> = { [K in keyof C]: null extends C[K]["value"] ? K : never }[keyof C];

/** What an appender takes: NOT NULL columns required, the others optional (`undefined` is NULL). */
export type InsertOf<C extends Columns> = { [K in Exclude<keyof C, NullableKeys<C>>]: C[K]["value"] } & {
  [K in NullableKeys<C>]?: Exclude<C[K]["value"], null>;
};

/** SQL names that must be quoted to be a column name. */
const RESERVED = new Set(["offset"]);

/** `clientIp` → `client_ip`: the name of a column (or of a query's result column) in SQL. */
export function sqlName(key: string): string {
  return key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`);
}

/** The name as it must be written in SQL text. */
export function sqlIdentifier(key: string): string {
  const name = sqlName(key);
  return RESERVED.has(name) ? `"${name}"` : name;
}

export interface Table<C extends Columns = Columns> {
  readonly name: string;
  readonly columns: C;
  /** Each column's name as written in SQL (`${E.clientIp}` is `client_ip`): unknown keys do not compile. */
  readonly col: { readonly [K in keyof C]: string };
  /** Session-only scratch tables (`CREATE TEMP TABLE`). */
  readonly temp: boolean;
}

function table<C extends Columns>(name: string, columns: C, temp = false): Table<C> {
  const col = Object.fromEntries(Object.keys(columns).map((key) => [key, sqlIdentifier(key)])) as { [K in keyof C]: string };
  return { name, columns, col, temp };
}

// ---- Written at ingest ------------------------------------------------------------------------

export const META = table("meta", {
  key: varchar().primary,
  value: varchar(),
});

export const FILES = table("files", {
  fileId: integer().primary,
  path: varchar().notNull,
  container: varchar(),
  size: bigint(),
  sha256: varchar(),
  format: varchar(),
  parser: varchar(),
  records: bigint().withDefault("0"),
  events: bigint().withDefault("0"),
  messages: bigint().withDefault("0"),
  warnings: bigint().withDefault("0"),
  error: varchar(),
  mtime: varchar(),
  /** Index of the evidence root the path is relative to. */
  root: integer(),
  /** SHA-256 of the decompressed content of a compressed file (read to its end): CloudTrail digests hash that. */
  contentSha256: varchar(),
});

/** A record's file, its position in the file's stream, and its id (stamped by the pipeline). */
const RECORD = { fileId: integer().notNull, seq: bigint().notNull, id: varchar().notNull };

/** Where in its file a record is (DESIGN.md §1): line, byte offset, the record's own id, folder member. */
const LOCATION = { refLine: bigint(), refOffset: bigint(), recordId: varchar(), member: varchar() };

/** Events keep the columns analysis filters and sorts on; the whole body is in `data`. */
export const EVENTS = table("events", {
  ...RECORD,
  ts: bigint().notNull,
  kind: varchar<EventKind>().notNull,
  action: varchar(),
  result: varchar(),
  userName: varchar(),
  mailbox: varchar(),
  clientIp: varchar(),
  sessionId: varchar(),
  ...LOCATION,
  /** `<kind>|<record id>|<repeat>`: the de-duplication key of records that carry their own id. */
  recordKey: varchar(),
  data: jsonText<EventBody>().notNull,
});

export const MESSAGES = table("messages", {
  ...RECORD,
  mailbox: varchar(),
  folder: varchar(),
  messageId: varchar(),
  uid: bigint(),
  uidValidity: bigint(),
  date: bigint(),
  received: bigint(),
  subject: varchar(),
  ...LOCATION,
  data: jsonText<MessageBody>().notNull,
});

export const WARNINGS = table("warnings", {
  fileId: integer(),
  seq: bigint().notNull,
  path: varchar().notNull,
  parser: varchar(),
  line: bigint(),
  offset: bigint(),
  recordId: varchar(),
  member: varchar(),
  reason: varchar().notNull,
});

export const NOTES = table("notes", {
  seq: integer(),
  note: varchar(),
});

/** The tables `ingest` creates, in creation order. */
export const STORED_TABLES = [META, FILES, EVENTS, MESSAGES, WARNINGS, NOTES] as const;

// ---- Rebuilt by every analysis run -----------------------------------------------------------

export type MarkVia = "ioc" | "pivot" | "session";

/** Attacker activity: one row per event and reason. */
export const MARKS = table("marks", {
  id: varchar(),
  reason: varchar(),
  via: varchar<MarkVia>(),
});

/** Copies of a record seen in several places: `id` is dropped in favour of `keptId`. */
export const DUPLICATES = table("duplicates", {
  id: varchar(),
  keptId: varchar(),
  fileId: integer(),
});

/** The address of each session, from its login (mail-process lines carry none). */
export const SESSION_IPS = table("session_ips", {
  sessionId: varchar(),
  ip: varchar(),
});

/** Every item of every attacker read or change, one row each, with its mailbox and access type. */
export const ATTACKER_ITEMS = table("attacker_items", {
  eventId: varchar(),
  ts: bigint(),
  kind: varchar<EventKind>(),
  ip: varchar(),
  mailbox: varchar(),
  folder: varchar(),
  messageId: varchar(),
  uid: bigint(),
  access: varchar(),
});

/** UID → Message-ID from the mail_log lines of the case. */
export const UID_NAMES = table(
  "uid_names",
  {
    mailbox: varchar(),
    folder: varchar(),
    uid: bigint(),
    messageId: varchar(),
  },
  true,
);

/** The exposure ledger: each message the attacker read or touched, per event. */
export const EXPOSURES = table("exposures", {
  eventId: varchar(),
  ts: bigint(),
  ip: varchar(),
  access: varchar(),
  mailbox: varchar(),
  folder: varchar(),
  messageId: varchar(),
  uid: bigint(),
});

/** What the logs cannot resolve to messages. */
export const EXPOSURE_GAPS = table("exposure_gaps", {
  mailbox: varchar(),
  eventId: varchar(),
  ts: bigint(),
  gap: varchar(),
});

/** Attachments (with their hashes) of the exposed messages the deep pass re-read. */
export const DEEP_ATTACHMENTS = table("deep_attachments", {
  messageRecordId: varchar(),
  attachments: jsonText<AttachmentInfo[]>(),
});

/** The addresses an IOC or pivot marks, with the reason of each. */
export const IP_HITS = table(
  "ip_hits",
  {
    ip: varchar(),
    reason: varchar(),
  },
  true,
);

/** Some of a table's columns, for a query that selects only those (`SELECT ${selectList(...)}`). */
export function pick<C extends Columns, K extends keyof C & string>(table: Table<C>, ...keys: K[]): Pick<C, K> {
  const picked = {} as Pick<C, K>;
  for (const key of keys) picked[key] = table.columns[key];
  return picked;
}

/** The tables analysis (re)creates, in the order it creates them. */
export const ANALYSIS_TABLES = [MARKS, DUPLICATES, SESSION_IPS, ATTACKER_ITEMS, UID_NAMES, EXPOSURES, EXPOSURE_GAPS, DEEP_ATTACHMENTS, IP_HITS] as const;
