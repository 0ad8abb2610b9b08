/** Reads the small files of a case folder for the report; a missing file is `null`, never an error. */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import Papa from "papaparse";
import { unneutralizeCell } from "../csv-safe.js";
import { FINDING_IDS_CAP, type EvidenceFile, type ReportFinding, type Table } from "./data.js";

export interface Problems {
  list: string[];
}

function readJson(path: string, problems: Problems): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    problems.list.push(`${path.split("/").pop() ?? path}: unreadable (${(error as Error).message})`);
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str).filter((text) => text !== "") : [];
}

export function readSummary(path: string, problems: Problems): Record<string, unknown> | null {
  const value = readJson(path, problems);
  return isRecord(value) ? value : null;
}

export interface ManifestInfo {
  version: string;
  command: string;
  files: EvidenceFile[];
}

export function readManifest(path: string, problems: Problems): ManifestInfo {
  const value = readJson(path, problems);
  if (!isRecord(value)) return { version: "", command: "", files: [] };
  const files = Array.isArray(value["files"]) ? value["files"].filter(isRecord) : [];
  return {
    version: str(value["version"]),
    command: str(value["command"]),
    files: files.map((file) => ({
      path: str(file["path"]),
      parser: str(file["parser"]),
      format: str(file["format"]),
      size: typeof file["size"] === "number" ? file["size"] : null,
      sha256: str(file["sha256"]),
      records: num(file["records"]),
      events: num(file["events"]),
      messages: num(file["messages"]),
      warnings: num(file["warnings"]),
      duplicates: num(file["duplicates"]),
      error: str(file["error"]),
    })),
  };
}

export function readFindings(path: string, problems: Problems): ReportFinding[] | null {
  const value = readJson(path, problems);
  if (!Array.isArray(value)) return null;
  return value.filter(isRecord).map((finding) => {
    const ids = strings(finding["eventIds"]);
    return {
      id: str(finding["id"]),
      rule: str(finding["rule"]),
      title: str(finding["title"]),
      severity: str(finding["severity"]),
      technique: str(finding["technique"]),
      techniqueName: str(finding["techniqueName"]),
      explanation: str(finding["explanation"]),
      accounts: strings(finding["accounts"]),
      ips: strings(finding["ips"]),
      first: str(finding["first"]),
      last: str(finding["last"]),
      strength: str(finding["strength"]),
      eventIds: ids.slice(0, FINDING_IDS_CAP),
      eventCount: ids.length,
    };
  });
}

/** A CSV file of the case, streamed (affected-employees.csv, exposed-messages.csv). */
export async function readCsv(path: string, problems: Problems): Promise<Table | null> {
  if (!existsSync(path)) return null;
  const name = path.split("/").pop() ?? path;
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, skipEmptyLines: true });
  createReadStream(path, { encoding: "utf8" }).pipe(parser);
  let columns: string[] | undefined;
  const rows: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<unknown>) {
      const cells = Array.isArray(record) ? record.map((cell) => unneutralizeCell(str(cell))) : [];
      // The byte order mark spreadsheets need (docs/output-contract.md) is not part of the first column's name.
      if (!columns) columns = cells.map((cell, index) => (index === 0 ? cell.replace(/^\uFEFF/, "") : cell));
      else rows.push(cells);
    }
  } catch (error) {
    problems.list.push(`${name}: unreadable (${(error as Error).message})`);
    return null;
  }
  return { columns: columns ?? [], rows };
}
