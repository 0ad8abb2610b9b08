/** The DDL derived from the column table creates exactly the documented layouts. */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import * as columns from "../../src/model/columns.js";
import type { Table } from "../../src/model/columns.js";
import { createTableSql, SCHEMA_SQL } from "../../src/store/schema.js";

/** The stored tables as the README documents them (and as mailtrail 0.1 wrote them by hand). */
const DOCUMENTED = `
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE files (file_id INTEGER PRIMARY KEY, path VARCHAR NOT NULL, container VARCHAR, size BIGINT, sha256 VARCHAR, format VARCHAR, parser VARCHAR,
  records BIGINT DEFAULT 0, events BIGINT DEFAULT 0, messages BIGINT DEFAULT 0, warnings BIGINT DEFAULT 0, error VARCHAR, mtime VARCHAR, root INTEGER, content_sha256 VARCHAR);
CREATE TABLE events (file_id INTEGER NOT NULL, seq BIGINT NOT NULL, id VARCHAR NOT NULL, ts BIGINT NOT NULL, kind VARCHAR NOT NULL, action VARCHAR, result VARCHAR,
  user_name VARCHAR, mailbox VARCHAR, client_ip VARCHAR, session_id VARCHAR, ref_line BIGINT, ref_offset BIGINT, record_id VARCHAR, member VARCHAR,
  record_key VARCHAR, data VARCHAR NOT NULL);
CREATE TABLE messages (file_id INTEGER NOT NULL, seq BIGINT NOT NULL, id VARCHAR NOT NULL, mailbox VARCHAR, folder VARCHAR, message_id VARCHAR, uid BIGINT,
  uid_validity BIGINT, date BIGINT, received BIGINT, subject VARCHAR, ref_line BIGINT, ref_offset BIGINT, record_id VARCHAR, member VARCHAR, data VARCHAR NOT NULL);
CREATE TABLE warnings (file_id INTEGER, seq BIGINT NOT NULL, path VARCHAR NOT NULL, parser VARCHAR, line BIGINT, "offset" BIGINT, record_id VARCHAR,
  member VARCHAR, reason VARCHAR NOT NULL);
CREATE TABLE notes (seq INTEGER, note VARCHAR);
CREATE TABLE marks (id VARCHAR, reason VARCHAR, via VARCHAR);
CREATE TABLE duplicates (id VARCHAR, kept_id VARCHAR, file_id INTEGER);
CREATE TABLE session_ips (session_id VARCHAR, ip VARCHAR);
CREATE TABLE attacker_items (event_id VARCHAR, ts BIGINT, kind VARCHAR, ip VARCHAR, mailbox VARCHAR, folder VARCHAR, message_id VARCHAR, uid BIGINT, access VARCHAR);
CREATE TABLE uid_names (mailbox VARCHAR, folder VARCHAR, uid BIGINT, message_id VARCHAR);
CREATE TABLE exposures (event_id VARCHAR, ts BIGINT, ip VARCHAR, access VARCHAR, mailbox VARCHAR, folder VARCHAR, message_id VARCHAR, uid BIGINT);
CREATE TABLE exposure_gaps (mailbox VARCHAR, event_id VARCHAR, ts BIGINT, gap VARCHAR);
CREATE TABLE deep_attachments (message_record_id VARCHAR, attachments VARCHAR);
CREATE TABLE ip_hits (ip VARCHAR, reason VARCHAR);
`;

const EXPORTED_TABLES = (Object.values(columns) as unknown[]).filter((value): value is Table => typeof value === "object" && value !== null && "col" in value && "columns" in value);
const TABLES: readonly Table[] = [...columns.STORED_TABLES, ...columns.ANALYSIS_TABLES];

/** Every column of every table with its type, nullability, default and key, as DuckDB reports them. */
async function layout(ddl: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(ddl);
    const reader = await connection.runAndReadAll(`
      SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default,
             (SELECT count(*) FROM duckdb_constraints() k WHERE k.table_name = c.table_name AND k.constraint_type = 'PRIMARY KEY' AND list_contains(k.constraint_column_names, c.column_name)) AS pk
      FROM information_schema.columns c ORDER BY c.table_name, c.ordinal_position`);
    return reader.getRowsJS().map((row) => row.map(String).join(" "));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("the case store's DDL", () => {
  it("creates every table with the documented columns, types, constraints and order", async () => {
    // Temp tables are created as ordinary ones here: information_schema lists both the same way.
    const derived = [SCHEMA_SQL, ...columns.ANALYSIS_TABLES.map((table) => createTableSql({ ...table, temp: false }))].join("\n");
    const documented = await layout(DOCUMENTED);
    expect(documented.length).toBe(98);
    expect(documented).toContain("files records BIGINT YES 0 0");
    expect(documented).toContain("meta key VARCHAR NO null 1");
    expect(await layout(derived)).toEqual(documented);
  });

  it("covers every table of the column table, and no table twice", () => {
    expect(new Set(EXPORTED_TABLES)).toEqual(new Set(TABLES));
    const names = TABLES.map((table) => table.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([...DOCUMENTED.matchAll(/CREATE TABLE (\w+)/g)].map((match) => match[1]).sort());
  });

  it("names columns in SQL as snake_case of their keys, quoting reserved words", () => {
    expect(columns.EVENTS.col.clientIp).toBe("client_ip");
    expect(columns.MESSAGES.col.uidValidity).toBe("uid_validity");
    expect(columns.WARNINGS.col.offset).toBe('"offset"');
    // @ts-expect-error a column that does not exist does not compile
    expect(columns.EVENTS.col.clientIP).toBeUndefined();
  });
});
