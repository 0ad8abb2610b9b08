import { parsers } from "../formats/index.js";

export function formatsTable(json: boolean): string {
  const rows = parsers.map((parser) => ({ name: parser.name, description: parser.description, folder: parser.claimsDirectory !== undefined }));
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  const width = Math.max(...rows.map((row) => row.name.length));
  return `${rows.map((row) => `${row.name.padEnd(width)}  ${row.description}${row.folder ? " (folder)" : ""}`).join("\n")}\n`;
}
