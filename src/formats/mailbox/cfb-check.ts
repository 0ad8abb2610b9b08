/**
 * Structural check of an OLE2 compound file (MS-CFB) before @kenjiuno/msgreader reads it.
 *
 * msgreader follows every sector chain until it meets ENDOFCHAIN, walks the directory tree without
 * remembering where it has been, and allocates each stream at its declared size. A FAT that loops
 * to itself, a header followed by zeros (sector 0 then points at sector 0), a directory whose
 * siblings point back up the tree, or a stream that claims 2 GB therefore hang the run or take
 * gigabytes. This check walks the same chains the same way msgreader will (including how it looks
 * up FAT entries), refuses the file with a reason when a chain loops, leaves the file, is shorter
 * than its stream, or shares sectors with another chain, when a directory entry is reached twice,
 * and when a header field is out of range. What it accepts, msgreader reads in time and memory
 * bounded by the file's size.
 *
 * (SheetJS `cfb` was considered: it reads hostile files by silently cutting loops short, so it
 * cannot say whether msgreader's own walk of the same bytes would end.)
 */

const HEADER_BYTES = 512;
const ENDOFCHAIN = -2;
const NOSTREAM = -1;
const DIR_ENTRY_BYTES = 128;
const MINI_SECTOR_BYTES = 64;
const MINI_STREAM_CUTOFF = 4096;
const TYPE_STORAGE = 1;
const TYPE_STREAM = 2;
const TYPE_ROOT = 5;
/** The header holds the first 109 FAT sector numbers; the rest are in DIFAT sectors. */
const HEADER_DIFAT_ENTRIES = 109;
/** Storages inside storages: real messages nest a few levels (attachments of attached messages). */
const MAX_STORAGE_DEPTH = 128;

export class CompoundFileError extends Error {}

function fail(reason: string): never {
  throw new CompoundFileError(reason);
}

interface Layout {
  data: Buffer;
  sectorSize: number;
  /** Sectors after the header: sector n starts at (n + 1) * sectorSize. */
  sectorCount: number;
  fatSectors: number[];
}

/** Throws a CompoundFileError saying why the file is refused; returns when msgreader may read it. */
export function checkCompoundFile(data: Buffer): void {
  if (data.length < HEADER_BYTES) fail(`compound file shorter than its ${HEADER_BYTES}-byte header`);
  if (data.readUInt16LE(28) !== 0xfffe) fail("compound file header: byte order mark is not FFFE");
  const shift = data.readUInt16LE(30);
  // msgreader takes 4096-byte sectors when the shift is 12 and 512 for anything else: only 9 and 12 are valid.
  if (shift !== 9 && shift !== 12) fail(`compound file header: sector shift ${shift} (only 9 and 12 are valid)`);
  if (data.readUInt16LE(32) !== 6) fail(`compound file header: mini sector shift ${data.readUInt16LE(32)} (must be 6)`);
  if (data.readUInt32LE(56) !== MINI_STREAM_CUTOFF) fail(`compound file header: mini stream cutoff ${data.readUInt32LE(56)} (must be ${MINI_STREAM_CUTOFF})`);
  const sectorSize = 1 << shift;
  const sectorCount = Math.max(0, Math.ceil((data.length - sectorSize) / sectorSize));
  const fatCount = data.readUInt32LE(44);
  if (fatCount === 0 || fatCount > sectorCount) fail(`compound file header: ${fatCount} FAT sectors in a file of ${sectorCount} sectors`);
  const layout: Layout = { data, sectorSize, sectorCount, fatSectors: fatSectorList(data, sectorSize, sectorCount, fatCount) };

  // Every sector belongs to at most one chain: total bytes read stay within the file.
  const owner = new Uint8Array(sectorCount);
  const directory = walkChain(layout, data.readInt32LE(48), owner, "directory");
  const entries = readDirectory(layout, directory);
  const root = entries[0];
  if (root === undefined || root.type !== TYPE_ROOT) fail("compound file directory does not start with the root entry");
  const reached = walkTree(entries);

  // The mini stream and the mini-FAT are walked for loops on their own (a root entry of size 0
  // may name any start sector); what is read through them is bounded by the mini-sector owners.
  const miniStream = root.start === ENDOFCHAIN ? [] : walkChain(layout, root.start, new Uint8Array(sectorCount), "mini stream");
  const miniFat = miniFatSectors(layout, data.readInt32LE(60), data.readInt32LE(64), new Uint8Array(sectorCount));
  const miniSectorCount = (miniStream.length * sectorSize) / MINI_SECTOR_BYTES;
  const miniOwner = new Uint8Array(miniSectorCount);
  for (const index of reached) {
    const entry = entries[index];
    if (entry === undefined || entry.type !== TYPE_STREAM || entry.size === 0) continue;
    if (entry.size < 0) fail(`compound file stream "${entry.name}" declares a size of 2 GB or more`);
    if (entry.size < MINI_STREAM_CUTOFF) {
      walkMiniChain(layout, miniFat, entry.start, miniOwner, entry.name);
    } else {
      const chain = walkChain(layout, entry.start, owner, `stream "${entry.name}"`);
      if (chain.length * sectorSize < entry.size) fail(`compound file stream "${entry.name}" declares ${entry.size} bytes but its chain holds ${chain.length * sectorSize}`);
    }
  }
}

