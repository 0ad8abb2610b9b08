/**
 * Amazon GuardDuty findings as exported: one finding, an array of findings, `get-findings` output
 * (`{"Findings":[…]}`, the CLI's PascalCase keys), EventBridge events (`"detail-type": "GuardDuty
 * Finding"`), or S3 exports (one finding per line). Each finding version is one `detection` event
 * (a finding updated later is a second event: its count and last-seen time changed).
 */
import type { CloudContext, CloudResource, DetectionEvent, ParsedEvent, RecordRef } from "../../model/events.js";
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { parsedJsonValues } from "../../lib/json.js";
import { headText } from "../../lib/text.js";
import { detectionEvent } from "./build.js";
import { awsTime, compact, field, flag, isObj, nonEmpty, number, objectAt, sourceAddressOf, text, type Obj } from "./values.js";

const FINDING_TYPE = /"[Tt]ype"\s*:\s*"[A-Za-z0-9]+:[A-Za-z0-9]+\/[^"]+"/;

function severityLabel(severity: number | undefined): DetectionEvent["severityLabel"] {
  if (severity === undefined) return undefined;
  if (severity >= 9) return "critical";
  if (severity >= 7) return "high";
  if (severity >= 4) return "medium";
  return "low";
}

/** The action's remote endpoint, whichever kind of action it is. */
function remoteDetails(action: Obj | undefined): Obj | undefined {
  if (!action) return undefined;
  for (const name of ["awsApiCallAction", "networkConnectionAction", "kubernetesApiCallAction", "rdsLoginAttemptAction"]) {
    const details = objectAt(objectAt(action, name) ?? {}, "remoteIpDetails");
    if (details) return details;
  }
  const probes = field(objectAt(action, "portProbeAction") ?? {}, "portProbeDetails");
  if (Array.isArray(probes) && isObj(probes[0])) return objectAt(probes[0], "remoteIpDetails");
  return undefined;
}

function resourcesOf(resource: Obj | undefined): CloudResource[] {
  if (!resource) return [];
  const out: CloudResource[] = [];
  const instance = objectAt(resource, "instanceDetails");
  const instanceId = instance ? text(field(instance, "instanceId")) : undefined;
  if (instanceId !== undefined) out.push({ type: "AWS::EC2::Instance", id: instanceId });
  const buckets = field(resource, "s3BucketDetails");
  if (Array.isArray(buckets)) {
    for (const bucket of buckets) {
      if (!isObj(bucket)) continue;
      const arn = text(field(bucket, "arn")) ?? (text(field(bucket, "name")) !== undefined ? `arn:aws:s3:::${String(field(bucket, "name"))}` : undefined);
      if (arn !== undefined) out.push({ type: "AWS::S3::Bucket", arn });
    }
  }
  const key = objectAt(resource, "accessKeyDetails");
  const keyId = key ? text(field(key, "accessKeyId")) : undefined;
  if (keyId !== undefined) out.push({ type: "AWS::IAM::AccessKey", id: keyId });
  const db = objectAt(resource, "rdsDbInstanceDetails");
  const dbId = db ? text(field(db, "dbInstanceIdentifier")) : undefined;
  if (dbId !== undefined) out.push({ type: "AWS::RDS::DBInstance", id: dbId });
  return out;
}

