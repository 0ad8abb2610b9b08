/**
 * CloudTrail log file integrity, checked offline: each digested log file's SHA-256 against the
 * hash of its uncompressed content, the chain of digests (each names the previous one by key and
 * by hash), the periods no digest covers, evidence log files no digest lists, and the RSA
 * signatures where the analyst gives the public keys (`aws cloudtrail list-public-keys`).
 *
 * The signing string is the one the CloudTrail user guide ("Custom implementations of CloudTrail
 * log file integrity validation") and the AWS CLI's validate-logs use:
 * `digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(uncompressed digest)) \n
 * previousDigestSignature` (the text `null` for a chain's first digest), signed SHA256withRSA.
 * A digest's own signature sits in S3 object metadata (`x-amz-meta-signature`); the next digest
 * repeats it as `previousDigestSignature`, so all but the newest digest verify from the files alone.
 *
 * Pure: no store, no files; the caller passes the parsed digests and the manifest's hashes.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { LogDigestEvent } from "../../model/events.js";

export type DigestFacts = Pick<LogDigestEvent, "start" | "end" | "endText" | "bucket" | "object" | "trail" | "publicKeyFingerprint" | "signatureAlgorithm" | "previous" | "logFiles" | "cloud">;

export interface DigestInput {
  digest: DigestFacts;
  /** The digest file in the evidence (path relative to the evidence root). */
  file: string;
  /** SHA-256 of the digest file's uncompressed content. */
  contentSha256?: string;
}

/** A file of the manifest: its hash on disk and, for compressed files, of its content. */
export interface EvidenceFile {
  path: string;
  sha256?: string;
  contentSha256?: string;
}

export interface PublicKeyInput {
  fingerprint: string;
  /** Base64 DER (PKCS#1, as list-public-keys returns it, or SPKI), or PEM. */
  value: string;
}

export interface DigestChainInput {
  digests: readonly DigestInput[];
  files: readonly EvidenceFile[];
  publicKeys?: readonly PublicKeyInput[];
  /** Digest S3 key → hex signature (x-amz-meta-signature), for digests no later digest vouches for. */
  signatures?: Readonly<Record<string, string>>;
  /** A digest starting later than the previous one ended by more than this is a gap (default 5 min). */
  gapToleranceMs?: number;
}

/** How a digest joins the one before it. */
export type DigestLink =
  | "start" // no previous digest: logging or validation (re)started here
  | "linked" // names the digest before it, and that digest's content hash matches
  | "linked-unhashed" // names the digest before it; its content hash is not known
  | "previous-changed" // names the digest before it, but that file's hash differs: altered after delivery
  | "previous-missing" // names a digest that is not in the evidence
  | "before-evidence"; // the first digest in the evidence; its previous one was not given

export type SignatureStatus = "valid" | "invalid" | "unverified";

export interface DigestCheck {
  object?: string;
  file: string;
  start: number;
  end: number;
  logFiles: number;
  link: DigestLink;
  signature: SignatureStatus;
  /** Why a signature is unverified or invalid. */
  note?: string;
}

export interface ChainGap {
  from: number;
  to: number;
  reason: "digest-missing" | "chain-restart" | "time-gap";
}

export interface ChainReport {
  accountId?: string;
  region?: string;
  trail?: string;
  digests: DigestCheck[];
  gaps: ChainGap[];
  /** Hours whose digest lists no log file (nothing was delivered). */
  emptyPeriods: { from: number; to: number }[];
}

export type LogFileStatus = "valid" | "mismatch" | "missing" | "unhashed";

export interface LogFileCheck {
  /** The S3 key the digest names. */
  object: string;
  digest: string;
  status: LogFileStatus;
  /** The evidence file it was matched to. */
  file?: string;
  expected: string;
  actual?: string;
}

export interface DigestChainReport {
  chains: ChainReport[];
  logFiles: LogFileCheck[];
  /** Evidence CloudTrail log files that no digest lists. */
  uncovered: string[];
}

const LOG_FILE_NAME = /(?:^|\/)\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json(?:\.gz)?$/;
const DEFAULT_GAP_TOLERANCE_MS = 5 * 60_000;

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Finds the evidence file for an S3 key: the path that ends with the key, else the same file name. */
class FileIndex {
  private readonly byName = new Map<string, EvidenceFile[]>();

  constructor(files: readonly EvidenceFile[]) {
    for (const file of files) {
      const name = basename(file.path.replace(/\\/g, "/"));
      const list = this.byName.get(name) ?? [];
      list.push(file);
      this.byName.set(name, list);
    }
  }

  find(key: string): EvidenceFile | undefined {
    const candidates = this.byName.get(basename(key)) ?? [];
    return candidates.find((file) => file.path === key || file.path.endsWith(`/${key}`) || file.path.endsWith(`!${key}`)) ?? candidates[0];
  }
}

/** The hash of a file's content: its decompressed content for .gz, the file itself otherwise. */
function contentHash(file: EvidenceFile | undefined): string | undefined {
  if (!file) return undefined;
  return file.contentSha256 ?? (/\.gz$/i.test(file.path) ? undefined : file.sha256);
}