/** FAT sector numbers from the header and the DIFAT chain, each checked to lie in the file. */
function fatSectorList(data: Buffer, sectorSize: number, sectorCount: number, fatCount: number): number[] {
  const list: number[] = [];
  const inHeader = Math.min(fatCount, HEADER_DIFAT_ENTRIES);
  for (let i = 0; i < inHeader; i += 1) list.push(data.readInt32LE(76 + 4 * i));
  const difatCount = data.readUInt32LE(72);
  if (difatCount > sectorCount) fail(`compound file header: ${difatCount} DIFAT sectors in a file of ${sectorCount} sectors`);
  const perSector = sectorSize / 4 - 1;
  const seen = new Set<number>();
  let next = data.readInt32LE(68);
  for (let i = 0; i < difatCount && list.length < fatCount; i += 1) {
    if (next < 0 || next >= sectorCount) fail(`compound file DIFAT chain points outside the file (sector ${next})`);
    if (seen.has(next)) fail(`compound file DIFAT chain loops (sector ${next} seen twice)`);
    seen.add(next);
    const base = (next + 1) * sectorSize;
    for (let j = 0; j < perSector && list.length < fatCount; j += 1) {
      const value = data.readInt32LE(base + 4 * j);
      if (value === -1 || value === ENDOFCHAIN) break;
      list.push(value);
    }
    next = data.readInt32LE(base + 4 * perSector);
    if (next === -1 || next === ENDOFCHAIN) break;
  }
  for (const sector of list) {
    if (sector < 0 || sector >= sectorCount) fail(`compound file FAT sector ${sector} lies outside the file`);
  }
  return list;
}

/** The next sector of a chain, looked up as msgreader does (a FAT sector it does not know ends the chain). */
function nextSector(layout: Layout, table: readonly number[], sector: number): number {
  const perSector = layout.sectorSize / 4;
  const tableSector = table[Math.floor(sector / perSector)];
  if (tableSector === undefined) return ENDOFCHAIN;
  const at = (tableSector + 1) * layout.sectorSize + 4 * (sector % perSector);
  if (at + 4 > layout.data.length) fail(`compound file table sector ${tableSector} lies past the end of the file`);
  return layout.data.readInt32LE(at);
}

function walkChain(layout: Layout, start: number, owner: Uint8Array, what: string): number[] {
  const chain: number[] = [];
  let sector = start;
  while (sector !== ENDOFCHAIN) {
    if (sector < 0 || sector >= layout.sectorCount) fail(`compound file ${what} chain points outside the file (sector ${sector})`);
    if (owner[sector] === 1) fail(`compound file ${what} chain loops or shares sector ${sector} with another chain`);
    owner[sector] = 1;
    chain.push(sector);
    sector = nextSector(layout, layout.fatSectors, sector);
  }
  return chain;
}

