/**
 * Amazon S3 server access logs: one request per line, space-separated, `-` for empty, quoted
 * Request-URI / Referer / User-Agent, the time in brackets. Object operations are `object.access`
 * events carrying Bytes Sent and Object Size (the only per-object byte count when CloudTrail data
 * events were off); bucket operations (policy, ACL, logging, versioning…) are `cloud.api` events,
 * as their CloudTrail management records are. Fields AWS appends later are kept, not refused.
 */
import type { CloudContext, CloudPrincipal, ObjectOp, ParsedEvent, RecordRef } from "../../model/events.js";
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { readLineBatches } from "../../lib/lines.js";
import { headText } from "../../lib/text.js";
import { monthIndex } from "../../lib/time.js";
import { cloudApiEvent, objectAccessEvent } from "./build.js";
import { displayUser } from "./principal.js";
import { arnAccount, compact, number, sourceAddressOf } from "./values.js";

/** The documented fields, in order. */
const FIELDS = [
  "bucketOwner", "bucket", "time", "remoteIp", "requester", "requestId", "operation", "key", "requestUri", "httpStatus",
  "errorCode", "bytesSent", "objectSize", "totalTime", "turnAroundTime", "referer", "userAgent", "versionId", "hostId",
  "signatureVersion", "cipherSuite", "authType", "hostHeader", "tlsVersion", "accessPointArn", "aclRequired",
] as const;
type Field = (typeof FIELDS)[number];
/** Through the HTTP status: the least a line must have to be a request record. */
const MIN_FIELDS = 10;

/** Splits a line into fields: quoted and bracketed fields keep their spaces. */
export function accessLogTokens(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === " ") i += 1;
    if (i >= n) break;
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      let value = "";
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) return undefined;
        if (line[q - 1] === "\\") {
          value += `${line.slice(j, q - 1)}"`;
          j = q + 1;
          continue;
        }
        value += line.slice(j, q);
        i = q + 1;
        break;
      }
      out.push(value);
    } else if (c === "[") {
      const close = line.indexOf("]", i);
      if (close === -1) return undefined;
      out.push(line.slice(i + 1, close));
      i = close + 1;
    } else {
      let j = line.indexOf(" ", i);
      if (j === -1) j = n;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** `06/Feb/2019:00:00:38 +0000` → UTC ms. */
export function accessLogTime(textValue: string): number | undefined {
  const m = TIME.exec(textValue);
  if (!m) return undefined;
  const month = monthIndex(m[2] ?? "");
  if (month === undefined) return undefined;
  const offset = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === "-" ? -1 : 1);
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset;
}

/** Object-level operations: what they do to the object, and their API name. */
const OBJECT_OPERATIONS: Record<string, readonly [ObjectOp, string]> = {
  "REST.GET.OBJECT": ["read", "GetObject"],
  "REST.COPY.OBJECT_GET": ["read", "CopyObject"],
  "REST.COPY.PART_GET": ["read", "UploadPartCopy"],
  "REST.POST.SELECT": ["read", "SelectObjectContent"],
  "REST.HEAD.OBJECT": ["head", "HeadObject"],
  "REST.PUT.OBJECT": ["write", "PutObject"],
  "REST.POST.OBJECT": ["write", "PostObject"],
  "REST.COPY.OBJECT": ["write", "CopyObject"],
  "REST.COPY.PART": ["write", "UploadPartCopy"],
  "REST.PUT.PART": ["write", "UploadPart"],
  "REST.POST.UPLOADS": ["write", "CreateMultipartUpload"],
  "REST.POST.UPLOAD": ["write", "CompleteMultipartUpload"],
  "REST.DELETE.UPLOAD": ["other", "AbortMultipartUpload"],
  "REST.DELETE.OBJECT": ["delete", "DeleteObject"],
  "REST.POST.MULTI_OBJECT_DELETE": ["delete", "DeleteObjects"],
  "BATCH.DELETE.OBJECT": ["delete", "DeleteObjects"],
  "S3.EXPIRE.OBJECT": ["delete", "LifecycleExpiration"],
  "REST.GET.BUCKET": ["list", "ListObjects"],
  "REST.GET.BUCKETVERSIONS": ["list", "ListObjectVersions"],
  "REST.GET.UPLOADS": ["list", "ListMultipartUploads"],
  "REST.GET.UPLOAD": ["list", "ListParts"],
  "REST.GET.ACL": ["acl", "GetObjectAcl"],
  "REST.PUT.ACL": ["acl", "PutObjectAcl"],
  "REST.GET.OBJECT_ACL": ["acl", "GetObjectAcl"],
  "REST.PUT.OBJECT_ACL": ["acl", "PutObjectAcl"],
  "REST.POST.RESTORE": ["other", "RestoreObject"],
};

