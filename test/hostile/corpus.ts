/**
 * The hostile corpus: every input family and container, built at test time into a temp folder
 * (nothing large or binary is committed). Each case is one evidence folder holding the hostile
 * thing plus `zz-control.log`, three good Dovecot lines read last: that they are in the case
 * proves the run went on past the hostile input. Deterministic for one seed.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./harness.js";
import { buildZip, damageMsg, gzipZeros, randomBytes, rng, type MsgDamage } from "./build.js";

export const FIXTURES = join(ROOT, "fixtures");

export const CONTROL_NAME = "zz-control.log";
export const CONTROL_EVENTS = 3;
export const CONTROL =
  "Nov 26 14:00:19 mail dovecot: imap-login: Login: user=<ctl@agency.example>, method=PLAIN, rip=192.0.2.9, lip=127.0.0.1, mpid=1, session=<AAAAAAAAAAAAAAAA>\n" +
  "Nov 26 14:00:20 mail dovecot: imap(ctl@agency.example)<1><AAAAAAAAAAAAAAAA>: Logged out in=10 out=20\n" +
  "Nov 26 14:00:21 mail dovecot: auth: passwd-file(ctl@agency.example,192.0.2.9): unknown user\n";

export type Family =
  | "dovecot"
  | "exchange"
  | "entra"
  | "ual"
  | "mbox"
  | "eml"
  | "maildir"
  | "pst"
  | "msg"
  | "ediscovery"
  | "acquisition"
  | "gzip"
  | "zip"
  | "special";

export interface CaseSpec {
  name: string;
  family: Family;
  /** What the case holds, for people. */
  what: string;
  /** Builds the evidence under `evidence` (the folder exists). */
  build(evidence: string, next: () => number): void | Promise<void>;
  /** Run the case as an unprivileged user (files made unreadable with chmod 000 stay unreadable). */
  asNobody?: boolean;
}

const fixture = (path: string): Buffer => readFileSync(join(FIXTURES, path));
const VALID_MSG = (): Buffer => fixture("mailbox/msg/bank-details.msg");
const EML = (): Buffer => fixture("mailbox/eml/mixed.eml");
const DOVECOT = (): Buffer => fixture("dovecot/dovecot-log/crowdsec-dovecot-logs.log");

function write(path: string, data: Buffer | string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, data);
}

/** A minimal Maildir (cur/new/tmp, a uidlist) with one good message; returns cur/. */
function maildir(root: string, uidlist?: string): string {
  for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(root, sub), { recursive: true });
  write(join(root, "cur", "1795706266.M1P1.host,S=100:2,S"), EML());
  writeFileSync(join(root, "dovecot-uidlist"), uidlist ?? "3 V1795706266 N2 G9988d7259a4d086b3855000083ecc375\n1 :1795706266.M1P1.host,S=100\n");
  return join(root, "cur");
}

function mkfifo(path: string): void {
  execFileSync("mkfifo", [path]);
}

/** A Unix socket file left on disk (open() on it fails with ENXIO, for root too). */
async function socketFile(path: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  // Closing a listening server unlinks its socket: keep the file by closing the handle only.
  (server as unknown as { _handle?: { close(): void } })._handle?.close();
}

/** The acquisition folder from the fixtures, with `mutate` applied to a copy. */
function acquisition(evidence: string, mutate: (root: string) => void): void {
  const root = join(evidence, "alice@agency.example");
  cpSync(join(FIXTURES, "acquisition/imap-acquisition/alice@agency.example"), root, { recursive: true });
  mutate(root);
}

function ediscovery(evidence: string, mutate: (root: string) => void): void {
  const root = join(evidence, "case-export");
  cpSync(join(FIXTURES, "mailbox/ediscovery/case-4711-export"), root, { recursive: true });
  mutate(root);
}

/** `depth` nested multiparts, each with an attachment. */
function deepMime(depth: number): string {
  let head = "From: a@agency.example\nTo: b@agency.example\nSubject: deep\nMessage-ID: <deep@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n";
  let tail = "";
  for (let i = 0; i < depth; i += 1) {
    head += `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`;
    tail = `--b${i}\nContent-Type: application/octet-stream; name="f${i}.bin"\nContent-Disposition: attachment; filename="f${i}.bin"\n\nAAAA\n--b${i}--\n` + tail;
  }
  return head + tail;
}

