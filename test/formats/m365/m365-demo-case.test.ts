/**
 * The Microsoft 365 evidence of the demo case (fixtures/demo-case/evidence/m365, written by
 * scripts/make-demo-m365.mjs): overlapping containers share record ids, so the pipeline's
 * de-duplication sees one record once, and the story's facts are in the events.
 */
import { describe, expect, it } from "vitest";
import type { ParsedEvent } from "../../../src/model/events.js";
import { entraSigninsCsv } from "../../../src/formats/m365/entra-signins-csv.js";
import { entraSigninsJson } from "../../../src/formats/m365/entra-signins-json.js";
import { m365AuditCsv } from "../../../src/formats/m365/m365-audit-csv.js";
import { runParserOnFile } from "../harness.js";

const DIR = new URL("../../../fixtures/demo-case/evidence/m365/", import.meta.url).pathname;
const SESSION = "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93";

async function parse(parser: typeof m365AuditCsv, file: string): Promise<ParsedEvent[]> {
  const run = await runParserOnFile(parser, `${DIR}${file}`);
  expect(run.warnings).toEqual([]);
  return run.items as ParsedEvent[];
}

describe("demo case, Microsoft 365 part", () => {
  it("sign-ins: two Graph pages and a portal CSV whose records are all in the pages", async () => {
    const page1 = await parse(entraSigninsJson, "signins-graph/page-1.json");
    const page2 = await parse(entraSigninsJson, "signins-graph/page-2.json");
    const portal = await parse(entraSigninsCsv, "InteractiveSignIns_2026-11-26_2026-11-26.csv");
    expect([page1.length, page2.length, portal.length]).toEqual([10, 8, 10]);
    const graphIds = new Set([...page1, ...page2].map((event) => event.ref.recordId));
    expect(graphIds.size).toBe(18);
    expect(portal.every((event) => graphIds.has(event.ref.recordId))).toBe(true);
    const all = [...page1, ...page2];
    const spray = all.filter((event) => event.kind === "auth" && event.errorCode === "50126");
    expect(spray).toHaveLength(9);
    expect(new Set(spray.map((event) => event.user))).toEqual(new Set(["erin.walsh@agency.example", "frank.osei@agency.example", "payroll@agency.example"]));
    expect(spray.every((event) => event.clientIp === "198.51.100.23" && event.userAgent === "python-requests/2.31.0" && event.country === "NL")).toBe(true);
    const success = all.find((event) => event.ts === Date.UTC(2026, 10, 26, 8, 7, 12));
    expect(success).toMatchObject({ result: "success", user: "erin.walsh@agency.example", sessionId: SESSION, keys: { uniqueTokenId: "dGVzdC10b2tlbi1lcmluLTAx" } });
    const replay = all.find((event) => event.clientIp === "203.0.113.50");
    expect(replay).toMatchObject({ sessionId: SESSION, interactive: false, country: "US", location: { city: "Ashburn" } });
    // The same record read from the portal CSV carries the same session and result.
    const portalSuccess = portal.find((event) => event.ref.recordId === success?.ref.recordId);
    expect(portalSuccess).toMatchObject({ result: "success", sessionId: SESSION, clientIp: "198.51.100.23", ts: success?.ts });
  });

  it("audit: two overlapping Purview exports, the story's operations in them", async () => {
    const first = await parse(m365AuditCsv, "AuditLog_20261126_100512.csv");
    const second = await parse(m365AuditCsv, "AuditLog_20261126_180733.csv");
    expect([first.length, second.length]).toEqual([24, 30]);
    const firstIds = new Set(first.map((event) => event.ref.recordId));
    const shared = second.filter((event) => firstIds.has(event.ref.recordId));
    expect(shared).toHaveLength(21);
    const all = new Map([...first, ...second].map((event) => [event.ref.recordId, event]));
    expect(all.size).toBe(33);
    const events = [...all.values()];
    const bind = events.find((event) => event.kind === "mail.read" && event.user === "erin.walsh@agency.example" && event.how === "bind");
    expect(bind).toMatchObject({
      ts: Date.UTC(2026, 10, 26, 8, 9, 40),
      clientIp: "198.51.100.23",
      userAgent: "python-requests/2.31.0",
      keys: { aadSessionId: SESSION },
      folder: "Inbox",
      items: [{ messageId: "<FIN-2026-0412.a1@agency.example>" }, { messageId: "<FIN-2026-0415.b2@agency.example>" }, { messageId: "<FIN-2026-0420.c3@agency.example>" }],
    });
    const sync = events.find((event) => event.kind === "mail.read" && event.mailbox === "payroll@agency.example");
    expect(sync).toMatchObject({ how: "sync", folder: "Inbox", clientIp: "203.0.113.50", user: "erin.walsh@agency.example", keys: { aadSessionId: SESSION }, extra: { logonType: "Delegated" } });
    const rules = events.filter((event) => event.kind === "mailbox.config" && event.change === "inbox-rule");
    expect(rules.map((event) => (event.kind === "mailbox.config" ? [event.rule?.name, event.grantee] : []))).toEqual([
      ["fwd", "erin.backup@proton.example"],
      [".", undefined],
    ]);
    expect(events.find((event) => event.action === "Add-MailboxPermission")).toMatchObject({ ts: Date.UTC(2026, 10, 20, 10, 0, 0), mailbox: "payroll@agency.example", grantee: "erin.walsh@agency.example", rights: "FullAccess" });
    expect(events.find((event) => event.action === "MoveToDeletedItems")).toMatchObject({ op: "delete", folder: "Sent Items", destFolder: "Deleted Items", items: [{ messageId: "<ATK-0001.z9@agency.example>" }] });
    const frankReads = events.filter((event) => event.kind === "mail.read" && event.user === "frank.osei@agency.example");
    expect(frankReads).toHaveLength(9);
    expect(frankReads.every((event) => event.clientIp === "192.0.2.10" && event.sessionId !== SESSION)).toBe(true);
  });
});
