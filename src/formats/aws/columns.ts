/**
 * CloudTrail records that arrive as columns (the console's Event history CSV, CloudTrail Lake and
 * Athena result CSVs, Lake `get-query-results` rows) rebuilt as the record they came from, so one
 * record mapper serves every shape. Nested fields come as JSON text or as the SQL engine's
 * `{key=value, …}` rendering of a struct; both are read.
 */
import { isObj, text, type Obj } from "./values.js";

/** Columns that hold the whole record as JSON. */
const WHOLE_RECORD = new Set(["cloudtrailevent", "eventjson", "raw", "message", "record"]);

/** CloudTrail's field names, by their lower-case form (SQL engines lower-case struct keys). */
const NAMES = [
  "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
  "errorCode", "errorMessage", "requestParameters", "responseElements", "additionalEventData", "requestID", "eventID",
  "readOnly", "resources", "eventType", "apiVersion", "managementEvent", "recipientAccountId", "sharedEventID",
  "vpcEndpointId", "eventCategory", "tlsDetails", "sessionCredentialFromConsole", "serviceEventDetails", "insightDetails",
  "addendum", "type", "principalId", "arn", "accountId", "accessKeyId", "userName", "sessionContext", "attributes",
  "creationDate", "mfaAuthenticated", "sessionIssuer", "webIdFederationData", "invokedBy", "sourceIdentity",
  "ec2RoleDelivery", "identityProvider", "onBehalfOf", "userId", "identityStoreArn", "credentialId", "tlsVersion",
  "cipherSuite", "clientProvidedHostHeader", "bytesTransferredIn", "bytesTransferredOut", "MFAUsed", "LoginTo",
  "MobileVersion", "MFAIdentifier", "AuthenticationMethod", "SignatureVersion", "CipherSuite", "bucketName", "key",
  "prefix", "roleArn", "roleSessionName", "ARN", "ARNPrefix", "entityId", "organizationId", "snapshotId",
];
/** Lower-case form → name; where two names share one (`arn` / `ARN`), the first listed wins. */
const CANONICAL = new Map<string, string>();
for (const name of NAMES) if (!CANONICAL.has(name.toLowerCase())) CANONICAL.set(name.toLowerCase(), name);

/** The Event history console's column titles (spaces and dashes dropped, lower-cased), as record paths. */
const CONSOLE_COLUMNS: Record<string, string> = {
  username: "userIdentity.userName",
  awsaccesskey: "userIdentity.accessKeyId",
};

/** A column title's lookup form: lower case, no spaces, underscores or dashes. */
export function columnKey(title: string): string {
  return title.trim().toLowerCase().replace(/[\s_-]+/g, "");
}

/** Parses `{type=IAMUser, arn=arn:aws:iam::1:user/a, sessioncontext={…}}` and `[…]`; `null` is null. */
export function parseStructText(input: string): unknown {
  let pos = 0;
  const value = (): unknown => {
    while (input[pos] === " ") pos += 1;
    if (input[pos] === "{") {
      pos += 1;
      const out: Obj = {};
      while (pos < input.length && input[pos] !== "}") {
        while (input[pos] === " " || input[pos] === ",") pos += 1;
        if (input[pos] === "}") break;
        const eq = input.indexOf("=", pos);
        if (eq === -1) throw new Error("expected key=value");
        const key = input.slice(pos, eq).trim();
        pos = eq + 1;
        out[CANONICAL.get(key.toLowerCase()) ?? key] = value();
      }
      if (input[pos] !== "}") throw new Error("unclosed {");
      pos += 1;
      return out;
    }
    if (input[pos] === "[") {
      pos += 1;
      const out: unknown[] = [];
      while (pos < input.length && input[pos] !== "]") {
        while (input[pos] === " " || input[pos] === ",") pos += 1;
        if (input[pos] === "]") break;
        out.push(value());
      }
      if (input[pos] !== "]") throw new Error("unclosed [");
      pos += 1;
      return out;
    }
    // A scalar runs to the next separator of the enclosing struct or list.
    let end = pos;
    let depth = 0;
    while (end < input.length) {
      const c = input[end];
      if (c === "{" || c === "[") depth += 1;
      else if ((c === "}" || c === "]") && depth-- === 0) break;
      else if (c === "," && depth === 0 && input[end + 1] === " ") break;
      end += 1;
    }
    const scalar = input.slice(pos, end).trim();
    pos = end;
    return scalar === "null" ? null : scalar;
  };
  const result = value();
  while (input[pos] === " ") pos += 1;
  if (pos !== input.length) throw new Error("text after the value");
  return result;
}

/** A nested field's text: JSON, the struct rendering, or the text itself. */
function nested(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed === "null") return null;
  if (trimmed[0] !== "{" && trimmed[0] !== "[") return raw;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    try {
      return parseStructText(trimmed);
    } catch {
      return raw;
    }
  }
}

function setPath(record: Obj, path: string[], value: unknown): void {
  let at = record;
  for (const part of path.slice(0, -1)) {
    const next = at[part];
    if (isObj(next)) at = next;
    else {
      const made: Obj = {};
      at[part] = made;
      at = made;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) at[last] = value;
}

/**
 * Cells by column title → the CloudTrail record. A column holding the whole record as JSON wins;
 * else known columns (record fields, dotted paths such as `userIdentity.arn`, the console's titles)
 * are put back in place. The console's resource type and name columns become `resources`.
 */
export function recordFromColumns(cells: ReadonlyMap<string, string>): Obj | string {
  for (const [title, value] of cells) {
    if (!WHOLE_RECORD.has(columnKey(title))) continue;
    const parsed = nested(value);
    if (isObj(parsed)) return parsed;
    if (value.trim() !== "") return `column ${title} holds no JSON record`;
  }
  const record: Obj = {};
  let resourceTypes: string[] = [];
  let resourceNames: string[] = [];
  for (const [title, value] of cells) {
    if (value.trim() === "") continue;
    const key = columnKey(title);
    if (key === "resourcetype") {
      resourceTypes = value.split(/,\s*/);
      continue;
    }
    if (key === "resourcename") {
      resourceNames = value.split(/,\s*/);
      continue;
    }
    const mapped = CONSOLE_COLUMNS[key];
    const path = mapped !== undefined ? mapped.split(".") : title.trim().split(".").map((part) => CANONICAL.get(columnKey(part)) ?? part);
    if (path.length === 1 && !CANONICAL.has(columnKey(title))) continue; // a column the record does not have
    const leaf = path[path.length - 1] ?? "";
    setPath(record, path, /^(userIdentity|requestParameters|responseElements|additionalEventData|resources|tlsDetails|serviceEventDetails|insightDetails|addendum|sessionContext|attributes|sessionIssuer)$/.test(leaf) ? nested(value) : value);
  }
  if (resourceNames.length > 0) {
    record.resources = resourceNames.map((name, index) => {
      const type = text(resourceTypes[index]) ?? text(resourceTypes[0]);
      return name.startsWith("arn:") ? { type, ARN: name } : { type, id: name };
    });
  }
  return record;
}
