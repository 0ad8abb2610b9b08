/**
 * What CloudTrail's `requestParameters` / `responseElements` say, in fields: the accounts they
 * name, what was redacted, policy documents written as text, what a share call added or removed,
 * the resources named, and the credentials a call issued.
 */
import type { CloudResource, IssuedCredential } from "../../model/events.js";
import { arnAccount, awsTime, compact, field, isAccountId, isObj, REDACTED, text, type Obj } from "./values.js";

export interface ParameterFacts {
  accountsNamed: string[];
  redacted: string[];
  policies: Record<string, unknown>;
  shares: { op: "add" | "remove"; with: string }[];
}

const MAX_DEPTH = 32;
const POLICY_KEY = /polic/i;

/** A policy document written as JSON text or URL-encoded JSON (`%7B%0A…`), decoded; else undefined. */
function decodePolicy(value: string): unknown {
  const trimmed = value.trim();
  let textForm: string | undefined;
  if (trimmed.startsWith("{")) textForm = trimmed;
  else if (/^%7B/i.test(trimmed)) {
    try {
      textForm = decodeURIComponent(trimmed.replace(/\+/g, "%20"));
    } catch {
      return undefined;
    }
  }
  if (textForm === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(textForm);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `items: [{userId}|{group: "all"}|{groups: "all"}]` of an EC2 `add` / `remove`. */
function shareItems(list: unknown, op: "add" | "remove", out: ParameterFacts["shares"]): void {
  const items = isObj(list) ? list.items : list;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!isObj(item)) continue;
    const who = text(item.userId) ?? text(item.group) ?? text(item.groups);
    if (who !== undefined) out.push({ op, with: who });
  }
}

function walk(value: unknown, path: string, depth: number, facts: ParameterFacts, accounts: Set<string>): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === "string") {
    if (REDACTED.has(value)) facts.redacted.push(path);
    else if (isAccountId(value)) accounts.add(value);
    else {
      const account = arnAccount(value);
      if (account !== undefined) accounts.add(account);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1, facts, accounts));
    return;
  }
  if (!isObj(value)) return;
  for (const key of Object.keys(value)) {
    const child = value[key];
    const childPath = path === "" ? key : `${path}.${key}`;
    if (typeof child === "string" && POLICY_KEY.test(key)) {
      const policy = decodePolicy(child);
      if (policy !== undefined) {
        facts.policies[childPath] = policy;
        walk(policy, childPath, depth + 1, facts, accounts);
        continue;
      }
    }
    // EC2 launch / create-volume permissions and RDS snapshot attributes: who was given access.
    if ((key === "add" || key === "remove") && (isObj(child) || Array.isArray(child))) shareItems(child, key, facts.shares);
    if ((key === "valuesToAdd" || key === "valuesToRemove") && Array.isArray(child)) {
      for (const who of child) if (typeof who === "string") facts.shares.push({ op: key === "valuesToAdd" ? "add" : "remove", with: who });
    }
    walk(child, childPath, depth + 1, facts, accounts);
  }
}

export function parameterFacts(request: Obj | undefined, response: Obj | undefined): ParameterFacts {
  const facts: ParameterFacts = { accountsNamed: [], redacted: [], policies: {}, shares: [] };
  const accounts = new Set<string>();
  if (request) walk(request, "requestParameters", 0, facts, accounts);
  if (response) walk(response, "responseElements", 0, facts, accounts);
  facts.accountsNamed = [...accounts].sort();
  return facts;
}

/** Request parameters that name a resource, with the resource type they name. */
const PARAMETER_RESOURCES: readonly (readonly [string, string])[] = [
  ["bucketName", "AWS::S3::Bucket"],
  ["s3BucketName", "AWS::S3::Bucket"],
  ["snapshotId", "AWS::EC2::Snapshot"],
  ["sourceSnapshotId", "AWS::EC2::Snapshot"],
  ["imageId", "AWS::EC2::Image"],
  ["volumeId", "AWS::EC2::Volume"],
  ["instanceId", "AWS::EC2::Instance"],
  ["groupId", "AWS::EC2::SecurityGroup"],
  ["dBSnapshotIdentifier", "AWS::RDS::DBSnapshot"],
  ["dBClusterSnapshotIdentifier", "AWS::RDS::DBClusterSnapshot"],
  ["dBInstanceIdentifier", "AWS::RDS::DBInstance"],
  ["dBClusterIdentifier", "AWS::RDS::DBCluster"],
  ["sourceArn", ""],
  ["roleArn", "AWS::IAM::Role"],
  ["roleName", "AWS::IAM::Role"],
  ["userName", "AWS::IAM::User"],
  ["policyArn", "AWS::IAM::Policy"],
  ["secretId", "AWS::SecretsManager::Secret"],
  ["functionName", "AWS::Lambda::Function"],
  ["tableName", "AWS::DynamoDB::Table"],
  ["trailName", "AWS::CloudTrail::Trail"],
  ["detectorId", "AWS::GuardDuty::Detector"],
  ["organizationId", "AWS::WorkMail::Organization"],
  ["kmsKeyArn", "AWS::KMS::Key"],
  ["keyId", "AWS::KMS::Key"],
  ["name", "AWS::CloudTrail::Trail"],
];

