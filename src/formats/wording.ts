/**
 * The words events carry (rules/wording.yaml): what each timestamp means (`TIME.login` →
 * "Login time") and the templates of the `detail` lines (`DETAIL.audit_send({ ... })`). Loaded and
 * checked once, when the parsers are first imported. The keys and the placeholders of each template
 * are listed here, so the file and the code cannot drift apart: a missing or unknown key, or a
 * template with a placeholder more or less than listed, stops mailtrail with the reason.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { compileTemplate, type TemplateValue } from "../lib/template.js";
import { MailtrailError } from "../model/errors.js";

const TIMESTAMP_KEYS = [
  "login",
  "login_failure",
  "auth_failure",
  "authentication",
  "sign_in",
  "client_id",
  "disconnect",
  "logout",
  "session_end",
  "session_close",
  "command",
  "message_open",
  "mailbox_change",
  "expunge",
  "folder_change",
  "event",
  "log",
  "audit_creation_time",
  "audit_time_generated",
  "audit_start_time",
  "audit_creation_date",
  "acquisition_start",
] as const;

/** Each detail template and the placeholders it takes (all of them, each at least once). */
const DETAIL_PLACEHOLDERS = {
  mail_log_subject: ["subject"],
  uid_line: ["folder", "uid", "text"],
  command_reply: ["command", "reply"],
  mail_items_accessed: ["sync", "folders", "accessType", "count", "owner", "logonType", "throttled"],
  audit_login: ["operation", "protocol", "error"],
  audit_items_changed: ["operation", "count", "folder", "destFolder", "destMailbox"],
  audit_send: ["operation", "sentAs", "subject"],
  inbox_rule: ["operation", "rule", "summary"],
  set_mailbox: ["identity", "parameters"],
  permission: ["operation", "grantee", "rights", "target"],
  app_consent: ["operation", "app", "permissions"],
  mailbox_search: ["query"],
  audit_other: ["workload", "operation", "objectId"],
  admin_cmdlet: ["operation", "identity", "parameters"],
  sign_in: ["clientApp", "target", "app", "place", "errorCode", "failureReason"],
  acquisition_run: ["tenant", "what", "since", "until", "records", "status", "endedAt"],
} as const satisfies Record<string, readonly string[]>;

export type TimestampKey = (typeof TIMESTAMP_KEYS)[number];
export type DetailKey = keyof typeof DETAIL_PLACEHOLDERS;
/** A template's values: every placeholder named (undefined where the record has none). */
export type DetailValues<K extends DetailKey> = { readonly [P in (typeof DETAIL_PLACEHOLDERS)[K][number]]: TemplateValue };
export type DetailRenderers = { readonly [K in DetailKey]: (values: DetailValues<K>) => string | undefined };

export interface Wording {
  time: Readonly<Record<TimestampKey, string>>;
  detail: DetailRenderers;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys of `section` against the expected ones; every difference is reported. */
function checkKeys(section: Record<string, unknown>, expected: readonly string[], where: string, faults: string[]): void {
  for (const key of Object.keys(section)) if (!expected.includes(key)) faults.push(`${where}: unknown key ${key}`);
  for (const key of expected) if (!(key in section)) faults.push(`${where}: missing key ${key}`);
}

function sameNames(used: ReadonlySet<string>, expected: readonly string[]): string[] {
  const faults: string[] = [];
  for (const name of expected) if (!used.has(name)) faults.push(`placeholder {${name}} is missing`);
  for (const name of used) if (!expected.includes(name)) faults.push(`placeholder {${name}} is unknown`);
  return faults;
}

/** Reads and checks a wording file; throws a MailtrailError that lists every fault found. */
export function loadWording(path: string): Wording {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new MailtrailError("INTERNAL", `${path}: ${(error as Error).message}`, { cause: error });
  }
  const faults: string[] = [];
  const root = isRecord(document) ? document : {};
  if (!isRecord(document)) faults.push("not a YAML mapping");
  checkKeys(root, ["timestamps", "details"], "top level", faults);
  const timestamps = isRecord(root["timestamps"]) ? root["timestamps"] : {};
  const details = isRecord(root["details"]) ? root["details"] : {};
  checkKeys(timestamps, TIMESTAMP_KEYS, "timestamps", faults);
  checkKeys(details, Object.keys(DETAIL_PLACEHOLDERS), "details", faults);

  const time: Partial<Record<TimestampKey, string>> = {};
  for (const key of TIMESTAMP_KEYS) {
    const value = timestamps[key];
    if (typeof value === "string" && value.trim() !== "") time[key] = value;
    else if (key in timestamps) faults.push(`timestamps.${key}: not a non-empty string`);
  }
  const detail: Partial<Record<DetailKey, (values: Readonly<Record<string, TemplateValue>>) => string | undefined>> = {};
  for (const key of Object.keys(DETAIL_PLACEHOLDERS) as DetailKey[]) {
    const source = details[key];
    if (typeof source !== "string") {
      if (key in details) faults.push(`details.${key}: not a string`);
      continue;
    }
    try {
      const template = compileTemplate(source);
      for (const fault of sameNames(template.names, DETAIL_PLACEHOLDERS[key])) faults.push(`details.${key}: ${fault}`);
      detail[key] = template.render;
    } catch (error) {
      faults.push(`details.${key}: ${(error as Error).message}`);
    }
  }
  if (faults.length > 0) throw new MailtrailError("INTERNAL", `${path} is not valid wording: ${faults.join("; ")}`);
  // Every key was checked above: the partial records are whole.
  return { time: time as Record<TimestampKey, string>, detail: detail as DetailRenderers };
}

/** rules/wording.yaml from the package root: src/formats under vitest, dist/src/formats when built. */
export function defaultWordingPath(): string {
  for (const up of ["../../rules/wording.yaml", "../../../rules/wording.yaml"]) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  throw new MailtrailError("INTERNAL", "rules/wording.yaml is missing from the mailtrail installation");
}

const wording = loadWording(defaultWordingPath());

/** What each timestamp means, by key. */
export const TIME = wording.time;
/** The detail templates, by key; each returns undefined when a value outside brackets is missing. */
export const DETAIL = wording.detail;
