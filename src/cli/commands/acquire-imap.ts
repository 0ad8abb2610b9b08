/**
 * `mailtrail acquire imap` (docs/output-contract.md, Acquisition). The password comes from the environment or a
 * hidden prompt, an OAuth2 token from the environment, never from the command line.
 */
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { acquireImap, type ImapSecurity } from "../../acquire/imap/imap.js";
import { createAcquireProgress, formatBytes } from "../../acquire/progress.js";
import { Redactor } from "../../acquire/secrets.js";
import { MailtrailError } from "../../model/errors.js";
import { defineCommand, progressStream, type CliContext } from "../context.js";
import { TOOL_VERSION } from "../stages.js";

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const muted = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolveLine) => rl.question("", resolveLine));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

async function imapAuth(redactor: Redactor, user: string): Promise<{ password: string } | { accessToken: string }> {
  const token = process.env["MAILTRAIL_IMAP_ACCESS_TOKEN"];
  const password = process.env["MAILTRAIL_IMAP_PASSWORD"];
  if (token !== undefined && token !== "") {
    redactor.add(token);
    return { accessToken: token };
  }
  if (password !== undefined && password !== "") {
    redactor.add(password);
    return { password };
  }
  if (process.stdin.isTTY !== true) {
    throw new MailtrailError("USAGE", "no IMAP credentials: set MAILTRAIL_IMAP_PASSWORD or MAILTRAIL_IMAP_ACCESS_TOKEN (no terminal to prompt on)");
  }
  const typed = await promptHidden(`IMAP password for ${user}: `);
  redactor.add(typed);
  return { password: typed };
}

export function acquireImapCommand(context: CliContext) {
  const { io } = context;
  return defineCommand({
    command: "imap",
    describe: "copy one account's mail read-only (EXAMINE, BODY.PEEK[]) as <folder>/<uid>.eml with a manifest of UIDs, flags and SHA-256",
    builder: (imap) =>
      imap
        .option("host", { type: "string", demandOption: true, describe: "IMAP server" })
        .option("port", { type: "number", describe: "port (default 993 with --tls, else 143)" })
        .option("tls", { type: "boolean", describe: "implicit TLS (the default)" })
        .option("starttls", { type: "boolean", describe: "plain connection upgraded with STARTTLS (fails if not offered)" })
        .option("plain", { type: "boolean", describe: "no encryption at all (lab use)" })
        .conflicts("tls", ["starttls", "plain"])
        .conflicts("starttls", "plain")
        .option("insecure", { type: "boolean", default: false, describe: "accept a certificate that does not verify (self-signed)" })
        .option("user", { type: "string", demandOption: true, describe: "login; password from MAILTRAIL_IMAP_PASSWORD (else a prompt) or an OAuth2 token from MAILTRAIL_IMAP_ACCESS_TOKEN" })
        .option("out", { type: "string", describe: "output folder (default ./mailtrail-acquisition/<host>); rerun with the same folder to resume" })
        .option("folders", { type: "string", array: true, describe: "folders to take, as globs (* any, % one level); default all" })
        .example("MAILTRAIL_IMAP_PASSWORD=... $0 acquire imap --host mail.example.org --user alice --out acq/alice", "copy alice's mailbox over TLS (993), read-only")
        .example("$0 acquire imap --host 10.0.0.5 --starttls --insecure --user bob --folders INBOX 'Sent*'", "only some folders, from a server with a self-signed certificate"),
    handler: async (args) => {
      const redactor = new Redactor();
      const security: ImapSecurity = args.starttls === true ? "starttls" : args.plain === true ? "plain" : "tls";
      const auth = await imapAuth(redactor, args.user);
      const out = resolve(args.out ?? `mailtrail-acquisition/${args.host}`);
      const progress = createAcquireProgress({ quiet: args.quiet, redactor, unit: "messages", stream: progressStream(io) });
      try {
        const result = await acquireImap({
          host: args.host,
          ...(args.port !== undefined ? { port: args.port } : {}),
          security,
          insecure: args.insecure,
          user: args.user,
          auth,
          out,
          ...(args.folders !== undefined ? { folders: args.folders.map(String) } : {}),
          toolVersion: TOOL_VERSION,
          redactor,
          progress,
        });
        progress.stop();
        if (args.json) io.stdout(`${redactor.redact(JSON.stringify(result, null, 2))}\n`);
        else {
          io.stdout(
            redactor.redact(
              `acquire imap: ${result.status}: ${result.taken} messages taken (${formatBytes(result.bytes)}), ${result.skipped} already there, ${result.folders} folders\n` +
                `  into ${result.accountDir}\n  manifest ${result.manifest}\n` +
                result.problems.map((problem) => `  problem: ${problem}\n`).join(""),
            ),
          );
        }
        if (result.status !== "complete") throw new MailtrailError("ACQUIRE", `acquisition incomplete (${result.problems.length} problems; see ${result.manifest})`);
      } finally {
        progress.stop();
      }
    },
  });
}
