/**
 * Deterministic mailboxes for the Dovecot harness: the same messages, Message-IDs, UIDs and
 * UIDVALIDITYs on every run.
 *
 * The messages are written straight into Maildir `cur/` folders together with a
 * `dovecot-uidlist` of our own (fixed UIDVALIDITY, UIDs in date order), before any client
 * touches the mailbox. Seeding therefore leaves no line in Dovecot's logs (no `save:`
 * lines from doveadm or APPEND); `verifySeed` then asks Dovecot itself, via doveadm, whether
 * it took our UID assignment as is.
 */
import { chownSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dovecot, DovecotUser } from "./harness.js";
import { MAIL_GID, MAIL_UID } from "./harness.js";

export const DOMAIN = "agency.example";

export interface Person {
  /** Login name and address. */
  user: string;
  name: string;
  password: string;
}

/** The on-prem staff of the demo case (see fixtures/demo-case/README.md and directory.csv). */
export const PEOPLE = {
  alice: { user: `alice@${DOMAIN}`, name: "Alice Martin", password: "Tulip-Harbor-71" },
  bob: { user: `bob@${DOMAIN}`, name: "Bob Okafor", password: "Granite-Kettle-22" },
  carol: { user: `carol@${DOMAIN}`, name: "Carol Nguyen", password: "Winter2024!" },
  dave: { user: `dave@${DOMAIN}`, name: "Dave Lindqvist", password: "Maple-Orbit-93" },
  hr: { user: `hr-director@${DOMAIN}`, name: "Helen Ross", password: "Agency123!" },
} as const satisfies Record<string, Person>;

export const USERS: DovecotUser[] = Object.values(PEOPLE).map(({ user, password }) => ({ user, password }));

const EXTERNAL = [
  { address: "olga@tailspin-audit.example", name: "Olga Petrova" },
  { address: "m.weber@fabrikam-consulting.example", name: "Markus Weber" },
  { address: "registry@ministry.example", name: "Ministry Registry" },
  { address: "erin.walsh@agency.example", name: "Erin Walsh" },
  { address: "frank.osei@agency.example", name: "Frank Osei" },
];

/** Folders every user has (Maildir++ names `.Sent` etc.); Drafts and Junk stay empty. */
export const FOLDERS = ["INBOX", "Sent", "Archive", "Trash", "Drafts", "Junk"] as const;
export type Folder = (typeof FOLDERS)[number];

export interface SeedAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface SeededMessage {
  user: string;
  mailbox: Folder;
  uid: number;
  uidValidity: number;
  messageId: string;
  /** ISO 8601 UTC: the Date header, also the file's mtime (Maildir INTERNALDATE). */
  date: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  size: number;
  attachment: string | null;
  seen: boolean;
  /** Path relative to the mail root: `<user>/.Sent/cur/<file>`. */
  file: string;
}

export interface SeedManifest {
  uidValidity: Record<string, number>;
  messages: SeededMessage[];
}

/** mulberry32: tiny, fast, and the same sequence for the same seed on every platform. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Draft {
  mailbox: Folder;
  from: { address: string; name: string };
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  subject: string;
  body: string;
  date: Date;
  seen: boolean;
  attachment?: SeedAttachment;
  /** A fixed Message-ID (messages shared with the cloud part of the demo case). */
  messageId?: string;
}

const ROUTINE_SUBJECTS = [
  "Weekly team sync notes",
  "Room booking for Thursday",
  "Travel expense claim",
  "Updated org chart",
  "Training schedule December",
  "Printer on 3rd floor",
  "Policy review comments",
  "Minutes of the steering group",
  "Holiday rota",
  "Contract renewal timeline",
  "Draft agenda for Monday",
  "IT maintenance window",
];

const BANK_CSV = "supplier,iban,bic\nTailspin Audit Ltd,GB33BUKB20201555555555,BUKBGB22\n";
const SALARY_CSV = "grade,band_min,band_max\nA1,41000,48000\nA2,47000,55500\nB1,56000,64000\n";
const INVOICE_PDF = "%PDF-1.4\n% mailtrail demo invoice 4471\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

function person(key: keyof typeof PEOPLE): { address: string; name: string } {
  return { address: PEOPLE[key].user, name: PEOPLE[key].name };
}

