/** `mailtrail verify <case>`: the evidence re-hashed against the hashes taken at ingest. */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hashFile } from "../../lib/hash.js";
import { rootBase } from "../../evidence/discover.js";
import { FILES, pick, varchar } from "../../model/columns.js";
import { MailtrailError } from "../../model/errors.js";
import { CaseStore } from "../../store/case-store.js";
import { selectList } from "../../store/rows.js";

const F = FILES.col;
const HASHED = pick(FILES, "path", "sha256", "root");
/** Each hashed file, and the format of the container it is in (if any). */
const HASHED_FILE = { ...HASHED, containerFormat: varchar() };
import { defineCommand, type CliContext } from "../context.js";

interface VerifyResult {
  checked: number;
  mismatches: string[];
  missing: string[];
  text: string;
}

/** Re-hashes every evidence file listed in the case against the hash taken at ingest. */
async function verifyCase(caseDir: string): Promise<VerifyResult> {
  const manifestPath = join(caseDir, "manifest.json");
  if (!existsSync(manifestPath)) throw new MailtrailError("NOT_A_CASE", `no manifest.json in ${caseDir}`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { evidence: string[] };
  const store = await CaseStore.open(caseDir);
  const result: VerifyResult = { checked: 0, mismatches: [], missing: [], text: "" };
  try {
    // Members of a zip are covered by the zip's own hash; folder members are files on disk.
    const rows = await store.rows(
      HASHED_FILE,
      `SELECT ${selectList(HASHED, "f")}, c.${F.format} AS container_format FROM ${FILES.name} f LEFT JOIN ${FILES.name} c ON c.${F.path} = f.${F.container}
       WHERE f.${F.sha256} IS NOT NULL ORDER BY f.${F.fileId}`,
    );
    for (const row of rows) {
      if (row.containerFormat === "zip") continue;
      const rootPath = manifest.evidence[row.root ?? 0];
      if (rootPath === undefined) continue;
      const base = rootBase(rootPath);
      const abs = resolve(base, row.path);
      result.checked += 1;
      if (!existsSync(abs)) {
        result.missing.push(row.path);
        continue;
      }
      const { sha256 } = await hashFile(abs);
      if (sha256 !== row.sha256) result.mismatches.push(row.path);
    }
  } finally {
    await store.close();
  }
  const lines = [`verify: ${result.checked} evidence files checked, ${result.mismatches.length} changed, ${result.missing.length} missing`];
  for (const path of result.mismatches) lines.push(`  CHANGED ${path}`);
  for (const path of result.missing) lines.push(`  MISSING ${path}`);
  result.text = `${lines.join("\n")}\n`;
  return result;
}

export function verifyCommand(context: CliContext) {
  return defineCommand({
    command: "verify <case>",
    describe: "re-hash the evidence against the case's manifest.json",
    builder: (argv) => argv.positional("case", { type: "string", demandOption: true }),
    handler: async (argv) => {
      const result = await verifyCase(resolve(argv.case));
      context.io.stdout(argv.json ? `${JSON.stringify(result, null, 2)}\n` : result.text);
      if (result.mismatches.length > 0 || result.missing.length > 0) {
        throw new MailtrailError("VERIFY_MISMATCH", `${result.mismatches.length} changed and ${result.missing.length} missing evidence files`);
      }
    },
  });
}
