/**
 * The normalized event model (docs/event-model.md): one shape per activity, whatever the source.
 * Parsers produce `ParsedEvent`s (no id, no file provenance); the pipeline stamps
 * `id` and `source` and the result is a `MailEvent`.
 */

/** Where a record came from. File, hash and parser are stamped by the pipeline. */
export interface SourceRef {
  parser: string;
  /** Path relative to the evidence root; `archive.zip!member/path` for archive members. */
  file: string;
  sha256: string;
  line?: number;
  offset?: number;
  /** The record's own id (sign-in `id`, audit record `Id`) where it carries one. */
  recordId?: string;
  /** For claimed folders (Maildir): the file inside the folder; `file` then names that file. */
  member?: string;
}

/** The part of the provenance a parser knows: where inside the file. */
export interface RecordRef {
  line?: number;
  offset?: number;
  recordId?: string;
  /** Folder parsers: the file inside the claimed folder (from `ctx.openMember`). */
  member?: string;
}

/** Keys that join records across sources (docs/event-model.md). */
export interface CorrelationKeys {
  /** Entra `sessionId` / UAL `AppAccessContext.AADSessionId`. */
  aadSessionId?: string;
  /** Entra `uniqueTokenIdentifier` / UAL `AppAccessContext.UniqueTokenId`. */
  uniqueTokenId?: string;
  correlationId?: string;
  requestId?: string;
  /** Dovecot session id (`session=<...>`), Exchange session, UAL `SessionId`. */
  serverSessionId?: string;
  /** Dovecot mail process id, joins a login line to a rawlog file. */
  processId?: string;
}

export interface GeoLocation {
  city?: string;
  state?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
}

export type Result = "success" | "failure";

interface EventBase {
  /** UTC epoch milliseconds. */
  ts: number;
  /** What the timestamp means (Timesketch `timestamp_desc`), e.g. "Login time". */
  tsDesc: string;
  /** What the source called it: `Login`, `MailItemsAccessed`, `copy`, ... */
  action: string;
  result?: Result;
  /** Who acted (login name, UPN). */
  user?: string;
  /** Whose mail, when not the actor's own. */
  mailbox?: string;
  clientIp?: string;
  clientPort?: number;
  country?: string;
  userAgent?: string;
  /** The source's own session id (the main one for this source). */
  sessionId?: string;
  keys?: CorrelationKeys;
  /** Number of messages concerned, where known. */
  messageCount?: number;
  /** One human line of what else matters. */
  detail?: string;
  /** Source-specific facts kept for the analyst (JSON-safe). */
  extra?: Record<string, unknown>;
  /** Cloud evidence: the account, region, principal and resources of the event. */
  cloud?: CloudContext;
}

/**
 * Who acted in a cloud account, with which credential. AWS `userIdentity` normalised: booleans
 * are booleans, times are UTC ms, redacted or hidden values are left out.
 */
export interface CloudPrincipal {
  /** `IAMUser`, `AssumedRole`, `Root`, `FederatedUser`, `AWSService`, `AWSAccount`, `SAMLUser`, `WebIdentityUser`, `IdentityCenterUser`; `WorkMailUser`, `S3CanonicalUser`, `Anonymous` for other logs. */
  type?: string;
  arn?: string;
  /** Account that owns the principal: one unlike the event's account is cross-account access. */
  accountId?: string;
  principalId?: string;
  /** IAM user name, role session name, federated user name, WorkMail user id. */
  name?: string;
  /** `AKIA…` long-term key, `ASIA…` temporary credentials. */
  accessKeyId?: string;
  /** The role (or user) a session was issued for. */
  sessionIssuer?: { type?: string; arn?: string; accountId?: string; name?: string; principalId?: string };
  mfaAuthenticated?: boolean;
  /** When the session's credentials were issued (UTC ms). */
  sessionCreated?: number;
  sourceIdentity?: string;
  /** The AWS service that made the call on the principal's behalf. */
  invokedBy?: string;
  /** Instance-profile credentials: the IMDS version that delivered them (`1.0`, `2.0`). */
  ec2RoleDelivery?: string;
  identityProvider?: string;
  /** Console session credentials used outside the console (`sessionCredentialFromConsole`). */
  fromConsole?: boolean;
  /** S3 canonical user id (server access logs). */
  canonicalId?: string;
  /** Who acted through impersonation (WorkMail `impersonator_id`). */
  impersonator?: string;
}

