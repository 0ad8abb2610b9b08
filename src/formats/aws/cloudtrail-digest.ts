/**
 * CloudTrail digest files (`AWSLogs/<account>/CloudTrail-Digest/<region>/…json.gz`): one JSON
 * object per hour naming the log files delivered, each with the SHA-256 of its uncompressed
 * content, and linking to the previous digest by hash and signature. Each digest is one
 * `log.digest` event; verifying the chain is analysis (src/analysis/cloud/digest-chain.ts).
 */
import type { DigestedLogFile, LogDigestEvent, ParsedEvent, RecordRef } from "../../model/events.js";
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { parsedJsonValues } from "../../lib/json.js";
import { headText } from "../../lib/text.js";
import { logDigestEvent } from "./build.js";
import { awsTime, compact, deliveryPath, isObj, text, type Obj } from "./values.js";

const DIGEST_NAME = /_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z]{2}(?:-[a-z]+)+-\d)_(\d{8}T\d{6}Z)(?:_backfill)?\.json(?:\.gz)?$/;

/** The trail name in a digest's object key (`…_CloudTrail-Digest_<region>_<trail>_<home region>_<end>.json.gz`). */
export function trailOfDigestKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : DIGEST_NAME.exec(key)?.[2];
}

function logFileOf(entry: unknown): DigestedLogFile | string {
  if (!isObj(entry)) return "a logFiles entry is not an object";
  const object = text(entry.s3Object);
  const hash = text(entry.hashValue);
  if (object === undefined || hash === undefined) return "a logFiles entry has no s3Object or hashValue";
  return compact<DigestedLogFile>({
    bucket: text(entry.s3Bucket),
    object,
    hash: hash.toLowerCase(),
    hashAlgorithm: text(entry.hashAlgorithm),
    oldestEventTime: awsTime(entry.oldestEventTime),
    newestEventTime: awsTime(entry.newestEventTime),
  });
}

export function digestEvent(digest: Obj, ref: RecordRef, file: string): { event: ParsedEvent; problems: string[] } | { skip: string } {
  const endText = text(digest.digestEndTime);
  const start = awsTime(digest.digestStartTime);
  const end = awsTime(endText);
  if (endText === undefined || start === undefined || end === undefined) return { skip: "digest without a usable digestStartTime and digestEndTime: skipped" };
  const problems: string[] = [];
  const logFiles: DigestedLogFile[] = [];
  if (!Array.isArray(digest.logFiles)) problems.push("digest has no logFiles list");
  else {
    for (const entry of digest.logFiles) {
      const logFile = logFileOf(entry);
      if (typeof logFile === "string") problems.push(logFile);
      else logFiles.push(logFile);
    }
  }
  const previousObject = text(digest.previousDigestS3Object);
  const previousSignature = text(digest.previousDigestSignature);
  const object = text(digest.digestS3Object);
  const delivery = deliveryPath(object ?? file);
  const body: Omit<LogDigestEvent, "kind"> = {
    ts: end,
    tsDesc: "Digest period end",
    action: "CloudTrail-Digest",
    log: "cloudtrail",
    start,
    end,
    endText,
    bucket: text(digest.digestS3Bucket),
    object,
    trail: trailOfDigestKey(object ?? file),
    // The field list of the documentation says publicKeyFingerprint, its examples digestPublicKeyFingerprint.
    publicKeyFingerprint: text(digest.digestPublicKeyFingerprint) ?? text(digest.publicKeyFingerprint),
    signatureAlgorithm: text(digest.digestSignatureAlgorithm),
    previous:
      previousObject !== undefined || previousSignature !== undefined
        ? compact({
            bucket: text(digest.previousDigestS3Bucket),
            object: previousObject,
            hash: text(digest.previousDigestHashValue)?.toLowerCase(),
            hashAlgorithm: text(digest.previousDigestHashAlgorithm),
            signature: previousSignature,
          })
        : undefined,
    oldestEventTime: awsTime(digest.oldestEventTime),
    newestEventTime: awsTime(digest.newestEventTime),
    logFiles,
    cloud: compact({ provider: "aws" as const, accountId: text(digest.awsAccountId) ?? delivery.accountId, region: delivery.region, organizationId: delivery.organizationId }),
  };
  return { event: logDigestEvent(body, { ...ref, recordId: object }), problems };
}

export const cloudTrailDigest = defineFileFormat({
  name: "aws-cloudtrail-digest",
  description: "AWS CloudTrail digest files (log file integrity validation): the hourly list of delivered log files with their hashes and the link to the previous digest",
  sniff(head) {
    const text = headText(head).trimStart();
    return text.startsWith("{") && /"digestStartTime"\s*:/.test(text) && /"digestEndTime"\s*:/.test(text);
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    for await (const { value, ref } of parsedJsonValues(source.stream(), ctx.warn)) {
      if (!isObj(value)) {
        ctx.warn(ref, "not a JSON object: skipped");
        continue;
      }
      const outcome = digestEvent(value, ref, source.file);
      if ("skip" in outcome) {
        ctx.warn(ref, outcome.skip);
        continue;
      }
      for (const problem of outcome.problems) ctx.warn(outcome.event.ref, problem);
      yield outcome.event;
    }
  },
});
