/**
 * MimeKit's mbox test files (fixtures/mailbox/mbox/mimekit/, MIT): Netscape `From - ` separators
 * with no blank line before them, Content-Length framing that is sometimes wrong, Takeout
 * envelopes without a date, a byte order mark and unmunged `From ` lines. Where MimeKit's own
 * expected offsets exist (mimekit-truth/), every message must match them exactly; the two files
 * without them are checked against offsets read off the files by hand.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { mbox } from "../../../src/formats/mailbox/mbox.js";
import { MessageScanner, type ScannedMessage } from "../../../src/formats/mailbox/message-scan.js";
import { chunkedStream, runParser } from "../harness.js";

const DIR = new URL("../../../fixtures/mailbox/mbox/mimekit/", import.meta.url).pathname;
const TRUTH = new URL("../../../fixtures/mailbox/mbox/mimekit-truth/", import.meta.url).pathname;

interface TruthMessage {
  mboxMarkerOffset: number;
  beginOffset: number;
  headersEndOffset: number;
  endOffset: number;
}

async function scan(data: Buffer, chunkSize: number): Promise<ScannedMessage[]> {
  const scanner = new MessageScanner({ mode: "mbox" });
  const out: ScannedMessage[] = [];
  for await (const chunk of chunkedStream(data, chunkSize)) out.push(...scanner.push(chunk as Buffer));
  out.push(...scanner.finish());
  expect(scanner.drainProblems()).toEqual([]);
  return out;
}

/** Subjects as MimeKit's summary lists them: one block per message, opened by its `From ` line. */
function summarySubjects(name: string): (string | undefined)[] {
  const subjects: (string | undefined)[] = [];
  for (const line of readFileSync(`${TRUTH}${name}-summary.txt`, "utf8").split("\n")) {
    if (line.startsWith("From ")) subjects.push(undefined);
    else if (line.startsWith("Subject: ") && subjects.length > 0) subjects[subjects.length - 1] = line.slice("Subject: ".length);
  }
  return subjects;
}

describe("mbox: MimeKit's files split exactly as MimeKit's expected offsets say", () => {
  for (const name of ["content-length", "issue1189"]) {
    it(`${name}.mbox.txt: every message at MimeKit's offsets, none merged or dropped, whatever the chunk size`, async () => {
      const data = readFileSync(`${DIR}${name}.mbox.txt`);
      const truth = JSON.parse(readFileSync(`${TRUTH}${name}.unix-offsets.json`, "utf8")) as TruthMessage[];
      for (const chunkSize of name === "content-length" ? [7, 4096, 1 << 20] : [1, 13, 4096]) {
        const found = await scan(data, chunkSize);
        expect(found.map((m) => m.start)).toEqual(truth.map((t) => t.mboxMarkerOffset));
        expect(found.map((m) => m.headerStart)).toEqual(truth.map((t) => t.beginOffset));
        expect(found.map((m) => m.bodyStart)).toEqual(truth.map((t) => t.headersEndOffset));
        // MimeKit ends a message before the line break that precedes the next separator; the
        // scanner's end is the separator itself (that line break is counted in the message).
        expect(found.map((m, i) => (i + 1 < found.length ? m.end - 1 : m.end))).toEqual(truth.map((t) => t.endOffset));
        expect(found.every((m) => m.problems.length === 0)).toBe(true);
      }
    });
  }

  it("content-length.mbox.txt through the parser: 29 messages, MimeKit's subjects, no warning but the owner's", async () => {
    const data = readFileSync(`${DIR}content-length.mbox.txt`);
    const result = await runParser(mbox, data, { file: "x/alice@agency.example/Netscape/Inbox" });
    const messages = result.items as ParsedMessage[];
    expect(messages).toHaveLength(29);
    expect(result.warnings).toEqual([]);
    const subjects = summarySubjects("content-length");
    expect(subjects).toHaveLength(29);
    expect(messages.map((m) => m.subject)).toEqual(subjects);
    // `From - Mon Jun  3 12:50:27 1996`: the Netscape envelope's date is the arrival fallback only
    // where no Received: header says; `From - ` alone gives none.
    expect(messages[3]?.ref).toEqual({ offset: 14395 });
    expect(messages[0]?.location).toEqual({ offset: 8, length: 1889 - 8 });
  });

  it("issue1189.mbox.txt: Takeout envelopes without a date, 4 messages with MimeKit's subjects", async () => {
    const data = readFileSync(`${DIR}issue1189.mbox.txt`);
    const result = await runParser(mbox, data, { file: "x/erin@agency.example/Takeout/mail.mbox" });
    const messages = result.items as ParsedMessage[];
    expect(messages.map((m) => m.subject)).toEqual(summarySubjects("issue1189"));
    expect(messages.map((m) => m.subject)).toEqual(["Message 1", "Message 2", "Message 3", "Message 4"]);
    expect(messages.map((m) => m.messageId)[0]).toBe("<f092d8d2-8781-469e-a1a6-c938087dc1f4@example.com>");
    expect(result.warnings).toEqual([]);
  });
});

