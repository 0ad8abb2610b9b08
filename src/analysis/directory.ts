/**
 * Identity resolution (docs/event-model.md): a directory CSV maps every address, UPN and login of a
 * person to that person. Identities the directory lacks stay visible as themselves; nothing is
 * merged by guess (no "same local part" matching).
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { MailtrailError } from "../model/errors.js";

export interface Person {
  /** Stable key: employee id, else the primary address. */
  key: string;
  employeeId: string;
  displayName: string;
  email: string;
  department: string;
  manager: string;
  /** Every identity (lower-cased): email, UPN, aliases. */
  identities: string[];
  /** Columns the contract does not name, carried along. */
  extra: Record<string, string>;
}

export interface Directory {
  people: Person[];
  /** identity (lower-cased) → person key */
  byIdentity: Map<string, Person>;
}

export const EMPTY_DIRECTORY: Directory = { people: [], byIdentity: new Map() };

const KNOWN = new Set(["employee_id", "display_name", "email", "upn", "aliases", "department", "manager"]);

export function parseDirectory(text: string, path: string): Directory {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: true,
    transformHeader: (header) => header.trim().toLowerCase(),
  });
  const fatal = parsed.errors.find((error) => error.type === "Quotes" || error.type === "Delimiter");
  if (fatal) throw new MailtrailError("BAD_DIRECTORY_FILE", `${path}: row ${(fatal.row ?? 0) + 2}: ${fatal.message}`);
  const headers = parsed.meta.fields ?? [];
  if (!headers.includes("email") && !headers.includes("upn")) {
    throw new MailtrailError("BAD_DIRECTORY_FILE", `${path}: needs an 'email' or 'upn' column (found: ${headers.join(", ")})`);
  }
  const directory: Directory = { people: [], byIdentity: new Map() };
  parsed.data.forEach((row, index) => {
    const value = (name: string): string => (row[name] ?? "").trim();
    const email = value("email").toLowerCase();
    const upn = value("upn").toLowerCase();
    const aliases = value("aliases")
      .split(";")
      .map((alias) => alias.trim().toLowerCase())
      .filter((alias) => alias !== "");
    const identities = [...new Set([email, upn, ...aliases].filter((identity) => identity !== ""))];
    if (identities.length === 0) throw new MailtrailError("BAD_DIRECTORY_FILE", `${path}: row ${index + 2} has no email, upn or alias`);
    const employeeId = value("employee_id");
    const person: Person = {
      key: employeeId || email || upn,
      employeeId,
      displayName: value("display_name"),
      email: email || upn,
      department: value("department"),
      manager: value("manager"),
      identities,
      extra: Object.fromEntries(Object.entries(row).filter(([key]) => !KNOWN.has(key))),
    };
    for (const identity of identities) {
      const other = directory.byIdentity.get(identity);
      if (other && other.key !== person.key) {
        throw new MailtrailError("BAD_DIRECTORY_FILE", `${path}: row ${index + 2}: '${identity}' already belongs to ${other.displayName || other.key}`);
      }
      directory.byIdentity.set(identity, person);
    }
    directory.people.push(person);
  });
  return directory;
}

export function loadDirectory(path: string): Directory {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new MailtrailError("BAD_DIRECTORY_FILE", `cannot read directory file ${path}: ${(error as Error).message}`);
  }
  return parseDirectory(text, path);
}

/** Lower-cases and strips the decorations logs put around identities (`<a@x>`, `smtp:a@x`). */
export function normalizeIdentity(raw: string): string {
  return raw.trim().replace(/^smtp:/i, "").replace(/^<|>$/g, "").toLowerCase();
}
