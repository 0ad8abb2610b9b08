/**
 * A message with a 100 MB attachment, streamed to a temp file (never committed, never built in
 * memory), between two small messages of an mbox; and a sampler of the process's memory.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { Transform } from "node:stream";

/** 57 bytes encode to one 76-character base64 line: blocks of whole lines. */
const BLOCK_BYTES = 57 * 18396;
export const BIG_ATTACHMENT_BYTES = BLOCK_BYTES * 100;

export interface BigMbox {
  path: string;
  sha256: string;
  /** Offset of the big message's `From ` line. */
  bigStart: number;
}

function small(n: number): string {
  return `From bob@agency.example Thu Nov 26 08:0${n}:00 2026\nMessage-ID: <small-${n}@agency.example>\nFrom: bob@agency.example\nSubject: small ${n}\n\nhello\n\n`;
}

export async function writeBigMbox(path: string): Promise<BigMbox> {
  const out = createWriteStream(path);
  const block = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < block.length; i += 1) block[i] = (i * 2654435761) >>> 24;
  const encoded = block.toString("base64").replace(/.{76}/g, "$&\n");
  const hash = createHash("sha256");
  const first = small(1);
  out.write(first);
  out.write(
    `From carol@agency.example Thu Nov 26 08:02:00 2026\nMessage-ID: <big@agency.example>\nFrom: carol@agency.example\nTo: alice@agency.example\nSubject: the big one\nContent-Type: multipart/mixed; boundary="BIG"\n\n--BIG\nContent-Type: text/plain\n\nsee attached\n--BIG\nContent-Type: application/octet-stream; name="big.bin"\nContent-Disposition: attachment; filename="big.bin"\nContent-Transfer-Encoding: base64\n\n`,
  );
  for (let i = 0; i < 100; i += 1) {
    hash.update(block);
    if (!out.write(encoded)) await once(out, "drain");
  }
  out.write("--BIG--\n\n");
  out.write(small(3));
  out.end();
  await once(out, "finish");
  return { path, sha256: hash.digest("hex"), bigStart: Buffer.byteLength(first) };
}

/** A pass-through that records the peak RSS seen while data flows. */
export class MemorySampler extends Transform {
  readonly baseline = process.memoryUsage().rss;
  peak = this.baseline;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    done(null, chunk);
  }

  get growthMb(): number {
    return (this.peak - this.baseline) / (1024 * 1024);
  }
}
