/** `mailtrail ingest <evidence..>`: the first stage of `run` alone. */
import { defineCommand, type CliContext } from "../context.js";
import { ingestOptions } from "../options.js";
import { ingestStage, outputStage, planIngest, withProgress } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function ingestCommand(context: CliContext) {
  return defineCommand({
    command: "ingest <evidence..>",
    describe: "parse the evidence into a case store (manifest, warnings, summary; no analysis, no timeline)",
    builder: (argv) => ingestOptions(argv).example("$0 ingest exports/ --out case", "parse once; then 'mailtrail analyze case --ioc ioc.yaml' as often as the IOCs change"),
    handler: async (argv) => {
      const plan = await planIngest({ ...argv, evidence: argv.evidence as string[] });
      const result = await withProgress(context, argv.quiet, async (progress) => {
        const store = await ingestStage(plan, context.startedAt, progress);
        try {
          return await outputStage(store, context.commandLine, { progress });
        } finally {
          await store.close();
        }
      });
      printSummary(context.io, argv.json, "ingest", result);
    },
  });
}
