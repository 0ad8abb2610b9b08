/** defineHunt: the settings section and enabled check, typed events, and findings with the hunt's rule. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineHunt, type EventOf } from "../../../src/analysis/hunts/define.js";
import { eventField } from "../../../src/store/sql.js";
import { at, mailboxChange, mailRead, openFixture, signIn, type Fixture } from "./store-fixture.js";

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture();
});
afterEach(async () => {
  await fixture.close();
});

/** A hunt (borrowing the inbox-rule section) that reports every inbox-rule event it is given. */
const seen: EventOf<"mailbox.config">[] = [];
const probe = defineHunt({
  id: "inbox-rule",
  title: "probe",
  technique: "T0000",
  techniqueName: "Probe",
  async run({ events, finding }) {
    seen.length = 0;
    for await (const event of events("mailbox.config", `${eventField("change", "e")} = 'inbox-rule'`)) seen.push(event);
    return seen.map((event) => finding({ id: `probe:${event.id}`, title: event.action, severity: "info", explanation: "", eventIds: [event.id], accounts: [event.user ?? ""], ips: [], first: event.ts }));
  },
});

describe("defineHunt", () => {
  it("gives the hunt the live events of one kind, bodies decoded, with id, stored time and provenance", async () => {
    const [rule, , , copy] = await fixture.add(
      mailboxChange({ ts: at("09:00") + 0.7, user: "eve@corp.example", action: "New-InboxRule", change: "inbox-rule", rule: { name: ".", conditions: {}, actions: { DeleteMessage: "True" } } }),
      mailboxChange({ ts: at("09:01"), user: "eve@corp.example", action: "Set-Mailbox", change: "forwarding" }),
      signIn({ ts: at("08:59"), user: "eve@corp.example" }),
      mailboxChange({ ts: at("09:02"), user: "eve@corp.example", action: "New-InboxRule", change: "inbox-rule" }),
      mailRead({ ts: at("09:03"), user: "eve@corp.example" }),
    );
    await fixture.store.run("INSERT INTO duplicates VALUES ($1, $2, 1)", [copy ?? "", rule ?? ""]);
    const findings = await fixture.hunt(probe);
    expect(seen.map((event) => event.id)).toEqual([rule]);
    const [event] = seen;
    expect(event).toMatchObject({ kind: "mailbox.config", change: "inbox-rule", action: "New-InboxRule", rule: { name: ".", actions: { DeleteMessage: "True" } } });
    // The time as stored and sorted on (whole milliseconds), and where the record came from.
    expect(event?.ts).toBe(at("09:00"));
    expect(event?.source).toEqual({ parser: "synthetic", file: "synthetic.jsonl", sha256: "", line: 1, offset: undefined, recordId: undefined, member: undefined });
    expect(findings).toEqual([
      { id: `probe:${rule}`, rule: "inbox-rule", title: "New-InboxRule", severity: "info", technique: "T0000", techniqueName: "Probe", explanation: "", eventIds: [rule], accounts: ["eve@corp.example"], ips: [], first: new Date(at("09:00")).toISOString() },
    ]);
  });

  it("a hunt switched off in its section does not run", async () => {
    await fixture.add(mailboxChange({ ts: at("09:00"), user: "eve@corp.example", action: "New-InboxRule", change: "inbox-rule" }));
    seen.length = 0;
    seen.push({} as EventOf<"mailbox.config">);
    expect(await fixture.hunt(probe, { "inbox-rule": { enabled: false } })).toEqual([]);
    expect(seen.length).toBe(1);
  });
});
