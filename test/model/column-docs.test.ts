/**
 * The case store's documentation (docs/output-contract.md, `case.duckdb`): every table and column of
 * src/model/columns.ts is described, the docs list is generated from it, and the SQL examples of the
 * docs and the README count what summary.json counts. Regenerate the list on purpose:
 * `UPDATE_DOCS=1 npx vitest run test/model/column-docs.test.ts` (or `node scripts/case-tables-doc.mjs`
 * after `npm run build`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { caseTablesMarkdown, documentedTables, TABLE_DOCS, VIEW_DOCS } from "../../src/model/column-docs.js";
import { bigint, sqlName, varchar } from "../../src/model/columns.js";
import { CaseStore } from "../../src/store/case-store.js";
import { LIVE_EVENTS_VIEW } from "../../src/store/schema.js";
import { runCli } from "../cli/run-cli.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const CONTRACT = join(ROOT, "docs/output-contract.md");
const README = join(ROOT, "README.md");
const DEMO = join(ROOT, "fixtures/demo-case");

function between(text: string, name: string): string {
  const start = text.indexOf(`<!-- ${name}:start -->\n`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  expect(start, `marker ${name}:start`).toBeGreaterThanOrEqual(0);
  expect(end, `marker ${name}:end`).toBeGreaterThan(start);
  return text.slice(start + `<!-- ${name}:start -->\n`.length, end);
}

describe("every table and column of the case is documented", () => {
  it("column-docs.ts describes exactly the columns of columns.ts, and no table that does not exist", () => {
    const tables = documentedTables();
    expect(Object.keys(TABLE_DOCS).sort()).toEqual(tables.map((table) => table.name).sort());
    for (const table of tables) {
      expect(Object.keys(TABLE_DOCS[table.name]?.columns ?? {}), table.name).toEqual(Object.keys(table.columns).map(sqlName));
      for (const [column, what] of Object.entries(TABLE_DOCS[table.name]?.columns ?? {})) expect(what.length, `${table.name}.${column}`).toBeGreaterThan(5);
    }
    expect(Object.keys(VIEW_DOCS)).toEqual([LIVE_EVENTS_VIEW]);
  });

  it("docs/output-contract.md lists them as generated", () => {
    const text = readFileSync(CONTRACT, "utf8");
    const generated = caseTablesMarkdown();
    if (process.env["UPDATE_DOCS"] === "1") {
      const current = between(text, "case-tables");
      writeFileSync(CONTRACT, text.replace(`<!-- case-tables:start -->\n${current}`, `<!-- case-tables:start -->\n${generated}`));
    }
    expect(between(readFileSync(CONTRACT, "utf8"), "case-tables")).toBe(generated);
    expect(generated).toContain("| `client_ip` | VARCHAR | the client's address |");
  });
});

describe("the SQL examples count what summary.json counts", () => {
  let store: CaseStore;
  let summary: Record<string, unknown>;

  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), "mailtrail-sql-")), "demo");
    const result = await runCli(["run", join(DEMO, "evidence"), "--out", out, "--ioc", join(DEMO, "ioc.yaml"), "--year", "2026", "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Record<string, unknown>;
    store = await CaseStore.open(out);
    return () => store.close();
  });

  const valueAt = (path: string): unknown => path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], summary);

  for (const [name, file] of [
    ["docs/output-contract.md", CONTRACT],
    ["README.md", README],
  ] as const) {
    it(`${name}: each query gives the summary's value`, async () => {
      const block = between(readFileSync(file, "utf8"), "sql-examples").replace(/^```sql\n|```\n?$/g, "");
      const queries = [...block.matchAll(/^-- summary\.json ([\w.]+).*\n([^;]+;)/gm)].map((match) => ({ path: match[1] as string, sql: match[2] as string }));
      expect(queries.length, "queries found").toBeGreaterThanOrEqual(3);
      for (const { path, sql } of queries) {
        if (path === "events_by_kind") {
          const rows = await store.rows({ kind: varchar().notNull, n: bigint().notNull }, sql);
          const expected = Object.entries(valueAt(path) as Record<string, number>).filter(([, n]) => n > 0);
          expect(rows.map((row) => [row.kind, row.n]), sql).toEqual(expected.sort(([a], [b]) => (a < b ? -1 : 1)));
        } else {
          const row = await store.one({ n: bigint().notNull }, sql);
          expect(row?.n, sql).toBe(valueAt(path));
        }
      }
    });
  }

  it("the live_events view and the events table differ by exactly the duplicates", async () => {
    const all = await store.one({ n: bigint().notNull }, "SELECT count(*) AS n FROM events");
    const duplicates = (summary["duplicates_dropped"] as { total: number }).total;
    expect(duplicates).toBeGreaterThan(0);
    expect(all?.n).toBe((summary["events"] as number) + duplicates);
  });
});
