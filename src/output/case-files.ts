/** manifest.json, warnings.jsonl and summary.json (CONTRACT.md). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_KINDS, isCloudKind } from "../model/events.js";
import type { CaseStore } from "../store/case-store.js";
import { LineWriter } from "./writer.js";

export interface RunInfo {
  tool: string;
  version: string;
  command: string;
  evidence: string[];
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function opt(value: unknown): unknown {
  return value === null || value === undefined ? undefined : typeof value === "bigint" ? Number(value) : value;
}

export async function writeManifest(store: CaseStore, outDir: string, run: RunInfo): Promise<void> {
  const rows = await store.all(`
    SELECT f.*, coalesce(d.n, 0) AS duplicates
    FROM files f LEFT JOIN (SELECT file_id, count(*) AS n FROM duplicates GROUP BY file_id) d USING (file_id)
    ORDER BY f.file_id`);
  const files = rows.map((row) => ({
    path: row["path"],
    container: opt(row["container"]),
    size: opt(row["size"]),
    sha256: opt(row["sha256"]),
    content_sha256: opt(row["content_sha256"]),
    format: opt(row["format"]),
    parser: opt(row["parser"]),
    records: num(row["records"]),
    events: num(row["events"]),
    messages: num(row["messages"]),
    warnings: num(row["warnings"]),
    duplicates: num(row["duplicates"]),
    error: opt(row["error"]),
  }));
  const manifest = { ...run, files };
  writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function writeWarnings(store: CaseStore, outDir: string): Promise<number> {
  const out = new LineWriter(join(outDir, "warnings.jsonl"));
  let count = 0;
  try {
    for await (const rows of store.stream("SELECT * FROM warnings ORDER BY coalesce(file_id, 0), seq")) {
      for (const row of rows) {
        count += 1;
        await out.write(
          `${JSON.stringify({
            file: row["path"],
            line: opt(row["line"]),
            offset: opt(row["offset"]),
            record_id: opt(row["record_id"]),
            member: opt(row["member"]),
            parser: opt(row["parser"]),
            reason: row["reason"],
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
}

export interface Summary {
  files: { total: number; parsed: number; unrecognised: number; failed: number };
  records: number;
  events: number;
  duplicates_dropped: { total: number; by_file: Record<string, number> };
  warnings: number;
  events_by_kind: Record<string, number>;
  attacker_events: number;
  affected?: Record<string, number>;
  findings?: number;
  exposed_messages?: number;
  messages: { total: number; by_mailbox: Record<string, Record<string, number>> };
  notes: string[];
}

export async function buildSummary(store: CaseStore, extras: SummaryExtras = {}): Promise<Summary> {
  const fileRows = await store.all("SELECT format, error, records FROM files");
  const containers = new Set(["zip", "unreadable"]);
  const dupRows = await store.all("SELECT f.path, count(*) AS n FROM duplicates d JOIN files f USING (file_id) GROUP BY f.path ORDER BY f.path");
  const byFile: Record<string, number> = {};
  let duplicates = 0;
  for (const row of dupRows) {
    byFile[String(row["path"])] = num(row["n"]);
    duplicates += num(row["n"]);
  }
  const kindRows = await store.all("SELECT kind, count(*) AS n FROM events WHERE id NOT IN (SELECT id FROM duplicates) GROUP BY kind");
  const counts = new Map<string, number>();
  let events = 0;
  for (const row of kindRows) {
    counts.set(String(row["kind"]), num(row["n"]));
    events += num(row["n"]);
  }
  // Every mail kind is listed (zero included); cloud kinds only where the evidence has them.
  const eventsByKind: Record<string, number> = {};
  for (const kind of EVENT_KINDS) if (!isCloudKind(kind) || counts.has(kind)) eventsByKind[kind] = counts.get(kind) ?? 0;
  const attacker = await store.all("SELECT count(DISTINCT id) AS n FROM marks WHERE id NOT IN (SELECT id FROM duplicates)");
  const warnings = await store.all("SELECT count(*) AS n FROM warnings");
  const byMailbox: Record<string, Record<string, number>> = {};
  let messages = 0;
  for (const row of await store.all("SELECT coalesce(mailbox, '(unknown)') AS mailbox, coalesce(folder, '') AS folder, count(*) AS n FROM messages GROUP BY ALL ORDER BY ALL")) {
    const mailbox = String(row["mailbox"]);
    (byMailbox[mailbox] ??= {})[String(row["folder"])] = num(row["n"]);
    messages += num(row["n"]);
  }
  const notes = [...(await store.all("SELECT note FROM notes ORDER BY seq")).map((row) => String(row["note"])), ...(extras.notes ?? [])];
  return {
    files: {
      total: fileRows.length,
      parsed: fileRows.filter((row) => row["format"] && !containers.has(String(row["format"])) && row["format"] !== "unknown").length,
      unrecognised: fileRows.filter((row) => row["format"] === "unknown").length,
      failed: fileRows.filter((row) => row["error"] !== null && row["error"] !== undefined).length,
    },
    records: fileRows.reduce((total, row) => total + num(row["records"]), 0),
    events,
    duplicates_dropped: { total: duplicates, by_file: byFile },
    warnings: num(warnings[0]?.["n"]),
    events_by_kind: eventsByKind,
    attacker_events: num(attacker[0]?.["n"]),
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
