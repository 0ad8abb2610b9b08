import { Transform, type Readable } from "node:stream";

export type TextEncoding = "utf8" | "utf16le" | "utf16be";

/** The encoding a byte-order mark (or, for BOM-less UTF-16, the NUL pattern) says. */
export function detectEncoding(head: Buffer): TextEncoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf16le";
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf16be";
  // PowerShell without BOM: ASCII text with every second byte NUL.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return "utf16le";
  return "utf8";
}

/** Decodes the head of a file for sniffing: BOM dropped, UTF-16 understood. */
export function headText(head: Buffer): string {
  const encoding = detectEncoding(head);
  const text = new TextDecoder(encoding === "utf8" ? "utf-8" : encoding === "utf16le" ? "utf-16le" : "utf-16be").decode(
    head,
  );
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Turns a stream in any of the encodings above into UTF-8 bytes without a BOM, so that line and
 * JSON readers only ever see UTF-8. Offsets after this are offsets in the UTF-8 form.
 */
export function utf8Stream(stream: Readable, head: Buffer): Readable {
  const encoding = detectEncoding(head);
  if (encoding === "utf8") {
    // Hold back the first bytes until we know whether they are a BOM (chunks may be 1 byte long).
    let start: Buffer | undefined = Buffer.alloc(0);
    return stream.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (start === undefined) return done(null, chunk);
          start = Buffer.concat([start, chunk]);
          if (start.length < 3) return done();
          const out = start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf ? start.subarray(3) : start;
          start = undefined;
          done(null, out);
        },
        flush(done) {
          done(null, start && start.length > 0 ? start : undefined);
        },
      }),
    );
  }
  const decoder = new TextDecoder(encoding === "utf16le" ? "utf-16le" : "utf-16be");
  return stream.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true }), "utf8"));
      },
      flush(done) {
        done(null, Buffer.from(decoder.decode(), "utf8"));
      },
    }),
  );
}
