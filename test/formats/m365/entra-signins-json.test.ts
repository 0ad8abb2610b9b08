import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AuthEvent, ParsedEventOf } from "../../../src/model/events.js";
import { entraSigninsJson } from "../../../src/formats/m365/entra-signins-json.js";
import { runParser, runParserOnFile } from "../harness.js";

const DIR = new URL("../../../fixtures/m365/entra-signins-json/", import.meta.url).pathname;

type Auth = ParsedEventOf<AuthEvent>;

async function auths(path: string): Promise<{ list: Auth[]; warnings: { ref: unknown; message: string }[] }> {
  const run = await runParserOnFile(entraSigninsJson, path);
  return { list: run.items as Auth[], warnings: run.warnings };
}

describe("entra-signins-json", () => {
  it("a Graph v1.0 page: the documentation record with every field, and a beta failure", async () => {
    const { list, warnings } = await auths(`${DIR}graph-page-v1.json`);
    expect(warnings).toEqual([]);
    expect(list).toHaveLength(2);
    expect(list[0]).toEqual({
      kind: "auth",
      ts: Date.UTC(2020, 2, 13, 19, 15, 41, 619),
      tsDesc: "Sign-in time",
      action: "Sign-in activity",
      result: "success",
      user: "testaccount1@contoso.com",
      clientIp: "131.107.159.37",
      clientPort: undefined,
      country: "US",
      userAgent: undefined,
      sessionId: undefined,
      keys: { correlationId: "d79f5bee-5860-4832-928f-3133e22ae912", requestId: "66ea54eb-6301-4ee5-be62-ff5a759b0100" },
      detail: "Browser sign-in to Microsoft Graph via Graph explorer from Redmond, US",
      extra: { userId: "26be570a-ae82-4189-b4e2-a37c6808512d", userDisplayName: "Test Contoso", resourceId: "00000003-0000-0000-c000-000000000000" },
      protocol: "Browser",
      legacyProtocol: undefined,
      method: undefined,
      errorCode: "0",
      failureReason: undefined,
      location: { city: "Redmond", state: "Washington", country: "US", latitude: 47.68050003051758, longitude: -122.12094116210938 },
      asn: undefined,
      interactive: true,
      appId: "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
      appName: "Graph explorer",
      resource: "Microsoft Graph",
      mfa: undefined,
      risk: "none",
      conditionalAccess: "notApplied",
      device: "Windows 10 / Edge 80.0.361",
      ref: { offset: 241, recordId: "66ea54eb-6301-4ee5-be62-ff5a759b0100" },
    });
    expect(list[1]).toMatchObject({
      result: "failure",
      errorCode: "50126",
      failureReason: "Error validating credentials due to invalid username or password.",
      protocol: "IMAP4",
      legacyProtocol: true,
      clientIp: "2001:db8:4::23",
      asn: 1136,
      userAgent: "python-requests/2.31.0",
      method: "Password",
      interactive: true,
      mfa: "singleFactorAuthentication",
    });
  });

  it("NDJSON of beta records: session and token ids as correlation keys, non-interactive from signInEventTypes", async () => {
    const { list, warnings } = await auths(`${DIR}graph-beta.ndjson`);
    expect(warnings).toEqual([]);
    expect(list.map((event) => event.ref.line)).toEqual([1, 2, 3]);
    expect(list[1]).toMatchObject({
      sessionId: "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f00",
      keys: { aadSessionId: "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f00", uniqueTokenId: "ZTE0OTk3YTQtZjg5Mi00YjBiLWIwNTEtZmViZTA1YzJhNDli" },
      interactive: false,
      protocol: "Authenticated SMTP",
      legacyProtocol: true,
    });
  });

  it("a UTF-16LE page with BOM reads like UTF-8", async () => {
    const { list, warnings } = await auths(`${DIR}graph-page-utf16le.json`);
    expect(warnings).toEqual([]);
    expect(list.map((event) => event.ref.recordId)).toEqual(["c2a9e8f7-3b1d-4c6e-8a5f-2e4b7d9c1a02"]);
  });

  it("the portal JSON download (an array) and the cribl collector wrapping (_raw strings)", async () => {
    const portal = await auths(`${DIR}portal-download.json`);
    expect(portal.list.map((event) => event.ref.recordId)).toEqual(["5e0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a03", "6f1b2c3d-4e5f-4061-9b7c-8d9e0f1a2b04"]);
    const cribl = await auths(`${DIR}graph_signins_7cieEB.json`);
    expect(cribl.warnings).toEqual([]);
    expect(cribl.list.map((event) => [event.user, event.clientIp, event.result, event.failureReason])).toEqual([
      ["mscore@afos.io", "2600:100f:a100:735:2c45:127a:aaaa:0", "success", undefined],
      ["rknight@company.io", "70.1.1.10", "success", undefined],
    ]);
    // The anonymised all-zero ids identify nothing: no record id, no shared correlation key.
    expect(cribl.list.map((event) => [event.ref.recordId, event.keys?.correlationId])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(cribl.list[0]?.risk).toBe("medium (state remediated)");
  });

  it("Log Analytics JSON rows: SigninLogs with dynamic objects, AADNonInteractiveUserSignInLogs with JSON text", async () => {
    const { list, warnings } = await auths(`${DIR}log-analytics-signins.json`);
    expect(warnings).toEqual([]);
    expect(list[0]).toMatchObject({
      ts: Date.UTC(2021, 3, 19, 12, 13, 19, 483),
      result: "failure",
      errorCode: "50057",
      country: "KP",
      location: { city: "Pyongyang", country: "KP" },
      interactive: true,
      ref: { offset: 4, recordId: "698711b3-cf4e-45f4-ae04-d4e340f06b00" },
    });
    expect(list[1]).toMatchObject({
      result: "success",
      interactive: false,
      sessionId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c09",
      location: { city: "Azor", state: "Tel Aviv", country: "IL" },
      device: "Windows 10",
    });
  });

  it("diagnostic-settings records: sign-in categories read, another category warned", async () => {
    const { list, warnings } = await auths(`${DIR}diagnostic-settings-records.json`);
    expect(list.map((event) => [event.clientIp, event.interactive])).toEqual([
      ["192.0.2.10", true],
      ["198.51.100.77", false],
    ]);
    expect(warnings).toEqual([{ ref: { offset: 4095 }, message: "not a sign-in record (no createdDateTime / CreatedDateTime, no SignInLogs category): skipped" }]);
  });

  it("1-byte chunks give the same events for a page", async () => {
    const data = readFileSync(`${DIR}graph-page-v1.json`);
    expect((await runParser(entraSigninsJson, data, { chunkSize: 1 })).items).toEqual((await runParser(entraSigninsJson, data)).items);
  });

  it("bad: a truncated page yields the complete records and one located warning", async () => {
    const { list, warnings } = await auths(`${DIR}bad/truncated-page.json`);
    expect(list.map((event) => event.ref.recordId)).toEqual(["66ea54eb-6301-4ee5-be62-ff5a759b0100", "b6f3d2a1-0c4e-4f8a-9e2b-1d7c5a3e9f01"]);
    expect(warnings).toEqual([{ ref: { offset: 4027 }, message: "input ends inside this value (truncated file): the complete values before it were read" }]);
  });

  it("bad: fields of the wrong type are warned with the record id; the record is kept unless its time is unusable", async () => {
    const { list, warnings } = await auths(`${DIR}bad/wrong-types.json`);
    expect(list.map((event) => event.ref.recordId)).toEqual([
      "0a1b2c3d-0000-4000-8000-000000000001",
      "0a1b2c3d-0000-4000-8000-000000000003",
      "0a1b2c3d-0000-4000-8000-000000000004",
    ]);
    expect(list[0]).toMatchObject({ result: undefined, interactive: undefined });
    expect(list[1]?.location).toEqual({ city: "Redmond", state: undefined, country: "US", latitude: undefined, longitude: -122.1 });
    expect(warnings).toEqual([
      { ref: { offset: 3, recordId: "0a1b2c3d-0000-4000-8000-000000000001" }, message: 'status is a string, expected an object; isInteractive is a string "maybe", expected true or false' },
      { ref: { offset: 1214, recordId: "0a1b2c3d-0000-4000-8000-000000000002" }, message: 'sign-in without a usable time: skipped (createdDateTime "12345" is not a date-time)' },
      { ref: { offset: 2468, recordId: "0a1b2c3d-0000-4000-8000-000000000003" }, message: 'latitude is a string "north", expected a number' },
    ]);
  });

  it("bad: a broken NDJSON line is one warning, the next lines are read", async () => {
    const { list, warnings } = await auths(`${DIR}bad/ndjson-broken-line.ndjson`);
    expect(list.map((event) => event.ref.line)).toEqual([1, 3]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.ref).toEqual({ line: 2 });
    expect(warnings[0]?.message).toMatch(/^not valid JSON/);
  });

  it("does not take Graph user objects or audit records for sign-ins", () => {
    const users = JSON.stringify({ value: [{ id: "1", createdDateTime: "2020-01-01T00:00:00Z", userPrincipalName: "a@b.example", displayName: "A" }] });
    expect(entraSigninsJson.sniff(Buffer.from(users), "users.json")).toBe(false);
    const audit = JSON.stringify({ CreationTime: "2020-02-17T17:12:03", Operation: "Send", RecordType: 2 });
    expect(entraSigninsJson.sniff(Buffer.from(audit), "audit.json")).toBe(false);
  });
});
