/**
 * One CloudTrail record, whatever shape it arrived in, as one normalised event: a console sign-in
 * is an `auth`, an S3 object-level data event an `object.access`, an Insights record a
 * `detection`, every other record a `cloud.api`. The record's `eventID` is its record id, so the
 * same event from a trail file, Event history, Lake and CloudWatch de-duplicates to one.
 */
import type { CloudCategory, CloudContext, ObjectOp, ParsedEvent, RecordRef } from "../../model/events.js";
import { authEvent, cloudApiEvent, detectionEvent, objectAccessEvent } from "./build.js";
import { recordFromColumns } from "./columns.js";
import { issuedCredentials, parameterFacts, resourcesOf } from "./parameters.js";
import { displayUser, principalOf } from "./principal.js";
import { awsTime, compact, flag, isObj, nonEmpty, number, sourceAddressOf, text, unbracket, type DeliveryPath, type Obj } from "./values.js";

export type RecordOutcome = { event: ParsedEvent; timestampField?: boolean } | { skip: string };

const CATEGORIES: Record<string, CloudCategory> = { management: "management", data: "data", insight: "insight", networkactivity: "network-activity" };

/** S3 object-level actions (data events) and what each does to the object. */
const S3_OBJECT_OPS: Record<string, ObjectOp> = {
  GetObject: "read",
  GetObjectTorrent: "read",
  SelectObjectContent: "read",
  HeadObject: "head",
  GetObjectAttributes: "head",
  PutObject: "write",
  CopyObject: "write",
  PostObject: "write",
  CreateMultipartUpload: "write",
  UploadPart: "write",
  UploadPartCopy: "write",
  CompleteMultipartUpload: "write",
  DeleteObject: "delete",
  DeleteObjects: "delete",
  ListObjects: "list",
  ListObjectsV2: "list",
  ListObjectVersions: "list",
  ListParts: "list",
  ListMultipartUploads: "list",
  GetObjectAcl: "acl",
  PutObjectAcl: "acl",
};

/** Sign-in events that are a sign-in (CheckMfa, SwitchRole, PasswordUpdated are steps or changes). */
const SIGN_INS = new Set(["ConsoleLogin", "ExternalIdPDirectoryLogin"]);

/** `lambda:UpdateFunctionCode20150331v2` → `UpdateFunctionCode`: API-version suffixes some services log. */
function apiName(eventName: string): string {
  return eventName.replace(/(?:20\d{6}(?:v\d+)?|20\d{2}_\d{2}_\d{2})$/, "") || eventName;
}

function categoryOf(record: Obj, service: string, eventName: string): CloudCategory | undefined {
  const written = text(record.eventCategory);
  if (written !== undefined) return CATEGORIES[written.toLowerCase()];
  const management = flag(record.managementEvent);
  if (management !== undefined) return management ? "management" : "data";
  if (service === "s3.amazonaws.com" && S3_OBJECT_OPS[eventName] !== undefined) return "data";
  return undefined;
}

function objectOrUndefined(value: unknown): Obj | undefined {
  return isObj(value) ? value : undefined;
}

/** The record's time: `eventTime`, else Logstash's `@timestamp`, else the wrapper's (Event history `EventTime`). */
function timeOf(record: Obj, fallback: number | undefined): { ts: number; timestampField?: boolean } | undefined {
  const eventTime = awsTime(record.eventTime);
  if (eventTime !== undefined) return { ts: eventTime };
  const stamp = awsTime(record["@timestamp"]);
  if (stamp !== undefined) return { ts: stamp, timestampField: true };
  return fallback === undefined ? undefined : { ts: fallback };
}

