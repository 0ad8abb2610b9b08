#!/usr/bin/env node
// Rewrites the list of case tables in docs/output-contract.md from src/model/columns.ts and
// src/model/column-docs.ts (run `npm run build` first). test/model/column-docs.test.ts checks it.
import { readFileSync, writeFileSync } from "node:fs";

const { caseTablesMarkdown } = await import(new URL("../dist/src/model/column-docs.js", import.meta.url).href);
const path = new URL("../docs/output-contract.md", import.meta.url);
const text = readFileSync(path, "utf8");
const start = "<!-- case-tables:start -->\n";
const end = "<!-- case-tables:end -->";
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error("docs/output-contract.md: case-tables markers not found");
writeFileSync(path, `${text.slice(0, from + start.length)}${caseTablesMarkdown()}${text.slice(to)}`);
console.log("docs/output-contract.md: case tables rewritten");
