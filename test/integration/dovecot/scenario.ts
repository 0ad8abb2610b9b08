/**
 * The scripted sessions of the demo case's on-prem part (the story of fixtures/demo-case/README.md):
 * normal users, recon, a password spray from three addresses, the attacker in carol's mailbox,
 * hr-director through the trusted webmail proxy (x-originating-ip) and over POP3, and the real
 * hr-director coming back. Returns the ground truth of every session.
 *
 * Source addresses: every 127.0.0.0/8 address is usable as a source on Linux; imapflow
 * passes its `tls` options to `net.connect`, so `tls.localAddress` binds the source for
 * plaintext, STARTTLS and implicit TLS alike.
 */
import { ImapFlow } from "imapflow";
import type { ConnectionOptions } from "node:tls";
import type { Dovecot } from "./harness.js";
import { TRUSTED_PROXY_IP } from "./harness.js";
import { RawImap, RawPop3, fetchedMessages, messageIdOf, type Transport } from "./rawclients.js";
import { PEOPLE, messagesOf, type SeedManifest } from "./seed.js";

export const ATTACKER_IPS = ["127.0.0.66", "127.0.0.67", "127.0.0.68", "127.0.0.69"] as const;
/** What the trusted proxy claims as the client's address (x-originating-ip). */
export const PROXIED_ATTACKER_IP = "198.51.100.23";
export const PROXIED_ATTACKER_PORT = 50123;
export const FORGED_MESSAGE_ID = "<forged.0001.carol@agency.example>";
export const DRAFT_MESSAGE_ID = "<draft.0001.hr-director@agency.example>";

export interface MessageRef {
  mailbox: string;
  uid: number;
  messageId: string;
}

export interface SessionTruth {
  id: string;
  actor: "user" | "attacker";
  user: string;
  protocol: "imap" | "pop3";
  /** The socket's source address. */
  sourceIp: string;
  /** What Dovecot logs as `rip`: the x-originating-ip behind the trusted proxy, else sourceIp. */
  clientIp: string;
  reportedIp?: string;
  reportedPort?: number;
  /** The socket's local port = Dovecot's `rport` (the reported port behind the proxy). */
  localPort: number;
  transport: Transport;
  client: string;
  purpose: string;
  start: string;
  end: string;
  login: "success" | "failure" | "none";
  /** Passwords tried on this connection (count only; the values are in seed.ts). */
  authAttempts: number;
  fetchedBodies: MessageRef[];
  searches: { mailbox: string; query: string; resultUids: number[] }[];
  copied: { from: string; to: string; uid: number; newUid: number; messageId: string }[];
  moved: { from: string; to: string; uid: number; newUid: number; messageId: string }[];
  deleted: MessageRef[];
  flagged: (MessageRef & { op: "+FLAGS" | "-FLAGS"; flags: string[] })[];
  appended: MessageRef[];
  mailboxesCreated: string[];
  /** Filled from the log after the run (joined on rip + rport). */
  dovecot?: { session: string; mpid?: number };
}

export interface ScenarioTruth {
  scenarioStart: string;
  scenarioEnd: string;
  ports: Dovecot["ports"];
  sessions: SessionTruth[];
}

interface Env {
  dovecot: Dovecot;
  manifest: SeedManifest;
  sessions: SessionTruth[];
}

function newSession(env: Env, init: Pick<SessionTruth, "actor" | "user" | "protocol" | "sourceIp" | "transport" | "client" | "purpose"> & { reportedIp?: string; reportedPort?: number }): SessionTruth {
  const session: SessionTruth = {
    id: "",
    ...init,
    clientIp: init.reportedIp ?? init.sourceIp,
    localPort: 0,
    start: new Date().toISOString(),
    end: "",
    login: "none",
    authAttempts: 0,
    fetchedBodies: [],
    searches: [],
    copied: [],
    moved: [],
    deleted: [],
    flagged: [],
    appended: [],
    mailboxesCreated: [],
  };
  env.sessions.push(session);
  return session;
}

function finish(session: SessionTruth): void {
  session.end = new Date().toISOString();
}

