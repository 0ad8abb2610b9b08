/**
 * The contract every format meets (docs/adding-a-format.md), for both kinds.
 *
 * File formats: own fixtures are sniffed as their own (first in registry order), every item and
 * warning carries a location, kinds are valid, 1-byte chunks give the same result as whole reads,
 * and garbage neither crashes them nor is taken as their format.
 *
 * Folder formats: own fixture folders (fixtures/<family>/<format>/<folder>/ and .../bad/<folder>/)
 * are claimed by it and by no other folder format, every item and warning names the member it
 * came from and a place in it, members are opened in an order that does not depend on how the
 * file system lists folders, members read in 1-byte chunks give the same result, garbage is
 * either not claimed or gives warnings (never a throw), and the warnings of each fixture folder
 * are as many as `warnings.expected.json` says (the format's own test reads the same file).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { EVENT_KINDS, type RecordRef } from "../../src/model/events.js";
import { HEAD_BYTES, type ParsedItem } from "../../src/model/format.js";
import { fileFormats, folderFormats } from "../../src/formats/index.js";
import { expectedWarnings, runFolderParser, runParser } from "./harness.js";

/** Lets a test list folders in reverse order, to show that no format relies on listing order. */
const listing = vi.hoisted(() => ({ reversed: false }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const original = actual.readdir as (...args: unknown[]) => Promise<unknown[]>;
  const readdir = async (...args: unknown[]): Promise<unknown[]> => {
    const entries = await original(...args);
    return listing.reversed ? [...entries].reverse() : entries;
  };
  return { ...actual, readdir, default: { ...actual, readdir } };
});

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

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory());
}

/** A folder format's fixture folders, named relative to its fixture folder (`bad/x`, `alice@...`). */
function fixtureFolders(name: string): string[] {
  const dir = fixtureDir(name);
  const good = subfolders(dir).filter((path) => relative(dir, path) !== "bad");
  return [...good, ...subfolders(join(dir, "bad"))].map((path) => relative(dir, path));
}

const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));

function expectLocatedItems(items: readonly ParsedItem[]): void {
  for (const item of items) {
    const ref = item.ref;
    expect(ref.line !== undefined || ref.offset !== undefined || ref.recordId !== undefined).toBe(true);
    if (item.kind !== "message") {
      expect(EVENT_KINDS).toContain(item.kind);
      expect(Number.isFinite(item.ts)).toBe(true);
      expect(item.action.length).toBeGreaterThan(0);
    }
  }
}

function placed(ref: RecordRef): boolean {
  return ref.line !== undefined || ref.offset !== undefined || ref.recordId !== undefined;
}

