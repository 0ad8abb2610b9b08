/**
 * Maildir and Maildir++ folders (a folder format): `cur/` and `new/` of the root (INBOX) and of
 * every `.Sub.Folder`, flags from the `:2,` suffix, keywords from `dovecot-keywords`, and each
 * folder's `dovecot-uidlist` for its UIDVALIDITY and the UID of every file: what turns the UIDs
 * in Dovecot's logs into Message-IDs.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RecordRef } from "../../model/events.js";
import { defineFolderFormat, type FolderContext } from "../../model/format.js";
import { resolveOwner, ownerWarning } from "./mailbox-path.js";
import { readLines } from "../../lib/lines.js";
import { buildMessage } from "./message-record.js";
import { scanStream } from "./message-scan.js";

interface UidList {
  uidValidity?: number;
  /** Base file name (before `:`) → UID. */
  uids: Map<string, number>;
}

const STANDARD_FLAGS: Record<string, string> = {
  D: "\\Draft",
  F: "\\Flagged",
  P: "$Forwarded",
  R: "\\Answered",
  S: "\\Seen",
  T: "\\Deleted",
};

/** `<base>:2,<flags>` (also the Windows-safe `;` and `!` separators). */
function splitName(name: string): { base: string; info?: string } {
  const match = /^(.*?)[:;!]2,([^:;!]*)$/.exec(name);
  return match?.[1] !== undefined ? { base: match[1], info: match[2] ?? "" } : { base: name.replace(/[:;!].*$/, "") };
}

/** IMAP flags from a `:2,` info part; lowercase letters are keywords from `dovecot-keywords`. */
export function maildirFlags(info: string, keywords: ReadonlyMap<number, string>): string[] {
  const flags: string[] = [];
  for (const letter of info) {
    const standard = STANDARD_FLAGS[letter];
    if (standard !== undefined) flags.push(standard);
    else if (letter >= "a" && letter <= "z") flags.push(keywords.get(letter.charCodeAt(0) - 97) ?? `keyword-${letter}`);
  }
  return flags.sort();
}

