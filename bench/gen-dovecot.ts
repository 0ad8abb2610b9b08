/**
 * A large, realistic Dovecot 2.3 log (its own `log_path` format, `Mon DD HH:MM:SS process...: Level: text`)
 * for the benchmark. Line shapes follow a real Dovecot 2.3.19 log with `mail_log` and debug logging on:
 * login and `ID sent` lines, passdb failures and `auth failed` disconnects, scanners that never log in,
 * IMAP sessions with `Command finished` / `Opened mail because:` debug lines and mail_log
 * flag_change/copy/expunge/delete/save lines, POP3 sessions, LMTP deliveries and logout counters.
 * Several sessions are open at once, so their lines interleave as in a real file.
 * Deterministic (seeded) and streamed to disk in ~1 MB writes: the file is never held in memory.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { Rng } from "./rng.js";


const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = "0123456789abcdef";
const TLS = "TLS, TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)";
const LIP = "10.20.0.25";

const FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin"];
const LAST = ["morgan", "okafor", "nguyen", "lindqvist", "ruiz", "petrova", "shah", "webb", "kowalski", "tanaka", "moreau", "fischer", "haddad", "oconnor", "silva"];
const PARTNER_DOMAINS = ["contoso-supplies.example", "fabrikam-consulting.example", "northwind-legal.example", "tailspin-audit.example", "payroll-provider.example", "woodgrove-bank.example"];
const SUBJECTS = [
  "Vendor invoice #{n} - payment due",
  "RE: Audit fieldwork schedule",
  "Bank account change request",
  "Salary review 2025 - final figures",
  "Board remuneration committee papers",
  "Confidential: disciplinary hearing {n}",
  "Comments on white paper v{n}",
  "FW: Contract award recommendation",
  "Minutes of the weekly team meeting",
  "Updated bank details for supplier",
  "Recruitment: Head of Finance shortlist",
  "RE: RE: Tender evaluation scores",
  "Your parcel {n} is on its way",
  "Leave request for week {n}",
  "Quarterly budget forecast Q{n}",
];
const CLIENTS = [
  "name=Thunderbird, version=115.6.0",
  "name=Microsoft Outlook, version=16.0.17126",
  "name=Mac OS X Mail, version=16.0 (3774.300.61.1.2), os=Mac OS X, os-version=14.2 (23C64)",
  "name=iPhone Mail, version=21C62, os=iOS, os-version=17.2 (21C62)",
  "name=Roundcube Webmail, version=1.6.5, x-originating-ip={ip}, x-originating-port={port}",
  "name=imapflow, version=2.10.2, vendor=Postal Systems, support-url=https://github.com/postalsys/imapflow/issues",
];
const SEARCHES = ['TEXT "invoice"', "SUBJECT payroll", 'BODY "bank details"', "TEXT confidential", 'FROM "hr-director"', "UNSEEN", "SINCE 1-Jan-2025"];
const FOLDERS = ["Archive", "Projects", "Trash", "Invoices", "Travel"];

interface User {
  login: string;
  name: string;
}

/** The moving parts of one session whose lines are handed out one at a time. */
interface Episode {
  lines: string[];
  next: number;
}

export interface DovecotLogInfo {
  lines: number;
  bytes: number;
}

