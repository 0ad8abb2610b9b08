/**
 * Exchange Server 2013/2016/2019 IMAP4 and POP3 protocol logs (docs/formats.md): `#` header lines
 * (`#Log-type`, `#Fields: dateTime,sessionId,...`) then one CSV row per command. Rows cut out of a
 * log often come without the header; those are read in the documented default field order.
 * SMTP protocol logs (`date-time,connector-id,session-id,...`) and the 2007/2010 IMAP form (same
 * layout as SMTP's) are not read here.
 */
import { defineFileFormat, type FileContext, type ParsedItem } from "../../model/format.js";
import type { RecordRef } from "../../model/events.js";
import { readLineBatches } from "../../lib/lines.js";
import { headText } from "../../lib/text.js";
import { ExchangeSessions, mapExchangeRow, type ExchangeRow, type Protocol } from "./protocol.js";

/** The field order Exchange 2013+ writes (decompiled `LightWeightLog.Fields`); matched lower-cased. */
const DEFAULT_FIELDS_TEXT = "dateTime,sessionId,seqNumber,sIp,cIp,user,duration,rqsize,rpsize,command,parameters,context";
const DEFAULT_FIELDS = DEFAULT_FIELDS_TEXT.toLowerCase().split(",");
const REQUIRED_FIELDS = ["datetime", "sessionid", "command"];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z$/;
const SESSION_ID = /^[0-9A-Fa-f]{16}$/;

/** One CSV line (Exchange logs hold no newline inside a cell): the cells, or why it cannot be split. */
export function splitCsvLine(text: string): string[] | { error: string } {
  const cells: string[] = [];
  const len = text.length;
  let pos = 0;
  for (;;) {
    if (text.charCodeAt(pos) === 34 /* " */) {
      let cell = "";
      let from = pos + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return { error: `a quoted cell opened at column ${pos + 1} is never closed (broken quote)` };
        cell += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          cell += '"';
          from = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      cells.push(cell);
      if (pos === len) return cells;
      if (text.charCodeAt(pos) !== 44 /* , */) return { error: `text after the closing quote at column ${pos + 1}` };
      pos += 1;
    } else {
      const comma = text.indexOf(",", pos);
      if (comma === -1) {
        cells.push(text.slice(pos));
        return cells;
      }
      cells.push(text.slice(pos, comma));
      pos = comma + 1;
    }
  }
}

function parseFieldsHeader(line: string): string[] {
  return line
    .slice(line.indexOf(":") + 1)
    .split(",")
    .map((name) => name.trim().toLowerCase());
}

function logTypeOf(line: string): Protocol | undefined {
  if (/POP3/i.test(line)) return "pop3";
  if (/IMAP4/i.test(line)) return "imap";
  return undefined;
}

function isFieldsHeaderMine(names: readonly string[]): boolean {
  return REQUIRED_FIELDS.every((name) => names.includes(name)) && names.includes("seqnumber");
}

/** A header-less row in the default order: timestamp, 16-hex session, sequence number, endpoint. */
function looksLikeRow(line: string): boolean {
  const cells = splitCsvLine(line);
  if (!Array.isArray(cells) || cells.length < DEFAULT_FIELDS.length || cells.length > DEFAULT_FIELDS.length + 1) return false;
  return (
    ISO_UTC.test(cells[0] as string) &&
    SESSION_ID.test(cells[1] as string) &&
    /^\d+$/.test(cells[2] as string) &&
    (cells[3] as string).includes(":") &&
    (cells[9] as string).trim() !== ""
  );
}

