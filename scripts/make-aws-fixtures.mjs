#!/usr/bin/env node
/**
 * Writes the constructed AWS fixtures (fixtures/aws/<format>/): records built from the real
 * records and field lists of FORMATS-aws.md, for the shapes no licensed public sample exists for
 * (S3 data events, lookup-events with the three EventTime forms, the console CSV, Lake CSV,
 * CloudWatch exports, WorkMail audit logs, GuardDuty exports, custom flow-log headers, a trail
 * delivered to S3 with its digest chain). One small story runs through them: an intruder from
 * 203.0.113.66 signs in to account 111122223333 without MFA, assumes a role, reads the staff-records
 * bucket, shares a mail-store snapshot with account 444455556666 and exports a WorkMail mailbox.
 *
 * Deterministic except the digest signatures: the RSA key is made afresh on each run and only its
 * public half is written (fixtures/aws/aws-cloudtrail-digest/keys/).
 *
 *   node scripts/make-aws-fixtures.mjs
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "aws");
const write = (path, content) => {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
};
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

const ACCOUNT = "111122223333";
const FOREIGN = "444455556666";
const ATTACKER_IP = "203.0.113.66";
const CLI_UA = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#";
const hrAdmin = { type: "IAMUser", principalId: "AIDAEXAMPLEHRADMIN01", arn: `arn:aws:iam::${ACCOUNT}:user/hr-admin`, accountId: ACCOUNT, accessKeyId: "AKIAEXAMPLEHRADMIN01", userName: "hr-admin" };
const backupSession = {
  type: "AssumedRole",
  principalId: "AROAEXAMPLEBACKUPRL1:hr-admin-session",
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/BackupReader/hr-admin-session`,
  accountId: ACCOUNT,
  accessKeyId: "ASIAEXAMPLEBACKUP001",
  sessionContext: {
    sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEBACKUPRL1", arn: `arn:aws:iam::${ACCOUNT}:role/BackupReader`, accountId: ACCOUNT, userName: "BackupReader" },
    webIdFederationData: {},
    attributes: { creationDate: "2026-03-02T10:05:00Z", mfaAuthenticated: "false" },
  },
};
let serial = 0;
const id = (prefix) => `${prefix}${String(++serial).padStart(4, "0")}-4a1b-4c2d-9e3f-${String(serial).padStart(12, "0")}`;

function record(fields) {
  return {
    eventVersion: "1.09",
    userIdentity: hrAdmin,
    awsRegion: "eu-west-1",
    sourceIPAddress: ATTACKER_IP,
    requestID: id("req"),
    eventID: id("e0"),
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
    ...fields,
  };
}

// --- CloudTrail records of the story ---------------------------------------------------------
const consoleFailure = record({
  userIdentity: { type: "IAMUser", principalId: "AIDAEXAMPLEHRADMIN01", accountId: ACCOUNT, accessKeyId: "", userName: "hr-admin" },
  eventTime: "2026-03-02T09:58:12Z", eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", awsRegion: "us-east-1",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", errorMessage: "Failed authentication",
  requestParameters: null, responseElements: { ConsoleLogin: "Failure" },
  additionalEventData: { LoginTo: "https://console.aws.amazon.com/console/home", MobileVersion: "No", MFAUsed: "No" },
  eventType: "AwsConsoleSignIn", readOnly: false,
});
delete consoleFailure.requestID;
const consoleSuccess = record({
  userIdentity: { type: "IAMUser", principalId: "AIDAEXAMPLEHRADMIN01", arn: hrAdmin.arn, accountId: ACCOUNT, userName: "hr-admin" },
  eventTime: "2026-03-02T10:00:05Z", eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", awsRegion: "us-east-1",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
  requestParameters: null, responseElements: { ConsoleLogin: "Success" },
  additionalEventData: { LoginTo: "https://console.aws.amazon.com/console/home", MobileVersion: "No", MFAUsed: "No" },
  eventType: "AwsConsoleSignIn", readOnly: false,
});
delete consoleSuccess.requestID;
const callerIdentity = record({ eventTime: "2026-03-02T10:02:00Z", eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity", userAgent: `${CLI_UA}sts.get-caller-identity`, requestParameters: null, responseElements: null });
const listBuckets = record({
  eventTime: "2026-03-02T10:03:10Z", eventSource: "s3.amazonaws.com", eventName: "ListBuckets", userAgent: `[${CLI_UA}s3.ls]`,
  requestParameters: { Host: "s3.eu-west-1.amazonaws.com" }, responseElements: null,
  additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 1430 },
  tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "s3.eu-west-1.amazonaws.com" },
});
const assumeRole = record({
  eventTime: "2026-03-02T10:05:00Z", eventSource: "sts.amazonaws.com", eventName: "AssumeRole", userAgent: `${CLI_UA}sts.assume-role`,
  requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/BackupReader`, roleSessionName: "hr-admin-session", durationSeconds: 3600 },
  responseElements: {
    credentials: { accessKeyId: "ASIAEXAMPLEBACKUP001", sessionToken: "<sensitiveDataRemoved>", expiration: "Mar 2, 2026, 11:05:00 AM" },
    assumedRoleUser: { assumedRoleId: "AROAEXAMPLEBACKUPRL1:hr-admin-session", arn: backupSession.arn },
  },
  resources: [{ accountId: ACCOUNT, type: "AWS::IAM::Role", ARN: `arn:aws:iam::${ACCOUNT}:role/BackupReader` }],
  readOnly: true,
});
const createSnapshot = record({
  userIdentity: backupSession, eventTime: "2026-03-02T10:10:00Z", eventSource: "ec2.amazonaws.com", eventName: "CreateSnapshot", userAgent: `${CLI_UA}ec2.create-snapshot`,
  requestParameters: { volumeId: "vol-0a1b2c3d4e5f60001", description: "mail store" },
  responseElements: { snapshotId: "snap-0a1b2c3d4e5f60718", volumeId: "vol-0a1b2c3d4e5f60001", status: "pending", volumeSize: 500, ownerId: ACCOUNT },
  readOnly: false,
});
const shareSnapshot = record({
  userIdentity: backupSession, eventTime: "2026-03-02T10:12:00Z", eventSource: "ec2.amazonaws.com", eventName: "ModifySnapshotAttribute", userAgent: `${CLI_UA}ec2.modify-snapshot-attribute`,
  requestParameters: { snapshotId: "snap-0a1b2c3d4e5f60718", createVolumePermission: { add: { items: [{ userId: FOREIGN }] } }, attributeType: "CREATE_VOLUME_PERMISSION" },
  responseElements: { requestId: "f1e2d3c4-0000-4000-8000-000000000001", _return: true },
  readOnly: false,
});
const createAccessKey = record({
  eventTime: "2026-03-02T10:14:00Z", eventSource: "iam.amazonaws.com", eventName: "CreateAccessKey", awsRegion: "us-east-1", userAgent: `${CLI_UA}iam.create-access-key`,
  requestParameters: { userName: "svc-backup" },
  responseElements: { accessKey: { userName: "svc-backup", accessKeyId: "AKIAEXAMPLENEWKEY001", status: "Active", createDate: "Mar 2, 2026, 10:14:00 AM" } },
  readOnly: false,
});
const putBucketPolicy = record({
  eventTime: "2026-03-02T10:15:00Z", eventSource: "s3.amazonaws.com", eventName: "PutBucketPolicy", userAgent: `[${CLI_UA}s3api.put-bucket-policy]`,
  requestParameters: {
    bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", policy: "",
    bucketPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::staff-records/*" }] },
  },
  responseElements: null,
  additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 212, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 0 },
  resources: [{ accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::staff-records" }],
  readOnly: false,
});
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: "sts:AssumeRole" }] };
const createRole = record({
  eventTime: "2026-03-02T10:16:00Z", eventSource: "iam.amazonaws.com", eventName: "CreateRole", awsRegion: "us-east-1", userAgent: `${CLI_UA}iam.create-role`,
  requestParameters: { roleName: "support-audit", assumeRolePolicyDocument: JSON.stringify(trust, null, 2) },
  responseElements: { role: { path: "/", roleName: "support-audit", roleId: "AROAEXAMPLESUPPORT01", arn: `arn:aws:iam::${ACCOUNT}:role/support-audit`, createDate: "Mar 2, 2026, 10:16:00 AM", assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust, null, 2)) } },
  readOnly: false,
});
const stopLogging = record({
  eventTime: "2026-03-02T10:20:00Z", eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging", userAgent: `${CLI_UA}cloudtrail.stop-logging`,
  errorCode: "AccessDenied", errorMessage: `User: ${hrAdmin.arn} is not authorized to perform: cloudtrail:StopLogging on resource: arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail`,
  requestParameters: { name: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail` }, responseElements: null, readOnly: false,
});
write("aws-cloudtrail-json/credential-chain.json", json({ Records: [consoleFailure, consoleSuccess, callerIdentity, listBuckets, assumeRole, createSnapshot, shareSnapshot, createAccessKey, putBucketPolicy, createRole, stopLogging] }));

// S3 data events (object-level), through the assumed role.
const s3Data = (fields) =>
  record({
    userIdentity: backupSession, eventSource: "s3.amazonaws.com", managementEvent: false, eventCategory: "Data", userAgent: `[${CLI_UA}s3.cp]`,
    tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "staff-records.s3.eu-west-1.amazonaws.com" },
    ...fields,
  });
const objectArn = (key) => `arn:aws:s3:::staff-records/${key}`;
const bucketRes = { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::staff-records" };
const dataEvents = [
  s3Data({
    eventTime: "2026-03-02T10:06:00Z", eventName: "ListObjectsV2", requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", prefix: "hr/", "list-type": "2" }, responseElements: null,
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", "x-amz-id-2": "exampleId2/ListObjects=", bytesTransferredOut: 2210 },
    resources: [{ type: "AWS::S3::Object", ARNPrefix: "arn:aws:s3:::staff-records/hr/" }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:06:30Z", eventName: "GetObject", requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", key: "hr/salaries-2025.csv" }, responseElements: null,
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", "x-amz-id-2": "exampleId2/GetObject1=", bytesTransferredOut: 5242880 },
    resources: [{ type: "AWS::S3::Object", ARN: objectArn("hr/salaries-2025.csv") }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:07:10Z", eventName: "GetObject", requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", key: "hr/staff list 2026.xlsx", "X-Amz-Expires": "3600", "X-Amz-Date": "20260302T100700Z" }, responseElements: null,
    sourceIPAddress: "198.51.100.23", userAgent: "curl/8.5.0",
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "QueryString", "x-amz-id-2": "exampleId2/GetObject2=", bytesTransferredOut: 1048576.0 },
    resources: [{ type: "AWS::S3::Object", ARN: objectArn("hr/staff list 2026.xlsx") }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:07:40Z", eventName: "HeadObject", requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", key: "hr/payroll.db" }, responseElements: null,
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 0 },
    resources: [{ type: "AWS::S3::Object", ARN: objectArn("hr/payroll.db") }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:08:00Z", eventName: "CopyObject", readOnly: false,
    requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", key: "tmp/payroll.db", "x-amz-copy-source": "staff-records/hr/payroll.db" },
    responseElements: { "x-amz-server-side-encryption": "AES256" },
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 234 },
    resources: [{ type: "AWS::S3::Object", ARN: objectArn("tmp/payroll.db") }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:09:00Z", eventName: "DeleteObjects", readOnly: false,
    requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", delete: "" }, responseElements: null,
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 180, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 310 },
    resources: [{ type: "AWS::S3::Object", ARNPrefix: "arn:aws:s3:::staff-records/" }, bucketRes],
  }),
  s3Data({
    eventTime: "2026-03-02T10:09:30Z", eventName: "GetObject", errorCode: "AccessDenied", errorMessage: "Access Denied",
    requestParameters: { bucketName: "staff-records", Host: "staff-records.s3.eu-west-1.amazonaws.com", key: "legal/contracts.zip" }, responseElements: null,
    additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", bytesTransferredOut: 243 },
    resources: [{ type: "AWS::S3::Object", ARN: objectArn("legal/contracts.zip") }, bucketRes],
  }),
];
write("aws-cloudtrail-json/s3-data-events.json", json({ Records: dataEvents }));

// WorkMail's own API in CloudTrail (requestParameters as the doc's CreateUser record writes them).
const workmail = (eventTime, eventName, requestParameters, responseElements = null, readOnly = false) =>
  record({ eventTime, eventSource: "workmail.amazonaws.com", eventName, userAgent: `${CLI_UA}workmail.${eventName}`, requestParameters, responseElements, readOnly });
const ORG = "m-0123456789abcdef0123456789abcdef";
write(
  "aws-cloudtrail-json/workmail-actions.json",
  json({
    Records: [
      workmail("2026-03-02T10:30:00Z", "CreateImpersonationRole", { organizationId: ORG, name: "audit-helper", type: "FULL_ACCESS", rules: [{ name: "all", effect: "ALLOW", targetUsers: [] }] }, { impersonationRoleId: "ir-0123456789abcdef" }),
      workmail("2026-03-02T10:31:00Z", "AssumeImpersonationRole", { organizationId: ORG, impersonationRoleId: "ir-0123456789abcdef" }, { token: "<sensitiveDataRemoved>", expiresIn: 900 }),
      workmail("2026-03-02T10:32:00Z", "PutMailboxPermissions", { organizationId: ORG, entityId: "payroll@agency.example", granteeId: "hr-admin@agency.example", permissionValues: ["FULL_ACCESS"] }),
      workmail("2026-03-02T10:33:00Z", "ResetPassword", { organizationId: ORG, userId: "erin.walsh@agency.example", password: "<sensitiveDataRemoved>" }),
      workmail("2026-03-02T10:34:00Z", "StartMailboxExportJob", {
        clientToken: "export-1", organizationId: ORG, entityId: "payroll@agency.example", description: "backup",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/WorkMailExport`, kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000001`, s3BucketName: "mail-exports", s3Prefix: "payroll/",
      }, { jobId: "job-0123456789abcdef" }),
      workmail("2026-03-02T10:35:00Z", "DeleteEmailMonitoringConfiguration", { organizationId: ORG }),
    ],
  }),
);

// lookup-events pages: EventTime as a Unix number, an ISO string with offset, and Python's str(datetime).
const lookupItem = (rec, eventTime) => ({
  EventId: rec.eventID, EventName: rec.eventName, ReadOnly: String(rec.readOnly), AccessKeyId: rec.userIdentity.accessKeyId, EventTime: eventTime,
  EventSource: rec.eventSource, Username: rec.userIdentity.userName ?? "hr-admin-session", Resources: [], CloudTrailEvent: JSON.stringify(rec),
});
write(
  "aws-cloudtrail-json/lookup-events-pages.json",
  json([
    { Events: [lookupItem(callerIdentity, 1772445720.0), lookupItem(assumeRole, "2026-03-02T11:05:00+01:00")], NextToken: "eyJuZXh0IjoiMiJ9" },
    { Events: [lookupItem(createAccessKey, "2026-03-02 21:14:00+11:00")] },
  ]),
);

// EventBridge rule target and a Logstash re-emission (eventTime replaced by @timestamp).
write(
  "aws-cloudtrail-json/eventbridge-event.json",
  json({ version: "0", id: "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2", account: ACCOUNT, time: "2026-03-02T10:12:00Z", region: "eu-west-1", resources: [], detail: shareSnapshot }),
);
const stamped = (rec) => {
  const { eventTime, ...rest } = rec;
  return { ...rest, "@timestamp": eventTime.replace("Z", ".000Z"), "@version": "1" };
};
write("aws-cloudtrail-json/logstash-timestamp.jsonl", `${[dataEvents[1], dataEvents[2]].map((rec) => JSON.stringify(stamped(rec))).join("\n")}\n`);

// Broken CloudTrail JSON (bad/): a record cut short in the middle of a page, a page missing its records.
write("aws-cloudtrail-json/bad/cut-in-record.json", JSON.stringify({ Records: [callerIdentity, listBuckets] }).slice(0, 1500));
write("aws-cloudtrail-json/bad/records-not-objects.json", `{"Records":[${JSON.stringify(callerIdentity)},"oops",42,{"eventVersion":"1.09","eventSource":"sts.amazonaws.com"}]}\n`);

// --- The trail delivered to S3, with its digest chain ------------------------------------------------
const trailKey = (stamp, random, org = false) =>
  `AWSLogs/${org ? "o-exampleorg11/" : ""}${ACCOUNT}/CloudTrail/eu-west-1/2026/03/02/${ACCOUNT}_CloudTrail_eu-west-1_${stamp}_${random}.json.gz`;
const logA = JSON.stringify({ Records: [callerIdentity, listBuckets, assumeRole] });
const logB = JSON.stringify({ Records: [createSnapshot, shareSnapshot, ...dataEvents.slice(0, 2)] });
const logC = JSON.stringify({ Records: [stopLogging] });
const keyA = trailKey("20260302T1005Z", "a1B2c3D4e5F6g7H8");
const keyB = trailKey("20260302T1015Z", "i9J0k1L2m3N4o5P6");
const keyC = trailKey("20260302T1025Z", "q7R8s9T0u1V2w3X4", true);
const TRAIL_DIR = "aws-cloudtrail-json/s3-delivery/trail-bucket";
write(`${TRAIL_DIR}/${keyA}`, gzipSync(Buffer.from(logA)));
write(`${TRAIL_DIR}/${keyB}`, gzipSync(Buffer.from(logB)));
write(`${TRAIL_DIR}/${keyC}`, gzipSync(Buffer.from(logC)));
const sha = (text) => createHash("sha256").update(text).digest("hex");

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const der = publicKey.export({ type: "pkcs1", format: "der" });
const fingerprint = createHash("md5").update(der).digest("hex");
const digestKey = (end) => `AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/03/02/${ACCOUNT}_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_${end}.json.gz`;
const hours = [
  { start: "2026-03-02T08:01:31Z", end: "2026-03-02T09:01:31Z", stamp: "20260302T090131Z", files: [] },
  { start: "2026-03-02T09:01:31Z", end: "2026-03-02T10:01:31Z", stamp: "20260302T100131Z", files: [] },
  { start: "2026-03-02T10:01:31Z", end: "2026-03-02T11:01:31Z", stamp: "20260302T110131Z", files: [[keyA, logA, "2026-03-02T10:02:00Z", "2026-03-02T10:05:00Z"], [keyB, logB, "2026-03-02T10:06:00Z", "2026-03-02T10:12:00Z"]] },
];
const signatures = {};
let previous;
for (const hour of hours) {
  const digest = {
    awsAccountId: ACCOUNT, digestStartTime: hour.start, digestEndTime: hour.end, digestS3Bucket: "trail-bucket", digestS3Object: digestKey(hour.stamp),
    digestPublicKeyFingerprint: fingerprint, digestSignatureAlgorithm: "SHA256withRSA",
    newestEventTime: hour.files.length > 0 ? hour.files[hour.files.length - 1][3] : null, oldestEventTime: hour.files.length > 0 ? hour.files[0][2] : null,
    previousDigestS3Bucket: previous ? "trail-bucket" : null, previousDigestS3Object: previous ? previous.key : null,
    previousDigestHashValue: previous ? previous.hash : null, previousDigestHashAlgorithm: previous ? "SHA-256" : null, previousDigestSignature: previous ? previous.signature : null,
    logFiles: hour.files.map(([key, content, oldest, newest]) => ({ s3Bucket: "trail-bucket", s3Object: key, hashValue: sha(content), hashAlgorithm: "SHA-256", newestEventTime: newest, oldestEventTime: oldest })),
  };
  const content = JSON.stringify(digest);
  const signed = `${hour.end}\ntrail-bucket/${digest.digestS3Object}\n${sha(content)}\n${previous ? previous.signature : "null"}`;
  const signature = sign("sha256", Buffer.from(signed), privateKey).toString("hex");
  signatures[digest.digestS3Object] = signature;
  write(`${TRAIL_DIR}/${digest.digestS3Object}`, gzipSync(Buffer.from(content)));
  previous = { key: digest.digestS3Object, hash: sha(content), signature };
}
// The signatures as `aws s3api head-object` reports them (x-amz-meta-signature), and the public key as list-public-keys does.
write("aws-cloudtrail-digest/keys/digest-signatures.json", json(signatures));
write("aws-cloudtrail-digest/keys/list-public-keys.json", json({ PublicKeyList: [{ ValidityStartTime: 1772236800.0, ValidityEndTime: 1774828800.0, Value: der.toString("base64"), Fingerprint: fingerprint }] }));

// A digest as a plain file, for the contract suite, and broken ones.
write(
  "aws-cloudtrail-digest/digest-two-files.json",
  json({
    awsAccountId: ACCOUNT, digestStartTime: "2026-03-02T10:01:31Z", digestEndTime: "2026-03-02T11:01:31Z", digestS3Bucket: "trail-bucket", digestS3Object: digestKey("20260302T110131Z"),
    publicKeyFingerprint: "0123456789abcdef0123456789abcdef", digestSignatureAlgorithm: "SHA256withRSA", newestEventTime: "2026-03-02T10:12:00Z", oldestEventTime: "2026-03-02T10:02:00Z",
    previousDigestS3Bucket: "trail-bucket", previousDigestS3Object: digestKey("20260302T100131Z"), previousDigestHashValue: "A".repeat(64), previousDigestHashAlgorithm: "SHA-256", previousDigestSignature: "b".repeat(512),
    logFiles: [
      { s3Bucket: "trail-bucket", s3Object: keyA, hashValue: sha(logA), hashAlgorithm: "SHA-256", newestEventTime: "2026-03-02T10:05:00Z", oldestEventTime: "2026-03-02T10:02:00Z" },
      { s3Bucket: "trail-bucket", s3Object: keyB, hashValue: sha(logB), hashAlgorithm: "SHA-256", newestEventTime: "2026-03-02T10:12:00Z", oldestEventTime: "2026-03-02T10:06:00Z" },
    ],
  }),
);
write("aws-cloudtrail-digest/bad/no-end-time.json", json({ awsAccountId: ACCOUNT, digestStartTime: "2026-03-02T10:01:31Z", digestEndTime: null, logFiles: [] }));
write("aws-cloudtrail-digest/bad/broken-log-entry.json", json({ awsAccountId: ACCOUNT, digestStartTime: "2026-03-02T10:01:31Z", digestEndTime: "2026-03-02T11:01:31Z", digestS3Object: digestKey("20260302T110131Z"), logFiles: [{ s3Object: keyA }, "x", { s3Object: keyB, hashValue: sha(logB) }] }));

// --- Console Event history CSV and a Lake result CSV -------------------------------------------------
const csvCell = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csv = (rows) => `${rows.map((row) => row.map((cell) => csvCell(String(cell))).join(",")).join("\r\n")}\r\n`;
write(
  "aws-cloudtrail-csv/event-history-console.csv",
  csv([
    ["Event ID", "Event time", "User name", "Event name", "Resource type", "Resource name", "AWS access key", "AWS region", "Error code", "Source IP address", "Read-only", "Event source", "Request ID"],
    [callerIdentity.eventID, "2026-03-02T10:02:00Z", "hr-admin", "GetCallerIdentity", "", "", "AKIAEXAMPLEHRADMIN01", "eu-west-1", "", ATTACKER_IP, "true", "sts.amazonaws.com", callerIdentity.requestID],
    [shareSnapshot.eventID, "2026-03-02T10:12:00Z", "hr-admin-session", "ModifySnapshotAttribute", "AWS::EC2::Snapshot", "snap-0a1b2c3d4e5f60718", "ASIAEXAMPLEBACKUP001", "eu-west-1", "", ATTACKER_IP, "false", "ec2.amazonaws.com", shareSnapshot.requestID],
    [stopLogging.eventID, "March 2, 2026, 11:20:00 (UTC+01:00)", "hr-admin", "StopLogging", "AWS::CloudTrail::Trail", `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail`, "AKIAEXAMPLEHRADMIN01", "eu-west-1", "AccessDenied", ATTACKER_IP, "false", "cloudtrail.amazonaws.com", stopLogging.requestID],
    [id("e0"), "2026-03-02T10:40:00Z", "=HYPERLINK(\"http://x.example\")", "DescribeInstances", "", "", "AKIAEXAMPLEHRADMIN01", "eu-west-1", "", ATTACKER_IP, "true", "ec2.amazonaws.com", id("req")],
  ]),
);
write(
  "aws-cloudtrail-csv/lake-query-results.csv",
  csv([
    ["eventID", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "userIdentity", "requestParameters", "errorCode", "readOnly", "recipientAccountId", "eventCategory"],
    [assumeRole.eventID, "2026-03-02 10:05:00.000", "sts.amazonaws.com", "AssumeRole", "eu-west-1", ATTACKER_IP, assumeRole.userAgent, `{type=IAMUser, principalid=AIDAEXAMPLEHRADMIN01, arn=${hrAdmin.arn}, accountid=${ACCOUNT}, accesskeyid=AKIAEXAMPLEHRADMIN01, username=hr-admin, sessioncontext=null, invokedby=null}`, JSON.stringify(assumeRole.requestParameters), "", "true", ACCOUNT, "Management"],
    [dataEvents[1].eventID, "2026-03-02 10:06:30.000", "s3.amazonaws.com", "GetObject", "eu-west-1", ATTACKER_IP, dataEvents[1].userAgent, `{type=AssumedRole, principalid=${backupSession.principalId}, arn=${backupSession.arn}, accountid=${ACCOUNT}, accesskeyid=ASIAEXAMPLEBACKUP001, username=null, sessioncontext={attributes={creationdate=2026-03-02 10:05:00.000, mfaauthenticated=false}, sessionissuer={type=Role, principalid=AROAEXAMPLEBACKUPRL1, arn=arn:aws:iam::${ACCOUNT}:role/BackupReader, accountid=${ACCOUNT}, username=BackupReader}}}`, "{bucketName=staff-records, key=hr/salaries-2025.csv}", "", "true", ACCOUNT, "Data"],
  ]),
);
write("aws-cloudtrail-csv/bad/short-rows.csv", csv([["eventID", "eventTime", "eventSource", "eventName", "awsRegion"], ["e-1", "2026-03-02T10:00:00Z", "sts.amazonaws.com", "GetCallerIdentity", "eu-west-1"], ["e-2", "not a time", "sts.amazonaws.com", "GetCallerIdentity", "eu-west-1"], ["e-3", "2026-03-02T10:01:00Z", "", "", "eu-west-1"]]) + "e-4,2026-03-02T10:02:00Z\r\n");

// --- CloudWatch Logs exports ----------------------------------------------------------------------------
const auditRecord = (fields) => ({ event_timestamp: 0, request_id: id("wm"), organization_arn: `arn:aws:workmail:eu-west-1:${ACCOUNT}:organization/${ORG}`, ...fields });
const wmRead = auditRecord({ event_timestamp: Date.parse("2026-03-02T10:40:00Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "read", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG93AAA=", folder_path: "/Inbox" });
write(
  "aws-cloudwatch-logs/export-task-000000",
  [
    `2026-03-02T10:02:00.512Z ${JSON.stringify(callerIdentity)}`,
    `2026-03-02T10:05:00.201Z ${JSON.stringify(assumeRole)}`,
    `2026-03-02T10:40:00.000Z ${JSON.stringify(wmRead)}`,
    `2026-03-02T10:20:10.000Z 2 ${ACCOUNT} eni-0a1b2c3d4e5f60001 10.0.1.25 ${ATTACKER_IP} 443 51234 6 9000 12500000 1772446800 1772446860 ACCEPT OK`,
    "2026-03-02T10:41:00.000Z a line that is no AWS record",
    "",
  ].join("\n"),
);
write(
  "aws-cloudwatch-logs/filter-log-events.json",
  json({
    events: [
      { logStreamName: `${ACCOUNT}_CloudTrail_eu-west-1`, timestamp: Date.parse("2026-03-02T10:12:00Z"), message: JSON.stringify(shareSnapshot), ingestionTime: Date.parse("2026-03-02T10:17:03Z"), eventId: "37400000000000000000000000000000000000000000000000000001" },
      { logStreamName: `${ACCOUNT}_CloudTrail_eu-west-1`, timestamp: Date.parse("2026-03-02T10:14:00Z"), message: JSON.stringify(createAccessKey), ingestionTime: Date.parse("2026-03-02T10:19:40Z"), eventId: "37400000000000000000000000000000000000000000000000000002" },
      { logStreamName: "workmail-audit", timestamp: Date.parse("2026-03-02T10:40:00Z"), message: JSON.stringify(wmRead), ingestionTime: Date.parse("2026-03-02T10:40:02Z"), eventId: "37400000000000000000000000000000000000000000000000000003" },
      { logStreamName: "broken", timestamp: Date.parse("2026-03-02T10:41:00Z"), message: "{\"eventVersion\":", ingestionTime: Date.parse("2026-03-02T10:41:01Z"), eventId: "37400000000000000000000000000000000000000000000000000004" },
    ],
    searchedLogStreams: [],
  }),
);

// --- WorkMail audit logs (built from the audit-logging page's field lists: no real record is public) ---
const auditLines = [
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:38:00Z"), user: "hr-admin@agency.example", user_id: "S-1-1-11-1111111111-2222222222-3333333333-1111", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", auth_successful: false, auth_failed_reason: "Invalid password", authentication_method: "Password" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:39:00Z"), user: "hr-admin@agency.example", user_id: "S-1-1-11-1111111111-2222222222-3333333333-1111", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", auth_successful: true, authentication_method: "Password" }),
  wmRead,
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:40:05Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "read_attachment", owner_id: "payroll@agency.example", object_type: "Attachment", item_id: "AAMkAGI2TG93AAA=", folder_path: "/Inbox", attachment_path: "salaries.xlsx" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:40:10Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "read_summary", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG94BBB=", folder_path: "/Inbox" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:40:20Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "read", owner_id: "payroll@agency.example", object_type: "Folder", folder_path: "/Sent Items" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:41:00Z"), user_id: "hr-admin@agency.example", impersonator_id: "ir-0123456789abcdef", protocol: "EWS", source_ip: ATTACKER_IP, user_agent: "ExchangeServicesClient/15.0", action: "read", owner_id: "erin.walsh@agency.example", object_type: "Message", item_id: "AAMkAGI2TG95CCC=", folder_path: "/Inbox" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:42:00Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "move", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG93AAA=", folder_path: "/Inbox" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:42:00Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "move_to", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG96DDD=", folder_path: "/Deleted Items" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:43:00Z"), user_id: "hr-admin@agency.example", protocol: "WebMail", source_ip: ATTACKER_IP, user_agent: "Mozilla/5.0", action: "submit_email_for_sending", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG97EEE=", folder_path: "/Drafts" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:44:00Z"), user_id: "hr-admin@agency.example", protocol: "WebMail", source_ip: ATTACKER_IP, user_agent: "Mozilla/5.0", action: "update_permissions", owner_id: "payroll@agency.example", object_type: "Folder", folder_path: "/Inbox" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:45:00Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, user_agent: "imaplib", action: "delete", owner_id: "payroll@agency.example", object_type: "Message", item_id: "AAMkAGI2TG96DDD=", folder_path: "/Deleted Items" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:46:00Z"), user_id: "hr-admin@agency.example", protocol: "IMAP", source_ip: ATTACKER_IP, access_granted: true, access_control_rule_id: "acr-allow-imap-0001" }),
  auditRecord({ event_timestamp: Date.parse("2026-03-02T10:47:00Z"), user_id: "hr-admin@agency.example", domain: "partner.example", ews_url: "https://mail.partner.example/EWS/Exchange.asmx", error_message: "timeout" }),
];
write("aws-workmail-audit/audit-logs.jsonl", `${auditLines.map((line) => JSON.stringify(line)).join("\n")}\n`);
write("aws-workmail-audit/bad/broken-records.jsonl", [JSON.stringify(auditRecord({ event_timestamp: "yesterday", action: "read", object_type: "Message" })), "{not json", JSON.stringify(auditRecord({ event_timestamp: Date.parse("2026-03-02T10:48:00Z") })), JSON.stringify({ hello: "world" }), ""].join("\n"));

// --- GuardDuty findings -------------------------------------------------------------------------------------
const finding = (fields) => ({
  schemaVersion: "2.0", accountId: ACCOUNT, region: "eu-west-1", partition: "aws", arn: `arn:aws:guardduty:eu-west-1:${ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/${fields.id}`,
  severity: 8, createdAt: "2026-03-02T10:20:00.000Z", updatedAt: "2026-03-02T10:20:00.000Z", ...fields,
});
const exfil = finding({
  id: "a2c6fd5b7e23d0b3e2b0f8e1d2c4a6b8", type: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
  title: "Credentials for instance role BackupReader used from external IP address.", description: "Credentials created exclusively for an EC2 instance were used from an external IP address.",
  resource: { resourceType: "AccessKey", accessKeyDetails: { accessKeyId: "ASIAEXAMPLEBACKUP001", principalId: "AROAEXAMPLEBACKUPRL1:hr-admin-session", userName: "BackupReader", userType: "AssumedRole" } },
  service: {
    serviceName: "guardduty", detectorId: "12abc34d567e8fa901bc2d34e56789f0",
    action: { actionType: "AWS_API_CALL", awsApiCallAction: { api: "GetObject", serviceName: "s3.amazonaws.com", callerType: "Remote IP", remoteIpDetails: { ipAddressV4: ATTACKER_IP, organization: { asn: "64500", asnOrg: "EXAMPLE-NET", isp: "Example ISP", org: "Example Hosting" }, country: { countryName: "Netherlands" }, city: { cityName: "Amsterdam" } } } },
    resourceRole: "TARGET", additionalInfo: {}, eventFirstSeen: "2026-03-02T10:06:30.000Z", eventLastSeen: "2026-03-02T10:09:30.000Z", archived: false, count: 4,
  },
});
write("aws-guardduty/finding.json", json(exfil));
const pascal = (value) => (Array.isArray(value) ? value.map(pascal) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)])) : value);
const recon = finding({
  id: "b4d8e2f6a1c3e5g7i9k1m3o5q7s9u1w3", type: "Recon:IAMUser/MaliciousIPCaller", severity: 5, title: "Reconnaissance API GetCallerIdentity was invoked from a known malicious IP address.",
  resource: { resourceType: "AccessKey", accessKeyDetails: { accessKeyId: "AKIAEXAMPLEHRADMIN01", principalId: "AIDAEXAMPLEHRADMIN01", userName: "hr-admin", userType: "IAMUser" } },
  service: { serviceName: "guardduty", detectorId: "12abc34d567e8fa901bc2d34e56789f0", action: { actionType: "AWS_API_CALL", awsApiCallAction: { api: "GetCallerIdentity", serviceName: "sts.amazonaws.com", callerType: "Remote IP", remoteIpDetails: { ipAddressV4: ATTACKER_IP } } }, eventFirstSeen: "2026-03-02T10:02:00.000Z", eventLastSeen: "2026-03-02T10:02:00.000Z", archived: false, count: 1 },
});
const probe = finding({
  id: "c1e3g5i7k9m1o3q5s7u9w1y3a5c7e9g1", type: "Recon:EC2/PortProbeUnprotectedPort", severity: 2, title: "Unprotected port on EC2 instance i-0a1b2c3d4e5f60001 is being probed.",
  resource: { resourceType: "Instance", instanceDetails: { instanceId: "i-0a1b2c3d4e5f60001" } },
  service: { serviceName: "guardduty", action: { actionType: "PORT_PROBE", portProbeAction: { blocked: false, portProbeDetails: [{ localPortDetails: { port: 993, portName: "IMAPS" }, remoteIpDetails: { ipAddressV4: "192.0.2.77" } }] } }, eventFirstSeen: "2026-03-01T22:00:00.000Z", eventLastSeen: "2026-03-02T09:00:00.000Z", count: 31 },
});
write("aws-guardduty/get-findings-cli.json", json({ Findings: [pascal(recon), pascal(probe)] }));
write("aws-guardduty/eventbridge-finding.json", json({ version: "0", id: "c8c4daa7-a20c-2f03-0070-b7393dd542ad", "detail-type": "GuardDuty Finding", source: "aws.guardduty", account: ACCOUNT, time: "2026-03-02T10:20:00Z", region: "eu-west-1", resources: [], detail: exfil }));
const updatedExfil = { ...exfil, updatedAt: "2026-03-02T16:20:00.000Z", service: { ...exfil.service, eventLastSeen: "2026-03-02T16:02:00.000Z", count: 9 } };
write("aws-guardduty/s3-export.jsonl", `${[exfil, updatedExfil, recon].map((line) => JSON.stringify(line)).join("\n")}\n`);
write("aws-guardduty/bad/not-findings.json", json([{ schemaVersion: "2.0", severity: 3, service: {}, type: "Recon:IAMUser/X" }, 7, { id: "x", type: "Policy:S3/BucketBlockPublicAccessDisabled", service: {} }]));

// --- S3 server access logs (constructed in the documented field order) ---------------------------------
const OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
const HOST_ID = "exampleHostIdK7dJ9sL2mN4pQ6rS8tU0vW1xY3zA5bC7dE9fG1hI3jK5lM7nO9pQ1234=";
const line = (time, requester, requestId, op, key, uri, status, error, sent, size, total, turn, ua, auth, extra = "") =>
  `${OWNER} staff-records [${time}] ${ATTACKER_IP} ${requester} ${requestId} ${op} ${key} "${uri}" ${status} ${error} ${sent} ${size} ${total} ${turn} "-" "${ua}" - ${HOST_ID} SigV4 TLS_AES_128_GCM_SHA256 ${auth} staff-records.s3.eu-west-1.amazonaws.com TLSV1.3 - -${extra}`;
const role = backupSession.arn;
write(
  "aws-s3-access-log/2026-03-02-10-20-00-5E1F2A3B4C5D6E7F",
  [
    line("02/Mar/2026:10:06:00 +0000", role, "7Q1A2B3C4D5E6F70", "REST.GET.BUCKET", "-", "GET /?list-type=2&prefix=hr%2F HTTP/1.1", 200, "-", 2210, "-", 48, 47, "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:06:30 +0000", role, "7Q1A2B3C4D5E6F71", "REST.GET.OBJECT", "hr/salaries-2025.csv", "GET /hr/salaries-2025.csv HTTP/1.1", 200, "-", 5242880, 5242880, 812, 30, "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:06:45 +0000", role, "7Q1A2B3C4D5E6F72", "REST.GET.OBJECT", "hr/payroll.db", "GET /hr/payroll.db HTTP/1.1", 206, "-", 65536, 734003200, 120, 15, "aws-cli/2.15.30", "AuthHeader"),
    `${OWNER} staff-records [02/Mar/2026:10:07:10 +0000] 198.51.100.23 ${role} 7Q1A2B3C4D5E6F73 REST.GET.OBJECT hr/staff%20list%202026.xlsx "GET /hr/staff%20list%202026.xlsx?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600 HTTP/1.1" 200 - 1048576 1048576 201 22 "-" "curl/8.5.0" - ${HOST_ID} SigV4 TLS_AES_128_GCM_SHA256 QueryString staff-records.s3.eu-west-1.amazonaws.com TLSv1.3 - -`,
    line("02/Mar/2026:10:07:40 +0000", role, "7Q1A2B3C4D5E6F74", "REST.HEAD.OBJECT", "hr/payroll.db", "HEAD /hr/payroll.db HTTP/1.1", 200, "-", "-", 734003200, 9, 8, "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:08:00 +0000", role, "7Q1A2B3C4D5E6F75", "REST.COPY.OBJECT_GET", "hr/payroll.db", "PUT /tmp/payroll.db HTTP/1.1", 200, "-", "-", 734003200, 1500, 1490, "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:08:00 +0000", role, "7Q1A2B3C4D5E6F75", "REST.COPY.OBJECT", "tmp/payroll.db", "PUT /tmp/payroll.db HTTP/1.1", 200, "-", 234, 734003200, 1500, 1490, "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:09:00 +0000", role, "7Q1A2B3C4D5E6F76", "BATCH.DELETE.OBJECT", "tmp/payroll.db", "POST /?delete HTTP/1.1", 204, "-", "-", "-", 30, "-", "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:09:00 +0000", role, "7Q1A2B3C4D5E6F76", "BATCH.DELETE.OBJECT", "tmp/notes.txt", "POST /?delete HTTP/1.1", 204, "-", "-", "-", 30, "-", "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:15:00 +0000", hrAdmin.arn, "7Q1A2B3C4D5E6F77", "REST.PUT.BUCKETPOLICY", "-", "PUT /?policy HTTP/1.1", 204, "-", "-", "-", 60, "-", "aws-cli/2.15.30", "AuthHeader"),
    line("02/Mar/2026:10:16:00 +0000", "-", "7Q1A2B3C4D5E6F78", "REST.GET.OBJECT", "hr/salaries-2025.csv", "GET /hr/salaries-2025.csv HTTP/1.1", 403, "AccessDenied", 243, 5242880, 5, "-", "python-requests/2.31.0", "-"),
    line("02/Mar/2026:10:17:00 +0000", OWNER, "7Q1A2B3C4D5E6F79", "REST.PUT.OBJECT", "upload/report%2B1.pdf", "PUT /upload/report%2B1.pdf HTTP/1.1", 200, "-", "-", 20480, 77, 12, "S3Console/0.4", "AuthHeader", " Yes eu-west-1"),
    "",
  ].join("\n"),
);
write("aws-s3-access-log/bad/broken-lines.log", [
  line("02/Mar/2026:10:06:00 +0000", role, "8Q1", "REST.GET.OBJECT", "a.txt", "GET /a.txt HTTP/1.1", 200, "-", 10, 10, 1, 1, "x", "AuthHeader"),
  `${OWNER} staff-records [02/Mar/2026:10:06:01 +0000] ${ATTACKER_IP} - 8Q2 REST.GET.OBJECT b.txt "GET /b.txt HTTP/1.1 200 - 10 10 1 1 "-" "x`,
  `${OWNER} staff-records [2026-03-02 10:06:02] ${ATTACKER_IP} - 8Q3 REST.GET.OBJECT c.txt "GET /c.txt HTTP/1.1" 200 - 10 10 1 1 "-" "x" -`,
  `${OWNER} staff-records [02/Mar/2026:10:06:03 +0000] ${ATTACKER_IP} - 8Q4 REST.GET.OBJECT`,
  line("02/Mar/2026:10:06:04 +0000", role, "8Q5", "REST.GET.OBJECT", "d.txt", "GET /d.txt HTTP/1.1", 200, "-", 10, 10, 1, 1, "x", "AuthHeader"),
  line("02/Mar/2026:10:06:05 +0000", role, "8Q6", "REST.GET.OBJECT", "e.txt", "GET /e.txt HTTP/1.1", 200, "-", 10, 10, 1, 1, "x", "AuthHeader"),
  "",
].join("\n"));

// --- VPC Flow Logs -------------------------------------------------------------------------------------------
const start = Date.parse("2026-03-02T10:20:00Z") / 1000;
const eni = "eni-0a1b2c3d4e5f60001";
write(
  `aws-vpc-flow-log/${ACCOUNT}_vpcflowlogs_eu-west-1_fl-0a1b2c3d4e5f6a7b8_20260302T1030Z_3f2e1d0c.log`,
  [
    `2 ${ACCOUNT} ${eni} 10.0.1.25 ${ATTACKER_IP} 443 51234 6 9000 12500000 ${start} ${start + 60} ACCEPT OK`,
    `2 ${ACCOUNT} ${eni} ${ATTACKER_IP} 10.0.1.25 51234 443 6 4000 240000 ${start} ${start + 60} ACCEPT OK`,
    `2 ${ACCOUNT} ${eni} 192.0.2.77 10.0.1.25 40522 993 6 3 180 ${start} ${start + 60} REJECT OK`,
    `2 ${ACCOUNT} ${eni} - - - - - - - ${start + 60} ${start + 120} - NODATA`,
    `2 ${ACCOUNT} eni-0a1b2c3d4e5f60002 - - - - - - - ${start + 60} ${start + 120} - SKIPDATA`,
    `2 ${ACCOUNT} ${eni} 2001:db8:1234:a100::25 2001:DB8:ffff::66 993 50111 6 1200 1650000 ${start + 120} ${start + 180} ACCEPT OK`,
    "",
  ].join("\n"),
);
write(
  `aws-vpc-flow-log/custom-v5-with-header.log`,
  [
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path",
    `5 ${ACCOUNT} ${eni} 10.0.1.25 ${ATTACKER_IP} 443 51299 6 21000 30000000 ${start + 180} ${start + 240} ACCEPT OK vpc-0a1b2c3d vpc-sub-0a1b2c3d i-0a1b2c3d4e5f60001 19 IPv4 10.0.1.25 ${ATTACKER_IP} eu-west-1 euw1-az1 - - egress 8`,
    `5 ${ACCOUNT} ${eni} 10.0.1.25 52.218.0.10 40000 443 6 800 1200000 ${start + 180} ${start + 240} ACCEPT OK vpc-0a1b2c3d vpc-sub-0a1b2c3d i-0a1b2c3d4e5f60001 3 IPv4 10.0.1.25 52.218.0.10 eu-west-1 euw1-az1 - S3 egress 7`,
    "",
  ].join("\n"),
);
write("aws-vpc-flow-log/bad/wrong-widths.log", [`2 ${ACCOUNT} ${eni} 10.0.1.25 ${ATTACKER_IP} 443 51234 6 9000 12500000 ${start} ${start + 60} ACCEPT OK`, `2 ${ACCOUNT} ${eni} 10.0.1.25 ${ATTACKER_IP} 443`, `2 ${ACCOUNT} ${eni} 10.0.1.25 ${ATTACKER_IP} 443 51234 6 9000 12500000 soon later ACCEPT OK`, "instance-id interface-id srcaddr dstaddr", `i-1 ${eni} 10.0.0.1 10.0.0.2`, ""].join("\n"));
write(`aws-vpc-flow-log/bad/${ACCOUNT}_vpcflowlogs_eu-west-1_fl-0a1b2c3d4e5f6a7b8_20260302T1030Z_parquet.log.parquet`, Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(60, 7), Buffer.from("PAR1")]));

process.stdout.write(`wrote the constructed AWS fixtures under ${root}\n`);
