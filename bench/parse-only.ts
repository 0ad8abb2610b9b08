/**
 * One parser alone over one file, no store and no output: the parse share of `mailtrail ingest`.
 * The bench runs it as its own process so its time and peak RSS are measured like the others.
 *
 *   node dist/bench/parse-only.js <file> [--year 2025] [--as <path relative to the evidence root>]
 *
 * Prints `{"parser", "items", "warnings"}` as JSON on stdout.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { RecordRef } from "../src/model/events.js";
import { HEAD_BYTES, type FileContext } from "../src/model/format.js";
import { fileFormats } from "../src/formats/index.js";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: parse-only.js <file> [--year N] [--as <relative path>]");
  const yearAt = process.argv.indexOf("--year");
  const year = yearAt > 0 ? Number(process.argv[yearAt + 1]) : undefined;
  const asAt = process.argv.indexOf("--as");
  const name = asAt > 0 ? (process.argv[asAt + 1] ?? basename(file)) : basename(file);
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(file, "r");
  const got = readSync(fd, head, 0, HEAD_BYTES, 0);
  closeSync(fd);
  const parser = fileFormats.find((candidate) => candidate.sniff(head.subarray(0, got), name));
  if (!parser) {
    process.stdout.write(`${JSON.stringify({ parser: null, items: 0, warnings: 0 })}\n`);
    return;
  }
  let warnings = 0;
  const ctx: FileContext = {
    warn: (_ref: RecordRef, _message: string) => {
      warnings += 1;
    },
    note: () => undefined,
    options: year === undefined ? {} : { year },
  };
  const stat = statSync(file);
  const source = { file: name, path: file, size: stat.size, mtime: stat.mtime, stream: () => createReadStream(file, { highWaterMark: 1 << 20 }) };
  let items = 0;
  for await (const _item of parser.parse(source, ctx)) items += 1;
  process.stdout.write(`${JSON.stringify({ parser: parser.name, items, warnings })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
