/**
 * `mailtrail acquire graph` (docs/output-contract.md, Acquisition). A client secret or bearer token comes from
 * the environment, a certificate from a file, never from the command line.
 */
import { resolve } from "node:path";
import { CLOUDS, TokenSource, buildCredential, chooseGraphAuth, type GraphCloud } from "../../acquire/graph/auth.js";
import { GRAPH_WHAT, acquireGraph, type GraphWhat } from "../../acquire/graph/graph.js";
import { accountDirName } from "../../acquire/imap/imap.js";
import { createAcquireProgress } from "../../acquire/progress.js";
import { Redactor } from "../../acquire/secrets.js";
import { MailtrailError } from "../../model/errors.js";
import { defineCommand, progressStream, type CliContext } from "../context.js";
import { TOOL_VERSION } from "../stages.js";

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

export function acquireGraphCommand(context: CliContext) {
  const { io } = context;
  return defineCommand({
    command: "graph",
    describe: "pull Entra sign-ins, the directory and the unified audit log from Microsoft Graph",
    builder: (graph) =>
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
        .option("device-code", { type: "boolean", describe: "sign in interactively with a device code" })
        .example("MAILTRAIL_GRAPH_CLIENT_SECRET=... $0 acquire graph --tenant contoso.onmicrosoft.com --client-id <app id> --since 2026-11-01", "sign-ins, directory and audit log since 1 November, with an app secret")
        .example("$0 acquire graph --tenant <id> --client-id <app id> --device-code --what signins", "sign-ins only, signing in at the terminal"),
    handler: async (args) => {
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
      const progress = createAcquireProgress({ quiet: args.quiet, redactor, unit: "records", every: 5000, stream: progressStream(io) });
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
        if (args.json) io.stdout(`${redactor.redact(JSON.stringify(result, null, 2))}\n`);
        else io.stdout(redactor.redact(`acquire graph: ${result.status}: ${result.records} records in ${result.pages} pages, ${result.files.length} files\n  manifest ${result.manifest}\n`));
      } finally {
        progress.stop();
      }
    },
  });
}