export interface CloudResource {
  /** `AWS::S3::Bucket`, `AWS::S3::Object`, `AWS::EC2::Snapshot`, `AWS::WorkMail::Organization`, ... */
  type?: string;
  arn?: string;
  /** An id where there is no ARN (snapshot, instance, interface, mailbox). */
  id?: string;
  accountId?: string;
  /** The ARN names a prefix (every object under it), not one resource. */
  prefix?: boolean;
}

export interface CloudContext {
  provider: "aws";
  /** The account whose log this is (CloudTrail `recipientAccountId`, the flow log's or finding's account). */
  accountId?: string;
  region?: string;
  /** AWS Organizations id, from an organisation trail's `AWSLogs/o-…/` path. */
  organizationId?: string;
  principal?: CloudPrincipal;
  resources?: CloudResource[];
  /** The caller's address when AWS wrote a service name instead of an IP (`s3.amazonaws.com`, `AWS Internal`). */
  sourceService?: string;
  /** The caller's address as written when it is neither an IP nor a service name (anonymised `211.9.016.253`). */
  sourceAddress?: string;
  /** One action seen by two accounts (caller and resource owner) carries the same id in both logs. */
  sharedEventId?: string;
  vpcEndpointId?: string;
  tls?: { version?: string; cipherSuite?: string; host?: string };
}

/** One message an event concerns, by whatever the source gives. */
export interface MessageItem {
  messageId?: string;
  uid?: number;
  uidValidity?: number;
  folder?: string;
  size?: number;
  subject?: string;
  from?: string;
  /** The store's own item id when it gives no Message-ID (WorkMail `item_id`). */
  itemId?: string;
}

export interface AuthEvent extends EventBase {
  kind: "auth";
  /** `imap`, `pop3`, `IMAP4`, `Browser`, `Exchange ActiveSync`, ... */
  protocol?: string;
  /** Legacy protocol named where the source says so (IMAP4, POP3, Authenticated SMTP ...). */
  legacyProtocol?: boolean;
  method?: string;
  errorCode?: string;
  failureReason?: string;
  location?: GeoLocation;
  asn?: number;
  interactive?: boolean;
  appId?: string;
  appName?: string;
  resource?: string;
  mfa?: string;
  risk?: string;
  conditionalAccess?: string;
  device?: string;
  tls?: string;
  attempts?: number;
}

export interface SessionEndEvent extends EventBase {
  kind: "session.end";
  protocol?: string;
  /** The session's counters as logged (`body_count`, `retr`, `in`, ...). */
  counters: Record<string, number>;
}

export type ReadHow = "bind" | "sync" | "fetch" | "prefetch" | "access" | "pop3" | "search-hit" | "headers" | "unknown";

export interface MailReadEvent extends EventBase {
  kind: "mail.read";
  how: ReadHow;
  folder?: string;
  items: MessageItem[];
  /** MailItemsAccessed `IsThrottled`: audit records were dropped after this one. */
  throttled?: boolean;
}

export type ChangeOp = "copy" | "move" | "delete" | "undelete" | "expunge" | "flag" | "append" | "update";

export interface MailChangeEvent extends EventBase {
  kind: "mail.change";
  op: ChangeOp;
  folder?: string;
  destFolder?: string;
  items: MessageItem[];
  flags?: string[];
}

export interface MailSendEvent extends EventBase {
  kind: "mail.send";
  sendAs: "send" | "send-as" | "send-on-behalf";
  /** The mailbox sent as / on behalf of, when not the actor's own. */
  sentAs?: string;
  items: MessageItem[];
}

export type ConfigChange =
  | "inbox-rule"
  | "forwarding"
  | "permission"
  | "folder-create"
  | "folder-delete"
  | "folder-rename"
  | "app-consent"
  | "other";

export interface InboxRule {
  name?: string;
  /** Conditions as `name: value` pairs (From, SubjectContainsWords, ...). */
  conditions: Record<string, string>;
  /** Actions (ForwardTo, RedirectTo, DeleteMessage, MoveToFolder, MarkAsRead, StopProcessingRules, ...). */
  actions: Record<string, string>;
}

export interface MailboxConfigEvent extends EventBase {
  kind: "mailbox.config";
  change: ConfigChange;
  /** The object changed: folder name, mailbox, app, rule. */
  target?: string;
  rule?: InboxRule;
  /** Forwarding destination, permission grantee, consented app. */
  grantee?: string;
  rights?: string;
  parameters?: Record<string, string>;
}

export interface SearchEvent extends EventBase {
  kind: "search";
  query?: string;
  folder?: string;
}

export interface OtherEvent extends EventBase {
  kind: "other";
}

/** CloudTrail `eventCategory`, lower-cased. */
export type CloudCategory = "management" | "data" | "insight" | "network-activity";

