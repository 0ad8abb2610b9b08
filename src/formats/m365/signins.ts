/**
 * Entra ID sign-ins, whatever the container, into one `auth` event. Three field layouts exist:
 * Graph's camelCase `signIn` (also the portal JSON download and the `properties` of diagnostic
 * settings records), Log Analytics' PascalCase columns (`SigninLogs`,
 * `AADNonInteractiveUserSignInLogs`), and the portal CSV download's spelled-out headers.
 */
import type { AuthEvent, ParsedEventOf, RecordRef } from "../../model/events.js";
import { normalizeIp } from "../../lib/ip.js";
import { recordContext } from "../build.js";
import { DETAIL, TIME } from "../wording.js";
import { isLegacyClientApp } from "./rules.js";
import { parseM365Time } from "./time.js";
import { arr, bool, compact, identity, isObj, num, obj, recordId, str, type Obj } from "./values.js";

export interface SignInFields {
  id?: string;
  ts?: number;
  upn?: string;
  userId?: string;
  userDisplayName?: string;
  userType?: string;
  appId?: string;
  appName?: string;
  resource?: string;
  resourceId?: string;
  clientApp?: string;
  userAgent?: string;
  ip?: string;
  city?: string;
  state?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
  asn?: number;
  errorCode?: number;
  failureReason?: string;
  additionalDetails?: string;
  interactive?: boolean;
  authRequirement?: string;
  mfaMethod?: string;
  authMethods?: string[];
  riskDuring?: string;
  riskAggregated?: string;
  riskState?: string;
  riskDetail?: string;
  conditionalAccess?: string;
  deviceId?: string;
  deviceName?: string;
  os?: string;
  browser?: string;
  compliant?: boolean;
  managed?: boolean;
  trustType?: string;
  sessionId?: string;
  uniqueTokenId?: string;
  correlationId?: string;
  originalRequestId?: string;
  authProtocol?: string;
  incomingTokenType?: string;
  tokenIssuerType?: string;
}

export type SignInEvent = ParsedEventOf<AuthEvent>;

function location(f: SignInFields, loc: Obj | undefined, issues: string[]): void {
  if (!loc) return;
  f.city = str(loc, "city", issues);
  f.state = str(loc, "state", issues);
  f.country = str(loc, "countryOrRegion", issues);
  const geo = loc.geoCoordinates;
  if (isObj(geo)) {
    f.latitude = num(geo, "latitude", issues);
    f.longitude = num(geo, "longitude", issues);
  }
}

function device(f: SignInFields, detail: Obj | undefined, issues: string[]): void {
  if (!detail) return;
  f.deviceId = str(detail, "deviceId", issues);
  f.deviceName = str(detail, "displayName", issues);
  f.os = str(detail, "operatingSystem", issues);
  f.browser = str(detail, "browser", issues);
  f.compliant = bool(detail, "isCompliant", issues);
  f.managed = bool(detail, "isManaged", issues);
  f.trustType = str(detail, "trustType", issues);
}

function authMethods(list: unknown[] | undefined): string[] | undefined {
  if (!list) return undefined;
  const methods: string[] = [];
  for (const step of list) {
    if (!isObj(step)) continue;
    const method = step.authenticationMethod;
    if (typeof method === "string" && method.length > 0 && !methods.includes(method)) methods.push(method);
  }
  return methods.length > 0 ? methods : undefined;
}

function firstStepTime(list: unknown[] | undefined): number | undefined {
  const step = list?.[0];
  if (!isObj(step) || typeof step.authenticationStepDateTime !== "string") return undefined;
  return parseM365Time(step.authenticationStepDateTime);
}

function time(text: string | undefined, key: string, issues: string[]): number | undefined {
  if (text === undefined) return undefined;
  const ts = parseM365Time(text);
  if (ts === undefined) issues.push(`${key} ${JSON.stringify(text).slice(0, 60)} is not a date-time`);
  return ts;
}

