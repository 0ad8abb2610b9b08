/**
 * A large, realistic mbox for the index-pass benchmark: plain and multipart messages, base64
 * attachments from a few KB to a few MB, several `Received:` headers each, RFC 2047 and raw 8-bit
 * (UTF-8 and Latin-1) headers, mboxrd-quoted `>From ` body lines. Deterministic (seeded), streamed
 * to disk in ~1 MB writes: nothing the size of the file is ever held in memory.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { Rng } from "./rng.js";


const PEOPLE = [
  ["Alice Martin", "alice@agency.example"],
  ["Bob Okafor", "bob@agency.example"],
  ["Carol Nguyen", "carol@agency.example"],
  ["Dave Lindqvist", "dave@agency.example"],
  ["Helen Ross", "hr-director@agency.example"],
  ["Erin Walsh", "erin.walsh@agency.example"],
  ["Frank Osei", "frank.osei@agency.example"],
  ["Olga Petrova", "olga@tailspin-audit.example"],
  ["Jörg Schmidt", "joerg@lieferant.example"],
  ["Zoë Ångström", "zoe@partner.example"],
] as const;

const SUBJECTS = [
  "Q3 supplier payments batch",
  "Re: Audit schedule",
  "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=",
  "=?iso-8859-1?Q?R=E9union_budg=E9taire?=",
  "Fwd: contract draft v7",
  "Invoice 2026-0412",
  "Salary review (confidential)",
  "Team lunch on Friday",
  "=?UTF-8?B?0J/RgNC40LLQtdGCINC40Lcg0JzQvtGB0LrQstGL?=",
];

const WORDS =
  "the payment schedule for the next quarter was reviewed by finance and procurement please find the updated figures attached and confirm before friday regards".split(
    " ",
  );

const ATTACHMENTS = [
  ["application/pdf", "invoice.pdf"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "payments-Q3.xlsx"],
  ["image/jpeg", "scan.jpg"],
  ["application/zip", "archive.zip"],
] as const;

/** A block of base64 text (76-character lines) that attachments are cut from. */
function base64Block(rng: Rng, bytes: number): string {
  const raw = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 1) raw[i] = rng.int(256);
  return raw.toString("base64").replace(/.{76}/g, "$&\n");
}

function textBody(rng: Rng, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const words: string[] = [];
    for (let i = 0; i < 12; i += 1) words.push(rng.pick(WORDS));
    let line = words.join(" ");
    if (rng.int(40) === 0) line = `>From the archive: ${line}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

function address(rng: Rng): string {
  const [name, email] = rng.pick(PEOPLE);
  return `${name} <${email}>`;
}

/** One message, `From ` line included; `approx` is its rough target size. */
function message(rng: Rng, n: number, blocks: string, startMs: number): string {
  const when = new Date(startMs + n * 37_000);
  const from = address(rng);
  const headers = [
    `From ${rng.pick(PEOPLE)[1]} ${when.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, "$1 $3 $2 $5 $4")}`,
    `Return-Path: <${rng.pick(PEOPLE)[1]}>`,
  ];
  const hops = 3 + rng.int(4);
  for (let i = 0; i < hops; i += 1) {
    headers.push(
      `Received: from mx${i}.relay.example (mx${i}.relay.example [192.0.2.${1 + rng.int(250)}])\n\tby mail.agency.example with ESMTPS id ${n.toString(36)}${i}\n\tfor <${rng.pick(PEOPLE)[1]}>; ${new Date(when.getTime() - i * 1000).toUTCString().replace("GMT", "+0000")}`,
    );
  }
  headers.push(
    `Message-ID: <bench-${n}.${rng.int(1e9)}@agency.example>`,
    `Date: ${when.toUTCString().replace("GMT", "+0000")}`,
    `From: ${rng.int(5) === 0 ? "J\u00f6rg Schmidt <joerg@lieferant.example>" : from}`,
    `To: ${address(rng)}${rng.int(3) === 0 ? `, ${address(rng)}, ${address(rng)}` : ""}`,
    `Subject: ${rng.pick(SUBJECTS)} #${n}`,
    "MIME-Version: 1.0",
    `X-Mailer: Bench 1.0`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=agency.example; s=s1;\n h=from:to:subject:date; bh=${"A".repeat(44)};\n b=${"B".repeat(120)}`,
  );
  if (rng.int(4) === 0) headers.push(`Cc: ${address(rng)}`);
  const kind = rng.next();
  const text = textBody(rng, 1500 + rng.int(6000));
  if (kind < 0.75) {
    headers.push("Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit");
    return `${headers.join("\n")}\n\n${text}\n\n`;
  }
  const boundary = `b${n}x${rng.int(1e9)}`;
  headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [
    `--${boundary}\nContent-Type: text/plain; charset=UTF-8\n\n${text}`,
    `--${boundary}\nContent-Type: text/html; charset=UTF-8\n\n<html><body><p>${text.slice(0, 2000)}</p></body></html>`,
  ];
  const attachments = kind < 0.97 ? 1 + rng.int(2) : 1;
  for (let i = 0; i < attachments; i += 1) {
    const [type, name] = rng.pick(ATTACHMENTS);
    const size = kind < 0.97 ? 5_000 + rng.int(40_000) : 200_000 + rng.int(1_300_000);
    const lines = Math.ceil((size * 4) / 3 / 77);
    const startLine = rng.int(Math.max(1, blocks.length / 77 - lines));
    const body = blocks.slice(startLine * 77, (startLine + lines) * 77);
    parts.push(
      `--${boundary}\nContent-Type: ${type}; name="${name}"\nContent-Disposition: attachment; filename="${name}"\nContent-Transfer-Encoding: base64\n\n${body}`,
    );
  }
  return `${headers.join("\n")}\n\n${parts.join("\n")}\n--${boundary}--\n\n`;
}

/** Streams an mbox of at least `bytes` bytes to `path`; resolves with its size and message count. */
export async function generateMbox(path: string, bytes: number, seed = 42): Promise<{ bytes: number; messages: number }> {
  const rng = new Rng(seed);
  const blocks = base64Block(rng, 3 * 1024 * 1024);
  const out = createWriteStream(path);
  let written = 0;
  let messages = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const start = Date.parse("2026-01-01T00:00:00Z");
  while (written + pendingBytes < bytes) {
    const text = message(rng, messages, blocks, start);
    messages += 1;
    pending.push(text);
    pendingBytes += Buffer.byteLength(text);
    if (pendingBytes >= 1024 * 1024) {
      written += pendingBytes;
      const ok = out.write(pending.join(""));
      pending = [];
      pendingBytes = 0;
      if (!ok) await once(out, "drain");
    }
  }
  if (pendingBytes > 0) {
    out.write(pending.join(""));
    written += pendingBytes;
  }
  out.end();
  await once(out, "finish");
  return { bytes: written, messages };
}
