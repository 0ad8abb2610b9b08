/**
 * Outlook PST/OST files (pst-extractor; ANSI Outlook 97-2002 files too, see pst-ansi.ts): the
 * folder tree and every mail item in it. A PST that does not open counts as failed. PST needs
 * random access, so it reads `source.path`; a PST inside an archive has no path and is read into
 * memory only when it is small (else a warning says to extract it).
 */
import { defineFileFormat, unreadable, type FileSource, type FileContext } from "../../model/format.js";
import type { ParsedItem } from "../../model/format.js";
import { addressInComponent, ownerWarning, resolveOwner } from "./mailbox-path.js";
import { isMailClass, isNoise, isPstHead, openPst, pstMessageFields, quietly, walkPst, type PstStore } from "./pst-read.js";

/** Largest PST read into memory when it has no path on disk (archive members). */
export const PST_IN_MEMORY_LIMIT = 64 * 1024 * 1024;

async function readAll(source: FileSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream()) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Opens the PST of `source`, or warns why it cannot be read. */
async function open(source: FileSource, ctx: FileContext): Promise<PstStore | undefined> {
  let input: string | Buffer;
  if (source.path !== undefined) {
    input = source.path;
  } else if (source.size <= PST_IN_MEMORY_LIMIT) {
    input = await readAll(source);
  } else {
    unreadable(ctx, { offset: 0 }, `PST inside an archive (${source.size} bytes) must be extracted to be read: it needs random access`);
    return undefined;
  }
  const sink: string[] = [];
  try {
    return openPst(input, sink);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    unreadable(ctx, { offset: 0 }, `not a readable PST (corrupt, truncated or not a PST): ${why}`);
    return undefined;
  }
}

export async function* parsePstStore(
  store: PstStore,
  file: string,
  ctx: FileContext,
  place: { member?: string; mailbox?: string } = {},
): AsyncGenerator<ParsedItem> {
  const member = place.member !== undefined ? { member: place.member } : {};
  if (store.passwordProtected) {
    ctx.warn({ offset: 0, ...member }, "PST is password-protected (PidTagPstPassword is set); read anyway: a PST password does not encrypt its data");
  }
  let mailbox = place.mailbox ?? resolveOwner(file, ctx.options)?.mailbox;
  if (mailbox === undefined) {
    const fromStore = /[^\s<>"()]+@[^\s<>"()]+/.exec(store.displayName)?.[0];
    mailbox = fromStore !== undefined ? addressInComponent(fromStore) : undefined;
    if (mailbox === undefined) ctx.warn({ offset: 0, ...member }, ownerWarning(file, store.displayName));
  }
  const problems: { folder: string[]; message: string }[] = [];
  const skipped = new Map<string, number>();
  for (const item of walkPst(store, problems)) {
    for (const problem of problems.splice(0)) ctx.warn({ offset: 0, ...member }, `${problem.folder.join("/") || "(root)"}: ${problem.message}`);
    const sink: string[] = [];
    const ref = { recordId: String(item.nodeId), ...member };
    const messageClass = quietly(() => item.message.messageClass, sink);
    if (!isMailClass(messageClass)) {
      skipped.set(messageClass, (skipped.get(messageClass) ?? 0) + 1);
      continue;
    }
    let fields;
    try {
      fields = pstMessageFields(item, sink, `${file}\0${item.nodeId}`);
    } catch (error) {
      ctx.warn(ref, `item unreadable: ${(error as Error).message}`);
      continue;
    }
    for (const line of sink) if (!isNoise(line)) ctx.warn(ref, `pst-extractor: ${line}`);
    const folder = item.folder.join("/");
    const message = {
      ...fields,
      folder,
      location: { itemPath: `${folder}#${item.nodeId}` },
      ref,
      ...(mailbox !== undefined ? { mailbox } : {}),
    };
    yield message;
  }
  for (const problem of problems.splice(0)) ctx.warn({ offset: 0, ...member }, `${problem.folder.join("/") || "(root)"}: ${problem.message}`);
  if (skipped.size > 0) {
    const list = [...skipped].map(([type, count]) => `${type || "(no class)"} ${count}`).join(", ");
    ctx.note(`${file}: items that are not mail were not listed (${list})`);
  }
}

export const pst = defineFileFormat({
  name: "pst",
  description: "Outlook PST/OST files (folder tree, headers, recipients, attachment names)",
  sniff(head) {
    return isPstHead(head);
  },
  async *parse(source, ctx) {
    const store = await open(source, ctx);
    if (store === undefined) return;
    try {
      yield* parsePstStore(store, source.file, ctx);
    } finally {
      store.file.close();
    }
  },
});
