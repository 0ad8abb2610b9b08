/**
 * `mailtrail acquire imap` and `mailtrail acquire graph` (docs/output-contract.md, Acquisition). Secrets come
 * from the environment (or a hidden prompt for the IMAP password), never from the command line.
 */
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { Argv } from "yargs";
import { CLOUDS, TokenSource, buildCredential, chooseGraphAuth, type GraphCloud } from "../acquire/graph/auth.js";
import { GRAPH_WHAT, acquireGraph, type GraphWhat } from "../acquire/graph/graph.js";
import { accountDirName, acquireImap, type ImapSecurity } from "../acquire/imap/imap.js";
import { createAcquireProgress, formatBytes } from "../acquire/progress.js";
import { Redactor } from "../acquire/secrets.js";
import { MailtrailError } from "../model/errors.js";
import { TOOL_VERSION } from "./stages.js";

export interface AcquireIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

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

function progressStream(io: AcquireIo): { isTTY: boolean; write(text: string): boolean } {
  return {
    isTTY: process.stderr.isTTY === true && process.stdout.isTTY === true,
    write: (text) => {
      io.stderr(text);
      return true;
    },
  };
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

function parseWhat(value: string | undefined): GraphWhat[] {
  const names = (value ?? GRAPH_WHAT.join(",")).split(",").map((name) => name.trim()).filter((name) => name.length > 0);
  const unknown = names.filter((name) => !(GRAPH_WHAT as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new MailtrailError("USAGE", `--what takes ${GRAPH_WHAT.join(",")} (got ${value ?? ""})`);
  return names as GraphWhat[];
}

function isoOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new MailtrailError("USAGE", `--${name} ${value} is not a date or ISO 8601 time`);
  return new Date(ms).toISOString();
}

export function registerAcquire<T>(argv: Argv<T>, io: AcquireIo): Argv<T> {
  return argv.command("acquire", "collect evidence over IMAP or from Microsoft Graph (read-only)", (acquire) =>
    acquire
      .command(
        "imap",
        "copy one account's mail read-only (EXAMINE, BODY.PEEK[]) as <folder>/<uid>.eml with a manifest of UIDs, flags and SHA-256",
        (imap) =>
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
            .option("folders", { type: "string", array: true, describe: "folders to take, as globs (* any, % one level); default all" }),
        async (args) => {
          const redactor = new Redactor();
          const security: ImapSecurity = args.starttls === true ? "starttls" : args.plain === true ? "plain" : "tls";
          const auth = await imapAuth(redactor, args.user);
          const out = resolve(args.out ?? `mailtrail-acquisition/${args.host}`);
          const quiet = (args as { quiet?: boolean }).quiet === true;
          const progress = createAcquireProgress({ quiet, redactor, unit: "messages", stream: progressStream(io) });
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
            if ((args as { json?: boolean }).json === true) io.stdout(`${redactor.redact(JSON.stringify(result, null, 2))}\n`);
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
      )
      .command(
        "graph",
        "pull Entra sign-ins, the directory and the unified audit log from Microsoft Graph",
        (graph) =>
          graph
            .option("tenant", { type: "string", demandOption: true, describe: "tenant id or domain" })
            .option("client-id", { type: "string", demandOption: true, describe: "application (client) id" })
            .option("since", { type: "string", describe: "start of the period (ISO 8601; default 30 days before --until)" })
            .option("until", { type: "string", describe: "end of the period (ISO 8601; default now)" })
            .option("what", { type: "string", describe: `what to pull, comma-separated (default ${GRAPH_WHAT.join(",")})` })
            .option("out", { type: "string", describe: "output folder (default ./mailtrail-acquisition/graph-<tenant>); rerun with the same folder to resume" })
            .option("cloud", { type: "string", choices: ["global", "usgov", "china"], default: "global", describe: "national cloud" })
            .option("graph-url", { type: "string", describe: "Graph root URL (national cloud or compatible endpoint); overrides --cloud" })
            .option("certificate", { type: "string", describe: "PEM file with the app's certificate and private key" })
            .option("device-code", { type: "boolean", describe: "sign in interactively with a device code" }),
        async (args) => {
          const redactor = new Redactor();
          const choice = chooseGraphAuth(process.env, { ...(args.certificate !== undefined ? { certificate: args.certificate } : {}), ...(args["device-code"] === true ? { deviceCode: true } : {}) }, redactor);
          const cloud = CLOUDS[args.cloud as GraphCloud];
          const graphUrl = (args["graph-url"] ?? cloud.graph).replace(/\/+$/, "");
          try {
            new URL(graphUrl);
          } catch {
            throw new MailtrailError("USAGE", `--graph-url ${graphUrl} is not a URL`);
          }
          const credential = buildCredential(choice, {
            tenant: args.tenant,
            clientId: args["client-id"],
            authorityHost: cloud.authority,
            prompt: (message) => io.stderr(`${message}\n`),
          });
          const tokens = new TokenSource(choice, credential, `${new URL(graphUrl).origin}/.default`, redactor);
          const quiet = (args as { quiet?: boolean }).quiet === true;
          const progress = createAcquireProgress({ quiet, redactor, unit: "records", every: 5000, stream: progressStream(io) });
          const since = isoOption("since", args.since);
          const until = isoOption("until", args.until);
          try {
            const result = await acquireGraph({
              tenant: args.tenant,
              clientId: args["client-id"],
              graphUrl,
              authKind: choice.kind,
              tokens,
              ...(since !== undefined ? { since } : {}),
              ...(until !== undefined ? { until } : {}),
              what: parseWhat(args.what),
              out: resolve(args.out ?? `mailtrail-acquisition/graph-${accountDirName(args.tenant)}`),
              toolVersion: TOOL_VERSION,
              redactor,
              progress,
            });
            progress.stop();
            if ((args as { json?: boolean }).json === true) io.stdout(`${redactor.redact(JSON.stringify(result, null, 2))}\n`);
            else io.stdout(redactor.redact(`acquire graph: ${result.status}: ${result.records} records in ${result.pages} pages, ${result.files.length} files\n  manifest ${result.manifest}\n`));
          } finally {
            progress.stop();
          }
        },
      )
      .demandCommand(1, "name a source: imap or graph"),
  );
}
