/**
 * Who owns a mailbox export and which folder a file holds, from its path as the common exporters
 * lay it out: `readpst -r` (`<owner>/Inbox/mbox`), Thunderbird profiles (`Inbox`,
 * `Archives.sbd/2026`), `Folder.mbox` files and Apple Mail's `Folder.mbox/mbox`, EML trees
 * (`<owner>/INBOX/sub/1.eml`).
 */
import type { ParseOptions } from "../../model/format.js";

export interface OwnerMatch {
  mailbox: string;
  /** How many leading path components the owner claims (the folder path starts after them). */
  anchor: number;
  how: "mailbox-map" | "path";
}

const ADDRESS = /^[^@\s/\\!]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const EXPORT_EXTENSIONS = /\.(?:mbox|mbx|mbs|pst|ost|eml|msg|zip|gz|sbd|maildir|export)$/i;
/** Top-level folders of a PST store that `readpst` may write as directories. */
const STORE_ROOTS = /^(?:top of )?(?:personal folders|information store|outlook data file)$/i;

/** A path relative to the evidence root, in components (`!` separates archive members). */
export function pathComponents(file: string): string[] {
  return file
    .replace(/\\/g, "/")
    .split(/[/!]/)
    .filter((part) => part.length > 0 && part !== ".");
}

/** An email address if the path component is one (extensions such as `.mbox` dropped). */
export function addressInComponent(component: string): string | undefined {
  let name = component;
  for (let i = 0; i < 3 && EXPORT_EXTENSIONS.test(name); i += 1) name = name.replace(EXPORT_EXTENSIONS, "");
  return ADDRESS.test(name) ? name.toLowerCase() : undefined;
}

/**
 * The owner of an export: the longest `mailboxMap` prefix, else the nearest path component that
 * is an email address. Undefined when neither says.
 */
export function resolveOwner(file: string, options: ParseOptions): OwnerMatch | undefined {
  const parts = pathComponents(file);
  const map = options.mailboxMap;
  if (map !== undefined) {
    let best: OwnerMatch | undefined;
    for (const [prefix, mailbox] of Object.entries(map)) {
      const prefixParts = pathComponents(prefix);
      if (prefixParts.length === 0 || prefixParts.length > parts.length) continue;
      if (!prefixParts.every((part, i) => part === parts[i])) continue;
      if (best === undefined || prefixParts.length > best.anchor) {
        best = { mailbox: mailbox.trim().toLowerCase(), anchor: prefixParts.length, how: "mailbox-map" };
      }
    }
    if (best !== undefined) return best;
  }
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const address = addressInComponent(parts[i] ?? "");
    if (address !== undefined) return { mailbox: address, anchor: i + 1, how: "path" };
  }
  return undefined;
}

function stripFolderSuffix(part: string): string {
  return part.replace(/\.(?:sbd|mbox|mbx)$/i, "");
}

/** The folder an mbox file holds, from its path. */
export function mboxFolder(file: string, owner: OwnerMatch | undefined): string {
  const parts = pathComponents(file);
  const name = parts[parts.length - 1] ?? "";
  const parents = parts.slice(0, -1);
  const anchored = owner !== undefined && owner.anchor <= parents.length;
  let chain: string[];
  if (anchored) {
    chain = parents.slice(owner.anchor);
  } else if (name.toLowerCase() === "mbox") {
    chain = parents.slice(-1);
  } else {
    // Thunderbird: the folder's parents are the `.sbd` directories just above it.
    chain = [];
    for (let i = parents.length - 1; i >= 0 && /\.sbd$/i.test(parents[i] ?? ""); i -= 1) chain.unshift(parents[i] ?? "");
  }
  chain = chain.filter((part) => !STORE_ROOTS.test(part)).map(stripFolderSuffix);
  if (name.toLowerCase() !== "mbox") {
    const own = owner?.how === "path" && owner.anchor === parts.length;
    if (!own) chain.push(name.replace(/\.(?:mbox|mbx|mbs)$/i, ""));
  }
  return chain.join("/");
}

/** The folder of a one-message file (EML, MSG): its directories below the owner. */
export function fileFolder(file: string, owner: OwnerMatch | undefined): string {
  const parents = pathComponents(file).slice(0, -1);
  const chain = owner !== undefined && owner.anchor <= parents.length ? parents.slice(owner.anchor) : parents.slice(-1);
  return chain
    .filter((part) => !STORE_ROOTS.test(part))
    .map((part) => part.replace(/\.(?:zip|gz)$/i, ""))
    .join("/");
}

/** The one warning a mailbox export gets when nothing tells whose mailbox it is. */
export function ownerWarning(file: string, storeName?: string): string {
  const store = storeName === undefined ? "" : ` (store name "${storeName}" is not an address)`;
  return `mailbox owner unknown for ${file}${store}: no --mailbox-map entry and no email address in its path; its messages have no mailbox`;
}