function hugeHeaders(): string {
  const addresses = Array.from({ length: 60_000 }, (_, i) => `u${i}@agency.example`).join(", ");
  return `From: a@agency.example\nTo: ${addresses}\nSubject: =?utf-8?B?${"A".repeat(200_000)}?=\nMessage-ID: <huge@x>\n${"X-Pad: y\n".repeat(50_000)}\nbody\n`;
}

function tai64n(hex: string, message: string): string {
  return `@${hex} ${message}\n`;
}

const msgCase = (damage: MsgDamage, what: string): CaseSpec => ({
  name: `msg-${damage}`,
  family: "msg",
  what,
  build: (evidence) => write(join(evidence, `${damage}.msg`), damageMsg(VALID_MSG(), damage)),
});

export const CASES: CaseSpec[] = [
  // Dovecot logs
  {
    name: "dovecot-tai64n-zero",
    family: "dovecot",
    what: "TAI64N stamps at zero (before 1970)",
    build: (e) => write(join(e, "multilog.log"), tai64n("000000000000000000000000", "imap-login: Login: user=<a@x>, method=PLAIN, rip=192.0.2.1, lip=127.0.0.1, mpid=1, session=<BBBBBBBBBBBBBBBB>") + tai64n("400000006a1f2b3c00000000", "imap-login: Login: user=<b@x>, method=PLAIN, rip=192.0.2.2, lip=127.0.0.1, mpid=2, session=<CCCCCCCCCCCCCCCC>")),
  },
  {
    name: "dovecot-tai64n-max",
    family: "dovecot",
    what: "TAI64N stamps at the maximum",
    build: (e) => write(join(e, "multilog.log"), tai64n("7fffffffffffffffffffffff", "imap-login: Login: user=<a@x>, method=PLAIN, rip=192.0.2.1, lip=127.0.0.1, mpid=1, session=<BBBBBBBBBBBBBBBB>") + tai64n("ffffffffffffffffffffffff", "imap-login: Login: user=<b@x>, method=PLAIN, rip=192.0.2.2, lip=127.0.0.1, mpid=2, session=<CCCCCCCCCCCCCCCC>") + tai64n("400000006a1f2b3c00000000", "imap-login: Login: user=<c@x>, method=PLAIN, rip=192.0.2.3, lip=127.0.0.1, mpid=3, session=<DDDDDDDDDDDDDDDD>")),
  },
  {
    name: "dovecot-huge-line",
    family: "dovecot",
    what: "a 17 MB line between good lines",
    build: (e) => write(join(e, "dovecot.log"), Buffer.concat([DOVECOT().subarray(0, 200), Buffer.from("\n"), Buffer.alloc(17 * 1024 * 1024, 0x41), Buffer.from("\n"), DOVECOT()])),
  },
  {
    name: "dovecot-binary-tail",
    family: "dovecot",
    what: "a good log followed by 64 KB of random bytes",
    build: (e, next) => write(join(e, "dovecot.log"), Buffer.concat([DOVECOT(), randomBytes(next, 65536)])),
  },
  {
    name: "dovecot-truncated",
    family: "dovecot",
    what: "a log cut in the middle of a line",
    build: (e) => write(join(e, "dovecot.log"), DOVECOT().subarray(0, 700)),
  },
  {
    name: "dovecot-events-hostile",
    family: "dovecot",
    what: "event-exporter JSON lines with huge numbers, wrong types, deep nesting",
    build: (e) => {
      const good = fixture("dovecot/dovecot-events/events.jsonl").toString("utf8").split("\n")[0] ?? "";
      const lines = [good, good.replace(/"end_time":"[^"]*"/, '"end_time":"99999-12-31T00:00:00Z"'), good.replace(/"uid":\d+/, '"uid":1e400'), good.replace(/"uid":\d+/, '"uid":-18446744073709551617'), "[".repeat(100_000), '{"event":5,"fields":"x"}', good];
      write(join(e, "events.jsonl"), lines.join("\n") + "\n");
    },
  },
  // Exchange
  {
    name: "exchange-hostile-fields",
    family: "exchange",
    what: "protocol log with 20,000 #Fields, a binary row and a truncated last row",
    build: (e, next) => {
      const log = fixture("exchange/exchange-protocol-log/constructed-imap4-with-header.log").toString("latin1");
      const fields = `#Fields: ${Array.from({ length: 20_000 }, (_, i) => `f${i}`).join(",")}\n`;
      write(join(e, "IMAP4.LOG"), Buffer.concat([Buffer.from(log, "latin1"), Buffer.from(fields), randomBytes(next, 4096), Buffer.from("\n"), Buffer.from(log.slice(0, log.length - 30), "latin1")]));
    },
  },
  // Entra
  {
    name: "entra-json-deep",
    family: "entra",
    what: "Graph sign-ins page with a 200,000-deep nested value and out-of-range dates",
    build: (e) => {
      const page = JSON.parse(fixture("m365/entra-signins-json/graph-page-v1.json").toString("utf8")) as { value: Record<string, unknown>[] };
      const first = page.value[0] ?? {};
      page.value.push({ ...first, id: "x1", createdDateTime: "+275760-09-13T00:00:00.001Z" }, { ...first, id: "x2", createdDateTime: "-271821-04-20T00:00:00Z" }, { ...first, id: "x3", riskLevelAggregated: 1e308, status: { errorCode: 99999999999999999999 } });
      const text = JSON.stringify(page).replace(/\]\}$/, `,{"id":"deep","nested":${"[".repeat(200_000)}${"]".repeat(200_000)}}]}`);
      write(join(e, "signins.json"), text);
    },
  },
  {
    name: "entra-csv-hostile",
    family: "entra",
    what: "portal CSV with a 5 MB field, an unclosed quote, ragged rows",
    build: (e) => {
      const csv = fixture("m365/entra-signins-csv/InteractiveSignIns_2025-12-04_2025-12-05.csv").toString("utf8");
      const lines = csv.split("\n");
      const header = lines[0] ?? "";
      write(join(e, "InteractiveSignIns_2026-01-01_2026-01-02.csv"), [header, ...lines.slice(1, 3), `"${"x".repeat(5 * 1024 * 1024)}",a`, "a,b", '"unclosed,a,b', ...lines.slice(3)].join("\n"));
    },
  },
  {
    name: "entra-csv-broken-quotes-repeated",
    family: "entra",
    what: "a portal CSV whose multi-line quoted cells are cut and repeated 4,000 times (750 KB)",
    build: (e) => {
      const csv = fixture("m365/entra-signins-csv/sign-in_adelete.csv");
      const at = csv.indexOf('satisfied by claim in the token"",');
      const chunk = csv.subarray(at, at + 187);
      write(join(e, "sign-in_adelete.csv"), Buffer.concat([csv.subarray(0, at), ...Array.from({ length: 4000 }, () => chunk), csv.subarray(at)]));
    },
  },
  // UAL
  {
    name: "ual-csv-hostile",
    family: "ual",
    what: "audit CSV whose AuditData is deeply nested, not JSON, or dated in year 99999",
    build: (e) => {
      const csv = fixture("m365/m365-audit-csv/AuditLog_20260126_101500.csv").toString("utf8").split("\n");
      const row = csv[1] ?? "";
      const deep = row.replace(/"\{/, `"{""deep"":${"[".repeat(50_000)}${"]".repeat(50_000)},`);
      const dated = row.replace(/""CreationTime"":""[^"]*""/, '""CreationTime"":""99999-01-01T00:00:00""');
      write(join(e, "AuditLog_20260126_101500.csv"), [csv[0], row, deep, dated, row.replace(/"\{.*\}"/, '"not json"'), ...csv.slice(2)].join("\n"));
    },
  },
  {
    name: "ual-json-truncated",
    family: "ual",
    what: "Management API JSON cut in the middle, after a record with 1e400",
    build: (e) => {
      const text = fixture("m365/m365-audit-json/management-api-content.json").toString("utf8");
      write(join(e, "content.json"), text.replace(/"RecordType":\s*\d+/, '"RecordType": 1e400').slice(0, Math.floor(text.length * 0.6)));
    },
  },
  // mbox
  {
    name: "mbox-deep-mime",
    family: "mbox",
    what: "an mbox message with 5,000 nested multiparts",
    build: (e) => write(join(e, "Inbox.mbox"), `From a@agency.example Thu Nov 26 14:00:00 2026\n${deepMime(5000)}\nFrom b@agency.example Thu Nov 26 14:00:01 2026\nFrom: b@agency.example\nSubject: next\n\nhi\n`),
  },
  {
    name: "mbox-huge-headers",
    family: "mbox",
    what: "an mbox message with a 1.7 MB header block (60,000 addresses, a 200 KB encoded word)",
    build: (e) => write(join(e, "Inbox.mbox"), `From a@agency.example Thu Nov 26 14:00:00 2026\n${hugeHeaders()}From b@agency.example Thu Nov 26 14:00:01 2026\nFrom: b@agency.example\nSubject: next\n\nhi\n`),
  },
  {
    name: "mbox-binary",
    family: "mbox",
    what: "a From line, then 1 MB of random bytes",
    build: (e, next) => write(join(e, "Inbox.mbox"), Buffer.concat([Buffer.from("From a@agency.example Thu Nov 26 14:00:00 2026\nFrom: a@agency.example\n"), randomBytes(next, 1024 * 1024)])),
  },
  // EML
  {
    name: "eml-deep-mime",
    family: "eml",
    what: "a message with 20,000 nested multiparts",
    build: (e) => write(join(e, "deep.eml"), deepMime(20_000)),
  },
  {
    name: "eml-huge-headers",
    family: "eml",
    what: "a message with a 1.7 MB header block",
    build: (e) => write(join(e, "huge.eml"), hugeHeaders()),
  },
  {
    name: "eml-truncated-binary",
    family: "eml",
    what: "headers, then random bytes and a cut base64 part",
    build: (e, next) => write(join(e, "bin.eml"), Buffer.concat([EML().subarray(0, 600), randomBytes(next, 8192)])),
  },
  // Maildir
  {
    name: "maildir-fifo-in-cur",
    family: "maildir",
    what: "a FIFO where a message file is expected",
    build: (e) => mkfifo(join(maildir(join(e, "box")), "1795706267.M2P2.host:2,S")),
  },
  {
    name: "maildir-socket-in-cur",
    family: "maildir",
    what: "a Unix socket where a message file is expected (open fails with ENXIO)",
    build: (e) => socketFile(join(maildir(join(e, "box")), "1795706267.M2P2.host:2,S")),
  },
  {
    name: "maildir-dir-in-cur",
    family: "maildir",
    what: "a directory where a message file is expected (EISDIR)",
    build: (e) => mkdirSync(join(maildir(join(e, "box")), "1795706267.M2P2.host:2,S")),
  },
  {
    name: "maildir-unreadable",
    family: "maildir",
    what: "a message file with mode 000 (run as an unprivileged user: EACCES)",
    asNobody: true,
    build: (e) => {
      const path = join(maildir(join(e, "box")), "1795706267.M2P2.host:2,S");
      writeFileSync(path, EML());
      chmodSync(path, 0o000);
    },
  },
  {
    name: "maildir-symlink-loop",
    family: "maildir",
    what: "a symlink loop where a message file is expected",
    build: (e) => {
      const cur = maildir(join(e, "box"));
      symlinkSync("loop-b", join(cur, "loop-a:2,S"));
      symlinkSync("loop-a:2,S", join(cur, "loop-b"));
    },
  },
  {
    name: "maildir-non-utf8-name",
    family: "maildir",
    what: "a message file whose name is not valid UTF-8",
    build: (e) => {
      const cur = maildir(join(e, "box"));
      writeFileSync(Buffer.concat([Buffer.from(`${cur}/1795706267.M2P2.`), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(":2,S")]), EML());
    },
  },
  {
    name: "maildir-hostile-uidlist",
    family: "maildir",
    what: "dovecot-uidlist with UIDs and UIDVALIDITY past 2^64, negative and not numbers",
    build: (e) => {
      maildir(join(e, "box"), "3 V99999999999999999999999 N-5 Gzz\n99999999999999999999999 :1795706266.M1P1.host,S=100\n-1 :x\nabc :y\n1e400 :z\n");
    },
  },
  {
    name: "maildir-empty-and-binary",
    family: "maildir",
    what: "an empty message file and a binary one",
    build: (e, next) => {
      const cur = maildir(join(e, "box"));
      writeFileSync(join(cur, "1795706267.M2P2.host:2,S"), "");
      writeFileSync(join(cur, "1795706268.M3P3.host:2,S"), randomBytes(next, 4096));
    },
  },
  // PST
  {
    name: "pst-truncated",
    family: "pst",
    what: "a PST cut at 40 % of its length",
    build: (e) => {
      const pst = fixture("mailbox/pst/dist-list.pst");
      write(join(e, "mail.pst"), pst.subarray(0, Math.floor(pst.length * 0.4)));
    },
  },
  {
    name: "pst-garbage-btree",
    family: "pst",
    what: "a PST header followed by random bytes",
    build: (e, next) => {
      const pst = fixture("mailbox/pst/dist-list.pst");
      write(join(e, "mail.pst"), Buffer.concat([pst.subarray(0, 1024), randomBytes(next, pst.length - 1024)]));
    },
  },
  // MSG
  msgCase("fat-self-loop", "an MSG whose FAT sends the directory chain back to itself"),
  msgCase("header-then-zeros", "an MSG header followed by zeros"),
  msgCase("directory-loop", "an MSG whose directory tree links an entry to itself"),
  msgCase("dag", "an MSG whose directory tree reaches one entry twice"),
  msgCase("mini-fat-loop", "an MSG whose mini-FAT loops"),
  msgCase("huge-stream", "an MSG stream that declares 2 GB"),
  msgCase("difat-loop", "an MSG whose DIFAT chain loops"),
  // eDiscovery
  {
    name: "ediscovery-unreadable",
    family: "ediscovery",
    what: "an export whose .msg has mode 000 (run as an unprivileged user: EACCES)",
    asNobody: true,
    build: (e) =>
      ediscovery(e, (root) => {
        const path = join(root, "Exchange/erin.walsh@agency.example/Inbox/MSG-2026-0415.m1.msg");
        chmodSync(path, 0o000);
      }),
  },
  {
    name: "ediscovery-fifo",
    family: "ediscovery",
    what: "an export with a FIFO where a .eml is expected",
    build: (e) => ediscovery(e, (root) => mkfifo(join(root, "Exchange/erin.walsh@agency.example/Inbox/FIFO-1.eml"))),
  },
  {
    name: "ediscovery-msg-loop",
    family: "ediscovery",
    what: "an export whose .msg has a FAT self-loop",
    build: (e) =>
      ediscovery(e, (root) => {
        const path = join(root, "Exchange/erin.walsh@agency.example/Inbox/MSG-2026-0415.m1.msg");
        writeFileSync(path, damageMsg(readFileSync(path), "fat-self-loop"));
      }),
  },
  // Acquisition
  {
    name: "acquisition-journal-dir",
    family: "acquisition",
    what: "an IMAP acquisition whose journal is a directory (EISDIR)",
    build: (e) =>
      acquisition(e, (root) => {
        writeFileSync(join(root, "imap-journal.jsonl.tmp"), "");
        execFileSync("rm", ["-f", join(root, "imap-journal.jsonl"), join(root, "imap-journal.jsonl.tmp")]);
        mkdirSync(join(root, "imap-journal.jsonl"));
      }),
  },
  {
    name: "acquisition-journal-fifo",
    family: "acquisition",
    what: "an IMAP acquisition whose journal is a FIFO",
    build: (e) =>
      acquisition(e, (root) => {
        execFileSync("rm", ["-f", join(root, "imap-journal.jsonl")]);
        mkfifo(join(root, "imap-journal.jsonl"));
      }),
  },
  {
    name: "acquisition-message-fifo",
    family: "acquisition",
    what: "an IMAP acquisition where a listed message is a FIFO",
    build: (e) =>
      acquisition(e, (root) => {
        execFileSync("rm", ["-f", join(root, "INBOX/1.eml")]);
        mkfifo(join(root, "INBOX/1.eml"));
      }),
  },
  {
    name: "acquisition-json-hostile",
    family: "acquisition",
    what: "a Graph acquisition manifest with huge numbers and a cut end",
    build: (e) => {
      const text = fixture("acquisition/mailtrail-acquisition/acquisition.json").toString("utf8");
      write(join(e, "acquisition.json"), text.replace(/"formatVersion": 1/, '"formatVersion": 1e400').slice(0, Math.floor(text.length * 0.7)));
    },
  },
  // gzip
  {
    name: "gzip-truncated",
    family: "gzip",
    what: "a .gz cut in half",
    build: (e) => {
      const gz = gzipSync(DOVECOT());
      write(join(e, "dovecot.log.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    },
  },
  {
    name: "gzip-bomb",
    family: "gzip",
    what: "a .gz of 400 concatenated members of 1 MiB zeros (400 MiB from 400 KiB)",
    build: (e) => write(join(e, "dovecot.log.gz"), Buffer.concat([gzipSync(DOVECOT()), gzipZeros(1024 * 1024, 400)])),
  },
  {
    name: "gzip-concatenated",
    family: "gzip",
    what: "a .gz of two members (both must be read)",
    build: (e) => write(join(e, "dovecot.log.gz"), Buffer.concat([gzipSync(DOVECOT()), gzipSync(DOVECOT())])),
  },
  // zip
  {
    name: "zip-overlapping-entries",
    family: "zip",
    what: "a zip whose 2,000 central entries all point at one deflated 8 MiB kernel",
    build: (e) => {
      const extra = Array.from({ length: 2000 }, (_, i) => ({ name: `k${i}.log`, target: 0 }));
      write(join(e, "bomb.zip"), buildZip([{ name: "kernel.log", data: Buffer.alloc(8 * 1024 * 1024, 0x41), deflate: true }, { name: "good.log", data: DOVECOT() }], extra));
    },
  },
  {
    name: "zip-entry-outside",
    family: "zip",
    what: "a zip entry whose data would lie past the end of the file",
    build: (e) => write(join(e, "outside.zip"), buildZip([{ name: "good.log", data: DOVECOT() }], [{ name: "far.log", target: 0, offset: 10_000_000 }])),
  },
  {
    name: "zip-lying-sizes",
    family: "zip",
    what: "a zip member that declares 10 bytes and inflates to 50 MiB",
    build: (e) => write(join(e, "lie.zip"), buildZip([{ name: "zeros.log", data: Buffer.alloc(50 * 1024 * 1024), deflate: true, declaredSize: 10 }, { name: "good.log", data: DOVECOT() }])),
  },
  {
    name: "zip-hostile-names",
    family: "zip",
    what: "members named ../x, /abs, with NUL, backslash, 60 KB long, not UTF-8",
    build: (e) =>
      write(
        join(e, "names.zip"),
        buildZip([
          { name: "../escape.log", data: DOVECOT() },
          { name: "/etc/abs.log", data: DOVECOT() },
          { name: "nul\0.log", data: DOVECOT() },
          { name: "back\\slash.log", data: DOVECOT() },
          { name: `${"d/".repeat(30_000)}long.log`, data: DOVECOT() },
          { name: Buffer.concat([Buffer.from("bad-"), Buffer.from([0xff, 0xfe]), Buffer.from(".log")]), data: DOVECOT(), utf8Flag: true },
          { name: "good.log", data: DOVECOT() },
        ]),
      ),
  },
  {
    name: "zip-in-zip",
    family: "zip",
    what: "a zip holding a zip",
    build: (e) => write(join(e, "outer.zip"), buildZip([{ name: "inner.zip", data: buildZip([{ name: "good.log", data: DOVECOT() }]) }, { name: "good.log", data: DOVECOT() }])),
  },
  {
    name: "zip-short-member",
    family: "zip",
    what: "a zip member that inflates to 7 bytes fewer than it declares (the next member is good)",
    build: (e) => write(join(e, "short.zip"), buildZip([{ name: "a.log", data: DOVECOT(), deflate: true, declaredSize: DOVECOT().length + 7 }, { name: "good.log", data: DOVECOT() }])),
  },
  {
    name: "zip-truncated",
    family: "zip",
    what: "a zip cut before its central directory",
    build: (e) => {
      const zip = buildZip([{ name: "good.log", data: DOVECOT() }]);
      write(join(e, "cut.zip"), zip.subarray(0, zip.length - 40));
    },
  },
  // Special files at the top of the evidence
  {
    name: "special-top-level",
    family: "special",
    what: "a FIFO, a socket, a symlink loop and a dangling symlink beside the logs",
    build: async (e) => {
      mkfifo(join(e, "fifo.log"));
      await socketFile(join(e, "socket.log"));
      symlinkSync("loop2", join(e, "loop1"));
      symlinkSync("loop1", join(e, "loop2"));
      symlinkSync("/nonexistent/evidence.log", join(e, "dangling.log"));
    },
  },
  {
    name: "special-non-utf8-name",
    family: "special",
    what: "a log file whose name is not valid UTF-8",
    build: (e) => writeFileSync(Buffer.concat([Buffer.from(`${e}/dovecot-`), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(".log")]), DOVECOT()),
  },
  {
    name: "special-unreadable-file",
    family: "special",
    what: "a log with mode 000 (run as an unprivileged user: EACCES)",
    asNobody: true,
    build: (e) => {
      write(join(e, "dovecot.log"), DOVECOT());
      chmodSync(join(e, "dovecot.log"), 0o000);
    },
  },
];

/** Builds one case: `<dir>/evidence/` with the hostile input and the control log. */
export async function buildCase(spec: CaseSpec, dir: string, seed: number): Promise<string> {
  const evidence = join(dir, "evidence");
  mkdirSync(evidence, { recursive: true });
  let hash = seed >>> 0;
  for (const char of spec.name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  await spec.build(evidence, rng(hash));
  writeFileSync(join(evidence, CONTROL_NAME), CONTROL);
  return evidence;
}
