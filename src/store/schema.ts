/**
 * The case store's tables. Events keep the columns analysis filters and sorts on; the whole
 * event body is in `data` (JSON text) so nothing a parser produced is lost.
 */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS files (
  file_id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL,
  container VARCHAR,
  size BIGINT,
  sha256 VARCHAR,
  format VARCHAR,
  parser VARCHAR,
  records BIGINT DEFAULT 0,
  events BIGINT DEFAULT 0,
  messages BIGINT DEFAULT 0,
  warnings BIGINT DEFAULT 0,
  error VARCHAR,
  mtime VARCHAR,
  root INTEGER,
  content_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
  file_id INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  id VARCHAR NOT NULL,
  ts BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  action VARCHAR,
  result VARCHAR,
  user_name VARCHAR,
  mailbox VARCHAR,
  client_ip VARCHAR,
  session_id VARCHAR,
  ref_line BIGINT,
  ref_offset BIGINT,
  record_id VARCHAR,
  member VARCHAR,
  record_key VARCHAR,
  data VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  file_id INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  id VARCHAR NOT NULL,
  mailbox VARCHAR,
  folder VARCHAR,
  message_id VARCHAR,
  uid BIGINT,
  uid_validity BIGINT,
  date BIGINT,
  received BIGINT,
  subject VARCHAR,
  ref_line BIGINT,
  ref_offset BIGINT,
  record_id VARCHAR,
  member VARCHAR,
  data VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS warnings (
  file_id INTEGER,
  seq BIGINT NOT NULL,
  path VARCHAR NOT NULL,
  parser VARCHAR,
  line BIGINT,
  "offset" BIGINT,
  record_id VARCHAR,
  member VARCHAR,
  reason VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (seq INTEGER, note VARCHAR);
`;

/** Tables analysis rebuilds on every run (so `analyze` can re-run with new IOCs). */
export const ANALYSIS_SQL = `
CREATE OR REPLACE TABLE marks (id VARCHAR, reason VARCHAR, via VARCHAR);
`;
