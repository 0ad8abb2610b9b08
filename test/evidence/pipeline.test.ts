import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileFormats, folderFormats } from "../../src/formats/index.js";
import { dovecotLog } from "../../src/formats/dovecot/dovecot-log.js";
import { ingest } from "../../src/evidence/pipeline.js";
import type { ArchiveLimits } from "../../src/evidence/archive.js";
import { CaseStore } from "../../src/store/case-store.js";
import { markDuplicates } from "../../src/analysis/dedup.js";
import { bigint, EVENTS, pick, WARNINGS } from "../../src/model/columns.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const SAMPLE = join(FIXTURES, "dovecot/dovecot-log/crowdsec-dovecot-logs.log"); // 15 Dovecot lines
const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

let work: string;
let store: CaseStore;

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "mailtrail-ingest-"));
  mkdirSync(join(work, "evidence"));
  store = await CaseStore.create(join(work, "case"));
});

afterEach(async () => {
  await store.close();
});

async function run(limits?: ArchiveLimits) {
  const result = await ingest(store, { roots: [join(work, "evidence")], fileFormats, folderFormats, parse: { year: 2026 }, limits, exclude: [join(work, "case")] });
  const warnings = await store.rows(pick(WARNINGS, "path", "line", "reason"), "SELECT path, line, reason FROM warnings ORDER BY seq");
  const files = Object.fromEntries(result.files.map((file) => [file.path, file]));
  return { result, files, warnings };
}

