/**
 * A realistic CloudTrail trail for the benchmark: `.json.gz` files as CloudTrail delivers them to
 * S3 (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…`, one `{"Records":[…]}` object per file,
 * on one line), about 1.4 KB a record: IAM users and assumed-role sessions, console sign-ins,
 * management calls with request and response elements, S3 data events with byte counts, errors.
 * Each file is built and gzipped alone, so memory stays flat whatever the count.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Rng } from "./rng.js";

const ACCOUNTS = ["111122223333", "444455556666", "777788889999"];
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1"];
const USERS = Array.from({ length: 300 }, (_, i) => `user${String(i).padStart(3, "0")}`);
const ROLES = ["BackupReader", "DeployRole", "AuditRole", "LambdaExec", "DataPipeline"];
const AGENTS = [
  "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#s3.cp",
  "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51",
  "console.amazonaws.com",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
  "[aws-sdk-go/1.50.30 (go1.21.7; linux; amd64)]",
];
const MANAGEMENT = [
  ["ec2.amazonaws.com", "DescribeInstances", true],
  ["ec2.amazonaws.com", "CreateSnapshot", false],
  ["ec2.amazonaws.com", "ModifySnapshotAttribute", false],
  ["iam.amazonaws.com", "ListUsers", true],
  ["iam.amazonaws.com", "CreateAccessKey", false],
  ["sts.amazonaws.com", "AssumeRole", true],
  ["sts.amazonaws.com", "GetCallerIdentity", true],
  ["s3.amazonaws.com", "ListBuckets", true],
  ["s3.amazonaws.com", "PutBucketPolicy", false],
  ["kms.amazonaws.com", "Decrypt", true],
  ["secretsmanager.amazonaws.com", "GetSecretValue", true],
  ["rds.amazonaws.com", "DescribeDBInstances", true],
] as const;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function identity(rng: Rng, account: string): Record<string, unknown> {
  if (rng.chance(0.6)) {
    const user = rng.pick(USERS);
    return { type: "IAMUser", principalId: `AIDA${rng.hex(16).toUpperCase()}`, arn: `arn:aws:iam::${account}:user/${user}`, accountId: account, accessKeyId: `AKIA${rng.hex(16).toUpperCase()}`, userName: user };
  }
  const role = rng.pick(ROLES);
  const session = rng.pick(USERS);
  return {
    type: "AssumedRole",
    principalId: `AROA${rng.hex(16).toUpperCase()}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${rng.hex(16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: `AROA${rng.hex(16).toUpperCase()}`, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
      webIdFederationData: {},
      attributes: { creationDate: "2026-03-02T08:00:00Z", mfaAuthenticated: rng.chance(0.5) ? "true" : "false" },
    },
  };
}

function record(rng: Rng, ts: number, account: string, region: string): Record<string, unknown> {
  const base = {
    eventVersion: "1.09",
    userIdentity: identity(rng, account),
    eventTime: iso(ts),
    awsRegion: region,
    sourceIPAddress: rng.chance(0.1) ? "ec2.amazonaws.com" : `${rng.range(1, 223)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`,
    userAgent: rng.pick(AGENTS),
    requestID: rng.guid(),
    eventID: rng.guid(),
    eventType: "AwsApiCall",
    recipientAccountId: account,
    tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: `${region}.amazonaws.com` },
  };
  const roll = rng.next();
  if (roll < 0.35) {
    const bucket = `data-${rng.int(20)}`;
    const key = `exports/${rng.int(1000)}/part-${rng.hex(8)}.parquet`;
    const get = rng.chance(0.8);
    return {
      ...base,
      eventSource: "s3.amazonaws.com",
      eventName: get ? "GetObject" : "PutObject",
      requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
      responseElements: get ? null : { "x-amz-server-side-encryption": "AES256" },
      additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: get ? 0 : rng.int(5_000_000), AuthenticationMethod: rng.chance(0.05) ? "QueryString" : "AuthHeader", "x-amz-id-2": rng.hex(40), bytesTransferredOut: get ? rng.int(50_000_000) : 0 },
      readOnly: get,
      resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::${bucket}/${key}` }, { accountId: account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` }],
      managementEvent: false,
      eventCategory: "Data",
    };
  }
  if (roll < 0.38) {
    return {
      ...base,
      eventSource: "signin.amazonaws.com",
      eventName: "ConsoleLogin",
      requestParameters: null,
      responseElements: { ConsoleLogin: rng.chance(0.9) ? "Success" : "Failure" },
      additionalEventData: { LoginTo: "https://console.aws.amazon.com/console/home", MobileVersion: "No", MFAUsed: rng.chance(0.7) ? "Yes" : "No" },
      eventType: "AwsConsoleSignIn",
      readOnly: false,
      managementEvent: true,
      eventCategory: "Management",
    };
  }
  const [eventSource, eventName, readOnly] = rng.pick(MANAGEMENT);
  const failed = rng.chance(0.05);
  return {
    ...base,
    eventSource,
    eventName,
    ...(failed ? { errorCode: "AccessDenied", errorMessage: `User is not authorized to perform: ${eventSource.split(".")[0] ?? ""}:${eventName}` } : {}),
    requestParameters: { instancesSet: { items: [{ instanceId: `i-${rng.hex(17)}` }] }, filterSet: {}, maxResults: 100, snapshotId: `snap-${rng.hex(17)}` },
    responseElements: readOnly || failed ? null : { requestId: rng.guid(), _return: true, snapshotId: `snap-${rng.hex(17)}`, volumeSize: rng.range(8, 2000) },
    readOnly,
    managementEvent: true,
    eventCategory: "Management",
  };
}

export interface TrailSummary {
  files: number;
  records: number;
  compressedBytes: number;
  bytes: number;
}

/** Writes `count` records as CloudTrail files of `perFile` records under `dir` (an S3 delivery layout). */
export async function generateCloudTrail(dir: string, count: number, perFile = 1000): Promise<TrailSummary> {
  const rng = new Rng(2026);
  const summary: TrailSummary = { files: 0, records: 0, compressedBytes: 0, bytes: 0 };
  const start = Date.parse("2026-03-02T00:00:00Z");
  for (let written = 0; written < count; written += perFile) {
    const n = Math.min(perFile, count - written);
    const account = ACCOUNTS[summary.files % ACCOUNTS.length] as string;
    const region = REGIONS[Math.floor(summary.files / ACCOUNTS.length) % REGIONS.length] as string;
    const delivered = start + summary.files * 60_000;
    const records = Array.from({ length: n }, (_, i) => record(rng, delivered - 300_000 + i * Math.floor(300_000 / n), account, region));
    const text = JSON.stringify({ Records: records });
    const stamp = iso(delivered).replace(/[-:]/g, "").slice(0, 13);
    const day = iso(delivered).slice(0, 10).replace(/-/g, "/");
    const folder = join(dir, "AWSLogs", account, "CloudTrail", region, day);
    mkdirSync(folder, { recursive: true });
    const gz = gzipSync(Buffer.from(text));
    writeFileSync(join(folder, `${account}_CloudTrail_${region}_${stamp}Z_${rng.hex(16)}.json.gz`), gz);
    summary.files += 1;
    summary.records += n;
    summary.bytes += Buffer.byteLength(text);
    summary.compressedBytes += gz.length;
    // Let the event loop breathe between files (the bench runs other timers).
    await Promise.resolve();
  }
  return summary;
}