/** Delivery time from a Maildir base name (`<unix seconds>.<unique>.<host>`). */
function deliveryTime(base: string): number | undefined {
  const match = /^(\d{9,11})(?:\.|$)/.exec(base);
  return match?.[1] !== undefined ? Number(match[1]) * 1000 : undefined;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Reads `dovecot-uidlist` (versions 3 and 1); a malformed line is a warning. */
async function readUidList(ctx: FolderContext, path: string): Promise<UidList | undefined> {
  let opened;
  try {
    opened = ctx.openMember(path);
  } catch {
    return undefined;
  }
  const list: UidList = { uids: new Map() };
  let version = 0;
  try {
    for await (const line of readLines(opened.stream)) {
      const ref: RecordRef = { member: opened.member, line: line.line };
      const text = line.text.trim();
      if (text.length === 0) continue;
      if (line.line === 1) {
        const parts = text.split(/\s+/);
        version = Number(parts[0]);
        if (version === 3) {
          const validity = parts.find((part) => part.startsWith("V"));
          if (validity !== undefined) list.uidValidity = Number(validity.slice(1));
        } else if (version === 1 || version === 2) {
          list.uidValidity = Number(parts[1]);
        } else {
          ctx.warn(ref, `dovecot-uidlist header not understood: ${text.slice(0, 80)}`);
          return list;
        }
        if (list.uidValidity !== undefined && !Number.isFinite(list.uidValidity)) delete list.uidValidity;
        continue;
      }
      const match = version >= 3 ? /^(\d+)\s+(?:[^:]*\s)?:(.+)$/.exec(text) : /^(\d+)\s+(\S+)$/.exec(text);
      if (match?.[1] === undefined || match[2] === undefined) {
        ctx.warn(ref, `dovecot-uidlist line not understood: ${text.slice(0, 80)}`);
        continue;
      }
      list.uids.set(splitName(match[2]).base, Number(match[1]));
    }
  } catch (error) {
    ctx.warn({ member: opened.member, offset: 0 }, `dovecot-uidlist unreadable: ${(error as Error).message}`);
  }
  return list;
}

async function readKeywords(ctx: FolderContext, path: string): Promise<Map<number, string>> {
  const keywords = new Map<number, string>();
  let opened;
  try {
    opened = ctx.openMember(path);
  } catch {
    return keywords;
  }
  try {
    for await (const line of readLines(opened.stream)) {
      const match = /^(\d+)\s+(\S+)/.exec(line.text);
      if (match?.[1] !== undefined && match[2] !== undefined) keywords.set(Number(match[1]), match[2]);
    }
  } catch (error) {
    ctx.warn({ member: opened.member, offset: 0 }, `dovecot-keywords unreadable: ${(error as Error).message}`);
  }
  return keywords;
}

export const maildir = defineFolderFormat({
  name: "maildir",
  description: "Maildir / Maildir++ folders with Dovecot's dovecot-uidlist (UIDVALIDITY and UIDs) and dovecot-keywords",
  claims(_dirPath, entryNames) {
    const names = new Set(entryNames);
    return names.has("cur") && names.has("new") && (names.has("tmp") || names.has("dovecot-uidlist"));
  },
  async *parse(source, ctx) {
    const root = source.path;
    const owner = resolveOwner(source.file, ctx.options);
    let ownerWarned = false;
    const entries = await listNames(root);
    const folders: { dir: string; name: string }[] = [{ dir: root, name: "INBOX" }];
    for (const entry of entries) {
      if (!entry.startsWith(".") || entry === "." || entry === "..") continue;
      const sub = await listNames(join(root, entry));
      if (sub.includes("cur") || sub.includes("new")) folders.push({ dir: join(root, entry), name: entry.slice(1).split(".").join("/") });
    }
    const keywords = entries.includes("dovecot-keywords") ? await readKeywords(ctx, join(root, "dovecot-keywords")) : new Map<number, string>();
    for (const folder of folders) {
      const dirEntries = folder.dir === root ? entries : await listNames(folder.dir);
      const uidList = dirEntries.includes("dovecot-uidlist") ? await readUidList(ctx, join(folder.dir, "dovecot-uidlist")) : undefined;
      // Dovecot keeps one dovecot-keywords per folder.
      let folderKeywords = keywords;
      if (folder.dir !== root) {
        folderKeywords = dirEntries.includes("dovecot-keywords") ? await readKeywords(ctx, join(folder.dir, "dovecot-keywords")) : new Map<number, string>();
      }
      for (const sub of ["new", "cur"] as const) {
        for (const name of await listNames(join(folder.dir, sub))) {
          if (name.startsWith(".")) continue;
          const opened = ctx.openMember(join(folder.dir, sub, name));
          const ref: RecordRef = { member: opened.member, offset: 0 };
          const { base, info } = splitName(name);
          if (info === undefined && sub === "cur") ctx.warn(ref, `Maildir file name without ":2," in cur/: flags unknown`);
          const uid = uidList?.uids.get(base);
          if (uidList !== undefined && uid === undefined) ctx.warn(ref, "not listed in dovecot-uidlist: UID unknown");
          for await (const event of scanStream(opened.stream, { mode: "single" })) {
            if ("problem" in event) {
              ctx.warn({ member: opened.member, offset: event.problem.offset }, event.problem.message);
              continue;
            }
            const scan = event.message;
            for (const problem of scan.problems) ctx.warn(ref, problem);
            if (owner === undefined && !ownerWarned) {
              ownerWarned = true;
              ctx.warn(ref, ownerWarning(source.file));
            }
            const delivered = deliveryTime(base);
            yield buildMessage(scan, {
              folder: folder.name,
              ref,
              location: { offset: 0, length: scan.end },
              idSeed: `${source.file}\0${opened.member}`,
              flags: maildirFlags(info ?? "", folderKeywords),
              ...(owner !== undefined ? { mailbox: owner.mailbox } : {}),
              ...(uid !== undefined ? { uid } : {}),
              ...(uidList?.uidValidity !== undefined ? { uidValidity: uidList.uidValidity } : {}),
              ...(delivered !== undefined ? { receivedFallback: delivered } : {}),
            });
          }
        }
      }
    }
  },
});
