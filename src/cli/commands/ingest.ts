/** `mailtrail ingest <evidence..>`: the first stage of `run` alone. */
import { defineCommand, type CliContext } from "../context.js";
import { ingestOptions } from "../options.js";
import { ingestStage, outputStage } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function ingestCommand(context: CliContext) {
  return defineCommand({
    command: "ingest <evidence..>",
    describe: "parse the evidence into a case store (manifest, warnings, summary; no analysis, no timeline)",
    builder: (argv) => ingestOptions(argv),
    handler: async (argv) => {
      const store = await ingestStage({ ...argv, evidence: argv.evidence as string[] }, context.startedAt);
      try {
        printSummary(context.io, argv.json, "ingest", await outputStage(store, context.commandLine));
      } finally {
        await store.close();
      }
    },
  });
}
