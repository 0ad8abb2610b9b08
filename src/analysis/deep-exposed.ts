/**
 * The deep pass for exposed messages only (issue 4's two depths): each message the attacker read
 * or touched is re-read once from its export, by offset or item path, and its attachments hashed.
 * Everything else in the inventory stays at the index depth.
 */
import { resolve } from "node:path";
import { rootBase } from "../evidence/discover.js";
import { deepParseMessage } from "../evidence/deep-message.js";
import { DEEP_ATTACHMENTS, EXPOSURES, FILES, MESSAGES, pick, varchar } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";
import { selectList } from "../store/rows.js";

const X = EXPOSURES.col;
const M = MESSAGES.col;
const F = FILES.col;

/** An exposed message's inventory record and the file to re-read it from. */
const TO_REREAD = { ...pick(MESSAGES, "id", "data"), ...pick(FILES, "path", "root", "parser"), containerFormat: varchar() };

export interface DeepResult {
  parsed: number;
  /** Messages that could not be re-read, with the reason (they keep their index-pass attachments). */
  failed: string[];
}

export async function deepParseExposed(store: CaseStore): Promise<DeepResult> {
  await store.replaceTable(DEEP_ATTACHMENTS);
  const roots = JSON.parse((await store.getMeta("evidence")) ?? "[]") as string[];
  const rows = await store.rows(
    TO_REREAD,
    `
    SELECT DISTINCT ${selectList(pick(MESSAGES, "id", "data"), "m")}, ${selectList(pick(FILES, "path", "root", "parser"), "f")}, c.${F.format} AS container_format
    FROM ${EXPOSURES.name} x
    JOIN ${MESSAGES.name} m ON m.${M.messageId} = x.${X.messageId} AND lower(m.${M.mailbox}) = x.${X.mailbox}
    JOIN ${FILES.name} f ON f.${F.fileId} = m.${M.fileId}
    LEFT JOIN ${FILES.name} c ON c.${F.path} = f.${F.container}
    ORDER BY m.${M.id}`,
  );
  const result: DeepResult = { parsed: 0, failed: [] };
  for (const row of rows) {
    const message = row.data;
    const root = roots[row.root ?? 0];
    const path = row.path;
    if (row.containerFormat === "zip" || root === undefined) {
      result.failed.push(`${path}: inside an archive, not re-read (extract it for attachment hashes)`);
      continue;
    }
    try {
      const deep = await deepParseMessage({ path: resolve(rootBase(root), path), ...message.location, format: String(row.parser) });
      await store.insertRow(DEEP_ATTACHMENTS, { messageRecordId: row.id, attachments: deep.attachments });
      result.parsed += 1;
    } catch (error) {
      result.failed.push(`${path}: ${(error as Error).message}`);
    }
  }
  return result;
}
