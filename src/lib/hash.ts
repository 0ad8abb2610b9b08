import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform, type Readable } from "node:stream";

/** Hashes the bytes that flow through it; `complete` once the stream ended without error. */
export class HashTap {
  private hash: Hash = createHash("sha256");
  bytes = 0;
  complete = false;
  private digestValue: string | undefined;

  transform(): Transform {
    // A fresh hash per stream: only a stream read to its end counts.
    this.hash = createHash("sha256");
    this.bytes = 0;
    this.complete = false;
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        done(null, chunk);
      },
      flush: (done) => {
        this.complete = true;
        this.digestValue = this.hash.digest("hex");
        done();
      },
    });
  }

  get digest(): string | undefined {
    return this.complete ? this.digestValue : undefined;
  }

  /** `stream` seen through the tap; an error of `stream` surfaces on the returned one. */
  through(stream: Readable): Readable {
    const out = stream.pipe(this.transform());
    stream.on("error", (error) => out.destroy(error));
    return out;
  }
}

/** SHA-256 of a whole stream, read to its end. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  return hashStream(createReadStream(path));
}

/** A short stable key for a path, used in event ids. */
export function pathKey(path: string): string {
  return createHash("sha1").update(path).digest("hex").slice(0, 10);
}
