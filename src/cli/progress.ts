/**
 * Progress on stderr (docs/output-contract.md): a bar on a terminal, plain lines otherwise, nothing
 * with --quiet. Ingest is measured in bytes against the total known at discovery; the analysis and
 * output stages, which cannot be measured, show their name and the time spent. Off a terminal a
 * line is printed when a stage starts and ends, at least every few seconds while one runs, and at
 * once for a file that could not be read.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { formatBytes } from "../acquire/progress.js";
import type { Found } from "../evidence/discover.js";
import type { IngestObserver } from "../evidence/pipeline.js";
import type { FileRow } from "../store/case-store.js";

/** Where progress is drawn (the CLI's stderr; see progressStream in context.ts). */
export interface ProgressStream {
  isTTY: boolean;
  write(text: string): boolean;
}

export interface ProgressOptions {
  quiet: boolean;
  stream: ProgressStream;
  /** Plain lines: the longest silence while work goes on (default 5 s). */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface Progress {
  /** What the ingest pipeline reports to. */
  readonly observer: IngestObserver;
  /** A stage starts (`ingest`, `analysis`, `outputs`); the one before it ends. */
  stage(name: string): void;
  /** The last stage ends; timers and the bar go. */
  stop(): void;
}

const DEFAULT_INTERVAL_MS = 5000;
const TTY_REDRAW_MS = 250;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const count = (value: number): string => value.toLocaleString("en-US");

/** Bytes of every regular file under a folder (links not followed, as discovery does not). */
function treeBytes(dir: string): number {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        try {
          total += lstatSync(path).size;
        } catch {
          // Gone since discovery: the pipeline will say so.
        }
      }
    }
  }
  return total;
}

function itemBytes(item: Found): number {
  if (item.kind === "file") return item.size;
  if (item.kind === "dir") return treeBytes(item.abs);
  return 0;
}

/** What the ingest stage has done so far, in the numbers both displays show. */
class IngestTally {
  totalBytes = 0;
  totalItems = 0;
  doneBytes = 0;
  doneItems = 0;
  records = 0;
  warnings = 0;
  current = "";
  private sizes = new Map<Found, number>();
  private currentSize = 0;
  private bytesRead: (() => number) | undefined;

  /** Discovery is done: the totals are known. */
  found = false;

  discovered(found: readonly Found[]): void {
    this.found = true;
    for (const item of found) {
      const size = itemBytes(item);
      this.sizes.set(item, size);
      this.totalBytes += size;
    }
    this.totalItems = found.length;
  }

  itemStarted(item: Found): void {
    this.current = item.rel;
    this.currentSize = this.sizes.get(item) ?? 0;
    this.bytesRead = undefined;
  }

  fileStarted(path: string, bytesRead: () => number): void {
    // Only a discovered file's own bytes measure the item (an archive member's do not).
    this.bytesRead = path === this.current ? bytesRead : undefined;
  }

  fileDone(file: FileRow): void {
    this.records += file.records;
    this.warnings += file.warnings;
  }

  itemDone(): void {
    this.doneBytes += this.currentSize;
    this.doneItems += 1;
    this.currentSize = 0;
    this.bytesRead = undefined;
    this.current = "";
  }

  /** Bytes read: finished items, plus how far into the current file the parser is. */
  get readBytes(): number {
    const inCurrent = this.bytesRead ? Math.min(this.bytesRead(), this.currentSize) : 0;
    return this.doneBytes + inCurrent;
  }

  get percent(): number {
    return this.totalBytes > 0 ? Math.floor((this.readBytes / this.totalBytes) * 100) : this.totalItems > 0 ? Math.floor((this.doneItems / this.totalItems) * 100) : 0;
  }

  line(): string {
    const reading = this.current ? `; reading ${this.current}` : "";
    return `ingest ${this.percent}% (${formatBytes(this.readBytes)} of ${formatBytes(this.totalBytes)}), ${count(this.doneItems)} of ${count(this.totalItems)} done, ${count(this.records)} records, ${count(this.warnings)} warnings${reading}`;
  }

  summary(): string {
    return `${count(this.totalItems)} files and folders (${formatBytes(this.totalBytes)}), ${count(this.records)} records, ${count(this.warnings)} warnings`;
  }
}

const SILENT: Progress = {
  observer: { fileDone: () => undefined },
  stage: () => undefined,
  stop: () => undefined,
};

export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) return SILENT;
  return options.stream.isTTY ? new TerminalProgress(options) : new PlainProgress(options);
}

/** The shared part: stages, their clock and the ingest tally. */
abstract class StagedProgress implements Progress {
  protected readonly tally = new IngestTally();
  protected readonly stream: ProgressStream;
  protected readonly now: () => number;
  protected stageName: string | undefined;
  protected stageStart = 0;
  private timer: NodeJS.Timeout | undefined;

