/**
 * `mailtrail run` over each public sample folder copied into fixtures/ (fixtures/README.md): every
 * record read, with the counts their sources state — MimeKit's expected offsets and its tests for
 * the mbox files, one message per .msg for msgreader's, and pst-extractor's own traversal of its
 * PSTs (one message in alpha-beta-gamma-delta, one contact in each contacts file) — and a PST that
 * cannot be read counted as failed, never as parsed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "mailtrail-samples-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Summary {
  files: { total: number; parsed: number; unrecognised: number; failed: number };
  records: number;
  messages: { total: number };
  notes: string[];
}
interface Manifest {
  files: { path: string; format: string; records: number; error?: string | null }[];
}

async function run(folder: string): Promise<{ summary: Summary; manifest: Manifest }> {
  const out = join(scratch, folder.replaceAll("/", "_"));
  const result = await runCli(["run", join(FIXTURES, folder), "--out", out, "--quiet"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return {
    summary: JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary,
    manifest: JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest,
  };
}

const perFile = (manifest: Manifest) => manifest.files.map((file) => [file.path, file.format, file.records]);

describe("mailtrail run over the public sample folders", () => {
  it("MimeKit's mbox files: 29 + 4 messages as its expected offsets list, 3 and 4 as its tests find", async () => {
    const { summary, manifest } = await run("mailbox/mbox/mimekit");
    expect(perFile(manifest)).toEqual([
      ["mimekit/content-length.mbox.txt", "mbox", 29],
      ["mimekit/issue1189.mbox.txt", "mbox", 4],
      ["mimekit/simple.mbox.txt", "mbox", 3],
      ["mimekit/unmunged.mbox.txt", "mbox", 4],
    ]);
    expect(summary.files).toEqual({ total: 4, parsed: 4, unrecognised: 0, failed: 0 });
    expect([summary.records, summary.messages.total]).toEqual([40, 40]);
  });

  it("msgreader's .msg files: one message each, eight in all", async () => {
    const { summary, manifest } = await run("mailbox/msg/msgreader");
    expect(perFile(manifest)).toEqual(
      ["Hello +CJK", "msgInMsg", "nonUnicodeCP932", "nonUnicodeMail", "sent", "test1", "test2", "unicode1"].map((name) => [`msgreader/${name}.msg`, "msg", 1]),
    );
    expect(summary.files).toEqual({ total: 8, parsed: 8, unrecognised: 0, failed: 0 });
    expect(summary.messages.total).toBe(8);
  });

  it("pst-extractor's PSTs, the ANSI one included: one message, two contacts noted as not mail, none failed", async () => {
    const { summary, manifest } = await run("mailbox/pst/pst-extractor");
    expect(perFile(manifest)).toEqual([
      ["pst-extractor/alpha-beta-gamma-delta.pst", "pst", 1],
      ["pst-extractor/contacts.pst", "pst", 0],
      ["pst-extractor/contacts97-2002.pst", "pst", 0],
    ]);
    expect(summary.files).toEqual({ total: 3, parsed: 3, unrecognised: 0, failed: 0 });
    expect(summary.messages.total).toBe(1);
    expect(summary.notes).toEqual([
      "pst-extractor/contacts.pst: items that are not mail were not listed (IPM.Contact 1)",
      "pst-extractor/contacts97-2002.pst: items that are not mail were not listed (IPM.Contact 1)",
    ]);
  });

  it("PSTs that cannot be read are failed in the summary and the manifest, not parsed", async () => {
    const { summary, manifest } = await run("mailbox/pst/bad");
    expect(summary.files).toEqual({ total: 2, parsed: 0, unrecognised: 0, failed: 2 });
    expect(manifest.files.map((file) => [file.path, file.records, (file.error ?? "").slice(0, 28)])).toEqual([
      ["bad/not-a-pst.pst", 0, "not a readable PST (corrupt,"],
      ["bad/truncated.pst", 0, "not a readable PST (corrupt,"],
    ]);
  });
});
