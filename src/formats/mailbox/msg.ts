/**
 * Outlook .msg files (one message each, as Purview and Outlook export them), read with
 * @kenjiuno/msgreader. A .msg is a compound file read whole, so files above a size limit are
 * reported rather than read.
 */
import { defineFileFormat, unreadable } from "../../model/format.js";
import { fileFolder, ownerWarning, resolveOwner } from "./mailbox-path.js";
import { looksLikeMsg, msgMessageFields, readMsg } from "./msg-read.js";

/** A .msg is parsed in memory: larger ones get a warning instead. */
export const MSG_SIZE_LIMIT = 256 * 1024 * 1024;

export const msg = defineFileFormat({
  name: "msg",
  description: "Outlook .msg messages (compound files)",
  sniff(head, file) {
    return looksLikeMsg(head, file);
  },
  async *parse(source, ctx) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of source.stream()) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > MSG_SIZE_LIMIT) {
        unreadable(ctx, { offset: 0 }, `.msg larger than ${MSG_SIZE_LIMIT} bytes: not read`);
        return;
      }
      chunks.push(buffer);
    }
    let parsed;
    try {
      parsed = readMsg(Buffer.concat(chunks, size));
    } catch (error) {
      unreadable(ctx, { offset: 0 }, `not a readable .msg (corrupt or not an Outlook message): ${(error as Error).message}`);
      return;
    }
    const owner = resolveOwner(source.file, ctx.options);
    if (owner === undefined) ctx.warn({ offset: 0 }, ownerWarning(source.file));
    const problems: string[] = [];
    const fields = msgMessageFields(parsed.fields, source.file, problems);
    for (const problem of problems) ctx.warn({ offset: 0 }, problem);
    yield {
      ...fields,
      size,
      folder: fileFolder(source.file, owner),
      location: { offset: 0, length: size },
      ref: { offset: 0 },
      ...(owner !== undefined ? { mailbox: owner.mailbox } : {}),
    };
  },
});