/** The table with each name's PascalCase form (the CLI's), computed once. */
const PARAMETER_LOOKUP = PARAMETER_RESOURCES.map(([key, type]) => [key, type, key.charAt(0).toUpperCase() + key.slice(1)] as const);

/** Parameters whose meaning depends on the service: `organizationId` is a WorkMail organisation, `name` a trail. */
const SERVICE_OF_PARAMETER: Record<string, string> = { organizationId: "workmail", name: "cloudtrail." };

function resourceOf(value: string, type: string): CloudResource {
  const isArn = value.startsWith("arn:");
  return compact<CloudResource>({ type: type || undefined, arn: isArn ? value : undefined, id: isArn ? undefined : value, accountId: arnAccount(value) });
}

/** `resources[]` of the record, then the resources its request parameters name. */
export function resourcesOf(record: Obj, service: string, request: Obj | undefined): CloudResource[] {
  const out: CloudResource[] = [];
  const seen = new Set<string>();
  const add = (resource: CloudResource): void => {
    const key = resource.arn ?? `${resource.type ?? ""}|${resource.id ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(resource);
  };
  if (Array.isArray(record.resources)) {
    for (const entry of record.resources) {
      if (!isObj(entry)) continue;
      const arn = text(entry.ARN) ?? text(entry.arn);
      const prefix = text(entry.ARNPrefix);
      const resource = compact<CloudResource>({ type: text(entry.type), arn: arn ?? prefix, id: text(entry.id), accountId: text(entry.accountId), prefix: prefix !== undefined && arn === undefined ? true : undefined });
      if (resource.arn !== undefined || resource.id !== undefined || resource.type !== undefined) add(resource);
    }
  }
  if (!request) return out;
  for (const [key, type, pascal] of PARAMETER_LOOKUP) {
    const value = request[key] ?? request[pascal];
    if (value === undefined) continue;
    const only = SERVICE_OF_PARAMETER[key];
    if (only !== undefined && !service.startsWith(only)) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      const name = text(one);
      if (name === undefined) continue;
      add(key === "bucketName" || key === "s3BucketName" ? { type, arn: `arn:aws:s3:::${name}` } : resourceOf(name, type));
    }
  }
  // EC2 `instancesSet.items[].instanceId`.
  const set = field(request, "instancesSet");
  if (isObj(set) && Array.isArray(set.items)) {
    for (const item of set.items) {
      const id = isObj(item) ? text(item.instanceId) : undefined;
      if (id !== undefined) add({ type: "AWS::EC2::Instance", id });
    }
  }
  return out;
}

/** STS and IAM calls that hand out credentials: the new key, for whom, until when. */
export function issuedCredentials(response: Obj | undefined): IssuedCredential[] {
  if (!response) return [];
  const out: IssuedCredential[] = [];
  const credentials = objectOf(response, "credentials");
  const sessionKey = credentials ? text(field(credentials, "accessKeyId")) : undefined;
  if (credentials && sessionKey !== undefined) {
    const user = objectOf(response, "assumedRoleUser") ?? objectOf(response, "federatedUser");
    out.push(compact<IssuedCredential>({ accessKeyId: sessionKey, type: "session", principal: user ? text(field(user, "arn")) : undefined, expiration: awsTime(field(credentials, "expiration")) }));
  }
  const accessKey = objectOf(response, "accessKey");
  const longKey = accessKey ? text(field(accessKey, "accessKeyId")) : undefined;
  if (accessKey && longKey !== undefined) out.push(compact<IssuedCredential>({ accessKeyId: longKey, type: "access-key", principal: text(field(accessKey, "userName")) }));
  return out;
}

function objectOf(record: Obj, key: string): Obj | undefined {
  const value = field(record, key);
  return isObj(value) ? value : undefined;
}
