/**
 * CloudTrail digest-chain verification: on chains built here (signed with a key made for the test),
 * and end to end on the fixture trail read through the real ingest pipeline (whose content hash of
 * each .gz is what digests vouch for).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DigestedLogFile, LogDigestEvent } from "../../../src/model/events.js";
import { digestSigningString, verifyDigestChain, type DigestInput, type EvidenceFile } from "../../../src/analysis/cloud/digest-chain.js";
import { ingest } from "../../../src/evidence/pipeline.js";
import { fileFormats, folderFormats } from "../../../src/formats/index.js";
import { FILES, pick, varchar } from "../../../src/model/columns.js";
import { CaseStore } from "../../../src/store/case-store.js";

const sha = (text: string): string => createHash("sha256").update(text).digest("hex");
const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-02T08:01:31Z");
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
const logKey = (n: number): string => `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T${String(9 + n).padStart(2, "0")}05Z_abcdefghijklmno${n}.json.gz`;
const digestKey = (end: number): string => `AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_${iso(end).replace(/[-:]/g, "")}.json.gz`;

let privateKey: KeyObject;
let publicValue: string;

beforeAll(() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  privateKey = pair.privateKey;
  publicValue = pair.publicKey.export({ type: "pkcs1", format: "der" }).toString("base64");
});

interface Built {
  digests: DigestInput[];
  files: EvidenceFile[];
  /** Signature of each digest, by key (as S3 metadata holds it). */
  signatures: Record<string, string>;
}

/** A chain of hourly digests, each digesting the log files given for its hour, signed as CloudTrail does. */
function buildChain(hours: string[][], options: { restartAt?: number } = {}): Built {
  const digests: DigestInput[] = [];
  const files: EvidenceFile[] = [];
  const signatures: Record<string, string> = {};
  let previous: { object: string; hash: string; signature: string } | undefined;
  hours.forEach((contents, i) => {
    if (options.restartAt === i) previous = undefined;
    const start = T0 + i * HOUR;
    const end = start + HOUR;
    const logFiles: DigestedLogFile[] = contents.map((content, j) => {
      const object = logKey(i * 10 + j);
      files.push({ path: `evidence/trail/${object}`, sha256: sha(`gz:${content}`), contentSha256: sha(content) });
      return { bucket: "trail", object, hash: sha(content), hashAlgorithm: "SHA-256" };
    });
    const object = digestKey(end);
    const digest: LogDigestEvent = {
      kind: "log.digest", ts: end, tsDesc: "Digest period end", action: "CloudTrail-Digest", log: "cloudtrail", start, end, endText: iso(end), bucket: "trail", object, trail: "main",
      publicKeyFingerprint: "f1", signatureAlgorithm: "SHA256withRSA", previous: previous ? { bucket: "trail", object: previous.object, hash: previous.hash, signature: previous.signature } : undefined,
      logFiles, cloud: { provider: "aws", accountId: "111122223333", region: "eu-west-1" },
    };
    const content = JSON.stringify({ digestEndTime: iso(end), n: i });
    const signature = sign("sha256", Buffer.from(digestSigningString(digest, sha(content))), privateKey).toString("hex");
    signatures[object] = signature;
    digests.push({ digest, file: `evidence/trail/${object}`, contentSha256: sha(content) });
    files.push({ path: `evidence/trail/${object}`, sha256: sha(`gz:${content}`), contentSha256: sha(content) });
    previous = { object, hash: sha(content), signature };
  });
  return { digests, files, signatures };
}

const keys = () => [{ fingerprint: "F1", value: publicValue }];

