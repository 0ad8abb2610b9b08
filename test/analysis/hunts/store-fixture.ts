/** A real CaseStore in a temp folder, filled with small synthetic event sets for hunt tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadHuntConfig, mergeHuntConfig } from "../../../src/analysis/hunt-config.js";
import type { Finding, HuntConfig, Hunt } from "../../../src/analysis/findings.js";
import type { AuthEvent, EventBody, MailboxConfigEvent, MailReadEvent, SessionEndEvent } from "../../../src/model/events.js";
import { DUPLICATES } from "../../../src/model/columns.js";
import { CaseStore } from "../../../src/store/case-store.js";

export interface Fixture {
  store: CaseStore;
  /** Appends events (ids `e1`, `e2`, ... unless given) to file 1; returns their ids. */
  add(...events: (EventBody & { id?: string })[]): Promise<string[]>;
  /** Runs one hunt with the default config merged with `override`. */
  hunt(hunt: Hunt, override?: Record<string, Record<string, unknown>>): Promise<Finding[]>;
  close(): Promise<void>;
}

export function config(override?: Record<string, Record<string, unknown>>): HuntConfig {
  return mergeHuntConfig(loadHuntConfig(), override, "test override");
}

export async function openFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "mailtrail-hunts-"));
  const store = await CaseStore.create(dir);
  await store.upsertFile({ fileId: 1, path: "synthetic.jsonl", records: 0, events: 0, messages: 0, warnings: 0, parser: "synthetic" });
  await store.replaceTable(DUPLICATES);
  let seq = 0;
  return {
    store,
    async add(...events) {
      const ids: string[] = [];
      for (const event of events) {
        seq += 1;
        const id = event.id ?? `e${seq}`;
        const body = { ...event } as EventBody & { id?: string };
        delete body.id;
        store.appendEvent(1, seq, id, body, { parser: "synthetic", file: "synthetic.jsonl", sha256: "", line: seq }, JSON.stringify(body), undefined);
        ids.push(id);
      }
      return ids;
    },
    async hunt(hunt, override) {
      return hunt.run({ store, config: config(override) });
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 2026-11-26 at `hh:mm[:ss]` UTC, in epoch ms. */
export function at(time: string, day = 26): number {
  const [h = 0, m = 0, s = 0] = time.split(":").map(Number);
  return Date.UTC(2026, 10, day, h, m, s);
}

/** Event fields for the builders below, with an optional fixed event id. */
type Fields<E> = Partial<E> & { id?: string };
type WithId<E> = E & { id?: string };

export function signIn(fields: Fields<AuthEvent> & { ts: number; user: string }): WithId<AuthEvent> {
  return { kind: "auth", tsDesc: "Sign-in time", action: "Sign-in activity", result: "success", errorCode: "0", ...fields };
}

export function failedSignIn(fields: Fields<AuthEvent> & { ts: number; user: string }): WithId<AuthEvent> {
  return { kind: "auth", tsDesc: "Sign-in time", action: "Sign-in activity", result: "failure", errorCode: "50126", failureReason: "Invalid username or password", ...fields };
}

export function mailRead(fields: Fields<MailReadEvent> & { ts: number; user: string }): WithId<MailReadEvent> {
  return { kind: "mail.read", tsDesc: "Audit record time", action: "MailItemsAccessed", result: "success", how: "bind", items: [], ...fields };
}

export function sessionEnd(fields: Fields<SessionEndEvent> & { ts: number; user: string; counters: Record<string, number> }): WithId<SessionEndEvent> {
  return { kind: "session.end", tsDesc: "Logout time", action: "Disconnected", ...fields };
}

export function mailboxChange(fields: Fields<MailboxConfigEvent> & { ts: number; user: string; action: string; change: MailboxConfigEvent["change"] }): WithId<MailboxConfigEvent> {
  return { kind: "mailbox.config", tsDesc: "Audit record time", result: "success", ...fields };
}
