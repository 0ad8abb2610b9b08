import { formats } from "../formats/index.js";

export function formatsTable(json: boolean): string {
  const rows = formats.map((format) => ({ name: format.name, description: format.description, folder: format.kind === "folder" }));
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  const width = Math.max(...rows.map((row) => row.name.length));
  return `${rows.map((row) => `${row.name.padEnd(width)}  ${row.description}${row.folder ? " (folder)" : ""}`).join("\n")}\n`;
}
