/**
 * The page's script: the browser code of src/output/report/client/, bundled at build time
 * (scripts/build-report-client.mjs), embedded as report.html's one inline script and allowed by its
 * hash. What it draws is checked in a real browser (test/integration/report.test.ts).
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { DISPLAY_NAMES } from "../../../src/formats/index.js";
import { COL, type ReportData } from "../../../src/output/report/data.js";
import { REPORT_CLIENT_BUNDLE, REPORT_CLIENT_GLOBAL } from "../../../src/output/report/generated/client-bundle.js";
import { clientScript, renderPage } from "../../../src/output/report/page.js";

const BUILD_SCRIPT = pathToFileURL(new URL("../../../scripts/build-report-client.mjs", import.meta.url).pathname).href;

const EMPTY: ReportData = {
  tool: { version: "0.0.0", command: "mailtrail run x" },
  summary: null,
  files: [],
  findings: null,
  affected: null,
  exposed: null,
  strings: [],
  attacker: [],
  addresses: [],
  signedIn: [],
  targeted: [],
  moments: [],
  chart: { sources: [], buckets: [], fine: null },
  range: { first: 0, last: 0, attackerFirst: 0, attackerLast: 0, events: 0 },
  readProblems: [],
};

describe("the report's script", () => {
  it("is the bundle, called once with the row layout and the formats' display names, and the CSP allows exactly it", () => {
    const html = renderPage(EMPTY);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    expect(scripts).toEqual([clientScript()]);
    expect(clientScript()).toBe(`${REPORT_CLIENT_BUNDLE}${REPORT_CLIENT_GLOBAL}.renderReport(${JSON.stringify(COL)}, ${JSON.stringify(DISPLAY_NAMES)});`);
    const hash = createHash("sha256").update(clientScript(), "utf8").digest("base64");
    expect(html).toContain(`script-src 'sha256-${hash}';`);
  });

  it("is one self-contained classic script: strict, no module syntax, nothing fetched or evaluated, nothing that could end its block", () => {
    const bundle = REPORT_CLIENT_BUNDLE;
    expect(bundle.startsWith('"use strict";\n')).toBe(true);
    expect(bundle).not.toMatch(/^\s*(import|export)\b/m);
    expect(bundle).not.toMatch(/\brequire\(|\bimport\(|\bfetch\(|XMLHttpRequest|WebSocket|\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(bundle).not.toMatch(/<\/script|<!--/i);
    expect(bundle).toMatch(/^[\x09\x0a\x20-\x7e]*$/); // ASCII: the same bytes whatever the page's encoding
    // Its only global is the one the page calls.
    expect(bundle.match(/^var (\w+)/gm)).toEqual([`var ${REPORT_CLIENT_GLOBAL}`]);
  });

  it("is what the build script makes of src/output/report/client/ now, the same on every build", async () => {
    const { bundleReportClient } = (await import(BUILD_SCRIPT)) as { bundleReportClient: () => Promise<string> };
    const [first, second] = [await bundleReportClient(), await bundleReportClient()];
    expect(first).toBe(second);
    expect(REPORT_CLIENT_BUNDLE).toBe(first);
  });
});
