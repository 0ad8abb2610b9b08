/** `mailtrail timeline <case>`: the three timeline files again, from the store. */
import { resolve } from "node:path";
import { writeTimelines } from "../../output/timeline.js";
import { CaseStore } from "../../store/case-store.js";
import { defineCommand, type CliContext } from "../context.js";
import { caseFolder, csvOptions } from "../options.js";

export function timelineCommand(context: CliContext) {
  return defineCommand({
    command: "timeline <case>",
    describe: "rewrite timeline.csv, timeline.jsonl and timesketch.jsonl from an existing case",
    builder: (argv) => csvOptions(caseFolder(argv)),
    handler: async (argv) => {
      const store = await CaseStore.open(resolve(argv.case));
      try {
        await store.allowLargeQueries();
        const stats = await writeTimelines(store, store.dir, { bom: argv.bom });
        context.io.stdout(argv.json ? `${JSON.stringify(stats)}\n` : `timeline: ${stats.events} events (${stats.attackerEvents} attacker) written to ${store.dir}\n`);
      } finally {
        await store.close();
      }
    },
  });
}