for (const parser of fileFormats) {
  describe(`file format contract: ${parser.name}`, () => {
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

    it("its fixture folders are claimed by no folder format (discovery walks into them)", () => {
      for (const dir of [fixtureDir(parser.name), ...subfolders(fixtureDir(parser.name))]) {
        const entries = readdirSync(dir).sort();
        expect(folderFormats.filter((format) => format.claims(dir, entries)).map((format) => format.name), dir).toEqual([]);
      }
    });

    for (const path of files) {
      const name = path.slice(FIXTURES.length);
      it(`${name}: sniffed as its own, first in registry order`, () => {
        const data = readFileSync(path);
        const head = data.subarray(0, HEAD_BYTES);
        const first = fileFormats.find((candidate) => candidate.sniff(head, path));
        expect(first?.name).toBe(parser.name);
      });

      it(`${name}: every item has a kind and a location`, async () => {
        const run = await runParser(parser, readFileSync(path), { file: path, parse: { year: 2026 } });
        expect(run.items.length).toBeGreaterThan(0);
        expectLocatedItems(run.items);
        for (const warning of run.warnings) expect(placed(warning.ref)).toBe(true);
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

const scratch = mkdtempSync(join(tmpdir(), "mailtrail-contract-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path)];
    });
}

/** A copy of a fixture folder's layout (same names) with garbage in every file. */
function garbageCopy(source: string, target: string): string {
  filesUnder(source).forEach((file, index) => {
    const path = join(target, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, garbage.subarray(index % 97));
  });
  return target;
}

for (const format of folderFormats) {
  describe(`folder format contract: ${format.name}`, () => {
    const root = fixtureDir(format.name);
    const folders = fixtureFolders(format.name);
    /** The path a pipeline run would give the folder: what owner-from-path rules see. */
    const fileOf = (folder: string): string => relative(FIXTURES, join(root, folder));
    const run = (folder: string, chunkSize?: number) =>
      runFolderParser(format, join(root, folder), { file: fileOf(folder), parse: { year: 2026 }, chunkSize, mtime: new Date("2026-11-27T00:00:00Z") });

    it("has a description, fixture folders and a bad/ fixture folder", () => {
      expect(format.description.length).toBeGreaterThan(10);
      expect(folders.filter((folder) => !folder.startsWith("bad/")).length, `fixtures/<family>/${format.name}/<folder>/`).toBeGreaterThan(0);
      expect(folders.filter((folder) => folder.startsWith("bad/")).length, `fixtures/<family>/${format.name}/bad/<folder>/`).toBeGreaterThan(0);
    });

    it("says 'not mine' to an empty folder and to a folder of garbage files", () => {
      expect(format.claims("/nowhere/empty", [])).toBe(false);
      const dir = join(scratch, `${format.name}-plain-garbage`);
      for (const name of ["garbage-1.bin", "garbage-2.dat", "notes.txt"]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, name), garbage);
      }
      expect(format.claims(dir, readdirSync(dir).sort())).toBe(false);
    });

    it("its layout filled with garbage is not claimed, or gives located warnings: never a throw", async () => {
      const good = folders.find((folder) => !folder.startsWith("bad/")) ?? "";
      const dir = garbageCopy(join(root, good), join(scratch, `${format.name}-garbage`, good));
      if (!format.claims(dir, readdirSync(dir).sort())) return;
      const result = await runFolderParser(format, dir, { file: `garbage/${good}` });
      expect(result.warnings.length).toBeGreaterThan(0);
      for (const { ref } of result.warnings) {
        expect(result.members).toContain(ref.member);
        expect(placed(ref), JSON.stringify(ref)).toBe(true);
      }
      expectLocatedItems(result.items);
    });

    for (const folder of folders) {
      const name = `${fileOf(folder)}/`;
      it(`${name}: claimed by it and by no other folder format`, () => {
        const dir = join(root, folder);
        const claimers = folderFormats.filter((candidate) => candidate.claims(dir, readdirSync(dir).sort()));
        expect(claimers.map((candidate) => candidate.name)).toEqual([format.name]);
      });

      it(`${name}: every item and warning names an opened member and a place in it; kinds are valid`, async () => {
        const result = await run(folder);
        expect(result.items.length).toBeGreaterThan(0);
        expectLocatedItems(result.items);
        for (const { ref } of [...result.items, ...result.warnings]) {
          expect(ref.member, JSON.stringify(ref)).toBeDefined();
          expect(result.members).toContain(ref.member);
          expect(placed(ref), JSON.stringify(ref)).toBe(true);
        }
      });

      it(`${name}: as many warnings as warnings.expected.json says`, async () => {
        const result = await run(folder);
        expect(result.warnings.map((warning) => warning.message)).toHaveLength(expectedWarnings(root, folder));
      });

      it(`${name}: members opened in the same order on every run, whatever order the folders are listed in`, async () => {
        const first = await run(folder);
        const second = await run(folder);
        listing.reversed = true;
        let reversed;
        try {
          // The listing really is reversed here (else this test would prove nothing).
          const sample = join(root, folder);
          expect(await readdir(sample)).toEqual(readdirSync(sample).reverse());
          reversed = await run(folder);
        } finally {
          listing.reversed = false;
        }
        expect(first.members.length).toBeGreaterThan(0);
        expect(second.members).toEqual(first.members);
        expect(reversed.members).toEqual(first.members);
        expect(reversed.items).toEqual(first.items);
        expect(reversed.warnings).toEqual(first.warnings);
      });

      it(`${name}: members read in 1-byte chunks give the same items and warnings`, async () => {
        const whole = await run(folder);
        const bytewise = await run(folder, 1);
        expect(bytewise.members).toEqual(whole.members);
        expect(bytewise.items).toEqual(whole.items);
        expect(bytewise.warnings).toEqual(whole.warnings);
      });
    }
  });
}
