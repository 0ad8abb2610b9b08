#!/usr/bin/env node
// Regenerates the on-prem (Dovecot) part of the demo case from a real Dovecot:
//   fixtures/demo-case/evidence/dovecot/{dovecot.log, dovecot-debug.log} and fixtures/demo-case/dovecot-ground-truth.json
//   fixtures/demo-case/evidence/maildir/<user>/...   (Maildir with dovecot-uidlist, no Dovecot index/cache files)
// Needs root and Debian's dovecot-imapd + dovecot-pop3d (see .ci/run). Run after `npm run build`:
//   npm run build && node scripts/make-demo-dovecot.mjs
// Message-IDs, UIDs and UIDVALIDITYs are the same on every run; timestamps, session ids, pids and
// ports are those of the capture (the logs are dated the day they are captured).
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist", "test", "integration", "dovecot");
const { dovecotUnavailableReason, removeDovecotState } = await import(join(dist, "harness.js"));
const { captureScenario, copyMaildir } = await import(join(dist, "capture.js"));
const { USERS } = await import(join(dist, "seed.js"));

const reason = dovecotUnavailableReason();
if (reason) {
  console.error(`make-demo-dovecot: cannot run: ${reason}`);
  process.exit(1);
}

const started = Date.now();
const capture = await captureScenario();
const logDir = join(root, "fixtures", "demo-case", "evidence", "dovecot");
const mailDir = join(root, "fixtures", "demo-case", "evidence", "maildir");
rmSync(logDir, { recursive: true, force: true });
rmSync(mailDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
copyFileSync(capture.dovecot.logPaths.main, join(logDir, "dovecot.log"));
copyFileSync(capture.dovecot.logPaths.debug, join(logDir, "dovecot-debug.log"));
// Dovecot creates its logs 0600; evidence in the repository is world-readable.
for (const name of ["dovecot.log", "dovecot-debug.log"]) chmodSync(join(logDir, name), 0o644);
let files = 0;
for (const { user } of USERS) files += copyMaildir(capture.dovecot.maildirOf(user), join(mailDir, user));
const groundTruth = {
  generatedBy: "scripts/make-demo-dovecot.mjs",
  dovecotVersion: capture.dovecotVersion,
  notes: [
    "Logs from a private Dovecot on loopback; log_timestamp has no year: read them with --year of the capture.",
    "Session ids, pids, ports and times change on every capture; users, source addresses, UIDs and Message-IDs do not.",
    "clientIp is what Dovecot logs as rip: behind the trusted proxy 127.0.0.5 it is the x-originating-ip.",
    "The event exporter (transport=log) writes its JSON as 'stats: Info: {...}' lines into dovecot.log.",
  ],
  ...capture.truth,
  seed: capture.manifest,
};
writeFileSync(join(root, "fixtures", "demo-case", "dovecot-ground-truth.json"), JSON.stringify(groundTruth, null, 2) + "\n");
removeDovecotState(capture.dovecot);
const attacker = capture.truth.sessions.filter((s) => s.actor === "attacker").length;
console.log(
  `make-demo-dovecot: ${capture.truth.sessions.length} sessions (${attacker} attacker), ${files} maildir files, ` +
    `written to ${relative(root, logDir)} and ${relative(root, mailDir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
