#!/usr/bin/env node
/**
 * Writes fixtures/mailbox/msg/bank-details.msg: an Outlook .msg (MS-OXMSG inside an MS-CFB compound file,
 * version 3, 512-byte sectors, every stream in the mini stream) with the properties mailtrail
 * reads: message class, subject, sender, transport headers, Internet Message-ID, body, submit and
 * delivery times, two recipients (To, Cc) and one attachment. No public .msg sample with a
 * licence that allows copying was at hand, so this one is built from the two specifications.
 *
 *   node scripts/make-msg-fixture.mjs
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mailbox", "msg", "bank-details.msg");

const SECTOR = 512;
const MINI = 64;
const FREE = 0xffffffff;
const END = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;

// ---- MS-OXMSG content -------------------------------------------------------------------------
const PT_LONG = 0x0003;
const PT_SYSTIME = 0x0040;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;

const utf16 = (text) => Buffer.from(text, "utf16le");
const filetime = (iso) => (BigInt(Date.parse(iso)) + 11644473600000n) * 10000n;

/** A storage's properties: variable ones become `__substg1.0_` streams, all get a property entry. */
function propertyStorage(props, headerBytes) {
  const streams = [];
  const entries = [];
  for (const [id, type, value] of props) {
    const entry = Buffer.alloc(16);
    entry.writeUInt32LE(((id << 16) | type) >>> 0, 0);
    entry.writeUInt32LE(6, 4);
    if (type === PT_LONG) entry.writeInt32LE(value, 8);
    else if (type === PT_SYSTIME) entry.writeBigUInt64LE(value, 8);
    else {
      const data = type === PT_UNICODE ? utf16(value) : value;
      entry.writeUInt32LE(data.length + (type === PT_UNICODE ? 2 : 0), 8);
      const name = `__substg1.0_${id.toString(16).padStart(4, "0").toUpperCase()}${type.toString(16).padStart(4, "0").toUpperCase()}`;
      streams.push({ name, data });
    }
    entries.push(entry);
  }
  streams.push({ name: "__properties_version1.0", data: Buffer.concat([headerBytes, ...entries]) });
  return streams;
}

const headers = [
  "Received: from mail.tailspin-audit.example (198.51.100.77) by EU2PR01MB1234.eurprd01.prod.exchangelabs.com",
  " with Microsoft SMTP Server id 15.20.8000.1; Wed, 25 Nov 2026 16:40:29 +0000",
  "From: Olga Brandt <olga@tailspin-audit.example>",
  "To: Erin Walsh <erin.walsh@agency.example>",
  "Cc: Frank Osei <frank.osei@agency.example>",
  "Subject: Bank details update - Tailspin Audit",
  "Date: Wed, 25 Nov 2026 16:40:27 +0000",
  "Message-ID: <MSG-2026-0415.m1@tailspin-audit.example>",
  "MIME-Version: 1.0",
  "",
].join("\r\n");

const topHeader = Buffer.alloc(32);
topHeader.writeUInt32LE(2, 8); // next recipient id
topHeader.writeUInt32LE(1, 12); // next attachment id
topHeader.writeUInt32LE(2, 16); // recipient count
topHeader.writeUInt32LE(1, 20); // attachment count

const message = propertyStorage(
  [
    [0x001a, PT_UNICODE, "IPM.Note"],
    [0x0037, PT_UNICODE, "Bank details update - Tailspin Audit"],
    [0x0c1a, PT_UNICODE, "Olga Brandt"],
    [0x0c1e, PT_UNICODE, "SMTP"],
    [0x0c1f, PT_UNICODE, "olga@tailspin-audit.example"],
    [0x5d01, PT_UNICODE, "olga@tailspin-audit.example"],
    [0x007d, PT_UNICODE, headers],
    [0x1035, PT_UNICODE, "<MSG-2026-0415.m1@tailspin-audit.example>"],
    [0x1000, PT_UNICODE, "Dear Erin,\r\n\r\nplease use our new bank details from 1 December (attached).\r\n\r\nOlga"],
    [0x0039, PT_SYSTIME, filetime("2026-11-25T16:40:27Z")],
    [0x0e06, PT_SYSTIME, filetime("2026-11-25T16:40:31Z")],
  ],
  topHeader,
);

