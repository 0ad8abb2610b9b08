import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dovecotEvents } from "../../../src/formats/dovecot/dovecot-events.js";
import type { AuthEvent, MailReadEvent } from "../../../src/model/events.js";
import { countBy, runParser } from "../harness.js";

const events = readFileSync(new URL("../../../fixtures/dovecot/dovecot-events/events.jsonl", import.meta.url));

describe("dovecot-events (event exporter JSON)", () => {
  it("maps the real capture: exact counts per kind, no warnings", async () => {
    const run = await runParser(dovecotEvents, events);
    expect(run.items.length).toBe(596);
    expect(run.warnings).toEqual([]);
    expect(countBy(run.items, (item) => item.kind)).toEqual({ other: 412, auth: 36, "session.end": 13, "mail.change": 5, "mail.read": 125, search: 5 });
  });

  it("auth results come from auth_client_request_finished (its `error` marks a failure)", async () => {
    const run = await runParser(dovecotEvents, events);
    const auth = run.items.filter((item): item is typeof item & AuthEvent => item.kind === "auth");
    expect(countBy(auth, (item) => item.result ?? "")).toEqual({ failure: 23, success: 13 });
    expect(auth[0]).toMatchObject({ user: "alice@agency.example", clientIp: "127.0.0.1", clientPort: 43427, sessionId: "cir4XC5ho6l/AAAB", tls: "TLS", method: "PLAIN" });
    expect(new Date(auth[0]?.ts ?? 0).toISOString()).toBe("2026-11-26T14:00:18.430Z");
  });

  it("mail_opened carries uid, folder, session and the address; the proxied address is the reported one", async () => {
    const run = await runParser(dovecotEvents, events);
    const reads = run.items.filter((item): item is typeof item & MailReadEvent => item.kind === "mail.read");
    expect(reads[0]).toMatchObject({ how: "prefetch", folder: "INBOX", items: [{ uid: 23, folder: "INBOX" }], sessionId: "N8EeXS5h9ZF/AAAB", clientIp: "127.0.0.1" });
    expect(reads.some((item) => item.clientIp === "198.51.100.23")).toBe(true);
  });

  it("bad lines are located warnings and the rest is read", async () => {
    const input = Buffer.from(
      ['{"event":"mail_opened","hostname":"vm","start_time":"2026-11-26T14:00:23.007214Z","end_time":"2026-11-26T14:00:23.007274Z","categories":[],"fields":{"uid":1,"reason":"prefetch","mailbox":"INBOX"}}', "{not json", "[1,2]", '{"event":"mail_opened","fields":{"uid":2}}', '{"event":"x","end_time":"2026-11-26T14:00:23Z","fields":{}}'].join("\n"),
    );
    const run = await runParser(dovecotEvents, input);
    expect(run.items.length).toBe(2);
    expect(run.warnings.map((warning) => warning.ref.line)).toEqual([2, 3, 4]);
  });
});
