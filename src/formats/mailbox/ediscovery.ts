/**
 * Microsoft Purview eDiscovery export folders (a folder format): the export's results CSV maps
 * every item to its custodian mailbox (`Location`) and says what it is; the exported items (.eml,
 * .msg, PSTs per mailbox) are read with the shared mailbox readers. Items of the CSV that were not
 * exported as files (report-only exports, items inside PSTs without a Message-ID match) are still
 * listed from the CSV's own columns, so the inventory is complete either way.
 */
import { open, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { RecordRef } from "../../model/events.js";
import type { Address, ParsedMessage } from "../../model/messages.js";
import { defineFolderFormat, unreadable, type FileContext, type FolderContext } from "../../model/format.js";
import { readCsv } from "../../lib/csv.js";
import { normaliseMessageId, parseAddresses, parseMailDate, syntheticMessageId } from "./mail-headers.js";
import { addressInComponent, fileFolder, ownerWarning, resolveOwner } from "./mailbox-path.js";
import { buildMessage } from "./message-record.js";
import { scanStream } from "./message-scan.js";
import { msgMessageFields, readMsg } from "./msg-read.js";
import { openPst } from "./pst-read.js";
import { parsePstStore } from "./pst.js";
import { MSG_SIZE_LIMIT } from "./msg.js";

const RESULTS_CSV = /^(?:results|items)(?:[ _-].*)?\.csv$/i;
const MARKERS = /^(?:manifest\.xml|exchange|export summary.*\.csv|unindexed items.*\.csv|trace\.log)$/i;

/** Column names matched without case, spaces, dashes or underscores. */
function columnKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-–]+/g, "");
}

interface ResultRow {
  line: number;
  member: string;
  cells: Record<string, string>;
  mailbox?: string;
  messageId?: string;
  used: boolean;
}

function cell(row: ResultRow, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = row.cells[columnKey(name)];
    if (value !== undefined && value.trim().length > 0) return value.trim();
  }
  return undefined;
}

/** Exported item paths as the CSV writes them, compared on their last components. */
function pathKey(path: string): string {
  return path.replace(/\\/g, "/").split("/").filter(Boolean).slice(-3).join("/").toLowerCase();
}

async function headOf(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Reads one results CSV (through `openMember`, so it is hashed and listed). */
async function readResults(ctx: FolderContext, abs: string): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const head = await headOf(abs);
  const opened = ctx.openMember(abs);
  let header: string[] | undefined;
  for await (const batch of readCsv(opened.stream, head, { checkWidth: true })) {
    for (const item of batch) {
      if (item.kind === "warning") {
        ctx.warn({ member: opened.member, line: item.line }, item.message);
        continue;
      }
      if (header === undefined) {
        header = item.fields.map(columnKey);
        continue;
      }
      const cells: Record<string, string> = {};
      header.forEach((name, i) => {
        cells[name] = item.fields[i] ?? "";
      });
      const row: ResultRow = { line: item.line, member: opened.member, cells, used: false };
      const location = cell(row, "Location", "Custodian", "Location Name");
      const address = location === undefined ? undefined : addressInComponent(location);
      if (address !== undefined) row.mailbox = address;
      const messageId = normaliseMessageId(cell(row, "Internet Message Id", "InternetMessageId", "Message Id") ?? "");
      if (messageId !== undefined) row.messageId = messageId;
      rows.push(row);
    }
  }
  return rows;
}

function addresses(value: string | undefined): Address[] | undefined {
  if (value === undefined) return undefined;
  // Purview separates recipients with semicolons.
  const list = parseAddresses(value.replace(/;/g, ","));
  return list.length > 0 ? list : undefined;
}

/** Results CSV dates are culture-formatted; read without a zone they are UTC. */
function csvDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?$/.test(value)) {
    const ms = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return parseMailDate(value);
}

function folderFromOriginalPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parts = value.replace(/\\/g, "/").split("/").filter(Boolean);
  while (parts.length > 0 && (/^top of /i.test(parts[0] ?? "") || (parts[0] ?? "").includes("@"))) parts.shift();
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** A message known only from its results row (no exported file). */
function rowMessage(row: ResultRow, file: string): ParsedMessage {
  const message: ParsedMessage = {
    kind: "message",
    folder: folderFromOriginalPath(cell(row, "Original Path", "Folder Path")) ?? "",
    messageId: row.messageId ?? syntheticMessageId(`${file}\0${row.member}\0${row.line}`),
    ref: { member: row.member, line: row.line },
  };
  if (row.messageId === undefined) message.syntheticId = true;
  if (row.mailbox !== undefined) message.mailbox = row.mailbox;
  const date = csvDate(cell(row, "Sent", "Date Sent"));
  if (date !== undefined) message.date = date;
  const received = csvDate(cell(row, "Received or Created", "Received", "Date Received"));
  if (received !== undefined) message.received = received;
  const from = addresses(cell(row, "Sender or Created by", "Sender", "From"));
  if (from !== undefined) message.from = from;
  const to = addresses(cell(row, "To - Expanded", "Recipients in To line", "To"));
  if (to !== undefined) message.to = to;
  const cc = addresses(cell(row, "CC - Expanded", "Recipients in Cc line", "Cc"));
  if (cc !== undefined) message.cc = cc;
  const bcc = addresses(cell(row, "BCC - Expanded", "Recipients in Bcc line", "Bcc"));
  if (bcc !== undefined) message.bcc = bcc;
  const subject = cell(row, "Subject or Title", "Subject");
  if (subject !== undefined) message.subject = subject;
  const size = Number(cell(row, "Size", "Item Size"));
  if (Number.isFinite(size) && size > 0) message.size = size;
  return message;
}

