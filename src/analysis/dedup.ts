import { bigint, DUPLICATES, EVENTS, FILES, pick, varchar, WARNINGS } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";
import { LIVE_EVENTS_VIEW_SQL } from "../store/schema.js";

const E = EVENTS.col;
const F = FILES.col;
const D = DUPLICATES.col;

/**
 * What two copies of one record (same record id) must agree on, where both have it, to be one
 * event: time (to the second: exports round differently), action, result and address. Copies of
 * one record differ in how much they carry (a Graph sign-in has coordinates its portal CSV copy
 * lacks) and in how they name people (an ARN in CloudTrail JSON, a session name in the console's
 * CSV), never in these; a copy that disagrees is another record under the same id.
 */
const AGREE = [
  ["time", `${E.ts} // 1000`],
  ["action", E.action],
  ["result", E.result],
  ["address", E.clientIp],
] as const;

/** The fields on which a copy (`c_`) and the group's kept copy (`k_`) disagree. */
const DIFFERENT = `list_filter([${AGREE.map(([name], index) => `CASE WHEN c_${index} IS NOT NULL AND k_${index} IS NOT NULL AND c_${index} <> k_${index} THEN '${name}' END`).join(", ")}], x -> x IS NOT NULL)`;

/** One record seen with another content under the same id: both kept, the analyst told where. */
const CONFLICT = {
  ...pick(WARNINGS, "path", "parser", "line", "offset", "recordId", "member"),
  fileId: bigint().notNull,
  keptPath: varchar().notNull,
  keptLine: bigint(),
  keptOffset: bigint(),
  fields: varchar().notNull,
};

const where = (path: string, line: number | null, offset: number | null): string => `${path}${line !== null ? ` line ${line}` : offset !== null ? ` offset ${offset}` : ""}`;

/**
 * De-duplication across overlapping exports (docs/event-model.md): the same record id (per kind) is one
 * event wherever it was seen; records without an id are matched on their content, but only across
 * files (two identical lines in one log are two events). The fullest copy is kept (else the first
 * in file order); the others are listed in `duplicates`. A copy under the same id that disagrees
 * with the kept one (see AGREE) is no copy: it stays an event of its own, with a warning naming
 * both locations (and copies equal to it are its duplicates). Run once, at the end of ingest.
 */
/** Scratch: every copy that is not the kept one of its group, with what it disagrees on. */
const COPIES = "dedup_copies";

