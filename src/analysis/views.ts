/** The subqueries every analysis pass starts from, named through the column table. */
import { DUPLICATES, EVENTS, MARKS } from "../model/columns.js";
import { LIVE_EVENTS_SELECT } from "../store/schema.js";

const E = EVENTS.col;
const D = DUPLICATES.col;

/** Events that are not a duplicate of another (the first location of a record is kept); the case's `live_events` view holds the same. */
export const LIVE_EVENTS = `(${LIVE_EVENTS_SELECT})`;

/**
 * Every copy of every event, named by the id of the copy that was kept: a duplicate's fields can
 * fill what the kept copy lacks (the portal CSV copy of a sign-in has no coordinates, its Graph
 * JSON copy has them). Group by `id` to merge them.
 */
export const ALL_COPIES = `(SELECT e.* EXCLUDE (${E.id}), coalesce(d.${D.keptId}, e.${E.id}) AS ${E.id} FROM ${EVENTS.name} e LEFT JOIN ${DUPLICATES.name} d ON d.${D.id} = e.${E.id})`;

/** The ids of attacker events (marked for any reason). */
export const ATTACKER_IDS = `(SELECT DISTINCT ${MARKS.col.id} FROM ${MARKS.name})`;
