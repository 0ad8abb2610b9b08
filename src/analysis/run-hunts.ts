/** Runs every hunt over the case (docs/architecture.md): findings sorted by first time, then id. */
import { DUPLICATES } from "../model/columns.js";
import { MailtrailError } from "../model/errors.js";
import type { CaseStore } from "../store/case-store.js";
import type { Finding, HuntConfig } from "./findings.js";
import { hunts } from "./hunts/index.js";

function byTimeThenId(a: Finding, b: Finding): number {
  const ta = a.first ?? "";
  const tb = b.first ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function runHunts(store: CaseStore, config: HuntConfig): Promise<Finding[]> {
  // The duplicates table comes from de-duplication; a case analysed before it ran has none yet.
  await store.ensureTable(DUPLICATES);
  const findings: Finding[] = [];
  const ids = new Set<string>();
  for (const hunt of hunts) {
    for (const found of await hunt.run({ store, config })) {
      if (ids.has(found.id)) throw new MailtrailError("INTERNAL", `hunt ${hunt.id} produced the finding id ${found.id} twice`);
      ids.add(found.id);
      findings.push(found);
    }
  }
  return findings.sort(byTimeThenId);
}
