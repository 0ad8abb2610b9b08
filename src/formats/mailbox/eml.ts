/**
 * One RFC 5322 message per file (`.eml`, EML trees exported per folder). The folder is the file's
 * directory below the owner's path component (or the `--mailbox-map` prefix).
 */
import { defineFileFormat } from "../../model/format.js";
import { looksLikeMessage } from "./mail-headers.js";
import { fileFolder, ownerWarning, resolveOwner } from "./mailbox-path.js";
import { buildMessage } from "./message-record.js";
import { scanStream } from "./message-scan.js";

export const eml = defineFileFormat({
  name: "eml",
  description: "Single RFC 5322 messages (.eml files, EML folder trees)",
  sniff(head, file) {
    return looksLikeMessage(head, /\.eml$/i.test(file));
  },
  async *parse(source, ctx) {
    const owner = resolveOwner(source.file, ctx.options);
    const folder = fileFolder(source.file, owner);
    for await (const event of scanStream(source.stream(), { mode: "single" })) {
      if ("problem" in event) {
        ctx.warn({ offset: event.problem.offset }, event.problem.message);
        continue;
      }
      const scan = event.message;
      for (const problem of scan.problems) ctx.warn({ offset: 0 }, problem);
      if (owner === undefined) ctx.warn({ offset: 0 }, ownerWarning(source.file));
      yield buildMessage(scan, {
        folder,
        ref: { offset: 0 },
        location: { offset: 0, length: scan.end },
        idSeed: source.file,
        ...(owner !== undefined ? { mailbox: owner.mailbox } : {}),
      });
    }
  },
});
