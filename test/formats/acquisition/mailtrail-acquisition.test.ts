import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mailtrailAcquisition } from "../../../src/formats/acquisition/mailtrail-acquisition.js";
import { runParser } from "../harness.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/acquisition/mailtrail-acquisition/${name}`, import.meta.url));

describe("mailtrail-acquisition (acquire graph's manifest)", () => {
  it("one event per collection run, with what was pulled and how it ended", async () => {
    const run = await runParser(mailtrailAcquisition, fixture("acquisition.json"));
    expect(run.warnings).toEqual([]);
    expect(run.items.map((item) => (item.kind === "other" ? [new Date(item.ts).toISOString(), item.result, item.ref.recordId] : []))).toEqual([
      ["2026-11-27T09:12:03.410Z", "failure", "run 1"],
      ["2026-11-27T09:31:55.907Z", "success", "run 2"],
    ]);
    expect(run.items[1]?.kind === "other" ? run.items[1].detail : "").toBe(
      "tenant 6f1c7c2a-0b8e-4c7e-9d8e-3a1f5b2c9d10, signins, directory from 2026-11-20T00:00:00.000Z to 2026-11-27T00:00:00.000Z: 21977 records, complete, ended 2026-11-27T09:33:02.118Z",
    );
  });

  it("bad manifests: located warnings, the rest kept", async () => {
    const noTime = await runParser(mailtrailAcquisition, fixture("bad/run-without-time.json"));
    expect(noTime.items.length).toBe(1);
    expect(noTime.warnings).toEqual([{ ref: { recordId: "run 1" }, message: "acquisition run without a valid startedAt" }]);
    const truncated = await runParser(mailtrailAcquisition, fixture("bad/truncated.json"));
    expect(truncated.items).toEqual([]);
    expect(truncated.warnings.length).toBe(1);
    expect(truncated.warnings[0]?.message).toMatch(/^not valid JSON/);
  });

  it("is not taken for other JSON (sign-ins, audit records)", () => {
    expect(mailtrailAcquisition.sniff(Buffer.from('{"value":[{"id":"1","createdDateTime":"2026-11-26T08:00:00Z"}]}'), "page.json")).toBe(false);
    expect(mailtrailAcquisition.sniff(Buffer.from('{"format":"other","tool":{"name":"mailtrail"}}'), "x.json")).toBe(false);
  });
});
