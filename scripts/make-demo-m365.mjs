#!/usr/bin/env node
/**
 * Writes the Microsoft 365 evidence of the demo story (fixtures/demo-case/README.md):
 * Entra sign-ins as two Graph beta pages plus an overlapping Entra admin centre CSV download, and the
 * Unified Audit Log as two overlapping Purview exports. Deterministic: ids are derived from labels, so
 * re-running gives byte-identical files. Run: node scripts/make-demo-m365.mjs
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "demo-case", "evidence", "m365");
const TENANT = "6f1c7c2a-0b8e-4c7e-9d8e-3a1f5b2c9d10";
const SESSION = "5c1f0a3e-7b8d-4e2f-9a61-0d4c2b7e8f93";
const TOKEN = "dGVzdC10b2tlbi1lcmluLTAx";
const ATTACKER = "198.51.100.23";
const REPLAY = "203.0.113.50";
const OFFICE = "192.0.2.10";
const PYTHON = "python-requests/2.31.0";
const OUTLOOK = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)";

/** A stable GUID from a label. */
function guid(label) {
  const h = createHash("sha256").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function b64(label) {
  return Buffer.from(label).toString("base64url");
}

const USERS = {
  "erin.walsh@agency.example": { name: "Erin Walsh", id: guid("user erin") },
  "frank.osei@agency.example": { name: "Frank Osei", id: guid("user frank") },
  "payroll@agency.example": { name: "Payroll", id: guid("user payroll") },
  "bob@agency.example": { name: "Bob Okafor", id: guid("user bob") },
};

const PLACES = {
  [ATTACKER]: { city: "Amsterdam", state: "Noord-Holland", countryOrRegion: "NL", geoCoordinates: { altitude: null, latitude: 52.37403, longitude: 4.88969 }, asn: 64501 },
  [REPLAY]: { city: "Ashburn", state: "Virginia", countryOrRegion: "US", geoCoordinates: { altitude: null, latitude: 39.04372, longitude: -77.48749 }, asn: 64502 },
  [OFFICE]: { city: "Dublin", state: "Dublin", countryOrRegion: "IE", geoCoordinates: { altitude: null, latitude: 53.34981, longitude: -6.26031 }, asn: 64510 },
};

const APPS = {
  office: { appId: "d3590ed6-52b3-4102-aeff-aad2292ab01c", appDisplayName: "Microsoft Office" },
  owa: { appId: "9199bf20-a13f-4107-85dc-02114787ef48", appDisplayName: "One Outlook Web" },
};

// ---------------------------------------------------------------- sign-ins

function signIn({ label, time, upn, ip, app, clientApp, userAgent, errorCode = 0, interactive = true, session, token, os = "Windows 10", browser = "Edge 131.0.0" }) {
  const place = PLACES[ip];
  const failed = errorCode !== 0;
  const id = guid(`signin ${label}`);
  return {
    id,
    createdDateTime: time,
    userDisplayName: USERS[upn].name,
    userPrincipalName: upn,
    userId: USERS[upn].id,
    appId: APPS[app].appId,
    appDisplayName: APPS[app].appDisplayName,
    ipAddress: ip,
    clientAppUsed: clientApp,
    userAgent,
    correlationId: guid(`correlation ${label}`),
    conditionalAccessStatus: "notApplied",
    originalRequestId: id,
    isInteractive: interactive,
    tokenIssuerName: "",
    tokenIssuerType: "AzureAD",
    authenticationProtocol: "none",
    incomingTokenType: interactive ? "none" : "primaryRefreshToken",
    authenticationRequirement: "singleFactorAuthentication",
    signInIdentifier: upn,
    userType: "member",
    sessionId: failed ? "" : session,
    uniqueTokenIdentifier: failed ? b64(`failed ${label}`) : token,
    signInEventTypes: [interactive ? "interactiveUser" : "nonInteractiveUser"],
    autonomousSystemNumber: place.asn,
    riskDetail: "none",
    riskLevelAggregated: "none",
    riskLevelDuringSignIn: "none",
    riskState: "none",
    riskEventTypes_v2: [],
    resourceDisplayName: "Office 365 Exchange Online",
    resourceId: "00000002-0000-0ff1-ce00-000000000000",
    resourceTenantId: TENANT,
    homeTenantId: TENANT,
    status: failed
      ? { errorCode, failureReason: "Error validating credentials due to invalid username or password.", additionalDetails: "The user didn't enter the right credentials." }
      : { errorCode: 0, failureReason: null, additionalDetails: null },
    deviceDetail: { deviceId: "", displayName: "", operatingSystem: os, browser, isCompliant: false, isManaged: false, trustType: "" },
    location: { city: place.city, state: place.state, countryOrRegion: place.countryOrRegion, geoCoordinates: place.geoCoordinates },
    appliedConditionalAccessPolicies: [],
    authenticationDetails: [
      {
        authenticationStepDateTime: time,
        authenticationMethod: interactive ? "Password" : "Previously satisfied",
        authenticationMethodDetail: interactive ? "Password in the cloud" : "",
        succeeded: !failed,
        authenticationStepResultDetail: failed ? "Invalid username or password or Invalid on-premise username or password." : interactive ? "Correct password" : "First factor requirement satisfied by claim in the token",
        authenticationStepRequirement: "Primary authentication",
      },
    ],
  };
}

const signIns = [];
// 08:02-08:06: the spray, three rounds over three accounts.
const sprayed = ["erin.walsh@agency.example", "frank.osei@agency.example", "payroll@agency.example"];
for (const [round, minute] of [[1, 2], [2, 4], [3, 6]]) {
  sprayed.forEach((upn, i) => {
    const second = String(7 + i * 11 + round).padStart(2, "0");
    signIns.push(signIn({ label: `spray ${round} ${upn}`, time: `2026-11-26T08:0${minute}:${second}Z`, upn, ip: ATTACKER, app: "owa", clientApp: "Browser", userAgent: PYTHON, errorCode: 50126, os: "", browser: "Python Requests 2.31" }));
  });
}
// 08:07:12: the password works for erin.
signIns.push(signIn({ label: "erin success", time: "2026-11-26T08:07:12Z", upn: "erin.walsh@agency.example", ip: ATTACKER, app: "owa", clientApp: "Browser", userAgent: PYTHON, session: SESSION, token: TOKEN, os: "", browser: "Python Requests 2.31" }));
// 08:23:58: the stolen session refreshed from another host (token replay), non-interactive.
signIns.push(signIn({ label: "erin replay", time: "2026-11-26T08:23:58Z", upn: "erin.walsh@agency.example", ip: REPLAY, app: "office", clientApp: "Mobile Apps and Desktop clients", userAgent: OUTLOOK, interactive: false, session: SESSION, token: TOKEN }));
// Frank's own Outlook through the day, from the office.
const frankSessions = [guid("frank session morning"), guid("frank session afternoon")];
for (const [label, time, interactive, session] of [
  ["frank 1", "2026-11-26T07:58:31Z", true, frankSessions[0]],
  ["frank 2", "2026-11-26T08:41:05Z", false, frankSessions[0]],
  ["frank 3", "2026-11-26T09:47:22Z", false, frankSessions[0]],
  ["frank 4", "2026-11-26T11:02:40Z", false, frankSessions[0]],
  ["frank 5", "2026-11-26T13:15:09Z", true, frankSessions[1]],
  ["frank 6", "2026-11-26T14:30:51Z", false, frankSessions[1]],
  ["frank 7", "2026-11-26T16:05:18Z", false, frankSessions[1]],
]) {
  signIns.push(signIn({ label, time, upn: "frank.osei@agency.example", ip: OFFICE, app: "office", clientApp: "Mobile Apps and Desktop clients", userAgent: OUTLOOK, interactive, session, token: b64(`frank ${session} ${label}`) }));
}
// Graph returns the newest first.
signIns.sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));

