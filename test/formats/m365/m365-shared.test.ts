import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CsvScanner, readCsv, type CsvItem } from "../../../src/lib/csv.js";
import { normalizeIp } from "../../../src/lib/ip.js";
import { JsonSplitter, readJsonRecords, type JsonItem } from "../../../src/lib/json.js";
import { parseIsoUtc, parseM365Time, parseUsDateTime } from "../../../src/formats/m365/time.js";
import { chunkedStream } from "../harness.js";

async function csv(data: Buffer, chunkSize = 64 * 1024, maxRecordChars?: number): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const batch of readCsv(chunkedStream(data, chunkSize), data.subarray(0, 64 * 1024), { maxRecordChars })) out.push(...batch);
  return out;
}

async function json(data: Buffer, chunkSize = 64 * 1024): Promise<JsonItem[]> {
  const out: JsonItem[] = [];
  for await (const batch of readJsonRecords(chunkedStream(data, chunkSize), data.subarray(0, 64 * 1024))) out.push(...batch);
  return out;
}

describe("CSV reader", () => {
  const text = '\ufeffa,b,c\r\n1,"x ""quoted"" y",3\r\n2,"multi\r\nline, with comma",\r\n\r\n"3",,"last"';

  it("reads quoted cells with CRLF and doubled quotes, a BOM, blank lines, a last line without newline", async () => {
    const items = await csv(Buffer.from(text));
    expect(items).toEqual([
      { kind: "record", line: 1, fields: ["a", "b", "c"] },
      { kind: "record", line: 2, fields: ["1", 'x "quoted" y', "3"] },
      { kind: "record", line: 3, fields: ["2", "multi\r\nline, with comma", ""] },
      { kind: "record", line: 6, fields: ["3", "", "last"] },
    ]);
    for (const size of [1, 2, 3, 5]) expect(await csv(Buffer.from(text), size)).toEqual(items);
  });

  it("reads UTF-16LE with a BOM (PowerShell's default)", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('"Name","Value"\r\n"ä€𝄞","1"\r\n', "utf16le")]);
    const items = await csv(utf16, 3);
    expect(items).toEqual([
      { kind: "record", line: 1, fields: ["Name", "Value"] },
      { kind: "record", line: 2, fields: ["ä€𝄞", "1"] },
    ]);
  });

  it("a quote never closed: one warning at its line, the following lines are read again", async () => {
    const items = await csv(Buffer.from('a,b\n1,"broken\n2,ok\n3,ok\n'));
    expect(items).toEqual([
      { kind: "record", line: 1, fields: ["a", "b"] },
      { kind: "warning", line: 2, message: "a quoted cell is never closed (broken quote): record starting here skipped, reading resumes on the next line" },
      { kind: "record", line: 3, fields: ["2", "ok"] },
      { kind: "record", line: 4, fields: ["3", "ok"] },
    ]);
  });

  it("caps a record's size: a runaway quoted cell is cut off and reading resumes", async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},row${i}\n`).join("");
    const items = await csv(Buffer.from(`a,b\nx,"runaway\n${body}`), 16, 100);
    expect(items[1]).toEqual({ kind: "warning", line: 2, message: "record longer than 100 characters (a broken quote?): record starting here skipped, reading resumes on the next line" });
    const records = items.filter((item) => item.kind === "record");
    expect(records).toHaveLength(51);
    expect(records[50]).toEqual({ kind: "record", line: 52, fields: ["49", "row49"] });
  });

  it("a ragged row is a warning and is skipped", () => {
    const scanner = new CsvScanner();
    const items = [...scanner.push("a,b\n1,2,3\n4,5\n"), ...scanner.end()];
    expect(items).toEqual([
      { kind: "record", line: 1, fields: ["a", "b"] },
      { kind: "warning", line: 2, message: "record has 3 fields, the header has 2: record skipped" },
      { kind: "record", line: 3, fields: ["4", "5"] },
    ]);
  });
});