function messageIdIn(env: Env, user: string, mailbox: string, uid: number): string {
  const seeded = env.manifest.messages.find((m) => m.user === user && m.mailbox === mailbox && m.uid === uid);
  if (!seeded) throw new Error(`no seeded message ${user} ${mailbox} uid ${uid}`);
  return seeded.messageId;
}

function uidBySubject(env: Env, user: string, mailbox: "INBOX" | "Sent" | "Archive", subject: string): number {
  const found = messagesOf(env.manifest, user, mailbox).find((m) => m.subject === subject);
  if (!found) throw new Error(`no seeded "${subject}" in ${user} ${mailbox}`);
  return found.uid;
}

interface FlowOptions {
  user: string;
  password: string;
  localAddress: string;
  transport: Transport;
  /** IMAP ID; `false` drops one of imapflow's default fields (vendor, support-url). */
  clientInfo?: Record<string, string | false>;
}

const THUNDERBIRD = { name: "Thunderbird", version: "115.6.0", vendor: false, "support-url": false } as const;

async function openFlow(env: Env, session: SessionTruth, options: FlowOptions): Promise<ImapFlow> {
  const v6 = options.localAddress.includes(":");
  // imapflow spreads `tls` into net.connect()/tls.connect(), which is what binds the source address.
  const tls: ConnectionOptions & { localAddress: string } = { localAddress: options.localAddress, rejectUnauthorized: false };
  const client = new ImapFlow({
    host: v6 ? "::1" : "127.0.0.1",
    port: options.transport === "imaps" ? env.dovecot.ports.imaps : env.dovecot.ports.imap,
    secure: options.transport === "imaps",
    doSTARTTLS: options.transport === "starttls",
    tls,
    auth: { user: options.user, pass: options.password },
    logger: false,
    disableAutoIdle: true,
    disableCompression: true,
    ...(options.clientInfo ? { clientInfo: options.clientInfo } : {}),
  });
  session.authAttempts += 1;
  await client.connect();
  session.login = "success";
  // imapflow keeps its socket on `client.socket` without declaring it in its types.
  const socket: unknown = Reflect.get(client, "socket");
  const localPort: unknown = socket && typeof socket === "object" ? Reflect.get(socket, "localPort") : undefined;
  session.localPort = typeof localPort === "number" ? localPort : 0;
  if (!session.localPort) throw new Error(`no local port for session ${session.user}`);
  return client;
}

/** Fetches full bodies (BODY.PEEK[]) of a UID set and records them. */
async function fetchBodies(client: ImapFlow, session: SessionTruth, mailbox: string, range: string): Promise<void> {
  await client.mailboxOpen(mailbox);
  for await (const message of client.fetch(range, { uid: true, envelope: true, source: true }, { uid: true })) {
    const messageId = message.envelope?.messageId ?? (message.source ? messageIdOf(message.source) : undefined);
    if (!messageId) throw new Error(`no Message-ID for ${mailbox} uid ${message.uid}`);
    session.fetchedBodies.push({ mailbox, uid: message.uid, messageId });
  }
}

/** One failed login on its own connection, the way spray tools do it (no ID, bare LOGIN or AUTHENTICATE). */
async function failedLogin(env: Env, init: { actor: "user" | "attacker"; user: string; password: string; sourceIp: string; purpose: string; mechanism?: "login" | "plain"; clientId?: string }): Promise<SessionTruth> {
  const session = newSession(env, {
    actor: init.actor, user: init.user, protocol: "imap", sourceIp: init.sourceIp, transport: "plain",
    client: init.clientId ?? `raw ${init.mechanism === "plain" ? "AUTHENTICATE PLAIN" : "LOGIN"}`, purpose: init.purpose,
  });
  const client = await RawImap.connect({ host: "127.0.0.1", port: env.dovecot.ports.imap, localAddress: init.sourceIp, transport: "plain" });
  session.localPort = client.localPort;
  if (init.clientId) await client.command(`ID ("name" "${init.clientId}" "version" "115.6.0")`);
  session.authAttempts += 1;
  const result = init.mechanism === "plain" ? await client.authenticatePlain(init.user, init.password) : await client.login(init.user, init.password);
  session.login = result.status === "OK" ? "success" : "failure";
  await client.logout();
  finish(session);
  return session;
}