/** Graph `signIn` (v1.0 or beta), portal JSON download, diagnostic-settings `properties`. */
export function fromGraph(record: Obj, issues: string[]): SignInFields {
  const f: SignInFields = {};
  f.id = str(record, "id", issues);
  f.ts = time(str(record, "createdDateTime", issues), "createdDateTime", issues);
  f.upn = str(record, "userPrincipalName", issues) ?? str(record, "servicePrincipalName", issues);
  f.userId = str(record, "userId", issues);
  f.userDisplayName = str(record, "userDisplayName", issues);
  f.userType = str(record, "userType", issues);
  f.appId = str(record, "appId", issues);
  f.appName = str(record, "appDisplayName", issues);
  f.resource = str(record, "resourceDisplayName", issues);
  f.resourceId = str(record, "resourceId", issues);
  f.clientApp = str(record, "clientAppUsed", issues);
  f.userAgent = str(record, "userAgent", issues);
  f.ip = str(record, "ipAddress", issues);
  location(f, obj(record, "location", issues), issues);
  f.asn = num(record, "autonomousSystemNumber", issues);
  const status = obj(record, "status", issues);
  if (status) {
    f.errorCode = num(status, "errorCode", issues);
    f.failureReason = str(status, "failureReason", issues);
    f.additionalDetails = str(status, "additionalDetails", issues);
  }
  f.interactive = bool(record, "isInteractive", issues);
  if (f.interactive === undefined) {
    const types = arr(record, "signInEventTypes", issues);
    if (types?.includes("interactiveUser")) f.interactive = true;
    else if (types?.includes("nonInteractiveUser")) f.interactive = false;
  }
  f.authRequirement = str(record, "authenticationRequirement", issues);
  const mfa = obj(record, "mfaDetail", issues);
  if (mfa) f.mfaMethod = str(mfa, "authMethod", issues);
  const steps = arr(record, "authenticationDetails", issues);
  f.authMethods = authMethods(steps);
  f.riskDuring = str(record, "riskLevelDuringSignIn", issues);
  f.riskAggregated = str(record, "riskLevelAggregated", issues);
  f.riskState = str(record, "riskState", issues);
  f.riskDetail = str(record, "riskDetail", issues);
  f.conditionalAccess = str(record, "conditionalAccessStatus", issues);
  device(f, obj(record, "deviceDetail", issues), issues);
  f.sessionId = str(record, "sessionId", issues);
  f.uniqueTokenId = str(record, "uniqueTokenIdentifier", issues);
  f.correlationId = str(record, "correlationId", issues);
  f.originalRequestId = str(record, "originalRequestId", issues);
  f.authProtocol = str(record, "authenticationProtocol", issues);
  f.incomingTokenType = str(record, "incomingTokenType", issues);
  f.tokenIssuerType = str(record, "tokenIssuerType", issues);
  return f;
}

/** A Log Analytics column, or its `_dynamic` / `_string` half in older exports. */
function column(row: Obj, name: string): Obj {
  if (row[name] !== undefined && row[name] !== "") return row;
  for (const suffix of ["_dynamic", "_string"]) {
    const value = row[name + suffix];
    if (value !== undefined && value !== "") return { [name]: value };
  }
  return row;
}

