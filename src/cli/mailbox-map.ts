/** `--mailbox-map`: a CSV of export paths and the mailbox each belongs to (`path,mailbox`). */
import { readFileSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import Papa from "papaparse";
import { rootBase } from "../evidence/discover.js";
import { MailtrailError } from "../model/errors.js";

/**
 * Reads the map and turns each path into the form provenance uses (relative to the parent of the
 * evidence folder it lies in), so a user may write it absolute, relative to here, or as mailtrail
 * names it in manifest.json.
 */
export function loadMailboxMap(path: string, evidence: readonly string[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    throw new MailtrailError("USAGE", `cannot read --mailbox-map ${path}: ${(error as Error).message}`);
  }
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, transformHeader: (header) => header.trim().toLowerCase() });
  if (!parsed.meta.fields?.includes("path") || !parsed.meta.fields.includes("mailbox")) {
    throw new MailtrailError("USAGE", `--mailbox-map ${path}: needs 'path' and 'mailbox' columns`);
  }
  const map: Record<string, string> = {};
  parsed.data.forEach((row, index) => {
    const given = (row["path"] ?? "").trim();
    const mailbox = (row["mailbox"] ?? "").trim().toLowerCase();
    if (given === "" || !mailbox.includes("@")) throw new MailtrailError("USAGE", `--mailbox-map ${path}: row ${index + 2} needs a path and a mailbox address`);
    const abs = resolve(given);
    const root = evidence.map((entry) => resolve(entry)).find((entry) => abs === entry || abs.startsWith(entry + sep));
    map[root ? relative(rootBase(root), abs).split(sep).join("/") : given] = mailbox;
  });
  return map;
}
