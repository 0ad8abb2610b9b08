/** A string table: each distinct string stored once in the page, rows hold its index. */
export class StringTable {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];

  /** The index of `value`, or -1 for a missing or empty value. */
  id(value: unknown): number {
    const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
    if (text === "") return -1;
    let found = this.index.get(text);
    if (found === undefined) {
      found = this.values.length;
      this.values.push(text);
      this.index.set(text, found);
    }
    return found;
  }
}
