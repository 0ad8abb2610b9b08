#!/usr/bin/env node
/**
 * The `mailtrail` command line (docs/output-contract.md): assembles the commands (one module each, in
 * commands/), sets the global options and maps errors to exit codes.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { exitCodeFor, MailtrailError } from "../model/errors.js";
import { acquireCommand } from "./commands/acquire.js";
import { affectedCommand } from "./commands/affected.js";
import { analyzeCommand } from "./commands/analyze.js";
import { formatsCommand } from "./commands/formats.js";
import { ingestCommand } from "./commands/ingest.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { timelineCommand } from "./commands/timeline.js";
import { verifyCommand } from "./commands/verify.js";
import type { CliContext, CliIo } from "./context.js";
import { TOOL_VERSION } from "./stages.js";

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function buildCli(args: string[], io: CliIo = defaultIo): Argv {
  const context: CliContext = { io, startedAt: new Date().toISOString(), commandLine: ["mailtrail", ...args].join(" ") };
  return (
    yargs(args)
      .scriptName("mailtrail")
      .version(TOOL_VERSION)
      .option("json", { type: "boolean", default: false, describe: "print the summary as JSON on stdout" })
      .option("quiet", { type: "boolean", default: false, describe: "no progress on stderr" })
      // In the order --help lists them.
      .command(acquireCommand(context))
      .command(reportCommand(context))
      .command(runCommand(context))
      .command(ingestCommand(context))
      .command(analyzeCommand(context))
      .command(affectedCommand(context))
      .command(timelineCommand(context))
      .command(formatsCommand(context))
      .command(verifyCommand(context))
      .demandCommand(1, "name a command (see --help)")
      .recommendCommands()
      .example("$0 run exports/ --out case --ioc ioc.yaml", "the main job: every output of the case in case/")
      .example("$0 analyze case --ioc ioc-v2.yaml", "the analysis again with new IOCs, without re-parsing")
      .example("$0 run --help", "every option of a command")
      .strict()
      .help()
      .exitProcess(false)
      .fail((message, error) => {
        if (error) throw error;
        throw new MailtrailError("USAGE", message);
      })
  );
}

/** Runs the CLI; resolves to the exit code (0 done, 1 failure, 2 usage). */
export async function main(args: string[], io: CliIo = defaultIo): Promise<number> {
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
