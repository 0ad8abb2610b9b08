import type { Parser } from "../src/model/parser.js";
import { dovecotEvents } from "./dovecot-events.js";
import { dovecotLog } from "./dovecot-log.js";
import { ediscovery } from "./ediscovery.js";
import { eml } from "./eml.js";
import { exchangeProtocolLog } from "./exchange-protocol-log.js";
import { imapAcquisition } from "./imap-acquisition.js";
import { mailtrailAcquisition } from "./mailtrail-acquisition.js";
import { entraSigninsCsv } from "./entra-signins-csv.js";
import { entraSigninsJson } from "./entra-signins-json.js";
import { m365AuditCsv } from "./m365-audit-csv.js";
import { m365AuditJson } from "./m365-audit-json.js";
import { maildir } from "./maildir.js";
import { mbox } from "./mbox.js";
import { msg } from "./msg.js";
import { pst } from "./pst.js";

/**
 * The registry: every parser, listed once. Sniffing tries them in this order, so the more
 * specific formats come first.
 */
export const parsers: readonly Parser[] = [mailtrailAcquisition, exchangeProtocolLog, dovecotEvents, dovecotLog, entraSigninsJson, entraSigninsCsv, m365AuditJson, m365AuditCsv, imapAcquisition, pst, msg, mbox, eml, maildir, ediscovery];

export function parserByName(name: string): Parser | undefined {
  return parsers.find((parser) => parser.name === name);
}
