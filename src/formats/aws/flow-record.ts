/**
 * One VPC Flow Logs record (its fields by name, from the default version 2 format or a custom
 * format's header) as a `network.flow` event.
 */
import ipaddr from "ipaddr.js";
import type { CloudContext, CloudResource, NetworkFlowEvent, ParsedEvent, RecordRef } from "../../model/events.js";
import { normalizeIp } from "../../lib/ip.js";
import { networkFlowEvent } from "./build.js";
import { compact, nonEmpty } from "./values.js";

/** The default (version 2) format: what a record without a header holds. */
export const DEFAULT_FLOW_FIELDS = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"] as const;

/** Every field name AWS documents for VPC flow log formats (versions 2 to 8). */
export const FLOW_FIELD_NAMES = new Set<string>([
  ...DEFAULT_FLOW_FIELDS,
  "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
  "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
  "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id",
  "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
  "reject-reason", "resource-id", "encryption-status",
]);

/** Fields read into the event's own properties; any other field of a custom format goes to `extra`. */
const MAPPED = new Set<string>([...DEFAULT_FLOW_FIELDS, "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path"]);

/** Is this line a format header (every token a flow-log field name)? */
export function isFlowHeader(tokens: readonly string[]): boolean {
  return tokens.length >= 2 && tokens.every((token) => FLOW_FIELD_NAMES.has(token));
}

/** Fields of a line: runs of spaces separate them (the documentation has a double space). */
export function flowTokens(line: string): string[] {
  return line.trim().split(/\s+/).filter((token) => token.length > 0);
}

function value(fields: ReadonlyMap<string, string>, name: string): string | undefined {
  const raw = fields.get(name);
  return raw === undefined || raw === "-" ? undefined : raw;
}

function integer(fields: ReadonlyMap<string, string>, name: string): number | undefined {
  const raw = value(fields, name);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function address(fields: ReadonlyMap<string, string>, name: string): string | undefined {
  const raw = value(fields, name);
  return raw === undefined ? undefined : (normalizeIp(raw).ip ?? raw);
}

const INTERNAL_RANGES = new Set(["private", "uniqueLocal", "linkLocal", "loopback", "carrierGradeNat", "unspecified"]);

function isInternal(ip: string | undefined): boolean {
  if (ip === undefined || !ipaddr.isValid(ip)) return false;
  return INTERNAL_RANGES.has(ipaddr.parse(ip).range());
}

/** The far end of the flow: the source of ingress, the destination of egress, else the one public address. */
function remoteOf(src: string | undefined, dst: string | undefined, direction: string | undefined): string | undefined {
  const valid = (ip: string | undefined): string | undefined => (ip !== undefined && normalizeIp(ip).ip !== undefined ? ip : undefined);
  if (direction === "ingress") return valid(src);
  if (direction === "egress") return valid(dst);
  const srcInternal = isInternal(src);
  const dstInternal = isInternal(dst);
  if (srcInternal && !dstInternal) return valid(dst);
  if (dstInternal && !srcInternal) return valid(src);
  return undefined;
}

export type FlowOutcome = { event: ParsedEvent } | { skip: string };

export function flowEvent(fields: ReadonlyMap<string, string>, ref: RecordRef, defaults: { accountId?: string; region?: string } = {}): FlowOutcome {
  const start = integer(fields, "start");
  if (start === undefined) return { skip: fields.has("start") ? "flow record without a start time: skipped" : "this flow-log format has no start field, so its records have no time: skipped" };
  const end = integer(fields, "end");
  const action = value(fields, "action");
  const status = value(fields, "log-status");
  const direction = value(fields, "flow-direction");
  const srcAddr = address(fields, "srcaddr");
  const dstAddr = address(fields, "dstaddr");
  const interfaceId = value(fields, "interface-id");
  const instanceId = value(fields, "instance-id");
  const resources: CloudResource[] = [];
  if (interfaceId !== undefined) resources.push({ type: "AWS::EC2::NetworkInterface", id: interfaceId });
  if (instanceId !== undefined) resources.push({ type: "AWS::EC2::Instance", id: instanceId });
  const extra: Record<string, string> = {};
  for (const [name, raw] of fields) if (!MAPPED.has(name) && raw !== "-") extra[name] = raw;
  const flowAction = action === "ACCEPT" || action === "REJECT" ? action : undefined;
  const logStatus = status === "OK" || status === "NODATA" || status === "SKIPDATA" ? status : undefined;
  const body: Omit<NetworkFlowEvent, "kind"> = {
    ts: start * 1000,
    end: end === undefined ? undefined : end * 1000,
    tsDesc: "Flow window start",
    action: flowAction ?? logStatus ?? "flow",
    result: flowAction === "ACCEPT" ? "success" : flowAction === "REJECT" ? "failure" : undefined,
    clientIp: remoteOf(srcAddr, dstAddr, direction),
    srcAddr,
    dstAddr,
    srcPort: integer(fields, "srcport"),
    dstPort: integer(fields, "dstport"),
    protocol: integer(fields, "protocol"),
    packets: integer(fields, "packets"),
    bytes: integer(fields, "bytes"),
    flowAction,
    logStatus,
    interfaceId,
    vpcId: value(fields, "vpc-id"),
    subnetId: value(fields, "subnet-id"),
    instanceId,
    direction: direction === "ingress" || direction === "egress" ? direction : undefined,
    pktSrcAddr: address(fields, "pkt-srcaddr"),
    pktDstAddr: address(fields, "pkt-dstaddr"),
    srcService: value(fields, "pkt-src-aws-service"),
    dstService: value(fields, "pkt-dst-aws-service"),
    trafficPath: integer(fields, "traffic-path"),
    tcpFlags: integer(fields, "tcp-flags"),
    addressType: value(fields, "type"),
    version: integer(fields, "version"),
    cloud: compact<CloudContext>({ provider: "aws", accountId: value(fields, "account-id") ?? defaults.accountId, region: value(fields, "region") ?? defaults.region, resources: nonEmpty(resources) }),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  };
  return { event: networkFlowEvent(body, ref) };
}

/** The fields of a record line under a format, or why the line does not fit it. */
export function fieldsOf(tokens: readonly string[], format: readonly string[]): Map<string, string> | string {
  if (tokens.length !== format.length) return `record has ${tokens.length} fields, the format has ${format.length}: skipped`;
  return new Map(format.map((name, index) => [name, tokens[index] ?? "-"]));
}