export function guardDutyEvent(finding: Obj, ref: RecordRef): { event: ParsedEvent } | { skip: string } {
  const id = text(field(finding, "id"));
  const type = text(field(finding, "type"));
  if (id === undefined || type === undefined) return { skip: "GuardDuty finding without id or type: skipped" };
  const service = objectAt(finding, "service");
  const action = service ? objectAt(service, "action") : undefined;
  const firstSeen = awsTime(service ? field(service, "eventFirstSeen") : undefined);
  const created = awsTime(field(finding, "createdAt"));
  const updated = awsTime(field(finding, "updatedAt"));
  const ts = firstSeen ?? created ?? updated;
  if (ts === undefined) return { skip: "GuardDuty finding without eventFirstSeen, createdAt or updatedAt: skipped" };
  const remote = remoteDetails(action);
  const source = sourceAddressOf(remote ? (field(remote, "ipAddressV4") ?? field(remote, "ipAddressV6")) : undefined);
  const organization = remote ? objectAt(remote, "organization") : undefined;
  const country = remote ? objectAt(remote, "country") : undefined;
  const resource = objectAt(finding, "resource");
  const key = resource ? objectAt(resource, "accessKeyDetails") : undefined;
  const apiCall = action ? objectAt(action, "awsApiCallAction") : undefined;
  const apiName = apiCall ? text(field(apiCall, "api")) : undefined;
  const apiService = apiCall ? text(field(apiCall, "serviceName"))?.toLowerCase() : undefined;
  const severity = number(field(finding, "severity"));
  const cloud = compact<CloudContext>({
    provider: "aws",
    accountId: text(field(finding, "accountId")),
    region: text(field(finding, "region")),
    principal: key
      ? compact({ type: text(field(key, "userType")), name: text(field(key, "userName")), principalId: text(field(key, "principalId")), accessKeyId: text(field(key, "accessKeyId")) })
      : undefined,
    resources: nonEmpty(resourcesOf(resource)),
    sourceService: source.sourceService,
    sourceAddress: source.sourceAddress,
  });
  const body: Omit<DetectionEvent, "kind"> = {
    ts,
    tsDesc: firstSeen !== undefined ? "Activity first seen" : "Finding created",
    action: type,
    user: key ? text(field(key, "userName")) : undefined,
    clientIp: source.clientIp,
    country: country ? text(field(country, "countryName")) : undefined,
    detector: "guardduty",
    findingId: id,
    findingType: type,
    title: text(field(finding, "title")),
    description: text(field(finding, "description")),
    severity,
    severityLabel: severityLabel(severity),
    confidence: number(field(finding, "confidence")),
    resourceType: resource ? text(field(resource, "resourceType")) : undefined,
    actionType: action ? text(field(action, "actionType")) : undefined,
    api: apiName !== undefined ? `${apiService?.split(".")[0] ?? "aws"}:${apiName}` : undefined,
    domain: text(field(objectAt(action ?? {}, "dnsRequestAction") ?? {}, "domain")),
    count: number(service ? field(service, "count") : undefined),
    firstSeen,
    lastSeen: awsTime(service ? field(service, "eventLastSeen") : undefined),
    created,
    updated,
    archived: service ? flag(field(service, "archived")) : undefined,
    remote: remote
      ? compact({
          ip: source.clientIp ?? source.sourceAddress,
          country: country ? text(field(country, "countryName")) : undefined,
          city: text(field(objectAt(remote, "city") ?? {}, "cityName")),
          asn: organization ? text(field(organization, "asn")) : undefined,
          org: organization ? (text(field(organization, "org")) ?? text(field(organization, "asnOrg"))) : undefined,
          isp: organization ? text(field(organization, "isp")) : undefined,
        })
      : undefined,
    cloud,
  };
  // A finding is updated in place: each version (by its update time) is its own record.
  const recordId = updated !== undefined ? `${id}@${new Date(updated).toISOString()}` : id;
  return { event: detectionEvent(body, { ...ref, recordId }) };
}

/** The findings inside one JSON value: a finding, `{"Findings":[…]}`, an EventBridge event, an array. */
function* findingsIn(value: unknown, depth = 0): Generator<Obj | string> {
  if (depth > 2) return;
  if (Array.isArray(value)) {
    for (const item of value) yield* findingsIn(item, depth + 1);
    return;
  }
  if (!isObj(value)) {
    yield "not a JSON object";
    return;
  }
  const list = field(value, "findings");
  if (Array.isArray(list)) {
    for (const item of list) yield* findingsIn(item, depth + 1);
    return;
  }
  if (isObj(value.detail) && (value.source === "aws.guardduty" || value["detail-type"] === "GuardDuty Finding")) {
    yield value.detail;
    return;
  }
  if (field(value, "type") !== undefined && field(value, "id") !== undefined) {
    yield value;
    return;
  }
  yield "not a GuardDuty finding (no id and type)";
}

export const guardDuty = defineFileFormat({
  name: "aws-guardduty",
  description: "Amazon GuardDuty findings as exported: single findings, arrays, get-findings output (Findings), EventBridge events, S3 exports (JSON lines)",
  sniff(head) {
    const text = headText(head).trimStart();
    if (!text.startsWith("{") && !text.startsWith("[")) return false;
    if (/"source"\s*:\s*"aws\.guardduty"/.test(text) || /"detail-type"\s*:\s*"GuardDuty Finding"/.test(text)) return true;
    return /"[Ss]chemaVersion"\s*:/.test(text) && /"[Ss]everity"\s*:/.test(text) && /"[Ss]ervice"\s*:/.test(text) && FINDING_TYPE.test(text);
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    for await (const { value, ref } of parsedJsonValues(source.stream(), ctx.warn, { envelopeKeys: ["Findings", "findings"] })) {
      for (const finding of findingsIn(value)) {
        if (typeof finding === "string") {
          ctx.warn(ref, `${finding}: skipped`);
          continue;
        }
        const outcome = guardDutyEvent(finding, ref);
        if ("skip" in outcome) ctx.warn(ref, outcome.skip);
        else yield outcome.event;
      }
    }
  },
});
