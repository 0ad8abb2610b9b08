/**
 * msgreader's test messages (fixtures/mailbox/msg/msgreader/, Apache-2.0) against the library's
 * own expected parse (msgreader-truth/): ANSI (PT_STRING8) strings in code page 932 and in ASCII,
 * unsent items that only have store times, a message inside a message. The three files without a
 * truth file are checked against values read off them (`strings -el`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fileFormats } from "../../../src/formats/index.js";
import { msg } from "../../../src/formats/mailbox/msg.js";
import { msgCodePage } from "../../../src/formats/mailbox/msg-codepage.js";
import { readMsg } from "../../../src/formats/mailbox/msg-read.js";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { runParser } from "../harness.js";

const DIR = new URL("../../../fixtures/mailbox/msg/msgreader/", import.meta.url).pathname;
const TRUTH = new URL("../../../fixtures/mailbox/msg/msgreader-truth/", import.meta.url).pathname;

interface Truth {
  subject: string;
  recipients: { email: string; recipType: string }[];
  attachments: { name?: string; fileName?: string; contentLength?: number; innerMsgContent?: boolean }[];
  messageDeliveryTime: string;
  messageFlags: number;
}

async function parse(name: string): Promise<ParsedMessage> {
  const result = await runParser(msg, readFileSync(DIR + name), { file: `export/alice@agency.example/Drafts/${name}` });
  expect(result.warnings).toEqual([]);
  expect(result.items).toHaveLength(1);
  return result.items[0] as ParsedMessage;
}

describe("msg: msgreader's files decode to the library's expected values", () => {
  const withTruth = readdirSync(TRUTH).map((name) => name.replace(/\.json$/, ""));

  it("there are eight files, five with the library's expected parse", () => {
    expect(readdirSync(DIR).filter((name) => name.endsWith(".msg"))).toHaveLength(8);
    expect(withTruth.sort()).toEqual(["msgInMsg", "nonUnicodeCP932", "nonUnicodeMail", "test1", "test2"]);
  });

  for (const base of withTruth) {
    it(`${base}.msg: subject, recipients, attachments; unsent, so dated by its delivery time`, async () => {
      const truth = JSON.parse(readFileSync(`${TRUTH}${base}.json`, "utf8")) as Truth;
      const message = await parse(`${base}.msg`);
      expect(message.subject).toBe(truth.subject === "" ? undefined : truth.subject);
      const byType = (type: string) => truth.recipients.filter((r) => r.recipType === type).map((r) => ({ address: r.email }));
      expect(message.to ?? []).toEqual(byType("to"));
      expect(message.cc ?? []).toEqual(byType("cc"));
      expect(message.attachments ?? []).toEqual(
        truth.attachments.map((a) => (a.contentLength === undefined ? { filename: a.fileName ?? a.name } : { filename: a.fileName ?? a.name, size: a.contentLength })),
      );
      // MSGFLAG_UNSENT (0x8) is set on every one of them: no submit time, no Date header.
      expect(truth.messageFlags & 0x8).toBe(8);
      expect(message.received).toBe(Date.parse(truth.messageDeliveryTime));
      expect(message.date).toBe(Date.parse(truth.messageDeliveryTime));
      expect(message.dateSource).toBe("delivery time");
    });
  }

  it("nonUnicodeCP932.msg: the 8-bit subject is CP932 because PR_INTERNET_CPID is ISO-2022-JP (50220), not Latin-1", () => {
    const { fields } = readMsg(readFileSync(`${DIR}nonUnicodeCP932.msg`));
    expect(msgCodePage(fields)).toEqual({ codePage: 932, encoding: "cp932", from: "PR_INTERNET_CPID" });
    expect(fields.subject).toBe("日本語 Non Unicode タイトル");
    expect(fields.body).toBe("日本語 Non Unicode 本文\r\n");
  });

  it("sent.msg (no truth file): a sent item is dated by its submit time, not a store time", async () => {
    const message = await parse("sent.msg");
    expect(message.subject).toBe("Sent time");
    expect(message.from).toEqual([{ address: "xmailuser@xmailserver.test", name: "xmailuser" }]);
    expect(message.to).toEqual([{ address: "xmailuser@xmailserver.test", name: "'xmailuser@xmailserver.test'" }]);
    expect(message.date).toBe(Date.parse("2021-02-15T08:19:04Z"));
    expect(message.dateSource).toBeUndefined();
    expect(message.received).toBe(Date.parse("2021-02-15T08:19:00Z"));
  });

  it("Hello +CJK.msg and unicode1.msg (no truth files): Unicode strings, unsent, dated by delivery time", async () => {
    const hello = await parse("Hello +CJK.msg");
    expect([hello.subject, hello.date, hello.dateSource]).toEqual(["Hello +CJK", Date.parse("2023-08-27T10:27:38Z"), "delivery time"]);
    const unicode = await parse("unicode1.msg");
    // The subject stream (0037001F) holds these UTF-16 code units; its conversation topic the same.
    const { fields } = readMsg(readFileSync(`${DIR}unicode1.msg`));
    expect(fields.conversationTopic).toBe("畑㵲応ｲ瑤㵨㠱");
    expect([unicode.subject, unicode.date, unicode.dateSource]).toEqual(["畑㵲応ｲ瑤㵨㠱", Date.parse("2021-09-26T12:42:41Z"), "delivery time"]);
  });

  it("every file is taken for a .msg by the registry", () => {
    for (const name of readdirSync(DIR)) {
      const head = readFileSync(DIR + name);
      expect(fileFormats.find((format) => format.sniff(head, `x/${name}`))?.name, name).toBe("msg");
    }
  });
});

describe("msg: the code page of 8-bit strings", () => {
  it("PR_MESSAGE_CODEPAGE first, then the Windows page behind PR_INTERNET_CPID, then the locale", () => {
    expect(msgCodePage({ messageCodepage: 1251, internetCodepage: 50220, messageLocaleId: 1041 })).toEqual({ codePage: 1251, encoding: "windows-1251", from: "PR_MESSAGE_CODEPAGE" });
    expect(msgCodePage({ internetCodepage: 28592 })).toEqual({ codePage: 1250, encoding: "windows-1250", from: "PR_INTERNET_CPID" });
    expect(msgCodePage({ internetCodepage: 1252 })).toEqual({ codePage: 1252, encoding: "windows-1252", from: "PR_INTERNET_CPID" });
    // US-ASCII and UTF-8 say nothing of 8-bit strings: the locale does (Russian, Traditional Chinese).
    expect(msgCodePage({ internetCodepage: 65001, messageLocaleId: 1049 })).toEqual({ codePage: 1251, encoding: "windows-1251", from: "PR_MESSAGE_LOCALE_ID" });
    expect(msgCodePage({ internetCodepage: 20127, messageLocaleId: 0x0404 })).toEqual({ codePage: 950, encoding: "cp950", from: "PR_MESSAGE_LOCALE_ID" });
    expect(msgCodePage({})).toBeUndefined();
  });
});