/** A spray success: log in, look at nothing, log out (the attacker only checks the password). */
async function sprayHit(env: Env, user: string, password: string, sourceIp: string): Promise<SessionTruth> {
  const session = newSession(env, { actor: "attacker", user, protocol: "imap", sourceIp, transport: "plain", client: "raw AUTHENTICATE PLAIN", purpose: "password spray: valid password found" });
  const client = await RawImap.connect({ host: "127.0.0.1", port: env.dovecot.ports.imap, localAddress: sourceIp, transport: "plain" });
  session.localPort = client.localPort;
  session.authAttempts += 1;
  const result = await client.authenticatePlain(user, password);
  session.login = result.status === "OK" ? "success" : "failure";
  if (session.login !== "success") throw new Error(`spray hit for ${user} failed: ${result.text}`);
  await client.logout();
  finish(session);
  return session;
}

// ---- phase A: a normal working morning -------------------------------------------------

async function aliceMorning(env: Env): Promise<void> {
  const alice = PEOPLE.alice;
  await failedLogin(env, { actor: "user", user: alice.user, password: "Tulip-Harbour-71", sourceIp: "127.0.0.1", purpose: "typo in the password", clientId: "Thunderbird" });
  const session = newSession(env, { actor: "user", user: alice.user, protocol: "imap", sourceIp: "127.0.0.1", transport: "starttls", client: "imapflow as Thunderbird 115.6.0", purpose: "reads the three newest INBOX messages, flags one" });
  const client = await openFlow(env, session, { user: alice.user, password: alice.password, localAddress: "127.0.0.1", transport: "starttls", clientInfo: THUNDERBIRD });
  const inbox = messagesOf(env.manifest, alice.user, "INBOX");
  const newest = inbox.slice(-3).map((m) => m.uid);
  await fetchBodies(client, session, "INBOX", newest.join(","));
  const flagUid = newest[0] ?? 1;
  await client.messageFlagsAdd(String(flagUid), ["\\Flagged"], { uid: true });
  session.flagged.push({ mailbox: "INBOX", uid: flagUid, messageId: messageIdIn(env, alice.user, "INBOX", flagUid), op: "+FLAGS", flags: ["\\Flagged"] });
  await client.logout();
  finish(session);
}

async function bobReads(env: Env): Promise<void> {
  const bob = PEOPLE.bob;
  const session = newSession(env, { actor: "user", user: bob.user, protocol: "imap", sourceIp: "127.0.0.10", transport: "imaps", client: "imapflow as Outlook", purpose: "reads two messages over IMAPS" });
  const client = await openFlow(env, session, { user: bob.user, password: bob.password, localAddress: "127.0.0.10", transport: "imaps", clientInfo: { name: "Microsoft Outlook", version: "16.0", vendor: false, "support-url": false } });
  await fetchBodies(client, session, "INBOX", "1,2");
  await client.logout();
  finish(session);
}

async function daveFiles(env: Env): Promise<void> {
  const dave = PEOPLE.dave;
  const session = newSession(env, { actor: "user", user: dave.user, protocol: "imap", sourceIp: "::1", transport: "plain", client: "imapflow", purpose: "IPv6, plaintext: reads one message and moves it to Archive" });
  const client = await openFlow(env, session, { user: dave.user, password: dave.password, localAddress: "::1", transport: "plain" });
  await fetchBodies(client, session, "INBOX", "1");
  const moved = await client.messageMove("1", "Archive", { uid: true });
  const newUid = moved && moved.uidMap ? moved.uidMap.get(1) : undefined;
  if (newUid === undefined) throw new Error("dave's MOVE returned no COPYUID");
  session.moved.push({ from: "INBOX", to: "Archive", uid: 1, newUid, messageId: messageIdIn(env, dave.user, "INBOX", 1) });
  await client.logout();
  finish(session);
}

