import { describe, expect, it } from "vitest";
import type { AuthEvent, ParsedEventOf } from "../../../src/model/events.js";
import { entraSigninsCsv } from "../../../src/formats/m365/entra-signins-csv.js";
import { countBy, runParserOnFile } from "../harness.js";

const DIR = new URL("../../../fixtures/m365/entra-signins-csv/", import.meta.url).pathname;

type Auth = ParsedEventOf<AuthEvent>;

async function auths(path: string): Promise<{ list: Auth[]; warnings: { ref: unknown; message: string }[] }> {
  const run = await runParserOnFile(entraSigninsCsv, path);
  return { list: run.items as Auth[], warnings: run.warnings };
}

describe("entra-signins-csv", () => {
  it("SigninLogs export (real, training lab): 56 sign-ins, 3 failures, _dynamic columns and US dates", async () => {
    const { list, warnings } = await auths(`${DIR}sign-in_adelete.csv`);
    expect(warnings).toEqual([]);
    expect(list).toHaveLength(56);
    expect(countBy(list, (event) => event.result ?? "none")).toEqual({ success: 53, failure: 3 });
    expect(list[0]).toMatchObject({
      ts: Date.UTC(2021, 3, 28, 14, 8, 45, 221),
      user: "adelev@m365x816222.onmicrosoft.com",
      clientIp: "175.45.176.99",
      country: "IL",
      location: { city: "Azor", state: "Tel Aviv", country: "IL" },
      device: "Windows 10 / Edge 90.0.818",
      interactive: true,
      method: "Previously satisfied",
      ref: { line: 2, recordId: "cfb68155-70f5-4e28-b046-0a3a7086c401" },
    });
  });

  it("a SigninLogs export without a time column takes the first authentication step's time", async () => {
    const { list, warnings } = await auths(`${DIR}disable_accounts.csv`);
    expect(warnings).toEqual([]);
    expect(list).toHaveLength(4);
    expect(list.every((event) => event.errorCode === "50057" && event.result === "failure")).toBe(true);
    expect(list[0]?.ts).toBe(Date.UTC(2021, 3, 19, 12, 13, 19, 483));
    expect(list[0]?.failureReason).toBe("User account is disabled. The account has been disabled by an administrator.");
  });

  it("the Entra admin centre download (constructed on the documented header, quirks included)", async () => {
    const { list, warnings } = await auths(`${DIR}InteractiveSignIns_2025-12-04_2025-12-05.csv`);
    expect(warnings).toEqual([]);
    expect(list.map((event) => [event.ref.recordId, event.result, event.clientIp, event.clientPort, event.protocol, event.legacyProtocol])).toEqual([
      ["1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e01", "success", "203.0.113.9", undefined, "Browser", undefined],
      ["2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f02", "failure", "2001:db8:6::50", 52311, "IMAP4", true],
      ["3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a03", "success", "198.51.100.23", undefined, "Authenticated SMTP", true],
    ]);
    expect(list[0]).toMatchObject({
      ts: Date.UTC(2025, 11, 4, 8, 19, 41),
      location: { city: "Melbourne", state: "Victoria", country: "AU" },
      appId: "9199bf20-a13f-4107-85dc-02114787ef48",
      asn: 4739,
      interactive: true,
      sessionId: "0f9e8d7c-6b5a-4d3c-9b2a-1f0e9d8c7b01",
      keys: { uniqueTokenId: "QmVuaWduLXRva2VuLWFkZWxldi0wMQ", correlationId: "aa11bb22-cc33-4d44-8e55-ff6677889900" },
      extra: { compliant: false, managed: false, resourceId: "00000002-0000-0ff1-ce00-000000000000" },
      mfa: "Multifactor authentication",
    });
  });

  it("bad: a ragged row, an unreadable date and a broken quote are warned with their lines", async () => {
    const { list, warnings } = await auths(`${DIR}bad/broken-quote-and-ragged.csv`);
    expect(list.map((event) => event.ref.line)).toEqual([2]);
    expect(warnings).toEqual([
      { ref: { line: 3 }, message: "record has 59 fields, the header has 57: record skipped" },
      { ref: { line: 4, recordId: "3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a03" }, message: 'sign-in without a usable time: skipped (Date (UTC) "04.12.2025 08:22" is not a date-time)' },
      { ref: { line: 5 }, message: "a quoted cell is never closed (broken quote): record starting here skipped, reading resumes on the next line" },
    ]);
  });

  it("is not fooled by an analytics-rule output that only looks like sign-ins", () => {
    const rule = Buffer.from("\ufeffStartTime [UTC],EndTime [UTC],IPAddress,disabledAccountLoginAttempts,Type,timestamp [UTC],IPCustomEntity\r\n");
    expect(entraSigninsCsv.sniff(rule, "signinLogs.csv")).toBe(false);
  });
});
