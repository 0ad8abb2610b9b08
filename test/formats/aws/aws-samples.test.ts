/**
 * Every file under fixtures/aws/samples (public AWS records copied from their sources, see
 * fixtures/README.md) parses without a
 * crash, is claimed by the right parser or by none, and gives exact counts; the broken and invalid
 * documentation blocks are located warnings. Counts come from reading the files (record by record),
 * not from running the parser.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuthEvent, CloudApiEvent, DetectionEvent, ObjectAccessEvent, ParsedEvent } from "../../../src/model/events.js";
import { HEAD_BYTES } from "../../../src/model/format.js";
import { fileFormats as parsers } from "../../../src/formats/index.js";

const parserByName = (name: string) => parsers.find((parser) => parser.name === name);
import { countBy, runParser } from "../harness.js";

const SAMPLES = new URL("../../../fixtures/aws/samples", import.meta.url).pathname;
const AWS = new Set(parsers.filter((parser) => parser.name.startsWith("aws-")).map((parser) => parser.name));

type Expect = [parser: string | undefined, events: number, warnings: number, kinds: Record<string, number>];
const json = (events: number, kinds: Record<string, number> = { "cloud.api": events }): Expect => ["aws-cloudtrail-json", events, 0, kinds];

/** Record counts of the Stratus detonation logs (each a JSON array of bare records). */
const STRATUS: Record<string, number> = {
  "credential-access.ec2-get-password-data": 34,
  "credential-access.ec2-steal-instance-credentials": 45,
  "credential-access.secretsmanager-batch-retrieve-secrets": 5,
  "credential-access.secretsmanager-retrieve-secrets": 21,
  "credential-access.ssm-retrieve-securestring-parameters": 10,
  "defense-evasion.cloudtrail-delete": 1,
  "defense-evasion.cloudtrail-event-selectors": 1,
  "defense-evasion.cloudtrail-stop": 1,
  "defense-evasion.dns-delete-logs": 1,
  "defense-evasion.organizations-leave": 3,
  "defense-evasion.vpc-remove-flow-logs": 1,
  "discovery.ec2-download-user-data": 19,
  "execution.ec2-launch-unusual-instances": 3,
  "execution.ec2-user-data": 35,
  "execution.ssm-send-command": 56,
  "execution.ssm-start-session": 29,
  "exfiltration.ec2-security-group-open-port-22-ingress": 1,
  "exfiltration.ec2-share-ami": 1,
  "exfiltration.ec2-share-ebs-snapshot": 1,
  "exfiltration.rds-share-snapshot": 1,
  "impact.bedrock-invoke-model": 15,
  "initial-access.console-login-without-mfa": 1,
  "lateral-movement.ec2-instance-connect": 3,
  "lateral-movement.ec2-serial-console-send-ssh-public-key": 4,
  "persistence.iam-backdoor-role": 1,
  "persistence.iam-backdoor-user": 1,
  "persistence.iam-create-admin-user": 3,
  "persistence.iam-create-backdoor-role": 2,
  "persistence.iam-create-user-login-profile": 3,
  "persistence.lambda-backdoor-function": 1,
  "persistence.lambda-layer-extension": 1,
  "persistence.lambda-overwrite-code": 1,
  "persistence.rolesanywhere-create-trust-anchor": 2,
  "persistence.sts-federation-token": 2,
  "privilege-escalation.iam-update-user-login-profile": 1,
};