async function hrDraft(env: Env): Promise<void> {
  const hr = PEOPLE.hr;
  const session = newSession(env, { actor: "user", user: hr.user, protocol: "imap", sourceIp: "127.0.0.12", transport: "starttls", client: "imapflow as Thunderbird 115.6.0", purpose: "reads two older messages, saves a draft" });
  const client = await openFlow(env, session, { user: hr.user, password: hr.password, localAddress: "127.0.0.12", transport: "starttls", clientInfo: THUNDERBIRD });
  await fetchBodies(client, session, "INBOX", "1,2");
  const draft = [
    `From: ${hr.name} <${hr.user}>`, `To: ${PEOPLE.alice.name} <${PEOPLE.alice.user}>`, "Subject: Board paper - salary bands",
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`, `Message-ID: ${DRAFT_MESSAGE_ID}`, "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8", "", "Alice, draft of the board paper follows.", "",
  ].join("\r\n");
  const appended = await client.append("Drafts", draft, ["\\Draft", "\\Seen"]);
  if (!appended || !appended.uid) throw new Error("hr-director's APPEND returned no APPENDUID");
  session.appended.push({ mailbox: "Drafts", uid: appended.uid, messageId: DRAFT_MESSAGE_ID });
  await client.logout();
  finish(session);
}

async function carolTidies(env: Env): Promise<void> {
  const carol = PEOPLE.carol;
  const session = newSession(env, { actor: "user", user: carol.user, protocol: "imap", sourceIp: "127.0.0.11", transport: "starttls", client: "imapflow", purpose: "reads one message, deletes another" });
  const client = await openFlow(env, session, { user: carol.user, password: carol.password, localAddress: "127.0.0.11", transport: "starttls" });
  await fetchBodies(client, session, "INBOX", "1");
  await client.messageDelete("2", { uid: true });
  session.deleted.push({ mailbox: "INBOX", uid: 2, messageId: messageIdIn(env, carol.user, "INBOX", 2) });
  await client.logout();
  finish(session);
}

/** POP3: STAT, UIDL, RETR of the given message numbers. UIDL (%08Xu%08Xv) gives the UID. */
async function pop3Download(env: Env, session: SessionTruth, password: string, which: "all" | number[]): Promise<void> {
  const client = await RawPop3.connect({ host: "127.0.0.1", port: env.dovecot.ports.pop3, localAddress: session.sourceIp });
  session.localPort = client.localPort;
  await client.command(`USER ${session.user}`);
  session.authAttempts += 1;
  await client.command(`PASS ${password}`);
  session.login = "success";
  await client.command("STAT");
  const uidl = await client.command("UIDL", true);
  const uids = new Map<number, number>();
  for (const line of uidl.split("\r\n").slice(1)) {
    const match = /^(\d+) ([0-9a-f]{8})[0-9a-f]{8}$/i.exec(line);
    if (match) uids.set(Number(match[1]), parseInt(match[2] ?? "0", 16));
  }
  const numbers = which === "all" ? [...uids.keys()] : which;
  for (const n of numbers) {
    const body = await client.command(`RETR ${n}`, true);
    const uid = uids.get(n);
    const messageId = messageIdOf(Buffer.from(body.slice(body.indexOf("\r\n") + 2), "latin1"));
    if (uid === undefined || !messageId) throw new Error(`POP3 RETR ${n}: no UID or Message-ID`);
    session.fetchedBodies.push({ mailbox: "INBOX", uid, messageId });
  }
  await client.quit();
  finish(session);
}

async function bobPop3(env: Env): Promise<void> {
  const session = newSession(env, { actor: "user", user: PEOPLE.bob.user, protocol: "pop3", sourceIp: "127.0.0.14", transport: "plain", client: "raw POP3", purpose: "phone mail app downloads two messages" });
  await pop3Download(env, session, PEOPLE.bob.password, [1, 2]);
}

// ---- phase B: recon and password spray ---------------------------------------------------

async function recon(env: Env): Promise<void> {
  const session = newSession(env, { actor: "attacker", user: "", protocol: "imap", sourceIp: "127.0.0.66", transport: "plain", client: "raw", purpose: "banner grab, no login" });
  const client = await RawImap.connect({ host: "127.0.0.1", port: env.dovecot.ports.imap, localAddress: "127.0.0.66", transport: "plain" });
  session.localPort = client.localPort;
  await client.command("CAPABILITY");
  await client.logout();
  finish(session);
}

async function sprayFrom66(env: Env): Promise<void> {
  for (const user of [PEOPLE.alice.user, PEOPLE.dave.user, "payroll@agency.example"]) {
    await failedLogin(env, { actor: "attacker", user, password: "Password1", sourceIp: "127.0.0.66", purpose: "password spray (Password1)" });
  }
}

async function sprayFrom67(env: Env): Promise<void> {
  for (const user of [PEOPLE.alice.user, PEOPLE.bob.user]) {
    await failedLogin(env, { actor: "attacker", user, password: "Winter2024!", sourceIp: "127.0.0.67", purpose: "password spray (Winter2024!)", mechanism: "plain" });
  }
  await sprayHit(env, PEOPLE.carol.user, "Winter2024!", "127.0.0.67");
}

async function sprayFrom68(env: Env): Promise<void> {
  // Two guesses on one connection for bob, then the spray password on the others.
  const session = newSession(env, { actor: "attacker", user: PEOPLE.bob.user, protocol: "imap", sourceIp: "127.0.0.68", transport: "plain", client: "raw LOGIN", purpose: "two guesses on one connection" });
  const client = await RawImap.connect({ host: "127.0.0.1", port: env.dovecot.ports.imap, localAddress: "127.0.0.68", transport: "plain" });
  session.localPort = client.localPort;
  for (const guess of ["Agency123!", "Agency2024!"]) {
    session.authAttempts += 1;
    const result = await client.login(PEOPLE.bob.user, guess);
    if (result.status === "OK") throw new Error("bob's password was guessed");
  }
  session.login = "failure";
  await client.logout();
  finish(session);
  await failedLogin(env, { actor: "attacker", user: "admin@agency.example", password: "Agency123!", sourceIp: "127.0.0.68", purpose: "password spray (Agency123!)" });
  await sprayHit(env, PEOPLE.hr.user, "Agency123!", "127.0.0.68");
}

// ---- phase C: the intrusion ----------------------------------------------------------------

async function attackerInCarol(env: Env): Promise<void> {
  const carol = PEOPLE.carol;
  const session = newSession(env, { actor: "attacker", user: carol.user, protocol: "imap", sourceIp: "127.0.0.66", transport: "starttls", client: "imapflow (default ID)", purpose: "bulk read + BEC staging" });
  const client = await openFlow(env, session, { user: carol.user, password: carol.password, localAddress: "127.0.0.66", transport: "starttls" });
  const listed = await client.list({ statusQuery: { messages: true } });
  if (listed.length < 4) throw new Error("carol's LIST returned too few mailboxes");
  await fetchBodies(client, session, "INBOX", "1:*");
  await client.mailboxOpen("INBOX");
  for (const [query, term] of [["body", "bank"], ["subject", "invoice"]] as const) {
    const found = await client.search({ [query]: term }, { uid: true });
    session.searches.push({ mailbox: "INBOX", query: `${query.toUpperCase()} ${term}`, resultUids: found || [] });
  }
  await client.mailboxCreate("Conversation History");
  session.mailboxesCreated.push("Conversation History");
  const bankUid = uidBySubject(env, carol.user, "INBOX", "Updated bank details for supplier");
  await client.mailboxOpen("INBOX");
  const copied = await client.messageCopy(String(bankUid), "Conversation History", { uid: true });
  const newUid = copied && copied.uidMap ? copied.uidMap.get(bankUid) : undefined;
  if (newUid === undefined) throw new Error("COPY returned no COPYUID");
  const bankId = messageIdIn(env, carol.user, "INBOX", bankUid);
  session.copied.push({ from: "INBOX", to: "Conversation History", uid: bankUid, newUid, messageId: bankId });
  await client.messageFlagsAdd(String(bankUid), ["\\Flagged"], { uid: true });
  session.flagged.push({ mailbox: "INBOX", uid: bankUid, messageId: bankId, op: "+FLAGS", flags: ["\\Flagged"] });
  const changeUid = uidBySubject(env, carol.user, "INBOX", "Bank account change request");
  await client.messageFlagsRemove(String(changeUid), ["\\Seen"], { uid: true });
  session.flagged.push({ mailbox: "INBOX", uid: changeUid, messageId: messageIdIn(env, carol.user, "INBOX", changeUid), op: "-FLAGS", flags: ["\\Seen"] });
  const invoiceUid = uidBySubject(env, carol.user, "INBOX", "Invoice 4471 - Tailspin Audit");
  await client.messageDelete(String(invoiceUid), { uid: true });
  session.deleted.push({ mailbox: "INBOX", uid: invoiceUid, messageId: messageIdIn(env, carol.user, "INBOX", invoiceUid) });
  await fetchBodies(client, session, "Sent", "1:*");
  const forged = [
    `From: ${carol.name} <${carol.user}>`, `To: ${PEOPLE.dave.name} <${PEOPLE.dave.user}>`,
    "Subject: Updated bank details for supplier - please action today",
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`, `Message-ID: ${FORGED_MESSAGE_ID}`, "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8", "", "Dave, please switch Tailspin Audit to the new account today. Carol", "",
  ].join("\r\n");
  const appended = await client.append("Sent", forged, ["\\Seen"]);
  if (!appended || !appended.uid) throw new Error("APPEND returned no APPENDUID");
  session.appended.push({ mailbox: "Sent", uid: appended.uid, messageId: FORGED_MESSAGE_ID });
  await client.logout();
  finish(session);
}