/** `SigninLogs` / `AADNonInteractiveUserSignInLogs` rows (CSV or JSON export). */
export function fromLogAnalytics(row: Obj, issues: string[]): SignInFields {
  const f: SignInFields = {};
  f.id = str(row, "Id", issues);
  const steps = arr(row, "AuthenticationDetails", issues);
  f.ts = time(str(row, "CreatedDateTime", issues), "CreatedDateTime", issues) ?? time(str(row, "TimeGenerated", issues), "TimeGenerated", issues) ?? firstStepTime(steps);
  f.upn = str(row, "UserPrincipalName", issues) ?? str(row, "ServicePrincipalName", issues);
  f.userId = str(row, "UserId", issues);
  f.userDisplayName = str(row, "UserDisplayName", issues);
  f.userType = str(row, "UserType", issues);
  f.appId = str(row, "AppId", issues);
  f.appName = str(row, "AppDisplayName", issues);
  f.resource = str(row, "ResourceDisplayName", issues);
  f.resourceId = str(row, "ResourceIdentity", issues);
  f.clientApp = str(row, "ClientAppUsed", issues);
  f.userAgent = str(row, "UserAgent", issues);
  f.ip = str(row, "IPAddress", issues);
  location(f, obj(column(row, "LocationDetails"), "LocationDetails", issues), issues);
  f.country ??= str(row, "Location", issues);
  f.asn = num(row, "AutonomousSystemNumber", issues);
  const status = obj(column(row, "Status"), "Status", issues);
  f.errorCode = num(row, "ResultType", issues) ?? (status ? num(status, "errorCode", issues) : undefined);
  f.failureReason = str(row, "ResultDescription", issues) ?? (status ? str(status, "failureReason", issues) : undefined);
  if (status) f.additionalDetails = str(status, "additionalDetails", issues);
  f.interactive = bool(row, "IsInteractive", issues);
  const type = str(row, "Type", issues) ?? str(row, "Category", issues);
  if (f.interactive === undefined && type !== undefined) f.interactive = !/NonInteractive/i.test(type);
  f.authRequirement = str(row, "AuthenticationRequirement", issues);
  const mfa = obj(column(row, "MfaDetail"), "MfaDetail", issues);
  if (mfa) f.mfaMethod = str(mfa, "authMethod", issues);
  f.authMethods = authMethods(steps);
  f.riskDuring = str(row, "RiskLevelDuringSignIn", issues);
  f.riskAggregated = str(row, "RiskLevelAggregated", issues);
  f.riskState = str(row, "RiskState", issues);
  f.riskDetail = str(row, "RiskDetail", issues);
  f.conditionalAccess = str(row, "ConditionalAccessStatus", issues);
  device(f, obj(column(row, "DeviceDetail"), "DeviceDetail", issues), issues);
  f.sessionId = str(row, "SessionId", issues);
  f.uniqueTokenId = str(row, "UniqueTokenIdentifier", issues);
  f.correlationId = str(row, "CorrelationId", issues);
  f.originalRequestId = str(row, "OriginalRequestId", issues);
  f.authProtocol = str(row, "AuthenticationProtocol", issues);
  f.incomingTokenType = str(row, "IncomingTokenType", issues);
  f.tokenIssuerType = str(row, "TokenIssuerType", issues);
  return f;
}

/** The portal's `Location` cell: "City, State, CC", split from the right. */
function portalLocation(f: SignInFields, text: string | undefined): void {
  if (!text) return;
  const parts = text.split(",").map((part) => part.trim());
  const country = parts.pop();
  if (country) f.country = country;
  const state = parts.pop();
  if (state) f.state = state;
  if (parts.length > 0) f.city = parts.join(", ");
}

/** The Entra admin centre CSV download (headers trimmed, spaces collapsed, first of duplicates). */
export function fromPortalCsv(row: Obj, issues: string[]): SignInFields {
  const f: SignInFields = {};
  f.id = str(row, "Request ID", issues);
  f.ts = time(str(row, "Date (UTC)", issues), "Date (UTC)", issues);
  f.upn = str(row, "Username", issues) ?? str(row, "Service principal name", issues);
  f.userId = str(row, "User ID", issues) ?? str(row, "Service principal ID", issues);
  f.userDisplayName = str(row, "User", issues);
  f.userType = str(row, "User type", issues);
  f.appId = str(row, "Application ID", issues);
  f.appName = str(row, "Application", issues);
  f.resource = str(row, "Resource", issues);
  f.resourceId = str(row, "Resource ID", issues);
  f.clientApp = str(row, "Client app", issues);
  f.userAgent = str(row, "User agent", issues);
  f.ip = str(row, "IP address", issues);
  portalLocation(f, str(row, "Location", issues));
  f.asn = num(row, "Autonomous system number", issues);
  f.errorCode = num(row, "Sign-in error code", issues);
  f.failureReason = str(row, "Failure reason", issues);
  f.authRequirement = str(row, "Authentication requirement", issues);
  f.mfaMethod = str(row, "Multifactor authentication auth method", issues);
  f.conditionalAccess = str(row, "Conditional Access", issues);
  f.deviceId = str(row, "Device ID", issues);
  f.os = str(row, "Operating System", issues);
  f.browser = str(row, "Browser", issues);
  f.compliant = bool(row, "Compliant", issues);
  f.managed = bool(row, "Managed", issues);
  f.trustType = str(row, "Join Type", issues);
  f.sessionId = str(row, "Session ID", issues);
  f.uniqueTokenId = str(row, "Unique token identifier", issues);
  f.correlationId = str(row, "Correlation ID", issues);
  f.authProtocol = str(row, "Authentication Protocol", issues);
  f.incomingTokenType = str(row, "Incoming token type", issues);
  f.tokenIssuerType = str(row, "Token issuer type", issues);
  return f;
}

