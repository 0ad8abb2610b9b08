/**
 * What a case folder holds, and whether `ingest`/`run` may write a new case into one
 * (docs/output-contract.md, "The output folder"): a folder that is empty, or that holds the case
 * of the same evidence, is written; one that holds another case or other files is refused unless
 * --force, so that a typo in --out never replaces someone's case or papers.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { MailtrailError } from "../model/errors.js";
import { CASE_FILE, CaseStore } from "../store/case-store.js";

/** Every file a case folder's commands write besides the store. */
export const CASE_OUTPUTS = [
  "manifest.json",
  "warnings.jsonl",
  "summary.json",
  "timeline.csv",
  "timeline.jsonl",
  "timesketch.jsonl",
  "findings.json",
  "affected-employees.csv",
  "exposed-messages.csv",
  "report.html",
];

/** Everything of a case in its folder: the store (with DuckDB's write-ahead log) and the outputs. */
export const CASE_NAMES = [CASE_FILE, `${CASE_FILE}.wal`, ...CASE_OUTPUTS];

/** DuckDB's spill folder, and what file browsers leave behind: neither makes a folder someone else's. */
const IGNORED = new Set([".duckdb-tmp", ".DS_Store", "Thumbs.db", "desktop.ini"]);

const SHOWN = 3;

function listed(names: readonly string[]): string {
  return names.length > SHOWN ? `${names.slice(0, SHOWN).join(", ")} and ${names.length - SHOWN} more` : names.join(", ");
}

/** The evidence a case store records (resolved paths), or undefined when it cannot be read. */
async function recordedEvidence(dir: string): Promise<string[] | undefined> {
  let store: CaseStore | undefined;
  try {
    store = await CaseStore.open(dir, { readOnly: true });
    const value = await store.getMeta("evidence");
    const parsed = value === undefined ? undefined : (JSON.parse(value) as unknown);
    return Array.isArray(parsed) && parsed.every((entry) => typeof entry === "string") ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  } finally {
    await store?.close();
  }
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
};

/**
 * Refuses (USAGE) an `--out` that is not empty and holds files mailtrail does not write, a case of
 * other evidence, or case outputs whose evidence cannot be told (no store, or one that cannot be
 * read). `evidence` are the resolved evidence paths; their order does not matter.
 */
export async function checkOutFolder(out: string, evidence: readonly string[], force: boolean): Promise<void> {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new MailtrailError("USAGE", `--out ${out} is a file, not a folder`);
  const entries = readdirSync(out).filter((name) => !IGNORED.has(name));
  if (entries.length === 0 || force) return;
  const advice = "choose another --out, or add --force to write the case there anyway (mailtrail then replaces only its own files)";
  const foreign = entries.filter((name) => !CASE_NAMES.includes(name)).sort();
  if (foreign.length > 0) throw new MailtrailError("USAGE", `--out ${out} holds files that are not a mailtrail case (${listed(foreign)}): ${advice}`);
  if (!entries.includes(CASE_FILE)) throw new MailtrailError("USAGE", `--out ${out} holds case outputs without their store (${CASE_FILE}), so which evidence they came from cannot be told: ${advice}`);
  const recorded = await recordedEvidence(out);
  if (recorded === undefined) throw new MailtrailError("USAGE", `--out ${out} holds a case store that cannot be read (in use, damaged or from another version), so which evidence it holds cannot be told: ${advice}`);
  if (!sameSet(recorded, evidence)) throw new MailtrailError("USAGE", `--out ${out} holds the case of other evidence (${listed(recorded)}): ${advice}`);
}
