/** `mailtrail report <case>`: rebuild report.html from the files of an existing case folder. */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { MailtrailError } from "../model/errors.js";
import { REPORT_FILE, writeReport } from "../output/report/index.js";

export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The case files the report is built from; a folder holding none of them is not a case. */
const CASE_MARKERS = ["summary.json", "manifest.json", "timeline.jsonl"];

export async function reportCase(caseDir: string): Promise<string> {
  const dir = resolve(caseDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MailtrailError("NOT_A_CASE", `no such case folder: ${caseDir}`);
  if (!CASE_MARKERS.some((name) => existsSync(join(dir, name)))) {
    throw new MailtrailError("NOT_A_CASE", `${caseDir} is not a case folder (none of ${CASE_MARKERS.join(", ")}; run 'mailtrail run' first)`);
  }
  await writeReport(dir);
  return join(dir, REPORT_FILE);
}

/** Registers `report <case>` on the CLI; returns the same yargs instance for chaining. */
export function registerReportCommand<T>(argv: Argv<T>, io: ReportIo): Argv<T> {
  return argv.command(
    "report <case>",
    "rewrite report.html (the page for people) from the files of an existing case",
    (yargs) => yargs.positional("case", { type: "string", demandOption: true, describe: "the case (output) folder" }),
    async (args) => {
      const path = await reportCase(String(args.case));
      const json = (args as { json?: unknown }).json === true;
      io.stdout(json ? `${JSON.stringify({ report: path })}\n` : `report: written to ${path}\n`);
    },
  );
}
