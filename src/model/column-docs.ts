/**
 * What every table and column of the case store holds, for analysts who query it (docs/output-
 * contract.md, `case.duckdb`). The docs table is generated from this and the column table
 * (columns.ts): `UPDATE_DOCS=1 npx vitest run test/model/column-docs.test.ts` rewrites it, and the
 * test fails when a table or column of columns.ts has no line here, or the docs are stale.
 */
import { ANALYSIS_TABLES, sqlName, STORED_TABLES, type Table } from "./columns.js";

export interface TableDoc {
  what: string;
  columns: Record<string, string>;
}

/** Shared by events and messages: where a record is (DESIGN.md §1). */
const RECORD = {
  file_id: "the file it was read from (`files.file_id`)",
  seq: "its position in the stream of that file's records (ingest order)",
  id: "its id, stable across runs: the `event_id` of the outputs",
};

const LOCATION = {
  ref_line: "line number in the file, where the format has lines",
  ref_offset: "byte offset in the file, where the format has no lines",
  record_id: "the record's own id (sign-in `id`, audit `Id`), where it has one",
  member: "the file inside a claimed folder (Maildir, eDiscovery export) it came from",
};

/** Keyed by SQL table name, then SQL column name. */
export const TABLE_DOCS: Record<string, TableDoc> = {
  meta: {
    what: "facts of the case as key and value: `schema_version`, `evidence` (the evidence paths, JSON), `ingest_options`, `analysis_options` (JSON), `started_at`",
    columns: { key: "the name of the fact", value: "its value (text; JSON for lists and options)" },
  },
  files: {
    what: "every evidence file, archive, claimed folder and folder member read (manifest.json's `files`)",
    columns: {
      file_id: "the file's number in the case, in the order read",
      path: "path relative to the parent of the evidence path given (`source_file` of the outputs); `a.zip!inner/file` for zip members",
      container: "the zip or claimed folder it was read from",
      size: "bytes on disk (compressed size for `.gz`)",
      sha256: "SHA-256 of the file as on disk",
      format: "the format that read it (`<name>+gzip`, `zip`, `unknown`, `unreadable`)",
      parser: "the format's name, when one read it",
      records: "records read from it (a claimed folder's row counts its members' too)",
      events: "events it gave",
      messages: "messages (mailbox inventory) it gave",
      warnings: "warnings about it",
      error: "why reading stopped, when it did",
      mtime: "its modification time (ISO 8601)",
      root: "which evidence path (0, 1, ...) it was found under",
      content_sha256: "SHA-256 of the decompressed content of a compressed file read to its end",
    },
  },
  events: {
    what: "every event read, duplicates included (the `live_events` view leaves them out); the whole normalised event is in `data`",
    columns: {
      ...RECORD,
      ts: "time, UTC, epoch milliseconds",
      kind: "`auth`, `session.end`, `mail.read`, `mail.change`, `mail.send`, `mailbox.config`, `search`, `other`, or a cloud kind",
      action: "what the source called it (`Login`, `MailItemsAccessed`, `copy` ...)",
      result: "`success`, `failure` or NULL",
      user_name: "who acted (as the source names them)",
      mailbox: "whose mail, when not the actor's own",
      client_ip: "the client's address",
      session_id: "the source's session id",
      ...LOCATION,
      record_key: "`<kind>|<record id>|<n>`: what de-duplication matches records with their own id on",
      data: "the whole event as JSON (docs/event-model.md)",
    },
  },
  messages: {
    what: "the mailbox inventory: one row per message read from an export; the whole record is in `data`",
    columns: {
      ...RECORD,
      mailbox: "the owner's address (from the export's path, the export itself, or `--mailbox-map`)",
      folder: "the folder in that mailbox",
      message_id: "the Message-ID header, with its angle brackets",
      uid: "the IMAP UID, where the export gives it (`dovecot-uidlist`)",
      uid_validity: "the folder's UIDVALIDITY, where known",
      date: "the Date header, epoch ms",
      received: "when the mailbox received it, epoch ms, where known",
      subject: "the Subject header",
      ...LOCATION,
      data: "the whole message record as JSON (from, to, cc, attachments ...)",
    },
  },
  warnings: {
    what: "every record or file that could not be read as it should (warnings.jsonl)",
    columns: {
      file_id: "the file (`files.file_id`)",
      seq: "order in which the warnings were met",
      path: "the file's path",
      parser: "the format that warned",
      line: "line number, where known",
      offset: "byte offset, where known",
      record_id: "record id, where known",
      member: "file inside a claimed folder, where it applies",
      reason: "what was wrong, in words",
    },
  },
  notes: {
    what: "facts of the run for people (summary.json's `notes`): zones and years assumed, DST changes met, lines of other programs skipped ...",
    columns: { seq: "order in which the notes were made", note: "the note" },
  },
  marks: {
    what: "attacker activity: one row per event and reason (rebuilt by every analysis)",
    columns: { id: "the event (`events.id`)", reason: "why it is the attacker's, in words", via: "`ioc`, `pivot` (followed with --expand) or `session` (through its session or token)" },
  },
  duplicates: {
    what: "copies of a record seen in several places: each row is a copy left out in favour of the kept one (made by ingest)",
    columns: { id: "the copy left out (`events.id`)", kept_id: "the copy kept", file_id: "the file of the copy left out" },
  },
  session_ips: {
    what: "the address of each session, from its login (mail-process lines carry none)",
    columns: { session_id: "the session id", ip: "its address" },
  },
  attacker_items: {
    what: "every item of every attacker read or change, one row each",
    columns: {
      event_id: "the event (`events.id`)",
      ts: "its time, epoch ms",
      kind: "`mail.read` or `mail.change`",
      ip: "the attacker's address (the session's, when the line has none)",
      mailbox: "whose mailbox",
      folder: "the folder",
      message_id: "the Message-ID, where the log names it",
      uid: "the UID, where the log names it",
      access: "`bind`, `sync`, `imap-fetch`, `pop3`, `search-hit`, `copy`, `move` or `delete`",
    },
  },
  exposures: {
    what: "the exposure ledger: each message the attacker read or touched, per event (exposed-messages.csv is built from it)",
    columns: {
      event_id: "the event (`events.id`)",
      ts: "its time, epoch ms",
      ip: "the attacker's address",
      access: "how (as in `attacker_items`)",
      mailbox: "whose mailbox",
      folder: "the folder",
      message_id: "the message, resolved through the inventory where the log gave a UID",
      uid: "the UID, where known",
    },
  },
  exposure_gaps: {
    what: "attacker access the logs cannot resolve to messages (unexported folders, bodies fetched but not named ...)",
    columns: { mailbox: "whose mailbox", event_id: "the event", ts: "its time, epoch ms", gap: "what cannot be told, in words" },
  },
  deep_attachments: {
    what: "attachments of the exposed messages the deep pass re-read from their export, with their hashes",
    columns: { message_record_id: "the message (`messages.id`)", attachments: "JSON list of attachments: name, type, size, SHA-256" },
  },
};

