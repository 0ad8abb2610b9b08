/**
 * Unified Audit Log records (AuditData, whatever the container) into events by operation
 * (docs/formats.md). Sentinel's flattened `OfficeActivity` rows are renamed to AuditData's names first.
 */
import type {
  AuthEvent,
  ChangeOp,
  InboxRule,
  MailboxConfigEvent,
  MailChangeEvent,
  MailReadEvent,
  MailSendEvent,
  MessageItem,
  OtherEvent,
  ParsedEvent,
  ParsedEventOf,
  ReadHow,
  RecordRef,
  Result,
  SearchEvent,
} from "../../model/events.js";
import { normalizeIp } from "../../lib/ip.js";
import { recordContext, type RecordContext } from "../build.js";
import { DETAIL, TIME } from "../wording.js";
import { buildMailboxConfig } from "./build.js";
import {
  FORWARDING_PARAMETERS,
  INBOX_RULE_ACTIONS,
  INBOX_RULE_BOOKKEEPING,
  INBOX_RULE_FORWARDS,
  LEGACY_MAILBOX_CLIENTS,
  LOGON_TYPES,
  RECORD_TYPES,
} from "./rules.js";
import { withRecordId } from "./signins.js";
import { parseM365Time } from "./time.js";
import { arr, compact, identity, isObj, nameValues, num, obj, recordId, str, type Obj } from "./values.js";

/** Sentinel `OfficeActivity` column → AuditData field. */
const SENTINEL_NAMES: ReadonlyMap<string, string> = new Map([
  ["OfficeWorkload", "Workload"],
  ["OfficeObjectId", "ObjectId"],
  ["Client_IPAddress", "ClientIPAddress"],
  ["Logon_Type", "LogonType"],
  ["OfficeId", "Id"],
  ["AzureActiveDirectory_EventType", "AzureActiveDirectoryEventType"],
  ["SendonBehalfOfUserMailboxGuid", "SendOnBehalfOfUserMailboxGuid"],
  // Search-UnifiedAuditLog's own columns, in a flattened export without AuditData.
  ["UserIds", "UserId"],
]);

/** Sentinel columns that duplicate another one (`UserId_`) or only describe the table. */
const SENTINEL_SKIP = new Set(["TenantId", "Type", "_ResourceId", "SourceSystem", "OfficeTenantId", "OfficeTenantId_", "OrganizationId_", "UserId_", "ClientIP_", "Site_Url_", "SourceRelativeUrl_", "SourceFileName_"]);

/** A flattened Sentinel row in AuditData's names; the time column is kept as `TimeGenerated`. */
export function fromSentinel(row: Obj): Obj {
  const out: Obj = {};
  for (const key in row) {
    const value = row[key];
    if (value === undefined || value === null || value === "" || SENTINEL_SKIP.has(key)) continue;
    const name = SENTINEL_NAMES.get(key) ?? key;
    if (out[name] === undefined) out[name] = value;
  }
  if (out.Id === undefined && row.SourceRecordId !== undefined) out.Id = row.SourceRecordId;
  return out;
}

/** Folder paths as `Inbox`, `Inbox/Projects` (AuditData writes `\Inbox\Projects`). */
export function folderName(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const trimmed = path.replace(/^\\+/, "").replaceAll("\\", "/");
  return trimmed.length > 0 ? trimmed : undefined;
}

function item(entry: unknown, folder: string | undefined, issues: string[]): MessageItem | undefined {
  if (!isObj(entry)) return undefined;
  const parent = isObj(entry.ParentFolder) ? folderName(str(entry.ParentFolder, "Path", issues)) : undefined;
  const messageId = str(entry, "InternetMessageId", issues);
  return {
    messageId,
    folder: parent ?? folder,
    size: num(entry, "SizeInBytes", issues),
    subject: str(entry, "Subject", issues),
  };
}

/** The browser user agent inside `Client=OWA;Mozilla/5.0 ...;`, else the whole string. */
export function userAgentOf(clientInfo: string | undefined): string | undefined {
  if (clientInfo === undefined) return undefined;
  const semicolon = clientInfo.indexOf(";");
  if (!clientInfo.startsWith("Client=") || semicolon === -1) return clientInfo;
  const rest = clientInfo.slice(semicolon + 1).replace(/;+$/, "");
  if (rest.length > 0 && !rest.startsWith("Client=") && !rest.startsWith("Action=")) return rest;
  return clientInfo;
}

