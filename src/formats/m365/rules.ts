/** Lists the Microsoft 365 mappings depend on: data, not logic (docs/architecture.md, Habits). */

/**
 * Entra `clientAppUsed` values of legacy (basic) authentication: Conditional Access groups them as
 * "Exchange ActiveSync clients" and "Other clients". Compared case-insensitively.
 */
export const LEGACY_CLIENT_APPS: readonly string[] = [
  "Authenticated SMTP",
  "AutoDiscover",
  "Exchange ActiveSync",
  "Exchange Online PowerShell",
  "Exchange Web Services",
  "IMAP4",
  "MAPI Over HTTP",
  "Offline Address Book",
  "Other clients",
  "Outlook Anywhere (RPC over HTTP)",
  "Outlook Service",
  "POP3",
  "Reporting Web Services",
  "Universal Outlook",
];

const LEGACY = new Set(LEGACY_CLIENT_APPS.map((name) => name.toLowerCase()));

export function isLegacyClientApp(clientApp: string | undefined): boolean | undefined {
  if (clientApp === undefined) return undefined;
  return LEGACY.has(clientApp.toLowerCase()) ? true : undefined;
}

/** UAL `ClientInfoString` `Client=` values of legacy protocols (MailboxLogin records). */
export const LEGACY_MAILBOX_CLIENTS: readonly string[] = ["Microsoft.Exchange.Imap4", "Microsoft.Exchange.Pop3", "Microsoft.Exchange.ActiveSync", "Microsoft.Exchange.Smtp"];

/** Inbox-rule parameters that are actions; every other non-bookkeeping parameter is a condition. */
export const INBOX_RULE_ACTIONS: readonly string[] = [
  "ApplyCategory",
  "ApplySystemCategory",
  "CopyToFolder",
  "DeleteMessage",
  "ForwardAsAttachmentTo",
  "ForwardTo",
  "MarkAsRead",
  "MarkImportance",
  "MoveToFolder",
  "PinMessage",
  "RedirectTo",
  "SendTextMessageNotificationTo",
  "SoftDeleteMessage",
  "StopProcessingRules",
];

/** Inbox-rule actions that send mail out of the mailbox. */
export const INBOX_RULE_FORWARDS: readonly string[] = ["ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"];

/** Cmdlet parameters that are bookkeeping, neither condition nor action. */
export const INBOX_RULE_BOOKKEEPING: readonly string[] = [
  "AlwaysDeleteOutlookRulesBlob",
  "Confirm",
  "DomainController",
  "Enabled",
  "ErrorAction",
  "Force",
  "Identity",
  "Mailbox",
  "Name",
  "Priority",
  "WarningAction",
];

/** `Set-Mailbox` parameters that set up forwarding. */
export const FORWARDING_PARAMETERS: readonly string[] = ["ForwardingSmtpAddress", "ForwardingAddress", "DeliverToMailboxAndForward"];

/** UAL `LogonType` numbers (Exchange mailbox schema). */
export const LOGON_TYPES: readonly string[] = ["Owner", "Admin", "Delegated", "Transport", "SystemService", "BestAccess", "DelegatedAdmin"];

/** UAL `RecordType` numbers worth naming (the Management Activity API's AuditLogRecordType enum); others stay numbers. */
export const RECORD_TYPES: Readonly<Record<number, string>> = {
  1: "ExchangeAdmin",
  2: "ExchangeItem",
  3: "ExchangeItemGroup",
  4: "SharePoint",
  6: "SharePointFileOperation",
  7: "OneDrive",
  8: "AzureActiveDirectory",
  9: "AzureActiveDirectoryAccountLogon",
  14: "SharePointSharingOperation",
  15: "AzureActiveDirectoryStsLogon",
  18: "SecurityComplianceCenterEOPCmdlet",
  19: "ExchangeAggregatedOperation",
  25: "MicrosoftTeams",
  28: "ThreatIntelligence",
  29: "MailSubmission",
  36: "SharePointListOperation",
  50: "ExchangeItemAggregated",
  56: "SharePointFieldOperation",
  101: "ExchangeSearch",
};
