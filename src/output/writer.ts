import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { format, type CsvFormatterStream, type FormatterRow as Row } from "fast-csv";
import { neutralizeCell } from "./csv-safe.js";

const BATCH_CHARS = 256 * 1024;

/**
 * A text file written line by line with backpressure (outputs are streamed, never built whole).
 * Lines are gathered into batches: one write per line cost more than building them.
 */
export class LineWriter {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= BATCH_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    if (!this.stream.write(batch)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}

/** How CSV outputs are written (`--no-bom`). */
export interface CsvOptions {
  /**
   * Start the file with a UTF-8 byte order mark (the default): without it Excel reads UTF-8 as the
   * local code page and every accented name and subject comes out garbled. Scripts may not want it.
   */
  bom: boolean;
}

export const DEFAULT_CSV: CsvOptions = { bom: true };

const BOM = "\uFEFF";

/** A CSV file (fast-csv) whose every cell is formula-neutralised; the header row is written even when no row follows. */
export class CsvWriter {
  private readonly csv: CsvFormatterStream<Row, Row>;
  private readonly file: WriteStream;

  constructor(path: string, headers: readonly string[], options: CsvOptions = DEFAULT_CSV) {
    this.file = createWriteStream(path, { encoding: "utf8" });
    // fast-csv's own writeBOM only comes with the first row: an empty file would have none.
    if (options.bom) this.file.write(BOM);
    this.csv = format({ headers: [...headers], writeHeaders: true, alwaysWriteHeaders: true, includeEndRowDelimiter: true });
    this.csv.pipe(this.file);
  }

  async write(cells: readonly (string | number | undefined | null)[]): Promise<void> {
    const row = cells.map((cell) => (cell === undefined || cell === null ? "" : neutralizeCell(String(cell))));
    if (!this.csv.write(row)) await once(this.csv, "drain");
  }

  async close(): Promise<void> {
    this.csv.end();
    await once(this.file, "finish");
  }
}