function clientOf(clientInfo: string | undefined): string | undefined {
  const match = clientInfo === undefined ? null : /^Client=([^;]*)/.exec(clientInfo);
  return match?.[1] || undefined;
}

/** `Microsoft.Exchange.Imap4` → `IMAP4`, as Entra names the same protocols. */
function mailboxProtocol(client: string | undefined): string | undefined {
  if (client === undefined) return undefined;
  const name = client.replace(/^Microsoft\.Exchange\./, "");
  return /^(imap4|pop3)$/i.test(name) ? name.toUpperCase() : name;
}

function resultOf(status: string | undefined): Result | undefined {
  if (status === undefined) return undefined;
  const lower = status.toLowerCase();
  if (lower === "succeeded" || lower === "success" || lower === "true" || lower === "partiallysucceeded") return "success";
  if (lower === "failed" || lower === "failure" || lower === "false") return "failure";
  return undefined;
}

function recordTypeName(record: Obj, issues: string[]): string | undefined {
  const value = str(record, "RecordType", issues);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? (RECORD_TYPES[number] ?? value) : value;
}

function logonTypeName(record: Obj, issues: string[]): string | undefined {
  const value = str(record, "LogonType", issues);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? (LOGON_TYPES[number] ?? value) : value;
}

/** What every UAL event of a record carries (the context), and raw values several kinds read again. */
interface Common {
  at: RecordContext;
  clientInfo: string | undefined;
  logonType: string | undefined;
}

export type AuditOutcome = { event: ParsedEvent } | { skip: string };

/** The time columns, first found first, and what each means. */
const TIME_COLUMNS = [
  ["CreationTime", TIME.audit_creation_time],
  ["TimeGenerated", TIME.audit_time_generated],
  ["Start_Time", TIME.audit_start_time],
  ["CreationDate", TIME.audit_creation_date],
] as const;

function timeOf(record: Obj, issues: string[]): { ts: number; tsDesc: string } | undefined {
  for (const [key, desc] of TIME_COLUMNS) {
    const text = str(record, key, issues);
    if (text === undefined) continue;
    const ts = parseM365Time(text);
    if (ts !== undefined) return { ts, tsDesc: desc };
    issues.push(`${key} ${JSON.stringify(text).slice(0, 60)} is not a date-time`);
  }
  return undefined;
}

function common(record: Obj, operation: string, ref: RecordRef, issues: string[]): Common | { skip: string } {
  const time = timeOf(record, issues);
  if (!time) return { skip: "audit record without a usable CreationTime: skipped" };
  const context = obj(record, "AppAccessContext", issues);
  const clientInfo = str(record, "ClientInfoString", issues);
  const rawIp = str(record, "ClientIPAddress", issues) ?? str(record, "ClientIP", issues) ?? str(record, "ActorIpAddress", issues);
  const address = normalizeIp(rawIp);
  const aadSessionId = context ? str(context, "AADSessionId", issues) : undefined;
  const serverSessionId = str(record, "SessionId", issues);
  const logonType = logonTypeName(record, issues);
  const user = identity(str(record, "UserId", issues));
  const owner = identity(str(record, "MailboxOwnerUPN", issues));
  const id = recordId(str(record, "Id", issues));
  const at = recordContext({
    ts: time.ts,
    tsDesc: time.tsDesc,
    action: operation,
    result: resultOf(str(record, "ResultStatus", issues)),
    user,
    mailbox: owner,
    clientIp: address.ip,
    clientPort: address.port,
    userAgent: userAgentOf(clientInfo) ?? str(record, "UserAgent", issues),
    sessionId: aadSessionId ?? serverSessionId,
    keys: compact({
      aadSessionId,
      uniqueTokenId: context ? str(context, "UniqueTokenId", issues) : undefined,
      correlationId: (context ? str(context, "CorrelationId", issues) : undefined) ?? str(record, "CorrelationId", issues),
      serverSessionId,
    }),
    extra: compact({
      workload: str(record, "Workload", issues),
      recordType: recordTypeName(record, issues),
      objectId: str(record, "ObjectId", issues),
      clientInfoString: clientInfo,
      logonType,
      appId: str(record, "AppId", issues),
      clientAppId: (context ? str(context, "ClientAppId", issues) : undefined) ?? str(record, "ClientAppId", issues),
      userType: str(record, "UserType", issues),
      rawIp: address.ip === undefined ? rawIp : undefined,
    }),
    ref: withRecordId(ref, id),
  });
  return { at, clientInfo, logonType };
}

