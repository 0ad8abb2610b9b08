/**
 * The case store's DDL, derived from the column table (src/model/columns.ts): the order of a
 * table's columns there is its order here and in its appender.
 */
import { DUPLICATES, EVENTS, MARKS, sqlIdentifier, STORED_TABLES, type Table } from "../model/columns.js";

export const SCHEMA_VERSION = 2;

function columnDdl(key: string, column: Table["columns"][string]): string {
  let ddl = `${sqlIdentifier(key)} ${column.type}`;
  if (column.primaryKey) ddl += " PRIMARY KEY";
  else if (!column.nullable) ddl += " NOT NULL";
  if (column.defaultSql !== undefined) ddl += ` DEFAULT ${column.defaultSql}`;
  return ddl;
}

function columnList(table: Table): string {
  return Object.entries(table.columns)
    .map(([key, column]) => columnDdl(key, column))
    .join(", ");
}

/** `CREATE TABLE IF NOT EXISTS …`: for tables that keep their rows across runs. */
export function createTableSql(table: Table): string {
  return `CREATE ${table.temp ? "TEMP " : ""}TABLE IF NOT EXISTS ${table.name} (${columnList(table)});`;
}

/** `CREATE OR REPLACE TABLE …`: for tables analysis rebuilds on every run. */
export function replaceTableSql(table: Table): string {
  return `CREATE OR REPLACE ${table.temp ? "TEMP " : ""}TABLE ${table.name} (${columnList(table)});`;
}

export const SCHEMA_SQL = STORED_TABLES.map(createTableSql).join("\n");

/** Tables analysis rebuilds on every run (so `analyze` can re-run with new IOCs). */
export const ANALYSIS_SQL = replaceTableSql(MARKS);

/** The view of events without duplicates: what summary.json counts, and what analysts' SQL should start from. */
export const LIVE_EVENTS_VIEW = "live_events";

/** The events that are not a duplicate of another (the first location of a record is kept). */
export const LIVE_EVENTS_SELECT = `SELECT * FROM ${EVENTS.name} WHERE ${EVENTS.col.id} NOT IN (SELECT ${DUPLICATES.col.id} FROM ${DUPLICATES.name})`;

/** (Re)creates the view; the duplicates table must exist (de-duplication makes it). */
export const LIVE_EVENTS_VIEW_SQL = `CREATE OR REPLACE VIEW ${LIVE_EVENTS_VIEW} AS ${LIVE_EVENTS_SELECT};`;