function numberCell(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Field layout in force: names and their positions. */
class Layout {
  readonly index: Map<string, number>;
  constructor(readonly names: readonly string[], readonly fromHeader: boolean) {
    this.index = new Map(names.map((name, i) => [name, i]));
  }
  cell(cells: readonly string[], name: string): string {
    const i = this.index.get(name);
    return i === undefined ? "" : (cells[i] ?? "");
  }
}

export const exchangeProtocolLog = defineFileFormat({
  name: "exchange-protocol-log",
  description: "Exchange Server 2013/2016/2019 IMAP4 and POP3 protocol log (with or without the #Fields: header)",
  sniff(head) {
    const lines = headText(head).split("\n", 400);
    let seen = 0;
    let rows = 0;
    for (const raw of lines) {
      const line = raw.replace(/\r$/, "");
      if (line === "") continue;
      if (line.startsWith("#")) {
        if (/^#Fields:/i.test(line)) return isFieldsHeaderMine(parseFieldsHeader(line));
        continue;
      }
      seen += 1;
      if (looksLikeRow(line)) rows += 1;
      if (seen >= 200) break;
    }
    return rows > 0 && rows * 2 >= seen;
  },
  async *parse(source, ctx: FileContext): AsyncGenerator<ParsedItem> {
    let layout = new Layout(DEFAULT_FIELDS, false);
    let logType: Protocol | undefined;
    let notedDefault = false;
    const sessions = new ExchangeSessions();
    for await (const batch of readLineBatches(source.stream())) {
      for (const line of batch) {
        const ref: RecordRef = { line: line.line };
        if (line.oversized) {
          ctx.warn(ref, `line of ${line.length} bytes exceeds the line limit; skipped`);
          continue;
        }
        const text = line.line === 1 && line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text;
        if (text === "") continue;
        if (text.startsWith("#")) {
          if (/^#Fields:/i.test(text)) {
            const names = parseFieldsHeader(text);
            if (isFieldsHeaderMine(names)) layout = new Layout(names, true);
            else ctx.warn(ref, `#Fields: header lacks dateTime, sessionId, seqNumber or command (not an IMAP4/POP3 protocol log); the previous field order stays`);
          } else if (/^#Log-type:/i.test(text)) {
            logType = logTypeOf(text);
          }
          continue;
        }
        const cells = splitCsvLine(text);
        if (!Array.isArray(cells)) {
          ctx.warn(ref, `${cells.error}: ${clip(text)}`);
          continue;
        }
        const width = layout.names.length;
        // Exchange ends every row with a comma: one empty cell more than the header names.
        const widthOk = cells.length === width || (cells.length === width + 1 && cells[width] === "");
        if (!widthOk) {
          ctx.warn(ref, `row has ${cells.length} fields, the ${layout.fromHeader ? "#Fields: header" : "default field order"} has ${width}: ${clip(text)}`);
          continue;
        }
        if (!layout.fromHeader && !notedDefault) {
          notedDefault = true;
          ctx.note(`${source.file}: no #Fields: header before line ${line.line}; rows read in the Exchange 2013+ default field order (${DEFAULT_FIELDS_TEXT})`);
        }
        const stamp = layout.cell(cells, "datetime");
        const ts = ISO_UTC.test(stamp) ? Date.parse(stamp) : Number.NaN;
        if (!Number.isFinite(ts)) {
          ctx.warn(ref, `dateTime is not an ISO 8601 UTC time: ${clip(stamp)}`);
          continue;
        }
        const seq = layout.cell(cells, "seqnumber");
        const row: ExchangeRow = {
          ts,
          sessionId: layout.cell(cells, "sessionid"),
          seq: numberCell(seq),
          serverEndpoint: layout.cell(cells, "sip"),
          clientEndpoint: layout.cell(cells, "cip"),
          user: layout.cell(cells, "user"),
          duration: numberCell(layout.cell(cells, "duration")),
          rqsize: numberCell(layout.cell(cells, "rqsize")),
          rpsize: numberCell(layout.cell(cells, "rpsize")),
          command: layout.cell(cells, "command"),
          parameters: layout.cell(cells, "parameters"),
          context: layout.cell(cells, "context"),
        };
        const mapped = mapExchangeRow(row, logType, sessions, ref);
        if ("warning" in mapped) ctx.warn(ref, mapped.warning);
        else yield mapped;
      }
    }
  },
});