const EXPECTED: Record<string, Expect> = {
  "awsdocs/LICENSE": [undefined, 0, 0, {}],
  "awsdocs/LICENSE-SAMPLECODE": [undefined, 0, 0, {}],
  "awsdocs/LICENSE-SUMMARY": [undefined, 0, 0, {}],
  "awsdocs/cloudtrail-aws-service-events.01.json.txt": json(1),
  "awsdocs/cloudtrail-console-sign-in.01.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.02.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.03.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.04.json.txt": json(1),
  "awsdocs/cloudtrail-console-sign-in.05.json.txt": json(1),
  "awsdocs/cloudtrail-console-sign-in.06.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.07.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.08.json.txt": json(1, { auth: 1 }),
  "awsdocs/cloudtrail-console-sign-in.09.json.txt": json(1),
  "awsdocs/cloudtrail-console-sign-in.10.json.txt": json(1),
  "awsdocs/cloudtrail-digest.01.json.txt": ["aws-cloudtrail-digest", 1, 0, { "log.digest": 1 }],
  "awsdocs/cloudtrail-digest.02.json.txt": ["aws-cloudtrail-digest", 1, 0, { "log.digest": 1 }],
  // A fragment (`"insightDetails": {…}`), not a JSON document: no format's.
  "awsdocs/cloudtrail-insights.01.json.txt": [undefined, 0, 0, {}],
  "awsdocs/cloudtrail-log-file-examples.01.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.02.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.03.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.04.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.05.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.06.json.txt": ["aws-cloudtrail-json", 0, 1, {}],
  "awsdocs/cloudtrail-log-file-examples.07.json.txt": json(1),
  "awsdocs/cloudtrail-log-file-examples.08.json.txt": json(2, { detection: 2 }),
  "awsdocs/cloudtrail-lookup-events-cli.01.json.txt": ["aws-cloudtrail-json", 0, 1, {}],
  // The four invalid blocks, repaired for mailtrail (fixtures/README.md): each is one record.
  "awsdocs/repaired/cloudtrail-log-file-examples.06.repaired.json": json(1),
  "awsdocs/repaired/cloudtrail-lookup-events-cli.01.repaired.json": json(1, { auth: 1 }),
  "awsdocs/repaired/workmail-cloudtrail.01.repaired.json": json(1),
  "awsdocs/repaired/workmail-cloudtrail.02.repaired.json": json(1),
  "awsdocs/s3-server-access-log.LogFormat.txt": ["aws-s3-access-log", 5, 0, { "cloud.api": 4, "object.access": 1 }],
  // The `#--- block N` separators were added by the sample's collector: the file is not a flow log as it stands.
  "awsdocs/vpc-flow-logs.records-examples.txt": [undefined, 0, 0, {}],
  "awsdocs/workmail-cloudtrail.01.json.txt": ["aws-cloudtrail-json", 0, 1, {}],
  "awsdocs/workmail-cloudtrail.02.json.txt": ["aws-cloudtrail-json", 0, 1, {}],
  "awsdocs/workmail-cloudtrail.03.json.txt": json(1),
  "cloudgrep/LICENSE": [undefined, 0, 0, {}],
  "cloudgrep/bad_cloudtrail.json": ["aws-cloudtrail-json", 0, 1, {}],
  "cloudgrep/cloudtrail.json": json(1),
  "cloudgrep/cloudtrail_singleline.json": json(1, { "object.access": 1 }),
  "plaso/LICENSE": [undefined, 0, 0, {}],
  "plaso/aws_cloudtrail.jsonl": json(6),
  "stratus-red-team/LICENSE": [undefined, 0, 0, {}],
  "traildiscover/LICENSE": [undefined, 0, 0, {}],
  // `[]`: nothing says whose format an empty array is.
  "traildiscover/PutEventSelectors.json.cloudtrail": [undefined, 0, 0, {}],
  ...Object.fromEntries(Object.entries(STRATUS).map(([name, count]) => [`stratus-red-team/aws.${name}.json`, json(count, name === "initial-access.console-login-without-mfa" ? { auth: 1 } : { "cloud.api": count })])),
  ...Object.fromEntries(
    ["CreateLoginProfile", "DeleteDetector", "DeleteFlowLogs", "DeleteTrail", "GetFederationToken", "ModifyDBSnapshotAttribute", "ModifySnapshotAttribute", "PutBucketAcl", "PutBucketPolicy", "StartExportTask", "StopLogging", "UpdateAssumeRolePolicy"].map((name) => [`traildiscover/${name}.json.cloudtrail`, json(1)]),
  ),
};

async function parse(file: string, parserName: string): Promise<{ events: ParsedEvent[]; warnings: { ref: Record<string, unknown>; message: string }[] }> {
  const parser = parserByName(parserName);
  if (!parser) throw new Error(`no parser ${parserName}`);
  const run = await runParser(parser, readFileSync(join(SAMPLES, file)), { file });
  return { events: run.items as ParsedEvent[], warnings: run.warnings as never };
}

