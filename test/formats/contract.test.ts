/**
 * The contract every parser meets (DESIGN.md habit 10): its own fixtures are sniffed as its own
 * (first in registry order), every item carries a location, kinds are valid, 1-byte chunks give
 * the same result as whole reads, and garbage neither crashes it nor is taken as its format.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_KINDS } from "../../src/model/events.js";
import { HEAD_BYTES } from "../../src/model/format.js";
import { fileFormats as parsers } from "../../src/formats/index.js";
import { runParser } from "./harness.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
/** fixtures/<family>/<format>/: the family folder that holds a format's fixtures. */
function fixtureDir(name: string): string {
  const family = readdirSync(FIXTURES).find((entry) => existsSync(join(FIXTURES, entry, name)));
  return join(FIXTURES, family ?? "missing", name);
}
const CHUNK_TEST_MAX_BYTES = 256 * 1024;

function fixtureFiles(name: string): string[] {
  const dir = fixtureDir(name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => !entry.endsWith(".md") && !entry.includes(".expected."))
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));

for (const parser of parsers) {
  describe(`parser contract: ${parser.name}`, () => {
    const files = fixtureFiles(parser.name);

    it("has a description and fixtures", () => {
      expect(parser.description.length).toBeGreaterThan(10);
      const hasDirs = existsSync(fixtureDir(parser.name));
      expect(hasDirs, `fixtures/<family>/${parser.name}/ must exist`).toBe(true);
    });

    it("says 'not mine' to empty input and binary garbage, and parsing garbage does not throw", async () => {
      expect(parser.sniff(Buffer.alloc(0), "empty")).toBe(false);
      expect(parser.sniff(garbage, "garbage.bin")).toBe(false);
      const run = await runParser(parser, garbage, { file: "garbage.bin" });
      for (const item of run.items) expect(item.ref).toBeDefined();
    });

    for (const path of files) {
      const name = path.slice(FIXTURES.length);
      it(`${name}: sniffed as its own, first in registry order`, () => {
        const data = readFileSync(path);
        const head = data.subarray(0, HEAD_BYTES);
        const first = parsers.find((candidate) => candidate.sniff(head, path));
        expect(first?.name).toBe(parser.name);
      });

      it(`${name}: every item has a kind and a location`, async () => {
        const run = await runParser(parser, readFileSync(path), { file: path, parse: { year: 2026 } });
        expect(run.items.length).toBeGreaterThan(0);
        for (const item of run.items) {
          const ref = item.ref;
          expect(ref.line !== undefined || ref.offset !== undefined || ref.recordId !== undefined).toBe(true);
          if (item.kind !== "message") {
            expect(EVENT_KINDS).toContain(item.kind);
            expect(Number.isFinite(item.ts)).toBe(true);
            expect(item.action.length).toBeGreaterThan(0);
          }
        }
        for (const warning of run.warnings) {
          expect(warning.ref.line !== undefined || warning.ref.offset !== undefined || warning.ref.recordId !== undefined).toBe(true);
        }
      });

      if (statSync(path).size <= CHUNK_TEST_MAX_BYTES) {
        it(`${name}: 1-byte chunks give the same items and warnings`, async () => {
          const data = readFileSync(path);
          const whole = await runParser(parser, data, { file: path, parse: { year: 2026 } });
          const bytewise = await runParser(parser, data, { file: path, parse: { year: 2026 }, chunkSize: 1 });
          expect(bytewise.items).toEqual(whole.items);
          expect(bytewise.warnings).toEqual(whole.warnings);
        });
      }
    }
  });
}
