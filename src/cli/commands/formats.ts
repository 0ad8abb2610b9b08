/** `mailtrail formats`: the parsers and what each reads. */
import { formats } from "../../formats/index.js";
import { defineCommand, type CliContext } from "../context.js";

export function formatsTable(json: boolean): string {
  const rows = formats.map((format) => ({ name: format.name, description: format.description, folder: format.kind === "folder" }));
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  const width = Math.max(...rows.map((row) => row.name.length));
  return `${rows.map((row) => `${row.name.padEnd(width)}  ${row.description}${row.folder ? " (folder)" : ""}`).join("\n")}\n`;
}

export function formatsCommand(context: CliContext) {
  return defineCommand({
    command: "formats",
    describe: "list the parsers and what each reads",
    builder: (argv) => argv,
    handler: (argv) => context.io.stdout(formatsTable(argv.json)),
  });
}
