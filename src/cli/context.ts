/** What main.ts hands every command: where to print, and the facts of this invocation. */
import type { CommandModule } from "yargs";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliContext {
  io: CliIo;
  /** When the command started (ISO 8601), recorded in the case. */
  startedAt: string;
  /** The command line as typed, quoted in manifest.json and the report. */
  commandLine: string;
}

/** The options main.ts sets for every command. */
export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
}

/** One command of the CLI: a yargs command module built for this invocation. */
export type CliCommand<U> = CommandModule<GlobalOptions, U>;

/** Keeps a command module's option types, inferred from its builder, for its handler. */
export function defineCommand<U>(command: CliCommand<U>): CliCommand<U> {
  return command;
}

/** The CLI's stderr as the stream a progress writer draws on (a bar only when both ends are terminals). */
export function progressStream(io: CliIo): { isTTY: boolean; write(text: string): boolean } {
  return {
    isTTY: process.stderr.isTTY === true && process.stdout.isTTY === true,
    write: (text) => {
      io.stderr(text);
      return true;
    },
  };
}
