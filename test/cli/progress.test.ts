/** Progress (src/cli/progress.ts): bytes across every file against the total known at discovery, stages, a line at least every interval off a terminal. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Found } from "../../src/evidence/discover.js";
import { createProgress } from "../../src/cli/progress.js";
import { folderFormats } from "../../src/formats/index.js";
import type { FileRow } from "../../src/store/case-store.js";

let clock = 0;
let lines: string[];

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  lines = [];
});

afterEach(() => {
  vi.useRealTimers();
});

const plain = (intervalMs = 5000) =>
  createProgress({
    quiet: false,
    stream: { isTTY: false, write: (text) => lines.push(text) > 0 },
    intervalMs,
    now: () => clock,
  });

const wait = (ms: number): void => {
  clock += ms;
  vi.advanceTimersByTime(ms);
};

const file = (rel: string, size: number): Extract<Found, { kind: "file" }> => ({ root: 0, kind: "file", abs: `/evidence/${rel}`, rel, size, mtime: new Date(0) });
const row = (path: string, records: number, extra: Partial<FileRow> = {}): FileRow => ({ fileId: 1, path, records, events: records, messages: 0, warnings: 0, ...extra });

describe("plain progress (off a terminal)", () => {
  it("measures bytes across all files and prints a line every interval on long work", () => {
    const progress = plain();
    const big = file("evidence/big.log", 3_000_000);
    const small = file("evidence/small.log", 1_000_000);
    progress.stage("ingest");
    // Discovery of a large tree takes time too: the line says what is going on.
    wait(5000);
    expect(lines).toEqual(["mailtrail: ingest: finding the evidence files... (5.0 s)\n"]);
    lines.length = 0;
    clock = 0;
    progress.observer.discovered?.([big, small]);
    expect(lines).toEqual(["mailtrail: ingest: 2 files and folders to read (3.8 MB)\n"]);
    let read = 0;
    progress.observer.itemStarted?.(big);
    progress.observer.fileStarted?.(big.rel, big.size, () => read);
    read = 1_500_000;
    wait(4999);
    expect(lines).toHaveLength(1);
    wait(1);
    expect(lines[1]).toBe("mailtrail: ingest 37% (1.4 MB of 3.8 MB), 0 of 2 done, 0 records, 0 warnings; reading evidence/big.log\n");
    read = 3_000_000;
    progress.observer.fileDone(row(big.rel, 1_200_000, { warnings: 2 }));
    progress.observer.itemDone?.(big);
    progress.observer.itemStarted?.(small);
    wait(5000);
    expect(lines[2]).toBe("mailtrail: ingest 75% (2.9 MB of 3.8 MB), 1 of 2 done, 1,200,000 records, 2 warnings; reading evidence/small.log\n");
    progress.observer.fileDone(row(small.rel, 10));
    progress.observer.itemDone?.(small);
    progress.stage("analysis");
    expect(lines.slice(3)).toEqual(["mailtrail: ingest done in 10.0 s: 2 files and folders (3.8 MB), 1,200,010 records, 2 warnings\n", "mailtrail: analysis...\n"]);
    wait(5000);
    wait(5000);
    expect(lines.slice(5)).toEqual(["mailtrail: analysis... (5.0 s)\n", "mailtrail: analysis... (10.0 s)\n"]);
    progress.stage("outputs");
    progress.stop();
    expect(lines.slice(7)).toEqual(["mailtrail: analysis done in 10.0 s\n", "mailtrail: outputs...\n", "mailtrail: outputs done in 0.0 s\n"]);
    // Stopped: no more lines.
    wait(60_000);
    expect(lines).toHaveLength(10);
  });

  it("a claimed folder counts with the bytes of every file in it, and a file that failed is told at once", () => {
    const dir = mkdtempSync(join(tmpdir(), "mailtrail-progress-"));
    mkdirSync(join(dir, "cur"));
    writeFileSync(join(dir, "cur", "1.eml"), Buffer.alloc(600));
    writeFileSync(join(dir, "dovecot-uidlist"), Buffer.alloc(400));
    const folder: Found = { root: 0, kind: "dir", abs: dir, rel: "exports/alice", format: folderFormats[0] as never, mtime: new Date(0) };
    const progress = plain();
    progress.stage("ingest");
    progress.observer.discovered?.([folder, file("x.gz", 1000)]);
    expect(lines[0]).toBe("mailtrail: ingest: 2 files and folders to read (2.0 KB)\n");
    progress.observer.itemStarted?.(folder);
    progress.observer.itemDone?.(folder);
    progress.observer.fileDone(row("x.gz", 0, { error: "gzip data is damaged or truncated" }));
    expect(lines[1]).toBe("mailtrail: x.gz: error: gzip data is damaged or truncated\n");
    wait(5000);
    expect(lines[2]).toBe("mailtrail: ingest 50% (1000 B of 2.0 KB), 1 of 2 done, 0 records, 0 warnings\n");
    progress.stop();
  });

  it("--quiet prints nothing", () => {
    const progress = createProgress({ quiet: true, stream: { isTTY: false, write: (text) => lines.push(text) > 0 } });
    progress.stage("ingest");
    progress.observer.discovered?.([file("a", 10)]);
    wait(60_000);
    progress.stop();
    expect(lines).toEqual([]);
  });
});

describe("terminal progress", () => {
  it("draws a bar in bytes while ingesting and a status line per later stage", () => {
    const progress = createProgress({ quiet: false, stream: { isTTY: true, write: (text) => lines.push(text) > 0 }, now: () => clock });
    const big = file("evidence/big.log", 4_000_000);
    progress.stage("ingest");
    progress.observer.discovered?.([big]);
    progress.observer.itemStarted?.(big);
    progress.observer.fileStarted?.(big.rel, big.size, () => 1_000_000);
    wait(1000);
    const drawn = lines.join("");
    expect(drawn).toContain("ingest ");
    expect(drawn).toContain("25% | 976.6 KB of 3.8 MB | 0/1 | 0 records | 0 warnings | evidence/big.log");
    progress.observer.itemDone?.(big);
    progress.stage("analysis");
    wait(1000);
    progress.stop();
    const after = lines.join("");
    expect(after).toContain("\r\x1b[2Kmailtrail: ingest done in 1.0 s: 1 files and folders (3.8 MB), 0 records, 0 warnings\n");
    expect(after).toContain("\r\x1b[2Kmailtrail: analysis... 1.0 s");
    expect(after.endsWith("\r\x1b[2Kmailtrail: analysis done in 1.0 s\n")).toBe(true);
  });
});