async function aliceAgain(env: Env): Promise<void> {
  const alice = PEOPLE.alice;
  const session = newSession(env, { actor: "user", user: alice.user, protocol: "imap", sourceIp: "127.0.0.1", transport: "starttls", client: "imapflow as Thunderbird 115.6.0", purpose: "works normally during the intrusion" });
  const client = await openFlow(env, session, { user: alice.user, password: alice.password, localAddress: "127.0.0.1", transport: "starttls", clientInfo: THUNDERBIRD });
  await fetchBodies(client, session, "Sent", "1");
  await client.logout();
  finish(session);
}

/** Through the trusted "webmail" proxy: non-PEEK FETCH (sets \Seen), SEARCH, MOVE to Trash. */
async function attackerViaProxy(env: Env): Promise<void> {
  const hr = PEOPLE.hr;
  const session = newSession(env, {
    actor: "attacker", user: hr.user, protocol: "imap", sourceIp: TRUSTED_PROXY_IP, transport: "plain", client: "raw IMAP as Roundcube Webmail 1.6.5",
    purpose: "webmail session from the attacker, proxied", reportedIp: PROXIED_ATTACKER_IP, reportedPort: PROXIED_ATTACKER_PORT,
  });
  const client = await RawImap.connect({ host: "127.0.0.1", port: env.dovecot.ports.imap, localAddress: TRUSTED_PROXY_IP, transport: "plain" });
  session.localPort = PROXIED_ATTACKER_PORT;
  await client.command(`ID ("name" "Roundcube Webmail" "version" "1.6.5" "x-originating-ip" "${PROXIED_ATTACKER_IP}" "x-originating-port" "${PROXIED_ATTACKER_PORT}")`);
  session.authAttempts += 1;
  const login = await client.login(hr.user, hr.password);
  if (login.status !== "OK") throw new Error(`proxied login failed: ${login.text}`);
  session.login = "success";
  await client.command('LIST "" "*"');
  await client.command("SELECT INBOX");
  const search = await client.command("UID SEARCH TEXT salary");
  const hits = search.untagged.find((r) => r.text.startsWith("* SEARCH"))?.text.slice("* SEARCH".length).trim();
  session.searches.push({ mailbox: "INBOX", query: "TEXT salary", resultUids: hits ? hits.split(" ").map(Number) : [] });
  const fetched = await client.command("UID FETCH 1:* (UID FLAGS BODY[])");
  for (const message of fetchedMessages(fetched.untagged)) {
    const messageId = message.body ? messageIdOf(message.body) : undefined;
    if (!messageId) throw new Error(`proxied FETCH uid ${message.uid}: no body`);
    session.fetchedBodies.push({ mailbox: "INBOX", uid: message.uid, messageId });
  }
  const moveUid = uidBySubject(env, hr.user, "INBOX", "Re: Salary review 2027 (confidential)");
  const moved = await client.command(`UID MOVE ${moveUid} Trash`);
  const copyUid = [...moved.untagged.map((r) => r.text), moved.text].map((t) => /COPYUID \d+ \d+ (\d+)/.exec(t)).find(Boolean);
  if (moved.status !== "OK" || !copyUid) throw new Error(`proxied MOVE failed: ${moved.text}`);
  session.moved.push({ from: "INBOX", to: "Trash", uid: moveUid, newUid: Number(copyUid[1]), messageId: messageIdIn(env, hr.user, "INBOX", moveUid) });
  await client.logout();
  finish(session);
}