/** Credentials a call created: the link from a session (or key) back to the call that made it. */
export interface IssuedCredential {
  accessKeyId: string;
  /** `session` (STS AssumeRole*, GetSessionToken, GetFederationToken) or `access-key` (IAM CreateAccessKey). */
  type: "session" | "access-key";
  /** The principal the credential acts as (assumed-role ARN, federated user ARN, IAM user name). */
  principal?: string;
  expiration?: number;
}

/** A call to a cloud provider's API (a CloudTrail management, data or service event). */
export interface CloudApiEvent extends EventBase {
  kind: "cloud.api";
  /** `eventSource`, lower-cased: `iam.amazonaws.com`, `workmailmessageflow.amazonaws.com`. */
  service: string;
  /** `<service>:<name>`: the first label of the service and the event name, Lambda's API-version suffix dropped (`lambda:UpdateFunctionCode`). */
  api: string;
  readOnly?: boolean;
  category?: CloudCategory;
  /** `AwsApiCall`, `AwsServiceEvent`, `AwsConsoleAction`, `AwsConsoleSignIn`, `AwsCloudTrailInsight`. */
  eventType?: string;
  errorCode?: string;
  errorMessage?: string;
  /** `requestParameters` as recorded. */
  request?: Record<string, unknown>;
  /** `responseElements` as recorded. */
  response?: Record<string, unknown>;
  /** `additionalEventData` as recorded. */
  additional?: Record<string, unknown>;
  /** `serviceEventDetails` of service events. */
  serviceDetails?: Record<string, unknown>;
  bytesIn?: number;
  bytesOut?: number;
  issued?: IssuedCredential[];
  /** Every 12-digit account id named in the request or response (grantees, trusted principals, destinations). */
  accountsNamed?: string[];
  /** What a share call added or removed: an account id, or `all` (public). */
  shares?: { op: "add" | "remove"; with: string }[];
  /** Where in request/response AWS replaced a value with `<sensitiveDataRemoved>`. */
  redacted?: string[];
  /** Policy documents written as JSON text or URL-encoded, decoded, by their path. */
  policies?: Record<string, unknown>;
  /** A late or corrected delivery (`addendum`). */
  addendum?: Record<string, unknown>;
  eventVersion?: string;
}

export type ObjectOp = "read" | "head" | "write" | "delete" | "list" | "acl" | "other";

/** An operation on a stored object or a bucket's listing, with the bytes it moved. */
export interface ObjectAccessEvent extends EventBase {
  kind: "object.access";
  op: ObjectOp;
  /** `s3.amazonaws.com`. */
  service: string;
  /** `s3:GetObject` where known. */
  api?: string;
  /** The server access log's operation (`REST.GET.OBJECT`, `BATCH.DELETE.OBJECT`). */
  operation?: string;
  bucket?: string;
  /** Object key, URL-decoded. */
  key?: string;
  versionId?: string;
  /** Listing prefix. */
  prefix?: string;
  /** Bytes sent to the client. */
  bytesOut?: number;
  bytesIn?: number;
  /** The whole object's size (a read of fewer bytes was partial). */
  objectSize?: number;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
  /** `QueryString` is a presigned URL; `AuthHeader` a signed request. */
  authType?: string;
  signatureVersion?: string;
  readOnly?: boolean;
  category?: CloudCategory;
  /** `bucket/key` a copy read from. */
  copySource?: string;
  /** CloudTrail `requestParameters` as recorded. */
  request?: Record<string, unknown>;
  requestUri?: string;
  referer?: string;
  accessPoint?: string;
  bucketOwner?: string;
  totalTimeMs?: number;
  turnAroundMs?: number;
}

/** One flow-log record: the traffic of one network interface between two endpoints in a window. */
export interface NetworkFlowEvent extends EventBase {
  kind: "network.flow";
  /** End of the aggregation window (UTC ms); `ts` is its start. */
  end?: number;
  srcAddr?: string;
  dstAddr?: string;
  srcPort?: number;
  dstPort?: number;
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP). */
  protocol?: number;
  packets?: number;
  bytes?: number;
  flowAction?: "ACCEPT" | "REJECT";
  /** `NODATA`: no traffic; `SKIPDATA`: records were lost. */
  logStatus?: "OK" | "NODATA" | "SKIPDATA";
  interfaceId?: string;
  vpcId?: string;
  subnetId?: string;
  instanceId?: string;
  direction?: "ingress" | "egress";
  /** The original endpoints behind a NAT gateway or load balancer. */
  pktSrcAddr?: string;
  pktDstAddr?: string;
  /** AWS service of an endpoint (`S3`, `AMAZON`). */
  srcService?: string;
  dstService?: string;
  trafficPath?: number;
  tcpFlags?: number;
  /** `IPv4`, `IPv6`, `EFA`. */
  addressType?: string;
  version?: number;
}

