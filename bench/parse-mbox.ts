/**
 * Index-pass benchmark of the mbox parser alone (no store): MB/s, messages/s and peak RSS, next
 * to `grep -c '^From '` over the same file in the same run.
 *
 *   node dist/bench/parse-mbox.js [file.mbox | --generate <MB>]
 */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RecordRef } from "../src/model/events.js";
import { mbox } from "../src/formats/mailbox/mbox.js";
import { generateMbox } from "./gen-mbox.js";

export interface MboxBenchResult {
  file: string;
  bytes: number;
  messages: number;
  warnings: number;
  seconds: number;
  mbPerSecond: number;
  messagesPerSecond: number;
  peakRssMb: number;
  grepFromLines?: number;
  grepSeconds?: number;
  grepMbPerSecond?: number;
}

const MB = 1024 * 1024;

/** Times the mbox parser over `path` (1 MiB reads, as the pipeline's file streams). */
export async function benchParseMbox(path: string): Promise<MboxBenchResult> {
  const bytes = statSync(path).size;
  const grep = spawnSync("grep", ["-c", "^From ", path], { encoding: "utf8" });
  const grepStart = process.hrtime.bigint();
  const grepAgain = spawnSync("grep", ["-c", "^From ", path], { encoding: "utf8" });
  const grepSeconds = Number(process.hrtime.bigint() - grepStart) / 1e9;
  let messages = 0;
  let warnings = 0;
  const ctx = {
    warn: (_ref: RecordRef, _message: string) => {
      warnings += 1;
    },
    note: () => undefined,
    options: {},
  };
  const source = {
    file: "bench/alice@agency.example/Inbox/mbox",
    path,
    size: bytes,
    mtime: new Date(),
    stream: () => createReadStream(path, { highWaterMark: MB }),
  };
  const start = process.hrtime.bigint();
  for await (const item of mbox.parse(source, ctx)) {
    if (item.kind === "message") messages += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result: MboxBenchResult = {
    file: path,
    bytes,
    messages,
    warnings,
    seconds,
    mbPerSecond: bytes / MB / seconds,
    messagesPerSecond: messages / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  if (grep.status === 0 && grepAgain.status === 0) {
    result.grepFromLines = Number(grepAgain.stdout.trim());
    result.grepSeconds = grepSeconds;
    result.grepMbPerSecond = bytes / MB / grepSeconds;
  }
  return result;
}

async function main(args: string[]): Promise<void> {
  let path = args[0];
  let scratch: string | undefined;
  if (path === undefined || path === "--generate") {
    const megabytes = Number(args[1] ?? 512);
    scratch = mkdtempSync(join(tmpdir(), "mailtrail-bench-"));
    path = join(scratch, "bench.mbox");
    const generated = await generateMbox(path, megabytes * MB);
    process.stderr.write(`generated ${path}: ${(generated.bytes / MB).toFixed(0)} MB, ${generated.messages} messages\n`);
  }
  if (!existsSync(path)) throw new Error(`no such file: ${path}`);
  if (scratch !== undefined) {
    // Parse in a fresh process so that its peak RSS is the parser's, not the generator's.
    try {
      spawnSync(process.execPath, [process.argv[1] ?? "", path], { stdio: "inherit" });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return;
  }
  {
    const result = await benchParseMbox(path);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stderr.write(
      `mbox index pass: ${result.mbPerSecond.toFixed(0)} MB/s, ${result.messagesPerSecond.toFixed(0)} messages/s, ` +
        `${result.messages} messages, peak RSS ${result.peakRssMb.toFixed(0)} MB; ` +
        `grep -c '^From ': ${result.grepFromLines ?? "?"} lines at ${result.grepMbPerSecond?.toFixed(0) ?? "?"} MB/s\n`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
