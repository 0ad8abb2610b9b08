/**
 * Child process of the hostile harness: runs one job at a time (the CLI's `run`, or the ingest
 * pipeline alone for the fuzzer) and answers with what the case store holds. The parent owns the
 * time and memory limits: a hang or a blow-up here is killed from outside.
 */
import { markDuplicates } from "../../src/analysis/dedup.js";
import { main } from "../../src/cli/main.js";
import { ingest } from "../../src/evidence/pipeline.js";
import { fileFormats, folderFormats } from "../../src/formats/index.js";
import { bigint, FILES, integer, NOTES, pick, WARNINGS } from "../../src/model/columns.js";
import { CaseStore } from "../../src/store/case-store.js";

export interface Job {
  id: number;
  mode: "run" | "ingest";
  evidence: string;
  out: string;
}

export interface FileFact {
  fileId: number;
  path: string;
  container: string | null;
  format: string | null;
  parser: string | null;
  records: number;
  events: number;
  messages: number;
  warnings: number;
  duplicates: number;
  error: string | null;
}

export interface Facts {
  files: FileFact[];
  /** Line numbers of events and messages, per file id. */
  itemLines: Record<number, number[]>;
  /** Warnings per file id: line (null when not located on a line) and reason. */
  warnings: Record<number, { line: number | null; reason: string }[]>;
  notes: string[];
}

export type Answer = { id: number; ok: true; code: number; stderr: string; facts: Facts } | { id: number; ok: false; error: string };

const COUNT = { n: bigint().notNull };
const FILE_FACT = {
  ...pick(FILES, "fileId", "path", "container", "format", "parser", "records", "events", "messages", "warnings", "error"),
  d: bigint().notNull,
};

async function facts(store: CaseStore): Promise<Facts> {
  const hasDuplicates = (await store.one(COUNT, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'duplicates'"))?.n ?? 0;
  const dupJoin = hasDuplicates > 0 ? "LEFT JOIN (SELECT file_id, count(*) AS d FROM duplicates GROUP BY file_id) USING (file_id)" : "LEFT JOIN (SELECT NULL::INTEGER AS file_id, 0 AS d) USING (file_id)";
  const rows = await store.rows(FILE_FACT, `SELECT file_id, path, container, format, parser, records, events, messages, warnings, error, coalesce(d, 0) AS d FROM files ${dupJoin} ORDER BY file_id`);
  const files = rows.map((row) => ({
    fileId: row.fileId,
    path: row.path,
    container: row.container,
    format: row.format,
    parser: row.parser,
    records: row.records ?? 0,
    events: row.events ?? 0,
    messages: row.messages ?? 0,
    warnings: row.warnings ?? 0,
    duplicates: row.d,
    error: row.error,
  }));
  const itemLines: Record<number, number[]> = {};
  const lineRows = await store.rows(
    { fileId: integer().notNull, refLine: bigint().notNull },
    "SELECT DISTINCT file_id, ref_line FROM (SELECT file_id, ref_line FROM events UNION ALL SELECT file_id, ref_line FROM messages) WHERE ref_line IS NOT NULL",
  );
  for (const row of lineRows) (itemLines[row.fileId] ??= []).push(row.refLine);
  const warnings: Facts["warnings"] = {};
  for (const row of await store.rows(pick(WARNINGS, "fileId", "line", "reason"), "SELECT file_id, line, reason FROM warnings")) {
    (warnings[row.fileId ?? 0] ??= []).push({ line: row.line, reason: row.reason });
  }
  const notes = (await store.rows(pick(NOTES, "note"), "SELECT note FROM notes")).map((row) => String(row.note));
  return { files, itemLines, warnings, notes };
}

async function runJob(job: Job): Promise<Answer> {
  if (job.mode === "run") {
    let stderr = "";
    const code = await main(["run", job.evidence, "--out", job.out, "--quiet", "--year", "2026"], { stdout: () => undefined, stderr: (text) => void (stderr += text) });
    let store: CaseStore;
    try {
      store = await CaseStore.open(job.out);
    } catch {
      return { id: job.id, ok: true, code, stderr, facts: { files: [], itemLines: {}, warnings: {}, notes: [] } };
    }
    try {
      return { id: job.id, ok: true, code, stderr, facts: await facts(store) };
    } finally {
      await store.close();
    }
  }
  const store = await CaseStore.create(job.out);
  try {
    const result = await ingest(store, { roots: [job.evidence], fileFormats, folderFormats, parse: { year: 2026 }, exclude: [job.out] });
    await markDuplicates(store);
    // Ingest hands its notes to the caller (the CLI stores them after analysis).
    return { id: job.id, ok: true, code: 0, stderr: "", facts: { ...(await facts(store)), notes: result.notes } };
  } finally {
    await store.close();
  }
}

process.on("message", (job: Job) => {
  runJob(job).then(
    (answer) => process.send?.(answer),
    (error: unknown) => process.send?.({ id: job.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.send?.({ ready: true });
