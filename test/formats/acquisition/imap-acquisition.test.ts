/**
 * imap-acquisition: the folder `mailtrail acquire imap` writes (fixture taken from the real Dovecot
 * of the integration harness), read back with UIDs, UIDVALIDITY, flags and folders from its journal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { imapAcquisition } from "../../../src/formats/acquisition/imap-acquisition.js";
import { fileFormats } from "../../../src/formats/index.js";
import { countBy, expectedWarnings, runFolderParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/acquisition/imap-acquisition/", import.meta.url).pathname;
const GOOD = join(FIXTURES, "alice@agency.example");
const BAD = join(FIXTURES, "bad", "broken@agency.example");

function messages(items: unknown[]): ParsedMessage[] {
  return items as ParsedMessage[];
}

describe("imap-acquisition parser", () => {
  it("claims an acquisition account folder and nothing else", () => {
    expect(imapAcquisition.claims(GOOD, ["INBOX", "Sent", "acquisition.json", "imap-journal.jsonl"])).toBe(true);
    expect(imapAcquisition.claims(GOOD, ["INBOX", "acquisition.json"])).toBe(false);
    expect(imapAcquisition.claims(GOOD, ["cur", "new", "tmp", "dovecot-uidlist"])).toBe(false);
    // Outside its account folder the journal is no file format's (it is read only as a member).
    const journal = readFileSync(join(GOOD, "imap-journal.jsonl"));
    expect(fileFormats.filter((format) => format.sniff(journal, "imap-journal.jsonl")).map((format) => format.name)).toEqual([]);
  });

  it("reads every message with its folder, UID, UIDVALIDITY, flags and owner; no warning", async () => {
    const run = await runFolderParser(imapAcquisition, GOOD, { file: "evidence/alice@agency.example" });
    expect(run.warnings).toEqual([]);
    const items = messages(run.items);
    expect(items).toHaveLength(14);
    expect(countBy(items, (item) => item.folder)).toEqual({ Archive: 2, INBOX: 8, Sent: 3, Trash: 1 });
    expect(new Set(items.map((item) => item.mailbox))).toEqual(new Set(["alice@agency.example"]));
    const archive1 = items.find((item) => item.folder === "Archive" && item.uid === 1);
    expect(archive1).toMatchObject({
      kind: "message",
      messageId: "<20261030.70bd6dd4f9.alice.archive1@agency.example>",
      uidValidity: 1790000002,
      flags: ["\\Seen"],
      ref: { member: "Archive/1.eml", offset: 0 },
    });
    expect(items.filter((item) => item.folder === "INBOX").map((item) => item.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items.every((item) => item.uidValidity !== undefined && item.size !== undefined && item.size > 0)).toBe(true);
    // The journal and every message file are members (hashed into the case manifest).
    expect(run.members).toHaveLength(15);
    expect(run.members[0]).toBe("imap-journal.jsonl");
  });

  it("--mailbox-map overrides the account as owner", async () => {
    const run = await runFolderParser(imapAcquisition, GOOD, { file: "evidence/alice@agency.example", parse: { mailboxMap: { "evidence/alice@agency.example": "Alice.Martin@Agency.Example" } } });
    expect(new Set(messages(run.items).map((item) => item.mailbox))).toEqual(new Set(["alice.martin@agency.example"]));
  });

  it("bad input: a duplicate listing is read once, a tampered file, a missing file and a cut line are warnings", async () => {
    const run = await runFolderParser(imapAcquisition, BAD, { file: "evidence/broken@agency.example" });
    const items = messages(run.items);
    expect(items.map((item) => [item.folder, item.uid, item.mailbox])).toEqual([
      ["INBOX", 1, "broken@agency.example"],
      ["INBOX", 2, "broken@agency.example"],
    ]);
    expect(run.warnings).toHaveLength(expectedWarnings(FIXTURES, "bad/broken@agency.example"));
    expect(run.warnings[0]?.ref).toEqual({ member: "INBOX/2.eml", offset: 0 });
    expect(run.warnings[0]?.message).toMatch(/^SHA-256 [0-9a-f]{64} differs from the [0-9a-f]{64} recorded when it was acquired/);
    expect(run.warnings[1]).toEqual({ ref: { member: "imap-journal.jsonl", line: 6 }, message: "message file INBOX/3.eml listed in the journal is missing" });
    expect(run.warnings[2]?.ref).toEqual({ member: "imap-journal.jsonl", line: 7 });
    expect(run.warnings[2]?.message).toMatch(/^journal line not understood \(not valid JSON: .*\): skipped$/);
  });
});
