/** S3 server access logs, VPC flow logs, GuardDuty findings, WorkMail audit logs, CloudTrail digests: the constructed fixtures. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CloudApiEvent, DetectionEvent, LogDigestEvent, MailReadEvent, NetworkFlowEvent, ObjectAccessEvent, ParsedEvent, RecordRef } from "../../../src/model/events.js";
import { fileFormats } from "../../../src/formats/index.js";

const parserByName = (name: string) => fileFormats.find((parser) => parser.name === name);
import { accessLogTokens } from "../../../src/formats/aws/s3-access-log.js";
import { countBy, runParser, type ParserRun } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/aws/", import.meta.url).pathname;
type Parsed<E> = E & { ref: RecordRef };

async function run(parserName: string, file: string): Promise<ParserRun & { events: ParsedEvent[] }> {
  const parser = parserByName(parserName);
  if (!parser) throw new Error(parserName);
  const result = await runParser(parser, readFileSync(FIXTURES + file), { file });
  return { ...result, events: result.items as ParsedEvent[] };
}

describe("aws-s3-access-log", () => {
  it("splits quoted and bracketed fields and keeps `-`", () => {
    expect(accessLogTokens('a b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 - ID REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - "-" "Mozilla \\"x\\" 5"')).toEqual([
      "a", "b", "06/Feb/2019:00:00:38 +0000", "1.2.3.4", "-", "ID", "REST.GET.OBJECT", "k", "GET /k HTTP/1.1", "200", "-", "-", 'Mozilla "x" 5',
    ]);
    expect(accessLogTokens('a "unclosed')).toBeUndefined();
  });

  it("object operations with bytes sent and object size, bucket operations as API calls", async () => {
    const { events, warnings } = await run("aws-s3-access-log", "aws-s3-access-log/2026-03-02-10-20-00-5E1F2A3B4C5D6E7F");
    expect(warnings).toEqual([]);
    expect(events.map((event) => [event.kind, event.action, (event as ObjectAccessEvent).op, (event as ObjectAccessEvent).key, (event as ObjectAccessEvent).bytesOut, (event as ObjectAccessEvent).objectSize])).toEqual([
      ["object.access", "REST.GET.BUCKET", "list", undefined, 2210, undefined],
      ["object.access", "REST.GET.OBJECT", "read", "hr/salaries-2025.csv", 5242880, 5242880],
      ["object.access", "REST.GET.OBJECT", "read", "hr/payroll.db", 65536, 734003200],
      ["object.access", "REST.GET.OBJECT", "read", "hr/staff list 2026.xlsx", 1048576, 1048576],
      ["object.access", "REST.HEAD.OBJECT", "head", "hr/payroll.db", 0, 734003200],
      ["object.access", "REST.COPY.OBJECT_GET", "read", "hr/payroll.db", 0, 734003200],
      ["object.access", "REST.COPY.OBJECT", "write", "tmp/payroll.db", 234, 734003200],
      ["object.access", "BATCH.DELETE.OBJECT", "delete", "tmp/payroll.db", 0, undefined],
      ["object.access", "BATCH.DELETE.OBJECT", "delete", "tmp/notes.txt", 0, undefined],
      ["cloud.api", "REST.PUT.BUCKETPOLICY", undefined, undefined, 0, undefined],
      ["object.access", "REST.GET.OBJECT", "read", "hr/salaries-2025.csv", 243, 5242880],
      ["object.access", "REST.PUT.OBJECT", "write", "upload/report+1.pdf", 0, 20480],
    ]);
    const presigned = events[3] as ObjectAccessEvent;
    expect(presigned).toMatchObject({ authType: "QueryString", clientIp: "198.51.100.23", userAgent: "curl/8.5.0", cloud: { tls: { version: "TLSv1.3" } } });
    const read = events[1] as ObjectAccessEvent;
    expect(read).toMatchObject({ api: "s3:GetObject", bucket: "staff-records", httpStatus: 200, readOnly: true, keys: { requestId: "7Q1A2B3C4D5E6F71" }, ts: Date.parse("2026-03-02T10:06:30Z") });
    expect(read.cloud).toMatchObject({ region: "eu-west-1", principal: { type: "AssumedRole", name: "hr-admin-session", accountId: "111122223333" }, tls: { version: "TLSv1.3", host: "staff-records.s3.eu-west-1.amazonaws.com" } });
    expect((events[9] as CloudApiEvent).api).toBe("s3:PutBucketPolicy");
    expect(events[10]).toMatchObject({ result: "failure", errorCode: "AccessDenied", cloud: { principal: { type: "Anonymous" } } });
    expect(events[10]?.user).toBeUndefined();
    expect(events[11]).toMatchObject({ user: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", cloud: { principal: { type: "S3CanonicalUser" } }, extra: { laterFields: ["Yes", "eu-west-1"] } });
  });

  it("broken lines are located warnings", async () => {
    const { events, warnings } = await run("aws-s3-access-log", "aws-s3-access-log/bad/broken-lines.log");
    expect(events.map((event) => event.ref.line)).toEqual([1, 5, 6]);
    expect(warnings.map((warning) => warning.ref.line)).toEqual([2, 3, 4]);
  });
});

describe("aws-vpc-flow-log", () => {
  it("default version 2 records: bytes, the remote end, NODATA and SKIPDATA, IPv6", async () => {
    const { events, warnings } = await run("aws-vpc-flow-log", "aws-vpc-flow-log/111122223333_vpcflowlogs_eu-west-1_fl-0a1b2c3d4e5f6a7b8_20260302T1030Z_3f2e1d0c.log");
    expect(warnings).toEqual([]);
    const flows = events as NetworkFlowEvent[];
    expect(flows.map((flow) => [flow.action, flow.srcAddr, flow.dstAddr, flow.bytes, flow.clientIp])).toEqual([
      ["ACCEPT", "10.0.1.25", "203.0.113.66", 12500000, "203.0.113.66"],
      ["ACCEPT", "203.0.113.66", "10.0.1.25", 240000, "203.0.113.66"],
      ["REJECT", "192.0.2.77", "10.0.1.25", 180, "192.0.2.77"],
      ["NODATA", undefined, undefined, undefined, undefined],
      ["SKIPDATA", undefined, undefined, undefined, undefined],
      ["ACCEPT", "2001:db8:1234:a100::25", "2001:db8:ffff::66", 1650000, undefined],
    ]);
    expect(flows[0]).toMatchObject({ ts: Date.parse("2026-03-02T10:20:00Z"), end: Date.parse("2026-03-02T10:21:00Z"), protocol: 6, srcPort: 443, dstPort: 51234, packets: 9000, interfaceId: "eni-0a1b2c3d4e5f60001", result: "success", cloud: { accountId: "111122223333", region: "eu-west-1" } });
    expect(flows[2]?.result).toBe("failure");
    expect(flows[4]?.detail).toMatch(/SKIPDATA: flow records were lost/);
  });

  it("a custom version 5 format from its header line", async () => {
    const { events, warnings } = await run("aws-vpc-flow-log", "aws-vpc-flow-log/custom-v5-with-header.log");
    expect(warnings).toEqual([]);
    expect(events.map((event) => event.ref.line)).toEqual([2, 3]);
    expect(events[1]).toMatchObject({ version: 5, direction: "egress", dstService: "S3", trafficPath: 7, instanceId: "i-0a1b2c3d4e5f60001", vpcId: "vpc-0a1b2c3d", tcpFlags: 3, addressType: "IPv4", clientIp: "52.218.0.10", extra: { "az-id": "euw1-az1" } });
  });

  it("wrong widths, records without a time and Parquet delivery are located warnings", async () => {
    const widths = await run("aws-vpc-flow-log", "aws-vpc-flow-log/bad/wrong-widths.log");
    expect(widths.events).toHaveLength(1);
    expect(widths.warnings.map((warning) => warning.ref.line)).toEqual([2, 3, 5]);
    const parquet = await run("aws-vpc-flow-log", "aws-vpc-flow-log/bad/111122223333_vpcflowlogs_eu-west-1_fl-0a1b2c3d4e5f6a7b8_20260302T1030Z_parquet.log.parquet");
    expect(parquet.events).toEqual([]);
    expect(parquet.warnings).toEqual([{ ref: { line: 1 }, message: expect.stringContaining("Parquet") }]);
  });
});

describe("aws-guardduty", () => {
  it("a finding: type, severity, the actor's address and network, the key, the activity window", async () => {
    const { events } = await run("aws-guardduty", "aws-guardduty/finding.json");
    const finding = events[0] as DetectionEvent;
    expect(finding).toMatchObject({
      kind: "detection", detector: "guardduty", findingType: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", severity: 8, severityLabel: "high",
      clientIp: "203.0.113.66", country: "Netherlands", api: "s3:GetObject", actionType: "AWS_API_CALL", count: 4, archived: false,
      ts: Date.parse("2026-03-02T10:06:30Z"), lastSeen: Date.parse("2026-03-02T10:09:30Z"), user: "BackupReader",
      remote: { ip: "203.0.113.66", asn: "64500", org: "Example Hosting", isp: "Example ISP", city: "Amsterdam" },
      cloud: { accountId: "111122223333", region: "eu-west-1", principal: { accessKeyId: "ASIAEXAMPLEBACKUP001", type: "AssumedRole" } },
      ref: { offset: 0, recordId: "a2c6fd5b7e23d0b3e2b0f8e1d2c4a6b8@2026-03-02T10:20:00.000Z" },
    });
  });

  it("the CLI's PascalCase output, EventBridge events and S3 exports read the same", async () => {
    const cli = (await run("aws-guardduty", "aws-guardduty/get-findings-cli.json")).events as DetectionEvent[];
    expect(cli.map((event) => [event.findingType, event.severityLabel, event.clientIp, event.count])).toEqual([
      ["Recon:IAMUser/MaliciousIPCaller", "medium", "203.0.113.66", 1],
      ["Recon:EC2/PortProbeUnprotectedPort", "low", "192.0.2.77", 31],
    ]);
    expect(cli[1]?.cloud?.resources).toEqual([{ type: "AWS::EC2::Instance", id: "i-0a1b2c3d4e5f60001" }]);
    const bridged = (await run("aws-guardduty", "aws-guardduty/eventbridge-finding.json")).events;
    const plain = (await run("aws-guardduty", "aws-guardduty/finding.json")).events;
    expect(bridged.map((event) => ({ ...event, ref: undefined }))).toEqual(plain.map((event) => ({ ...event, ref: undefined })));
    const exported = (await run("aws-guardduty", "aws-guardduty/s3-export.jsonl")).events as Parsed<DetectionEvent>[];
    // The same finding updated later is a second record (its count grew), not a duplicate.
    expect(exported.map((event) => [event.ref.recordId, event.count])).toEqual([
      ["a2c6fd5b7e23d0b3e2b0f8e1d2c4a6b8@2026-03-02T10:20:00.000Z", 4],
      ["a2c6fd5b7e23d0b3e2b0f8e1d2c4a6b8@2026-03-02T16:20:00.000Z", 9],
      ["b4d8e2f6a1c3e5g7i9k1m3o5q7s9u1w3@2026-03-02T10:20:00.000Z", 1],
    ]);
  });

  it("what is no finding is a located warning", async () => {
    const { events, warnings } = await run("aws-guardduty", "aws-guardduty/bad/not-findings.json");
    expect(events).toEqual([]);
    expect(warnings.map((warning) => warning.message)).toEqual(["not a GuardDuty finding (no id and type): skipped", "array element is not a JSON object: skipped", "GuardDuty finding without eventFirstSeen, createdAt or updatedAt: skipped"]);
  });
});

describe("aws-workmail-audit", () => {
  it("mailbox access maps onto the mail kinds; authentication is auth", async () => {
    const { events, warnings } = await run("aws-workmail-audit", "aws-workmail-audit/audit-logs.jsonl");
    expect(warnings).toEqual([]);
    expect(countBy(events, (event) => event.kind)).toEqual({ auth: 2, "mail.read": 5, "mail.change": 3, "mail.send": 1, "mailbox.config": 1, other: 2 });
    expect(events.slice(0, 2).map((event) => [event.result, event.user, (event as { protocol?: string }).protocol, (event as { legacyProtocol?: boolean }).legacyProtocol])).toEqual([
      ["failure", "hr-admin@agency.example", "IMAP", true],
      ["success", "hr-admin@agency.example", "IMAP", true],
    ]);
    const read = events[2] as MailReadEvent;
    expect(read).toMatchObject({ how: "fetch", user: "hr-admin@agency.example", mailbox: "payroll@agency.example", clientIp: "203.0.113.66", folder: "/Inbox", items: [{ itemId: "AAMkAGI2TG93AAA=", folder: "/Inbox" }], extra: { protocol: "IMAP", objectType: "Message" } });
    expect(read.cloud).toMatchObject({ accountId: "111122223333", region: "eu-west-1", resources: [{ type: "AWS::WorkMail::Organization" }] });
    expect((events[4] as MailReadEvent).how).toBe("headers");
    expect((events[5] as MailReadEvent)).toMatchObject({ how: "access", items: [], folder: "/Sent Items" });
    const impersonated = events[6] as MailReadEvent;
    expect(impersonated).toMatchObject({ mailbox: "erin.walsh@agency.example", cloud: { principal: { impersonator: "ir-0123456789abcdef" } } });
    expect(events.slice(7).map((event) => [event.kind, event.action, (event as { op?: string; change?: string; sendAs?: string }).op ?? (event as { change?: string }).change ?? (event as { sendAs?: string }).sendAs])).toEqual([
      ["mail.change", "move", "move"],
      ["mail.change", "move_to", "move"],
      ["mail.send", "submit_email_for_sending", "send-on-behalf"],
      ["mailbox.config", "update_permissions", "permission"],
      ["mail.change", "delete", "delete"],
      ["other", "AccessControlRuleEvaluation", undefined],
      ["other", "AvailabilityProviderCall", undefined],
    ]);
  });

  it("broken records are located warnings", async () => {
    const { events, warnings } = await run("aws-workmail-audit", "aws-workmail-audit/bad/broken-records.jsonl");
    expect(events).toEqual([]);
    expect(warnings.map((warning) => warning.ref.line)).toEqual([1, 2, 3, 4]);
  });
});

describe("aws-cloudtrail-digest", () => {
  it("a digest's facts, with what the signature covers kept as written", async () => {
    const { events, warnings } = await run("aws-cloudtrail-digest", "aws-cloudtrail-digest/digest-two-files.json");
    expect(warnings).toEqual([]);
    const digest = events[0] as Parsed<LogDigestEvent>;
    expect(digest).toMatchObject({
      kind: "log.digest", log: "cloudtrail", endText: "2026-03-02T11:01:31Z", ts: Date.parse("2026-03-02T11:01:31Z"), start: Date.parse("2026-03-02T10:01:31Z"),
      bucket: "trail-bucket", trail: "org-trail", publicKeyFingerprint: "0123456789abcdef0123456789abcdef", signatureAlgorithm: "SHA256withRSA",
      previous: { bucket: "trail-bucket", hash: "a".repeat(64), hashAlgorithm: "SHA-256", signature: "b".repeat(512) },
      cloud: { accountId: "111122223333", region: "eu-west-1" },
    });
    expect(digest.logFiles.map((file) => file.object.split("/").pop())).toEqual(["111122223333_CloudTrail_eu-west-1_20260302T1005Z_a1B2c3D4e5F6g7H8.json.gz", "111122223333_CloudTrail_eu-west-1_20260302T1015Z_i9J0k1L2m3N4o5P6.json.gz"]);
    expect(digest.ref.recordId).toBe(digest.object);
  });

  it("broken digests are located warnings", async () => {
    const noEnd = await run("aws-cloudtrail-digest", "aws-cloudtrail-digest/bad/no-end-time.json");
    expect(noEnd.events).toEqual([]);
    expect(noEnd.warnings).toHaveLength(1);
    const entries = await run("aws-cloudtrail-digest", "aws-cloudtrail-digest/bad/broken-log-entry.json");
    expect((entries.events[0] as LogDigestEvent).logFiles).toHaveLength(1);
    expect(entries.warnings.map((warning) => warning.message)).toEqual(["a logFiles entry has no s3Object or hashValue", "a logFiles entry is not an object"]);
  });
});
