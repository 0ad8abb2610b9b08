/** `mailtrail run <evidence..>`: the main job, every stage in one go. */
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, ingestOptions } from "../options.js";
import { analyzeStage, ingestStage, outputStage } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function runCommand(context: CliContext) {
  return defineCommand({
    command: "run <evidence..>",
    describe: "the main job: ingest, analyse and write every output",
    builder: (argv) => analyzeOptions(ingestOptions(argv)),
    handler: async (argv) => {
      const store = await ingestStage({ ...argv, evidence: argv.evidence as string[] }, context.startedAt);
      try {
        const analysis = await analyzeStage(store, argv);
        printSummary(context.io, argv.json, "run", await outputStage(store, context.commandLine, analysis));
      } finally {
        await store.close();
      }
    },
  });
}
