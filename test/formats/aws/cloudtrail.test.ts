/** CloudTrail in its shapes: the constructed fixtures of fixtures/aws (see fixtures/README.md). */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { AuthEvent, CloudApiEvent, ObjectAccessEvent, ParsedEvent } from "../../../src/model/events.js";
import { fileFormats } from "../../../src/formats/index.js";

const parserByName = (name: string) => fileFormats.find((parser) => parser.name === name);
import { awsTime, deliveryPath, sourceAddressOf } from "../../../src/formats/aws/values.js";
import { parseStructText } from "../../../src/formats/aws/columns.js";
import { looksLikeCloudTrailJson } from "../../../src/formats/aws/cloudtrail-json.js";
import { runParser, type ParserRun } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/aws/", import.meta.url).pathname;

async function run(parserName: string, file: string, data = readFileSync(FIXTURES + file)): Promise<ParserRun & { events: ParsedEvent[] }> {
  const parser = parserByName(parserName);
  if (!parser) throw new Error(parserName);
  const result = await runParser(parser, data, { file });
  return { ...result, events: result.items as ParsedEvent[] };
}

const byAction = <E = ParsedEvent>(events: ParsedEvent[], action: string): E => {
  const found = events.find((event) => event.action === action);
  if (!found) throw new Error(`no ${action}`);
  return found as unknown as E;
};

describe("values", () => {
  it("reads the time forms AWS writes", () => {
    const expected = Date.parse("2026-03-02T10:02:00Z");
    expect(awsTime(1772445720.0)).toBe(expected);
    expect(awsTime("1772445720")).toBe(expected);
    expect(awsTime("2026-03-02T11:02:00+01:00")).toBe(expected);
    expect(awsTime("2026-03-02 21:02:00+11:00")).toBe(expected);
    expect(awsTime("20260302T100200Z")).toBe(expected);
    expect(awsTime("Mar 2, 2026 10:02:00 AM")).toBe(expected);
    expect(awsTime("Mar 2, 2026, 10:02:00 PM")).toBe(expected + 12 * 3_600_000);
    expect(awsTime("March 2, 2026, 11:02:00 (UTC+01:00)")).toBe(expected);
    expect(awsTime("March 2, 2026, 03:02:00 (UTC-07:00)")).toBe(expected);
    expect(awsTime("2021-02-21T23: 46: 28Z")).toBe(Date.parse("2021-02-21T23:46:28Z"));
    expect(awsTime("yesterday")).toBeUndefined();
  });

  it("keeps service names and unparseable addresses out of clientIp", () => {
    expect(sourceAddressOf("192.0.2.0")).toEqual({ clientIp: "192.0.2.0" });
    expect(sourceAddressOf("2001:DB8::1")).toEqual({ clientIp: "2001:db8::1" });
    expect(sourceAddressOf("ec2.amazonaws.com")).toEqual({ sourceService: "ec2.amazonaws.com" });
    expect(sourceAddressOf("AWS Internal/3")).toEqual({ sourceService: "AWS Internal/3" });
    // Leading zeros: not read as octal, not "corrected", kept as written.
    expect(sourceAddressOf("211.9.016.253")).toEqual({ sourceAddress: "211.9.016.253" });
  });

  it("reads account, region and organisation from AWSLogs paths", () => {
    expect(deliveryPath("bucket/AWSLogs/o-exampleorg11/111122223333/CloudTrail/eu-west-1/2026/03/02/x.json.gz")).toEqual({ organizationId: "o-exampleorg11", accountId: "111122223333", service: "CloudTrail", region: "eu-west-1" });
    expect(deliveryPath("AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/x.log.gz")).toEqual({ accountId: "111122223333", service: "vpcflowlogs", region: "eu-west-1" });
    expect(deliveryPath("evidence/cloudtrail.json")).toEqual({});
  });

  it("parses struct text as SQL engines render it", () => {
    expect(parseStructText("{type=IAMUser, arn=arn:aws:iam::1:user/a, sessioncontext={attributes={mfaauthenticated=false}}, list=[a, b], none=null}")).toEqual({
      type: "IAMUser",
      arn: "arn:aws:iam::1:user/a",
      sessionContext: { attributes: { mfaAuthenticated: "false" } },
      list: ["a", "b"],
      none: null,
    });
    expect(() => parseStructText("{type=IAMUser")).toThrow();
  });
});