const CONTEXT = "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns";
const FILTER = "$filter=createdDateTime%20ge%202026-11-26T00:00:00Z%20and%20createdDateTime%20lt%202026-11-27T00:00:00Z";
mkdirSync(join(OUT, "signins-graph"), { recursive: true });
writeFileSync(
  join(OUT, "signins-graph", "page-1.json"),
  JSON.stringify({ "@odata.context": CONTEXT, "@odata.nextLink": `https://graph.microsoft.com/beta/auditLogs/signIns?${FILTER}&$top=10&$skiptoken=4f3c2a1b0e9d8c7b6a59483726150413_10`, value: signIns.slice(0, 10) }),
);
writeFileSync(join(OUT, "signins-graph", "page-2.json"), JSON.stringify({ "@odata.context": CONTEXT, value: signIns.slice(10) }));

// The portal download of interactive sign-ins between 08:00 and 09:00, made by another analyst.
const PORTAL_HEADER =
  "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Cross tenant access type,Incoming token type,Authentication Protocol,Unique token identifier,Original transfer method,Client credential type,Token Protection - Sign In Session,Token Protection - Sign In Session StatusCode,Application,Application ID ,App owner tenant ID,Resource,Resource ID ,Resource tenant ID,Resource owner tenant ID,Home tenant ID,Home tenant name,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Device ID,Browser,Operating System,Compliant,Managed,Join Type,Multifactor authentication result,Multifactor authentication auth method,Multifactor authentication auth detail,Authentication requirement,Sign-in identifier,Session ID,IP address (seen by resource),Through Global Secure Access,Global Secure Access IP address,Autonomous system  number,Flagged for review,Token issuer type,Incoming token type,Token issuer name,Latency,Conditional Access,Managed Identity type,Associated Resource Id,Federated Token Id,Federated Token Issuer";

