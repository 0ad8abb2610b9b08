import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bulkRead } from "../../../src/analysis/hunts/bulk-read.js";
import type { EventBody, MessageItem } from "../../../src/model/events.js";
import { at, mailRead, openFixture, sessionEnd, signIn, type Fixture } from "./store-fixture.js";

const ERIN = "erin.walsh@agency.example";
const FRANK = "frank.osei@agency.example";

function items(count: number, prefix: string): MessageItem[] {
  return Array.from({ length: count }, (_, i) => ({ messageId: `<${prefix}-${i}@agency.example>`, folder: "Inbox" }));
}

/** A Dovecot login line and the mail process's logout line of one session. */
function dovecotSession(user: string, ip: string, session: string, ts: number, protocol: string, counters: Record<string, number>): (EventBody & { id: string })[] {
  return [
    { ...signIn({ ts, user, clientIp: ip, sessionId: session, protocol, action: "Login", errorCode: undefined }), id: `${session}-login` },
    { ...sessionEnd({ ts: ts + 30_000, user, sessionId: session, protocol, counters }), id: `${session}-logout` },
  ];
}

describe("bulk-read hunt", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await openFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it("MailItemsAccessed Sync of another person's mailbox is high; the owner's own Sync only on request, medium", async () => {
    await fx.add(
      mailRead({ id: "sync-payroll", ts: at("08:24:10"), user: ERIN, mailbox: "payroll@agency.example", clientIp: "203.0.113.50", how: "sync", folder: "Inbox" }),
      mailRead({ id: "sync-own", ts: at("10:00"), user: FRANK, mailbox: FRANK, clientIp: "192.0.2.10", how: "sync", folder: "Inbox" }),
    );
    // The owner's own Outlook syncing is routine: listed only on request.
    expect((await fx.hunt(bulkRead)).map((f) => f.id)).toEqual(["bulk-read:sync:payroll@agency.example:erin.walsh@agency.example:203.0.113.50"]);
    const findings = await fx.hunt(bulkRead, { "bulk-read": { report_owner_sync: true } });
    expect(findings.map((f) => [f.id, f.severity, f.eventIds])).toEqual([
      ["bulk-read:sync:payroll@agency.example:erin.walsh@agency.example:203.0.113.50", "high", ["sync-payroll"]],
      ["bulk-read:sync:frank.osei@agency.example:frank.osei@agency.example:192.0.2.10", "medium", ["sync-own"]],
    ]);
    expect(findings[0]).toMatchObject({
      title: "Sync of Inbox in payroll@agency.example by erin.walsh@agency.example from 203.0.113.50",
      technique: "T1114.002",
      techniqueName: "Remote Email Collection",
      accounts: [ERIN, "payroll@agency.example"],
      ips: ["203.0.113.50"],
      first: "2026-11-26T08:24:10.000Z",
    });
    // The owner's known device can be allow-listed by address.
    expect((await fx.hunt(bulkRead, { "bulk-read": { report_owner_sync: true, allow_ips: ["192.0.2.10"] } })).map((f) => f.id)).toEqual([
      "bulk-read:sync:payroll@agency.example:erin.walsh@agency.example:203.0.113.50",
    ]);
  });

  it("look-alike: the owner's own Outlook producing MailItemsAccessed Bind all day is not bulk", async () => {
    const events = [];
    for (let minute = 8 * 60; minute < 17 * 60; minute += 20) {
      events.push(mailRead({ ts: at("00:00") + minute * 60_000, user: FRANK, mailbox: FRANK, clientIp: "192.0.2.10", how: "bind", items: items(3, `f${minute}`) }));
    }
    await fx.add(...events);
    expect(events).toHaveLength(27);
    expect(await fx.hunt(bulkRead)).toEqual([]);
  });

  it("a burst of Bind records with hundreds of items is bulk", async () => {
    const ids = await fx.add(
      mailRead({ ts: at("08:10"), user: ERIN, mailbox: ERIN, clientIp: "198.51.100.23", how: "bind", items: items(100, "a") }),
      mailRead({ ts: at("08:12"), user: ERIN, mailbox: ERIN, clientIp: "198.51.100.23", how: "bind", items: items(120, "b") }),
      mailRead({ ts: at("08:15"), user: ERIN, mailbox: ERIN, clientIp: "198.51.100.23", how: "bind", items: items(90, "c") }),
      // 40 minutes later: a new burst, small.
      mailRead({ ts: at("08:55"), user: ERIN, mailbox: ERIN, clientIp: "198.51.100.23", how: "bind", items: items(2, "d") }),
    );
    const findings = await fx.hunt(bulkRead);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: "bulk-read:bind:erin.walsh@agency.example:erin.walsh@agency.example:2026-11-26T08:10:00.000Z",
      title: "310 items opened in erin.walsh@agency.example within 5 min",
      severity: "medium",
      eventIds: ids.slice(0, 3),
      ips: ["198.51.100.23"],
    });
  });

  it("Dovecot: a session fetching many bodies, a POP3 download of the whole mailbox; a POP3 client taking new mail is not", async () => {
    await fx.add(
      ...dovecotSession("carol@agency.example", "127.0.0.66", "imapS1", at("15:22:57"), "imap", { in: 1097, out: 148060, body_count: 120, body_bytes: 645300 }),
      ...dovecotSession("hr-director@agency.example", "127.0.0.69", "popS2", at("15:23:14"), "pop3", { top_count: 0, top_bytes: 0, retr_count: 7, retr_bytes: 4096, del_count: 0, mailbox_messages: 7, size: 5000 }),
      ...dovecotSession("bob@agency.example", "127.0.0.14", "popS3", at("15:22:35"), "pop3", { top_count: 0, top_bytes: 0, retr_count: 2, retr_bytes: 1013, del_count: 0, mailbox_messages: 6, size: 2883 }),
      ...dovecotSession("alice@agency.example", "127.0.0.1", "imapS4", at("15:22:41"), "imap", { in: 271, out: 4406, body_count: 3, body_bytes: 1892 }),
    );
    const findings = await fx.hunt(bulkRead);
    expect(findings.map((f) => [f.id, f.severity, f.ips, f.eventIds])).toEqual([
      ["bulk-read:session:carol@agency.example:imapS1", "medium", ["127.0.0.66"], ["imapS1-login", "imapS1-logout"]],
      ["bulk-read:pop3:hr-director@agency.example:popS2", "high", ["127.0.0.69"], ["popS2-login", "popS2-logout"]],
    ]);
    expect(findings[0]?.title).toBe("120 message bodies fetched by carol@agency.example in one session from 127.0.0.66");
    expect(findings[1]?.title).toBe("POP3 download of all 7 messages of hr-director@agency.example from 127.0.0.69");
    expect((await fx.hunt(bulkRead, { "bulk-read": { allow_users: ["hr-director@agency.example"] } })).map((f) => f.id)).toEqual(["bulk-read:session:carol@agency.example:imapS1"]);
  });
});
