import type { Parser } from "../src/model/parser.js";
import { dovecotEvents } from "./dovecot-events.js";
import { dovecotLog } from "./dovecot-log.js";
import { eml } from "./eml.js";
import { mbox } from "./mbox.js";
import { pst } from "./pst.js";

/**
 * The registry: every parser, listed once. Sniffing tries them in this order, so the more
 * specific formats come first.
 */
export const parsers: readonly Parser[] = [dovecotEvents, dovecotLog, pst, mbox, eml];

export function parserByName(name: string): Parser | undefined {
  return parsers.find((parser) => parser.name === name);
}