export function cloudTrailEvent(record: Obj, where: RecordRef, delivery: DeliveryPath, fallbackTime?: number): RecordOutcome {
  const time = timeOf(record, fallbackTime);
  if (time === undefined) return { skip: "CloudTrail record without a usable eventTime: skipped" };
  const eventId = text(record.eventID);
  const ref: RecordRef = Object.assign({}, where, eventId === undefined ? undefined : { recordId: eventId });
  const insight = objectOrUndefined(record.insightDetails);
  const principal = principalOf(record.userIdentity, record);
  const source = sourceAddressOf(record.sourceIPAddress);
  const tls = objectOrUndefined(record.tlsDetails);
  const eventSource = text(record.eventSource)?.toLowerCase() ?? (insight ? text(insight.eventSource)?.toLowerCase() : undefined);
  const request = objectOrUndefined(record.requestParameters);
  const cloud = compact<CloudContext>({
    provider: "aws",
    accountId: text(record.recipientAccountId) ?? delivery.accountId,
    region: text(record.awsRegion) ?? delivery.region,
    organizationId: delivery.organizationId,
    principal,
    resources: nonEmpty(resourcesOf(record, eventSource ?? "", request)),
    sourceService: source.sourceService,
    sourceAddress: source.sourceAddress,
    sharedEventId: text(record.sharedEventID),
    vpcEndpointId: text(record.vpcEndpointId),
    tls: tls ? compact({ version: text(tls.tlsVersion), cipherSuite: text(tls.cipherSuite), host: text(tls.clientProvidedHostHeader) }) : undefined,
  });
  const common = {
    ts: time.ts,
    user: displayUser(principal),
    clientIp: source.clientIp,
    userAgent: unbracket(text(record.userAgent)),
    keys: text(record.requestID) !== undefined ? { requestId: text(record.requestID) } : undefined,
    cloud,
  };

  if (insight || text(record.eventType) === "AwsCloudTrailInsight") {
    const details = insight ?? {};
    const statistics = objectOrUndefined(objectOrUndefined(details.insightContext)?.statistics);
    const state = text(details.state);
    const insightApi = eventSource !== undefined && text(details.eventName) !== undefined ? `${eventSource.split(".")[0] ?? eventSource}:${String(details.eventName)}` : undefined;
    const event = detectionEvent(
      Object.assign(common, {
        tsDesc: state === "End" ? "Insight end" : "Insight start",
        action: `Insight ${text(details.insightType) ?? ""} ${state ?? ""}`.replace(/\s+/g, " ").trim(),
        detector: "cloudtrail-insights",
        findingId: text(record.sharedEventID) ?? eventId ?? "",
        findingType: text(details.insightType) ?? "CloudTrailInsight",
        api: insightApi,
        state,
        baseline: number(objectOrUndefined(statistics?.baseline)?.average),
        observed: number(objectOrUndefined(statistics?.insight)?.average),
      }),
      ref,
    );
    return { event, timestampField: time.timestampField };
  }

  const eventName = text(record.eventName);
  if (eventName === undefined || eventSource === undefined) return { skip: "CloudTrail record without eventName or eventSource: skipped" };
  const api = `${eventSource.split(".")[0] ?? eventSource}:${apiName(eventName)}`;
  const response = objectOrUndefined(record.responseElements);
  const additional = objectOrUndefined(record.additionalEventData);
  const errorCode = text(record.errorCode);
  const errorMessage = text(record.errorMessage);
  const failed = errorCode !== undefined || errorMessage !== undefined || text(response?.[eventName]) === "Failure";
  const result = failed ? ("failure" as const) : ("success" as const);
  const readOnly = flag(record.readOnly);
  const category = categoryOf(record, eventSource, eventName);

  if (eventSource === "signin.amazonaws.com" && SIGN_INS.has(eventName)) {
    const mfa = flag(additional?.MFAUsed);
    const event = authEvent(
      Object.assign(common, {
        // The sign-in's MFA is the session's: the principal carries it like sessionContext would.
        cloud: Object.assign({}, cloud, { principal: principal ? compact(Object.assign({}, principal, { mfaAuthenticated: principal.mfaAuthenticated ?? mfa })) : undefined }),
        tsDesc: "Console sign-in time",
        action: eventName,
        result,
        protocol: "AWS console",
        appName: "AWS Management Console",
        interactive: true,
        mfa: mfa === undefined ? undefined : mfa ? "yes" : "no",
        errorCode,
        failureReason: errorMessage,
        resource: text(additional?.LoginTo),
        detail: failed ? `console sign-in failed${errorMessage ? `: ${errorMessage}` : ""}` : `console sign-in${mfa === false ? " without MFA" : mfa ? " with MFA" : ""}`,
        extra: compact({ mfaIdentifier: text(additional?.MFAIdentifier), mobileVersion: text(additional?.MobileVersion), eventType: text(record.eventType), userNameHidden: objectOrUndefined(record.userIdentity)?.userName === "HIDDEN_DUE_TO_SECURITY_REASONS" ? true : undefined }),
      }),
      ref,
    );
    return { event, timestampField: time.timestampField };
  }

  const bytesIn = number(additional?.bytesTransferredIn);
  const bytesOut = number(additional?.bytesTransferredOut);
  const objectOp = eventSource === "s3.amazonaws.com" && category === "data" ? S3_OBJECT_OPS[eventName] ?? "other" : undefined;
  if (objectOp !== undefined) {
    const event = objectAccessEvent(
      Object.assign(common, {
        tsDesc: "Request time",
        action: eventName,
        result,
        op: objectOp,
        service: eventSource,
        api,
        bucket: text(request?.bucketName),
        key: text(request?.key),
        versionId: text(request?.versionId),
        prefix: text(request?.prefix),
        bytesIn,
        bytesOut,
        errorCode,
        errorMessage,
        authType: text(additional?.AuthenticationMethod),
        signatureVersion: text(additional?.SignatureVersion),
        readOnly,
        category,
        copySource: text(request?.["x-amz-copy-source"]),
        request,
      }),
      ref,
    );
    return { event, timestampField: time.timestampField };
  }

  const facts = parameterFacts(request, response);
  const workmail = eventSource.startsWith("workmail");
  const event = cloudApiEvent(
    Object.assign(common, {
      tsDesc: "Event time",
      action: eventName,
      result,
      // WorkMail calls that act on one mailbox (export, permissions, password reset) name it.
      mailbox: workmail ? text(request?.entityId) ?? text(request?.EntityId) ?? text(request?.userId) ?? text(request?.UserId) : undefined,
      service: eventSource,
      api,
      readOnly,
      category,
      eventType: text(record.eventType),
      errorCode,
      errorMessage,
      request,
      response,
      additional,
      serviceDetails: objectOrUndefined(record.serviceEventDetails),
      bytesIn,
      bytesOut,
      issued: nonEmpty(issuedCredentials(response)),
      accountsNamed: nonEmpty(facts.accountsNamed),
      shares: nonEmpty(facts.shares),
      redacted: nonEmpty(facts.redacted),
      policies: Object.keys(facts.policies).length > 0 ? facts.policies : undefined,
      addendum: objectOrUndefined(record.addendum),
      eventVersion: text(record.eventVersion),
    }),
    ref,
  );
  return { event, timestampField: time.timestampField };
}