function mailRead(record: Obj, c: Common, issues: string[]): ParsedEventOf<MailReadEvent> {
  const props = nameValues(record, "OperationProperties", issues) ?? {};
  const accessType = props.MailAccessType ?? str(record, "MailAccessType", issues);
  const how: ReadHow = accessType?.toLowerCase() === "bind" ? "bind" : accessType?.toLowerCase() === "sync" ? "sync" : "unknown";
  const throttled = (props.IsThrottled ?? str(record, "IsThrottled", issues))?.toLowerCase() === "true";
  const items: MessageItem[] = [];
  const folders: string[] = [];
  for (const entry of arr(record, "Folders", issues) ?? []) {
    if (!isObj(entry)) continue;
    const folder = folderName(str(entry, "Path", issues));
    if (folder !== undefined && !folders.includes(folder)) folders.push(folder);
    for (const folderItem of arr(entry, "FolderItems", issues) ?? []) {
      const message = item(folderItem, folder, issues);
      if (message) items.push(message);
    }
  }
  const { at } = c;
  const delegate = at.mailbox !== undefined && at.user !== undefined && at.mailbox !== at.user;
  const detail = DETAIL.mail_items_accessed({
    sync: how === "sync" || undefined,
    folders: folders.length > 0 ? folders.join(", ") : undefined,
    accessType,
    count: items.length,
    owner: delegate ? at.mailbox : undefined,
    logonType: c.logonType && c.logonType !== "Owner" ? c.logonType : undefined,
    throttled: throttled || undefined,
  });
  const extra = folders.length > 1 ? { ...at.extra, folders, operationCount: num(record, "OperationCount", issues) } : at.extra;
  const folder = folders.length === 1 ? folders[0] : undefined;
  return at.read({ messageCount: how === "sync" ? undefined : items.length, detail, extra, how, folder, items, throttled: throttled || undefined });
}

function authEvent(record: Obj, c: Common, issues: string[]): ParsedEventOf<AuthEvent> {
  const { at } = c;
  const operation = at.action;
  const extended = nameValues(record, "ExtendedProperties", issues) ?? {};
  const device = nameValues(record, "DeviceProperties", issues) ?? {};
  const client = clientOf(c.clientInfo);
  const errorCode = str(record, "ErrorCode", issues);
  const failed = operation === "UserLoginFailed" || (errorCode !== undefined && errorCode !== "0") || at.result === "failure";
  const protocol = operation === "MailboxLogin" ? mailboxProtocol(client) : str(record, "Client", issues);
  // The sign-in's own session, token and request ids where the record has them; only a mailbox
  // login names the mailbox signed in to.
  at.sessionId = device.SessionId ?? at.sessionId;
  at.keys = compact({
    ...at.keys,
    aadSessionId: device.SessionId ?? at.keys?.aadSessionId,
    correlationId: str(record, "InterSystemsId", issues) ?? at.keys?.correlationId,
    requestId: str(record, "IntraSystemId", issues),
  });
  if (operation !== "MailboxLogin") at.mailbox = undefined;
  at.userAgent = extended.UserAgent ?? at.userAgent;
  const deviceText = [device.DisplayName, device.OS, device.BrowserType].filter((part) => part).join(" / ");
  // LogonError is read again where each part needs it: one of the wrong type is reported per read, as it always was.
  const error = failed && (errorCode || str(record, "LogonError", issues)) ? [errorCode, str(record, "LogonError", issues)].filter((part) => part).join(" ") : undefined;
  return at.auth({
    result: failed ? "failure" : "success",
    detail: DETAIL.audit_login({ operation, protocol: protocol || undefined, error }),
    extra: compact({ ...at.extra, requestType: extended.RequestType, resultStatusDetail: extended.ResultStatusDetail }),
    protocol,
    legacyProtocol: client !== undefined && LEGACY_MAILBOX_CLIENTS.includes(client) ? true : undefined,
    errorCode,
    failureReason: failed ? str(record, "LogonError", issues) : undefined,
    appId: str(record, "ApplicationId", issues),
    device: deviceText.length > 0 ? deviceText : undefined,
  });
}

