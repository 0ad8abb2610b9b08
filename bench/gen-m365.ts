/**
 * Generators of large, realistic Microsoft 365 evidence for the benchmarks: Entra sign-ins
 * (NDJSON and one JSON array, ~1.4 KB a record) and a Purview audit CSV (~1.5 KB of AuditData a
 * row). Everything streams to disk in batches: no file is ever built in memory.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { Rng } from "./rng.js";


const USERS = Array.from({ length: 2000 }, (_, i) => `user${String(i).padStart(4, "0")}@contoso.example`);
const APPS = [
  ["00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"],
  ["d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office"],
  ["de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer"],
  ["c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"],
] as const;
const CLIENT_APPS = ["Browser", "Mobile Apps and Desktop clients", "Browser", "Exchange ActiveSync", "IMAP4"];
const PLACES = [
  ["Dublin", "Dublin", "IE", 53.3498, -6.2603],
  ["Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041],
  ["Ashburn", "Virginia", "US", 39.0438, -77.4874],
  ["Redmond", "Washington", "US", 47.6805, -122.1209],
] as const;
const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
  "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
  "python-requests/2.31.0",
];

function isoAt(baseMs: number, index: number): string {
  return new Date(baseMs + index * 1000).toISOString().replace(".000Z", "Z");
}

function signIn(rng: Rng, index: number): Record<string, unknown> {
  const [appId, appName] = rng.pick(APPS);
  const [city, state, country, latitude, longitude] = rng.pick(PLACES);
  const failed = rng.int(10) === 0;
  const upn = rng.pick(USERS);
  return {
    id: rng.guid(),
    createdDateTime: isoAt(Date.UTC(2026, 10, 1), index),
    userDisplayName: upn.split("@")[0],
    userPrincipalName: upn,
    userId: rng.guid(),
    appId,
    appDisplayName: appName,
    ipAddress: `198.51.${rng.int(256)}.${rng.int(256)}`,
    clientAppUsed: rng.pick(CLIENT_APPS),
    userAgent: rng.pick(AGENTS),
    correlationId: rng.guid(),
    conditionalAccessStatus: "notApplied",
    originalRequestId: rng.guid(),
    isInteractive: rng.int(2) === 0,
    tokenIssuerType: "AzureAD",
    authenticationRequirement: "singleFactorAuthentication",
    sessionId: rng.guid(),
    uniqueTokenIdentifier: rng.hex(32),
    riskDetail: "none",
    riskLevelAggregated: "none",
    riskLevelDuringSignIn: "none",
    riskState: "none",
    riskEventTypes_v2: [],
    resourceDisplayName: "Office 365 Exchange Online",
    resourceId: "00000002-0000-0ff1-ce00-000000000000",
    autonomousSystemNumber: 8075 + rng.int(100),
    status: failed
      ? { errorCode: 50126, failureReason: "Error validating credentials due to invalid username or password.", additionalDetails: null }
      : { errorCode: 0, failureReason: null, additionalDetails: null },
    deviceDetail: { deviceId: "", displayName: "", operatingSystem: "Windows 10", browser: "Edge 120.0.0", isCompliant: false, isManaged: false, trustType: "" },
    location: { city, state, countryOrRegion: country, geoCoordinates: { altitude: null, latitude, longitude } },
    appliedConditionalAccessPolicies: [],
    signInEventTypes: ["interactiveUser"],
  };
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, "finish");
}

const BATCH = 500;

/** `count` sign-ins, one Graph `signIn` object a line. */
export async function generateSignInsNdjson(path: string, count: number, seed = 1): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  for (let i = 0; i < count; i += BATCH) {
    let text = "";
    for (let j = i; j < Math.min(count, i + BATCH); j++) text += `${JSON.stringify(signIn(rng, j))}\n`;
    await write(out, text);
  }
  await close(out);
}

/** `count` sign-ins as one top-level JSON array (a portal JSON download, a merged Graph pull). */
export async function generateSignInsArray(path: string, count: number, seed = 1): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  await write(out, "[");
  for (let i = 0; i < count; i += BATCH) {
    let text = "";
    for (let j = i; j < Math.min(count, i + BATCH); j++) text += `${j === 0 ? "" : ","}\n${JSON.stringify(signIn(rng, j))}`;
    await write(out, text);
  }
  await write(out, "\n]\n");
  await close(out);
}

const OPERATIONS = ["MailItemsAccessed", "MailItemsAccessed", "MailItemsAccessed", "Send", "MoveToDeletedItems", "FileAccessed", "New-InboxRule"];

