import cliProgress from "cli-progress";
import type { FileRow } from "../store/case-store.js";
import type { IngestObserver } from "../evidence/pipeline.js";

/** Progress on stderr: a bar on a terminal, plain lines otherwise, nothing when quiet. */
export function createProgress(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): IngestObserver & { stop(): void } {
  if (quiet) return { fileStarted: () => undefined, fileDone: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: "ingest {bar} {value} files | {records} records | {warnings} warnings | {file}", hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let files = 0;
    let records = 0;
    let warnings = 0;
    bar.start(1, 0, { records, warnings, file: "" });
    return {
      fileStarted: (path) => bar.update(files, { file: path.length > 40 ? `…${path.slice(-39)}` : path }),
      fileDone: (file: FileRow) => {
        files += 1;
        records += file.records;
        warnings += file.warnings;
        bar.setTotal(files + 1);
        bar.update(files, { records, warnings });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    fileStarted: () => undefined,
    fileDone: (file: FileRow) => {
      const what = file.error ? `error: ${file.error}` : `${file.format ?? "?"}, ${file.records} records, ${file.warnings} warnings`;
      stream.write(`mailtrail: ${file.path}: ${what}\n`);
    },
    stop: () => undefined,
  };
}
