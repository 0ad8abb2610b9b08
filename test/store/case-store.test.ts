/** The case store's appenders and typed reads: what goes in comes back typed, and drift fails loudly. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bigint, boolean, double, EVENTS, FILES, jsonText, MESSAGES, pick, varchar, varcharList, WARNINGS } from "../../src/model/columns.js";
import type { AuthEvent, MailReadEvent } from "../../src/model/events.js";
import type { MessageBody } from "../../src/model/messages.js";
import { CaseStore } from "../../src/store/case-store.js";
import { selectList } from "../../src/store/rows.js";
import { eventField, eventJson, itemField } from "../../src/store/sql.js";

let dir: string;
let store: CaseStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "mailtrail-store-"));
  store = await CaseStore.create(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn: AuthEvent = { kind: "auth", ts: 1_790_000_000_123, tsDesc: "Sign-in time", action: "Sign-in activity", result: "success", user: "ann@corp.example", clientIp: "198.51.100.7", location: { country: "FR" } };
const source = { parser: "entra-signins-json", file: "signins.json", sha256: "ab", recordId: "r-1" };

describe("appenders", () => {
  it("an event's columns come back typed, in the table's order, with its body parsed", async () => {
    store.appendEvent(3, 7, "signins.json:r-1", signIn, source, JSON.stringify(signIn), "auth|r-1|0");
    const rows = await store.rows(EVENTS, "SELECT * FROM events");
    expect(rows).toEqual([
      {
        fileId: 3,
        seq: 7,
        id: "signins.json:r-1",
        ts: 1_790_000_000_123,
        kind: "auth",
        action: "Sign-in activity",
        result: "success",
        userName: "ann@corp.example",
        mailbox: null,
        clientIp: "198.51.100.7",
        sessionId: null,
        refLine: null,
        refOffset: null,
        recordId: "r-1",
        member: null,
        recordKey: "auth|r-1|0",
        data: signIn,
      },
    ]);
  });

  it("messages, warnings and files: missing and non-finite numbers are NULL, the store numbers warnings", async () => {
    const message: MessageBody = { kind: "message", mailbox: "ann@corp.example", folder: "Inbox", messageId: "<a@x>", uid: 4, date: Number.NaN, subject: "Pay" };
    store.appendMessage(1, 1, "m1", message, { parser: "mbox", file: "Inbox.mbox", sha256: "", offset: 4096 }, JSON.stringify(message));
    store.addWarning({ path: "a.log", reason: "bad line", line: 3 });
    store.addWarning({ fileId: 2, path: "b.log", reason: "bad record", recordId: "x" });
    await store.upsertFile({ fileId: 1, path: "Inbox.mbox", records: 1, events: 0, messages: 1, warnings: 0, size: 10 });
    const [stored] = await store.rows(pick(MESSAGES, "uid", "date", "refOffset", "subject", "data"), "SELECT uid, date, ref_offset, subject, data FROM messages");
    expect(stored).toEqual({ uid: 4, date: null, refOffset: 4096, subject: "Pay", data: JSON.parse(JSON.stringify(message)) });
    const warnings = await store.rows(WARNINGS, "SELECT * FROM warnings ORDER BY seq");
    expect(warnings.map((w) => [w.seq, w.fileId, w.path, w.line, w.offset, w.recordId, w.reason])).toEqual([
      [1, null, "a.log", 3, null, null, "bad line"],
      [2, 2, "b.log", null, null, "x", "bad record"],
    ]);
    const [file] = await store.rows(FILES, "SELECT * FROM files");
    expect(file).toMatchObject({ fileId: 1, path: "Inbox.mbox", size: 10, records: 1, messages: 1, container: null, root: 0 });
  });
});

describe("typed reads", () => {
  it("BIGINT and HUGEINT read as numbers, lists as arrays, booleans as booleans, JSON parsed", async () => {
    const row = await store.one(
      { n: bigint().notNull, total: bigint().notNull, ratio: double().notNull, ok: boolean().notNull, names: varcharList().notNull, body: jsonText<{ a: number[] }>().notNull, none: varchar() },
      `SELECT 42::BIGINT AS n, sum(x)::HUGEINT AS total, 0.5 AS ratio, true AS ok, ['a', 'b'] AS names, '{"a":[1,2]}' AS body, NULL AS none FROM (VALUES (1), (2)) t(x)`,
    );
    expect(row).toEqual({ n: 42, total: 3, ratio: 0.5, ok: true, names: ["a", "b"], body: { a: [1, 2] }, none: null });
  });

  it("a declared column missing from the result is an error naming it, not an empty value", async () => {
    await expect(store.rows({ firstTs: bigint() }, "SELECT 1 AS first")).rejects.toThrow("query result has no column 'first_ts' (it has first)");
  });

  it("NULL in a column declared NOT NULL is an error naming it", async () => {
    await expect(store.rows({ n: bigint().notNull }, "SELECT NULL::BIGINT AS n")).rejects.toThrow("query column 'n' is NULL although declared NOT NULL");
  });

  it("streams large results chunk by chunk, every row decoded", async () => {
    let rows = 0;
    let chunks = 0;
    let sum = 0;
    for await (const chunk of store.streamRows({ i: bigint().notNull }, "SELECT range AS i FROM range(5000)")) {
      chunks += 1;
      rows += chunk.length;
      for (const row of chunk) sum += row.i;
    }
    expect(rows).toBe(5000);
    expect(chunks).toBeGreaterThan(1);
    expect(sum).toBe((4999 * 5000) / 2);
  });

  it("selectList names a table's columns for SQL, aliased and quoted where needed", () => {
    expect(selectList(pick(EVENTS, "id", "clientIp"), "e")).toBe("e.id, e.client_ip");
    expect(selectList(pick(WARNINGS, "line", "offset"))).toBe('line, "offset"');
  });
});

describe("JSON paths into event bodies", () => {
  it("write the paths the event union defines", () => {
    expect(eventField("folder")).toBe("(data->>'folder')");
    expect(eventField("location.country", "e")).toBe("(e.data->'location'->>'country')");
    expect(eventField("counters.body_count")).toBe("(data->'counters'->>'body_count')");
    expect(eventJson("items", "e")).toBe("(e.data->'items')");
    expect(itemField("messageId")).toBe("(item->>'messageId')");
  });

  it("read what the parsers wrote", async () => {
    const read: MailReadEvent = { kind: "mail.read", ts: 1, tsDesc: "t", action: "MailItemsAccessed", how: "sync", folder: "Inbox", items: [{ messageId: "<a@x>" }, { messageId: "<b@x>" }] };
    store.appendEvent(1, 1, "r1", read, source, JSON.stringify(read), undefined);
    store.appendEvent(1, 2, "s1", signIn, source, JSON.stringify(signIn), undefined);
    const rows = await store.rows(
      { ...pick(EVENTS, "id"), folder: varchar(), country: varchar(), items: bigint() },
      `SELECT ${EVENTS.col.id}, ${eventField("folder")} AS folder, ${eventField("location.country")} AS country, json_array_length(${eventJson("items")}) AS items FROM events ORDER BY seq`,
    );
    expect(rows).toEqual([
      { id: "r1", folder: "Inbox", country: null, items: 2 },
      { id: "s1", folder: null, country: "FR", items: null },
    ]);
  });

  it("a field no event kind has does not compile", () => {
    // @ts-expect-error `folders` is no field of any event
    expect(eventField("folders")).toBe("(data->>'folders')");
    // @ts-expect-error `location.town` is no field of GeoLocation
    expect(eventField("location.town")).toBe("(data->'location'->>'town')");
  });
});