/** The themed messages of the demo story (bank details, salaries), fixed, not random. */
function themedDrafts(): Map<string, Draft[]> {
  const olga = EXTERNAL[0]!;
  const erin = EXTERNAL[3]!;
  const d = (iso: string) => new Date(iso);
  return new Map<string, Draft[]>([
    [PEOPLE.carol.user, [
      { mailbox: "INBOX", from: person("dave"), to: [person("carol")], cc: [], subject: "Updated bank details for supplier",
        body: "Carol,\nTailspin Audit sent new bank details, see the attached file. Please update the vendor record before the next payment run.\nDave\n",
        date: d("2026-11-17T09:12:00Z"), seen: true,
        attachment: { filename: "supplier-bank-details.csv", contentType: "text/csv", content: BANK_CSV } },
      { mailbox: "INBOX", from: olga, to: [person("carol")], cc: [person("dave")], subject: "Bank account change request",
        body: "Dear Carol,\nplease note our bank account has changed. All future invoices must be paid to the new account.\nKind regards,\nOlga Petrova\n",
        date: d("2026-11-20T14:03:00Z"), seen: true },
      { mailbox: "INBOX", from: olga, to: [person("carol")], cc: [], subject: "Invoice 4471 - Tailspin Audit",
        body: "Please find invoice 4471 attached. Payment terms 14 days.\nOlga\n",
        date: d("2026-11-24T08:40:00Z"), seen: false,
        attachment: { filename: "invoice-4471.pdf", contentType: "application/pdf", content: INVOICE_PDF } },
    ]],
    [PEOPLE.dave.user, [
      { mailbox: "INBOX", from: olga, to: [person("dave")], cc: [], subject: "Bank details update - Tailspin Audit",
        body: "Hello Dave,\nour bank details changed on 1 November. Please confirm you updated them.\nOlga\n",
        date: d("2026-11-19T10:21:00Z"), seen: true },
    ]],
    [PEOPLE.hr.user, [
      { mailbox: "Sent", from: person("hr"), to: [erin], cc: [person("alice")], subject: "Salary review 2027 (confidential)",
        body: "Erin,\nattached are the proposed salary bands for 2027. Please keep this confidential until the board meeting.\nHelen\n",
        date: d("2026-11-23T16:05:00Z"), seen: true, messageId: "<FIN-2026-0420.c3@agency.example>",
        attachment: { filename: "salary-bands-2027.csv", contentType: "text/csv", content: SALARY_CSV } },
      { mailbox: "INBOX", from: person("alice"), to: [person("hr")], cc: [], subject: "Re: Salary review 2027 (confidential)",
        body: "Helen,\nLegal has no objection to the 2027 bands. Two comments inline in the board paper.\nAlice\n",
        date: d("2026-11-24T11:30:00Z"), seen: false },
      { mailbox: "INBOX", from: erin, to: [person("hr")], cc: [], subject: "Payroll export for salary review",
        body: "Helen,\nhere is the payroll export you asked for, per employee and grade.\nErin\n",
        date: d("2026-11-25T09:10:00Z"), seen: false,
        attachment: { filename: "payroll-export-2026-11.csv", contentType: "text/csv", content: "employee,grade,salary\nE001,B1,61000\nE003,A2,52500\n" } },
      { mailbox: "Archive", from: person("hr"), to: [person("bob")], cc: [], subject: "Disciplinary hearing - confidential",
        body: "Bob,\nplease make sure the hearing notes stay in the HR share only.\nHelen\n",
        date: d("2026-10-14T13:00:00Z"), seen: true },
    ]],
    [PEOPLE.alice.user, [
      { mailbox: "INBOX", from: person("hr"), to: [erin], cc: [person("alice")], subject: "Salary review 2027 (confidential)",
        body: "Erin,\nattached are the proposed salary bands for 2027. Please keep this confidential until the board meeting.\nHelen\n",
        date: d("2026-11-23T16:05:00Z"), seen: true, messageId: "<FIN-2026-0420.c3@agency.example>",
        attachment: { filename: "salary-bands-2027.csv", contentType: "text/csv", content: SALARY_CSV } },
    ]],
  ]);
}

/** How many routine messages each user gets per folder. */
const ROUTINE_COUNTS: Record<string, Partial<Record<Folder, number>>> = {
  [PEOPLE.alice.user]: { INBOX: 7, Sent: 3, Archive: 2, Trash: 1 },
  [PEOPLE.bob.user]: { INBOX: 6, Sent: 2, Archive: 2 },
  [PEOPLE.carol.user]: { INBOX: 7, Sent: 3, Archive: 2, Trash: 1 },
  [PEOPLE.dave.user]: { INBOX: 6, Sent: 3, Archive: 2 },
  [PEOPLE.hr.user]: { INBOX: 6, Sent: 3, Archive: 2, Trash: 1 },
};

