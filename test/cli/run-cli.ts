import { readFileSync } from "node:fs";
import { parseString } from "fast-csv";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function runCli(args: string[]): Promise<CliResult> {
  const result: CliResult = { code: 0, stdout: "", stderr: "" };
  result.code = await main(args, {
    stdout: (text) => {
      result.stdout += text;
    },
    stderr: (text) => {
      result.stderr += text;
    },
  });
  return result;
}

/** A CSV output's text without the UTF-8 byte order mark it starts with (unless --no-bom). */
export function readCsvText(path: string): string {
  return readFileSync(path, "utf8").replace(/^\uFEFF/, "");
}

/** Reads a CSV output the way a spreadsheet would (fast-csv, header row as keys; the BOM is not part of the first column's name). */
export async function readCsvFile(path: string): Promise<Record<string, string>[]> {
  const text = readCsvText(path);
  return new Promise((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString(text, { headers: true })
      .on("data", (row: Record<string, string>) => rows.push(row))
      .on("error", reject)
      .on("end", () => resolve(rows));
  });
}
