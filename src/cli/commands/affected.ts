/** `mailtrail affected <case>`: `analyze`, then the affected people on stdout. */
import { resolve } from "node:path";
import { CaseStore } from "../../store/case-store.js";
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, caseFolder } from "../options.js";
import { analyzeStage, outputStage } from "../stages.js";
import { affectedText } from "../summary-text.js";

export function affectedCommand(context: CliContext) {
  return defineCommand({
    command: "affected <case>",
    describe: "re-run the analysis of an existing case and print the affected people (writes every analysis output)",
    builder: (argv) => analyzeOptions(caseFolder(argv)),
    handler: async (argv) => {
      const store = await CaseStore.open(resolve(argv.case));
      try {
        const analysis = await analyzeStage(store, argv);
        await outputStage(store, context.commandLine, analysis);
        context.io.stdout(argv.json ? `${JSON.stringify(analysis.affected, null, 2)}\n` : affectedText(analysis.affected, store.dir));
      } finally {
        await store.close();
      }
    },
  });
}