const MESSAGE_CHANGES: ReadonlyMap<string, ChangeOp> = new Map([
  ["SoftDelete", "delete"],
  ["HardDelete", "delete"],
  ["MoveToDeletedItems", "delete"],
  ["Move", "move"],
  ["Copy", "copy"],
  ["Update", "update"],
]);

function mailChange(record: Obj, c: Common, op: ChangeOp, issues: string[]): ParsedEventOf<MailChangeEvent> {
  const folder = folderName((obj(record, "Folder", issues) ?? {}).Path as string | undefined);
  const dest = obj(record, "DestFolder", issues);
  const destFolder = dest ? folderName(str(dest, "Path", issues)) : undefined;
  const items: MessageItem[] = [];
  for (const entry of arr(record, "AffectedItems", issues) ?? []) {
    const message = item(entry, folder, issues);
    if (message) items.push(message);
  }
  const single = obj(record, "Item", issues);
  if (single) {
    const message = item(single, folder, issues);
    if (message) items.push(message);
  }
  const destMailbox = identity(str(record, "DestMailboxOwnerUPN", issues));
  const { at } = c;
  // Items moved into another mailbox name it.
  const otherMailbox = destMailbox && destMailbox !== at.mailbox ? destMailbox : undefined;
  const detail = DETAIL.audit_items_changed({ operation: at.action, count: items.length, folder: folder || undefined, destFolder: destFolder || undefined, destMailbox: otherMailbox });
  const extra = otherMailbox ? { ...at.extra, destMailbox: otherMailbox } : at.extra;
  return at.change({ messageCount: items.length, detail, extra, op, folder: folder ?? items[0]?.folder, destFolder, items });
}

function mailSend(record: Obj, c: Common, issues: string[]): ParsedEventOf<MailSendEvent> {
  const { at } = c;
  const operation = at.action;
  const single = obj(record, "Item", issues);
  const message = single ? item(single, undefined, issues) : undefined;
  const sentAs =
    operation === "SendAs" ? identity(str(record, "SendAsUserSmtp", issues)) : operation === "SendOnBehalf" ? identity(str(record, "SendOnBehalfOfUserSmtp", issues)) : undefined;
  return at.send({
    messageCount: message ? 1 : 0,
    detail: DETAIL.audit_send({ operation, sentAs: sentAs || undefined, subject: message?.subject || undefined }),
    sendAs: operation === "SendAs" ? "send-as" : operation === "SendOnBehalf" ? "send-on-behalf" : "send",
    sentAs,
    items: message ? [message] : [],
  });
}

function inboxRule(parameters: Record<string, string>): InboxRule {
  const conditions: Record<string, string> = {};
  const actions: Record<string, string> = {};
  for (const name in parameters) {
    const value = parameters[name] as string;
    if (INBOX_RULE_ACTIONS.includes(name)) actions[name] = value;
    else if (!INBOX_RULE_BOOKKEEPING.includes(name)) conditions[name] = value;
  }
  return { name: parameters.Name ?? ruleNameOf(parameters.Identity), conditions, actions };
}

/** `Set-InboxRule -Identity "erin\\fwd"` names the rule after the backslash. */
function ruleNameOf(identityText: string | undefined): string | undefined {
  if (identityText === undefined) return undefined;
  const slash = identityText.lastIndexOf("\\");
  return slash === -1 ? identityText : identityText.slice(slash + 1);
}

function smtp(value: string | undefined): string | undefined {
  return value === undefined ? undefined : identity(value.replace(/^smtp:/i, ""));
}

/** The mailbox part of `Identity` values: `payroll@x`, `payroll@x:\Inbox`, `erin\rule`. */
function mailboxOf(identityText: string | undefined): string | undefined {
  if (identityText === undefined) return undefined;
  const head = identityText.split(/:?\\/)[0] ?? identityText;
  return head.includes("@") ? identity(head) : undefined;
}

