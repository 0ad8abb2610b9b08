import { Readable } from "node:stream";
import { HEAD_BYTES } from "../model/format.js";

/**
 * Reads the first `size` bytes of a stream (what `sniff` saw, to choose a layout or an encoding)
 * and gives back a stream of the whole content, head included. Nothing beyond the head is buffered.
 */
export async function peekStream(stream: Readable, size = HEAD_BYTES): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    total += chunk.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* chunks;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    }
  }
  const head = Buffer.concat(chunks, total);
  return { head: head.length > size ? head.subarray(0, size) : head, stream: Readable.from(all(), { objectMode: false }) };
}
