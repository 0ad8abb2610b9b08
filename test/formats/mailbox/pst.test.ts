import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RecordRef } from "../../../src/model/events.js";
import type { ParsedMessage } from "../../../src/model/messages.js";
import type { FileSource, ParsedItem } from "../../../src/model/format.js";
import { pst, PST_IN_MEMORY_LIMIT } from "../../../src/formats/mailbox/pst.js";
import { chunkedStream } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/pst/", import.meta.url).pathname;

/** Runs the PST parser the way the pipeline does for a plain file: with a path on disk. */
async function runPst(relative: string, file = `evidence/${relative}`, options: { withPath?: boolean; size?: number } = {}) {
  const abs = FIXTURES + relative;
  const data = readFileSync(abs);
  const items: ParsedItem[] = [];
  const warnings: { ref: RecordRef; message: string }[] = [];
  const notes: string[] = [];
  const source: FileSource = {
    file,
    ...(options.withPath === false ? {} : { path: abs }),
    size: options.size ?? data.length,
    mtime: new Date("2026-11-27T00:00:00Z"),
    stream: () => chunkedStream(data, 65536),
  };
  const ctx = {
    warn: (ref: RecordRef, message: string) => warnings.push({ ref, message }),
    note: (message: string) => notes.push(message),
    options: {},
  };
  for await (const item of pst.parse(source, ctx)) items.push(item);
  return { messages: items as ParsedMessage[], warnings, notes };
}

describe("pst: the java-libpst samples", () => {
  it("dist-list.pst: the folder tree is read; the calendar item is listed, contacts and lists are noted", async () => {
    const { messages, warnings, notes } = await runPst("dist-list.pst", "exports/erin.walsh@agency.example.pst");
    expect(warnings).toEqual([]);
    expect(messages).toHaveLength(1);
    const item = messages[0];
    expect(item?.mailbox).toBe("erin.walsh@agency.example");
    expect(item?.folder).toBe("Calendar");
    expect(item?.subject).toBe("Test appointment");
    expect(item?.syntheticId).toBe(true);
    expect(item?.from).toBeUndefined();
    expect(item?.date).toBe(Date.parse("2016-08-02T00:27:12.637Z"));
    expect(item?.received).toBe(Date.parse("2016-08-02T00:27:12.621Z"));
    expect(item?.size).toBe(22533);
    expect(item?.ref).toEqual({ recordId: "2097348" });
    expect(item?.location).toEqual({ itemPath: "Calendar#2097348" });
    expect(notes).toEqual([
      "exports/erin.walsh@agency.example.pst: items that are not mail were not listed (IPM.Contact 1, IPM.DistList 1, IPM.Microsoft.ScheduleData.FreeBusy 1)",
    ]);
  });

  it("the store name is not an address: one owner warning for the file", async () => {
    const { warnings } = await runPst("dist-list.pst", "exports/archive.pst");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
    expect(warnings[0]?.message).toContain('store name "Personal Folders" is not an address');
  });

  it("passworded.pst: a warning, no crash, the store still walked", async () => {
    const { messages, warnings, notes } = await runPst("protected/passworded.pst", "x/hr-director@agency.example/backup.pst");
    expect(messages).toEqual([]);
    expect(warnings).toEqual([
      { ref: { offset: 0 }, message: "PST is password-protected (PidTagPstPassword is set); read anyway: a PST password does not encrypt its data" },
    ]);
    expect(notes[0]).toContain("IPM.Contact 1, IPM.DistList 1");
  });

  it("an archive member (no path) is read from its stream when small", async () => {
    const { messages } = await runPst("dist-list.pst", "a.zip!erin.walsh@agency.example.pst", { withPath: false });
    expect(messages.map((m) => m.subject)).toEqual(["Test appointment"]);
  });

  it("a large archive member must be extracted: one warning", async () => {
    const { messages, warnings } = await runPst("dist-list.pst", "a.zip!big.pst", { withPath: false, size: PST_IN_MEMORY_LIMIT + 1 });
    expect(messages).toEqual([]);
    expect(warnings).toEqual([
      { ref: { offset: 0 }, message: `PST inside an archive (${PST_IN_MEMORY_LIMIT + 1} bytes) must be extracted to be read: it needs random access` },
    ]);
  });
});

describe("pst: bad input", () => {
  it("a file with the PST magic that is not a PST: one warning, no crash", async () => {
    const { messages, warnings } = await runPst("bad/not-a-pst.pst");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
    expect(warnings[0]?.message).toMatch(/^not a readable PST \(corrupt, truncated or not a PST\): /);
  });

  it("a truncated PST: one warning, no crash", async () => {
    const { messages, warnings } = await runPst("bad/truncated.pst");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^not a readable PST/);
  });

  it("sniff: the !BDN magic only", () => {
    expect(pst.sniff(readFileSync(FIXTURES + "dist-list.pst").subarray(0, 65536), "x")).toBe(true);
    expect(pst.sniff(Buffer.from("!BDN"), "x")).toBe(false);
    expect(pst.sniff(Buffer.from("From a@b Thu Nov 26 08:00:00 2026\n"), "x")).toBe(false);
  });

  it("pst-extractor writes nothing to stdout while parsing", async () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await runPst("dist-list.pst");
    } finally {
      process.stdout.write = original;
    }
    expect(written).toEqual([]);
  });
});
