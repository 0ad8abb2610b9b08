/**
 * The analysis passes on small synthetic cases: each positive next to the benign look-alike that
 * must stay benign (identity, session/token propagation, pivots, the exposure ledger, affected).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { analyze, type AnalysisResult } from "../../src/analysis/analyze.js";
import { EMPTY_DIRECTORY, parseDirectory, type Directory } from "../../src/analysis/directory.js";
import { NO_IOCS, parseIocs } from "../../src/analysis/ioc.js";
import { EXPOSURE_GAPS, EXPOSURES, MARKS, pick } from "../../src/model/columns.js";
import type { MessageBody } from "../../src/model/messages.js";
import type { MailChangeEvent, MailReadEvent } from "../../src/model/events.js";
import { at, failedSignIn, mailRead, openFixture, sessionEnd, signIn, type Fixture } from "./hunts/store-fixture.js";

let fixture: Fixture;
let messageSeq = 0;

beforeEach(async () => {
  fixture = await openFixture();
  messageSeq = 0;
});
afterEach(async () => {
  await fixture.close();
});

async function addMessages(...messages: MessageBody[]): Promise<void> {
  for (const message of messages) {
    messageSeq += 1;
    fixture.store.appendMessage(1, messageSeq, `m${messageSeq}`, message, { parser: "synthetic", file: "export.mbox", sha256: "", offset: messageSeq * 1000 }, JSON.stringify(message));
  }
}

function message(mailbox: string, folder: string, id: string, received: number, extra: Partial<MessageBody> = {}): MessageBody {
  return { kind: "message", mailbox, folder, messageId: id, received, date: received, ...extra };
}

async function run(ioc: string, options: { directory?: Directory; expand?: boolean } = {}): Promise<AnalysisResult> {
  return analyze(fixture.store, {
    iocs: ioc === "" ? NO_IOCS : parseIocs(ioc, "ioc.yaml"),
    directory: options.directory ?? EMPTY_DIRECTORY,
    expand: options.expand ?? false,
    huntConfig: {},
  });
}

async function attackerIds(): Promise<string[]> {
  const rows = await fixture.store.rows(pick(MARKS, "id"), "SELECT DISTINCT id FROM marks ORDER BY id");
  return rows.map((row) => String(row.id));
}

describe("identity resolution", () => {
  const directory = parseDirectory(
    "employee_id,display_name,email,upn,aliases,department\nE1,Ann Lee,ann@corp.example,ann.lee@corp.example,A.Lee@corp.example;alee,Finance\nE2,Bo Kim,bo@corp.example,,,IT\n",
    "directory.csv",
  );

  it("every address, UPN and login of a person resolves to that person, whatever the case", () => {
    for (const identity of ["ann@corp.example", "ann.lee@corp.example", "a.lee@corp.example", "alee"]) expect(directory.byIdentity.get(identity)?.employeeId).toBe("E1");
    expect(directory.byIdentity.get("bo@corp.example")?.displayName).toBe("Bo Kim");
  });

  it("refuses a directory that gives one identity to two people, or has no address column", () => {
    expect(() => parseDirectory("employee_id,email,aliases\nE1,a@x,b@x\nE2,b@x,\n", "d.csv")).toThrow("'b@x' already belongs to E1");
    expect(() => parseDirectory("employee_id,name\nE1,Ann\n", "d.csv")).toThrow("needs an 'email' or 'upn' column");
  });

  it("activity under an alias counts for the person; an unknown identity stays itself, never merged by guess", async () => {
    await fixture.add(signIn({ ts: at("09:00"), user: "A.LEE@corp.example", clientIp: "203.0.113.9" }), failedSignIn({ ts: at("09:01"), user: "ann@corp.example.evil", clientIp: "203.0.113.9" }));
    const result = await run("203.0.113.9\n", { directory });
    expect(result.affected.map((row) => [row.employeeId, row.email, row.exposure, row.accountCompromised])).toEqual([
      ["E1", "ann@corp.example", "likely", true],
      ["", "ann@corp.example.evil", "attempted", false],
    ]);
    expect(result.affected[1]?.reasons.join(" ")).toContain("not in the directory");
  });
});

describe("sessions and tokens", () => {
  it("a token minted in an attacker sign-in stays the attacker's when replayed from elsewhere; other tokens stay benign", async () => {
    const [seed, replay, benign] = await fixture.add(
      signIn({ ts: at("08:00"), user: "ann@corp.example", clientIp: "198.51.100.7", sessionId: "S1", keys: { aadSessionId: "S1", uniqueTokenId: "T1" } }),
      mailRead({ ts: at("08:30"), user: "ann@corp.example", clientIp: "203.0.113.50", sessionId: "S9", keys: { uniqueTokenId: "T1" }, how: "bind", items: [{ messageId: "<a@x>", folder: "Inbox" }] }),
      mailRead({ ts: at("08:40"), user: "ann@corp.example", clientIp: "192.0.2.10", sessionId: "S2", keys: { uniqueTokenId: "T2" }, how: "bind", items: [{ messageId: "<b@x>", folder: "Inbox" }] }),
    );
    const result = await run("198.51.100.7\n");
    expect(await attackerIds()).toEqual([seed, replay].sort());
    const reason = await fixture.store.one(pick(MARKS, "reason"), "SELECT reason FROM marks WHERE id = $1", [replay ?? ""]);
    expect(String(reason?.reason)).toContain("same token T1 as attacker event");
    expect(result.findings.find((finding) => finding.id === "pivot-shared-session:203.0.113.50")?.strength).toBe("strong");
    expect(benign).toBeDefined();
  });
});

describe("pivots", () => {
  it("a common user agent is a weak link: suggested, never followed, even with --expand", async () => {
    const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0";
    const [, benign] = await fixture.add(
      signIn({ ts: at("08:00"), user: "ann@corp.example", clientIp: "198.51.100.7", userAgent: ua }),
      signIn({ ts: at("09:00"), user: "bo@corp.example", clientIp: "192.0.2.10", userAgent: ua }),
    );
    const result = await run("198.51.100.7\n", { expand: true });
    expect(await attackerIds()).not.toContain(benign);
    expect(result.findings.find((finding) => finding.rule === "pivot-user-agent")?.strength).toBe("weak");
    expect(result.followed).toEqual([]);
  });

  it("the owner signing in from a new place during the compromise is only suggested; the attacker's new address that downloads the mailbox is followed", async () => {
    const [, , travel, pop] = await fixture.add(
      signIn({ ts: at("07:00"), user: "ann@corp.example", clientIp: "192.0.2.10" }),
      signIn({ ts: at("08:00"), user: "ann@corp.example", clientIp: "198.51.100.7" }),
      signIn({ ts: at("10:00"), user: "ann@corp.example", clientIp: "203.0.113.80", sessionId: "hotel" }),
      signIn({ ts: at("11:00"), user: "ann@corp.example", clientIp: "203.0.113.99", sessionId: "pop" }),
      sessionEnd({ ts: at("10:30"), user: "ann@corp.example", sessionId: "hotel", counters: { body_count: 3 } }),
      sessionEnd({ ts: at("11:05"), user: "ann@corp.example", sessionId: "pop", counters: { retr_count: 40, mailbox_messages: 40 } }),
    );
    const result = await run("198.51.100.7\n", { expand: true });
    const ids = await attackerIds();
    expect(ids).not.toContain(travel);
    expect(ids).toContain(pop);
    expect(result.followed.map((pivot) => [pivot.ip, pivot.rule])).toEqual([["203.0.113.99", "pivot-new-infrastructure"]]);
    expect(result.findings.find((finding) => finding.id === "pivot-new-infrastructure:203.0.113.80")?.strength).toBe("weak");
  });

  it("users mistyping at the office during a spray never make the office an attacker address", async () => {
    const [, , , officeFail] = await fixture.add(
      signIn({ ts: at("07:00"), user: "bo@corp.example", clientIp: "192.0.2.10" }),
      failedSignIn({ ts: at("08:00"), user: "ann@corp.example", clientIp: "198.51.100.7" }),
      failedSignIn({ ts: at("08:01"), user: "bo@corp.example", clientIp: "198.51.100.7" }),
      failedSignIn({ ts: at("08:02"), user: "bo@corp.example", clientIp: "192.0.2.10" }),
      failedSignIn({ ts: at("08:03"), user: "ann@corp.example", clientIp: "192.0.2.10" }),
      failedSignIn({ ts: at("08:04"), user: "ann@corp.example", clientIp: "203.0.113.66" }),
      failedSignIn({ ts: at("08:05"), user: "cy@corp.example", clientIp: "203.0.113.66" }),
    );
    const result = await run("198.51.100.7\n", { expand: true });
    // 203.0.113.66 sprayed with the attacker; the office (known: a success before the incident) did not.
    expect(result.followed.map((pivot) => pivot.ip)).toEqual(["203.0.113.66"]);
    expect(await attackerIds()).not.toContain(officeFail);
  });
});

describe("the exposure ledger", () => {
  it("a Sync exposes what the folder held at that moment, not what arrived later", async () => {
    await addMessages(
      message("ann@corp.example", "Inbox", "<old@x>", at("07:00", 20)),
      message("ann@corp.example", "Inbox", "<new@x>", at("12:00")),
      message("ann@corp.example", "Sent Items", "<sent@x>", at("07:00", 20)),
    );
    await fixture.add(mailRead({ ts: at("09:00"), user: "ann@corp.example", clientIp: "198.51.100.7", how: "sync", folder: "Inbox", items: [] }));
    const result = await run("198.51.100.7\n");
    const exposed = await fixture.store.rows(pick(EXPOSURES, "messageId", "access"), "SELECT message_id, access FROM exposures ORDER BY message_id");
    expect(exposed).toEqual([{ messageId: "<old@x>", access: "sync" }]);
    expect(result.affected[0]).toMatchObject({ email: "ann@corp.example", exposure: "confirmed", messagesExposed: 1 });
  });

  it("Dovecot UIDs resolve through the export's uidlist, else through the mail_log line of a moved message; the rest is a stated gap", async () => {
    await addMessages(message("ann@corp.example", "INBOX", "<kept@x>", at("07:00", 20), { uid: 4 }));
    const expunge: MailChangeEvent = { kind: "mail.change", ts: at("09:10"), tsDesc: "t", action: "expunge", op: "expunge", user: "ann@corp.example", sessionId: "D1", folder: "INBOX", items: [{ uid: 5, folder: "INBOX", messageId: "<moved@x>" }] };
    const read = (uid: number): MailReadEvent => ({ kind: "mail.read", ts: at("09:00"), tsDesc: "t", action: "Opened mail: prefetch", how: "prefetch", user: "ann@corp.example", sessionId: "D1", folder: "INBOX", items: [{ uid, folder: "INBOX" }] });
    await fixture.add(
      signIn({ ts: at("08:59"), user: "ann@corp.example", clientIp: "198.51.100.7", sessionId: "D1" }),
      read(4),
      read(5),
      read(6),
      expunge,
      sessionEnd({ ts: at("09:20"), user: "ann@corp.example", sessionId: "D1", counters: { body_count: 5 } }),
    );
    const result = await run("198.51.100.7\n");
    const exposed = await fixture.store.rows(pick(EXPOSURES, "messageId", "uid", "access", "ip"), "SELECT message_id, uid, access, ip FROM exposures WHERE access = 'imap-fetch' ORDER BY uid");
    expect(exposed).toEqual([
      { messageId: "<kept@x>", uid: 4, access: "imap-fetch", ip: "198.51.100.7" },
      { messageId: "<moved@x>", uid: 5, access: "imap-fetch", ip: "198.51.100.7" },
      { messageId: null, uid: 6, access: "imap-fetch", ip: "198.51.100.7" },
    ]);
    const gaps = (await fixture.store.rows(pick(EXPOSURE_GAPS, "gap"), "SELECT gap FROM exposure_gaps ORDER BY gap")).map((row) => String(row.gap));
    expect(gaps).toEqual(["UID 6 in INBOX: no export or log line names this message", "session D1 fetched 5 message bodies; the logs name 3 of them"]);
    expect(result.findings.find((finding) => finding.id === "exposure-unknown:ann@corp.example")).toBeDefined();
  });
});

describe("affected people", () => {
  const directory = parseDirectory("employee_id,display_name,email\nE1,Ann Lee,ann@corp.example\nE2,Bo Kim,bo@corp.example\nE3,Cy Ng,cy@corp.example\n", "d.csv");

  it("levels: confirmed (read), shared mailbox under its address, correspondent elsewhere, attempted; the rest not listed", async () => {
    await addMessages(
      message("ann@corp.example", "Inbox", "<pay@x>", at("07:00", 20), { from: [{ address: "bo@corp.example" }], to: [{ address: "ann@corp.example" }], cc: [{ address: "outside@partner.example" }] }),
      message("payroll@corp.example", "Inbox", "<run@x>", at("07:00", 20), { from: [{ address: "ann@corp.example" }], to: [{ address: "payroll@corp.example" }] }),
    );
    await fixture.add(
      mailRead({ ts: at("09:00"), user: "ann@corp.example", clientIp: "198.51.100.7", how: "bind", folder: "Inbox", items: [{ messageId: "<pay@x>", folder: "Inbox" }] }),
      mailRead({ ts: at("09:05"), user: "ann@corp.example", mailbox: "payroll@corp.example", clientIp: "198.51.100.7", how: "bind", folder: "Inbox", items: [{ messageId: "<run@x>", folder: "Inbox" }] }),
      failedSignIn({ ts: at("08:00"), user: "cy@corp.example", clientIp: "198.51.100.7" }),
    );
    const result = await run("198.51.100.7\n", { directory });
    expect(result.affected.map((row) => [row.employeeId, row.email, row.exposure, row.accountCompromised, row.messagesExposed, row.messagesAsCorrespondent])).toEqual([
      ["E1", "ann@corp.example", "confirmed", true, 1, 1],
      ["", "payroll@corp.example", "confirmed", false, 1, 0],
      ["E3", "cy@corp.example", "attempted", false, 0, 0],
      ["E2", "bo@corp.example", "correspondent", false, 0, 1],
    ]);
    // outside@partner.example is not in the directory: a correspondent, not an employee.
    expect(result.affected.some((row) => row.email === "outside@partner.example")).toBe(false);
    expect(result.affected[3]?.reasons.join(" ")).toContain("<pay@x>");
  });

  it("the owner's own Outlook reading mail all day makes nobody affected", async () => {
    await fixture.add(
      ...Array.from({ length: 20 }, (_, hour) => mailRead({ ts: at(`${String(hour + 1).padStart(2, "0")}:00`), user: "ann@corp.example", clientIp: "192.0.2.10", how: "bind", items: [{ messageId: `<m${hour}@x>` }] })),
    );
    const result = await run("198.51.100.7\n", { directory });
    expect(result.affected).toEqual([]);
  });
});
