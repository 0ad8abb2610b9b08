/** CloudTrail `userIdentity` as a normalised principal, and the one name the timeline shows for it. */
import type { CloudPrincipal } from "../../model/events.js";
import { arnAccount, awsTime, cleanArn, compact, flag, isObj, text, type Obj } from "./values.js";

/** The session name of an `assumed-role/<role>/<session>` or the name of a `federated-user/<name>` ARN. */
function nameInArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const assumed = /:assumed-role\/[^/]+\/(.+)$/.exec(arn);
  if (assumed) return assumed[1];
  const federated = /:federated-user\/(.+)$/.exec(arn);
  return federated?.[1];
}

function issuerOf(value: unknown): CloudPrincipal["sessionIssuer"] {
  if (!isObj(value)) return undefined;
  const issuer = compact({
    type: text(value.type),
    arn: cleanArn(value.arn),
    accountId: text(value.accountId),
    name: text(value.userName),
    principalId: text(value.principalId),
  });
  return Object.keys(issuer).length > 0 ? issuer : undefined;
}

/**
 * `userIdentity` (plus the record's `sessionCredentialFromConsole`) as a principal. A service event
 * with no caller (`{"accountId", "invokedBy"}` only) is an `AWSService` principal.
 */
export function principalOf(identity: unknown, record: Obj): CloudPrincipal | undefined {
  if (!isObj(identity)) return undefined;
  const session = isObj(identity.sessionContext) ? identity.sessionContext : undefined;
  const attributes = session && isObj(session.attributes) ? session.attributes : undefined;
  const arn = cleanArn(identity.arn);
  const onBehalfOf = isObj(identity.onBehalfOf) ? identity.onBehalfOf : undefined;
  const invokedBy = text(identity.invokedBy);
  const type = text(identity.type) ?? (invokedBy !== undefined ? "AWSService" : undefined);
  const principal = compact<CloudPrincipal>({
    type,
    arn,
    accountId: text(identity.accountId) ?? arnAccount(arn),
    principalId: text(identity.principalId),
    name: text(identity.userName) ?? nameInArn(arn) ?? text(onBehalfOf?.userId),
    accessKeyId: text(identity.accessKeyId),
    sessionIssuer: issuerOf(session?.sessionIssuer),
    mfaAuthenticated: flag(attributes?.mfaAuthenticated),
    sessionCreated: awsTime(attributes?.creationDate),
    sourceIdentity: text(session?.sourceIdentity) ?? text(identity.sourceIdentity),
    invokedBy,
    ec2RoleDelivery: text(session?.ec2RoleDelivery),
    identityProvider: text(identity.identityProvider),
    fromConsole: flag(record.sessionCredentialFromConsole),
  });
  return Object.keys(principal).length > 0 ? principal : undefined;
}

/**
 * The name the timeline's `user` column shows: an IAM or Identity Center user by name (the
 * directory resolves names), every other principal by its ARN, a service by its service name.
 */
export function displayUser(principal: CloudPrincipal | undefined): string | undefined {
  if (principal === undefined) return undefined;
  switch (principal.type) {
    case "IAMUser":
    case "IdentityCenterUser":
    case "Directory":
      return principal.name ?? principal.arn ?? principal.principalId;
    case "AWSService":
      return principal.invokedBy ?? principal.principalId;
    case "AWSAccount":
      return principal.accountId ?? principal.principalId;
    default:
      return principal.arn ?? principal.name ?? principal.principalId ?? principal.invokedBy;
  }
}
