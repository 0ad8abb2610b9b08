/** `mailtrail report <case>`: report.html again, from the files of a case folder. */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MailtrailError } from "../../model/errors.js";
import { REPORT_FILE, writeReport } from "../../output/report/index.js";
import { defineCommand, type CliContext } from "../context.js";
import { caseFolder } from "../options.js";

/** The case files the report is built from; a folder holding none of them is not a case. */
const CASE_MARKERS = ["summary.json", "manifest.json", "timeline.jsonl"];

async function reportCase(caseDir: string): Promise<string> {
  const dir = resolve(caseDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MailtrailError("NOT_A_CASE", `no such case folder: ${caseDir}`);
  if (!CASE_MARKERS.some((name) => existsSync(join(dir, name)))) {
    throw new MailtrailError("NOT_A_CASE", `${caseDir} is not a case folder (none of ${CASE_MARKERS.join(", ")}; run 'mailtrail run' first)`);
  }
  await writeReport(dir);
  return join(dir, REPORT_FILE);
}

export function reportCommand(context: CliContext) {
  return defineCommand({
    command: "report <case>",
    describe: "rewrite report.html (the page for people) from the files of an existing case",
    builder: (argv) => caseFolder(argv),
    handler: async (argv) => {
      const path = await reportCase(String(argv.case));
      context.io.stdout(argv.json ? `${JSON.stringify({ report: path })}\n` : `report: written to ${path}\n`);
    },
  });
}
