import type { Parser } from "../model/format.js";
import { dovecotEvents } from "./dovecot/dovecot-events.js";
import { dovecotLog } from "./dovecot/dovecot-log.js";
import { ediscovery } from "./mailbox/ediscovery.js";
import { eml } from "./mailbox/eml.js";
import { exchangeProtocolLog } from "./exchange/exchange-protocol-log.js";
import { imapAcquisition } from "./acquisition/imap-acquisition.js";
import { mailtrailAcquisition } from "./acquisition/mailtrail-acquisition.js";
import { entraSigninsCsv } from "./m365/entra-signins-csv.js";
import { entraSigninsJson } from "./m365/entra-signins-json.js";
import { m365AuditCsv } from "./m365/m365-audit-csv.js";
import { m365AuditJson } from "./m365/m365-audit-json.js";
import { maildir } from "./mailbox/maildir.js";
import { mbox } from "./mailbox/mbox.js";
import { msg } from "./mailbox/msg.js";
import { pst } from "./mailbox/pst.js";
import { cloudTrailCsv } from "./aws/cloudtrail-csv.js";
import { cloudTrailDigest } from "./aws/cloudtrail-digest.js";
import { cloudTrailJson } from "./aws/cloudtrail-json.js";
import { cloudWatchLogs } from "./aws/cloudwatch-logs.js";
import { guardDuty } from "./aws/guardduty.js";
import { s3AccessLog } from "./aws/s3-access-log.js";
import { vpcFlowLog } from "./aws/vpc-flow-log.js";
import { workMailAudit } from "./aws/workmail-audit.js";

/**
 * The registry: every parser, listed once. Sniffing tries them in this order, so the more
 * specific formats come first.
 */
export const parsers: readonly Parser[] = [mailtrailAcquisition, exchangeProtocolLog, dovecotEvents, dovecotLog, entraSigninsJson, entraSigninsCsv, m365AuditJson, m365AuditCsv, imapAcquisition, pst, msg, mbox, eml, maildir, ediscovery,
  // AWS: the JSON formats with the most specific keys first (a digest or a CloudWatch export holds CloudTrail-looking text).
  cloudTrailDigest, cloudWatchLogs, guardDuty, workMailAudit, cloudTrailJson, cloudTrailCsv, s3AccessLog, vpcFlowLog];

export function parserByName(name: string): Parser | undefined {
  return parsers.find((parser) => parser.name === name);
}