/** Bucket-level operations as the API (and CloudTrail) names them. */
const BUCKET_OPERATIONS: Record<string, string> = {
  "REST.GET.VERSIONING": "GetBucketVersioning",
  "REST.PUT.VERSIONING": "PutBucketVersioning",
  "REST.GET.LOGGING_STATUS": "GetBucketLogging",
  "REST.PUT.LOGGING_STATUS": "PutBucketLogging",
  "REST.GET.BUCKETPOLICY": "GetBucketPolicy",
  "REST.PUT.BUCKETPOLICY": "PutBucketPolicy",
  "REST.DELETE.BUCKETPOLICY": "DeleteBucketPolicy",
  "REST.GET.LOCATION": "GetBucketLocation",
  "REST.GET.LIFECYCLE": "GetBucketLifecycle",
  "REST.PUT.LIFECYCLE": "PutBucketLifecycle",
  "REST.DELETE.LIFECYCLE": "DeleteBucketLifecycle",
  "REST.GET.REPLICATION": "GetBucketReplication",
  "REST.PUT.REPLICATION": "PutBucketReplication",
  "REST.GET.ENCRYPTION": "GetBucketEncryption",
  "REST.PUT.ENCRYPTION": "PutBucketEncryption",
  "REST.GET.PUBLIC_ACCESS_BLOCK": "GetBucketPublicAccessBlock",
  "REST.PUT.PUBLIC_ACCESS_BLOCK": "PutBucketPublicAccessBlock",
  "REST.DELETE.PUBLIC_ACCESS_BLOCK": "DeleteBucketPublicAccessBlock",
  "REST.GET.ACL": "GetBucketAcl",
  "REST.PUT.ACL": "PutBucketAcl",
  "REST.HEAD.BUCKET": "HeadBucket",
  "REST.PUT.BUCKET": "CreateBucket",
  "REST.DELETE.BUCKET": "DeleteBucket",
  "REST.GET.CORS": "GetBucketCors",
  "REST.PUT.CORS": "PutBucketCors",
  "REST.GET.TAGGING": "GetBucketTagging",
  "REST.PUT.TAGGING": "PutBucketTagging",
  "REST.GET.WEBSITE": "GetBucketWebsite",
  "REST.GET.NOTIFICATION": "GetBucketNotification",
  "REST.GET.OWNERSHIP_CONTROLS": "GetBucketOwnershipControls",
};

const CANONICAL_ID = /^[0-9a-f]{64}$/;

/** The Requester field: an IAM ARN, a canonical user id, or `-` (an anonymous request). */
function requesterOf(raw: string | undefined): CloudPrincipal {
  if (raw === undefined) return { type: "Anonymous" };
  if (raw.startsWith("arn:")) {
    const type = /:assumed-role\//.test(raw) ? "AssumedRole" : /:user\//.test(raw) ? "IAMUser" : /:root$/.test(raw) ? "Root" : /:federated-user\//.test(raw) ? "FederatedUser" : undefined;
    const name = /:(?:user|assumed-role\/[^/]+|federated-user)\/([^/]+)$/.exec(raw)?.[1];
    return compact<CloudPrincipal>({ type, arn: raw, accountId: arnAccount(raw), name });
  }
  if (CANONICAL_ID.test(raw)) return { type: "S3CanonicalUser", canonicalId: raw };
  return { name: raw };
}

function decodeKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function accessLogEvent(tokens: readonly string[], ref: RecordRef): { event: ParsedEvent } | { skip: string } {
  if (tokens.length < MIN_FIELDS) return { skip: `access-log line has ${tokens.length} fields, at least ${MIN_FIELDS} are needed: skipped` };
  const get = (name: Field): string | undefined => {
    const value = tokens[FIELDS.indexOf(name)];
    return value === undefined || value === "-" || value === "" ? undefined : value;
  };
  const ts = accessLogTime(get("time") ?? "");
  if (ts === undefined) return { skip: `access-log time ${JSON.stringify(get("time") ?? "")} is not [dd/Mon/yyyy:hh:mm:ss +zzzz]: skipped` };
  const operation = get("operation") ?? "UNKNOWN";
  const bucket = get("bucket");
  const principal = requesterOf(get("requester"));
  const source = sourceAddressOf(get("remoteIp"));
  const status = number(get("httpStatus"));
  const errorCode = get("errorCode");
  const accessPoint = get("accessPointArn");
  const tls = compact({ version: get("tlsVersion")?.replace(/^TLSV/, "TLSv"), cipherSuite: get("cipherSuite"), host: get("hostHeader") });
  const cloud = compact<CloudContext>({
    provider: "aws",
    region: /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/.exec(get("hostHeader") ?? "")?.[1],
    principal,
    resources: bucket !== undefined ? [{ type: "AWS::S3::Bucket", arn: `arn:aws:s3:::${bucket}` }] : undefined,
    sourceService: source.sourceService,
    sourceAddress: source.sourceAddress,
    tls: Object.keys(tls).length > 0 ? tls : undefined,
  });
  const extra = tokens.length > FIELDS.length ? { laterFields: tokens.slice(FIELDS.length) } : undefined;
  const common = {
    ts,
    tsDesc: "Request time",
    action: operation,
    result: errorCode !== undefined || (status !== undefined && status >= 400) ? ("failure" as const) : ("success" as const),
    user: principal.type === "S3CanonicalUser" ? principal.canonicalId : displayUser(principal),
    clientIp: source.clientIp,
    userAgent: get("userAgent"),
    keys: get("requestId") !== undefined ? { requestId: get("requestId") } : undefined,
    cloud,
    extra,
  };
  // "Bytes Sent: … or '-' if zero" (S3 documentation): here '-' is a zero, not an unknown.
  const bytesSent = tokens[FIELDS.indexOf("bytesSent")] === "-" ? 0 : number(get("bytesSent"));
  // An ACL operation with no key is the bucket's ACL.
  const objectOperation = /\.ACL$/.test(operation) && get("key") === undefined ? undefined : OBJECT_OPERATIONS[operation];
  if (objectOperation !== undefined || get("key") !== undefined) {
    const [op, api] = objectOperation ?? (["other", undefined] as const);
    return {
      event: objectAccessEvent(
        {
          ...common,
          op,
          service: "s3.amazonaws.com",
          api: api === undefined ? undefined : `s3:${api}`,
          operation,
          bucket,
          key: decodeKey(get("key")),
          versionId: get("versionId"),
          bytesOut: bytesSent,
          objectSize: number(get("objectSize")),
          httpStatus: status,
          errorCode,
          authType: get("authType"),
          signatureVersion: get("signatureVersion"),
          readOnly: op === "read" || op === "head" || op === "list" ? true : op === "other" ? undefined : false,
          requestUri: get("requestUri"),
          referer: get("referer"),
          accessPoint,
          bucketOwner: get("bucketOwner"),
          totalTimeMs: number(get("totalTime")),
          turnAroundMs: number(get("turnAroundTime")),
        },
        ref,
      ),
    };
  }
  const api = BUCKET_OPERATIONS[operation];
  const verb = operation.split(".")[1];
  return {
    event: cloudApiEvent(
      {
        ...common,
        service: "s3.amazonaws.com",
        api: `s3:${api ?? operation}`,
        readOnly: verb === "GET" || verb === "HEAD" ? true : verb === undefined ? undefined : false,
        errorCode,
        bytesOut: bytesSent,
        extra: compact({ ...extra, httpStatus: status, requestUri: get("requestUri"), accessPoint, bucketOwner: get("bucketOwner"), authType: get("authType") }),
      },
      ref,
    ),
  };
}

const LINE = /^\S+ \S+ \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] \S+ \S+ \S+ (?:REST|SOAP|WEBSITE|BATCH|S3)\.[A-Z_.]+ /;

export const s3AccessLog = defineFileFormat({
  name: "aws-s3-access-log",
  description: "Amazon S3 server access logs (object reads with bytes sent and object size, writes, deletes, listings, bucket operations)",
  sniff(head) {
    const lines = headText(head).split("\n", 20).map((line) => line.replace(/\r$/, "")).filter((line) => line.trim().length > 0);
    if (lines.length === 0) return false;
    return lines.filter((line) => LINE.test(line)).length * 2 > lines.length;
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        const ref = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes is too long for an access-log record: skipped`);
          continue;
        }
        if (line.text.trim() === "") continue;
        const tokens = accessLogTokens(line.text.trimEnd());
        if (tokens === undefined) {
          ctx.warn(ref, "access-log line with an unclosed quote or bracket: skipped");
          continue;
        }
        const outcome = accessLogEvent(tokens, ref);
        if ("skip" in outcome) ctx.warn(ref, outcome.skip);
        else yield outcome.event;
      }
    }
  },
});