async function attackerPop3(env: Env): Promise<void> {
  const session = newSession(env, { actor: "attacker", user: PEOPLE.hr.user, protocol: "pop3", sourceIp: "127.0.0.69", transport: "plain", client: "raw POP3", purpose: "downloads the whole INBOX" });
  await pop3Download(env, session, PEOPLE.hr.password, "all");
}

async function hrReturns(env: Env): Promise<void> {
  const hr = PEOPLE.hr;
  const session = newSession(env, { actor: "user", user: hr.user, protocol: "imap", sourceIp: "127.0.0.12", transport: "starttls", client: "imapflow as Thunderbird 115.6.0", purpose: "the real hr-director comes back" });
  const client = await openFlow(env, session, { user: hr.user, password: hr.password, localAddress: "127.0.0.12", transport: "starttls", clientInfo: THUNDERBIRD });
  await client.list();
  await fetchBodies(client, session, "Sent", "1");
  await client.logout();
  finish(session);
}

/** Runs every session; phases run one after the other, sessions inside a phase partly in parallel. */
export async function runScenario(dovecot: Dovecot, manifest: SeedManifest): Promise<ScenarioTruth> {
  const env: Env = { dovecot, manifest, sessions: [] };
  const scenarioStart = new Date().toISOString();
  await Promise.all([aliceMorning(env), bobReads(env), daveFiles(env), hrDraft(env), carolTidies(env), bobPop3(env)]);
  await recon(env);
  await Promise.all([sprayFrom66(env), sprayFrom67(env), sprayFrom68(env)]);
  await Promise.all([attackerInCarol(env), aliceAgain(env)]);
  await attackerViaProxy(env);
  await attackerPop3(env);
  await hrReturns(env);
  // Ids in start order, so they read like a timeline.
  env.sessions.sort((a, b) => a.start.localeCompare(b.start));
  env.sessions.forEach((session, index) => (session.id = `S${String(index + 1).padStart(2, "0")}`));
  return { scenarioStart, scenarioEnd: new Date().toISOString(), ports: dovecot.ports, sessions: env.sessions };
}