const PERMISSION_OPERATIONS = new Set([
  "Add-MailboxPermission",
  "Remove-MailboxPermission",
  "Add-RecipientPermission",
  "Remove-RecipientPermission",
  "Add-MailboxFolderPermission",
  "Set-MailboxFolderPermission",
  "Remove-MailboxFolderPermission",
  "AddFolderPermissions",
  "ModifyFolderPermissions",
  "RemoveFolderPermissions",
  "UpdateFolderPermissions",
]);

const RULE_OPERATIONS = new Set(["New-InboxRule", "Set-InboxRule", "Remove-InboxRule", "Enable-InboxRule", "Disable-InboxRule", "UpdateInboxRules"]);

function isConsent(operation: string): boolean {
  const name = operation.replace(/\.$/, "").toLowerCase();
  return name === "consent to application" || name === "add delegated permission grant" || name.startsWith("add app role assignment") || name === "add oauth2permissiongrant";
}

function configEvent(record: Obj, c: Common, issues: string[]): ParsedEventOf<MailboxConfigEvent> | undefined {
  const { at } = c;
  const operation = at.action;
  if (RULE_OPERATIONS.has(operation)) {
    let parameters = nameValues(record, "Parameters", issues);
    let rule: InboxRule;
    if (operation === "UpdateInboxRules") {
      // Outlook/EWS rule edits: the rule is described in OperationProperties.
      parameters = nameValues(record, "OperationProperties", issues) ?? {};
      const conditions: Record<string, string> = {};
      const actions: Record<string, string> = {};
      for (const name in parameters) {
        if (/Action/i.test(name)) actions[name] = parameters[name] as string;
        else if (/Condition|Exception/i.test(name)) conditions[name] = parameters[name] as string;
      }
      rule = { name: parameters.RuleName, conditions, actions };
    } else {
      parameters ??= {};
      rule = inboxRule(parameters);
    }
    const forwards = INBOX_RULE_FORWARDS.map((name) => rule.actions[name]).filter((value) => value !== undefined);
    const summary = [...Object.entries(rule.conditions), ...Object.entries(rule.actions)].map(([name, value]) => `${name}=${value}`).join(", ");
    return buildMailboxConfig(at, {
      mailbox: mailboxOf(parameters.Mailbox) ?? mailboxOf(parameters.Identity) ?? at.mailbox,
      detail: DETAIL.inbox_rule({ operation, rule: rule.name, summary: summary || undefined }),
      change: "inbox-rule",
      target: rule.name ?? str(record, "ObjectId", issues),
      rule,
      grantee: forwards.length > 0 ? forwards.join("; ") : undefined,
      parameters,
    });
  }
  if (operation === "Set-CASMailbox") return casMailboxEvent(record, c, issues);
  if (operation === "Set-Mailbox") {
    const parameters = nameValues(record, "Parameters", issues) ?? {};
    const forwarding = FORWARDING_PARAMETERS.some((name) => parameters[name] !== undefined);
    const delegate = parameters.GrantSendOnBehalfTo;
    const grantee = forwarding ? (smtp(parameters.ForwardingSmtpAddress) ?? parameters.ForwardingAddress) : delegate;
    const names = Object.keys(parameters).filter((name) => name !== "Identity");
    return buildMailboxConfig(at, {
      mailbox: mailboxOf(parameters.Identity) ?? cmdletMailbox(operation, parameters) ?? at.mailbox,
      detail: DETAIL.set_mailbox({ identity: parameters.Identity, parameters: names.length > 0 ? names.join(", ") : undefined })?.trim(),
      change: forwarding ? "forwarding" : delegate !== undefined ? "permission" : "other",
      target: parameters.Identity ?? str(record, "ObjectId", issues),
      grantee,
      rights: delegate !== undefined && !forwarding ? "SendOnBehalf" : undefined,
      parameters,
    });
  }
  if (PERMISSION_OPERATIONS.has(operation)) {
    const parameters = nameValues(record, "Parameters", issues) ?? {};
    // Mailbox-audit folder permission records describe the grant on the item's folder.
    const single = obj(record, "Item", issues);
    const parent = single && isObj(single.ParentFolder) ? single.ParentFolder : undefined;
    const target = parameters.Identity ?? (parent ? folderName(str(parent, "Path", issues)) : undefined) ?? str(record, "ObjectId", issues);
    const grantee = parameters.User ?? parameters.Trustee ?? (parent ? str(parent, "MemberUpn", issues) : undefined);
    const rights = parameters.AccessRights ?? (parent ? str(parent, "MemberRights", issues) : undefined);
    return buildMailboxConfig(at, {
      mailbox: mailboxOf(parameters.Identity) ?? at.mailbox,
      detail: DETAIL.permission({ operation, grantee, rights, target })?.replace(/\s+/g, " "),
      change: "permission",
      target,
      grantee: identity(grantee),
      rights,
      parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
    });
  }
  if (isConsent(operation)) {
    const modified: Record<string, string> = {};
    for (const entry of arr(record, "ModifiedProperties", issues) ?? []) {
      if (!isObj(entry) || typeof entry.Name !== "string") continue;
      modified[entry.Name] = typeof entry.NewValue === "string" ? entry.NewValue : JSON.stringify(entry.NewValue ?? "");
    }
    const targets: string[] = [];
    for (const entry of arr(record, "Target", issues) ?? []) {
      if (isObj(entry) && typeof entry.ID === "string" && !targets.includes(entry.ID)) targets.push(entry.ID);
    }
    const app = str(record, "ObjectId", issues) ?? targets[0];
    const permissions = modified["ConsentAction.Permissions"];
    return buildMailboxConfig(at, {
      mailbox: at.mailbox,
      detail: DETAIL.app_consent({ operation, app, permissions: permissions || undefined })?.trim(),
      change: "app-consent",
      target: app,
      grantee: app,
      rights: permissions,
      parameters: Object.keys(modified).length > 0 ? modified : undefined,
    });
  }
  return undefined;
}