describe("verifyDigestChain", () => {
  it("an intact chain: every link, hash and signature holds; the newest signature needs S3 metadata", () => {
    const { digests, files, signatures } = buildChain([["a", "b"], [], ["c"]]);
    const report = verifyDigestChain({ digests, files, publicKeys: keys() });
    expect(report.chains).toHaveLength(1);
    const chain = report.chains[0];
    expect(chain?.digests.map((digest) => [digest.link, digest.signature])).toEqual([
      ["start", "valid"],
      ["linked", "valid"],
      ["linked", "unverified"],
    ]);
    expect(chain?.digests[2]?.note).toMatch(/x-amz-meta-signature/);
    expect(chain?.gaps).toEqual([]);
    expect(chain?.emptyPeriods).toEqual([{ from: T0 + HOUR, to: T0 + 2 * HOUR }]);
    expect(report.logFiles.map((file) => file.status)).toEqual(["valid", "valid", "valid"]);
    expect(report.uncovered).toEqual([]);
    const given = verifyDigestChain({ digests, files, publicKeys: keys(), signatures: { [digests[2]?.digest.object ?? ""]: signatures[digests[2]?.digest.object ?? ""] ?? "" } });
    expect(given.chains[0]?.digests.map((digest) => digest.signature)).toEqual(["valid", "valid", "valid"]);
  });

  it("a log file changed after delivery, one missing, one no digest lists", () => {
    const { digests, files } = buildChain([["a", "b"], ["c"]]);
    const changed = files.map((file) => (file.path.endsWith(logKey(0)) ? { ...file, contentSha256: sha("a, edited") } : file));
    const withoutB = changed.filter((file) => !file.path.endsWith(logKey(1)));
    const extra = { path: "evidence/trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T1155Z_ZZZZZZZZZZZZZZZZ.json.gz", contentSha256: sha("d") };
    const report = verifyDigestChain({ digests, files: [...withoutB, extra] });
    expect(report.logFiles.map((file) => [file.object.slice(-22), file.status])).toEqual([
      [logKey(0).slice(-22), "mismatch"],
      [logKey(1).slice(-22), "missing"],
      [logKey(10).slice(-22), "valid"],
    ]);
    expect(report.logFiles[0]?.actual).toBe(sha("a, edited"));
    expect(report.uncovered).toEqual([extra.path]);
    // Without public keys the links still hold, the signatures cannot be checked.
    expect(report.chains[0]?.digests.map((digest) => [digest.link, digest.signature])).toEqual([
      ["start", "unverified"],
      ["linked", "unverified"],
    ]);
  });

  it("a deleted digest, an altered digest and a restarted chain are breaks with their periods", () => {
    const { digests, files } = buildChain([["a"], ["b"], ["c"], ["d"], ["e"]], { restartAt: 4 });
    // Hour 2's digest deleted; hour 0's digest edited after delivery (its content hash changed).
    const kept = digests.filter((_, i) => i !== 2).map((input, i) => (i === 0 ? { ...input, contentSha256: sha("edited") } : input));
    const report = verifyDigestChain({ digests: kept, files, publicKeys: keys() });
    const chain = report.chains[0];
    // Hour 1 names hour 0 by a hash the edited file no longer has; hour 3 names the deleted hour 2; hour 4 starts anew.
    expect(chain?.digests.map((digest) => [digest.link, digest.signature])).toEqual([
      ["start", "invalid"], // its hash is in the signed string
      ["previous-changed", "unverified"], // the only digest that vouched for it (hour 2) is gone
      ["previous-missing", "unverified"], // hour 4 restarted the chain: nothing vouches for hour 3
      ["start", "unverified"],
    ]);
    expect(chain?.gaps).toEqual([
      { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR, reason: "digest-missing" },
      { from: T0 + 4 * HOUR, to: T0 + 4 * HOUR, reason: "chain-restart" },
    ]);
  });

  it("a forged signature is invalid; an unknown key fingerprint leaves it unverified", () => {
    const { digests, files } = buildChain([["a"], ["b"]]);
    const forged = digests.map((input, i) => (i === 1 && input.digest.previous ? { ...input, digest: { ...input.digest, previous: { ...input.digest.previous, signature: "ab".repeat(256) } } } : input));
    expect(verifyDigestChain({ digests: forged, files, publicKeys: keys() }).chains[0]?.digests[0]?.signature).toBe("invalid");
    const otherKey = verifyDigestChain({ digests, files, publicKeys: [{ fingerprint: "other", value: publicValue }] }).chains[0]?.digests[0];
    expect(otherKey).toMatchObject({ signature: "unverified", note: expect.stringContaining("no public key with fingerprint f1") });
  });
});

describe("the fixture trail through the ingest pipeline", () => {
  let work: string;
  let store: CaseStore;
  const fixture = new URL("../../../fixtures/aws/", import.meta.url).pathname;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "mailtrail-digest-"));
    store = await CaseStore.create(join(work, "case"));
    await ingest(store, { roots: [join(fixture, "aws-cloudtrail-json/s3-delivery")], fileFormats, folderFormats, parse: {} });
  });

  afterAll(async () => {
    await store.close();
  });

  it("the pipeline's content hash of each .gz is what the digests vouch for; the chain and signatures verify", async () => {
    const files = (await store.rows(pick(FILES, "path", "sha256", "contentSha256"), "SELECT path, sha256, content_sha256 FROM files ORDER BY path")).map((row) => ({ path: row.path, sha256: String(row.sha256), contentSha256: row.contentSha256 ?? undefined }));
    expect(files).toHaveLength(6);
    for (const file of files) expect(file.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await store.rows({ data: varchar().notNull, path: varchar().notNull, contentSha256: varchar().notNull }, "SELECT e.data, f.path, f.content_sha256 FROM events e JOIN files f USING (file_id) WHERE e.kind = 'log.digest' ORDER BY e.ts");
    const digests: DigestInput[] = rows.map((row) => ({ digest: JSON.parse(row.data) as LogDigestEvent, file: row.path, contentSha256: row.contentSha256 }));
    const keyList = JSON.parse(readFileSync(join(fixture, "aws-cloudtrail-digest/keys/list-public-keys.json"), "utf8")) as { PublicKeyList: { Fingerprint: string; Value: string }[] };
    const signatures = JSON.parse(readFileSync(join(fixture, "aws-cloudtrail-digest/keys/digest-signatures.json"), "utf8")) as Record<string, string>;
    const report = verifyDigestChain({ digests, files, publicKeys: keyList.PublicKeyList.map((key) => ({ fingerprint: key.Fingerprint, value: key.Value })), signatures });
    expect(report.chains).toHaveLength(1);
    expect(report.chains[0]).toMatchObject({ accountId: "111122223333", region: "eu-west-1", trail: "org-trail" });
    expect(report.chains[0]?.digests.map((digest) => [digest.link, digest.signature])).toEqual([
      ["start", "valid"],
      ["linked", "valid"],
      ["linked", "valid"],
    ]);
    expect(report.chains[0]?.emptyPeriods).toHaveLength(2);
    expect(report.logFiles.map((file) => file.status)).toEqual(["valid", "valid"]);
    // The organisation trail's file was delivered after the last digest: no digest covers it.
    expect(report.uncovered).toEqual([expect.stringMatching(/\/AWSLogs\/o-exampleorg11\/111122223333\/CloudTrail\/.*_q7R8s9T0u1V2w3X4\.json\.gz$/)]);
  });
});