function riskSummary(f: SignInFields): string | undefined {
  const level = f.riskDuring ?? f.riskAggregated;
  if (level === undefined) return undefined;
  const more = [f.riskAggregated !== undefined && f.riskAggregated !== level ? `aggregated ${f.riskAggregated}` : undefined, f.riskState && f.riskState !== "none" ? `state ${f.riskState}` : undefined]
    .filter((part) => part !== undefined)
    .join(", ");
  return more ? `${level} (${more})` : level;
}

function mfaSummary(f: SignInFields): string | undefined {
  // Methods of every step are in `method`; this says what was required and the MFA method used.
  if (f.authRequirement && f.mfaMethod) return `${f.authRequirement}: ${f.mfaMethod}`;
  return f.authRequirement ?? f.mfaMethod;
}

function deviceSummary(f: SignInFields): string | undefined {
  const parts = [f.deviceName, f.os, f.browser].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(" / ") : undefined;
}

function detailLine(f: SignInFields, failed: boolean): string | undefined {
  return DETAIL.sign_in({
    clientApp: f.clientApp || undefined,
    target: f.resource ?? f.appName,
    // The application is named apart from the resource signed in to when they differ.
    app: f.appName && f.resource && f.appName !== f.resource ? f.appName : undefined,
    place: f.city || f.country ? [f.city, f.country].filter((part) => part).join(", ") : undefined,
    errorCode: failed ? f.errorCode : undefined,
    failureReason: failed ? f.failureReason || undefined : undefined,
  });
}

/** The record's own id on its (fresh) ref: the pipeline de-duplicates on it. */
export function withRecordId(ref: RecordRef, id: string | undefined): RecordRef {
  if (id !== undefined) ref.recordId = id;
  return ref;
}

