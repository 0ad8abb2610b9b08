/** `mailtrail affected <case>`: `analyze`, then the affected people on stdout. */
import { resolve } from "node:path";
import { CaseStore } from "../../store/case-store.js";
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, caseFolder, csvOptions } from "../options.js";
import { analyzeStage, loadAnalysisInputs, outputStage, withProgress } from "../stages.js";
import { affectedText } from "../summary-text.js";

export function affectedCommand(context: CliContext) {
  return defineCommand({
    command: "affected <case>",
    describe: "re-run the analysis of an existing case and print the affected people (writes every analysis output)",
    builder: (argv) =>
      csvOptions(analyzeOptions(caseFolder(argv)))
        .example("$0 affected case --ioc ioc.yaml --directory staff.csv", "the people to notify, strongest exposure first (also in case/affected-employees.csv)")
        .example("$0 affected case --ioc ioc.yaml --json", "the same as JSON, for scripts"),
    handler: async (argv) => {
      const inputs = loadAnalysisInputs(argv);
      const store = await CaseStore.open(resolve(argv.case));
      try {
        const analysis = await withProgress(context, argv.quiet, async (progress) => {
          const result = await analyzeStage(store, inputs, progress);
          await outputStage(store, context.commandLine, { analysis: result, csv: { bom: argv.bom }, progress });
          return result;
        });
        context.io.stdout(argv.json ? `${JSON.stringify(analysis.affected, null, 2)}\n` : affectedText(analysis.affected, store.dir));
      } finally {
        await store.close();
      }
    },
  });
}
