/** `mailtrail run <evidence..>`: the main job, every stage in one go. */
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, csvOptions, ingestOptions } from "../options.js";
import { analyzeStage, ingestStage, loadAnalysisInputs, outputStage, planIngest, withProgress } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function runCommand(context: CliContext) {
  return defineCommand({
    command: "run <evidence..>",
    describe: "the main job: ingest, analyse and write every output",
    builder: (argv) =>
      csvOptions(analyzeOptions(ingestOptions(argv)))
        .example("$0 run exports/ --out case --ioc ioc.yaml", "read every file under exports/, mark what the IOCs name, write the case to case/")
        .example("$0 run mail.log.1.gz signins.json --out case --tz Europe/Paris --year 2026", "logs without zone or year: say which")
        .example("$0 run exports/ --out case --directory staff.csv", "no IOC yet: the hunts name likely attacker addresses; people are named from the directory"),
    handler: async (argv) => {
      // Every option file is read before the first evidence byte: a typo fails in seconds.
      const plan = await planIngest({ ...argv, evidence: argv.evidence as string[] });
      const inputs = loadAnalysisInputs(argv);
      const result = await withProgress(context, argv.quiet, async (progress) => {
        const store = await ingestStage(plan, context.startedAt, progress);
        try {
          const analysis = await analyzeStage(store, inputs, progress);
          return await outputStage(store, context.commandLine, { analysis, csv: { bom: argv.bom }, progress });
        } finally {
          await store.close();
        }
      });
      printSummary(context.io, argv.json, "run", result);
    },
  });
}