function loadKey(value: string): KeyObject | undefined {
  const attempts: (() => KeyObject)[] = value.includes("BEGIN")
    ? [() => createPublicKey(value)]
    : [() => createPublicKey({ key: Buffer.from(value, "base64"), format: "der", type: "pkcs1" }), () => createPublicKey({ key: Buffer.from(value, "base64"), format: "der", type: "spki" })];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/** The string CloudTrail signs for a digest. */
export function digestSigningString(digest: Pick<DigestFacts, "endText" | "bucket" | "object" | "previous">, contentSha256: string): string {
  return `${digest.endText}\n${digest.bucket ?? ""}/${digest.object ?? ""}\n${contentSha256}\n${digest.previous?.signature ?? "null"}`;
}

function streamKey(input: DigestInput): string {
  const cloud = input.digest.cloud;
  return `${cloud?.accountId ?? ""}|${cloud?.region ?? ""}|${input.digest.trail ?? ""}`;
}

function checkSignature(input: DigestInput, signature: string | undefined, keys: ReadonlyMap<string, KeyObject>, haveKeys: boolean): { signature: SignatureStatus; note?: string } {
  const digest = input.digest;
  if (signature === undefined) return { signature: "unverified", note: "signature not known: the newest digest's is in S3 metadata (x-amz-meta-signature); give it to verify" };
  if (!haveKeys) return { signature: "unverified", note: "no public keys given (aws cloudtrail list-public-keys)" };
  if (digest.signatureAlgorithm !== undefined && digest.signatureAlgorithm !== "SHA256withRSA") return { signature: "unverified", note: `signature algorithm ${digest.signatureAlgorithm} is not supported` };
  const key = digest.publicKeyFingerprint === undefined ? undefined : keys.get(digest.publicKeyFingerprint.toLowerCase());
  if (!key) return { signature: "unverified", note: `no public key with fingerprint ${digest.publicKeyFingerprint ?? "(none given in the digest)"}` };
  if (input.contentSha256 === undefined) return { signature: "unverified", note: "the digest file's content hash is not known" };
  if (!/^[0-9a-f]+$/i.test(signature) || signature.length % 2 !== 0) return { signature: "invalid", note: "the signature is not hexadecimal" };
  const ok = verify("sha256", Buffer.from(digestSigningString(digest, input.contentSha256)), key, Buffer.from(signature, "hex"));
  return ok ? { signature: "valid" } : { signature: "invalid", note: "the RSA signature does not match the digest: the digest (or its predecessor's signature) was altered" };
}

export function verifyDigestChain(input: DigestChainInput): DigestChainReport {
  const tolerance = input.gapToleranceMs ?? DEFAULT_GAP_TOLERANCE_MS;
  const index = new FileIndex(input.files);
  const keys = new Map<string, KeyObject>();
  for (const key of input.publicKeys ?? []) {
    const loaded = loadKey(key.value);
    if (loaded) keys.set(key.fingerprint.toLowerCase(), loaded);
  }
  const haveKeys = (input.publicKeys ?? []).length > 0;

  const streams = new Map<string, DigestInput[]>();
  for (const digest of input.digests) {
    const key = streamKey(digest);
    const list = streams.get(key) ?? [];
    list.push(digest);
    streams.set(key, list);
  }

  const chains: ChainReport[] = [];
  const logFiles: LogFileCheck[] = [];
  const covered = new Set<string>();
  for (const key of [...streams.keys()].sort()) {
    const digests = (streams.get(key) ?? []).slice().sort((a, b) => a.digest.end - b.digest.end || (a.digest.object ?? "").localeCompare(b.digest.object ?? ""));
    const first = digests[0]?.digest;
    const chain: ChainReport = { accountId: first?.cloud?.accountId, region: first?.cloud?.region, trail: first?.trail, digests: [], gaps: [], emptyPeriods: [] };
    digests.forEach((current, i) => {
      const digest = current.digest;
      const before = digests[i - 1];
      let link: DigestLink;
      if (digest.previous?.object === undefined) {
        link = "start";
        if (before) chain.gaps.push({ from: before.digest.end, to: digest.start, reason: "chain-restart" });
      } else if (before && before.digest.object !== undefined && digest.previous.object === before.digest.object) {
        const hash = before.contentSha256;
        link = hash === undefined || digest.previous.hash === undefined ? "linked-unhashed" : hash.toLowerCase() === digest.previous.hash.toLowerCase() ? "linked" : "previous-changed";
        if (digest.start - before.digest.end > tolerance) chain.gaps.push({ from: before.digest.end, to: digest.start, reason: "time-gap" });
      } else if (!before) {
        link = "before-evidence";
      } else {
        link = "previous-missing";
        chain.gaps.push({ from: before.digest.end, to: digest.start, reason: "digest-missing" });
      }
      // The next digest vouches for this one's signature, if it names this one.
      const after = digests[i + 1]?.digest;
      const vouched = after?.previous?.object !== undefined && after.previous.object === digest.object ? after.previous.signature : undefined;
      const given = digest.object !== undefined ? (input.signatures?.[digest.object] ?? input.signatures?.[`${digest.bucket ?? ""}/${digest.object}`]) : undefined;
      const signature = checkSignature(current, vouched ?? given, keys, haveKeys);
      chain.digests.push({ object: digest.object, file: current.file, start: digest.start, end: digest.end, logFiles: digest.logFiles.length, link, ...signature });
      if (digest.logFiles.length === 0) chain.emptyPeriods.push({ from: digest.start, to: digest.end });
      for (const logFile of digest.logFiles) {
        const file = index.find(logFile.object);
        if (file) covered.add(file.path);
        const actual = contentHash(file);
        const status: LogFileStatus = !file ? "missing" : actual === undefined ? "unhashed" : actual.toLowerCase() === logFile.hash.toLowerCase() ? "valid" : "mismatch";
        logFiles.push({ object: logFile.object, digest: digest.object ?? current.file, status, file: file?.path, expected: logFile.hash, actual });
      }
    });
    chains.push(chain);
  }
  const uncovered = input.files
    .map((file) => file.path)
    .filter((path) => LOG_FILE_NAME.test(path.replace(/\\/g, "/")) && !covered.has(path))
    .sort();
  return { chains, logFiles, uncovered };
}