describe("ingest pipeline", () => {
  it("reads .gz in place, hashes the file as it is on disk and keeps line numbers", async () => {
    const gz = gzipSync(readFileSync(SAMPLE));
    writeFileSync(join(work, "evidence/mail.log.1.gz"), gz);
    const { files, warnings } = await run();
    expect(files["evidence/mail.log.1.gz"]).toMatchObject({ format: "dovecot-log+gzip", parser: "dovecot-log", records: 15, events: 15, warnings: 0, sha256: sha256(gz) });
    expect(warnings).toEqual([]);
    const lines = await store.rows(pick(EVENTS, "refLine"), "SELECT ref_line FROM events ORDER BY seq LIMIT 3");
    expect(lines.map((row) => row.refLine)).toEqual([1, 2, 3]);
  });

  it("a truncated .gz keeps what was read, warns with the reason, and the next file is still read", async () => {
    const text = Buffer.from(readFileSync(SAMPLE).toString("utf8").repeat(200));
    const gz = gzipSync(text);
    writeFileSync(join(work, "evidence/a-truncated.log.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    copyFileSync(SAMPLE, join(work, "evidence/b-plain.log"));
    const { files, warnings } = await run();
    const truncated = files["evidence/a-truncated.log.gz"];
    expect(truncated?.events).toBeGreaterThan(100);
    expect(truncated?.events).toBeLessThan(3000);
    expect(truncated?.error).toMatch(/gzip data is damaged or truncated/);
    expect(warnings.filter((warning) => warning.path === "evidence/a-truncated.log.gz").length).toBe(1);
    expect(files["evidence/b-plain.log"]?.events).toBe(15);
  });

  it("zip members are read in place; hostile member names are refused with a warning each", async () => {
    copyFileSync(join(FIXTURES, "evidence/archive/hostile-names.zip"), join(work, "evidence/hostile-names.zip"));
    const { files, warnings } = await run();
    expect(files["evidence/hostile-names.zip"]?.format).toBe("zip");
    expect(files["evidence/hostile-names.zip!logs/good.log"]).toMatchObject({ parser: "dovecot-log", events: 15, container: "evidence/hostile-names.zip", sha256: sha256(readFileSync(SAMPLE)) });
    expect(warnings.map((warning) => warning.reason)).toEqual([
      'member "../escape.log" refused: member name climbs out of the archive (..)',
      'member "/etc/abs.log" refused: member name is an absolute path',
    ]);
    expect(Object.keys(files).some((path) => path.includes("escape"))).toBe(false);
  });

  it("decompression bombs are refused (zip member and .gz) and the rest is read", async () => {
    copyFileSync(join(FIXTURES, "evidence/archive/bomb.zip"), join(work, "evidence/bomb.zip"));
    // A Dovecot log that expands 1000:1: sniffed as one, then stopped by the running ratio check.
    const line = readFileSync(SAMPLE, "utf8").split("\n")[0] ?? "";
    writeFileSync(join(work, "evidence/zeros.log.gz"), gzipSync(Buffer.from(`${line}\n`.repeat(200_000))));
    const limits: ArchiveLimits = { maxExpandedBytes: 1024 ** 3, maxRatio: 100, ratioGraceBytes: 1024 ** 2, maxEntries: 100 };
    const { files, warnings } = await run(limits);
    expect(files["evidence/bomb.zip!logs/good.log"]?.events).toBe(15);
    expect(files["evidence/bomb.zip!zeros.log"]).toBeUndefined();
    expect(warnings.some((warning) => warning.path === "evidence/bomb.zip" && /zeros\.log.*decompression bomb/.test(String(warning.reason)))).toBe(true);
    const gzWarnings = warnings.filter((warning) => warning.path === "evidence/zeros.log.gz");
    expect(gzWarnings.length).toBe(1);
    expect(String(gzWarnings[0]?.reason)).toMatch(/parsing stopped: .*decompression bomb/);
    // Stopped part way (the ratio is measured against the compressed bytes read so far).
    expect(files["evidence/zeros.log.gz"]?.events).toBeLessThan(200_000);
  });

  it("files no parser recognises (binary, empty) are listed, hashed and warned about", async () => {
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
    writeFileSync(join(work, "evidence/blob.bin"), binary);
    writeFileSync(join(work, "evidence/empty.log"), "");
    const { files, warnings } = await run();
    expect(files["evidence/blob.bin"]).toMatchObject({ format: "unknown", sha256: sha256(binary), events: 0 });
    expect(files["evidence/empty.log"]).toMatchObject({ format: "unknown", sha256: sha256(Buffer.alloc(0)) });
    expect(warnings.length).toBe(2);
    expect(String(warnings[0]?.reason)).toMatch(/no parser recognises this file/);
  });

  it("the same audit record twice in one export is one event: the copy is a counted duplicate, the record stays", async () => {
    const lines = readFileSync(join(FIXTURES, "m365/m365-audit-csv/AuditLog_20260126_101500.csv"), "utf8").split("\n");
    const header = lines[0] ?? "";
    const first = lines[1] ?? "";
    const others = lines.slice(2).filter((line) => line.trim() !== "");
    // The first record again at the end, not next to itself.
    writeFileSync(join(work, "evidence/purview.csv"), [header, first, ...others, first, ""].join("\n"));
    await run();
    await markDuplicates(store);
    const count = { n: bigint().notNull };
    const live = await store.one(count, "SELECT count(*) AS n FROM events WHERE id NOT IN (SELECT id FROM duplicates)");
    const all = await store.one({ ...count, ids: bigint().notNull }, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events");
    const dups = await store.one(count, "SELECT count(*) AS n FROM duplicates");
    expect(all).toEqual({ n: others.length + 2, ids: others.length + 2 });
    expect(dups?.n).toBe(1);
    expect(live?.n).toBe(others.length + 1);
  });

  it("--format reads every file as that file format without sniffing; folders are still claimed by theirs", async () => {
    // Dovecot lines among more prose than log: sniffing takes it for no format.
    const prose = Array.from({ length: 30 }, (_, i) => `note ${i}: the server was moved last spring`).join("\n");
    const mixed = Buffer.from(`${prose}\n${readFileSync(SAMPLE, "utf8")}`);
    expect(fileFormats.filter((format) => format.sniff(mixed, "notes.txt"))).toEqual([]);
    writeFileSync(join(work, "evidence/notes.txt"), mixed);
    cpSync(join(FIXTURES, "mailbox/maildir/alice@agency.example"), join(work, "evidence/alice@agency.example"), { recursive: true });
    const result = await ingest(store, { roots: [join(work, "evidence")], fileFormats, folderFormats, forceFormat: dovecotLog, parse: { year: 2026 }, exclude: [join(work, "case")] });
    const files = Object.fromEntries(result.files.map((file) => [file.path, file]));
    expect(files["evidence/notes.txt"]).toMatchObject({ format: "dovecot-log", parser: "dovecot-log", events: 15 });
    expect(files["evidence/alice@agency.example"]).toMatchObject({ format: "maildir", parser: "maildir", records: 5 });
    expect(result.files.filter((file) => file.container === "evidence/alice@agency.example").length).toBeGreaterThan(5);
  });

  it("never reads the output folder back as evidence", async () => {
    copyFileSync(SAMPLE, join(work, "evidence/dovecot.log"));
    await store.close();
    store = await CaseStore.create(join(work, "evidence/out"));
    writeFileSync(join(work, "evidence/out/timeline.csv"), "timestamp\n");
    const result = await ingest(store, { roots: [join(work, "evidence")], fileFormats, folderFormats, parse: { year: 2026 }, exclude: [join(work, "evidence/out")] });
    expect(result.files.map((file) => file.path)).toEqual(["evidence/dovecot.log"]);
  });

  it("leaves evidence byte-identical, with its modification time", async () => {
    copyFileSync(SAMPLE, join(work, "evidence/dovecot.log"));
    copyFileSync(join(FIXTURES, "evidence/archive/hostile-names.zip"), join(work, "evidence/h.zip"));
    const before = ["dovecot.log", "h.zip"].map((name) => ({ hash: sha256(readFileSync(join(work, "evidence", name))), mtime: statSync(join(work, "evidence", name)).mtimeMs }));
    await run();
    const after = ["dovecot.log", "h.zip"].map((name) => ({ hash: sha256(readFileSync(join(work, "evidence", name))), mtime: statSync(join(work, "evidence", name)).mtimeMs }));
    expect(after).toEqual(before);
  });
});
