import type { CaseStore } from "../store/case-store.js";

/**
 * De-duplication across overlapping exports (docs/event-model.md): the same record id (per kind) is one
 * event wherever it was seen; records without an id are matched on their content, but only across
 * files (two identical lines in one log are two events). The fullest copy is kept (else the first
 * in file order); the others are listed in `duplicates`.
 */
export async function markDuplicates(store: CaseStore): Promise<number> {
  await store.run(`
    CREATE OR REPLACE TABLE duplicates AS
    WITH shared_formats AS (
      -- A record without an id can only repeat in another file of its format: with one file of a
      -- format (one big log) there is nothing to hash.
      SELECT parser FROM files WHERE parser IS NOT NULL GROUP BY parser HAVING count(*) > 1
    ), keyed AS (
      SELECT id, file_id, seq, data, record_key IS NOT NULL AS by_record,
             coalesce(record_key, 'content|' || md5(data)) AS k
      FROM events
      WHERE record_key IS NOT NULL
         OR file_id IN (SELECT file_id FROM files WHERE parser IN (SELECT parser FROM shared_formats))
    ), ranked AS (
      SELECT *,
             row_number() OVER w AS rn,
             first_value(id) OVER w AS kept_id,
             first_value(file_id) OVER w AS kept_file
      FROM keyed
      -- Of the copies of one record, the fullest is kept (a Graph sign-in has coordinates its
      -- portal CSV copy lacks); among equals, the first in file order.
      WINDOW w AS (PARTITION BY k ORDER BY length(data) DESC, file_id, seq)
    )
    SELECT id, kept_id, file_id FROM ranked WHERE rn > 1 AND (by_record OR file_id <> kept_file)
  `);
  const rows = await store.all("SELECT count(*)::BIGINT AS n FROM duplicates");
  return Number(rows[0]?.["n"] ?? 0);
}
