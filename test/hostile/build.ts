/**
 * Byte builders for the hostile corpus: a seeded generator, zip archives laid out by hand (so that
 * entries can overlap or point past the end), gzip members, and compound-file (MSG) damage.
 */
import { crc32, deflateRawSync, gzipSync } from "node:zlib";
import { Rng } from "../../bench/rng.js";

/**
 * The seeded generator of bench/ (xorshift32), as a function. The seed is mixed first (murmur3's
 * finaliser): xorshift's first outputs for nearby seeds (case 7, case 8, ...) are nearly equal.
 */
export function rng(seed: number): () => number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  const generator = new Rng(h);
  return () => generator.next();
}

export function randomBytes(next: () => number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) out[i] = Math.floor(next() * 256);
  return out;
}

export interface ZipEntrySpec {
  name: string | Buffer;
  data: Buffer;
  /** Deflate the data (default: stored). */
  deflate?: boolean;
  /** Sizes written in the headers, when they should lie. */
  declaredSize?: number;
  utf8Flag?: boolean;
}

/**
 * A zip laid out as specified. `extraCentral` adds central-directory records that point at the
 * local header of entry `target` (overlapping entries) or at an offset of their own.
 */
export function buildZip(entries: ZipEntrySpec[], extraCentral: { name: string; target?: number; offset?: number; compressedSize?: number; size?: number }[] = []): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const meta: { offset: number; crc: number; csize: number; size: number; method: number; name: Buffer; flags: number }[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === "string" ? Buffer.from(entry.name, "utf8") : entry.name;
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const flags = entry.utf8Flag ? 0x800 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    meta.push({ offset, crc, csize: body.length, size, method, name, flags });
    offset += 30 + name.length + body.length;
  }
  const central = (m: (typeof meta)[number], name: Buffer, at: number, csize: number, size: number): Buffer => {
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(m.flags, 8);
    record.writeUInt16LE(m.method, 10);
    record.writeUInt32LE(m.crc, 16);
    record.writeUInt32LE(csize, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(at, 42);
    return Buffer.concat([record, name]);
  };
  for (const m of meta) centrals.push(central(m, m.name, m.offset, m.csize, m.size));
  for (const extra of extraCentral) {
    const target = meta[extra.target ?? 0];
    if (target === undefined) throw new Error("extraCentral needs a target entry");
    centrals.push(central(target, Buffer.from(extra.name), extra.offset ?? target.offset, extra.compressedSize ?? target.csize, extra.size ?? target.size));
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length, 8);
  end.writeUInt16LE(centrals.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** `copies` gzip members of `unit` zero bytes each, concatenated: a bomb that costs little to build. */
export function gzipZeros(unit: number, copies: number): Buffer {
  const one = gzipSync(Buffer.alloc(unit), { level: 9 });
  return Buffer.concat(Array.from({ length: copies }, () => one));
}

/** Compound-file geometry of a (valid) MSG, for targeted damage. */
export interface Cfb {
  data: Buffer;
  sectorSize: number;
  fatSectors: number[];
  dirStart: number;
  miniFatStart: number;
}

export function cfbLayout(data: Buffer): Cfb {
  const sectorSize = 1 << data.readUInt16LE(30);
  const fatCount = data.readUInt32LE(44);
  const fatSectors = Array.from({ length: Math.min(fatCount, 109) }, (_, i) => data.readUInt32LE(76 + 4 * i));
  return { data, sectorSize, fatSectors, dirStart: data.readUInt32LE(48), miniFatStart: data.readUInt32LE(60) };
}

/** Sets FAT entry `sector` (the next sector after it) to `value`. */
export function setFat(cfb: Cfb, sector: number, value: number): void {
  const per = cfb.sectorSize / 4;
  const fatSector = cfb.fatSectors[Math.floor(sector / per)];
  if (fatSector === undefined) throw new Error("sector beyond the FAT");
  cfb.data.writeInt32LE(value, (fatSector + 1) * cfb.sectorSize + 4 * (sector % per));
}

/** Offset of directory entry `index` (the directory chain's first sector holds entries 0..). */
export function dirEntryOffset(cfb: Cfb, index: number): number {
  const per = cfb.sectorSize / 128;
  if (index >= per) throw new Error("only the first directory sector is addressed");
  return (cfb.dirStart + 1) * cfb.sectorSize + index * 128;
}

export type MsgDamage = "fat-self-loop" | "header-then-zeros" | "directory-loop" | "mini-fat-loop" | "huge-stream" | "difat-loop" | "dag";

/** A copy of a valid MSG with one structural fault that made msgreader hang or blow up. */
export function damageMsg(valid: Buffer, damage: MsgDamage): Buffer {
  const data = Buffer.from(valid);
  const cfb = cfbLayout(data);
  switch (damage) {
    case "fat-self-loop":
      setFat(cfb, cfb.dirStart, cfb.dirStart);
      return data;
    case "header-then-zeros":
      return Buffer.concat([data.subarray(0, 512), Buffer.alloc(data.length - 512)]);
    case "directory-loop": {
      // The root's child points back at itself through its left sibling.
      const root = dirEntryOffset(cfb, 0);
      const child = data.readInt32LE(root + 76);
      data.writeInt32LE(child, dirEntryOffset(cfb, child) + 68);
      return data;
    }
    case "dag": {
      // Two siblings share one subtree: reached twice, read twice (and 2^depth times when nested).
      const root = dirEntryOffset(cfb, 0);
      const child = data.readInt32LE(root + 76);
      const at = dirEntryOffset(cfb, child);
      const right = data.readInt32LE(at + 72);
      data.writeInt32LE(right === -1 ? 1 : right, at + 68);
      return data;
    }
    case "mini-fat-loop":
      // The first mini sector's successor is itself.
      data.writeInt32LE(0, (cfb.miniFatStart + 1) * cfb.sectorSize);
      return data;
    case "huge-stream": {
      // A stream claims 2 GB - 1 from a small chain: msgreader would allocate it.
      for (let i = 1; i < cfb.sectorSize / 128; i += 1) {
        const at = dirEntryOffset(cfb, i);
        if (data[at + 66] === 2) {
          data.writeInt32LE(0x7fffffff, at + 120);
          return data;
        }
      }
      throw new Error("no stream entry in the first directory sector");
    }
    case "difat-loop": {
      // 200 zero sectors appended; claims 200 FAT sectors, the 91 past the header's 109 in a
      // DIFAT sector (the first appended one) that names itself as the next.
      const padded = Buffer.concat([data, Buffer.alloc(200 * cfb.sectorSize)]);
      const sector = data.length / cfb.sectorSize - 1;
      padded.writeUInt32LE(200, 44);
      padded.writeUInt32LE(sector, 68);
      padded.writeUInt32LE(2, 72);
      padded.fill(0xff, (sector + 1) * cfb.sectorSize, (sector + 2) * cfb.sectorSize);
      padded.writeInt32LE(sector, (sector + 2) * cfb.sectorSize - 4);
      return padded;
    }
  }
}