function searchEvent(record: Obj, c: Common, issues: string[]): ParsedEventOf<SearchEvent> {
  const props = nameValues(record, "OperationProperties", issues) ?? {};
  const extended = nameValues(record, "ExtendedProperties", issues) ?? {};
  const query = str(record, "QueryText", issues) ?? props.QueryText ?? extended.QueryText;
  return c.at.search({ detail: DETAIL.mailbox_search({ query: query || undefined }), query });
}

/** Longest parameter list written into a detail line (the event keeps every parameter whole). */
const MAX_DETAIL_PARAMETERS = 300;

/** `Name=Value, ...` of a cmdlet's parameters (Identity is named apart). */
function parameterSummary(parameters: Record<string, string>): string | undefined {
  const text = Object.entries(parameters)
    .filter(([name]) => name !== "Identity")
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
  if (text.length === 0) return undefined;
  return text.length > MAX_DETAIL_PARAMETERS ? `${text.slice(0, MAX_DETAIL_PARAMETERS - 1)}…` : text;
}

/**
 * The mailbox an Exchange cmdlet's `Identity` (or `Mailbox`) names: `x@y`, `x@y:\Inbox`, or the
 * last part of a directory path (`…/contoso.onmicrosoft.com/AdeleV`). Only cmdlets on mailboxes
 * (`Set-Mailbox`, `Set-CASMailbox`, `Set-MailboxAuditBypassAssociation`, ...) name one.
 */
/** Cmdlets whose Identity (or Mailbox) is a mailbox: not Set-MailboxPlan, not New-MailboxSearch. */
const MAILBOX_CMDLET = /^[A-Za-z]+-(?:CAS)?Mailbox(?:AuditBypassAssociation|Permission|FolderPermission|(?:Regional|JunkEmail|AutoReply|Calendar|Message|Spelling)Configuration|(?:Export|Import|Restore)Request)?$/;

export function cmdletMailbox(operation: string, parameters: Record<string, string>): string | undefined {
  if (!MAILBOX_CMDLET.test(operation)) return undefined;
  const raw = (parameters.Identity ?? parameters.Mailbox)?.trim();
  if (raw === undefined || raw.length === 0) return undefined;
  const head = raw.split(/:\\/)[0] ?? raw;
  const last = head.includes("@") ? head : (head.split("/").pop() ?? head);
  return identity(last.trim()) || undefined;
}

