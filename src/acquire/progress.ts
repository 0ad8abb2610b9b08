/**
 * Progress of an acquisition on stderr: a bar on a terminal (messages and bytes, or records and
 * pages), plain lines otherwise, nothing when quiet. Every line goes through the redactor.
 */
import cliProgress from "cli-progress";
import type { Redactor } from "./secrets.js";

export interface AcquireProgress {
  /** A line for the log (shown above the bar on a terminal). */
  log(text: string): void;
  /** Work grew by `units` (messages, records) expected. */
  expect(units: number): void;
  /** `units` done, `bytes` of them, under `label` (folder, query). */
  advance(units: number, bytes: number, label: string): void;
  stop(): void;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? "TB"}`;
}

export interface ProgressOptions {
  quiet: boolean;
  redactor: Redactor;
  /** What the units are: "messages", "records". */
  unit: string;
  /** Plain-line mode: one line every this many units. */
  every?: number;
  stream?: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): boolean };
}

export function createAcquireProgress(options: ProgressOptions): AcquireProgress {
  const stream = options.stream ?? process.stderr;
  const redact = (text: string) => options.redactor.redact(text);
  if (options.quiet) return { log: () => undefined, expect: () => undefined, advance: () => undefined, stop: () => undefined };
  let total = 0;
  let done = 0;
  let bytes = 0;
  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: `acquire {bar} {value}/{total} ${options.unit} | {bytes} | {label}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { bytes: formatBytes(0), label: "" });
    return {
      log: (text) => {
        // cli-progress has no "log above": clear the line, write, let the next update redraw.
        stream.write(`\r\x1b[K${redact(text)}\n`);
      },
      expect: (units) => {
        total += units;
        bar.setTotal(total);
      },
      advance: (units, more, label) => {
        done += units;
        bytes += more;
        bar.update(done, { bytes: formatBytes(bytes), label: redact(label.length > 40 ? `…${label.slice(-39)}` : label) });
      },
      stop: () => bar.stop(),
    };
  }
  const every = options.every ?? 500;
  let lastLine = 0;
  return {
    log: (text) => {
      stream.write(`mailtrail: ${redact(text)}\n`);
    },
    expect: (units) => {
      total += units;
    },
    advance: (units, more, label) => {
      done += units;
      bytes += more;
      if (done - lastLine >= every) {
        lastLine = done;
        stream.write(`mailtrail: ${done}/${total} ${options.unit}, ${formatBytes(bytes)} (${redact(label)})\n`);
      }
    },
    stop: () => undefined,
  };
}
