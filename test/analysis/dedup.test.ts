/** De-duplication (src/analysis/dedup.ts): one record id, different content, is two events and a warning, never a silent drop. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const RECORD = "a7c4e2f1-9b3d-4e8a-b6c5-1d2e3f4a5b01";

interface TimelineLine {
  id: string;
  timestamp: string;
  source: { file: string; line?: number };
  otherLocations?: { file: string; line: number }[];
}

let out: string;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "mailtrail-dedup-"));
  const evidence = join(work, "evidence");
  mkdirSync(evidence);
  const lines = readFileSync(join(FIXTURES, "m365/m365-audit-csv/AuditLog_20260126_101500.csv"), "utf8").split("\n");
  const header = lines[0] ?? "";
  const record = lines.find((line) => line.startsWith(RECORD)) ?? "";
  expect(record).toContain("11/26/2026 8:24:10 AM");
  // a.csv: the record. b.csv: the same id an hour later (another record, or a tampered copy).
  // c.csv: an exact copy of a.csv's record (an overlapping export).
  writeFileSync(join(evidence, "a.csv"), `${header}\n${record}\n`);
  writeFileSync(join(evidence, "b.csv"), `${header}\n${record.replace("8:24:10 AM", "9:24:10 AM").replace("2026-11-26T08:24:10", "2026-11-26T09:24:10")}\n`);
  writeFileSync(join(evidence, "c.csv"), `${header}\n${record}\n`);
  out = join(work, "out");
  const result = await runCli(["run", evidence, "--out", out, "--quiet"]);
  expect(result.code, result.stderr).toBe(0);
});

describe("same record id, different content", () => {
  it("both are kept as events; the exact copy is still one duplicate", () => {
    const timeline = readFileSync(join(out, "timeline.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TimelineLine);
    expect(timeline.map((event) => [event.timestamp, event.source.file])).toEqual([
      ["2026-11-26T08:24:10.000Z", "evidence/a.csv"],
      ["2026-11-26T09:24:10.000Z", "evidence/b.csv"],
    ]);
    expect(timeline[0]?.otherLocations).toEqual([expect.objectContaining({ file: "evidence/c.csv", line: 2 })]);
    expect(timeline[1]?.otherLocations).toBeUndefined();
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { events: number; duplicates_dropped: { total: number; by_file: Record<string, number> }; warnings: number; notes: string[] };
    expect(summary.events).toBe(2);
    expect(summary.duplicates_dropped).toEqual({ total: 1, by_file: { "evidence/c.csv": 1 } });
    expect(summary.warnings).toBe(1);
    expect(summary.notes).toContain(
      "1 record(s) share their record id with a different record (another time, action, user, address...): both kept as separate events, each named in warnings.jsonl",
    );
  });

  it("the warning names both locations and what differs, and counts in the file's manifest entry", () => {
    const warnings = readFileSync(join(out, "warnings.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warnings).toEqual([
      {
        file: "evidence/b.csv",
        line: 2,
        record_id: RECORD,
        parser: "m365-audit-csv",
        reason: `record id ${RECORD} is also at evidence/a.csv line 2 with a different time: not the same record, both kept as separate events`,
      },
    ]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { files: { path: string; warnings: number; duplicates: number }[] };
    expect(manifest.files.map((file) => [file.path, file.warnings, file.duplicates])).toEqual([
      ["evidence/a.csv", 0, 0],
      ["evidence/b.csv", 1, 0],
      ["evidence/c.csv", 0, 1],
    ]);
  });
});