class LogModel {
  private readonly rng: Rng;
  private readonly users: User[];
  private readonly clientIps: string[];
  private readonly hostileIps: string[];
  private pid = 10000;
  private uidSeed = 1;

  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.users = [];
    for (let i = 0; i < 3000; i++) {
      const first = FIRST[i % FIRST.length] as string;
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
      const suffix = i < FIRST.length * LAST.length ? "" : String(Math.floor(i / (FIRST.length * LAST.length)));
      this.users.push({ login: `${first}.${last}${suffix}@agency.example`, name: `${capital(first)} ${capital(last)}` });
    }
    this.clientIps = [];
    for (let i = 0; i < 1500; i++) this.clientIps.push(`10.${this.rng.range(1, 40)}.${this.rng.int(256)}.${this.rng.range(1, 254)}`);
    for (let i = 0; i < 500; i++) this.clientIps.push(`${this.rng.pick([81, 88, 92, 109, 176, 185, 193, 212])}.${this.rng.int(256)}.${this.rng.int(256)}.${this.rng.range(1, 254)}`);
    for (let i = 0; i < 40; i++) this.clientIps.push(`2001:db8:${HEX[this.rng.int(16)]}${this.rng.int(4096).toString(16)}::${this.rng.int(65536).toString(16)}`);
    this.hostileIps = [];
    for (let i = 0; i < 200; i++) this.hostileIps.push(`${this.rng.pick([45, 103, 141, 185, 194, 198])}.${this.rng.int(256)}.${this.rng.int(256)}.${this.rng.range(1, 254)}`);
  }

  /** A new session's lines, without timestamps, chosen by a realistic mix of activity. */
  episode(): Episode {
    const r = this.rng.next();
    let lines: string[];
    if (r < 0.4) lines = this.imapSession();
    else if (r < 0.46) lines = this.pop3Session();
    else if (r < 0.6) lines = this.lmtpDelivery();
    else if (r < 0.88) lines = this.authFailure();
    else lines = this.scanner();
    return { lines, next: 0 };
  }

  private sessionId(): string {
    let id = "";
    for (let i = 0; i < 16; i++) id += B64[this.rng.int(64)];
    return id;
  }

  private messageId(user: User): string {
    const date = `2025${String(this.rng.range(1, 12)).padStart(2, "0")}${String(this.rng.range(1, 28)).padStart(2, "0")}`;
    let hex = "";
    for (let i = 0; i < 10; i++) hex += HEX[this.rng.int(16)];
    const domain = this.rng.chance(0.6) ? "agency.example" : this.rng.pick(PARTNER_DOMAINS);
    return `${date}.${hex}.${user.login.slice(0, user.login.indexOf("@"))}.${this.uidSeed++}@${domain}`;
  }

  private sender(): string {
    if (this.rng.chance(0.6)) {
      const u = this.rng.pick(this.users);
      return `${u.name} <${u.login}>`;
    }
    const first = this.rng.pick(FIRST);
    const last = this.rng.pick(LAST);
    return `${capital(first)} ${capital(last)} <${first}.${last}@${this.rng.pick(PARTNER_DOMAINS)}>`;
  }

  private subject(): string {
    return this.rng.pick(SUBJECTS).replace("{n}", String(this.rng.range(1, 999)));
  }

  private mailLog(op: string, box: string, uid: number, user: User, flags: string): string {
    const size = this.rng.chance(0.8) ? this.rng.range(600, 9000) : this.rng.range(9000, 2_000_000);
    return `${op}: box=${box}, uid=${uid}, msgid=<${this.messageId(user)}>, size=${size}, vsize=${size + this.rng.range(0, 40)}, from=${this.sender()}, subject=${this.subject()}, flags=(${flags})`;
  }

  private client(ip: string, port: number): string {
    return this.rng.pick(CLIENTS).replace("{ip}", ip).replace("{port}", String(port));
  }

  private imapSession(): string[] {
    const user = this.rng.pick(this.users);
    const ip = this.rng.pick(this.clientIps);
    const port = this.rng.range(32768, 60999);
    const pid = this.pid++;
    const sess = this.sessionId();
    const secure = this.rng.chance(0.85) ? TLS : "secured";
    const client = this.client(ip, port);
    const out: string[] = [];
    const withId = this.rng.chance(0.7);
    if (withId) out.push(`imap-login: Info: ID sent: ${client}: user=<>, rip=${ip}, rport=${port}, lip=${LIP}, ${secure}, session=<${sess}>`);
    out.push(`imap-login: Info: Login: user=<${user.login}>, method=PLAIN, rip=${ip}, rport=${port}, lip=${LIP}, mpid=${pid}, ${secure}, session=<${sess}>`);
    const p = `imap(${user.login})<${pid}><${sess}>: `;
    if (withId) out.push(`${p}Info: ID sent: ${client.replace(/, x-originating-ip=.*$/, "")}`);
    out.push(`${p}Debug: Command finished: NAMESPACE `, `${p}Debug: Command finished: ENABLE CONDSTORE`);
    out.push(`${p}Debug: Command finished: LIST "" "*" RETURN (SPECIAL-USE CHILDREN SUBSCRIBED)`);
    let bodies = 0;
    let bodyBytes = 0;
    let deleted = 0;
    let expunged = 0;
    const rounds = this.rng.range(1, 4);
    for (let round = 0; round < rounds; round++) {
      const box = round === 0 || this.rng.chance(0.6) ? "INBOX" : this.rng.pick(["Sent", ...FOLDERS]);
      const exists = this.rng.range(20, 4000);
      out.push(`${p}Debug: Command finished: SELECT ${box}`);
      const first = Math.max(1, exists - this.rng.range(0, 12));
      out.push(`${p}Debug: Command finished: UID FETCH ${first}:* (UID FLAGS ENVELOPE BODY.PEEK[] MODSEQ)`);
      for (let uid = first; uid <= exists; uid++) {
        out.push(`${p}Debug: Mailbox ${box}: UID ${uid}: Opened mail because: ${this.rng.chance(0.5) ? "prefetch" : "mail stream"}`);
        bodies += 1;
        bodyBytes += this.rng.range(700, 40000);
        if (this.rng.chance(0.6)) {
          out.push(`${p}Debug: Command finished: UID STORE ${uid} +FLAGS (\\Seen)`);
          out.push(`${p}Info: ${this.mailLog("flag_change", box, uid, user, "\\Seen")}`);
        }
      }
      if (this.rng.chance(0.12)) {
        out.push(`${p}Debug: Command finished: UID SEARCH ${this.rng.pick(SEARCHES)}`);
        const hits = this.rng.range(3, 30);
        for (let i = 0; i < hits; i++) out.push(`${p}Debug: Mailbox ${box}: UID ${this.rng.range(1, exists)}: Opened mail because: search`);
      }
      if (this.rng.chance(0.15)) {
        const uid = this.rng.range(1, exists);
        const dest = this.rng.pick(FOLDERS);
        out.push(`${p}Debug: Command finished: UID MOVE ${uid} ${dest}`);
        out.push(`${p}Info: ${this.mailLog(`copy from ${box}`, dest, this.rng.range(1, 900), user, "\\Seen")}`);
        out.push(`${p}Info: ${this.mailLog("expunge", box, uid, user, "\\Seen")}`);
        expunged += 1;
      }
      if (this.rng.chance(0.1)) {
        const uid = this.rng.range(1, exists);
        out.push(`${p}Debug: Command finished: UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
        out.push(`${p}Info: ${this.mailLog("delete", box, uid, user, "\\Deleted \\Seen")}`);
        out.push(`${p}Debug: Command finished: UID EXPUNGE ${uid}`);
        out.push(`${p}Info: ${this.mailLog("expunge", box, uid, user, "\\Deleted \\Seen")}`);
        deleted += 1;
        expunged += 1;
      }
    }
    if (this.rng.chance(0.15)) {
      const box = this.rng.chance(0.7) ? "Sent" : "Drafts";
      const bytes = this.rng.range(400, 60000);
      out.push(`${p}Debug: Command finished: APPEND ${box} (\\Seen) <${bytes} byte literal>`);
      out.push(`${p}Info: ${this.mailLog("save", box, this.rng.range(1, 3000), user, box === "Drafts" ? "\\Seen \\Draft" : "\\Seen")}`);
    }
    if (this.rng.chance(0.01)) out.push(`${p}Info: Mailbox created: ${this.rng.pick(FOLDERS)} ${this.rng.range(1, 99)}`);
    out.push(`${p}Debug: Command finished: LOGOUT `);
    const inBytes = this.rng.range(200, 3000);
    out.push(
      `${p}Info: Disconnected: Logged out in=${inBytes} out=${bodyBytes + this.rng.range(500, 20000)} deleted=${deleted} expunged=${expunged} trashed=0 hdr_count=0 hdr_bytes=0 body_count=${bodies} body_bytes=${bodyBytes}`,
    );
    out.push(`${p}Debug: User session is finished`);
    return out;
  }

  private pop3Session(): string[] {
    const user = this.rng.pick(this.users);
    const ip = this.rng.pick(this.clientIps);
    const port = this.rng.range(32768, 60999);
    const pid = this.pid++;
    const sess = this.sessionId();
    const out = [`pop3-login: Info: Login: user=<${user.login}>, method=PLAIN, rip=${ip}, rport=${port}, lip=${LIP}, mpid=${pid}, ${TLS}, session=<${sess}>`];
    const p = `pop3(${user.login})<${pid}><${sess}>: `;
    const count = this.rng.range(0, 25);
    let bytes = 0;
    for (let uid = 1; uid <= count; uid++) {
      out.push(`${p}Debug: Mailbox INBOX: UID ${uid}: Opened mail because: mail stream`);
      bytes += this.rng.range(700, 30000);
    }
    out.push(`${p}Info: Disconnected: Logged out top=0/0, retr=${count}/${bytes}, del=0/${count}, size=${bytes + this.rng.range(0, 9000)}, uidl_hash=${this.rng.chance(0.5) ? "" : this.sessionId()}`);
    return out;
  }

  private lmtpDelivery(): string[] {
    const pid = this.pid++;
    const recipients = this.rng.range(1, 3);
    const out = [`lmtp(${pid}): Info: Connect from local`];
    for (let i = 0; i < recipients; i++) {
      const user = this.rng.pick(this.users);
      out.push(`lmtp(${user.login})<${pid}><${this.sessionId()}>: Info: msgid=<${this.messageId(user)}>: saved mail to INBOX`);
    }
    out.push(`lmtp(${pid}): Info: Disconnect from local: Client has quit the connection (state=READY)`);
    return out;
  }

  private authFailure(): string[] {
    const known = this.rng.chance(0.8);
    const user = known ? this.rng.pick(this.users).login : `${this.rng.pick(["admin", "info", "test", "postmaster", "sales", "support"])}@agency.example`;
    const ip = this.rng.chance(0.7) ? this.rng.pick(this.hostileIps) : this.rng.pick(this.clientIps);
    const port = this.rng.range(32768, 60999);
    const sess = this.sessionId();
    const attempts = this.rng.chance(0.8) ? 1 : this.rng.range(2, 3);
    const login = this.rng.chance(0.85) ? "imap-login" : "pop3-login";
    const out: string[] = [];
    for (let i = 0; i < attempts; i++) out.push(`auth: Info: passwd-file(${user},${ip},<${sess}>): ${known ? "Password mismatch" : "unknown user"}`);
    const tls = this.rng.chance(0.5) ? ", TLS: Connection closed, TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" : "";
    out.push(
      `${login}: Info: Disconnected: Connection closed (auth failed, ${attempts} attempts in ${this.rng.range(2, 45)} secs): user=<${user}>, method=PLAIN, rip=${ip}, rport=${port}, lip=${LIP}${tls}, session=<${sess}>`,
    );
    return out;
  }

  private scanner(): string[] {
    const ip = this.rng.pick(this.hostileIps);
    const port = this.rng.range(32768, 60999);
    const sess = this.sessionId();
    const login = this.rng.chance(0.8) ? "imap-login" : "pop3-login";
    if (this.rng.chance(0.5)) return [`${login}: Info: Disconnected: Aborted login by logging out (no auth attempts in 0 secs): user=<>, rip=${ip}, rport=${port}, lip=${LIP}, session=<${sess}>`];
    return [`${login}: Info: Disconnected: Connection closed (no auth attempts in ${this.rng.range(0, 9)} secs): user=<>, rip=${ip}, rport=${port}, lip=${LIP}, ${TLS}: Connection closed, session=<${sess}>`];
  }

  /** Seconds to the next line (mean 0.15 s: 8 M lines span about two weeks). */
  gap(): number {
    return this.rng.chance(0.7) ? 0 : this.rng.range(0, 1);
  }

  pickActive(n: number): number {
    return this.rng.int(n);
  }
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

/**
 * Streams a Dovecot log of exactly `lines` lines to `path`. Timestamps start on 1 March (pass
 * `--year` to mailtrail) and only move forward; 8 M lines cover about two weeks, so the file never
 * crosses a year.
 */
export async function generateDovecotLog(path: string, lines: number, seed = 7): Promise<DovecotLogInfo> {
  const model = new LogModel(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const active: Episode[] = [];
  for (let i = 0; i < 24; i++) active.push(model.episode());
  // Wall clock of the log, in seconds after 1 March 00:00 of the year given to mailtrail.
  let clock = 0;
  let stampSecond = -1;
  let stamp = "";
  let buffer = "";
  let bytes = 0;
  const header = "master: Info: Dovecot v2.3.19.1 (9b53102964) starting up for imap, pop3, lmtp (core dumps disabled)";
  for (let written = 0; written < lines; written++) {
    if (stampSecond !== clock) {
      stampSecond = clock;
      stamp = formatStamp(clock);
    }
    let text: string;
    if (written === 0) text = header;
    else {
      const slot = model.pickActive(active.length);
      let episode = active[slot] as Episode;
      if (episode.next >= episode.lines.length) {
        episode = model.episode();
        active[slot] = episode;
      }
      text = episode.lines[episode.next++] as string;
    }
    buffer += `${stamp} ${text}\n`;
    clock += model.gap();
    if (buffer.length >= 1 << 20) {
      bytes += Buffer.byteLength(buffer, "utf8");
      await write(out, buffer);
      buffer = "";
    }
  }
  if (buffer.length > 0) {
    bytes += Buffer.byteLength(buffer, "utf8");
    await write(out, buffer);
  }
  out.end();
  await once(out, "finish");
  return { lines, bytes };
}

const START_MS = Date.UTC(2025, 2, 1);

/** Dovecot's default `log_timestamp` (`%b %d %H:%M:%S`); the year is irrelevant, only month and day are printed. */
function formatStamp(seconds: number): string {
  const d = new Date(START_MS + seconds * 1000);
  return `${MONTHS[d.getUTCMonth()] as string} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