export const ediscovery = defineFolderFormat({
  name: "ediscovery",
  description: "Microsoft Purview eDiscovery export folders (results CSV with custodians; .eml, .msg and PST items)",
  claims(_dirPath, entryNames) {
    return entryNames.some((name) => RESULTS_CSV.test(name)) && entryNames.some((name) => MARKERS.test(name));
  },
  async *parse(source, ctx) {
    const root = source.path;
    const files = await walk(root);
    const rel = (abs: string): string => relative(root, abs).split(sep).join("/");
    const rows: ResultRow[] = [];
    for (const abs of files) {
      if (!rel(abs).includes("/") && RESULTS_CSV.test(rel(abs))) rows.push(...(await readResults(ctx, abs)));
    }
    // One Message-ID may sit in several custodians' mailboxes: rows are kept per id.
    const byId = new Map<string, ResultRow[]>();
    const byPath = new Map<string, ResultRow>();
    for (const row of rows) {
      if (row.messageId !== undefined) byId.set(row.messageId, [...(byId.get(row.messageId) ?? []), row]);
      const target = cell(row, "Export Item Path", "Target Path", "Document Path");
      if (target !== undefined) byPath.set(pathKey(target), row);
    }
    /**
     * Custodian of an exported item: --mailbox-map, then the results row (matched by exported
     * path, else by Message-ID in the same mailbox, else by Message-ID), then the path, then what
     * the item already says (a PST's store name).
     */
    const finish = (message: ParsedMessage, member: string, pathRow: ResultRow | undefined, warned: { done: boolean }): ParsedMessage => {
      const fromPath = resolveOwner(`${source.file}/${member}`, ctx.options);
      const known = fromPath?.mailbox ?? message.mailbox;
      const candidates = (byId.get(message.messageId) ?? []).filter((row) => !row.used);
      const row = pathRow ?? candidates.find((candidate) => candidate.mailbox === known) ?? candidates[0];
      if (row !== undefined) row.used = true;
      const mailbox = fromPath?.how === "mailbox-map" ? fromPath.mailbox : (row?.mailbox ?? known);
      if (mailbox !== undefined) message.mailbox = mailbox;
      else if (!warned.done) {
        warned.done = true;
        ctx.warn({ member, offset: 0 }, ownerWarning(`${source.file}/${member}`));
      }
      return message;
    };

    for (const abs of files) {
      const member = rel(abs);
      const lower = member.toLowerCase();
      const pathRow = byPath.get(pathKey(member));
      const warned = { done: false };
      if (lower.endsWith(".eml")) {
        const opened = ctx.openMember(abs);
        const ref: RecordRef = { member: opened.member, offset: 0 };
        for await (const event of scanStream(opened.stream, { mode: "single" })) {
          if ("problem" in event) {
            ctx.warn({ member: opened.member, offset: event.problem.offset }, event.problem.message);
            continue;
          }
          for (const problem of event.message.problems) ctx.warn(ref, problem);
          const pathOwner = resolveOwner(`${source.file}/${member}`, ctx.options);
          const message = buildMessage(event.message, {
            folder: fileFolder(`${source.file}/${member}`, pathOwner),
            ref,
            location: { offset: 0, length: event.message.end },
            idSeed: `${source.file}\0${member}`,
          });
          yield finish(message, member, pathRow, warned);
        }
      } else if (lower.endsWith(".msg")) {
        const opened = ctx.openMember(abs);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of opened.stream) {
          const buffer = chunk as Buffer;
          size += buffer.length;
          if (size <= MSG_SIZE_LIMIT) chunks.push(buffer);
        }
        const ref: RecordRef = { member: opened.member, offset: 0 };
        if (size > MSG_SIZE_LIMIT) {
          unreadable(ctx, ref, `.msg larger than ${MSG_SIZE_LIMIT} bytes: not read`);
          continue;
        }
        let parsed;
        try {
          parsed = readMsg(Buffer.concat(chunks, size));
        } catch (error) {
          unreadable(ctx, ref, `not a readable .msg (corrupt or not an Outlook message): ${(error as Error).message}`);
          continue;
        }
        const problems: string[] = [];
        const fields = msgMessageFields(parsed.fields, `${source.file}\0${member}`, problems);
        for (const problem of problems) ctx.warn(ref, problem);
        const pathOwner = resolveOwner(`${source.file}/${member}`, ctx.options);
        const message: ParsedMessage = {
          ...fields,
          size,
          folder: fileFolder(`${source.file}/${member}`, pathOwner),
          location: { offset: 0, length: size },
          ref,
        };
        yield finish(message, member, pathRow, warned);
      } else if (lower.endsWith(".pst") || lower.endsWith(".ost")) {
        // Listed and hashed like every member; read by path (random access).
        const opened = ctx.openMember(abs);
        for await (const _chunk of opened.stream) {
          // draining: the pipeline hashes what flows through
        }
        let store;
        try {
          store = openPst(abs, []);
        } catch (error) {
          unreadable(ctx, { member: opened.member, offset: 0 }, `not a readable PST (corrupt, truncated or not a PST): ${(error as Error).message}`);
          continue;
        }
        try {
          // The results CSV may still name the owner: parsePstStore's own owner warning waits for finish().
          const quiet: FileContext = {
            ...ctx,
            warn: (ref, message) => (message.startsWith("mailbox owner unknown") ? undefined : ctx.warn(ref, message)),
          };
          for await (const item of parsePstStore(store, `${source.file}/${member}`, quiet, { member: opened.member })) {
            if (item.kind === "message") yield finish(item, member, undefined, warned);
          }
        } finally {
          store.file.close();
        }
      }
    }
    // Items the CSV lists but no exported file carried.
    for (const row of rows) {
      if (!row.used) yield rowMessage(row, source.file);
    }
  },
});