const recipient = (n, type, name, address) => ({
  name: `__recip_version1.0_#${n.toString(16).padStart(8, "0").toUpperCase()}`,
  children: propertyStorage(
    [
      [0x0c15, PT_LONG, type],
      [0x3001, PT_UNICODE, name],
      [0x3002, PT_UNICODE, "SMTP"],
      [0x3003, PT_UNICODE, address],
      [0x39fe, PT_UNICODE, address],
    ],
    Buffer.alloc(8),
  ),
});

const attachmentData = Buffer.from("%PDF-1.4\n% Tailspin Audit bank details\n1 0 obj <</Type/Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n", "latin1");
const attachment = {
  name: "__attach_version1.0_#00000000",
  children: propertyStorage(
    [
      [0x3705, PT_LONG, 1],
      [0x3707, PT_UNICODE, "New-bank-details.pdf"],
      [0x3704, PT_UNICODE, "NEW-BA~1.PDF"],
      [0x370e, PT_UNICODE, "application/pdf"],
      [0x3701, PT_BINARY, attachmentData],
    ],
    Buffer.alloc(8),
  ),
};

const nameid = {
  name: "__nameid_version1.0",
  children: [
    { name: "__substg1.0_00020102", data: Buffer.alloc(0) },
    { name: "__substg1.0_00030102", data: Buffer.alloc(0) },
    { name: "__substg1.0_00040102", data: Buffer.alloc(0) },
  ],
};

const tree = [
  ...message,
  recipient(0, 1, "Erin Walsh", "erin.walsh@agency.example"),
  recipient(1, 2, "Frank Osei", "frank.osei@agency.example"),
  attachment,
  nameid,
];

// ---- MS-CFB container -------------------------------------------------------------------------
/** Directory entries in order; children of a storage are chained through right siblings, sorted. */
const entries = [];
const ministream = [];
let ministreamSectors = 0;

