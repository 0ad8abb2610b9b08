/** CSV headers of Microsoft 365 exports: read from the head for sniffing, normalised for lookup. */
import { CsvScanner } from "../../lib/csv.js";
import { headText } from "../../lib/text.js";

/** `TimeGenerated [UTC]` → `TimeGenerated`; `Application ID ` → `Application ID`; double spaces collapsed. */
export function normalizeHeader(name: string): string {
  return name.replace(/\s*\[UTC\]\s*$/i, "").replace(/\s+/g, " ").trim();
}

/** The header row of a CSV file from its first bytes (UTF-8, BOM or UTF-16), normalised. */
export function csvHeader(head: Buffer): string[] | undefined {
  const text = headText(head);
  const nl = text.indexOf("\n");
  if (nl === -1) return undefined;
  const scanner = new CsvScanner({ checkWidth: false });
  const items = [...scanner.push(text.slice(0, nl + 1)), ...scanner.end()];
  const first = items[0];
  if (!first || first.kind !== "record" || first.fields.length < 2) return undefined;
  return first.fields.map(normalizeHeader);
}

/** A row as an object keyed by header (the first of duplicate headers wins). */
export function rowObject(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) {
    const name = header[i] as string;
    if (!Object.hasOwn(row, name)) row[name] = fields[i] ?? "";
  }
  return row;
}
