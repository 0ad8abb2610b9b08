import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function runCli(args: string[]): Promise<CliResult> {
  const result: CliResult = { code: 0, stdout: "", stderr: "" };
  result.code = await main(args, {
    stdout: (text) => {
      result.stdout += text;
    },
    stderr: (text) => {
      result.stderr += text;
    },
  });
  return result;
}
