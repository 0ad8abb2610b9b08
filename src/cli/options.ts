/** Option groups shared by several commands: what `ingest` takes, what `analyze` takes, the case folder. */
import type { Argv } from "yargs";

/** The evidence and how to read it (`run`, `ingest`). */
export function ingestOptions<T>(argv: Argv<T>) {
  return argv
    .positional("evidence", { type: "string", array: true, demandOption: true, describe: "evidence files or folders (recursively; .gz/.zip read in place)" })
    .option("out", { type: "string", demandOption: true, describe: "output folder (the case); refused when it holds another case or other files, unless --force" })
    .option("force", { type: "boolean", default: false, describe: "write the case into --out even when it holds another case or other files (mailtrail replaces only its own files)" })
    .option("tz", { type: "string", describe: "zone of log timestamps that carry none: an IANA name (Europe/Paris) or a fixed offset (+02:00, -0530, UTC+2); default UTC" })
    .option("year", { type: "string", describe: "year of the first line of logs whose timestamps carry none, e.g. 2026 (default: inferred from the file time)" })
    .option("format", { type: "string", describe: "use this parser for every file instead of sniffing (see 'mailtrail formats')" })
    .option("jobs", { type: "number", default: 1, describe: "files read at once: accepted, but has no effect in this version (files are read one at a time)" })
    .option("mailbox-map", { type: "string", describe: "CSV (path,mailbox) naming the owner of mailbox exports whose path does not" });
}

/** What the analysis is told (`run`, `analyze`, `affected`). */
export function analyzeOptions<T>(argv: Argv<T>) {
  return argv
    .option("ioc", { type: "string", describe: "IOC file (YAML or one IP/CIDR per line)" })
    .option("directory", { type: "string", describe: "directory CSV mapping addresses and logins to people" })
    .option("expand", { type: "boolean", default: false, describe: "follow strong pivots and mark them as attacker activity" })
    .option("hunt-config", { type: "string", describe: "YAML overriding thresholds and word lists of rules/hunts.yaml" });
}

/** How CSV outputs are written (`run`, `analyze`, `affected`, `timeline`). */
export function csvOptions<T>(argv: Argv<T>) {
  return argv.option("bom", { type: "boolean", default: true, describe: "start CSV files with a UTF-8 byte order mark so spreadsheets read them right; --no-bom for scripts" });
}

/** The `<case>` positional of the commands that work on an existing case. */
export function caseFolder<T>(argv: Argv<T>) {
  return argv.positional("case", { type: "string", demandOption: true, describe: "the case (output) folder" });
}
