/**
 * The deep pass for exposed messages only (issue 4's two depths): each message the attacker read
 * or touched is re-read once from its export, by offset or item path, and its attachments hashed.
 * Everything else in the inventory stays at the index depth.
 */
import { resolve } from "node:path";
import { rootBase } from "../evidence/discover.js";
import { deepParseMessage } from "../evidence/deep-message.js";
import type { CaseStore } from "../store/case-store.js";

export interface DeepResult {
  parsed: number;
  /** Messages that could not be re-read, with the reason (they keep their index-pass attachments). */
  failed: string[];
}

export async function deepParseExposed(store: CaseStore): Promise<DeepResult> {
  await store.run("CREATE OR REPLACE TABLE deep_attachments (message_record_id VARCHAR, attachments VARCHAR)");
  const roots = JSON.parse((await store.getMeta("evidence")) ?? "[]") as string[];
  const rows = await store.all(`
    SELECT DISTINCT m.id, m.data, f.path, f.root, f.parser, c.format AS container_format
    FROM exposures x
    JOIN messages m ON m.message_id = x.message_id AND lower(m.mailbox) = x.mailbox
    JOIN files f ON f.file_id = m.file_id
    LEFT JOIN files c ON c.path = f.container
    ORDER BY m.id`);
  const result: DeepResult = { parsed: 0, failed: [] };
  for (const row of rows) {
    const message = JSON.parse(String(row["data"])) as { location?: { offset?: number; length?: number; itemPath?: string } };
    const root = roots[Number(row["root"] ?? 0)];
    const path = String(row["path"]);
    if (row["container_format"] === "zip" || root === undefined) {
      result.failed.push(`${path}: inside an archive, not re-read (extract it for attachment hashes)`);
      continue;
    }
    try {
      const deep = await deepParseMessage({ path: resolve(rootBase(root), path), ...message.location, format: String(row["parser"]) });
      await store.run("INSERT INTO deep_attachments VALUES ($1, $2)", [String(row["id"]), JSON.stringify(deep.attachments)]);
      result.parsed += 1;
    } catch (error) {
      result.failed.push(`${path}: ${(error as Error).message}`);
    }
  }
  return result;
}