/** The mini-FAT's sectors, as msgreader lists them (at most the header's count, a sector 0 ends the list). */
function miniFatSectors(layout: Layout, start: number, count: number, owner: Uint8Array): number[] {
  if (count < 0 || count > layout.sectorCount) fail(`compound file header: ${count} mini-FAT sectors in a file of ${layout.sectorCount} sectors`);
  const list: number[] = [];
  let sector = start;
  for (let i = 0; i < count && sector !== 0 && sector !== ENDOFCHAIN; i += 1) {
    if (sector < 0 || sector >= layout.sectorCount) fail(`compound file mini-FAT chain points outside the file (sector ${sector})`);
    if (owner[sector] === 1) fail(`compound file mini-FAT chain loops or shares sector ${sector} with another chain`);
    owner[sector] = 1;
    list.push(sector);
    sector = nextSector(layout, layout.fatSectors, sector);
  }
  return list;
}

function walkMiniChain(layout: Layout, miniFat: readonly number[], start: number, owner: Uint8Array, name: string): void {
  let sector = start;
  while (sector !== ENDOFCHAIN) {
    if (sector < 0 || sector >= owner.length) fail(`compound file stream "${name}": mini sector ${sector} lies outside the mini stream`);
    if (owner[sector] === 1) fail(`compound file stream "${name}": mini chain loops or shares mini sector ${sector}`);
    owner[sector] = 1;
    sector = nextSector(layout, miniFat, sector);
  }
}

interface DirEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

function readDirectory(layout: Layout, chain: readonly number[]): DirEntry[] {
  const entries: DirEntry[] = [];
  const perSector = layout.sectorSize / DIR_ENTRY_BYTES;
  for (const sector of chain) {
    for (let i = 0; i < perSector; i += 1) {
      const at = (sector + 1) * layout.sectorSize + i * DIR_ENTRY_BYTES;
      if (at + DIR_ENTRY_BYTES > layout.data.length) break;
      const d = layout.data;
      const nameBytes = Math.min(64, d.readUInt16LE(at + 64));
      entries.push({
        name: d.toString("utf16le", at, at + Math.max(0, nameBytes - 2)),
        type: d[at + 66] ?? 0,
        left: d.readInt32LE(at + 68),
        right: d.readInt32LE(at + 72),
        child: d.readInt32LE(at + 76),
        start: d.readInt32LE(at + 116),
        size: d.readInt32LE(at + 120),
      });
    }
  }
  return entries;
}

/** Walks the red-black trees from the root as msgreader does; every entry may be reached once. */
function walkTree(entries: readonly DirEntry[]): number[] {
  const reached: number[] = [];
  const seen = new Uint8Array(entries.length);
  seen[0] = 1;
  const stack: { index: number; depth: number }[] = [];
  const push = (index: number, depth: number): void => {
    if (index === NOSTREAM) return;
    if (index < 0 || index >= entries.length) fail(`compound file directory points at entry ${index} of ${entries.length}`);
    if (seen[index] === 1) fail(`compound file directory tree has a cycle (entry ${index} reached twice)`);
    if (depth > MAX_STORAGE_DEPTH) fail(`compound file storages nested deeper than ${MAX_STORAGE_DEPTH}`);
    seen[index] = 1;
    stack.push({ index, depth });
  };
  push((entries[0] as DirEntry).child, 1);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const entry = entries[item.index] as DirEntry;
    reached.push(item.index);
    // msgreader keeps the links of storages, streams and root entries only (others are unallocated).
    if (entry.type !== TYPE_STREAM && entry.type !== TYPE_STORAGE && entry.type !== TYPE_ROOT) continue;
    push(entry.left, item.depth);
    push(entry.right, item.depth);
    if (entry.type === TYPE_STORAGE) push(entry.child, item.depth + 1);
  }
  return reached;
}
