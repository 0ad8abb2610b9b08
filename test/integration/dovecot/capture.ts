/**
 * One full capture: start a private Dovecot, seed, check the seed, rotate the seed phase's
 * log lines away, run the scenario, stop, and join the ground truth with the log.
 * Shared by the integration test and scripts/make-demo-dovecot.mjs.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { startDovecot, type Dovecot } from "./harness.js";
import { joinWithLog, runScenario, type ScenarioTruth } from "./scenario.js";
import { USERS, seedMaildirs, verifySeed, type SeedManifest } from "./seed.js";

export interface Capture {
  /** Stopped; its state folder still holds logs and mail until removeDovecotState(). */
  dovecot: Dovecot;
  dovecotVersion: string;
  manifest: SeedManifest;
  truth: ScenarioTruth;
}

export async function captureScenario(): Promise<Capture> {
  const dovecot = await startDovecot({ users: USERS });
  try {
    const manifest = seedMaildirs(join(dovecot.stateDir, "mail"));
    verifySeed(dovecot, manifest);
    await dovecot.rotateLogs(join(dovecot.stateDir, "seed-phase"));
    const truth = await runScenario(dovecot, manifest);
    await dovecot.stop();
    joinWithLog(truth, readFileSync(dovecot.logPaths.main, "utf8"));
    const version = spawnSync("/usr/sbin/dovecot", ["--version"], { encoding: "utf8" }).stdout.trim();
    return { dovecot, dovecotVersion: version, manifest, truth };
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
}

/** Dovecot's own caches and indexes: rebuilt from the Maildir, not evidence of the messages. */
const DOVECOT_PRIVATE = /^(dovecot\.index.*|dovecot\.list\.index.*|dovecot\.mailbox\.log|dovecot-uidvalidity.*|dovecot-keywords)$/;

/**
 * Copies one user's Maildir (messages, `dovecot-uidlist`, `maildirfolder`, `subscriptions`)
 * without Dovecot's index and cache files. An empty `cur/`, `new/` or `tmp/` gets a `.keep`
 * file so that git keeps it (the convention of fixtures/mailbox/maildir; Maildir readers skip dotfiles).
 * Returns the number of files copied (`.keep` files not counted).
 */
export function copyMaildir(from: string, to: string): number {
  let files = 0;
  mkdirSync(to, { recursive: true });
  const entries = readdirSync(from).sort();
  for (const entry of entries) {
    const source = join(from, entry);
    if (statSync(source).isDirectory()) {
      files += copyMaildir(source, join(to, entry));
    } else if (!DOVECOT_PRIVATE.test(entry)) {
      copyFileSync(source, join(to, entry));
      files += 1;
    }
  }
  if (entries.length === 0 && /^(cur|new|tmp)$/.test(basename(from))) writeFileSync(join(to, ".keep"), "");
  return files;
}
