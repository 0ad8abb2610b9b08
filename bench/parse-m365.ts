/**
 * Parser-only throughput of the Microsoft 365 parsers on generated files: records/s, MB/s and peak
 * RSS for sign-ins as NDJSON and as one JSON array, and for a Purview audit CSV.
 *
 *   npm run build && node dist/bench/parse-m365.js [records] [--dir <dir>] [--keep]
 *
 * `records` (default 200000) is the number of sign-ins; the CSV gets half as many rows (the issue's
 * 1 M / 500 k ratio). Files are written to `--dir` (default: a temporary folder) and deleted after
 * unless `--keep` (a `--dir` given is never removed, only the three files). `benchParseM365` is exported for `npm run bench`.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RecordRef } from "../src/model/events.js";
import type { FileFormat } from "../src/model/format.js";
import { entraSigninsJson } from "../src/formats/m365/entra-signins-json.js";
import { m365AuditCsv } from "../src/formats/m365/m365-audit-csv.js";
import { generatePurviewCsv, generateSignInsArray, generateSignInsNdjson } from "./gen-m365.js";

export interface ParseFigure {
  name: string;
  parser: string;
  bytes: number;
  records: number;
  warnings: number;
  seconds: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  peakRssMb: number;
}

/** Runs one parser over a file as the pipeline would (a file stream), sampling RSS as it goes. */
export async function measureParse(name: string, parser: FileFormat, path: string): Promise<ParseFigure> {
  const bytes = statSync(path).size;
  let warnings = 0;
  let records = 0;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const ctx = {
    warn: (_ref: RecordRef, _message: string) => {
      warnings += 1;
    },
    note: () => undefined,
    options: {},
  };
  const source = { file: path, path, size: bytes, mtime: new Date(), stream: () => createReadStream(path, { highWaterMark: 1 << 20 }) };
  const start = process.hrtime.bigint();
  for await (const item of parser.parse(source, ctx)) {
    if (item.kind !== "message") records += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    name,
    parser: parser.name,
    bytes,
    records,
    warnings,
    seconds,
    recordsPerSecond: Math.round(records / seconds),
    mbPerSecond: Math.round((bytes / 1e6 / seconds) * 10) / 10,
    peakRssMb: Math.round(peakRss / 1e6),
  };
}

export interface BenchOptions {
  signIns: number;
  dir?: string;
  keep?: boolean;
}

export async function benchParseM365(options: BenchOptions): Promise<ParseFigure[]> {
  // Only what this run made is deleted: the files, and the folder if it was made here.
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "mailtrail-m365-bench-"));
  const ndjson = join(dir, "signins.ndjson");
  const array = join(dir, "signins.json");
  const csv = join(dir, "purview.csv");
  const rows = Math.max(1, Math.floor(options.signIns / 2));
  try {
    await generateSignInsNdjson(ndjson, options.signIns);
    await generateSignInsArray(array, options.signIns);
    await generatePurviewCsv(csv, rows);
    const figures: ParseFigure[] = [];
    figures.push(await measureParse(`sign-ins NDJSON (${options.signIns})`, entraSigninsJson, ndjson));
    figures.push(await measureParse(`sign-ins JSON array (${options.signIns})`, entraSigninsJson, array));
    figures.push(await measureParse(`Purview CSV (${rows})`, m365AuditCsv, csv));
    return figures;
  } finally {
    if (!options.keep) {
      for (const file of [ndjson, array, csv]) rmSync(file, { force: true });
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    }
  }
}

function table(figures: readonly ParseFigure[]): string {
  const rows = figures.map((f) => [f.name, f.parser, (f.bytes / 1e6).toFixed(0), String(f.records), String(f.warnings), f.seconds.toFixed(2), String(f.recordsPerSecond), String(f.mbPerSecond), String(f.peakRssMb)]);
  const header = ["input", "parser", "MB", "records", "warnings", "s", "records/s", "MB/s", "peak RSS MB"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dirIndex = args.indexOf("--dir");
  const dir = dirIndex === -1 ? undefined : args[dirIndex + 1];
  const count = Number(args.find((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== "--dir") ?? 200_000);
  const figures = await benchParseM365({ signIns: count, dir, keep: args.includes("--keep") });
  process.stdout.write(`${table(figures)}\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