describe("mbox: MimeKit's files without expected offsets (offsets read off the files)", () => {
  it("simple.mbox.txt: three `From - ` separators, each straight after a body line, none after a blank line", async () => {
    const data = readFileSync(`${DIR}simple.mbox.txt`);
    for (const chunkSize of [1, 5, 4096]) {
      const found = await scan(data, chunkSize);
      expect(found.map((m) => [m.start, m.headerStart, m.bodyStart, m.end])).toEqual([
        [0, 8, 217, 526],
        [526, 534, 729, 1029],
        [1029, 1037, 1243, 1535],
      ]);
      expect(found.map((m) => m.headers.subject)).toEqual([
        "this'll probably break a lot of mime parsers",
        "this'll probably break even more mime parsers",
        "if a mime parser can correctly handle this, I'm impressed",
      ]);
    }
  });

  it("unmunged.mbox.txt: a byte order mark, then `From -`; `From Russia with love` after a blank line is a separator (MimeKit finds 4)", async () => {
    const data = readFileSync(`${DIR}unmunged.mbox.txt`);
    for (const chunkSize of [1, 2, 3, 4096]) {
      const found = await scan(data, chunkSize);
      expect(found.map((m) => [m.start, m.fromLine, m.headerStart, m.bodyStart, m.end])).toEqual([
        [3, "From -", 10, 155, 195],
        [195, "From Russia with love", 217, 218, 245],
        [245, "From -", 252, 395, 435],
        [435, "From Russia with love", 457, 469, 504],
      ]);
      expect(found.map((m) => m.problems)).toEqual([[], ["message has no headers"], [], []]);
    }
    // The byte order mark is not "bytes before the first From line"; the file sniffs as mbox.
    expect(mbox.sniff(data, "unmunged.mbox.txt")).toBe(true);
  });
});

describe("mbox separators and Content-Length (constructed)", () => {
  async function offsets(text: string, chunkSize = 4096): Promise<{ starts: number[]; problems: string[][] }> {
    const found = await scan(Buffer.from(text, "latin1"), chunkSize);
    return { starts: found.map((m) => m.start), problems: found.map((m) => m.problems) };
  }

  it("envelopes of every shape after a blank line: MAILER-DAEMON, no year, a zone, `From -`", async () => {
    const messages = [
      "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: a\n\nbody\n",
      "From alice@agency.example Mon Jan  1 10:00:00\nSubject: b\n\nbody\n",
      "From bob@agency.example Mon Jan 01 00:00:00 +0100 2026\nSubject: c\n\nbody\n",
      "From -\nSubject: d\n\nbody\n",
    ];
    const text = messages.join("\n");
    const expected: number[] = [];
    let at = 0;
    for (const message of messages) {
      expected.push(at);
      at += message.length + 1;
    }
    for (const chunkSize of [1, 3, 4096]) expect((await offsets(text, chunkSize)).starts).toEqual(expected);
  });

  it("a `From ` line inside a paragraph is body; one followed by a header line is a separator", async () => {
    const text = "From a@x Mon Jan  1 10:00:00 2026\nSubject: a\n\nQuoting:\nFrom b@y Tue Jan  2 10:00:00 2026\nend of quote\nFrom - \nSubject: b\n\nbody\n";
    for (const chunkSize of [1, 4096]) expect((await offsets(text, chunkSize)).starts).toEqual([0, text.indexOf("From - ")]);
  });

  it("Content-Length that ends at a separator keeps a `From ` line after a blank line inside the body", async () => {
    const body = "Quoting:\n\nFrom b@y Tue Jan  2 10:00:00 2026\nSubject: not a header of mine\n";
    const text = `From a@x Mon Jan  1 10:00:00 2026\nContent-Length: ${body.length}\n\n${body}\nFrom c@z Wed Jan  3 10:00:00 2026\nSubject: c\n\nlast\n`;
    for (const chunkSize of [1, 7, 4096]) {
      const result = await offsets(text, chunkSize);
      expect(result.starts).toEqual([0, text.indexOf("From c@z")]);
      expect(result.problems).toEqual([[], []]);
    }
  });

  it("Content-Length that does not end at a separator is ignored, with a warning: nothing merged", async () => {
    const body = "first body\n";
    const text = `From a@x Mon Jan  1 10:00:00 2026\nContent-Length: 500\n\n${body}\nFrom c@z Wed Jan  3 10:00:00 2026\nSubject: c\n\n${"x".repeat(600)}\n`;
    for (const chunkSize of [1, 7, 4096]) {
      const result = await offsets(text, chunkSize);
      expect(result.starts).toEqual([0, text.indexOf("From c@z")]);
      expect(result.problems).toEqual([['Content-Length (500) does not end at a "From " line: ignored, the message ends at the next separator'], []]);
    }
  });

  it("CRLF: a blank line is CRLF CRLF", async () => {
    const text = "From a@x Mon Jan  1 10:00:00 2026\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom Russia with love\r\n\r\nFrom b@x Mon Jan  1 10:00:00 2026\r\nSubject: b\r\n\r\nbody\r\n";
    for (const chunkSize of [1, 2, 4096]) {
      expect((await offsets(text, chunkSize)).starts).toEqual([0, text.indexOf("From Russia"), text.indexOf("From b@x")]);
    }
  });
});

describe("mbox envelope dates", () => {
  it("a date with a zone is read; one without a year gives no arrival time (never an invented year)", async () => {
    const text =
      "From alice@agency.example Mon Jan  1 10:00:00\nMessage-ID: <a@x>\n\nbody\n\n" +
      "From bob@agency.example Thu Jan 01 10:00:00 +0100 2026\nMessage-ID: <b@x>\n\nbody\n\n" +
      "From - Sat Nov  2 21:56:58 1996\nMessage-ID: <c@x>\n\nbody\n";
    const result = await runParser(mbox, Buffer.from(text), { file: "x/alice@agency.example/Inbox/mbox" });
    const messages = result.items as ParsedMessage[];
    expect(messages.map((m) => m.received)).toEqual([undefined, Date.parse("2026-01-01T09:00:00Z"), Date.parse("1996-11-02T21:56:58Z")]);
  });
});