/** A finding raised by a detector: GuardDuty, or CloudTrail Insights (an unusual rate of calls or errors). */
export interface DetectionEvent extends EventBase {
  kind: "detection";
  /** `guardduty`, `cloudtrail-insights`. */
  detector: string;
  findingId: string;
  /** `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`, ... */
  findingType: string;
  title?: string;
  description?: string;
  severity?: number;
  severityLabel?: "low" | "medium" | "high" | "critical";
  confidence?: number;
  resourceType?: string;
  /** `AWS_API_CALL`, `NETWORK_CONNECTION`, `DNS_REQUEST`, `PORT_PROBE`. */
  actionType?: string;
  /** The API call behind an AWS_API_CALL finding (`s3:GetObject`). */
  api?: string;
  domain?: string;
  /** How many times the activity was seen (one finding can stand for thousands of calls). */
  count?: number;
  firstSeen?: number;
  lastSeen?: number;
  created?: number;
  updated?: number;
  archived?: boolean;
  /** Insights: `Start` or `End` of the unusual period (the two share `cloud.sharedEventId`). */
  state?: string;
  /** Insights: the usual and the observed average per minute. */
  baseline?: number;
  observed?: number;
  /** The actor's network: the address is also `clientIp`. */
  remote?: { ip?: string; country?: string; city?: string; asn?: string; org?: string; isp?: string };
}

/** One log file a digest vouches for. */
export interface DigestedLogFile {
  bucket?: string;
  /** The file's S3 key (`AWSLogs/…/CloudTrail/…json.gz`). */
  object: string;
  /** Hex digest of the file's uncompressed content. */
  hash: string;
  hashAlgorithm?: string;
  oldestEventTime?: number;
  newestEventTime?: number;
}

/**
 * A log-integrity digest (CloudTrail digest file): the log files a trail delivered in one period,
 * their hashes, and the link to the previous digest. Values the signature covers are kept as written.
 */
export interface LogDigestEvent extends EventBase {
  kind: "log.digest";
  /** `cloudtrail`. */
  log: string;
  /** Period start and end (UTC ms); `ts` is the end. */
  start: number;
  end: number;
  /** `digestEndTime` exactly as written (it is part of the signed string). */
  endText: string;
  bucket?: string;
  object?: string;
  trail?: string;
  publicKeyFingerprint?: string;
  signatureAlgorithm?: string;
  /** The previous digest; absent where the chain starts (logging or validation switched on). */
  previous?: { bucket?: string; object?: string; hash?: string; hashAlgorithm?: string; signature?: string };
  oldestEventTime?: number;
  newestEventTime?: number;
  logFiles: DigestedLogFile[];
}

/** What a parser yields: an event without pipeline-stamped id and source. */
export type ParsedEventOf<E> = E extends unknown ? E & { ref: RecordRef } : never;

export type EventBody =
  | AuthEvent
  | SessionEndEvent
  | MailReadEvent
  | MailChangeEvent
  | MailSendEvent
  | MailboxConfigEvent
  | SearchEvent
  | OtherEvent
  | CloudApiEvent
  | ObjectAccessEvent
  | NetworkFlowEvent
  | DetectionEvent
  | LogDigestEvent;

export type EventKind = EventBody["kind"];

export const EVENT_KINDS = [
  "auth",
  "session.end",
  "mail.read",
  "mail.change",
  "mail.send",
  "mailbox.config",
  "search",
  "other",
  "cloud.api",
  "object.access",
  "network.flow",
  "detection",
  "log.digest",
] as const satisfies readonly EventKind[];

/** Kinds only cloud evidence produces: counts list them only where they occur. */
export const CLOUD_EVENT_KINDS = ["cloud.api", "object.access", "network.flow", "detection", "log.digest"] as const satisfies readonly EventKind[];

export function isCloudKind(kind: string): boolean {
  return (CLOUD_EVENT_KINDS as readonly string[]).includes(kind);
}

// Compile-time check that EVENT_KINDS lists every kind of the union.
type MissingKind = Exclude<EventKind, (typeof EVENT_KINDS)[number]>;
const allKindsListed: MissingKind extends never ? true : false = true;
void allKindsListed;

export type ParsedEvent = ParsedEventOf<EventBody>;

/** A stamped event: what the store holds and the outputs show. */
export type MailEvent = EventBody & { id: string; source: SourceRef };

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
