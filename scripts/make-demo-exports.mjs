#!/usr/bin/env node
/**
 * Writes the demo case's cloud mailbox exports (fixtures/demo-case/evidence/exports/) as `readpst -r` lays
 * them out: `<mailbox>/<Folder>/mbox`. Message-IDs, senders, recipients, subjects and arrival
 * times are those of the demo story (fixtures/demo-case/README.md, "evidence/exports/"); the bodies are
 * invented. Deterministic: the same files on every run.
 *
 *   node scripts/make-demo-exports.mjs
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "demo-case", "evidence", "exports");

const PEOPLE = {
  erin: '"Erin Walsh" <erin.walsh@agency.example>',
  frank: '"Frank Osei" <frank.osei@agency.example>',
  payroll: '"Payroll" <payroll@agency.example>',
  helen: '"Helen Ross" <hr-director@agency.example>',
  alice: '"Alice Martin" <alice@agency.example>',
  dave: '"Dave Lindqvist" <dave@agency.example>',
  olga: '"Olga Brandt" <olga@tailspin-audit.example>',
};

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n) => String(n).padStart(2, "0");

/** RFC 5322 date in UTC. */
function rfcDate(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** asctime() date of an mbox From line, as readpst writes it. */
function asctime(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** A deterministic stand-in for an .xlsx (a zip): the bytes only have to be stable. */
function fakeXlsx() {
  const bytes = Buffer.alloc(3000);
  bytes.write("PK\u0003\u0004", 0, "latin1");
  for (let i = 4; i < bytes.length; i += 1) bytes[i] = (i * 131 + 7) % 251;
  return bytes;
}

const MESSAGES = {
  "FIN-2026-0412.a1": {
    from: PEOPLE.frank,
    to: [PEOPLE.erin],
    cc: [PEOPLE.payroll],
    subject: "Q3 supplier payments batch",
    received: Date.parse("2026-11-24T14:12:07Z"),
    text: "Hi Erin,\n\nattached is the Q3 supplier payments batch for approval before Friday's run.\nPayroll is copied for the contractor lines.\n\nFrank",
    attachment: { name: "Q3-supplier-payments.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data: fakeXlsx() },
  },
  "FIN-2026-0415.b2": {
    from: PEOPLE.olga,
    to: [PEOPLE.erin],
    subject: "Bank details update - Tailspin Audit",
    received: Date.parse("2026-11-25T16:40:31Z"),
    text: "Dear Erin,\n\nplease note that Tailspin Audit's bank details change from 1 December.\nThe new account will be confirmed by our finance director in a separate letter.\n\nKind regards,\nOlga Brandt\nTailspin Audit",
    html: true,
  },
  "FIN-2026-0420.c3": {
    from: PEOPLE.helen,
    to: [PEOPLE.erin],
    cc: [PEOPLE.alice],
    subject: "Salary review 2027 (confidential)",
    received: Date.parse("2026-11-25T18:05:12Z"),
    text: "Erin,\n\nthe proposed 2027 salary bands are below; Legal (Alice) has reviewed the wording.\nPlease keep this confidential until the board meets.\n\nHelen",
    html: true,
  },
  "FIN-2026-0398.d4": {
    from: PEOPLE.frank,
    to: [PEOPLE.erin],
    subject: "Team lunch",
    received: Date.parse("2026-11-18T11:02:44Z"),
    text: "Lunch on Thursday at 12:30? The usual place.\nFrom what I hear the new menu is good.\n\nFrank",
  },
  "FIN-2026-0401.e5": {
    from: PEOPLE.dave,
    to: [PEOPLE.erin],
    subject: "Audit schedule",
    received: Date.parse("2026-11-19T09:47:03Z"),
    text: "Hi Erin,\n\nthe external audit fieldwork is planned for 7-11 December.\nProcurement files will be ready by the 4th.\n\nDave",
  },
  "PAY-2026-11-01.p1": {
    from: PEOPLE.frank,
    to: [PEOPLE.payroll],
    subject: "November payroll run",
    received: Date.parse("2026-11-02T08:15:26Z"),
    text: "Payroll team,\n\nthe November run is approved; cut-off for changes is the 20th.\n\nFrank",
  },
  "PAY-2026-11-02.p2": {
    from: PEOPLE.alice,
    to: [PEOPLE.payroll],
    subject: "Overtime claims",
    received: Date.parse("2026-11-10T13:31:50Z"),
    text: "Hello,\n\nLegal's overtime claims for October are in the shared folder.\n\nAlice",
  },
  "PAY-2026-11-03.p3": {
    from: PEOPLE.dave,
    to: [PEOPLE.payroll],
    subject: "Payroll corrections",
    received: Date.parse("2026-11-26T09:30:00Z"),
    text: "Two corrections for the procurement team's November pay, details below.\n\nDave",
  },
};

function addressOf(person) {
  return /<([^>]+)>/.exec(person)[1];
}

/** mboxrd quoting: one more '>' before every `>*From ` body line. */
function quote(text) {
  return text.replace(/^(>*From )/gm, ">$1");
}

function base64Lines(data) {
  return data.toString("base64").replace(/.{76}/g, "$&\n");
}

/** One message as readpst writes it into an mbox: From line, headers, MIME body, blank line. */
function mboxMessage(id, owner) {
  const m = MESSAGES[id];
  const sent = m.received - 4000;
  const headers = [
    `From ${addressOf(m.from)} ${asctime(m.received)}`,
    `Return-Path: <${addressOf(m.from)}>`,
    `Received: from EU2PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:800:1::12) by\n EU2PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS; ${rfcDate(m.received)}`,
    `Received: from mail.${addressOf(m.from).split("@")[1]} (192.0.2.${addressOf(m.from).length}) by\n EU2PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:800:1::12) with Microsoft SMTP Server\n id 15.20.8000.1; ${rfcDate(m.received - 2000)}`,
    `From: ${m.from}`,
    `To: ${m.to.join(", ")}`,
    ...(m.cc ? [`Cc: ${m.cc.join(", ")}`] : []),
    `Subject: ${m.subject}`,
    `Date: ${rfcDate(sent)}`,
    `Message-ID: <${id}@agency.example>`,
    `X-MS-Exchange-Organization-AuthAs: ${addressOf(m.from).endsWith("@agency.example") ? "Internal" : "Anonymous"}`,
    `X-Delivered-To: ${owner}`,
    "MIME-Version: 1.0",
  ];
  const text = quote(m.text);
  let body;
  if (m.attachment) {
    const b = `----=_mixed_${id}`;
    headers.push(`Content-Type: multipart/mixed; boundary="${b}"`);
    body = [
      `--${b}`,
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      text,
      `--${b}`,
      `Content-Type: ${m.attachment.type}; name="${m.attachment.name}"`,
      `Content-Disposition: attachment; filename="${m.attachment.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(m.attachment.data).trimEnd(),
      `--${b}--`,
    ].join("\n");
  } else if (m.html) {
    const b = `----=_alt_${id}`;
    headers.push(`Content-Type: multipart/alternative; boundary="${b}"`);
    const html = `<html><body>${m.text
      .split("\n\n")
      .map((p) => `<p>${p.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>")}</p>`)
      .join("")}</body></html>`;
    body = [
      `--${b}`,
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      text,
      `--${b}`,
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      html,
      `--${b}--`,
    ].join("\n");
  } else {
    headers.push("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit");
    body = text;
  }
  return `${headers.join("\n")}\n\n${body}\n\n`;
}

const MAILBOXES = {
  "erin.walsh@agency.example": ["FIN-2026-0398.d4", "FIN-2026-0401.e5", "FIN-2026-0412.a1", "FIN-2026-0415.b2", "FIN-2026-0420.c3"],
  "payroll@agency.example": ["PAY-2026-11-01.p1", "PAY-2026-11-02.p2", "FIN-2026-0412.a1", "PAY-2026-11-03.p3"],
};

for (const [owner, ids] of Object.entries(MAILBOXES)) {
  const path = join(root, owner, "Inbox", "mbox");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, ids.map((id) => mboxMessage(id, owner)).join(""));
  process.stdout.write(`${path}: ${ids.length} messages\n`);
}