export async function markDuplicates(store: CaseStore): Promise<number> {
  const keptValues = AGREE.map((_, index) => `first_value(c_${index}) OVER w AS k_${index}`).join(", ");
  const ownValues = AGREE.map(([, sql], index) => `${sql} AS c_${index}`).join(", ");
  await store.run(`
    CREATE OR REPLACE TEMP TABLE ${COPIES} AS
    WITH shared_formats AS (
      -- A record without an id can only repeat in another file of its format: with one file of a
      -- format (one big log) there is nothing to hash.
      SELECT ${F.parser} FROM ${FILES.name} WHERE ${F.parser} IS NOT NULL GROUP BY ${F.parser} HAVING count(*) > 1
    ), keyed AS (
      SELECT ${E.id}, ${E.fileId}, ${E.seq}, ${E.data}, ${E.recordKey} IS NOT NULL AS by_record,
             coalesce(${E.recordKey}, 'content|' || md5(${E.data})) AS k, ${ownValues},
             ${E.refLine}, ${E.refOffset}, ${E.recordId}, ${E.member}
      FROM ${EVENTS.name}
      WHERE ${E.recordKey} IS NOT NULL
         OR ${E.fileId} IN (SELECT ${F.fileId} FROM ${FILES.name} WHERE ${F.parser} IN (SELECT ${F.parser} FROM shared_formats))
    ), ranked AS (
      SELECT *,
             row_number() OVER w AS rn,
             first_value(${E.id}) OVER w AS ${D.keptId},
             first_value(${E.fileId}) OVER w AS kept_file,
             first_value(${E.refLine}) OVER w AS kept_line,
             first_value(${E.refOffset}) OVER w AS kept_offset,
             ${keptValues}
      FROM keyed
      -- Of the copies of one record, the fullest is kept (a Graph sign-in has coordinates its
      -- portal CSV copy lacks); among equals, the first in file order.
      WINDOW w AS (PARTITION BY k ORDER BY length(${E.data}) DESC, ${E.fileId}, ${E.seq})
    )
    SELECT ${E.id}, ${E.fileId}, ${E.seq}, k, by_record, ${D.keptId}, kept_file, kept_line, kept_offset,
           ${E.refLine}, ${E.refOffset}, ${E.recordId}, ${E.member}, md5(${E.data}) AS body,
           CASE WHEN by_record THEN ${DIFFERENT} ELSE []::VARCHAR[] END AS different
    FROM ranked WHERE rn > 1`);
  // Copies that disagree with the kept one: among themselves, only exact copies are duplicates.
  const conflicting = `(SELECT *, row_number() OVER (PARTITION BY k, body ORDER BY ${E.fileId}, ${E.seq}) AS crn,
      first_value(${E.id}) OVER (PARTITION BY k, body ORDER BY ${E.fileId}, ${E.seq}) AS conflict_kept
    FROM ${COPIES} WHERE len(different) > 0)`;
  await store.replaceTable(
    DUPLICATES,
    `SELECT ${E.id} AS ${D.id}, ${D.keptId}, ${E.fileId} AS ${D.fileId} FROM ${COPIES}
     WHERE len(different) = 0 AND (by_record OR ${E.fileId} <> kept_file)
     UNION ALL
     SELECT ${E.id}, conflict_kept, ${E.fileId} FROM ${conflicting} WHERE crn > 1`,
  );
  await store.run(LIVE_EVENTS_VIEW_SQL);
  const conflicts = await store.rows(
    CONFLICT,
    `SELECT c.${E.fileId} AS file_id, f.${F.path} AS path, f.${F.parser} AS parser, c.${E.refLine} AS line, c.${E.refOffset} AS "offset",
            c.${E.recordId} AS record_id, c.${E.member} AS member, kf.${F.path} AS kept_path, c.kept_line, c.kept_offset,
            array_to_string(c.different, ', ') AS fields
     FROM ${conflicting} c JOIN ${FILES.name} f ON f.${F.fileId} = c.${E.fileId} JOIN ${FILES.name} kf ON kf.${F.fileId} = c.kept_file
     WHERE c.crn = 1
     ORDER BY c.${E.fileId}, c.${E.seq}`,
  );
  await store.run(`DROP TABLE ${COPIES}`);
  for (const conflict of conflicts) {
    store.addWarning({
      fileId: conflict.fileId,
      path: conflict.path,
      parser: conflict.parser ?? undefined,
      line: conflict.line ?? undefined,
      offset: conflict.offset ?? undefined,
      recordId: conflict.recordId ?? undefined,
      member: conflict.member ?? undefined,
      reason: `record id ${String(conflict.recordId)} is also at ${where(conflict.keptPath, conflict.keptLine, conflict.keptOffset)} with a different ${conflict.fields}: not the same record, both kept as separate events`,
    });
    await store.run(`UPDATE ${FILES.name} SET ${F.warnings} = ${F.warnings} + 1 WHERE ${F.fileId} = $1`, [conflict.fileId]);
  }
  if (conflicts.length > 0) {
    await store.addNote(`${conflicts.length} record(s) share their record id with a different record (another time, action, user, address...): both kept as separate events, each named in warnings.jsonl`);
  }
  const count = await store.one({ n: bigint().notNull }, `SELECT count(*)::BIGINT AS n FROM ${DUPLICATES.name}`);
  return count?.n ?? 0;
}
