/** `mailtrail run` over fixtures/aws: every AWS format end to end, beside the mail kinds, one sorted timeline. */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_KINDS } from "../../src/model/events.js";
import { readCsvFile, runCli } from "./run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

let out: string;
let stdout: string;

beforeAll(async () => {
  out = join(mkdtempSync(join(tmpdir(), "mailtrail-aws-")), "out");
  const result = await runCli(["run", join(FIXTURES, "aws"), "--out", out, "--quiet"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  stdout = result.stdout;
});

const jsonLines = (name: string): Record<string, unknown>[] =>
  readFileSync(join(out, name), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("mailtrail run over AWS evidence", () => {
  it("the summary counts every AWS kind beside the mail kinds", () => {
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { events: number; events_by_kind: Record<string, number>; duplicates_dropped: { total: number }; warnings: number };
    expect(Object.keys(summary.events_by_kind)).toEqual([...EVENT_KINDS]);
    for (const kind of ["cloud.api", "object.access", "network.flow", "detection", "log.digest", "auth", "mail.read", "mail.change", "mail.send", "mailbox.config"]) expect(summary.events_by_kind[kind], kind).toBeGreaterThan(0);
    expect(Object.values(summary.events_by_kind).reduce((a, b) => a + b, 0)).toBe(summary.events);
    // The story's records are repeated across shapes (trail files, Event history, Lake, CloudWatch, EventBridge).
    expect(summary.duplicates_dropped.total).toBeGreaterThan(10);
    expect(summary.warnings).toBeGreaterThan(10);
    expect(stdout).toContain("cloud.api");
  });

  it("one record seen in five shapes is one timeline row; the kept copy is a full record and the others are listed", async () => {
    const rows = await readCsvFile(join(out, "timeline.csv"));
    const shares = rows.filter((row) => row["source_ref"] === "record e00014-4a1b-4c2d-9e3f-000000000014");
    expect(shares).toHaveLength(1);
    expect(shares[0]).toMatchObject({ kind: "cloud.api", action: "ModifySnapshotAttribute", client_ip: "203.0.113.66", timestamp: "2026-03-02T10:12:00.000Z" });
    expect(shares[0]?.["detail"]).toBe("ec2:ModifySnapshotAttribute on snap-0a1b2c3d4e5f60718; shares add 444455556666");
    const event = jsonLines("timeline.jsonl").find((line) => (line["source"] as { recordId?: string }).recordId === "e00014-4a1b-4c2d-9e3f-000000000014");
    expect(event?.["request"]).toMatchObject({ snapshotId: "snap-0a1b2c3d4e5f60718" });
    const others = (event?.["otherLocations"] as { file: string }[]).map((location) => location.file).sort();
    expect(others).toHaveLength(4);
    expect(others.some((file) => file.endsWith("event-history-console.csv"))).toBe(true);
    expect(others.some((file) => file.endsWith("filter-log-events.json"))).toBe(true);
    expect(others.some((file) => file.endsWith("eventbridge-event.json"))).toBe(true);
    expect(others.some((file) => file.endsWith("i9J0k1L2m3N4o5P6.json.gz"))).toBe(true);
  });

  it("the timeline is one sorted story with the AWS kinds in it", async () => {
    const rows = await readCsvFile(join(out, "timeline.csv"));
    const kinds = new Set(rows.map((row) => row["kind"]));
    for (const kind of ["cloud.api", "object.access", "network.flow", "detection", "log.digest", "mail.read", "auth"]) expect(kinds.has(kind), kind).toBe(true);
    const times = rows.map((row) => row["timestamp"] ?? "");
    expect(times).toEqual([...times].sort());
    const flow = rows.find((row) => row["kind"] === "network.flow" && row["source_file"]?.includes("custom-v5"));
    expect(flow?.["detail"]).toMatch(/^10\.0\.1\.25:443 → 203\.0\.113\.66:51299 30000000 bytes/);
    const sketch = jsonLines("timesketch.jsonl").find((line) => line["kind"] === "object.access" && String(line["message"]).includes("hr/salaries-2025.csv"));
    expect(sketch?.["message"]).toMatch(/^GetObject \(success\) by arn:aws:sts::111122223333:assumed-role\/BackupReader\/hr-admin-session from 203\.0\.113\.66: read s3:\/\/staff-records\/hr\/salaries-2025\.csv; 5242880 bytes out/);
  });

  it("the manifest holds the hash of each .gz file's content (what digests vouch for)", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { files: { path: string; content_sha256?: string; sha256?: string; format?: string }[] };
    const gz = manifest.files.filter((file) => file.path.endsWith(".json.gz"));
    expect(gz).toHaveLength(6);
    for (const file of gz) {
      const content = gunzipSync(readFileSync(join(FIXTURES, file.path)));
      expect(file.content_sha256).toBe(sha256(content));
      expect(file.format).toMatch(/\+gzip$/);
    }
    expect(manifest.files.filter((file) => !file.path.endsWith(".gz")).every((file) => file.content_sha256 === undefined)).toBe(true);
  });

  it("bad input is located warnings, never a crash", () => {
    const warnings = jsonLines("warnings.jsonl");
    const located = (file: string) => warnings.filter((warning) => String(warning["file"]).endsWith(file)).map((warning) => warning["line"] ?? warning["offset"]);
    expect(located("aws-s3-access-log/bad/broken-lines.log")).toEqual([2, 3, 4]);
    expect(located("aws-workmail-audit/bad/broken-records.jsonl")).toEqual([1, 2, 3, 4]);
    expect(located("awsdocs/cloudtrail-lookup-events-cli.01.json.txt")).toEqual([156]);
    const parquet = warnings.find((warning) => String(warning["file"]).endsWith(".parquet"));
    expect(parquet?.["reason"]).toMatch(/Parquet: not read/);
  });
});