function cell(value) {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function portalRow(s) {
  const failed = s.status.errorCode !== 0;
  const cells = [
    s.createdDateTime, s.id, s.userAgent, s.correlationId, s.userId, s.userDisplayName, s.userPrincipalName, "Member", "None", "None", "None",
    s.uniqueTokenIdentifier, "None", "None", "", "", s.appDisplayName, s.appId, "", s.resourceDisplayName, s.resourceId, TENANT, "", TENANT, "Agency",
    s.ipAddress, `${s.location.city}, ${s.location.state}, ${s.location.countryOrRegion}`, failed ? "Failure" : "Success", s.status.errorCode,
    failed ? s.status.failureReason : "Other.", s.clientAppUsed, "", s.deviceDetail.browser, s.deviceDetail.operatingSystem, "No", "No", "", "", "", "",
    "Single-factor authentication", s.userPrincipalName, s.sessionId, "", "No", "", s.autonomousSystemNumber, "No", "Azure AD", "None", "", 120 + (s.id.charCodeAt(0) % 60), "Not Applied", "", "", "", "",
  ];
  return `${cells.map(cell).join(",")}\r\n`;
}

const portal = signIns
  .filter((s) => s.isInteractive && s.createdDateTime >= "2026-11-26T08:00:00Z" && s.createdDateTime < "2026-11-26T09:00:00Z")
  .map(portalRow)
  .join("");
writeFileSync(join(OUT, "InteractiveSignIns_2026-11-26_2026-11-26.csv"), `\ufeff${PORTAL_HEADER}\r\n${portal}`);

// ---------------------------------------------------------------- audit log

const MAILBOX_GUIDS = { "erin.walsh@agency.example": guid("mailbox erin"), "frank.osei@agency.example": guid("mailbox frank"), "payroll@agency.example": guid("mailbox payroll") };
const SIDS = { "erin.walsh@agency.example": "S-1-5-21-2837405911-1820145633-1504937715-31402711", "frank.osei@agency.example": "S-1-5-21-2837405911-1820145633-1504937715-31402718", "payroll@agency.example": "S-1-5-21-2837405911-1820145633-1504937715-31402722" };
const PUIDS = { "erin.walsh@agency.example": "10032003A1B2C3D4", "frank.osei@agency.example": "10032003A1B2C3E7", "bob@agency.example": "10032003A1B2C301" };
const SERVER = "AM9PR04MB8123 (15.20.8182.020)";

function base(label, time, operation, recordType, user, workload = "Exchange") {
  return {
    CreationTime: time,
    Id: guid(`audit ${label}`),
    Operation: operation,
    OrganizationId: TENANT,
    RecordType: recordType,
    ResultStatus: "Succeeded",
    UserKey: PUIDS[user] ?? "10032003A1B2C3FF",
    UserType: 0,
    Version: 1,
    Workload: workload,
    UserId: user,
  };
}

function mailboxPart(user, owner, ip, clientInfo, logonType, session, tokenLabel) {
  return {
    AppId: "00000002-0000-0ff1-ce00-000000000000",
    ClientAppId: "",
    ClientIPAddress: ip,
    ClientInfoString: clientInfo,
    ExternalAccess: false,
    InternalLogonType: logonType,
    LogonType: logonType,
    LogonUserSid: SIDS[user],
    MailboxGuid: MAILBOX_GUIDS[owner],
    MailboxOwnerSid: SIDS[owner],
    MailboxOwnerUPN: owner,
    OrganizationName: "agencyexample.onmicrosoft.com",
    OriginatingServer: `${SERVER}\r\n`,
    SessionId: guid(`exchange session ${session}`),
    ...(tokenLabel ? { AppAccessContext: { AADSessionId: session, ClientAppId: tokenLabel.app, ClientAppName: tokenLabel.name, IssuedAtTime: tokenLabel.issued, UniqueTokenId: tokenLabel.token } } : {}),
  };
}

const FOLDER_IDS = { Inbox: "LgAAAAB7qKzX9tlGS5Ku4x2m0DqnAQCg0sOfBAzmRb1oJ8S3nA5YAAAAAAEMAAAB", "Sent Items": "LgAAAAB7qKzX9tlGS5Ku4x2m0DqnAQCg0sOfBAzmRb1oJ8S3nA5YAAAAAAEJAAAB", "Deleted Items": "LgAAAAB7qKzX9tlGS5Ku4x2m0DqnAQCg0sOfBAzmRb1oJ8S3nA5YAAAAAAEKAAAB" };
const ATTACKER_CONTEXT = { app: "9199bf20-a13f-4107-85dc-02114787ef48", name: "One Outlook Web", issued: "2026-11-26T08:07:12", token: TOKEN };
const REPLAY_CONTEXT = { app: "d3590ed6-52b3-4102-aeff-aad2292ab01c", name: "Microsoft Office", issued: "2026-11-26T08:23:58", token: TOKEN };
const OWA_PYTHON = `Client=OWA;${PYTHON};`;

function itemOf(messageId, size, subject) {
  return { Id: `RgAAAAB7qKzX9tlGS5Ku4x2m0DqnBwCg0sOfBAzmRb1oJ8S3nA5YAAAAAAEMAACg0sOfBAzmRb1oJ8S3nA5YAAA${createHash("md5").update(messageId).digest("hex").slice(0, 6).toUpperCase()}AAAJ`, InternetMessageId: messageId, SizeInBytes: size, ...(subject ? { Subject: subject } : {}) };
}

function bind(label, time, user, ip, clientInfo, session, context, items) {
  return {
    ...base(label, time, "MailItemsAccessed", 50, user),
    ...mailboxPart(user, user, ip, clientInfo, 0, session, context),
    OperationCount: items.length,
    OperationProperties: [
      { Name: "MailAccessType", Value: "Bind" },
      { Name: "IsThrottled", Value: "False" },
    ],
    Folders: [{ FolderItems: items, Id: FOLDER_IDS.Inbox, Path: "\\Inbox" }],
  };
}

function logon(label, time, user, ip, ok, userAgent, session) {
  return {
    ...base(label, time, ok ? "UserLoggedIn" : "UserLoginFailed", 15, user, "AzureActiveDirectory"),
    ResultStatus: "Success",
    ClientIP: ip,
    ObjectId: "00000002-0000-0ff1-ce00-000000000000",
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      { Name: "ResultStatusDetail", Value: ok ? "Redirect" : "UserError" },
      { Name: "UserAgent", Value: userAgent },
      { Name: "RequestType", Value: "OAuth2:Authorize" },
    ],
    ModifiedProperties: [],
    Actor: [
      { ID: USERS[user].id, Type: 0 },
      { ID: user, Type: 5 },
    ],
    ActorContextId: TENANT,
    ActorIpAddress: ip,
    InterSystemsId: guid(`correlation ${label.replace(/^aad /, "")}`),
    IntraSystemId: guid(`signin ${label.replace(/^aad /, "")}`),
    SupportTicketId: "",
    Target: [{ ID: "00000002-0000-0ff1-ce00-000000000000", Type: 0 }],
    TargetContextId: TENANT,
    ApplicationId: ok && user.startsWith("frank") ? APPS.office.appId : APPS.owa.appId,
    DeviceProperties: [
      { Name: "OS", Value: user.startsWith("frank") ? "Windows10" : "Linux" },
      { Name: "BrowserType", Value: user.startsWith("frank") ? "Other" : "Other" },
      ...(session ? [{ Name: "SessionId", Value: session }] : []),
    ],
    ErrorCode: ok ? "0" : "50126",
    ...(ok ? {} : { LogonError: "InvalidUserNameOrPassword" }),
  };
}

