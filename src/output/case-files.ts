/** manifest.json, warnings.jsonl and summary.json (docs/output-contract.md). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LIVE_EVENTS } from "../analysis/views.js";
import { bigint, DUPLICATES, EVENTS, FILES, MARKS, MESSAGES, NOTES, pick, varchar, WARNINGS } from "../model/columns.js";
import { EVENT_KINDS, isCloudKind } from "../model/events.js";
import type { CaseStore } from "../store/case-store.js";
import type { IocSummary } from "./lead.js";
import { LineWriter } from "./writer.js";

const F = FILES.col;
const D = DUPLICATES.col;
const E = EVENTS.col;
const W = WARNINGS.col;
const MS = MESSAGES.col;

const COUNT = { n: bigint().notNull };
/** The files of the case with how many of their events were duplicates of others. */
const MANIFEST_FILE = { ...FILES.columns, duplicates: bigint().notNull };

export interface RunInfo {
  tool: string;
  version: string;
  command: string;
  evidence: string[];
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
}

/** A NULL cell is left out of the JSON. */
function opt<T>(value: T | null): T | undefined {
  return value ?? undefined;
}

export async function writeManifest(store: CaseStore, outDir: string, run: RunInfo): Promise<void> {
  const rows = await store.rows(
    MANIFEST_FILE,
    `
    SELECT f.*, coalesce(d.n, 0) AS duplicates
    FROM ${FILES.name} f LEFT JOIN (SELECT ${D.fileId}, count(*) AS n FROM ${DUPLICATES.name} GROUP BY ${D.fileId}) d USING (${F.fileId})
    ORDER BY f.${F.fileId}`,
  );
  const files = rows.map((row) => ({
    path: row.path,
    container: opt(row.container),
    size: opt(row.size),
    sha256: opt(row.sha256),
    content_sha256: opt(row.contentSha256),
    format: opt(row.format),
    parser: opt(row.parser),
    records: row.records ?? 0,
    events: row.events ?? 0,
    messages: row.messages ?? 0,
    warnings: row.warnings ?? 0,
    duplicates: row.duplicates,
    error: opt(row.error),
  }));
  const manifest = { ...run, files };
  writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function writeWarnings(store: CaseStore, outDir: string): Promise<number> {
  const out = new LineWriter(join(outDir, "warnings.jsonl"));
  let count = 0;
  try {
    for await (const rows of store.streamRows(WARNINGS, `SELECT * FROM ${WARNINGS.name} ORDER BY coalesce(${W.fileId}, 0), ${W.seq}`)) {
      for (const row of rows) {
        count += 1;
        await out.write(
          `${JSON.stringify({
            file: row.path,
            line: opt(row.line),
            offset: opt(row.offset),
            record_id: opt(row.recordId),
            member: opt(row.member),
            parser: opt(row.parser),
            reason: row.reason,
          })}\n`,
        );
      }
    }
  } finally {
    await out.close();
  }
  return count;
}

export interface SummaryExtras {
  /** Affected people per exposure level, once the analysis has computed them. */
  affected?: Record<string, number>;
  findings?: number;
  exposedMessages?: number;
  /** Facts of the analysis run for people (e.g. messages the deep pass could not re-read). */
  notes?: string[];
  /** Whether IOCs were given and what the hunts found (once the analysis ran). */
  ioc?: IocSummary;
}

export interface Summary {
  files: { total: number; parsed: number; unrecognised: number; failed: number };
  records: number;
  events: number;
  duplicates_dropped: { total: number; by_file: Record<string, number> };
  warnings: number;
  events_by_kind: Record<string, number>;
  attacker_events: number;
  ioc?: IocSummary;
  affected?: Record<string, number>;
  findings?: number;
  exposed_messages?: number;
  messages: { total: number; by_mailbox: Record<string, Record<string, number>> };
  notes: string[];
}

export async function buildSummary(store: CaseStore, extras: SummaryExtras = {}): Promise<Summary> {
  const fileRows = await store.rows(pick(FILES, "format", "error"), `SELECT ${F.format}, ${F.error} FROM ${FILES.name}`);
  // A claimed folder's row already counts its members' records (they are listed too, for their
  // hashes): each record is counted once, where it was read. A zip's row counts none of its members'.
  const read = await store.one(
    COUNT,
    `SELECT coalesce(sum(f.${F.records}), 0)::BIGINT AS n FROM ${FILES.name} f
     WHERE NOT EXISTS (SELECT 1 FROM ${FILES.name} c WHERE c.${F.path} = f.${F.container} AND c.${F.parser} IS NOT NULL)`,
  );
  const containers = new Set(["zip", "unreadable"]);
  const dupRows = await store.rows(
    { path: varchar().notNull, n: bigint().notNull },
    `SELECT f.${F.path}, count(*) AS n FROM ${DUPLICATES.name} d JOIN ${FILES.name} f USING (${F.fileId}) GROUP BY f.${F.path} ORDER BY f.${F.path}`,
  );
  const byFile: Record<string, number> = {};
  let duplicates = 0;
  for (const row of dupRows) {
    byFile[row.path] = row.n;
    duplicates += row.n;
  }
  const kindRows = await store.rows({ ...pick(EVENTS, "kind"), ...COUNT }, `SELECT ${E.kind}, count(*) AS n FROM ${LIVE_EVENTS} GROUP BY ${E.kind}`);
  const counts = new Map<string, number>();
  let events = 0;
  for (const row of kindRows) {
    counts.set(row.kind, row.n);
    events += row.n;
  }
  // Every mail kind is listed (zero included); cloud kinds only where the evidence has them.
  const eventsByKind: Record<string, number> = {};
  for (const kind of EVENT_KINDS) if (!isCloudKind(kind) || counts.has(kind)) eventsByKind[kind] = counts.get(kind) ?? 0;
  const attacker = await store.one(COUNT, `SELECT count(DISTINCT ${MARKS.col.id}) AS n FROM ${MARKS.name} WHERE ${MARKS.col.id} NOT IN (SELECT ${D.id} FROM ${DUPLICATES.name})`);
  const warnings = await store.one(COUNT, `SELECT count(*) AS n FROM ${WARNINGS.name}`);
  const byMailbox: Record<string, Record<string, number>> = {};
  let messages = 0;
  const perFolder = await store.rows(
    { mailbox: varchar().notNull, folder: varchar().notNull, ...COUNT },
    `SELECT coalesce(${MS.mailbox}, '(unknown)') AS mailbox, coalesce(${MS.folder}, '') AS folder, count(*) AS n FROM ${MESSAGES.name} GROUP BY ALL ORDER BY ALL`,
  );
  for (const row of perFolder) {
    (byMailbox[row.mailbox] ??= {})[row.folder] = row.n;
    messages += row.n;
  }
  const noteRows = await store.rows(pick(NOTES, "note"), `SELECT ${NOTES.col.note} FROM ${NOTES.name} ORDER BY ${NOTES.col.seq}`);
  const notes = [...noteRows.map((row) => String(row.note)), ...(extras.notes ?? [])];
  return {
    files: {
      total: fileRows.length,
      // A file that could not be read (or stopped part way) is failed, never parsed as well.
      parsed: fileRows.filter((row) => row.format && !containers.has(row.format) && row.format !== "unknown" && row.error === null).length,
      unrecognised: fileRows.filter((row) => row.format === "unknown").length,
      failed: fileRows.filter((row) => row.error !== null).length,
    },
    records: read?.n ?? 0,
    events,
    duplicates_dropped: { total: duplicates, by_file: byFile },
    warnings: warnings?.n ?? 0,
    events_by_kind: eventsByKind,
    attacker_events: attacker?.n ?? 0,
    ioc: extras.ioc,
    affected: extras.affected,
    findings: extras.findings,
    exposed_messages: extras.exposedMessages,
    messages: { total: messages, by_mailbox: byMailbox },
    notes,
  };
}

export function writeSummary(outDir: string, summary: Summary): void {
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}
