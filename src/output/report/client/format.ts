/** Numbers, times and lists as the page writes them (en-US digits, UTC). */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const fmt = (n: unknown): string => (typeof n === "number" && Number.isFinite(n) ? n.toLocaleString("en-US") : "—");

export const time = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "");

/** An ISO time from a case file, shown like `time`; what does not parse is shown as written. */
export const isoTime = (iso: string): string => {
  const ms = Date.parse(iso);
  return iso === "" ? "" : Number.isFinite(ms) ? time(ms) : iso;
};

export const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`;

export const listText = (items: string[], max: number): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${fmt(items.length - max)} more`;

/** `a;b` lists from the CSV files, spaced so they wrap. */
export const spaced = (value: string | undefined): string => (value ?? "").split(";").filter((part) => part !== "").join(", ");
