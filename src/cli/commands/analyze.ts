/** `mailtrail analyze <case>`: the analysis again on an existing case, without re-parsing. */
import { resolve } from "node:path";
import { CaseStore } from "../../store/case-store.js";
import { defineCommand, type CliContext } from "../context.js";
import { analyzeOptions, caseFolder } from "../options.js";
import { analyzeStage, outputStage } from "../stages.js";
import { printSummary } from "../summary-text.js";

export function analyzeCommand(context: CliContext) {
  return defineCommand({
    command: "analyze <case>",
    describe: "re-run the analysis of an existing case (new IOCs, directory) without re-parsing",
    builder: (argv) => analyzeOptions(caseFolder(argv)),
    handler: async (argv) => {
      const store = await CaseStore.open(resolve(argv.case));
      try {
        const analysis = await analyzeStage(store, argv);
        printSummary(context.io, argv.json, "analyze", await outputStage(store, context.commandLine, analysis));
      } finally {
        await store.close();
      }
    },
  });
}
