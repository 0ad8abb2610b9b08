/**
 * What the admin-change hunts share: rules of rules/hunts.yaml written as the cmdlet would be
 * (`Set-Mailbox -AuditEnabled False`), the parameters an event kept (mailbox.config `parameters`,
 * other events' `extra.parameters`, src/formats/m365/audit.ts), and the events of named operations.
 */
import { EVENTS } from "../../model/columns.js";
import { MailtrailError } from "../../model/errors.js";
import type { MailEvent } from "../../model/events.js";
import type { HuntTools } from "./define.js";
import { sqlList, type Settings } from "./common.js";

const E = EVENTS.col;

/** `Cmdlet -Parameter value|value`: the cmdlet setting that parameter to one of those values. */
export interface CmdletRule {
  cmdlet: string;
  parameter: string;
  /** Normalised (see `normalised`). */
  values: string[];
  text: string;
}

const RULE = /^\s*([A-Za-z]+-[A-Za-z]+)\s+-([A-Za-z]+)\s+(\S+)\s*$/;

export function cmdletRules(s: Settings, key: string): CmdletRule[] {
  return s.list(key).map((text) => {
    const match = RULE.exec(text);
    if (match === null) throw new MailtrailError("USAGE", `hunt config: '${s.hunt}.${key}': ${JSON.stringify(text)} is not "Cmdlet -Parameter value[|value]"`);
    return { cmdlet: match[1] as string, parameter: match[2] as string, values: (match[3] as string).split("|").map(normalised), text: text.trim() };
  });
}

/** A parameter value as compared: case folded, PowerShell's `$` and quotes dropped (`$false` = `False`). */
export function normalised(value: string): string {
  return value.trim().replace(/^["']|["']$/g, "").replace(/^\$/, "").toLowerCase();
}

/** An operation name as compared: case folded, the trailing period of directory operations dropped. */
export function operationKey(name: string): string {
  return name.trim().replace(/\.$/, "").toLowerCase();
}

/** The cmdlet parameters an event kept, if any. */
export function parametersOf(event: MailEvent): Record<string, string> | undefined {
  if (event.kind === "mailbox.config" && event.parameters !== undefined) return event.parameters;
  const kept = event.extra?.["parameters"];
  if (typeof kept !== "object" || kept === null || Array.isArray(kept)) return undefined;
  return kept as Record<string, string>;
}

/** A parameter by name, whatever its case. */
export function parameter(parameters: Record<string, string> | undefined, name: string): string | undefined {
  if (parameters === undefined) return undefined;
  if (parameters[name] !== undefined) return parameters[name];
  const lower = name.toLowerCase();
  for (const key in parameters) if (key.toLowerCase() === lower) return parameters[key];
  return undefined;
}

/** A string field of an event's `extra` (`target`, or one of `modified`'s new values). */
export function extraText(event: MailEvent, key: string): string | undefined {
  const value = event.extra?.[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function modifiedValue(event: MailEvent, name: string): string | undefined {
  const modified = event.extra?.["modified"];
  if (typeof modified !== "object" || modified === null) return undefined;
  const value = (modified as Record<string, unknown>)[name];
  return typeof value === "string" ? value.replace(/^"|"$/g, "") : undefined;
}

/**
 * The live events (mailbox configuration and other kinds) of the named operations, in time order.
 * Admin cmdlets and directory changes are few next to mail events: they are read whole.
 */
export async function operationEvents(tools: Pick<HuntTools, "events">, operations: readonly string[]): Promise<MailEvent[]> {
  const names = [...new Set(operations.map(operationKey))];
  const where = `rtrim(lower(e.${E.action}), '.') IN ${sqlList(names)}`;
  const found: MailEvent[] = [];
  for await (const event of tools.events("mailbox.config", where)) found.push(event);
  for await (const event of tools.events("other", where)) found.push(event);
  return found.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The parts of a finding about one event: its id, address and time. */
export function ofOneEvent(event: MailEvent): { eventIds: string[]; ips: string[]; first: number; last: number } {
  return { eventIds: [event.id], ips: event.clientIp ? [event.clientIp] : [], first: event.ts, last: event.ts };
}

/** Who did it, from where and when, for explanations. */
export function byWhom(event: MailEvent): string {
  return `${event.user || "an unknown account"} from ${event.clientIp ?? "an unknown address"} at ${new Date(event.ts).toISOString()}`;
}
