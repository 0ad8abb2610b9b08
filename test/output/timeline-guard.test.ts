import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTimelines, type TimelineRow } from "../../src/output/timeline.js";
import type { CaseStore } from "../../src/store/case-store.js";

describe("timeline completeness", () => {
  it("a result stream that ends early is an error, never a shorter timeline", async () => {
    const row: TimelineRow = { id: "a:L1", ts: 0, kind: "other", data: { kind: "other", tsDesc: "t", action: "x", ts: 0 }, path: "f.log", sha256: "00", parser: "p", refLine: 1, refOffset: null, recordId: null, reasons: null, others: null };
    // A store whose query stops after one row although two events are stored.
    const store = {
      async *streamRows() {
        yield [row];
      },
      one: async () => ({ n: 2 }),
    } as unknown as CaseStore;
    const out = mkdtempSync(join(tmpdir(), "mailtrail-guard-"));
    await expect(writeTimelines(store, out)).rejects.toThrow("the timeline is incomplete: 1 of 2 events were written");
  });
});
