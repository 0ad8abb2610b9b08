import type { FileFormat, FolderFormat, Format } from "../model/format.js";
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
import { zimbraLog } from "./zimbra/zimbra-log.js";
import { cloudTrailCsv } from "./aws/cloudtrail-csv.js";
import { cloudTrailDigest } from "./aws/cloudtrail-digest.js";
import { cloudTrailJson } from "./aws/cloudtrail-json.js";
import { cloudWatchLogs } from "./aws/cloudwatch-logs.js";
import { guardDuty } from "./aws/guardduty.js";
import { s3AccessLog } from "./aws/s3-access-log.js";
import { vpcFlowLog } from "./aws/vpc-flow-log.js";
import { workMailAudit } from "./aws/workmail-audit.js";

/**
 * The registry: every format, listed once. Files are sniffed by the file formats in this order,
 * so the more specific formats come first.
 */
export const fileFormats: readonly FileFormat[] = [
  mailtrailAcquisition,
  exchangeProtocolLog,
  dovecotEvents,
  dovecotLog,
  entraSigninsJson,
  entraSigninsCsv,
  m365AuditJson,
  m365AuditCsv,
  pst,
  msg,
  mbox,
  eml,
  zimbraLog,
  // AWS: the JSON formats with the most specific keys first (a digest or a CloudWatch export holds CloudTrail-looking text).
  cloudTrailDigest,
  cloudWatchLogs,
  guardDuty,
  workMailAudit,
  cloudTrailJson,
  cloudTrailCsv,
  s3AccessLog,
  vpcFlowLog,
];

/** Folders are offered to the folder formats in this order; the first that claims one reads it. */
export const folderFormats: readonly FolderFormat[] = [imapAcquisition, maildir, ediscovery];

export const formats: readonly Format[] = [...fileFormats, ...folderFormats];

export function formatByName(name: string): Format | undefined {
  return formats.find((format) => format.name === name);
}

/**
 * What a reader (a director, HR) calls each source, in the report; formats not listed here are
 * shown by their own name.
 */
const displayNames: readonly (readonly [Format, string])[] = [
  [dovecotLog, "Mail server log (Dovecot)"],
  [dovecotEvents, "Mail server events (Dovecot)"],
  [entraSigninsJson, "Microsoft sign-ins (Graph)"],
  [entraSigninsCsv, "Microsoft sign-ins (portal)"],
  [m365AuditCsv, "Microsoft 365 audit log"],
  [m365AuditJson, "Microsoft 365 audit log (API)"],
  [imapAcquisition, "IMAP collection"],
];

/** Format name → display name, for the formats that have one. */
export const DISPLAY_NAMES: Readonly<Record<string, string>> = Object.fromEntries(displayNames.map(([format, display]) => [format.name, display]));
