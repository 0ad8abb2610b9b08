/** Every hunt, in the order rules/hunts.yaml lists them. */
import type { Hunt } from "../findings.js";
import { adminRoleAdded } from "./admin-role-added.js";
import { auditDisabled } from "./audit-disabled.js";
import { auditGap } from "./audit-gap.js";
import { bruteForce } from "./brute-force.js";
import { bulkRead } from "./bulk-read.js";
import { firstSeen } from "./first-seen.js";
import { impossibleTravel } from "./impossible-travel.js";
import { inboxRule } from "./inbox-rule.js";
import { legacyProtocol } from "./legacy-protocol.js";
import { mailAccessEnabled } from "./mail-access-enabled.js";
import { mailboxForwarding } from "./mailbox-forwarding.js";
import { mfaDisabled } from "./mfa-disabled.js";
import { oauthConsent } from "./oauth-consent.js";
import { passwordSpray } from "./password-spray.js";
import { permissionGrant } from "./permission-grant.js";
import { successAfterFailures } from "./success-after-failures.js";

export const hunts: readonly Hunt[] = [
  passwordSpray,
  bruteForce,
  successAfterFailures,
  impossibleTravel,
  firstSeen,
  legacyProtocol,
  bulkRead,
  inboxRule,
  mailboxForwarding,
  permissionGrant,
  oauthConsent,
  auditGap,
  auditDisabled,
  mailAccessEnabled,
  mfaDisabled,
  adminRoleAdded,
];