/** What an Entra (Azure AD) record changed: ModifiedProperties' new values, and its target user. */
function directoryChange(record: Obj, issues: string[]): { modified?: Record<string, string>; target?: string } {
  const out: { modified?: Record<string, string>; target?: string } = {};
  for (const entry of arr(record, "ModifiedProperties", issues) ?? []) {
    if (!isObj(entry) || typeof entry.Name !== "string") continue;
    const value = entry.NewValue;
    (out.modified ??= {})[entry.Name] = typeof value === "string" ? value : JSON.stringify(value ?? "");
  }
  // Target type 5 is a UPN (Actor/Target IdentityType, docs/formats.md).
  for (const entry of arr(record, "Target", issues) ?? []) {
    if (isObj(entry) && entry.Type === 5 && typeof entry.ID === "string" && entry.ID.includes("@")) {
      out.target = identity(entry.ID);
      break;
    }
  }
  return out;
}

function otherEvent(record: Obj, c: Common, issues: string[]): ParsedEventOf<OtherEvent> {
  const workload = str(record, "Workload", issues);
  const objectId = str(record, "ObjectId", issues);
  const parameters = record.Parameters === undefined ? undefined : nameValues(record, "Parameters", issues);
  if (parameters !== undefined && Object.keys(parameters).length > 0) {
    // An Exchange admin cmdlet: every parameter is kept; a cmdlet on a mailbox names it.
    const { at } = c;
    at.mailbox = cmdletMailbox(at.action, parameters) ?? at.mailbox;
    const detail = DETAIL.admin_cmdlet({ operation: at.action, identity: parameters.Identity || undefined, parameters: parameterSummary(parameters) });
    return at.other({ detail, extra: { ...at.extra, parameters } });
  }
  const detail = DETAIL.audit_other({ workload: workload || undefined, operation: c.at.action, objectId: objectId ? objectId.slice(0, 200) : undefined });
  if (workload === "AzureActiveDirectory" && (record.ModifiedProperties !== undefined || record.Target !== undefined)) {
    const change = directoryChange(record, issues);
    if (change.modified !== undefined || change.target !== undefined) return c.at.other({ detail, extra: compact({ ...c.at.extra, modified: change.modified, target: change.target }) });
  }
  return c.at.other({ detail });
}

/** `Set-CASMailbox`: which protocols (IMAP, POP, OWA, EWS, ActiveSync, ...) a mailbox may use. */
function casMailboxEvent(record: Obj, c: Common, issues: string[]): ParsedEventOf<MailboxConfigEvent> {
  const { at } = c;
  const parameters = nameValues(record, "Parameters", issues) ?? {};
  return buildMailboxConfig(at, {
    mailbox: cmdletMailbox(at.action, parameters) ?? at.mailbox,
    detail: DETAIL.admin_cmdlet({ operation: at.action, identity: parameters.Identity || undefined, parameters: parameterSummary(parameters) }),
    change: "other",
    target: parameters.Identity ?? str(record, "ObjectId", issues),
    parameters,
  });
}

/**
 * The event of one AuditData record (containers add their own columns, such as `CreationDate`,
 * where AuditData lacks them). Problems with single fields go to `issues`.
 */
export function auditEvent(record: Obj, ref: RecordRef, issues: string[]): AuditOutcome {
  const operation = str(record, "Operation", issues) ?? str(record, "Operations", issues);
  if (operation === undefined) {
    issues.push("no Operation: kept as an event of kind other");
  }
  const c = common(record, operation ?? "(no operation)", ref, issues);
  if ("skip" in c) return c;
  if (operation === undefined) return { event: otherEvent(record, c, issues) };
  if (operation === "MailItemsAccessed") return { event: mailRead(record, c, issues) };
  if (operation === "MailboxLogin" || operation === "UserLoggedIn" || operation === "UserLoginFailed") return { event: authEvent(record, c, issues) };
  if (operation === "Send" || operation === "SendAs" || operation === "SendOnBehalf") return { event: mailSend(record, c, issues) };
  const change = MESSAGE_CHANGES.get(operation);
  if (change !== undefined) return { event: mailChange(record, c, change, issues) };
  if (operation === "SearchQueryInitiatedExchange") return { event: searchEvent(record, c, issues) };
  const config = configEvent(record, c, issues);
  if (config) return { event: config };
  return { event: otherEvent(record, c, issues) };
}