/** The `auth` event of a sign-in; `undefined` when it has no usable time (the caller warns). */
export function signInEvent(f: SignInFields, ref: RecordRef): SignInEvent | undefined {
  if (f.ts === undefined) return undefined;
  const failed = f.errorCode !== undefined && f.errorCode !== 0;
  const address = normalizeIp(f.ip);
  const id = recordId(f.id);
  const located = f.city !== undefined || f.country !== undefined || f.latitude !== undefined;
  const at = recordContext({
    ts: f.ts,
    tsDesc: TIME.sign_in,
    action: "Sign-in activity",
    result: f.errorCode === undefined ? undefined : failed ? "failure" : "success",
    user: identity(f.upn),
    clientIp: address.ip,
    clientPort: address.port,
    country: f.country,
    userAgent: f.userAgent,
    sessionId: recordId(f.sessionId),
    keys: compact({ aadSessionId: recordId(f.sessionId), uniqueTokenId: f.uniqueTokenId, correlationId: recordId(f.correlationId), requestId: id }),
    ref: withRecordId(ref, id),
  });
  return at.auth({
    detail: detailLine(f, failed),
    extra: compact({
      userId: f.userId,
      userDisplayName: f.userDisplayName,
      userType: f.userType,
      resourceId: f.resourceId,
      originalRequestId: f.originalRequestId !== f.id ? f.originalRequestId : undefined,
      additionalDetails: f.additionalDetails,
      riskDetail: f.riskDetail !== "none" ? f.riskDetail : undefined,
      deviceId: f.deviceId,
      compliant: f.compliant,
      managed: f.managed,
      trustType: f.trustType,
      authenticationProtocol: f.authProtocol,
      incomingTokenType: f.incomingTokenType,
      tokenIssuerType: f.tokenIssuerType,
      rawIp: address.ip === undefined ? f.ip : undefined,
    }),
    protocol: f.clientApp,
    legacyProtocol: isLegacyClientApp(f.clientApp),
    method: f.authMethods?.join(", "),
    errorCode: f.errorCode === undefined ? undefined : String(f.errorCode),
    failureReason: failed ? f.failureReason : undefined,
    location: located ? { city: f.city, state: f.state, country: f.country, latitude: f.latitude, longitude: f.longitude } : undefined,
    asn: f.asn,
    interactive: f.interactive,
    appId: f.appId,
    appName: f.appName,
    resource: f.resource,
    mfa: mfaSummary(f),
    risk: riskSummary(f),
    conditionalAccess: f.conditionalAccess,
    device: deviceSummary(f),
  });
}

/** Which layout a JSON record has, looking through collector wrappings. */
export type SignInShape = { layout: "graph" | "log-analytics"; record: Obj; fallbackTime?: string; fallbackIp?: string; interactive?: boolean };

const WRAPPER_FIELDS = ["_raw", "message", "raw", "event", "data", "body", "log", "record", "Body"] as const;

export function signInShape(value: Obj, depth = 0): SignInShape | undefined {
  // Graph `users` also have createdDateTime and userPrincipalName: a sign-in has a status or an IP.
  if (value.createdDateTime !== undefined && (value.status !== undefined || value.ipAddress !== undefined || value.clientAppUsed !== undefined)) {
    return { layout: "graph", record: value };
  }
  if ((value.CreatedDateTime !== undefined || value.TimeGenerated !== undefined) && (value.ResultType !== undefined || value.UserPrincipalName !== undefined)) {
    return { layout: "log-analytics", record: value };
  }
  // Azure diagnostic settings (Event Hub, storage account): {time, category, properties}.
  if (isObj(value.properties) && typeof value.category === "string" && /SignInLogs$/i.test(value.category)) {
    return {
      layout: "graph",
      record: value.properties,
      fallbackTime: typeof value.time === "string" ? value.time : undefined,
      fallbackIp: typeof value.callerIpAddress === "string" ? value.callerIpAddress : undefined,
      interactive: /NonInteractive|ServicePrincipal|ManagedIdentity/i.test(value.category) ? false : undefined,
    };
  }
  if (depth >= 2) return undefined;
  for (const field of WRAPPER_FIELDS) {
    const inner = value[field];
    if (isObj(inner)) {
      const shape = signInShape(inner, depth + 1);
      if (shape) return shape;
    } else if (typeof inner === "string" && inner.startsWith("{")) {
      try {
        const parsed: unknown = JSON.parse(inner);
        if (isObj(parsed)) {
          const shape = signInShape(parsed, depth + 1);
          if (shape) return shape;
        }
      } catch {
        // Not JSON: not a wrapping.
      }
    }
  }
  return undefined;
}

/** The fields of a JSON record of any layout (after `signInShape`). */
export function fieldsOf(shape: SignInShape, issues: string[]): SignInFields {
  const f = shape.layout === "graph" ? fromGraph(shape.record, issues) : fromLogAnalytics(shape.record, issues);
  if (f.ts === undefined && shape.fallbackTime !== undefined) f.ts = parseM365Time(shape.fallbackTime);
  f.ip ??= shape.fallbackIp;
  if (shape.interactive !== undefined) f.interactive ??= shape.interactive;
  return f;
}
