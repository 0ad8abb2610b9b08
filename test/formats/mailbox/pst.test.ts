import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RecordRef } from "../../../src/model/events.js";
import type { ParsedMessage } from "../../../src/model/messages.js";
import type { FileSource, ParsedItem } from "../../../src/model/format.js";
import { pst, PST_IN_MEMORY_LIMIT } from "../../../src/formats/mailbox/pst.js";
import { openPst, quietly, walkPst } from "../../../src/formats/mailbox/pst-read.js";
import { chunkedStream } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/pst/", import.meta.url).pathname;

/** Runs the PST parser the way the pipeline does for a plain file: with a path on disk. */
async function runPst(relative: string, file = `evidence/${relative}`, options: { withPath?: boolean; size?: number } = {}) {
  const abs = FIXTURES + relative;
  const data = readFileSync(abs);
  const items: ParsedItem[] = [];
  const warnings: { ref: RecordRef; message: string }[] = [];
  const failures: string[] = [];
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
    fail: (ref: RecordRef, message: string) => {
      warnings.push({ ref, message });
      failures.push(message);
    },
    note: (message: string) => notes.push(message),
    options: {},
  };
  for await (const item of pst.parse(source, ctx)) items.push(item);
  return { messages: items as ParsedMessage[], warnings, failures, notes };
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

  it("a large archive member must be extracted: one warning, and the file counts as failed", async () => {
    const { messages, warnings, failures } = await runPst("dist-list.pst", "a.zip!big.pst", { withPath: false, size: PST_IN_MEMORY_LIMIT + 1 });
    expect(messages).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(warnings).toEqual([
      { ref: { offset: 0 }, message: `PST inside an archive (${PST_IN_MEMORY_LIMIT + 1} bytes) must be extracted to be read: it needs random access` },
    ]);
  });
});

describe("pst: the pst-extractor samples (ANSI Outlook 97-2002 and Unicode)", () => {
  it("contacts97-2002.pst (ANSI, wVer 14) opens: its one item, a contact, is noted as not mail, like the Unicode contacts.pst", async () => {
    const data = readFileSync(`${FIXTURES}pst-extractor/contacts97-2002.pst`);
    expect([data.toString("latin1", 0, 4), data[10]]).toEqual(["!BDN", 14]);
    for (const name of ["contacts97-2002.pst", "contacts.pst"]) {
      const { messages, failures, notes } = await runPst(`pst-extractor/${name}`, `x/erin@agency.example/${name}`);
      expect(failures).toEqual([]);
      expect(messages).toEqual([]);
      expect(notes).toEqual([`x/erin@agency.example/${name}: items that are not mail were not listed (IPM.Contact 1)`]);
    }
  });

  it("the ANSI file's 8-bit strings read in the code page its item names (CP932), exactly as the Unicode twin's", () => {
    const read = (name: string) => {
      const sink: string[] = [];
      const store = openPst(`${FIXTURES}pst-extractor/${name}`, sink);
      try {
        return [...walkPst(store, [])].map((item) => [item.folder, quietly(() => [item.message.messageClass, item.message.subject, item.message.displayName], sink)]);
      } finally {
        store.file.close();
      }
    };
    const ansi = read("contacts97-2002.pst");
    // The Japanese "Top of Outlook data file" is the store's top folder (its IPM subtree): not part of the path.
    expect(ansi).toEqual([[["連絡先 (Contact dedicated)"], ["IPM.Contact", "コム ドット イグザンプル 殿", "Mr. イグザンプル ドット コム 殿"]]]);
    expect(read("contacts.pst")).toEqual(ansi);
  });

  it("alpha-beta-gamma-delta.pst: its one message, in the top folder itself (named in Japanese), with a picture and a message attached", async () => {
    const { messages, failures } = await runPst("pst-extractor/alpha-beta-gamma-delta.pst", "x/erin@agency.example/alpha.pst");
    expect(failures).toEqual([]);
    expect(messages.map((m) => [m.folder, m.subject, m.attachments?.length])).toEqual([["", "Alpha", 2]]);
  });
});

describe("pst: bad input", () => {
  it("a file with the PST magic that is not a PST: one warning, no crash, the file failed", async () => {
    const { messages, warnings, failures } = await runPst("bad/not-a-pst.pst");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(failures).toEqual([warnings[0]?.message]);
    expect(warnings[0]?.ref).toEqual({ offset: 0 });
    expect(warnings[0]?.message).toMatch(/^not a readable PST \(corrupt, truncated or not a PST\): /);
  });

  it("a truncated PST: one warning, no crash, the file failed", async () => {
    const { messages, warnings, failures } = await runPst("bad/truncated.pst");
    expect(messages).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(failures).toHaveLength(1);
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