function compareNames(a, b) {
  if (a.length !== b.length) return a.length - b.length;
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function addEntry(node) {
  const index = entries.length;
  const entry = { name: node.name, type: node.children ? 1 : 2, left: NOSTREAM, right: NOSTREAM, child: NOSTREAM, start: 0, size: 0 };
  entries.push(entry);
  if (node.children) {
    entry.child = addChildren(node.children);
  } else {
    entry.size = node.data.length;
    if (node.data.length > 0) {
      if (node.data.length >= 4096) throw new Error("only mini streams are written");
      entry.start = ministreamSectors;
      const padded = Buffer.alloc(Math.ceil(node.data.length / MINI) * MINI);
      node.data.copy(padded);
      ministream.push(padded);
      ministreamSectors += padded.length / MINI;
    } else {
      entry.start = END;
    }
  }
  return index;
}

function addChildren(children) {
  const sorted = [...children].sort((a, b) => compareNames(a.name, b.name));
  const ids = sorted.map((child) => addEntry(child));
  for (let i = 0; i < ids.length - 1; i += 1) entries[ids[i]].right = ids[i + 1];
  return ids[0];
}

entries.push({ name: "Root Entry", type: 5, left: NOSTREAM, right: NOSTREAM, child: NOSTREAM, start: END, size: 0 });
entries[0].child = addChildren(tree);

const miniData = Buffer.concat(ministream);
const miniFat = [];
for (let i = 0; i < ministreamSectors; i += 1) miniFat.push(i + 1);
// Chains: each stream's mini sectors are consecutive; end each chain.
for (const entry of entries) {
  if (entry.type === 2 && entry.size > 0) miniFat[entry.start + Math.ceil(entry.size / MINI) - 1] = END;
}

const dirSectors = Math.ceil((entries.length * 128) / SECTOR);
const miniFatSectors = Math.max(1, Math.ceil((miniFat.length * 4) / SECTOR));
const miniDataSectors = Math.ceil(miniData.length / SECTOR);
let fatSectors = 1;
while (fatSectors * 128 < fatSectors + dirSectors + miniFatSectors + miniDataSectors) fatSectors += 1;

const firstDir = fatSectors;
const firstMiniFat = firstDir + dirSectors;
const firstMiniData = firstMiniFat + miniFatSectors;
const total = firstMiniData + miniDataSectors;

const fat = new Array(fatSectors * 128).fill(FREE);
for (let i = 0; i < fatSectors; i += 1) fat[i] = FATSECT;
const chain = (first, count) => {
  for (let i = 0; i < count; i += 1) fat[first + i] = i === count - 1 ? END : first + i + 1;
};
chain(firstDir, dirSectors);
chain(firstMiniFat, miniFatSectors);
chain(firstMiniData, miniDataSectors);
entries[0].start = miniDataSectors > 0 ? firstMiniData : END;
entries[0].size = miniData.length;

const header = Buffer.alloc(SECTOR);
Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
header.writeUInt16LE(0x003e, 24);
header.writeUInt16LE(0x0003, 26);
header.writeUInt16LE(0xfffe, 28);
header.writeUInt16LE(9, 30);
header.writeUInt16LE(6, 32);
header.writeUInt32LE(0, 40);
header.writeUInt32LE(fatSectors, 44);
header.writeUInt32LE(firstDir, 48);
header.writeUInt32LE(0, 52);
header.writeUInt32LE(4096, 56);
header.writeUInt32LE(firstMiniFat, 60);
header.writeUInt32LE(miniFatSectors, 64);
header.writeUInt32LE(END, 68);
header.writeUInt32LE(0, 72);
for (let i = 0; i < 109; i += 1) header.writeUInt32LE(i < fatSectors ? i : FREE, 76 + i * 4);

const fatBuf = Buffer.alloc(fatSectors * SECTOR);
fat.forEach((value, i) => fatBuf.writeUInt32LE(value >>> 0, i * 4));

const dirBuf = Buffer.alloc(dirSectors * SECTOR);
entries.forEach((entry, i) => {
  const base = i * 128;
  const name = utf16(entry.name);
  name.copy(dirBuf, base);
  dirBuf.writeUInt16LE(name.length + 2, base + 64);
  dirBuf[base + 66] = entry.type;
  dirBuf[base + 67] = 1; // black
  dirBuf.writeUInt32LE(entry.left >>> 0, base + 68);
  dirBuf.writeUInt32LE(entry.right >>> 0, base + 72);
  dirBuf.writeUInt32LE(entry.child >>> 0, base + 76);
  dirBuf.writeUInt32LE(entry.start >>> 0, base + 116);
  dirBuf.writeUInt32LE(entry.size, base + 120);
});
for (let i = entries.length; i < dirSectors * 4; i += 1) {
  const base = i * 128;
  dirBuf.writeUInt32LE(NOSTREAM, base + 68);
  dirBuf.writeUInt32LE(NOSTREAM, base + 72);
  dirBuf.writeUInt32LE(NOSTREAM, base + 76);
}

const miniFatBuf = Buffer.alloc(miniFatSectors * SECTOR, 0xff);
miniFat.forEach((value, i) => miniFatBuf.writeUInt32LE(value >>> 0, i * 4));
const miniDataBuf = Buffer.alloc(miniDataSectors * SECTOR);
miniData.copy(miniDataBuf);

const file = Buffer.concat([header, fatBuf, dirBuf, miniFatBuf, miniDataBuf]);
if (file.length !== SECTOR * (total + 1)) throw new Error("layout mismatch");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, file);
process.stdout.write(`${out}: ${file.length} bytes, ${entries.length} directory entries\n`);