describe("AWS samples", () => {
  it("the table covers every sample file", () => {
    const files = readdirSync(SAMPLES, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== "MANIFEST.md")
      .map((entry) => join(entry.parentPath, entry.name).slice(SAMPLES.length + 1))
      .sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, [parserName, count, warnings, kinds]] of Object.entries(EXPECTED)) {
    it(`${file}: ${parserName ?? "not mine"}, ${count} events, ${warnings} warnings`, async () => {
      const path = join(SAMPLES, file);
      const head = readFileSync(path).subarray(0, HEAD_BYTES);
      const claimed = parsers.find((parser) => parser.sniff(head, file));
      if (parserName === undefined) {
        expect(claimed?.name).toBeUndefined();
        return;
      }
      expect(claimed?.name).toBe(parserName);
      const run = await parse(file, parserName);
      expect(run.events).toHaveLength(count);
      expect(run.warnings).toHaveLength(warnings);
      expect(countBy(run.events, (event) => event.kind)).toEqual(kinds);
      for (const warning of run.warnings) expect(warning.ref.offset ?? warning.ref.line).toBeTypeOf("number");
    });
  }

  it("the invalid documentation blocks are located where the JSON breaks", async () => {
    const lookup = await parse("awsdocs/cloudtrail-lookup-events-cli.01.json.txt", "aws-cloudtrail-json");
    // The Events element starts at byte 156; its CloudTrailEvent string is broken over lines.
    expect(lookup.warnings).toEqual([{ ref: { offset: 156 }, message: expect.stringContaining("not valid JSON") }]);
    const createRole = await parse("awsdocs/cloudtrail-log-file-examples.06.json.txt", "aws-cloudtrail-json");
    expect(createRole.warnings[0]?.message).toMatch(/not valid JSON: Bad control character/);
    const truncated = await parse("cloudgrep/bad_cloudtrail.json", "aws-cloudtrail-json");
    expect(truncated.warnings).toEqual([{ ref: { offset: 13 }, message: expect.stringContaining("truncated") }]);
    const workmail = await parse("awsdocs/workmail-cloudtrail.01.json.txt", "aws-cloudtrail-json");
    expect(workmail.warnings[0]?.message).toMatch(/Expected ',' or '}'/);
  });

  it("the flow-log examples, separators stripped as the MANIFEST says: 17 records, 11 located warnings", async () => {
    const text = readFileSync(join(SAMPLES, "awsdocs/vpc-flow-logs.records-examples.txt"), "utf8").replace(/^#--- block \d+\n/gm, "");
    const parser = parserByName("aws-vpc-flow-log");
    if (!parser) throw new Error("no flow-log parser");
    expect(parsers.find((candidate) => candidate.sniff(Buffer.from(text), "flow.log"))?.name).toBe("aws-vpc-flow-log");
    const run = await runParser(parser, Buffer.from(text), { file: "flow.log" });
    expect(run.items).toHaveLength(17);
    // Blocks 13–15 (NAT gateway, 4 records) and 18–20 (transit gateway, 4 records) have formats without a
    // start field; block 16's two records carry a trailing comment and block 18 a `...` line: wrong widths.
    expect(countBy(run.warnings, (warning) => (warning.message.includes("no start field") ? "no time" : warning.message.includes("fields, the format has") ? "width" : "other"))).toEqual({ "no time": 8, width: 3 });
    const status = countBy(run.items as ParsedEvent[], (event) => String((event as { logStatus?: string }).logStatus));
    expect(status).toEqual({ OK: 15, NODATA: 1, SKIPDATA: 1 });
    const ipv6 = run.items.find((item) => (item as { srcAddr?: string }).srcAddr?.includes(":")) as { srcAddr?: string; dstPort?: number } | undefined;
    expect(ipv6).toMatchObject({ srcAddr: "2001:db8:1234:a100:8d6e:3477:df66:f105", dstPort: 22 });
    const s3 = run.items.find((item) => (item as { dstService?: string }).dstService === "S3") as { direction?: string; trafficPath?: number } | undefined;
    expect(s3).toMatchObject({ direction: "egress", trafficPath: 8 });
  });

  it("normalises the quirks: MFAUsed YES, redacted values, service callers, Insights, float bytes, invalid IPs, lookup strings", async () => {
    const root = (await parse("awsdocs/cloudtrail-console-sign-in.07.json.txt", "aws-cloudtrail-json")).events[0] as AuthEvent;
    expect(root).toMatchObject({ mfa: "yes", result: "success", user: "arn:aws:iam::111122223333:root", cloud: { principal: { type: "Root", mfaAuthenticated: true } } });
    const failed = (await parse("awsdocs/cloudtrail-console-sign-in.03.json.txt", "aws-cloudtrail-json")).events[0] as AuthEvent;
    expect(failed).toMatchObject({ result: "failure", failureReason: "Failed authentication", user: "anaya" });
    expect(failed.cloud?.principal?.accessKeyId).toBeUndefined();
    const keyPair = (await parse("awsdocs/cloudtrail-log-file-examples.03.json.txt", "aws-cloudtrail-json")).events[0] as CloudApiEvent;
    expect(keyPair.redacted).toEqual(["responseElements.keyMaterial"]);
    expect(keyPair.cloud?.principal?.sessionCreated).toBe(Date.parse("2014-03-06T15:15:06Z"));
    const service = (await parse("awsdocs/cloudtrail-aws-service-events.01.json.txt", "aws-cloudtrail-json")).events[0] as CloudApiEvent;
    expect(service).toMatchObject({ eventType: "AwsServiceEvent", user: "AWS Internal", cloud: { principal: { type: "AWSService", invokedBy: "AWS Internal" }, sourceService: "AWS Internal" } });
    expect(service.clientIp).toBeUndefined();
    const insights = (await parse("awsdocs/cloudtrail-log-file-examples.08.json.txt", "aws-cloudtrail-json")).events as DetectionEvent[];
    expect(insights.map((event) => [event.state, event.detector, event.findingType, event.api, event.cloud?.sharedEventId])).toEqual([
      ["Start", "cloudtrail-insights", "ApiCallRateInsight", "ssm:UpdateInstanceInformation", "EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE"],
      ["End", "cloudtrail-insights", "ApiCallRateInsight", "ssm:UpdateInstanceInformation", "EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE"],
    ]);
    expect(insights[0]).toMatchObject({ baseline: 85.4202380952, observed: 664 });
    const put = (await parse("cloudgrep/cloudtrail_singleline.json", "aws-cloudtrail-json")).events[0] as ObjectAccessEvent;
    expect(put).toMatchObject({ op: "write", bytesIn: 791, bytesOut: 0, bucket: "some-bucket", cloud: { sourceService: "cloudtrail.amazonaws.com", sharedEventId: "d3a02cbc-7a82-4248-a81b-90074c2579a6" } });
    const anonymised = (await parse("stratus-red-team/aws.persistence.sts-federation-token.json", "aws-cloudtrail-json")).events as CloudApiEvent[];
    expect(anonymised.map((event) => [event.clientIp, event.cloud?.sourceAddress])).toEqual([
      [undefined, "255.090.254.5"],
      [undefined, "255.090.254.5"],
    ]);
    const federation = anonymised.find((event) => event.action === "GetFederationToken");
    expect(federation?.issued).toEqual([{ accessKeyId: "ASIASTJKC5GCM7ZE6LUP", type: "session", principal: "arn:aws:sts::742491224508:federated-user/stratus_red_team", expiration: Date.parse("2024-11-30T20:43:17Z") }]);
    const lookup = (await parse("plaso/aws_cloudtrail.jsonl", "aws-cloudtrail-json")).events as CloudApiEvent[];
    expect(lookup[0]).toMatchObject({ action: "DescribeInstances", readOnly: true, ts: Date.parse("2022-02-07T22:23:37Z"), ref: { line: 1, recordId: "0828c0d2-3589-4390-b954-c78b4a7df44b" }, cloud: { principal: { fromConsole: true } } });
    const lambda = (await parse("stratus-red-team/aws.persistence.lambda-overwrite-code.json", "aws-cloudtrail-json")).events[0] as CloudApiEvent;
    expect([lambda.action, lambda.api]).toEqual(["UpdateFunctionCode20150331v2", "lambda:UpdateFunctionCode"]);
    const share = (await parse("stratus-red-team/aws.exfiltration.ec2-share-ebs-snapshot.json", "aws-cloudtrail-json")).events[0] as CloudApiEvent;
    expect(share).toMatchObject({ shares: [{ op: "add", with: "098797384747" }], accountsNamed: ["098797384747"], cloud: { resources: [{ type: "AWS::EC2::Snapshot", id: "snap-041993b54a9b3af6f" }] } });
    const tried = (await parse("traildiscover/ModifySnapshotAttribute.json.cloudtrail", "aws-cloudtrail-json")).events[0] as CloudApiEvent;
    expect(tried).toMatchObject({ result: "failure", errorCode: "Client.UnauthorizedOperation", shares: [{ op: "remove", with: "123456789012" }] });
  });
});
