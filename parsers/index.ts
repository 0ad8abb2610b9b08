import type { Parser } from "../src/model/parser.js";


/**
 * The registry: every parser, listed once. Sniffing tries them in this order, so the more
 * specific formats come first.
 */
export const parsers: readonly Parser[] = [];

export function parserByName(name: string): Parser | undefined {
  return parsers.find((parser) => parser.name === name);
}
