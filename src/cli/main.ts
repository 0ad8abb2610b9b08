#!/usr/bin/env node
/** The `mailtrail` command line (docs/output-contract.md). */
import { resolve } from "node:path";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { exitCodeFor, MailtrailError } from "../model/errors.js";
import { CaseStore } from "../store/case-store.js";
import { writeTimelines } from "../output/timeline.js";
import { formatsTable } from "./formats.js";
import { analyzeStage, ingestStage, outputStage, TOOL_VERSION, type OutputResult } from "./stages.js";
import { affectedText, humanSummary } from "./summary-text.js";
import { verifyCase } from "./verify.js";
import { registerAcquire } from "./acquire-command.js";
import { registerReportCommand } from "./report-command.js";

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function ingestOptions<T>(argv: Argv<T>) {
  return argv
    .positional("evidence", { type: "string", array: true, demandOption: true, describe: "evidence files or folders (recursively; .gz/.zip read in place)" })
    .option("out", { type: "string", demandOption: true, describe: "output folder (the case)" })
    .option("tz", { type: "string", describe: "IANA zone of log timestamps that carry none (default UTC)" })
    .option("year", { type: "number", describe: "year of the first line of logs whose timestamps carry none (default: inferred from the file time)" })
    .option("format", { type: "string", describe: "use this parser for every file instead of sniffing (see 'mailtrail formats')" })
    .option("jobs", { type: "number", default: 1, describe: "files read at once (accepted; this version reads one file at a time)" })
    .option("mailbox-map", { type: "string", describe: "CSV (path,mailbox) naming the owner of mailbox exports whose path does not" });
}

function analyzeOptions<T>(argv: Argv<T>) {
  return argv
    .option("ioc", { type: "string", describe: "IOC file (YAML or one IP/CIDR per line)" })
    .option("directory", { type: "string", describe: "directory CSV mapping addresses and logins to people" })
    .option("expand", { type: "boolean", default: false, describe: "follow strong pivots and mark them as attacker activity" })
    .option("hunt-config", { type: "string", describe: "YAML overriding thresholds and word lists of rules/hunts.yaml" });
}

function report(result: OutputResult, json: boolean, io: Io, command: string): void {
  if (json) io.stdout(`${JSON.stringify(result.summary, null, 2)}\n`);
  else io.stdout(humanSummary(command, result.summary, result.outDir));
}

export function buildCli(args: string[], io: Io = defaultIo): Argv {
  const startedAt = new Date().toISOString();
  const commandLine = ["mailtrail", ...args].join(" ");
  return registerReportCommand(registerAcquire(yargs(args), io), io)
    .scriptName("mailtrail")
    .version(TOOL_VERSION)
    .option("json", { type: "boolean", default: false, describe: "print the summary as JSON on stdout" })
    .option("quiet", { type: "boolean", default: false, describe: "no progress on stderr" })
    .command(
      "run <evidence..>",
      "the main job: ingest, analyse and write every output",
      (argv) => analyzeOptions(ingestOptions(argv)),
      async (argv) => {
        const store = await ingestStage({ ...argv, evidence: argv.evidence as string[] }, startedAt);
        try {
          const analysis = await analyzeStage(store, argv);
          report(await outputStage(store, commandLine, analysis), argv.json, io, "run");
        } finally {
          await store.close();
        }
      },
    )
    .command(
      "ingest <evidence..>",
      "parse the evidence into a case store (manifest, warnings, summary; no analysis, no timeline)",
      (argv) => ingestOptions(argv),
      async (argv) => {
        const store = await ingestStage({ ...argv, evidence: argv.evidence as string[] }, startedAt);
        try {
          report(await outputStage(store, commandLine), argv.json, io, "ingest");
        } finally {
          await store.close();
        }
      },
    )
    .command(
      "analyze <case>",
      "re-run the analysis of an existing case (new IOCs, directory) without re-parsing",
      (argv) => analyzeOptions(argv.positional("case", { type: "string", demandOption: true, describe: "the case (output) folder" })),
      async (argv) => {
        const store = await CaseStore.open(resolve(argv.case));
        try {
          const analysis = await analyzeStage(store, argv);
          report(await outputStage(store, commandLine, analysis), argv.json, io, "analyze");
        } finally {
          await store.close();
        }
      },
    )
    .command(
      "affected <case>",
      "re-run the analysis of an existing case and print the affected people (writes every analysis output)",
      (argv) => analyzeOptions(argv.positional("case", { type: "string", demandOption: true, describe: "the case (output) folder" })),
      async (argv) => {
        const store = await CaseStore.open(resolve(argv.case));
        try {
          const analysis = await analyzeStage(store, argv);
          await outputStage(store, commandLine, analysis);
          io.stdout(argv.json ? `${JSON.stringify(analysis.affected, null, 2)}\n` : affectedText(analysis.affected, store.dir));
        } finally {
          await store.close();
        }
      },
    )
    .command(
      "timeline <case>",
      "rewrite timeline.csv, timeline.jsonl and timesketch.jsonl from an existing case",
      (argv) => argv.positional("case", { type: "string", demandOption: true }),
      async (argv) => {
        const store = await CaseStore.open(resolve(argv.case));
        try {
          await store.allowLargeQueries();
          const stats = await writeTimelines(store, store.dir);
          io.stdout(argv.json ? `${JSON.stringify(stats)}\n` : `timeline: ${stats.events} events (${stats.attackerEvents} attacker) written to ${store.dir}\n`);
        } finally {
          await store.close();
        }
      },
    )
    .command(
      "formats",
      "list the parsers and what each reads",
      (argv) => argv,
      (argv) => {
        io.stdout(formatsTable(argv.json));
      },
    )
    .command(
      "verify <case>",
      "re-hash the evidence against the case's manifest.json",
      (argv) => argv.positional("case", { type: "string", demandOption: true }),
      async (argv) => {
        const result = await verifyCase(resolve(argv.case));
        io.stdout(argv.json ? `${JSON.stringify(result, null, 2)}\n` : result.text);
        if (result.mismatches.length > 0 || result.missing.length > 0) {
          throw new MailtrailError("VERIFY_MISMATCH", `${result.mismatches.length} changed and ${result.missing.length} missing evidence files`);
        }
      },
    )
    .demandCommand(1, "name a command (see --help)")
    .strict()
    .help()
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new MailtrailError("USAGE", message);
    });
}

/** Runs the CLI; resolves to the exit code (0 done, 1 failure, 2 usage). */
export async function main(args: string[], io: Io = defaultIo): Promise<number> {
  try {
    await buildCli(args, io).parseAsync();
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`mailtrail: ${message}\n`);
    if (code === 2) io.stderr("(see mailtrail --help)\n");
    if (!(error instanceof MailtrailError) && process.env["MAILTRAIL_DEBUG"]) io.stderr(`${(error as Error).stack ?? ""}\n`);
    return code;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(hideBin(process.argv)).then((code) => {
    process.exitCode = code;
  });
}