function cmdlet(label, time, operation, user, ip, objectId, parameters) {
  return {
    ...base(label, time, operation, 1, user),
    ResultStatus: "True",
    UserType: user.startsWith("bob") ? 2 : 0,
    ObjectId: objectId,
    AppId: "00000002-0000-0ff1-ce00-000000000000",
    ClientAppId: "",
    ClientIP: ip,
    ExternalAccess: false,
    OrganizationName: "agencyexample.onmicrosoft.com",
    OriginatingServer: SERVER,
    Parameters: parameters,
    SessionId: guid(`cmdlet session ${label}`),
  };
}

const ORG_PATH = "EURPR04A012.prod.outlook.com/Microsoft Exchange Hosted Organizations/agencyexample.onmicrosoft.com";
const audit = [];
// 2026-11-20: the benign grant that later lets the attacker into payroll@.
audit.push(cmdlet("perm payroll", "2026-11-20T10:00:00", "Add-MailboxPermission", "bob@agency.example", `${OFFICE}:51512`, `${ORG_PATH}/payroll`, [
  { Name: "Identity", Value: "payroll@agency.example" },
  { Name: "User", Value: "erin.walsh@agency.example" },
  { Name: "AccessRights", Value: "FullAccess" },
  { Name: "InheritanceType", Value: "All" },
  { Name: "AutoMapping", Value: "True" },
]));
// The spray and the success, as the audit log sees them.
for (const s of signIns.filter((entry) => entry.ipAddress === ATTACKER)) {
  const label = `aad ${s.id}`;
  const spray = s.status.errorCode !== 0;
  const source = spray ? `spray ${s.createdDateTime}` : "erin success";
  audit.push(logon(label, s.createdDateTime.replace("Z", ""), s.userPrincipalName, ATTACKER, !spray, PYTHON, spray ? undefined : SESSION));
  audit[audit.length - 1].Id = guid(`audit ${source} ${s.userPrincipalName}`);
  audit[audit.length - 1].IntraSystemId = s.id;
  audit[audit.length - 1].InterSystemsId = s.correlationId;
}
// 08:09:40: erin's Inbox read item by item.
audit.push(
  bind("erin bind", "2026-11-26T08:09:40", "erin.walsh@agency.example", ATTACKER, OWA_PYTHON, SESSION, ATTACKER_CONTEXT, [
    itemOf("<FIN-2026-0412.a1@agency.example>", 48213),
    itemOf("<FIN-2026-0415.b2@agency.example>", 15877),
    itemOf("<FIN-2026-0420.c3@agency.example>", 30944),
  ]),
);
// 08:15:03 and 08:16:30: the hiding rule and the forwarding rule.
audit.push(cmdlet("rule dot", "2026-11-26T08:15:03", "New-InboxRule", "erin.walsh@agency.example", `${ATTACKER}:53144`, `${ORG_PATH}/erin.walsh\\.`, [
  { Name: "AlwaysDeleteOutlookRulesBlob", Value: "False" },
  { Name: "Force", Value: "False" },
  { Name: "From", Value: "olga@tailspin-audit.example" },
  { Name: "MoveToFolder", Value: "Conversation History" },
  { Name: "Name", Value: "." },
  { Name: "MarkAsRead", Value: "True" },
  { Name: "StopProcessingRules", Value: "True" },
]));
audit.push(cmdlet("rule fwd", "2026-11-26T08:16:30", "New-InboxRule", "erin.walsh@agency.example", `${ATTACKER}:53190`, `${ORG_PATH}/erin.walsh\\fwd`, [
  { Name: "AlwaysDeleteOutlookRulesBlob", Value: "False" },
  { Name: "Force", Value: "False" },
  { Name: "ForwardTo", Value: "erin.backup@proton.example" },
  { Name: "Name", Value: "fwd" },
]));
// 08:24:10: payroll@ synchronised by erin's replayed token from another host.
audit.push({
  ...base("payroll sync", "2026-11-26T08:24:10", "MailItemsAccessed", 50, "erin.walsh@agency.example"),
  ...mailboxPart("erin.walsh@agency.example", "payroll@agency.example", REPLAY, "Client=MSExchangeRPC", 2, SESSION, REPLAY_CONTEXT),
  OperationCount: 1,
  OperationProperties: [
    { Name: "MailAccessType", Value: "Sync" },
    { Name: "IsThrottled", Value: "False" },
  ],
  Folders: [{ Id: "LgAAAAC5rLaY0umHT6Lv5y3n1EroAQDh1tPgCB0nSc2pK9T4oB6ZAAAAAAEMAAAB", Path: "\\Inbox" }],
});
// 08:30:00: the fraud mail, then its copy in Sent Items deleted.
audit.push({
  ...base("attacker send", "2026-11-26T08:30:00", "Send", 2, "erin.walsh@agency.example"),
  ...mailboxPart("erin.walsh@agency.example", "erin.walsh@agency.example", ATTACKER, OWA_PYTHON, 0, SESSION, ATTACKER_CONTEXT),
  Item: { ...itemOf("<ATK-0001.z9@agency.example>", 9811, "Urgent: updated bank details"), ParentFolder: { Id: FOLDER_IDS["Sent Items"], Path: "\\Sent Items" } },
  SaveToSentItems: true,
});
audit.push({
  ...base("attacker delete", "2026-11-26T08:31:00", "MoveToDeletedItems", 3, "erin.walsh@agency.example"),
  ...mailboxPart("erin.walsh@agency.example", "erin.walsh@agency.example", ATTACKER, OWA_PYTHON, 0, SESSION, ATTACKER_CONTEXT),
  CrossMailboxOperation: false,
  Folder: { Id: FOLDER_IDS["Sent Items"], Path: "\\Sent Items" },
  DestFolder: { Id: FOLDER_IDS["Deleted Items"], Path: "\\Deleted Items" },
  AffectedItems: [{ ...itemOf("<ATK-0001.z9@agency.example>", 9811, "Urgent: updated bank details"), ParentFolder: { Id: FOLDER_IDS["Sent Items"], Path: "\\Sent Items" } }],
});
// Frank's ordinary day: sign-ins, his Outlook reading his own Inbox, a reply, files.
const FRANK = "frank.osei@agency.example";
const frankContext = (session, issued) => ({ app: APPS.office.appId, name: "Microsoft Office", issued, token: b64(`frank ${session}`) });
for (const s of signIns.filter((entry) => entry.userPrincipalName === FRANK && entry.isInteractive && entry.ipAddress === OFFICE)) {
  const record = logon(`aad ${s.id}`, s.createdDateTime.replace("Z", ""), FRANK, OFFICE, true, OUTLOOK, s.sessionId);
  record.IntraSystemId = s.id;
  record.InterSystemsId = s.correlationId;
  audit.push(record);
}
audit.push({
  ...base("frank sync", "2026-11-26T07:59:02", "MailItemsAccessed", 50, FRANK),
  ...mailboxPart(FRANK, FRANK, OFFICE, "Client=MSExchangeRPC", 0, frankSessions[0], frankContext(frankSessions[0], "2026-11-26T07:58:31")),
  OperationCount: 1,
  OperationProperties: [
    { Name: "MailAccessType", Value: "Sync" },
    { Name: "IsThrottled", Value: "False" },
  ],
  Folders: [{ Id: "LgAAAADm5sT7pQ1dR7Ou8z4o2FspAQDi2uQhDC1oTd3qL0U5pC7aAAAAAAEMAAAB", Path: "\\Inbox" }],
});
const frankReads = [
  ["2026-11-26T08:12:44", 0, ["<FRK-2026-1126.01@agency.example>", 6120]],
  ["2026-11-26T08:52:19", 0, ["<FRK-2026-1126.02@agency.example>", 11874], ["<FRK-2026-1126.03@agency.example>", 3390]],
  ["2026-11-26T09:31:07", 0, ["<PAY-2026-11-01.p1@agency.example>", 25611]],
  ["2026-11-26T10:44:58", 0, ["<FRK-2026-1126.04@agency.example>", 7402]],
  ["2026-11-26T13:20:33", 1, ["<FRK-2026-1126.05@agency.example>", 15210], ["<FRK-2026-1126.06@agency.example>", 4480]],
  ["2026-11-26T14:02:11", 1, ["<ATK-0001.z9@agency.example>", 10114]],
  ["2026-11-26T15:46:40", 1, ["<FRK-2026-1126.07@agency.example>", 8876]],
  ["2026-11-26T16:31:25", 1, ["<FRK-2026-1126.08@agency.example>", 5120]],
];
frankReads.forEach(([time, sessionIndex, ...items], index) => {
  const session = frankSessions[sessionIndex];
  audit.push(bind(`frank bind ${index}`, time, FRANK, OFFICE, "Client=MSExchangeRPC", session, frankContext(session, sessionIndex === 0 ? "2026-11-26T07:58:31" : "2026-11-26T13:15:09"), items.map(([id, size]) => itemOf(id, size))));
});
audit.push({
  ...base("frank send", "2026-11-26T14:09:52", "Send", 2, FRANK),
  ...mailboxPart(FRANK, FRANK, OFFICE, "Client=MSExchangeRPC", 0, frankSessions[1], frankContext(frankSessions[1], "2026-11-26T13:15:09")),
  Item: { ...itemOf("<FRK-2026-1126.r1@agency.example>", 14022, "RE: Urgent: updated bank details"), ParentFolder: { Id: FOLDER_IDS["Sent Items"], Path: "\\Sent Items" } },
  SaveToSentItems: true,
});
const files = [
  ["2026-11-26T09:05:13", "FileAccessed", "Q3 supplier payments.xlsx"],
  ["2026-11-26T09:06:40", "FileModified", "Q3 supplier payments.xlsx"],
  ["2026-11-26T11:20:02", "FileAccessed", "Vendor master data.xlsx"],
  ["2026-11-26T15:12:47", "FileDownloaded", "Payroll calendar 2027.pdf"],
];
files.forEach(([time, operation, name], index) => {
  audit.push({
    ...base(`frank file ${index}`, time, operation, 6, FRANK, "SharePoint"),
    ClientIP: OFFICE,
    ObjectId: `https://agencyexample.sharepoint.com/sites/Finance/Shared Documents/${name}`,
    UserAgent: "Microsoft Office Excel 2014",
    EventSource: "SharePoint",
    ItemType: "File",
    ListId: guid(`list finance`),
    ListItemUniqueId: guid(`file ${name}`),
    Site: guid("site finance"),
    SiteUrl: "https://agencyexample.sharepoint.com/sites/Finance/",
    SourceFileExtension: name.split(".").pop(),
    SourceFileName: name,
    SourceRelativeUrl: "Shared Documents",
    WebId: guid("web finance"),
    CorrelationId: guid(`file correlation ${index}`),
    GeoLocation: "EUR",
    IsManagedDevice: false,
    Platform: "WinDesktop",
  });
});

