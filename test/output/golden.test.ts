/**
 * The writers against golden files (docs/architecture.md, Habits). Regenerate on purpose only:
 * `UPDATE_GOLDEN=1 npx vitest run test/output/golden.test.ts`, then review the diff.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const GOLDEN = new URL("./golden/", import.meta.url).pathname;
const FILES = ["timeline.csv", "timeline.jsonl", "timesketch.jsonl", "summary.json", "warnings.jsonl", "findings.json", "affected-employees.csv", "exposed-messages.csv"];

let out: string;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "mailtrail-golden-"));
  mkdirSync(join(work, "evidence"));
  copyFileSync(join(FIXTURES, "dovecot/dovecot-log/dovecot-2.3.log"), join(work, "evidence/dovecot.log"));
  copyFileSync(join(FIXTURES, "dovecot/dovecot-log/constructed-2.4-and-variants.log"), join(work, "evidence/variants.log"));
  writeFileSync(join(work, "ioc.yaml"), "ips:\n  - {ip: 127.0.0.66, label: A1}\n  - 127.0.0.68\n  - 198.51.100.0/24\n");
  out = join(work, "out");
  const result = await runCli(["run", join(work, "evidence"), "--out", out, "--ioc", join(work, "ioc.yaml"), "--year", "2026", "--quiet"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
});

describe("outputs match the golden files", () => {
  for (const name of FILES) {
    it(name, () => {
      const actual = readFileSync(join(out, name), "utf8");
      const goldenPath = join(GOLDEN, name);
      if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(goldenPath)) {
        if (process.env["CI"]) throw new Error(`golden file ${name} missing in CI`);
        writeFileSync(goldenPath, actual);
      }
      expect(actual).toBe(readFileSync(goldenPath, "utf8"));
    });
  }
});
