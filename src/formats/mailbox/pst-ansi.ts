/**
 * pst-extractor 1.12 (the latest release) and ANSI PSTs (Outlook 97-2002, wVer 14/15), worked
 * around for the duration of each call into it (`withPstFixes`, used by `quietly`), nothing
 * changed outside those calls:
 *
 * 1. Its ANSI b-tree search compares node ids (`Long` objects) with `>`, which JavaScript does on
 *    their text ("100" < "97"): it takes wrong branches and finds no node, so every ANSI PST failed
 *    to open. While it runs, `Long` has a numeric `valueOf`, so `>` compares numbers.
 * 2. It decodes 8-bit strings in the MIME charset PR_INTERNET_CPID names (ISO-2022-JP for mail an
 *    Outlook wrote in CP932) and folder names, which name no code page, as UTF-8. In an ANSI PST
 *    they are decoded instead in the Windows code page the item's properties give (msg-codepage.ts),
 *    and folder names in the one the file's first such item gives.
 */
import { createRequire } from "node:module";
import type Long from "long";
import { PSTFile, type PSTFolder } from "pst-extractor";
import { PSTObject } from "pst-extractor/dist/PSTObject.class.js";
import { msgCodePage } from "./msg-codepage.js";

/** Folders looked into for an item that names the file's code page. */
const MAX_FOLDERS_PROBED = 200;
/** Outlook 97-2002's own default for western Windows. */
const DEFAULT_ANSI = "windows-1252";

interface TableItem {
  entryValueReference: number;
}

interface StringObject {
  pstFile: PSTFile;
  pstTableItems?: Map<number, TableItem> | null;
}

const original = Object.getOwnPropertyDescriptor(PSTObject.prototype, "stringCodepage");
/** The `Long` pst-extractor itself loads (CommonJS): not the ES module build an `import` gets. */
const PstLong = createRequire(createRequire(import.meta.url).resolve("pst-extractor"))("long") as typeof Long;
const fileCodePages = new WeakMap<PSTFile, string>();

function ownCodePage(object: StringObject): string | undefined {
  const items = object.pstTableItems;
  const value = (tag: number): number | undefined => items?.get(tag)?.entryValueReference;
  return msgCodePage({ messageCodepage: value(0x3ffd), internetCodepage: value(0x3fde), messageLocaleId: value(0x3ff1) })?.encoding;
}

/** The code page of the file's first item that names one (depth first), for what names none. */
function fileCodePage(file: PSTFile): string {
  const known = fileCodePages.get(file);
  if (known !== undefined) return known;
  fileCodePages.set(file, DEFAULT_ANSI); // while probing, and when nothing says otherwise
  try {
    const stack: PSTFolder[] = [file.getRootFolder()];
    for (let probed = 0; stack.length > 0 && probed < MAX_FOLDERS_PROBED; probed += 1) {
      const folder = stack.pop() as PSTFolder;
      try {
        if (folder.contentCount > 0) {
          const item = folder.getNextChild() as unknown as StringObject | null;
          const page = item === null ? undefined : ownCodePage(item);
          if (page !== undefined) {
            fileCodePages.set(file, page);
            return page;
          }
        }
        if (folder.hasSubfolders) stack.push(...folder.getSubFolders().reverse());
      } catch {
        // An unreadable folder says nothing of the code page; the walk reports it.
      }
    }
  } catch {
    // No root folder: the walk reports it.
  }
  return fileCodePages.get(file) ?? DEFAULT_ANSI;
}

function stringCodepage(this: StringObject): string {
  if (this.pstFile.pstFileType !== PSTFile.PST_TYPE_ANSI) return original?.get?.call(this) as string;
  return ownCodePage(this) ?? fileCodePage(this.pstFile);
}

let depth = 0;

/** Runs one call into pst-extractor with both fixes in place. */
export function withPstFixes<T>(fn: () => T): T {
  if (depth === 0) {
    Object.defineProperty(PstLong.prototype, "valueOf", { value: longValue, configurable: true, writable: true });
    Object.defineProperty(PSTObject.prototype, "stringCodepage", { get: stringCodepage, configurable: true });
  }
  depth += 1;
  try {
    return fn();
  } finally {
    depth -= 1;
    if (depth === 0) {
      delete (PstLong.prototype as { valueOf?: unknown }).valueOf;
      if (original !== undefined) Object.defineProperty(PSTObject.prototype, "stringCodepage", original);
    }
  }
}

function longValue(this: Long): number {
  return this.toNumber();
}