/** A CloudTrail record found in a value, with the time its wrapper gives (Event history `EventTime`). */
export type Unwrapped = { record: Obj; fallbackTime?: number } | { problem: string };

function looksLikeRecord(value: Obj): boolean {
  return value.eventVersion !== undefined || value.eventName !== undefined || value.insightDetails !== undefined || (value.eventTime !== undefined && value.eventSource !== undefined);
}

function parseInner(textValue: string, what: string): Obj | string {
  try {
    const parsed: unknown = JSON.parse(textValue);
    return isObj(parsed) ? parsed : `${what} is not a JSON object`;
  } catch (error) {
    return `${what} is not valid JSON (${(error as Error).message})`;
  }
}

/**
 * The records inside one JSON value of any CloudTrail shape: a bare record, a trail page
 * (`{"Records":[…]}`), an Event history item (the record as a string in `CloudTrailEvent`), an
 * Event history page, an EventBridge event (`detail`), a collector wrapping (`_raw`, `message`), a
 * Lake query-result row (a list of one-key objects).
 */
export function* unwrapCloudTrail(value: unknown, depth = 0): Generator<Unwrapped> {
  if (depth > 3) {
    yield { problem: "nested too deep to be a CloudTrail record" };
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((cell) => isObj(cell) && Object.keys(cell).length === 1)) {
      const cells = new Map<string, string>();
      for (const cell of value as Obj[]) for (const [name, cellValue] of Object.entries(cell)) cells.set(name, typeof cellValue === "string" ? cellValue : JSON.stringify(cellValue));
      const record = recordFromColumns(cells);
      yield typeof record === "string" ? { problem: record } : { record };
      return;
    }
    for (const item of value) yield* unwrapCloudTrail(item, depth + 1);
    return;
  }
  if (!isObj(value)) {
    yield { problem: "not a JSON object" };
    return;
  }
  if (Array.isArray(value.Records)) {
    for (const item of value.Records) yield* unwrapCloudTrail(item, depth + 1);
    return;
  }
  if (Array.isArray(value.Events)) {
    for (const item of value.Events) yield* unwrapCloudTrail(item, depth + 1);
    return;
  }
  const inner = value.CloudTrailEvent ?? value.cloudTrailEvent;
  if (inner !== undefined) {
    const fallbackTime = awsTime(value.EventTime);
    if (isObj(inner)) yield { record: inner, fallbackTime };
    else if (typeof inner === "string") {
      const parsed = parseInner(inner, "CloudTrailEvent");
      yield typeof parsed === "string" ? { problem: parsed } : { record: parsed, fallbackTime };
    } else yield { problem: "CloudTrailEvent is neither a JSON string nor an object" };
    return;
  }
  if (isObj(value.detail) && typeof value["detail-type"] === "string") {
    yield { record: value.detail, fallbackTime: awsTime(value.time) };
    return;
  }
  if (looksLikeRecord(value)) {
    yield { record: value };
    return;
  }
  for (const key of ["_raw", "message", "eventJson"]) {
    const wrapped = value[key];
    if (typeof wrapped === "string" && wrapped.trimStart().startsWith("{")) {
      const parsed = parseInner(wrapped, key);
      if (typeof parsed === "string") yield { problem: parsed };
      else yield* unwrapCloudTrail(parsed, depth + 1);
      return;
    }
    if (isObj(wrapped)) {
      yield* unwrapCloudTrail(wrapped, depth + 1);
      return;
    }
  }
  yield { problem: "not a CloudTrail record (no eventVersion, eventName or eventTime)" };
}
