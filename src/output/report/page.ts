/**
 * The HTML of report.html: a static shell, the data as JSON in a non-executable script block, one
 * inline script and one inline style, both allowed by hash in the Content-Security-Policy.
 */
import { createHash } from "node:crypto";
import { DISPLAY_NAMES } from "../../formats/index.js";
import { COL, type ReportData } from "./data.js";
import { REPORT_CLIENT_BUNDLE, REPORT_CLIENT_GLOBAL } from "./generated/client-bundle.js";
import { REPORT_CSS } from "./style.js";

/**
 * JSON that cannot end or confuse its `<script>` block: `<`, `>` and `&` become `\u003c` ...
 * (so `</script>` or `<!--` in a subject stays data), and so do U+2028/2029.
 */
function embeddableJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page script: the browser code bundled at build time (client/), called with the row layout
 * and the formats registry's display names.
 */
export function clientScript(): string {
  const script = `${REPORT_CLIENT_BUNDLE}${REPORT_CLIENT_GLOBAL}.renderReport(${embeddableJson(COL)}, ${embeddableJson(DISPLAY_NAMES)});`;
  // Our own code must not be able to close its block either.
  if (/<\/script|<!--/i.test(script)) throw new Error("report client script contains '</script' or '<!--'");
  return script;
}

/**
 * The policy: nothing may load (default-src 'none', no connect-src), only our script and style run
 * (by hash, so no injected element could), images only from data: URLs, no forms, no base URL.
 */
function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderPage(data: ReportData): string {
  const script = clientScript();
  const style = REPORT_CSS;
  const csp = contentSecurityPolicy(script, style);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>mailtrail report</title>
<style>${style}</style>
</head>
<body>
<header class="top"><h1>Mail compromise report</h1><p>mailtrail · all times UTC · generated from the case folder beside this file</p></header>
<nav aria-label="Sections"><a href="#summary">What happened</a><a href="#activity">Over time</a><a href="#findings">Findings</a><a href="#timeline">Attacker's actions</a><a href="#affected">Affected people</a><a href="#messages">Exposed messages</a><a href="#evidence">Evidence</a><a href="#gaps">Gaps</a></nav>
<main id="report"><p class="print-only">Printed tables show the page on screen at the time; the complete lists are in the case folder (timeline.csv, affected-employees.csv, exposed-messages.csv).</p></main>
<noscript><p class="noscript">This report draws its tables with JavaScript, which is off. The same facts are in the case folder: summary.json, timeline.csv, findings.json, affected-employees.csv and exposed-messages.csv.</p></noscript>
<script type="application/json" id="report-data">${embeddableJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
