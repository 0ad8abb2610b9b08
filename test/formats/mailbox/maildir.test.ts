import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { maildir, maildirFlags } from "../../../src/formats/mailbox/maildir.js";
import { expectedWarnings, runFolderParser } from "../harness.js";

const FIXTURES = new URL("../../../fixtures/mailbox/maildir/", import.meta.url).pathname;
const ALICE = join(FIXTURES, "alice@agency.example");

/** The UIDs a real Dovecot wrote, read here independently of the parser. */
function uidlist(dir: string): { validity: number; uids: Map<string, number> } {
  const [header, ...lines] = readFileSync(join(dir, "dovecot-uidlist"), "utf8").trim().split("\n");
  const validity = Number(/ V(\d+)/.exec(header ?? "")?.[1]);
  const uids = new Map<string, number>();
  for (const line of lines) {
    const [uid, name] = line.split(" :");
    uids.set(name ?? "", Number(uid));
  }
  return { validity, uids };
}

describe("maildir: a Maildir++ written by a real Dovecot (scripts/make-maildir-fixture.sh)", () => {
  it("claims a Maildir root, not other folders", () => {
    expect(maildir.claims(ALICE, readdirSync(ALICE))).toBe(true);
    expect(maildir.claims(FIXTURES, readdirSync(FIXTURES))).toBe(false);
    expect(maildir.claims("/x", ["cur", "notes.txt"])).toBe(false);
  });

  it("every file is listed with the UID and UIDVALIDITY of dovecot-uidlist", async () => {
    const run = await runFolderParser(maildir, ALICE, { file: "mail/alice@agency.example" });
    expect(run.warnings).toEqual([]);
    const messages = run.items as ParsedMessage[];
    expect(messages).toHaveLength(5);
    for (const [folder, dir] of [
      ["INBOX", ALICE],
      ["Sent", join(ALICE, ".Sent")],
    ] as const) {
      const truth = uidlist(dir);
      const inFolder = messages.filter((m) => m.folder === folder);
      expect(inFolder.length).toBe(truth.uids.size);
      for (const message of inFolder) {
        const member = message.ref.member ?? "";
        const base = (member.split("/").pop() ?? "").split(":")[0] ?? "";
        expect(message.uid).toBe(truth.uids.get(base));
        expect(message.uidValidity).toBe(truth.validity);
      }
    }
    // The expunged message (UID 3) is gone: INBOX holds UIDs 1, 2 and 4.
    expect(messages.filter((m) => m.folder === "INBOX").map((m) => m.uid).sort()).toEqual([1, 2, 4]);
  });

  it("owner, Message-IDs, flags and keywords", async () => {
    const run = await runFolderParser(maildir, ALICE, { file: "mail/alice@agency.example" });
    const byId = new Map((run.items as ParsedMessage[]).map((m) => [m.messageId, m]));
    expect([...byId.keys()].sort()).toEqual([
      "<maildir-1@agency.example>",
      "<maildir-2@agency.example>",
      "<maildir-4@agency.example>",
      "<maildir-5@agency.example>",
      "<maildir-6@agency.example>",
    ]);
    const two = byId.get("<maildir-2@agency.example>");
    expect(two?.mailbox).toBe("alice@agency.example");
    expect(two?.folder).toBe("INBOX");
    expect(two?.flags).toEqual(["$Work", "\\Flagged", "\\Seen"]);
    expect(two?.from).toEqual([{ address: "bob@agency.example" }]);
    expect(two?.subject).toBe("Password reset policy");
    expect(two?.received).toBe(Date.parse("2026-11-23T10:00:00Z"));
    expect(byId.get("<maildir-4@agency.example>")?.flags).toBeUndefined();
    expect(byId.get("<maildir-6@agency.example>")?.folder).toBe("Sent");
    expect(two?.ref.offset).toBe(0);
    expect(two?.location).toEqual({ offset: 0, length: two?.size });
    expect(run.members).toContain("dovecot-uidlist");
    expect(run.members).toContain(".Sent/dovecot-uidlist");
  });

  it("flags from the :2, info part", () => {
    expect(maildirFlags("DFPRST", new Map())).toEqual(["$Forwarded", "\\Answered", "\\Deleted", "\\Draft", "\\Flagged", "\\Seen"]);
    expect(maildirFlags("Sab", new Map([[0, "$Junk"]]))).toEqual(["$Junk", "\\Seen", "keyword-b"]);
  });
});

describe("maildir: bad input", () => {
  it("a name without :2, in cur/, a file with no headers, a file not in the uidlist, a bad uidlist line", async () => {
    const dir = join(FIXTURES, "bad", "broken@agency.example");
    const run = await runFolderParser(maildir, dir, { file: "bad/broken@agency.example" });
    const messages = run.items as ParsedMessage[];
    expect(messages.map((m) => [m.messageId.startsWith("<synthetic.") ? "synthetic" : m.messageId, m.uid])).toEqual([
      ["<nocolon@agency.example>", 1],
      ["synthetic", 2],
      ["<unlisted@agency.example>", undefined],
    ]);
    expect(messages.map((m) => m.uidValidity)).toEqual([1795700000, 1795700000, 1795700000]);
    expect(run.warnings).toHaveLength(expectedWarnings(FIXTURES, "bad/broken@agency.example"));
    expect(run.warnings).toEqual([
      { ref: { member: "dovecot-uidlist", line: 4 }, message: "dovecot-uidlist line not understood: zzz not a uid line" },
      { ref: { member: "cur/1795700000.M1P1.host", offset: 0 }, message: 'Maildir file name without ":2," in cur/: flags unknown' },
      { ref: { member: "cur/1795700001.M2P2.host,S=25:2,S", offset: 0 }, message: "message has no headers" },
      { ref: { member: "cur/1795700002.M3P3.host:2,RS", offset: 0 }, message: "not listed in dovecot-uidlist: UID unknown" },
    ]);
    // No Received: header: the delivery time in the file name is the arrival time.
    expect(messages[0]?.received).toBe(1795700000 * 1000);
  });
});
