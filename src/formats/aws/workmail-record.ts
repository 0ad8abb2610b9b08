/**
 * One Amazon WorkMail audit record (flat JSON, snake_case, `event_timestamp` in epoch ms) as the
 * event any mail server's log would give: a mailbox access is a `mail.read`, `mail.change`,
 * `mail.send` or `mailbox.config`; an authentication is an `auth`; access-control rule
 * evaluations, availability-provider calls and personal-access-token events are kept as `other`.
 *
 * Field names follow the AWS audit-logging page for mailbox access logs; the other log types'
 * fields were not seen in a real record (see FORMATS-aws.md §3.1), so the names AWS is expected to
 * use and their obvious variants are read.
 */
import type { ChangeOp, CloudContext, MessageItem, ParsedEvent, ReadHow, RecordRef } from "../../model/events.js";
import { authEvent, mailChangeEvent, mailReadEvent, mailSendEvent, mailboxConfigEvent, otherEvent } from "./build.js";
import { arnAccount, awsTime, compact, flag, sourceAddressOf, text, type Obj } from "./values.js";

export type WorkMailOutcome = { event: ParsedEvent } | { skip: string };

/** Does this flat record look like a WorkMail audit record? */
export function isWorkMailAudit(record: Obj): boolean {
  return record.event_timestamp !== undefined && (record.organization_arn !== undefined || record.request_id !== undefined);
}

