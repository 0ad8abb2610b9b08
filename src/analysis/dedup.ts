import { bigint, DUPLICATES, EVENTS, FILES } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";

const E = EVENTS.col;
const F = FILES.col;
const D = DUPLICATES.col;

/**
 * De-duplication across overlapping exports (docs/event-model.md): the same record id (per kind) is one
 * event wherever it was seen; records without an id are matched on their content, but only across
 * files (two identical lines in one log are two events). The fullest copy is kept (else the first
 * in file order); the others are listed in `duplicates`.
 */
export async function markDuplicates(store: CaseStore): Promise<number> {
  await store.replaceTable(
    DUPLICATES,
    `
    WITH shared_formats AS (
      -- A record without an id can only repeat in another file of its format: with one file of a
      -- format (one big log) there is nothing to hash.
      SELECT ${F.parser} FROM ${FILES.name} WHERE ${F.parser} IS NOT NULL GROUP BY ${F.parser} HAVING count(*) > 1
    ), keyed AS (
      SELECT ${E.id}, ${E.fileId}, ${E.seq}, ${E.data}, ${E.recordKey} IS NOT NULL AS by_record,
             coalesce(${E.recordKey}, 'content|' || md5(${E.data})) AS k
      FROM ${EVENTS.name}
      WHERE ${E.recordKey} IS NOT NULL
         OR ${E.fileId} IN (SELECT ${F.fileId} FROM ${FILES.name} WHERE ${F.parser} IN (SELECT ${F.parser} FROM shared_formats))
    ), ranked AS (
      SELECT *,
             row_number() OVER w AS rn,
             first_value(${E.id}) OVER w AS ${D.keptId},
             first_value(${E.fileId}) OVER w AS kept_file
      FROM keyed
      -- Of the copies of one record, the fullest is kept (a Graph sign-in has coordinates its
      -- portal CSV copy lacks); among equals, the first in file order.
      WINDOW w AS (PARTITION BY k ORDER BY length(${E.data}) DESC, ${E.fileId}, ${E.seq})
    )
    SELECT ${E.id} AS ${D.id}, ${D.keptId}, ${E.fileId} AS ${D.fileId} FROM ranked WHERE rn > 1 AND (by_record OR ${E.fileId} <> kept_file)
  `,
  );
  const count = await store.one({ n: bigint().notNull }, `SELECT count(*)::BIGINT AS n FROM ${DUPLICATES.name}`);
  return count?.n ?? 0;
}