/** Views of the case, with what they hold. */
export const VIEW_DOCS: Record<string, string> = {
  live_events: "`events` without the copies listed in `duplicates`: what summary.json counts (`events`, `events_by_kind`); start queries from it",
};

/** The tables kept in the case file (temporary working tables are not). */
export function documentedTables(): Table[] {
  return [...STORED_TABLES, ...ANALYSIS_TABLES].filter((table) => !table.temp);
}

function typeOf(table: Table, key: string): string {
  const column = table.columns[key];
  if (!column) return "";
  return `${column.type}${column.primaryKey ? " PRIMARY KEY" : column.nullable ? "" : " NOT NULL"}`;
}

/** The docs section: every table with its columns, types and meaning, then the views. */
export function caseTablesMarkdown(): string {
  const parts: string[] = [];
  for (const table of documentedTables()) {
    const doc = TABLE_DOCS[table.name];
    const what = doc?.what ?? "(undocumented)";
    parts.push(`#### \`${table.name}\`\n\n${what.charAt(0).toUpperCase()}${what.slice(1)}.\n\n| column | type | what |\n|---|---|---|`);
    for (const key of Object.keys(table.columns)) {
      const name = sqlName(key);
      parts.push(`| \`${name}\` | ${typeOf(table, key)} | ${doc?.columns[name] ?? "(undocumented)"} |`);
    }
    parts.push("");
  }
  parts.push("#### Views\n\n| view | what |\n|---|---|");
  for (const [name, what] of Object.entries(VIEW_DOCS)) parts.push(`| \`${name}\` | ${what} |`);
  return `${parts.join("\n")}\n`;
}
