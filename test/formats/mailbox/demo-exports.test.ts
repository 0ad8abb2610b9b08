/** The demo case's cloud mailbox exports hold exactly what the demo story says. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../src/model/messages.js";
import { mbox } from "../../../src/formats/mailbox/mbox.js";
import { runParser } from "../harness.js";

const EXPORTS = new URL("../../../fixtures/demo-case/evidence/exports/", import.meta.url).pathname;

async function inventory(owner: string): Promise<ParsedMessage[]> {
  const file = `exports/${owner}/Inbox/mbox`;
  const run = await runParser(mbox, readFileSync(`${EXPORTS}${owner}/Inbox/mbox`), { file });
  expect(run.warnings).toEqual([]);
  return run.items as ParsedMessage[];
}

const row = (m: ParsedMessage) => [
  m.mailbox,
  m.folder,
  m.messageId,
  m.from?.map((a) => a.address).join(";"),
  m.to?.map((a) => a.address).join(";"),
  m.cc?.map((a) => a.address).join(";") ?? "",
  m.subject,
  new Date(m.received ?? 0).toISOString(),
];

describe("demo case exports (scripts/make-demo-exports.mjs)", () => {
  it("erin.walsh@: the three messages the attacker bound, and two more", async () => {
    const erin = await inventory("erin.walsh@agency.example");
    expect(erin.map(row)).toEqual([
      ["erin.walsh@agency.example", "Inbox", "<FIN-2026-0398.d4@agency.example>", "frank.osei@agency.example", "erin.walsh@agency.example", "", "Team lunch", "2026-11-18T11:02:44.000Z"],
      ["erin.walsh@agency.example", "Inbox", "<FIN-2026-0401.e5@agency.example>", "dave@agency.example", "erin.walsh@agency.example", "", "Audit schedule", "2026-11-19T09:47:03.000Z"],
      ["erin.walsh@agency.example", "Inbox", "<FIN-2026-0412.a1@agency.example>", "frank.osei@agency.example", "erin.walsh@agency.example", "payroll@agency.example", "Q3 supplier payments batch", "2026-11-24T14:12:07.000Z"],
      ["erin.walsh@agency.example", "Inbox", "<FIN-2026-0415.b2@agency.example>", "olga@tailspin-audit.example", "erin.walsh@agency.example", "", "Bank details update - Tailspin Audit", "2026-11-25T16:40:31.000Z"],
      ["erin.walsh@agency.example", "Inbox", "<FIN-2026-0420.c3@agency.example>", "hr-director@agency.example", "erin.walsh@agency.example", "alice@agency.example", "Salary review 2027 (confidential)", "2026-11-25T18:05:12.000Z"],
    ]);
    expect(erin[2]?.attachments).toEqual([
      { filename: "Q3-supplier-payments.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", size: 3000 },
    ]);
  });

  it("payroll@: four messages, one received after the 08:24:10 Sync", async () => {
    const payroll = await inventory("payroll@agency.example");
    expect(payroll.map(row)).toEqual([
      ["payroll@agency.example", "Inbox", "<PAY-2026-11-01.p1@agency.example>", "frank.osei@agency.example", "payroll@agency.example", "", "November payroll run", "2026-11-02T08:15:26.000Z"],
      ["payroll@agency.example", "Inbox", "<PAY-2026-11-02.p2@agency.example>", "alice@agency.example", "payroll@agency.example", "", "Overtime claims", "2026-11-10T13:31:50.000Z"],
      ["payroll@agency.example", "Inbox", "<FIN-2026-0412.a1@agency.example>", "frank.osei@agency.example", "erin.walsh@agency.example", "payroll@agency.example", "Q3 supplier payments batch", "2026-11-24T14:12:07.000Z"],
      ["payroll@agency.example", "Inbox", "<PAY-2026-11-03.p3@agency.example>", "dave@agency.example", "payroll@agency.example", "", "Payroll corrections", "2026-11-26T09:30:00.000Z"],
    ]);
    const sync = Date.parse("2026-11-26T08:24:10Z");
    expect(payroll.filter((m) => (m.received ?? 0) > sync).map((m) => m.messageId)).toEqual(["<PAY-2026-11-03.p3@agency.example>"]);
  });
});