describe("JSON readers", () => {
  const page = '{"@odata.context":"x","@odata.nextLink":"https://g/?$skiptoken=a\\"b","value":[{"a":"]}\\\\"},{"b":[1,{"value":[2]}]}],"tail":1}';

  it("streams a Graph page's value elements with their offsets, whatever the chunking", async () => {
    const items = await json(Buffer.from(page));
    expect(items).toEqual([
      { kind: "value", text: '{"a":"]}\\\\"}', offset: page.indexOf('{"a"') },
      { kind: "value", text: '{"b":[1,{"value":[2]}]}', offset: page.indexOf('{"b"') },
    ]);
    expect(await json(Buffer.from(page), 1)).toEqual(items);
  });

  it("streams a top-level array, and objects written one after another", async () => {
    expect(await json(Buffer.from(' [ {"a":1} , {"b":2} ] '))).toEqual([
      { kind: "value", text: '{"a":1}', offset: 3 },
      { kind: "value", text: '{"b":2}', offset: 13 },
    ]);
    expect(await json(Buffer.from('{\n "a": 1\n}\n{\n "b": 2\n}\n'))).toEqual([
      { kind: "value", text: '{\n "a": 1\n}', offset: 0 },
      { kind: "value", text: '{\n "b": 2\n}', offset: 12 },
    ]);
  });

  it("escaped quotes and backslash runs inside elements, split across chunks at every place", async () => {
    const text = '[{"a":"q\\"}]","b":"\\\\"},{"c":"\\\\\\"\\\\"}]';
    const expected = [
      { kind: "value", text: '{"a":"q\\"}]","b":"\\\\"}', offset: 1 },
      { kind: "value", text: '{"c":"\\\\\\"\\\\"}', offset: text.indexOf('{"c"') },
    ];
    for (const size of [1, 2, 3, 4, 7, 1000]) expect(await json(Buffer.from(text), size)).toEqual(expected);
    expect(expected.map((item) => JSON.parse(item.text))).toEqual([{ a: 'q"}]', b: "\\" }, { c: '\\"\\' }]);
  });

  it("reads JSON lines line by line", async () => {
    expect(await json(Buffer.from('{"a":1}\n\n{"b":2}\r\n'))).toEqual([
      { kind: "value", text: '{"a":1}', line: 1, offset: 0 },
      { kind: "value", text: '{"b":2}', line: 3, offset: 9 },
    ]);
  });

  it("a truncated array gives the complete elements and exactly one warning", () => {
    const splitter = new JsonSplitter();
    const items = [...splitter.push(Buffer.from('[{"a":1},{"b":"unfinished')), ...splitter.end()];
    expect(items).toEqual([
      { kind: "value", text: '{"a":1}', offset: 1 },
      { kind: "warning", offset: 9, message: "input ends inside this value (truncated file): the complete values before it were read" },
    ]);
  });

  it("skips an element larger than the limit with a warning", () => {
    const splitter = new JsonSplitter({ maxValueBytes: 10 });
    const items = [...splitter.push(Buffer.from('[{"a":"0123456789"},{"b":1}]')), ...splitter.end()];
    expect(items).toEqual([
      { kind: "warning", offset: 1, message: "value larger than 10 bytes: skipped" },
      { kind: "value", text: '{"b":1}', offset: 20 },
    ]);
  });
});

describe("normalizeIp", () => {
  it.each([
    ["1.2.3.4", { ip: "1.2.3.4" }],
    ["1.2.3.4:5555", { ip: "1.2.3.4", port: 5555 }],
    ["[2001:db8::1]:443", { ip: "2001:db8::1", port: 443 }],
    ["[2001:DB8:0:0::1]", { ip: "2001:db8::1" }],
    ["::ffff:1.2.3.4", { ip: "1.2.3.4" }],
    ["[::ffff:198.51.100.23]:1234", { ip: "198.51.100.23", port: 1234 }],
    ["2603:10b6:5:345::11", { ip: "2603:10b6:5:345::11" }],
    ["2600:100f:a100:735:2c45:127a:aaaa:0000", { ip: "2600:100f:a100:735:2c45:127a:aaaa:0" }],
    [" 10.0.0.1 ", { ip: "10.0.0.1" }],
    ["", {}],
    ["<null>", {}],
    ["1.2.3", {}],
    ["999.1.1.1", {}],
    ["1.2.3.4:99999", {}],
    [undefined, {}],
  ])("%s", (raw, expected) => {
    expect(normalizeIp(raw)).toEqual(expected);
  });
});

describe("Microsoft 365 time formats", () => {
  it("reads ISO with and without zone (no zone is UTC), with 7 fraction digits, offsets and a trailing space", () => {
    expect(parseIsoUtc("2020-02-17T17:12:03")).toBe(Date.UTC(2020, 1, 17, 17, 12, 3));
    expect(parseIsoUtc("2020-03-13T19:15:41.6195833Z")).toBe(Date.UTC(2020, 2, 13, 19, 15, 41, 619));
    expect(parseIsoUtc("2021-04-19T12:13:19.4834758+00:00")).toBe(Date.UTC(2021, 3, 19, 12, 13, 19, 483));
    expect(parseIsoUtc("2026-01-24T06:54:24.0000000Z ")).toBe(Date.UTC(2026, 0, 24, 6, 54, 24));
    expect(parseIsoUtc("2026-01-24T08:54:24+02:00")).toBe(Date.UTC(2026, 0, 24, 6, 54, 24));
    expect(parseIsoUtc("2026-13-24T08:54:24Z")).toBeUndefined();
  });

  it("reads US-culture exports (Log Analytics and Purview) and .NET JSON dates", () => {
    expect(parseUsDateTime("4/28/2021, 2:54:37.000 PM")).toBe(Date.UTC(2021, 3, 28, 14, 54, 37));
    expect(parseUsDateTime("9/20/2023 12:05:03 AM")).toBe(Date.UTC(2023, 8, 20, 0, 5, 3));
    expect(parseUsDateTime("9/20/2023 12:05:03 PM")).toBe(Date.UTC(2023, 8, 20, 12, 5, 3));
    expect(parseM365Time("/Date(1581959523000)/")).toBe(1581959523000);
    expect(parseM365Time("yesterday")).toBeUndefined();
  });
});

describe("readCsv on a stream of strings", () => {
  it("accepts string chunks as well as buffers", async () => {
    const out: CsvItem[] = [];
    for await (const batch of readCsv(Readable.from(["a,b\n", "1,2\n"]), Buffer.from("a,b\n"))) out.push(...batch);
    expect(out.filter((item) => item.kind === "record")).toHaveLength(2);
  });
});
