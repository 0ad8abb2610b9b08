/**
 * The output of `mailtrail acquire imap` (a folder format): one account folder holding
 * `imap-journal.jsonl` and `<folder>/<uid>.eml` files. The journal gives each message's IMAP
 * folder, UIDVALIDITY, UID, flags and INTERNALDATE, which the .eml bytes (kept exactly as the
 * server sent them) cannot carry: this is what turns the UIDs in server logs into Message-IDs.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { RecordRef } from "../../model/events.js";
import { defineFolderFormat } from "../../model/format.js";
import { JOURNAL_NAME, MANIFEST_NAME, messageKey, parseJournalLine } from "../../model/imap-journal.js";
import { readLines } from "../../lib/lines.js";
import { addressInComponent, ownerWarning, resolveOwner } from "../mailbox/mailbox-path.js";
import { buildMessage } from "../mailbox/message-record.js";
import { scanStream } from "../mailbox/message-scan.js";

export const imapAcquisition = defineFolderFormat({
  name: "imap-acquisition",
  description: "Output of mailtrail acquire imap: <uid>.eml per message with imap-journal.jsonl (folder, UIDVALIDITY, UID, flags, SHA-256)",
  claims(_dirPath, entryNames) {
    return entryNames.includes(JOURNAL_NAME) && entryNames.includes(MANIFEST_NAME);
  },
  async *parse(source, ctx) {
    const root = source.path;
    const journal = ctx.openMember(join(root, JOURNAL_NAME));
    const mapped = resolveOwner(source.file, ctx.options);
    let owner = mapped?.how === "mailbox-map" ? mapped.mailbox : undefined;
    let ownerWarned = false;
    const seen = new Set<string>();
    for await (const line of readLines(journal.stream)) {
      if (line.text.trim() === "") continue;
      const journalRef: RecordRef = { member: journal.member, line: line.line };
      if (line.oversized === true) {
        ctx.warn(journalRef, `journal line of ${line.length} bytes is too long: skipped`);
        continue;
      }
      const entry = parseJournalLine(line.text);
      if (typeof entry === "string") {
        // An interrupted run may leave its last line cut: the message was taken again by the next run.
        ctx.warn(journalRef, `journal line not understood (${entry}): skipped`);
        continue;
      }
      if (entry.type === "run") {
        owner ??= addressInComponent(entry.account) ?? mapped?.mailbox;
        continue;
      }
      if (entry.type !== "message") continue;
      // A message taken again (file missing or changed) is listed twice: the first listing counts.
      const key = messageKey(entry.path, entry.uidValidity, entry.uid);
      if (seen.has(key)) continue;
      seen.add(key);
      const path = join(root, ...entry.file.split("/"));
      if (entry.file.split("/").some((part) => part === ".." || part === "") || !existsSync(path)) {
        ctx.warn(journalRef, `message file ${entry.file} listed in the journal is missing`);
        continue;
      }
      const opened = ctx.openMember(path);
      const ref: RecordRef = { member: opened.member, offset: 0 };
      if (owner === undefined && !ownerWarned) {
        ownerWarned = true;
        ctx.warn(ref, ownerWarning(source.file));
      }
      const hash = createHash("sha256");
      const tapped = new PassThrough();
      opened.stream.on("data", (chunk: Buffer) => hash.update(chunk));
      opened.stream.on("error", (error) => tapped.destroy(error));
      opened.stream.pipe(tapped);
      for await (const event of scanStream(tapped, { mode: "single" })) {
        if ("problem" in event) {
          ctx.warn({ member: opened.member, offset: event.problem.offset }, event.problem.message);
          continue;
        }
        const scan = event.message;
        for (const problem of scan.problems) ctx.warn(ref, problem);
        const arrived = entry.internalDate === undefined ? Number.NaN : Date.parse(entry.internalDate);
        yield buildMessage(scan, {
          folder: entry.folder,
          ref,
          location: { offset: 0, length: scan.end },
          idSeed: `${source.file}\0${opened.member}`,
          flags: [...entry.flags].sort(),
          uid: entry.uid,
          uidValidity: entry.uidValidity,
          ...(owner !== undefined ? { mailbox: owner } : {}),
          ...(Number.isNaN(arrived) ? {} : { receivedFallback: arrived }),
        });
      }
      const digest = hash.digest("hex");
      if (digest !== entry.sha256) ctx.warn(ref, `SHA-256 ${digest} differs from the ${entry.sha256} recorded when it was acquired: the file changed since`);
    }
  },
});
