/** `mailtrail analyze <case>`: the analysis again on an existing case, without re-parsing. */
import { resolve } from "node:path";
import { CaseStore } from "../../store/case-store.js";
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, caseFolder, csvOptions } from "../options.js";
import { analyzeStage, loadAnalysisInputs, outputStage, withProgress } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function analyzeCommand(context: CliContext) {
  return defineCommand({
    command: "analyze <case>",
    describe: "re-run the analysis of an existing case (new IOCs, directory) without re-parsing",
    builder: (argv) =>
      csvOptions(analyzeOptions(caseFolder(argv)))
        .example("$0 analyze case --ioc ioc-v2.yaml", "new IOCs: marks, findings and every output again, without re-parsing")
        .example("$0 analyze case --ioc ioc.yaml --expand", "also follow the strong pivots (addresses sharing the attacker's sessions)"),
    handler: async (argv) => {
      const inputs = loadAnalysisInputs(argv);
      const store = await CaseStore.open(resolve(argv.case));
      try {
        const result = await withProgress(context, argv.quiet, async (progress) => {
          const analysis = await analyzeStage(store, inputs, progress);
          return outputStage(store, context.commandLine, { analysis, csv: { bom: argv.bom }, progress });
        });
        printSummary(context.io, argv.json, "analyze", result);
      } finally {
        await store.close();
      }
    },
  });
}