function first(record: Obj, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = text(record[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Which of the five audit logs a record belongs to, from the fields it carries. */
function logType(record: Obj): "mailbox-access" | "authentication" | "access-control" | "availability" | "personal-access-token" | undefined {
  const declared = first(record, "log_type", "event_type")?.toUpperCase() ?? "";
  if (declared.includes("MAILBOX_ACCESS")) return "mailbox-access";
  if (declared.includes("AUTHENTICATION")) return "authentication";
  if (declared.includes("ACCESS_CONTROL")) return "access-control";
  if (declared.includes("AVAILABILITY")) return "availability";
  if (declared.includes("PERSONAL_ACCESS_TOKEN")) return "personal-access-token";
  if (record.action !== undefined && record.object_type !== undefined) return "mailbox-access";
  if (record.auth_successful !== undefined || record.auth_failed_reason !== undefined || record.authentication_method !== undefined || record.auth_method !== undefined) return "authentication";
  if (record.access_granted !== undefined || record.access_control_rule_id !== undefined || record.rule_id !== undefined) return "access-control";
  if (record.ews_url !== undefined || record.lambda_arn !== undefined || record.function_arn !== undefined || record.availability_provider !== undefined) return "availability";
  if (record.personal_access_token_id !== undefined || record.token_id !== undefined || record.token_name !== undefined) return "personal-access-token";
  return record.action !== undefined ? "mailbox-access" : undefined;
}

/** IMAP and SMTP take a password over the wire (no modern authentication): the legacy protocols of WorkMail. */
const LEGACY = new Set(["IMAP", "SMTP"]);

export function workMailEvent(record: Obj, where: RecordRef): WorkMailOutcome {
  const ts = awsTime(record.event_timestamp);
  if (ts === undefined) return { skip: "WorkMail audit record without a usable event_timestamp: skipped" };
  const type = logType(record);
  if (type === undefined) return { skip: "WorkMail record of no known audit log type (no action, auth, access-control, availability or token fields): skipped" };
  const organizationArn = text(record.organization_arn);
  const regionOfArn = organizationArn?.split(":")[3];
  const source = sourceAddressOf(record.source_ip);
  const user = first(record, "user_id", "user");
  const impersonator = text(record.impersonator_id);
  const cloud = compact<CloudContext>({
    provider: "aws",
    accountId: arnAccount(organizationArn),
    region: regionOfArn === "" ? undefined : regionOfArn,
    principal: user !== undefined || impersonator !== undefined ? compact({ type: "WorkMailUser", name: user, impersonator }) : undefined,
    resources: organizationArn !== undefined ? [{ type: "AWS::WorkMail::Organization", arn: organizationArn }] : undefined,
    sourceService: source.sourceService,
    sourceAddress: source.sourceAddress,
  });
  const protocol = text(record.protocol);
  const allowed = flag(record.action_allowed) ?? flag(record.access_granted);
  const common = {
    ts,
    clientIp: source.clientIp,
    userAgent: text(record.user_agent),
    keys: text(record.request_id) !== undefined ? { requestId: text(record.request_id) } : undefined,
    cloud,
  };
  const ref = { ...where };

  if (type === "authentication") {
    const succeeded = flag(record.auth_successful);
    return {
      event: authEvent(
        {
          ...common,
          tsDesc: "Authentication time",
          action: "Authentication",
          result: succeeded === undefined ? undefined : succeeded ? "success" : "failure",
          user: first(record, "user", "user_id"),
          protocol,
          legacyProtocol: protocol !== undefined && LEGACY.has(protocol.toUpperCase()) ? true : undefined,
          method: first(record, "authentication_method", "auth_method"),
          failureReason: text(record.auth_failed_reason),
          appName: "Amazon WorkMail",
          detail: `WorkMail ${protocol ?? ""} authentication ${succeeded === false ? `failed${record.auth_failed_reason ? `: ${String(record.auth_failed_reason)}` : ""}` : succeeded ? "succeeded" : ""}`.replace(/\s+/g, " ").trim(),
          extra: compact({ userId: text(record.user_id), protocol }),
        },
        ref,
      ),
    };
  }
  if (type !== "mailbox-access") {
    const action = type === "access-control" ? "AccessControlRuleEvaluation" : type === "availability" ? "AvailabilityProviderCall" : "PersonalAccessToken";
    return {
      event: otherEvent(
        {
          ...common,
          tsDesc: "Event time",
          action: first(record, "action", "event_name") ?? action,
          result: allowed === undefined ? (text(record.error_message) !== undefined ? "failure" : undefined) : allowed ? "success" : "failure",
          user,
          detail: [`WorkMail ${type}`, protocol, first(record, "access_control_rule_id", "rule_id"), first(record, "domain"), first(record, "ews_url", "lambda_arn", "function_arn"), text(record.error_message)].filter(Boolean).join(" "),
          extra: compact({ logType: type, protocol, ruleId: first(record, "access_control_rule_id", "rule_id"), accessGranted: allowed, domain: text(record.domain), endpoint: first(record, "ews_url", "lambda_arn", "function_arn"), error: text(record.error_message), tokenId: first(record, "personal_access_token_id", "token_id") }),
        },
        ref,
      ),
    };
  }

  // Mailbox access: the action taken on a folder, message or attachment.
  const action = text(record.action) ?? "unknown";
  const objectType = text(record.object_type);
  const owner = text(record.owner_id);
  const folder = first(record, "folder_path", "folder", "source_folder_path");
  const destFolder = first(record, "destination_folder_path", "target_folder_path");
  const itemId = text(record.item_id);
  const items: MessageItem[] = itemId !== undefined && objectType !== "Folder" ? [compact({ itemId, folder })] : [];
  const mail = {
    ...common,
    tsDesc: "Mailbox access time",
    action,
    result: allowed === false ? ("failure" as const) : ("success" as const),
    user,
    mailbox: owner !== undefined && owner !== user ? owner : undefined,
    extra: compact({ protocol, objectType, impersonator, owner, attachment: first(record, "attachment_path", "attachment_id") }),
  };
  const who = `${protocol ?? "WorkMail"}${impersonator !== undefined ? ` (impersonation by ${impersonator})` : ""}`;
  const readHow: Record<string, ReadHow> = { read: objectType === "Folder" ? "access" : "fetch", read_attachment: "fetch", read_summary: "headers" };
  const how = readHow[action];
  if (how !== undefined) {
    return { event: mailReadEvent({ ...mail, how, folder, items, messageCount: items.length || undefined, detail: `${who} ${action.replace("_", " ")} ${objectType ?? ""}${folder ? ` in ${folder}` : ""}`.trim() }, ref) };
  }
  const changeOps: Record<string, ChangeOp> = { move: "move", move_to: "move", copy: "copy", copy_to: "copy", update: "update", update_read_state: "flag", delete: "delete", create: "append" };
  const folderChange = objectType === "Folder" ? ({ create: "folder-create", delete: "folder-delete", update: "other" } as const)[action as "create" | "delete" | "update"] : undefined;
  if (folderChange !== undefined || action === "update_permissions") {
    return {
      event: mailboxConfigEvent(
        { ...mail, change: action === "update_permissions" ? "permission" : folderChange ?? "other", target: folder ?? itemId, detail: `${who} ${action} ${objectType ?? ""}${folder ? ` ${folder}` : ""}`.trim() },
        ref,
      ),
    };
  }
  const op = changeOps[action];
  if (op !== undefined) {
    return { event: mailChangeEvent({ ...mail, op, folder, destFolder, items, messageCount: items.length || undefined, detail: `${who} ${action} ${objectType ?? ""}${folder ? ` in ${folder}` : ""}`.trim() }, ref) };
  }
  if (action === "submit_email_for_sending") {
    const onBehalf = mail.mailbox !== undefined;
    return { event: mailSendEvent({ ...mail, sendAs: onBehalf ? "send-on-behalf" : "send", sentAs: mail.mailbox, items, detail: `${who} submitted a message for sending` }, ref) };
  }
  return { event: otherEvent({ ...mail, detail: `${who} ${action} ${objectType ?? ""}`.trim() }, ref) };
}