function usDate(iso) {
  const [date, time] = iso.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute, second] = time.split(":").map(Number);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${month}/${day}/${year} ${h12}:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")} ${hour < 12 ? "AM" : "PM"}`;
}

function purviewRow(record) {
  return `${[record.Id, usDate(record.CreationTime), record.RecordType, record.Operation, record.UserId, JSON.stringify(record), "", ""].map(cell).join(",")}\r\n`;
}

const PURVIEW_HEADER = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
// Purview lists the newest first. Export 1: 20 Nov to 26 Nov 10:00; export 2: 26 Nov 08:00 to 18:00.
audit.sort((a, b) => b.CreationTime.localeCompare(a.CreationTime) || a.Id.localeCompare(b.Id));
const first = audit.filter((record) => record.CreationTime < "2026-11-26T10:00:00");
const second = audit.filter((record) => record.CreationTime >= "2026-11-26T08:00:00");
writeFileSync(join(OUT, "AuditLog_20261126_100512.csv"), `\ufeff${PURVIEW_HEADER}${first.map(purviewRow).join("")}`);
writeFileSync(join(OUT, "AuditLog_20261126_180733.csv"), `\ufeff${PURVIEW_HEADER}${second.map(purviewRow).join("")}`);

const unique = new Set(audit.map((record) => record.Id));
process.stdout.write(
  `sign-ins: ${signIns.length} (page 1: 10, page 2: ${signIns.length - 10}, portal CSV: ${portal.split("\r\n").length - 1}); ` +
    `audit: ${unique.size} records (export 1: ${first.length}, export 2: ${second.length}, in both: ${first.length + second.length - unique.size})\n`,
);
