/**
 * Typed reads of record fields that may come as native JSON (Graph, AuditData) or as text (CSV
 * cells, Log Analytics `dynamic` columns holding JSON text). A value of the wrong type is not
 * guessed at: it is reported in `issues` (one warning per record, by the parser) and ignored.
 */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A non-empty string; numbers and booleans are taken as their text. */
export function str(record: Obj, key: string, issues: string[]): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  issues.push(`${key} is ${describe(value)}, expected text`);
  return undefined;
}

/** A finite number; numeric text (CSV, Log Analytics `ResultType`) is accepted. */
export function num(record: Obj, key: string, issues: string[]): number | undefined {
  const value = record[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const parsed = Number(value.trim());
    if (value.trim().length > 0 && Number.isFinite(parsed)) return parsed;
  }
  issues.push(`${key} is ${describe(value)} ${JSON.stringify(value).slice(0, 40)}, expected a number`);
  return undefined;
}

/** A boolean; `TRUE`/`True`/`true`/`1` and their opposites as text are accepted. */
export function bool(record: Obj, key: string, issues: string[]): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    // The portal CSV download writes Yes / No.
    if (lower === "true" || lower === "1" || lower === "yes") return true;
    if (lower === "false" || lower === "0" || lower === "no") return false;
  }
  issues.push(`${key} is ${describe(value)} ${JSON.stringify(value).slice(0, 40)}, expected true or false`);
  return undefined;
}

/** What PowerShell's Export-Csv writes for a nested value: its type name, the value itself lost. */
const POWERSHELL_TYPE_NAME = /^System\.[\w.]+(?:\[\])?$/;

/** JSON text of a `dynamic` column, parsed; anything else unchanged. */
function dynamic(record: Obj, key: string, issues: string[]): unknown {
  const value = record[key];
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text.length === 0) return undefined;
  if (POWERSHELL_TYPE_NAME.test(text)) {
    issues.push(`${key} was exported as "${text}" (PowerShell Export-Csv of a nested value): what it held is not in the file`);
    return undefined;
  }
  if (text[0] !== "{" && text[0] !== "[") return value;
  try {
    return JSON.parse(text);
  } catch (error) {
    issues.push(`${key} is not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

/** An object, native or as JSON text. */
export function obj(record: Obj, key: string, issues: string[]): Obj | undefined {
  const value = dynamic(record, key, issues);
  if (value === undefined || value === null) return undefined;
  if (isObj(value)) return value;
  issues.push(`${key} is ${describe(value)}, expected an object`);
  return undefined;
}

/** An array, native or as JSON text. */
export function arr(record: Obj, key: string, issues: string[]): unknown[] | undefined {
  const value = dynamic(record, key, issues);
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  issues.push(`${key} is ${describe(value)}, expected an array`);
  return undefined;
}

/** `[{Name, Value}]` lists (Parameters, OperationProperties, ExtendedProperties) as a map. */
export function nameValues(record: Obj, key: string, issues: string[]): Record<string, string> | undefined {
  const list = arr(record, key, issues);
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const entry of list) {
    if (!isObj(entry)) continue;
    const name = entry.Name ?? entry.name ?? entry.key;
    const value = entry.Value ?? entry.value;
    if (typeof name !== "string") continue;
    out[name] = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Lowercases values shaped like an address or UPN (Entra writes them lowercase, the UAL does not). */
export function identity(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.includes("@") && !value.includes(" ") ? value.toLowerCase() : value;
}

/** Drops undefined members (for `extra`, kept small and JSON-safe). */
export function compact(values: Record<string, unknown>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in values) {
    const value = values[key];
    if (value === undefined || value === "") continue;
    out ??= {};
    out[key] = value;
  }
  return out;
}

const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/** A record id fit for de-duplication: anonymised all-zero GUIDs identify nothing. */
export function recordId(value: string | undefined): string | undefined {
  return value === undefined || value === NIL_GUID ? undefined : value;
}
