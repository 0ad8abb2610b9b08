/**
 * Sniff order across families: an AWS fixture is claimed by exactly one parser (its own), no AWS
 * parser claims a mail or Microsoft 365 file, and the look-alikes stay apart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEAD_BYTES } from "../../../src/model/format.js";
import { fileFormats as parsers } from "../../../src/formats/index.js";

const FIXTURES = new URL("../../../fixtures/", import.meta.url).pathname;
const isAws = (name: string): boolean => name.startsWith("aws-");

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile() && !path.endsWith(".md"));
}

function claims(path: string, name = path): string[] {
  const head = readFileSync(path).subarray(0, HEAD_BYTES);
  return parsers.filter((parser) => parser.sniff(head, name)).map((parser) => parser.name);
}

describe("sniffing across families", () => {
  const awsFormats = readdirSync(join(FIXTURES, "aws")).filter(isAws);

  for (const format of awsFormats) {
    it(`fixtures/aws/${format}/*: claimed by ${format} alone`, () => {
      const files = filesIn(join(FIXTURES, "aws", format));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(claims(file), file).toEqual([format]);
    });
  }

  it("no AWS parser claims a mail, Microsoft 365 or acquisition fixture", () => {
    const families = readdirSync(FIXTURES).filter((family) => family !== "aws" && statSync(join(FIXTURES, family)).isDirectory());
    let checked = 0;
    for (const family of families) {
      for (const format of readdirSync(join(FIXTURES, family))) {
        const dir = join(FIXTURES, family, format);
        if (!statSync(dir).isDirectory()) continue;
        for (const file of [...filesIn(dir), ...filesIn(join(dir, "bad"))]) {
          checked += 1;
          expect(claims(file).filter(isAws), file).toEqual([]);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });


  it("a UAL record with CloudTrail-like words is not CloudTrail; a CloudTrail page is not a UAL or Entra file", () => {
    const ual = Buffer.from(JSON.stringify([{ CreationTime: "2026-03-02T10:00:00", Id: "x", Operation: "MailItemsAccessed", RecordType: 50, UserId: "a@b.example", ClientIP: "203.0.113.66", eventSource: "not really", Workload: "Exchange" }]));
    expect(parsers.filter((parser) => parser.sniff(ual, "ual.json")).map((parser) => parser.name)).toEqual(["m365-audit-json"]);
    const signIns = Buffer.from(JSON.stringify({ records: [{ time: "2026-03-02T10:00:00Z", category: "SignInLogs", properties: { createdDateTime: "2026-03-02T10:00:00Z" } }] }));
    expect(parsers.filter((parser) => parser.sniff(signIns, "signins.json")).every((parser) => !isAws(parser.name))).toBe(true);
    const trail = readFileSync(join(FIXTURES, "aws/aws-cloudtrail-json/credential-chain.json"));
    expect(parsers.filter((parser) => parser.sniff(trail, "x.json")).map((parser) => parser.name)).toEqual(["aws-cloudtrail-json"]);
  });

  it("an S3 access log is not a Dovecot or Exchange log, and a web server's access log is not an S3 access log", () => {
    const s3 = readFileSync(join(FIXTURES, "aws/aws-s3-access-log/2026-03-02-10-20-00-5E1F2A3B4C5D6E7F"));
    expect(parsers.filter((parser) => parser.sniff(s3, "access.log")).map((parser) => parser.name)).toEqual(["aws-s3-access-log"]);
    const apache = Buffer.from('203.0.113.66 - frank [02/Mar/2026:10:06:30 +0000] "GET /hr/salaries.csv HTTP/1.1" 200 5242880 "-" "curl/8.5.0"\n'.repeat(3));
    expect(parsers.filter((parser) => parser.sniff(apache, "access.log")).map((parser) => parser.name)).toEqual([]);
  });

  it("a flow log is not taken for a Dovecot or Exchange log; a CloudWatch export of CloudTrail is the CloudWatch format's", () => {
    const flow = readFileSync(join(FIXTURES, "aws/aws-vpc-flow-log/custom-v5-with-header.log"));
    expect(parsers.filter((parser) => parser.sniff(flow, "flow.log")).map((parser) => parser.name)).toEqual(["aws-vpc-flow-log"]);
    const exported = readFileSync(join(FIXTURES, "aws/aws-cloudwatch-logs/filter-log-events.json"));
    expect(parsers.filter((parser) => parser.sniff(exported, "events.json")).map((parser) => parser.name)).toEqual(["aws-cloudwatch-logs"]);
  });
});
