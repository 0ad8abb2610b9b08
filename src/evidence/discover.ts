import { lstat, readdir } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { FolderFormat } from "../model/format.js";
import { MailtrailError } from "../model/errors.js";

/** One thing found under the evidence roots, before archives are opened. */
export type Found = { root: number } & (
  | { kind: "file"; abs: string; rel: string; size: number; mtime: Date }
  | { kind: "dir"; abs: string; rel: string; format: FolderFormat; mtime: Date }
  | { kind: "skipped"; abs: string; rel: string; reason: string }
);

/**
 * Where relative paths of a root start: the parent of the folder or file given, so that paths
 * name the evidence folder too (`exports/a.mbox`) and several roots never give the same path.
 */
export function rootBase(rootAbs: string): string {
  return resolve(rootAbs, "..");
}

/**
 * Walks the evidence paths, sorted so that runs are deterministic. Folders a folder format claims
 * (Maildir, eDiscovery exports) are one unit; links are not followed (evidence stays where it is).
 */
export async function discover(roots: readonly string[], folderFormats: readonly FolderFormat[], exclude: readonly string[] = []): Promise<Found[]> {
  const found: Found[] = [];
  const excluded = new Set(exclude.map((path) => resolve(path)));
  for (const [index, root] of roots.entries()) {
    const abs = resolve(root);
    let stats;
    try {
      stats = await lstat(abs);
    } catch (error) {
      throw new MailtrailError("NO_EVIDENCE", `evidence path not found: ${root}`, { cause: error });
    }
    const walker = new Walker(index, rootBase(abs), folderFormats, excluded, found);
    await walker.walk(abs);
  }
  return found;
}

function relName(abs: string, base: string): string {
  const rel = relative(base, abs) || basename(abs);
  return rel.split(sep).join("/");
}

class Walker {
  constructor(
    private readonly root: number,
    private readonly base: string,
    private readonly folderFormats: readonly FolderFormat[],
    private readonly excluded: ReadonlySet<string>,
    private readonly found: Found[],
  ) {}

  async walk(abs: string): Promise<void> {
    const root = this.root;
    const rel = relName(abs, this.base);
    // The output folder may sit inside the evidence folder: never read our own outputs back.
    if (this.excluded.has(abs)) return;
    let stats;
    try {
      stats = await lstat(abs);
    } catch (error) {
      this.found.push({ root, kind: "skipped", abs, rel, reason: `cannot stat: ${(error as Error).message}` });
      return;
    }
    if (stats.isSymbolicLink()) {
      this.found.push({ root, kind: "skipped", abs, rel, reason: "symbolic link not followed" });
      return;
    }
    if (stats.isFile()) {
      this.found.push({ root, kind: "file", abs, rel, size: stats.size, mtime: stats.mtime });
      return;
    }
    if (!stats.isDirectory()) {
      this.found.push({ root, kind: "skipped", abs, rel, reason: "not a regular file or folder" });
      return;
    }
    let entries: string[];
    try {
      entries = (await readdir(abs)).sort();
    } catch (error) {
      this.found.push({ root, kind: "skipped", abs, rel, reason: `cannot list folder: ${(error as Error).message}` });
      return;
    }
    const claimer = this.folderFormats.find((format) => format.claims(abs, entries));
    if (claimer) {
      this.found.push({ root, kind: "dir", abs, rel, format: claimer, mtime: stats.mtime });
      return;
    }
    for (const entry of entries) await this.walk(join(abs, entry));
  }
}
