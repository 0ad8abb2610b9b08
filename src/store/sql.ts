/**
 * SQL text that names what the column table and the event union define: JSON paths into an
 * event's body (`data`), checked against the keys of the event union, so that `data->>'folder'`
 * is not free text scattered over the queries.
 */
import { EVENTS } from "../model/columns.js";
import type { EventBody, MessageItem } from "../model/events.js";

type KeysOf<T> = T extends unknown ? keyof T & string : never;
type ValueAt<T, K extends string> = T extends unknown ? (K extends keyof T ? NonNullable<T[K]> : never) : never;
type NestedKeys<V> = V extends readonly unknown[] ? never : V extends object ? KeysOf<V> : never;

/** A field of some event kind (`folder`), or a field of one of its objects (`location.country`, `counters.body_count`). */
export type EventPath = { [K in KeysOf<EventBody>]: K | `${K}.${NestedKeys<ValueAt<EventBody, K>>}` }[KeysOf<EventBody>];

function quoted(key: string): string {
  return `'${key.replaceAll("'", "''")}'`;
}

function jsonPath(base: string, path: string, lastAsText: boolean): string {
  const keys = path.split(".");
  const last = keys.pop() as string;
  return `(${[base, ...keys.map(quoted)].join("->")}${lastAsText ? "->>" : "->"}${quoted(last)})`;
}

function dataColumn(alias: string | undefined): string {
  return alias ? `${alias}.${EVENTS.col.data}` : EVENTS.col.data;
}

/** The field as text (`->>`): `(e.data->'location'->>'country')`; NULL where the event has none. */
export function eventField(path: EventPath, alias?: string): string {
  return jsonPath(dataColumn(alias), path, true);
}

/** The field as JSON (`->`), for arrays and objects: `(data->'items')`. */
export function eventJson(path: EventPath, alias?: string): string {
  return jsonPath(dataColumn(alias), path, false);
}

/** A field of one message item unnested from `items` as `item`: `(item->>'uid')`. */
export function itemField(key: keyof MessageItem & string, item = "item"): string {
  return `(${item}->>${quoted(key)})`;
}
