/**
 * The AWS family's events, one small builder per kind: each fills the kind, drops empty fields
 * and writes the detail line from the normalised fields (so every format of the family words an
 * activity the same way).
 */
import type {
  AuthEvent,
  CloudApiEvent,
  DetectionEvent,
  LogDigestEvent,
  MailChangeEvent,
  MailReadEvent,
  MailSendEvent,
  MailboxConfigEvent,
  NetworkFlowEvent,
  ObjectAccessEvent,
  OtherEvent,
  ParsedEvent,
  RecordRef,
} from "../../model/events.js";
import { compact } from "./values.js";

type Body<E> = Omit<E, "kind">;

function bytes(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value} bytes`;
}

function join(parts: (string | undefined | false)[], separator = "; "): string | undefined {
  const kept = parts.filter((part): part is string => typeof part === "string" && part.length > 0);
  return kept.length > 0 ? kept.join(separator) : undefined;
}

function clip(value: string | undefined, max = 160): string | undefined {
  return value === undefined || value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function resourceNames(body: { cloud?: { resources?: { arn?: string; id?: string }[] } }): string | undefined {
  const names = (body.cloud?.resources ?? []).map((resource) => resource.arn ?? resource.id).filter((name): name is string => name !== undefined);
  if (names.length === 0) return undefined;
  return names.length > 3 ? `${names.slice(0, 3).join(", ")} (+${names.length - 3} more)` : names.join(", ");
}

export function cloudApiEvent(body: Body<CloudApiEvent>, ref: RecordRef): ParsedEvent {
  const detail =
    body.detail ??
    join([
      join([body.api, resourceNames(body)], " on "),
      body.errorCode !== undefined || body.errorMessage !== undefined ? `failed: ${clip(join([body.errorCode, body.errorMessage], ": "))}` : undefined,
      body.issued && body.issued.length > 0 ? `issued ${body.issued.map((credential) => credential.accessKeyId).join(", ")}` : undefined,
      body.shares && body.shares.length > 0 ? `shares ${body.shares.map((share) => `${share.op} ${share.with}`).join(", ")}` : undefined,
      body.bytesOut ? `${body.bytesOut} bytes out` : undefined,
    ]);
  return compact({ kind: "cloud.api", ...body, detail, ref }) as ParsedEvent;
}

export function objectAccessEvent(body: Body<ObjectAccessEvent>, ref: RecordRef): ParsedEvent {
  const where = body.bucket === undefined ? undefined : body.key !== undefined ? `s3://${body.bucket}/${body.key}` : body.prefix !== undefined ? `s3://${body.bucket}/${body.prefix}*` : `s3://${body.bucket}`;
  const detail =
    body.detail ??
    join([
      join([body.op, where], " "),
      body.bytesOut !== undefined ? `${bytes(body.bytesOut)} out${body.objectSize !== undefined ? ` of ${body.objectSize}` : ""}` : undefined,
      body.bytesIn ? `${bytes(body.bytesIn)} in` : undefined,
      body.authType === "QueryString" ? "presigned URL" : undefined,
      body.errorCode !== undefined ? `failed: ${body.errorCode}` : undefined,
    ]);
  return compact({ kind: "object.access", ...body, detail, ref }) as ParsedEvent;
}

function endpoint(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return "-";
  return port === undefined ? address : address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

export function networkFlowEvent(body: Body<NetworkFlowEvent>, ref: RecordRef): ParsedEvent {
  const detail =
    body.detail ??
    (body.logStatus !== undefined && body.logStatus !== "OK"
      ? join([body.interfaceId, body.logStatus === "SKIPDATA" ? "SKIPDATA: flow records were lost in this window" : "NODATA: no traffic in this window"], " ")
      : join([
          `${endpoint(body.srcAddr, body.srcPort)} → ${endpoint(body.dstAddr, body.dstPort)}`,
          body.bytes !== undefined ? `${body.bytes} bytes` : undefined,
          body.packets !== undefined ? `${body.packets} packets` : undefined,
          body.flowAction,
          body.interfaceId,
        ], " "));
  return compact({ kind: "network.flow", ...body, detail, ref }) as ParsedEvent;
}

export function detectionEvent(body: Body<DetectionEvent>, ref: RecordRef): ParsedEvent {
  const detail =
    body.detail ??
    join([
      body.title ?? body.findingType,
      body.severity !== undefined ? `severity ${body.severity}${body.severityLabel ? ` (${body.severityLabel})` : ""}` : undefined,
      body.api,
      body.count !== undefined && body.count > 1 ? `seen ${body.count} times` : undefined,
    ]);
  return compact({ kind: "detection", ...body, detail, ref }) as ParsedEvent;
}

export function logDigestEvent(body: Body<LogDigestEvent>, ref: RecordRef): ParsedEvent {
  const detail =
    body.detail ??
    join([
      `${body.logFiles.length} log file${body.logFiles.length === 1 ? "" : "s"} digested`,
      body.previous === undefined ? "chain starts here (no previous digest)" : undefined,
      body.trail !== undefined ? `trail ${body.trail}` : undefined,
    ]);
  return compact({ kind: "log.digest", ...body, detail, ref }) as ParsedEvent;
}

export function authEvent(body: Body<AuthEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "auth", ...body, ref }) as ParsedEvent;
}

export function mailReadEvent(body: Body<MailReadEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "mail.read", ...body, ref }) as ParsedEvent;
}

export function mailChangeEvent(body: Body<MailChangeEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "mail.change", ...body, ref }) as ParsedEvent;
}

export function mailSendEvent(body: Body<MailSendEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "mail.send", ...body, ref }) as ParsedEvent;
}

export function mailboxConfigEvent(body: Body<MailboxConfigEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "mailbox.config", ...body, ref }) as ParsedEvent;
}

export function otherEvent(body: Body<OtherEvent>, ref: RecordRef): ParsedEvent {
  return compact({ kind: "other", ...body, ref }) as ParsedEvent;
}
