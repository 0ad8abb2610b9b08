/**
 * mbox in its variants (mboxo, mboxrd, mboxcl/cl2, Thunderbird, Netscape, Google Takeout) as a
 * message inventory: split on `From ` separators (message-scan.ts says which lines are; a
 * Content-Length that ends at one is honoured), headers scanned,
 * attachments listed. One file usually holds one folder (taken from the path); `X-Folder` and
 * Takeout's `X-Gmail-Labels` name the folder per message where a whole mailbox sits in one file.
 */
import { defineFileFormat } from "../../model/format.js";
import { buildMessage, fromLineDate, gmailFolder } from "./message-record.js";
import { scanStream } from "./message-scan.js";
import { mboxFolder, ownerWarning, resolveOwner } from "./mailbox-path.js";

/** Any envelope: `From sender date`, Thunderbird's `From - date`, Netscape's bare `From -`, no year, a zone. */
const FIRST_LINE = /^From \S/;
const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;

export const mbox = defineFileFormat({
  name: "mbox",
  description: "mbox mailbox files (mboxo/mboxrd/mboxcl/cl2, Thunderbird, Google Takeout, readpst -r)",
  sniff(head) {
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    const text = head.toString("latin1", bom, Math.min(head.length, 4096));
    const lines = text.split("\n", 3).map((line) => line.replace(/\r$/, ""));
    const first = lines[0] ?? "";
    const second = lines[1];
    if (!FIRST_LINE.test(first) || second === undefined) return false;
    return second === "" || HEADER_LINE.test(second);
  },
  async *parse(source, ctx) {
    const owner = resolveOwner(source.file, ctx.options);
    const pathFolder = mboxFolder(source.file, owner);
    let warnedOwner = false;
    for await (const event of scanStream(source.stream(), { mode: "mbox" })) {
      if ("problem" in event) {
        ctx.warn({ offset: event.problem.offset }, event.problem.message);
        continue;
      }
      const scan = event.message;
      for (const problem of scan.problems) ctx.warn({ offset: scan.start }, problem);
      if (owner === undefined && !warnedOwner) {
        warnedOwner = true;
        ctx.warn({ offset: scan.start }, ownerWarning(source.file));
      }
      let folder = pathFolder;
      let flags: string[] = [];
      if (scan.headers.gmailLabels !== undefined) {
        const gmail = gmailFolder(scan.headers.gmailLabels);
        folder = gmail.folder;
        flags = gmail.flags;
      } else if (scan.headers.xFolder !== undefined) {
        folder = scan.headers.xFolder;
      }
      const place = {
        folder,
        ref: { offset: scan.start },
        location: { offset: scan.headerStart, length: scan.end - scan.headerStart },
        idSeed: `${source.file}\0${scan.start}`,
        flags,
        ...(owner !== undefined ? { mailbox: owner.mailbox } : {}),
      };
      const receivedFallback = fromLineDate(scan.fromLine);
      yield buildMessage(scan, receivedFallback === undefined ? place : { ...place, receivedFallback });
    }
  },
});