/**
 * Fills `dovecot.session` (and `mpid`) of each scripted session from the login process's
 * lines (`Login:` / `Disconnected ...`), joined on rip + rport.
 */
export function joinWithLog(truth: ScenarioTruth, mainLog: string): void {
  const byEndpoint = new Map<string, { session: string; mpid?: number }>();
  for (const line of mainLog.split("\n")) {
    if (!/ (imap|pop3)-login: /.test(line)) continue;
    const rip = /\brip=([^,\s]+)/.exec(line)?.[1];
    const rport = /\brport=(\d+)/.exec(line)?.[1];
    const session = /\bsession=<([^>]+)>/.exec(line)?.[1];
    if (!rip || !rport || !session) continue;
    const mpid = /\bmpid=(\d+)/.exec(line)?.[1];
    const key = `${rip}|${rport}`;
    const known = byEndpoint.get(key);
    byEndpoint.set(key, { session, ...(mpid ? { mpid: Number(mpid) } : known?.mpid ? { mpid: known.mpid } : {}) });
  }
  for (const session of truth.sessions) {
    const found = byEndpoint.get(`${session.clientIp}|${session.localPort}`);
    if (!found) throw new Error(`session ${session.id} (${session.user} from ${session.clientIp}:${session.localPort}) not found in the log`);
    session.dovecot = found;
  }
}