function auditData(rng: Rng, index: number): Record<string, unknown> {
  const operation = rng.pick(OPERATIONS);
  const upn = rng.pick(USERS);
  const common = {
    CreationTime: isoAt(Date.UTC(2026, 10, 1), index).replace("Z", ""),
    Id: rng.guid(),
    Operation: operation,
    OrganizationId: "6f1c7c2a-0b8e-4c7e-9d8e-3a1f5b2c9d10",
    RecordType: operation === "MailItemsAccessed" ? 50 : operation === "Send" ? 2 : operation === "MoveToDeletedItems" ? 3 : operation === "New-InboxRule" ? 1 : 6,
    ResultStatus: "Succeeded",
    UserKey: `10032000${rng.hex(8).toUpperCase()}`,
    UserType: 0,
    Version: 1,
    Workload: operation === "FileAccessed" ? "SharePoint" : "Exchange",
    UserId: upn,
  };
  const mailbox = {
    AppId: "00000002-0000-0ff1-ce00-000000000000",
    ClientAppId: "",
    ClientIPAddress: `198.51.${rng.int(256)}.${rng.int(256)}`,
    ClientInfoString: `Client=OWA;${rng.pick(AGENTS)};`,
    ExternalAccess: false,
    InternalLogonType: 0,
    LogonType: 0,
    LogonUserSid: `S-1-5-21-${rng.int(1e9)}-${rng.int(1e9)}-${rng.int(1e9)}-${rng.int(1e8)}`,
    MailboxGuid: rng.guid(),
    MailboxOwnerSid: `S-1-5-21-${rng.int(1e9)}-${rng.int(1e9)}-${rng.int(1e9)}-${rng.int(1e8)}`,
    MailboxOwnerUPN: upn,
    OrganizationName: "contoso.onmicrosoft.com",
    OriginatingServer: "AM6PR04MB1234 (15.20.7633.016)\r\n",
    SessionId: rng.guid(),
  };
  const message = (): Record<string, unknown> => ({
    Id: `RgAAAAA${rng.hex(60)}AAAJ`,
    InternetMessageId: `<${rng.hex(24)}@AM6PR04MB1234.eurprd04.prod.outlook.com>`,
    SizeInBytes: 2000 + rng.int(90000),
  });
  switch (operation) {
    case "MailItemsAccessed":
      return {
        ...common,
        ...mailbox,
        AppAccessContext: { AADSessionId: rng.guid(), ClientAppId: "00000002-0000-0ff1-ce00-000000000000", IssuedAtTime: common.CreationTime, UniqueTokenId: rng.hex(22) },
        OperationCount: 2,
        OperationProperties: [
          { Name: "MailAccessType", Value: "Bind" },
          { Name: "IsThrottled", Value: "False" },
        ],
        Folders: [{ FolderItems: [message(), message(), message()], Id: `LgAAAAA${rng.hex(50)}AAAB`, Path: "\\Inbox" }],
      };
    case "Send":
      return { ...common, ...mailbox, Item: { ...message(), ParentFolder: { Id: `LgAAAAA${rng.hex(50)}AAAB`, Path: "\\Sent Items" }, Subject: "Quarterly figures", Attachments: "report.xlsx (48213b)" } };
    case "MoveToDeletedItems":
      return {
        ...common,
        ...mailbox,
        Folder: { Id: `LgAAAAA${rng.hex(50)}AAAB`, Path: "\\Inbox" },
        DestFolder: { Id: `LgAAAAA${rng.hex(50)}AAAB`, Path: "\\Deleted Items" },
        AffectedItems: [{ ...message(), Subject: "Re: invoice", ParentFolder: { Id: `LgAAAAA${rng.hex(50)}AAAB`, Path: "\\Inbox" } }],
        CrossMailboxOperation: false,
      };
    case "New-InboxRule":
      return {
        ...common,
        RecordType: 1,
        ObjectId: `EURPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/${upn.split("@")[0]}\\rule`,
        ClientIP: `198.51.${rng.int(256)}.${rng.int(256)}:${1024 + rng.int(60000)}`,
        ExternalAccess: false,
        OrganizationName: "contoso.onmicrosoft.com",
        OriginatingServer: "AM6PR04MB1234 (15.20.7633.016)",
        Parameters: [
          { Name: "AlwaysDeleteOutlookRulesBlob", Value: "False" },
          { Name: "Force", Value: "False" },
          { Name: "Name", Value: "rule" },
          { Name: "From", Value: "partner@fabrikam.example" },
          { Name: "MoveToFolder", Value: "Archive" },
          { Name: "StopProcessingRules", Value: "True" },
        ],
        SessionId: rng.guid(),
        AppId: "",
        ClientAppId: "",
      };
    default:
      return {
        ...common,
        ClientIP: `198.51.${rng.int(256)}.${rng.int(256)}`,
        ObjectId: `https://contoso.sharepoint.com/sites/finance/Shared Documents/Budget ${index}.xlsx`,
        ItemType: "File",
        ListId: rng.guid(),
        ListItemUniqueId: rng.guid(),
        Site: rng.guid(),
        UserAgent: rng.pick(AGENTS),
        WebId: rng.guid(),
        SourceFileExtension: "xlsx",
        SiteUrl: "https://contoso.sharepoint.com/sites/finance/",
        SourceFileName: `Budget ${index}.xlsx`,
        SourceRelativeUrl: "Shared Documents",
        EventSource: "SharePoint",
        AuthenticationType: "OAuth",
        BrowserName: "Edge",
        BrowserVersion: "120.0.2210.91",
        CorrelationId: rng.guid(),
        DoNotDistributeEvent: true,
        GeoLocation: "EUR",
        IsManagedDevice: false,
        Platform: "WinDesktop",
      };
  }
}

function csvCell(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function usDate(iso: string): string {
  const d = new Date(`${iso}Z`);
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** `rows` audit records as the Purview portal exports them (`RecordId,CreationDate,...,AuditData,...`). */
export async function generatePurviewCsv(path: string, rows: number, seed = 1): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  await write(out, "\ufeffRecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
  for (let i = 0; i < rows; i += BATCH) {
    let text = "";
    for (let j = i; j < Math.min(rows, i + BATCH); j++) {
      const data = auditData(rng, j);
      const creation = String(data.CreationTime);
      text += `${String(data.Id)},${usDate(creation)},${String(data.RecordType)},${String(data.Operation)},${String(data.UserId)},${csvCell(JSON.stringify(data))},,\r\n`;
    }
    await write(out, text);
  }
  await close(out);
}