function pick<T>(rand: () => number, list: readonly T[]): T {
  const item = list[Math.floor(rand() * list.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function routineDrafts(user: string, rand: () => number): Draft[] {
  const self = Object.values(PEOPLE).find((p) => p.user === user);
  if (!self) throw new Error(`unknown user ${user}`);
  const me = { address: self.user, name: self.name };
  const colleagues = Object.values(PEOPLE).filter((p) => p.user !== user).map((p) => ({ address: p.user, name: p.name }));
  const contacts = [...colleagues, ...EXTERNAL.slice(1)];
  const drafts: Draft[] = [];
  const start = Date.parse("2026-10-01T07:00:00Z");
  const span = Date.parse("2026-11-25T17:00:00Z") - start;
  for (const [mailbox, count] of Object.entries(ROUTINE_COUNTS[user] ?? {}) as [Folder, number][]) {
    for (let i = 0; i < count; i++) {
      const other = pick(rand, contacts);
      const outgoing = mailbox === "Sent";
      const subject = pick(rand, ROUTINE_SUBJECTS);
      drafts.push({
        mailbox,
        from: outgoing ? me : other,
        to: [outgoing ? other : me],
        cc: rand() < 0.25 ? [pick(rand, colleagues)] : [],
        subject,
        body: `Hello,\n\n${subject.toLowerCase()}: details below.\nRef ${Math.floor(rand() * 9000 + 1000)}.\n\nRegards,\n${(outgoing ? me : other).name}\n`,
        // whole seconds: Maildir file names and mtimes carry seconds
        date: new Date(Math.floor((start + rand() * span) / 1000) * 1000),
        seen: mailbox !== "INBOX" || rand() < 0.7,
      });
    }
  }
  return drafts;
}

function formatAddress(a: { address: string; name: string }): string {
  return `${a.name} <${a.address}>`;
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

function hex(rand: () => number, length: number): string {
  let out = "";
  while (out.length < length) out += Math.floor(rand() * 16).toString(16);
  return out;
}

function renderMessage(draft: Draft, messageId: string, boundarySeed: string): string {
  const headers = [
    ...(draft.mailbox === "Sent" ? [] : [`Received: from mx.${DOMAIN} by mail.${DOMAIN} with LMTP; ${rfc2822(draft.date)}`]),
    `From: ${formatAddress(draft.from)}`,
    `To: ${draft.to.map(formatAddress).join(", ")}`,
    ...(draft.cc.length ? [`Cc: ${draft.cc.map(formatAddress).join(", ")}`] : []),
    `Subject: ${draft.subject}`,
    `Date: ${rfc2822(draft.date)}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
  ];
  if (!draft.attachment) {
    return [...headers, "Content-Type: text/plain; charset=utf-8", "", draft.body].join("\n");
  }
  const boundary = `----=_mt_${boundarySeed}`;
  const encoded = Buffer.from(draft.attachment.content).toString("base64").replace(/.{1,76}/g, "$&\n");
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    draft.body,
    `--${boundary}`,
    `Content-Type: ${draft.attachment.contentType}; name="${draft.attachment.filename}"`,
    `Content-Disposition: attachment; filename="${draft.attachment.filename}"`,
    "Content-Transfer-Encoding: base64",
    "",
    encoded,
    `--${boundary}--`,
    "",
  ].join("\n");
}

function folderDir(root: string, folder: Folder): string {
  return folder === "INBOX" ? root : join(root, `.${folder}`);
}

function chownTree(path: string): void {
  chownSync(path, MAIL_UID, MAIL_GID);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry));
}

/** Writes every user's Maildir under `mailRoot` (`<mailRoot>/<user>/...`). Deterministic. */
export function seedMaildirs(mailRoot: string): SeedManifest {
  const rand = prng(0x6d61696c); // "mail"
  const themed = themedDrafts();
  const manifest: SeedManifest = { uidValidity: {}, messages: [] };
  const users = Object.values(PEOPLE).map((p) => p.user);
  users.forEach((user, userIndex) => {
    const root = join(mailRoot, user);
    const drafts = [...routineDrafts(user, rand), ...(themed.get(user) ?? [])];
    FOLDERS.forEach((folder, folderIndex) => {
      const dir = folderDir(root, folder);
      for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(dir, sub), { recursive: true });
      if (folder !== "INBOX") writeFileSync(join(dir, "maildirfolder"), "");
      // Fixed UIDVALIDITY per mailbox: 2026-09-20 plus a small per-mailbox offset.
      const uidValidity = 1790000000 + userIndex * 10 + folderIndex;
      manifest.uidValidity[`${user}/${folder}`] = uidValidity;
      const inFolder = drafts.filter((draft) => draft.mailbox === folder).sort((a, b) => a.date.getTime() - b.date.getTime());
      const uidlist: string[] = [];
      inFolder.forEach((draft, index) => {
        const uid = index + 1;
        const localPart = user.split("@")[0] ?? user;
        const day = draft.date.toISOString().slice(0, 10).replaceAll("-", "");
        const senderDomain = draft.from.address.split("@")[1] ?? DOMAIN;
        const messageId = draft.messageId ?? `<${day}.${hex(rand, 10)}.${localPart}.${folder.toLowerCase()}${uid}@${senderDomain}>`;
        const text = renderMessage(draft, messageId, hex(rand, 12));
        const size = Buffer.byteLength(text);
        const epoch = Math.floor(draft.date.getTime() / 1000);
        // The M<n> field keeps names unique when two messages share a second.
        const base = `${epoch}.M${userIndex}${folderIndex}${String(uid).padStart(3, "0")}P1000.mail,S=${size}`;
        const name = `${base}:2,${draft.seen ? "S" : ""}`;
        const path = join(dir, "cur", name);
        writeFileSync(path, text);
        utimesSync(path, draft.date, draft.date);
        uidlist.push(`${uid} :${base}`);
        manifest.messages.push({
          user,
          mailbox: folder,
          uid,
          uidValidity,
          messageId,
          date: draft.date.toISOString(),
          from: formatAddress(draft.from),
          to: draft.to.map(formatAddress),
          cc: draft.cc.map(formatAddress),
          subject: draft.subject,
          size,
          attachment: draft.attachment?.filename ?? null,
          seen: draft.seen,
          file: `${user}/${folder === "INBOX" ? "" : `.${folder}/`}cur/${name}`,
        });
      });
      const guid = hex(rand, 32);
      writeFileSync(join(dir, "dovecot-uidlist"), [`3 V${uidValidity} N${inFolder.length + 1} G${guid}`, ...uidlist].join("\n") + "\n");
    });
    chownTree(root);
  });
  return manifest;
}

/** Reads `key=value` pairs from `doveadm mailbox status` flow output (`INBOX messages=10 uidvalidity=...`). */
function statusFields(output: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of output.matchAll(/(\w+)=(\S*)/g)) fields[match[1] ?? ""] = match[2] ?? "";
  return fields;
}

/**
 * Asks the running Dovecot for every mailbox's UIDVALIDITY, message count and UIDs and checks
 * them against the manifest: if Dovecot had rebuilt our dovecot-uidlist, UIDs would differ.
 */
export function verifySeed(dovecot: Dovecot, manifest: SeedManifest): void {
  for (const { user } of USERS) {
    for (const folder of FOLDERS) {
      const expected = manifest.messages.filter((m) => m.user === user && m.mailbox === folder);
      const status = statusFields(dovecot.doveadm(["mailbox", "status", "-u", user, "uidvalidity messages", folder]));
      const uidValidity = Number(status.uidvalidity);
      if (uidValidity !== manifest.uidValidity[`${user}/${folder}`] || Number(status.messages) !== expected.length) {
        throw new Error(`seed check failed for ${user} ${folder}: Dovecot reports ${JSON.stringify(status)}`);
      }
      if (expected.length === 0) continue;
      const uids = dovecot.doveadm(["-f", "flow", "fetch", "-u", user, "uid", "mailbox", folder, "all"]);
      const got = uids.trim().split("\n").map((line) => Number(line.replace(/^uid=/, "")));
      const want = expected.map((m) => m.uid);
      if (got.join(",") !== want.join(",")) throw new Error(`seed check failed for ${user} ${folder}: UIDs ${got.join(",")} != ${want.join(",")}`);
    }
  }
}

export function messagesOf(manifest: SeedManifest, user: string, mailbox: Folder): SeededMessage[] {
  return manifest.messages.filter((m) => m.user === user && m.mailbox === mailbox);
}
