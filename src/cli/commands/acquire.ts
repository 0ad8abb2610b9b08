/** `mailtrail acquire imap|graph` (docs/output-contract.md, Acquisition): collection, one subcommand per source. */
import { defineCommand, type CliContext } from "../context.js";
import { acquireGraphCommand } from "./acquire-graph.js";
import { acquireImapCommand } from "./acquire-imap.js";

export function acquireCommand(context: CliContext) {
  return defineCommand({
    command: "acquire",
    describe: "collect evidence over IMAP or from Microsoft Graph (read-only)",
    builder: (argv) =>
      argv
        .command(acquireImapCommand(context))
        .command(acquireGraphCommand(context))
        .demandCommand(1, "name a source: imap or graph")
        .example("$0 acquire imap --host mail.example.org --user alice", "one account's mail over IMAP (see 'mailtrail acquire imap --help')")
        .example("$0 acquire graph --tenant <id> --client-id <app id>", "Entra sign-ins, the directory and the audit log (see 'mailtrail acquire graph --help')"),
    // Never reached: a source must be named.
    handler: () => undefined,
  });
}