describe("aws-cloudtrail-json", () => {
  it("the credential chain: sign-ins, issued credentials, shares, decoded policies, named accounts", async () => {
    const { events, warnings } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/credential-chain.json");
    expect(warnings).toEqual([]);
    expect(events.map((event) => event.kind)).toEqual(["auth", "auth", ...Array(9).fill("cloud.api")]);
    const [failure, success] = events as AuthEvent[];
    expect(failure).toMatchObject({ result: "failure", user: "hr-admin", clientIp: "203.0.113.66", mfa: "no", failureReason: "Failed authentication" });
    expect(success).toMatchObject({ result: "success", mfa: "no", detail: "console sign-in without MFA", cloud: { principal: { type: "IAMUser", mfaAuthenticated: false } } });
    const assume = byAction<CloudApiEvent>(events, "AssumeRole");
    expect(assume.issued).toEqual([{ accessKeyId: "ASIAEXAMPLEBACKUP001", type: "session", principal: "arn:aws:sts::111122223333:assumed-role/BackupReader/hr-admin-session", expiration: Date.parse("2026-03-02T11:05:00Z") }]);
    expect(assume.redacted).toEqual(["responseElements.credentials.sessionToken"]);
    expect(assume.cloud?.principal?.accessKeyId).toBe("AKIAEXAMPLEHRADMIN01");
    const share = byAction<CloudApiEvent>(events, "ModifySnapshotAttribute");
    expect(share).toMatchObject({ user: "arn:aws:sts::111122223333:assumed-role/BackupReader/hr-admin-session", shares: [{ op: "add", with: "444455556666" }], accountsNamed: ["444455556666"] });
    expect(share.cloud?.principal).toMatchObject({ type: "AssumedRole", name: "hr-admin-session", accessKeyId: "ASIAEXAMPLEBACKUP001", sessionIssuer: { arn: "arn:aws:iam::111122223333:role/BackupReader" }, mfaAuthenticated: false });
    expect(byAction<CloudApiEvent>(events, "CreateAccessKey").issued).toEqual([{ accessKeyId: "AKIAEXAMPLENEWKEY001", type: "access-key", principal: "svc-backup" }]);
    const policy = byAction<CloudApiEvent>(events, "PutBucketPolicy");
    expect(policy.accountsNamed).toEqual(["444455556666"]);
    expect(policy.cloud?.resources).toEqual([{ type: "AWS::S3::Bucket", arn: "arn:aws:s3:::staff-records", accountId: "111122223333" }]);
    const role = byAction<CloudApiEvent>(events, "CreateRole");
    // The same trust policy as JSON text in the request and URL-encoded in the response, both decoded.
    expect(Object.keys(role.policies ?? {})).toEqual(["requestParameters.assumeRolePolicyDocument", "responseElements.role.assumeRolePolicyDocument"]);
    expect(role.policies?.["responseElements.role.assumeRolePolicyDocument"]).toEqual(role.policies?.["requestParameters.assumeRolePolicyDocument"]);
    expect(role.accountsNamed).toEqual(["111122223333", "444455556666"]);
    const stop = byAction<CloudApiEvent>(events, "StopLogging");
    expect(stop).toMatchObject({ result: "failure", errorCode: "AccessDenied", api: "cloudtrail:StopLogging", readOnly: false, category: "management" });
    expect(stop.detail).toMatch(/^cloudtrail:StopLogging on arn:aws:cloudtrail:eu-west-1:111122223333:trail\/org-trail; failed: AccessDenied/);
    const list = byAction<CloudApiEvent>(events, "ListBuckets");
    expect(list).toMatchObject({ bytesOut: 1430, userAgent: expect.stringMatching(/^aws-cli\/.*command#s3\.ls$/), cloud: { tls: { version: "TLSv1.3", host: "s3.eu-west-1.amazonaws.com" } } });
    for (const event of events) expect(event.ref.recordId).toMatch(/^e0/);
  });

  it("S3 data events are object accesses with their bytes, keys and authentication", async () => {
    const { events, warnings } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/s3-data-events.json");
    expect(warnings).toEqual([]);
    const accesses = events as ObjectAccessEvent[];
    expect(accesses.map((event) => [event.action, event.op, event.key ?? event.prefix, event.bytesOut, event.result])).toEqual([
      ["ListObjectsV2", "list", "hr/", 2210, "success"],
      ["GetObject", "read", "hr/salaries-2025.csv", 5242880, "success"],
      ["GetObject", "read", "hr/staff list 2026.xlsx", 1048576, "success"],
      ["HeadObject", "head", "hr/payroll.db", 0, "success"],
      ["CopyObject", "write", "tmp/payroll.db", 234, "success"],
      ["DeleteObjects", "delete", undefined, 310, "success"],
      ["GetObject", "read", "legal/contracts.zip", 243, "failure"],
    ]);
    const presigned = accesses[2] as ObjectAccessEvent;
    expect(presigned).toMatchObject({ authType: "QueryString", clientIp: "198.51.100.23", userAgent: "curl/8.5.0", category: "data", service: "s3.amazonaws.com", api: "s3:GetObject" });
    expect(presigned.detail).toContain("presigned URL");
    expect(accesses[4]?.copySource).toBe("staff-records/hr/payroll.db");
    expect(accesses[0]?.cloud?.resources?.[0]).toEqual({ type: "AWS::S3::Object", arn: "arn:aws:s3:::staff-records/hr/", prefix: true });
  });

  it("WorkMail's own API: the actions by name, the mailbox they act on", async () => {
    const { events } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/workmail-actions.json");
    const calls = events as CloudApiEvent[];
    expect(calls.map((event) => [event.api, event.mailbox])).toEqual([
      ["workmail:CreateImpersonationRole", undefined],
      ["workmail:AssumeImpersonationRole", undefined],
      ["workmail:PutMailboxPermissions", "payroll@agency.example"],
      ["workmail:ResetPassword", "erin.walsh@agency.example"],
      ["workmail:StartMailboxExportJob", "payroll@agency.example"],
      ["workmail:DeleteEmailMonitoringConfiguration", undefined],
    ]);
    const exportJob = calls[4] as CloudApiEvent;
    expect(exportJob.cloud?.resources?.map((resource) => resource.arn ?? resource.id)).toEqual(["arn:aws:s3:::mail-exports", "arn:aws:iam::111122223333:role/WorkMailExport", "m-0123456789abcdef0123456789abcdef", "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001"]);
    expect(calls[3]?.redacted).toEqual(["requestParameters.password"]);
  });

  it("lookup-events pages: the record out of CloudTrailEvent, the Event history id as record id", async () => {
    const { events, warnings } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/lookup-events-pages.json");
    expect(warnings).toEqual([]);
    expect(events.map((event) => [event.action, new Date(event.ts).toISOString()])).toEqual([
      ["GetCallerIdentity", "2026-03-02T10:02:00.000Z"],
      ["AssumeRole", "2026-03-02T10:05:00.000Z"],
      ["CreateAccessKey", "2026-03-02T10:14:00.000Z"],
    ]);
    const chain = (await run("aws-cloudtrail-json", "aws-cloudtrail-json/credential-chain.json")).events;
    // The same records as in the trail: same record ids, same bodies (so de-duplication keeps one).
    const strip = (event: ParsedEvent) => ({ ...event, ref: { recordId: event.ref.recordId } });
    expect(events.map(strip)).toEqual(["GetCallerIdentity", "AssumeRole", "CreateAccessKey"].map((action) => strip(byAction(chain, action))));
  });

  it("a lookup item whose CloudTrailEvent has no eventTime takes EventTime (number, ISO, Python str)", async () => {
    const item = (eventTime: unknown) => ({ EventId: "x", EventName: "GetCallerIdentity", EventTime: eventTime, CloudTrailEvent: JSON.stringify({ eventVersion: "1.08", eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity", eventID: "x" }) });
    const data = Buffer.from(`${[1772445720.0, "2026-03-02T11:02:00+01:00", "2026-03-02 21:02:00+11:00"].map((time) => JSON.stringify(item(time))).join("\n")}\n`);
    const { events } = await run("aws-cloudtrail-json", "lookup.jsonl", data);
    expect(events.map((event) => event.ts)).toEqual(Array(3).fill(Date.parse("2026-03-02T10:02:00Z")));
  });

  it("Lake get-query-results rows, pages as JSON lines, and collector wrappings (_raw) are unwrapped", async () => {
    const record = JSON.parse(readFileSync(`${FIXTURES}aws-cloudtrail-json/credential-chain.json`, "utf8")).Records[2] as Record<string, unknown>;
    const lake = Buffer.from(
      JSON.stringify({
        QueryStatus: "FINISHED",
        QueryResults: [[{ eventID: "lake-1" }, { eventTime: "2026-03-02 10:02:00.000" }, { eventSource: "sts.amazonaws.com" }, { eventName: "GetCallerIdentity" }, { userIdentity: "{type=IAMUser, arn=arn:aws:iam::111122223333:user/hr-admin, username=hr-admin}" }]],
      }),
    );
    expect(looksLikeCloudTrailJson(lake.toString())).toBe(true);
    const fromLake = (await run("aws-cloudtrail-json", "lake.json", lake)).events;
    expect(fromLake.map((event) => [event.action, event.user, event.ref.recordId, event.ts])).toEqual([["GetCallerIdentity", "hr-admin", "lake-1", Date.parse("2026-03-02T10:02:00Z")]]);
    const pages = Buffer.from(`${JSON.stringify({ Records: [record, record] })}\n${JSON.stringify({ Events: [{ EventId: "x", CloudTrailEvent: JSON.stringify(record) }] })}\n`);
    const fromPages = await run("aws-cloudtrail-json", "pages.jsonl", pages);
    expect(fromPages.events.map((event) => event.ref)).toEqual([
      { line: 1, recordId: record["eventID"] },
      { line: 1, recordId: record["eventID"] },
      { line: 2, recordId: record["eventID"] },
    ]);
    const wrapped = Buffer.from(`${JSON.stringify({ _raw: JSON.stringify(record), host: "splunk" })}\n${JSON.stringify({ _raw: "{broken", host: "splunk" })}\n`);
    expect(looksLikeCloudTrailJson(wrapped.toString())).toBe(true);
    const fromSiem = await run("aws-cloudtrail-json", "siem.jsonl", wrapped);
    expect(fromSiem.events.map((event) => event.action)).toEqual(["GetCallerIdentity"]);
    expect(fromSiem.warnings).toEqual([{ ref: { line: 2 }, message: expect.stringContaining("_raw is not valid JSON") }]);
  });

  it("EventBridge: the record in detail", async () => {
    const { events } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/eventbridge-event.json");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "cloud.api", action: "ModifySnapshotAttribute", ref: { offset: 0 } });
  });

  it("Logstash re-emission: @timestamp stands in for eventTime, said once per file and noted", async () => {
    const { events, warnings, notes } = await run("aws-cloudtrail-json", "aws-cloudtrail-json/logstash-timestamp.jsonl");
    expect(events.map((event) => [event.kind, event.ts])).toEqual([
      ["object.access", Date.parse("2026-03-02T10:06:30Z")],
      ["object.access", Date.parse("2026-03-02T10:07:10Z")],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref.line).toBe(1);
    expect(warnings[0]?.message).toMatch(/@timestamp/);
    expect(notes).toEqual(["aws-cloudtrail-json/logstash-timestamp.jsonl: 2 CloudTrail records had no eventTime; the collector's @timestamp was used"]);
  });

  it("broken input: located warnings, the complete records kept", async () => {
    const cut = await run("aws-cloudtrail-json", "aws-cloudtrail-json/bad/cut-in-record.json");
    expect(cut.events.map((event) => event.action)).toEqual(["GetCallerIdentity"]);
    expect(cut.warnings).toEqual([{ ref: { offset: expect.any(Number) }, message: expect.stringContaining("truncated") }]);
    const odd = await run("aws-cloudtrail-json", "aws-cloudtrail-json/bad/records-not-objects.json");
    expect(odd.events).toHaveLength(1);
    expect(odd.warnings.map((warning) => warning.message)).toEqual(["array element is not a JSON object: skipped", "array element is not a JSON object: skipped", "CloudTrail record without a usable eventTime: skipped"]);
  });

  it("the organisation trail's path gives the organisation id; the record's account and region win over the path", async () => {
    const key = "s3-delivery/trail-bucket/AWSLogs/o-exampleorg11/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T1025Z_q7R8s9T0u1V2w3X4.json.gz";
    const data = gunzipSync(readFileSync(`${FIXTURES}aws-cloudtrail-json/${key}`));
    const { events } = await run("aws-cloudtrail-json", key, data);
    expect(events[0]?.cloud).toMatchObject({ organizationId: "o-exampleorg11", accountId: "111122223333", region: "eu-west-1" });
  });
});

describe("aws-cloudtrail-csv", () => {
  it("the console's Event history CSV: columns back into records, the display time form, formula cells kept as data", async () => {
    const { events, warnings } = await run("aws-cloudtrail-csv", "aws-cloudtrail-csv/event-history-console.csv");
    expect(warnings).toEqual([]);
    expect(events.map((event) => [event.action, new Date(event.ts).toISOString(), event.result, event.user])).toEqual([
      ["GetCallerIdentity", "2026-03-02T10:02:00.000Z", "success", "hr-admin"],
      ["ModifySnapshotAttribute", "2026-03-02T10:12:00.000Z", "success", "hr-admin-session"],
      ["StopLogging", "2026-03-02T10:20:00.000Z", "failure", "hr-admin"],
      ["DescribeInstances", "2026-03-02T10:40:00.000Z", "success", '=HYPERLINK("http://x.example")'],
    ]);
    expect(events[1]).toMatchObject({ ref: { line: 3, recordId: expect.stringMatching(/^e0/) }, cloud: { region: "eu-west-1", principal: { accessKeyId: "ASIAEXAMPLEBACKUP001" }, resources: [{ type: "AWS::EC2::Snapshot", id: "snap-0a1b2c3d4e5f60718" }] } });
  });

  it("Lake results: struct text and JSON text read back into the record", async () => {
    const { events, warnings } = await run("aws-cloudtrail-csv", "aws-cloudtrail-csv/lake-query-results.csv");
    expect(warnings).toEqual([]);
    const [assume, get] = events as unknown as [CloudApiEvent, ObjectAccessEvent];
    expect(assume).toMatchObject({ kind: "cloud.api", api: "sts:AssumeRole", user: "hr-admin", request: { roleArn: "arn:aws:iam::111122223333:role/BackupReader" }, cloud: { principal: { arn: "arn:aws:iam::111122223333:user/hr-admin", accessKeyId: "AKIAEXAMPLEHRADMIN01" } } });
    expect(get).toMatchObject({ kind: "object.access", op: "read", bucket: "staff-records", key: "hr/salaries-2025.csv", cloud: { principal: { type: "AssumedRole", sessionIssuer: { name: "BackupReader" }, mfaAuthenticated: false, sessionCreated: Date.parse("2026-03-02T10:05:00Z") } } });
  });

  it("bad rows are located warnings", async () => {
    const { events, warnings } = await run("aws-cloudtrail-csv", "aws-cloudtrail-csv/bad/short-rows.csv");
    expect(events).toHaveLength(1);
    expect(warnings.map((warning) => [warning.ref.line, warning.message.split(":")[0]])).toEqual([
      [3, "CloudTrail record without a usable eventTime"],
      [4, "CloudTrail record without eventName or eventSource"],
      [5, "record has 2 fields, the header has 5"],
    ]);
  });
});

describe("aws-cloudwatch-logs", () => {
  it("export-task lines: each message read as what it holds", async () => {
    const { events, warnings } = await run("aws-cloudwatch-logs", "aws-cloudwatch-logs/export-task-000000");
    expect(events.map((event) => [event.kind, event.action, event.ref.line])).toEqual([
      ["cloud.api", "GetCallerIdentity", 1],
      ["cloud.api", "AssumeRole", 2],
      ["mail.read", "read", 3],
      ["network.flow", "ACCEPT", 4],
    ]);
    expect(warnings).toEqual([{ ref: { line: 5 }, message: expect.stringContaining("not a CloudTrail record") }]);
  });

  it("filter-log-events JSON", async () => {
    const { events, warnings } = await run("aws-cloudwatch-logs", "aws-cloudwatch-logs/filter-log-events.json");
    expect(events.map((event) => [event.kind, event.action])).toEqual([
      ["cloud.api", "ModifySnapshotAttribute"],
      ["cloud.api", "CreateAccessKey"],
      ["mail.read", "read"],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/message is not valid JSON/);
  });
});
