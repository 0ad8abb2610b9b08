/**
 * How `acquire graph` gets its bearer token (docs/output-contract.md, Acquisition): a ready token from
 * MAILTRAIL_GRAPH_ACCESS_TOKEN, a certificate (--certificate <pem>), the device-code flow
 * (--device-code) or a client secret from MAILTRAIL_GRAPH_CLIENT_SECRET. Secrets come from the
 * environment only and are handed to the redactor before anything can print them.
 */
import { AzureAuthorityHosts, ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential, type TokenCredential } from "@azure/identity";
import { MailtrailError } from "../../model/errors.js";
import type { Redactor } from "../secrets.js";

export type GraphCloud = "global" | "usgov" | "china";

export const CLOUDS: Record<GraphCloud, { graph: string; authority: string }> = {
  global: { graph: "https://graph.microsoft.com", authority: AzureAuthorityHosts.AzurePublicCloud },
  usgov: { graph: "https://graph.microsoft.us", authority: AzureAuthorityHosts.AzureGovernment },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", authority: AzureAuthorityHosts.AzureChina },
};

export type GraphAuthChoice =
  | { kind: "access-token"; token: string }
  | { kind: "certificate"; certificatePath: string }
  | { kind: "device-code" }
  | { kind: "client-secret"; secret: string };

export const TOKEN_ENV = "MAILTRAIL_GRAPH_ACCESS_TOKEN";
export const SECRET_ENV = "MAILTRAIL_GRAPH_CLIENT_SECRET";

/** Picks the one way to authenticate the options and environment give; two at once is a usage error. */
export function chooseGraphAuth(env: NodeJS.ProcessEnv, options: { certificate?: string; deviceCode?: boolean }, redactor: Redactor): GraphAuthChoice {
  const token = env[TOKEN_ENV];
  const secret = env[SECRET_ENV];
  redactor.add(token);
  redactor.add(secret);
  const choices: GraphAuthChoice[] = [];
  if (token !== undefined && token !== "") choices.push({ kind: "access-token", token });
  if (options.certificate !== undefined) choices.push({ kind: "certificate", certificatePath: options.certificate });
  if (options.deviceCode === true) choices.push({ kind: "device-code" });
  if (secret !== undefined && secret !== "") choices.push({ kind: "client-secret", secret });
  const first = choices[0];
  if (first === undefined) {
    throw new MailtrailError("USAGE", `no credentials: set ${SECRET_ENV} or ${TOKEN_ENV}, or give --certificate <pem> or --device-code`);
  }
  if (choices.length > 1) {
    throw new MailtrailError("USAGE", `several credentials given (${choices.map((choice) => choice.kind).join(", ")}): keep exactly one`);
  }
  return first;
}

export interface CredentialRequest {
  tenant: string;
  clientId: string;
  authorityHost: string;
  /** Shows the device-code instructions (stderr). */
  prompt: (message: string) => void;
}

/** The @azure/identity credential for a choice; a ready token needs none. Constructing makes no request. */
export function buildCredential(choice: GraphAuthChoice, request: CredentialRequest): TokenCredential | undefined {
  const options = { authorityHost: request.authorityHost };
  switch (choice.kind) {
    case "access-token":
      return undefined;
    case "client-secret":
      return new ClientSecretCredential(request.tenant, request.clientId, choice.secret, options);
    case "certificate":
      return new ClientCertificateCredential(request.tenant, request.clientId, { certificatePath: choice.certificatePath }, options);
    case "device-code":
      return new DeviceCodeCredential({
        ...options,
        tenantId: request.tenant,
        clientId: request.clientId,
        userPromptCallback: (info) => request.prompt(info.message),
      });
    default: {
      const never: never = choice;
      return never;
    }
  }
}

/** Gets (and caches until shortly before expiry) a bearer token; every token is registered as a secret. */
export class TokenSource {
  private cached: { token: string; expires: number } | undefined;

  constructor(
    private readonly choice: GraphAuthChoice,
    private readonly credential: TokenCredential | undefined,
    private readonly scope: string,
    private readonly redactor: Redactor,
  ) {}

  async token(): Promise<string> {
    if (this.choice.kind === "access-token") return this.choice.token;
    if (this.cached !== undefined && this.cached.expires - 120_000 > Date.now()) return this.cached.token;
    if (this.credential === undefined) throw new MailtrailError("INTERNAL", "no credential for a token");
    let got;
    try {
      got = await this.credential.getToken(this.scope);
    } catch (error) {
      throw this.redactor.error("AUTH", `could not get a Microsoft Graph token (${this.choice.kind}): `, error);
    }
    if (got === null) throw new MailtrailError("AUTH", `could not get a Microsoft Graph token (${this.choice.kind})`);
    this.redactor.add(got.token);
    this.cached = { token: got.token, expires: got.expiresOnTimestamp };
    return got.token;
  }
}
