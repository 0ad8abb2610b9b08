/** Structural limits of the mailbox readers: compound files (MSG) checked before msgreader, MIME and header bounds. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCompoundFile } from "../../../src/formats/mailbox/cfb-check.js";
import { MAX_ADDRESSES, scanHeaderBlock } from "../../../src/formats/mailbox/mail-headers.js";
import { MAX_ATTACHMENTS, MAX_MULTIPARTS, MessageScanner } from "../../../src/formats/mailbox/message-scan.js";
import { readMsg } from "../../../src/formats/mailbox/msg-read.js";
import { damageMsg, type MsgDamage } from "../../hostile/build.js";

const FIXTURES = new URL("../../../fixtures/", import.meta.url).pathname;
const VALID = readFileSync(`${FIXTURES}mailbox/msg/bank-details.msg`);

describe("compound file check (MSG)", () => {
  it("accepts the valid fixtures, which msgreader then reads", () => {
    for (const path of ["mailbox/msg/bank-details.msg", "mailbox/ediscovery/case-4711-export/Exchange/erin.walsh@agency.example/Inbox/MSG-2026-0415.m1.msg"]) {
      const data = readFileSync(FIXTURES + path);
      expect(() => checkCompoundFile(data)).not.toThrow();
      expect(readMsg(data).fields.subject).toBeTruthy();
    }
  });

  const expected: Record<MsgDamage, RegExp> = {
    "fat-self-loop": /directory chain loops/,
    "header-then-zeros": /directory chain loops|FAT sector 0|does not start with the root/,
    "directory-loop": /cycle \(entry \d+ reached twice\)/,
    dag: /cycle|reached twice/,
    "mini-fat-loop": /mini chain loops/,
    "huge-stream": /declares .* bytes but its chain holds|2 GB/,
    "difat-loop": /DIFAT chain loops/,
  };
  for (const [damage, reason] of Object.entries(expected) as [MsgDamage, RegExp][]) {
    it(`refuses ${damage} with its reason, quickly`, () => {
      const data = damageMsg(VALID, damage);
      const started = Date.now();
      expect(() => readMsg(data)).toThrow(reason);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  }

  it("refuses out-of-range header fields", () => {
    const bad = Buffer.from(VALID);
    bad.writeUInt16LE(20, 30);
    expect(() => checkCompoundFile(bad)).toThrow(/sector shift 20/);
    const many = Buffer.from(VALID);
    many.writeUInt32LE(1_000_000, 44);
    expect(() => checkCompoundFile(many)).toThrow(/1000000 FAT sectors/);
    expect(() => checkCompoundFile(VALID.subarray(0, 100))).toThrow(/shorter than its 512-byte header/);
  });
});

/** Scans in 16 KiB chunks, as a stream arrives. */
function scan(text: string) {
  const scanner = new MessageScanner({ mode: "single" });
  const data = Buffer.from(text);
  const out = [];
  for (let at = 0; at < data.length; at += 16 * 1024) out.push(...scanner.push(data.subarray(at, at + 16 * 1024)));
  out.push(...scanner.finish());
  expect(out).toHaveLength(1);
  return out[0]!;
}

describe("MIME and header bounds", () => {
  it(`follows at most ${MAX_MULTIPARTS} multipart containers and says so`, () => {
    let head = "From: a@x\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n";
    let tail = "";
    for (let i = 0; i < 300; i += 1) {
      head += `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`;
      tail = `--b${i}\nContent-Type: application/pdf; name="f${i}.pdf"\n\nAAAA\n--b${i}--\n` + tail;
    }
    const message = scan(head + tail);
    expect(message.problems.some((problem) => /^more than 100 multipart containers: the parts of deeper ones are not listed$/.test(problem))).toBe(true);
    expect(message.attachments.length).toBeLessThanOrEqual(MAX_MULTIPARTS + 1);
    expect(message.attachments.length).toBeGreaterThan(90);
  });

  it(`lists at most ${MAX_ATTACHMENTS} attachments and counts the rest`, () => {
    let text = "From: a@x\nContent-Type: multipart/mixed; boundary=\"b\"\n\n";
    for (let i = 0; i < MAX_ATTACHMENTS + 5; i += 1) text += `--b\nContent-Type: application/pdf\n\nA\n`;
    const message = scan(`${text}--b--\n`);
    expect(message.attachments).toHaveLength(MAX_ATTACHMENTS);
    expect(message.problems).toContain(`more than ${MAX_ATTACHMENTS} attachments: 5 more not listed`);
  });

  it("warns about a part header block past its limit", () => {
    const message = scan(`From: a@x\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n${"X-Pad: y\n".repeat(10_000)}\nbody\n--b--\n`);
    expect(message.problems.some((problem) => problem.startsWith("MIME part header block longer than 65536 bytes"))).toBe(true);
  });

  it(`keeps at most ${MAX_ADDRESSES} addresses per field, and one warning for many identical problems`, () => {
    const to = Array.from({ length: MAX_ADDRESSES + 7 }, (_, i) => `u${i}@x.example`).join(", ");
    const buf = Buffer.concat([Buffer.from(`To: ${to}\n`), Buffer.from("Cc: Ren\u00e9 <c@x>\n".repeat(50), "latin1")]);
    const fields = scanHeaderBlock(buf, 0, buf.length);
    expect(fields.to).toHaveLength(MAX_ADDRESSES);
    expect(fields.problems).toContain(`To header lists more than ${MAX_ADDRESSES} addresses: 7 not kept (${MAX_ADDRESSES} kept)`);
    expect(fields.problems.filter((problem) => problem.includes("not UTF-8 in Cc"))).toEqual(["8-bit bytes that are not UTF-8 in Cc header (read as Latin-1) (50 times)"]);
  });
});