  readonly observer: IngestObserver = {
    discovered: (found) => {
      this.tally.discovered(found);
      this.onDiscovered();
    },
    itemStarted: (item) => this.tally.itemStarted(item),
    fileStarted: (path, _bytes, bytesRead) => this.tally.fileStarted(path, bytesRead),
    fileDone: (file) => {
      this.tally.fileDone(file);
      if (file.error) this.onFileError(file);
    },
    itemDone: () => this.tally.itemDone(),
  };

  constructor(
    options: ProgressOptions,
    private readonly tickMs: number,
  ) {
    this.stream = options.stream;
    this.now = options.now ?? Date.now;
  }

  stage(name: string): void {
    this.endStage();
    this.stageName = name;
    this.stageStart = this.now();
    this.onStageStart();
    this.timer = setInterval(() => this.onTick(), this.tickMs);
    // Progress never keeps the process alive.
    this.timer.unref();
  }

  stop(): void {
    this.endStage();
  }

  private endStage(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stageName === undefined) return;
    this.onStageEnd(`${this.stageName} done in ${seconds(this.now() - this.stageStart)}${this.stageName === "ingest" ? `: ${this.tally.summary()}` : ""}`);
    this.stageName = undefined;
  }

  protected elapsed(): string {
    return seconds(this.now() - this.stageStart);
  }

  protected abstract onDiscovered(): void;
  protected abstract onFileError(file: FileRow): void;
  protected abstract onStageStart(): void;
  protected abstract onTick(): void;
  protected abstract onStageEnd(line: string): void;
}

/** Off a terminal: whole lines, never more than `intervalMs` apart while a stage runs. */
class PlainProgress extends StagedProgress {
  constructor(options: ProgressOptions) {
    super(options, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  private print(text: string): void {
    this.stream.write(`mailtrail: ${text}\n`);
  }

  protected onDiscovered(): void {
    this.print(`ingest: ${count(this.tally.totalItems)} files and folders to read (${formatBytes(this.tally.totalBytes)})`);
  }

  protected onFileError(file: FileRow): void {
    this.print(`${file.path}: error: ${String(file.error)}`);
  }

  protected onStageStart(): void {
    if (this.stageName !== "ingest") this.print(`${String(this.stageName)}...`);
  }

  protected onTick(): void {
    if (this.stageName === "ingest" && this.tally.found) this.print(this.tally.line());
    // Before discovery has counted the evidence (a large tree), only the time can be told.
    else this.print(`${this.stageName === "ingest" ? "ingest: finding the evidence files" : String(this.stageName)}... (${this.elapsed()})`);
  }

  protected onStageEnd(line: string): void {
    this.print(line);
  }
}

/** On a terminal: a bar in bytes while ingesting, a redrawn status line in the other stages. */
class TerminalProgress extends StagedProgress {
  private bar: cliProgress.SingleBar | undefined;

  constructor(options: ProgressOptions) {
    super(options, TTY_REDRAW_MS);
  }

  private barValues(): Record<string, string> {
    const current = this.tally.current;
    return {
      done: formatBytes(this.tally.readBytes),
      // `total` and `value` are cli-progress's own names.
      whole: formatBytes(this.tally.totalBytes),
      items: `${count(this.tally.doneItems)}/${count(this.tally.totalItems)}`,
      records: count(this.tally.records),
      warnings: count(this.tally.warnings),
      file: current.length > 40 ? `…${current.slice(-39)}` : current,
    };
  }

  protected onDiscovered(): void {
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as unknown as NodeJS.WritableStream,
        format: "ingest {bar} {percentage}% | {done} of {whole} | {items} | {records} records | {warnings} warnings | {file}",
        hideCursor: true,
        clearOnComplete: true,
        noTTYOutput: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(this.tally.totalBytes, 1), 0, this.barValues());
  }

  protected onFileError(file: FileRow): void {
    this.bar?.stop();
    this.stream.write(`mailtrail: ${file.path}: error: ${String(file.error)}\n`);
    this.bar?.start(Math.max(this.tally.totalBytes, 1), this.tally.readBytes, this.barValues());
  }

  protected onStageStart(): void {
    if (this.stageName !== "ingest") this.onTick();
  }

  protected onTick(): void {
    if (this.stageName === "ingest") this.bar?.update(this.tally.readBytes, this.barValues());
    else this.stream.write(`\r\x1b[2Kmailtrail: ${String(this.stageName)}... ${this.elapsed()}`);
  }

  protected onStageEnd(line: string): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
    this.stream.write(`\r\x1b[2Kmailtrail: ${line}\n`);
  }
}
