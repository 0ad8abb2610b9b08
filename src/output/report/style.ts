/** The report's stylesheet: screen, phone width and print. No data ever goes into it. */
export const REPORT_CSS = `
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d9dce1; --bg: #f4f5f7; --card: #fff; --bad: #b00020; --attacker: #c62828; --normal: #9aa0a6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header.top { background: #1f2a44; color: #fff; padding: 16px 24px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top p { margin: 0; color: #c9d1e3; font-size: 13px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 8px 24px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
nav a { color: #1f4fa8; text-decoration: none; font-size: 14px; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
h2 { margin: 0 0 8px; font-size: 20px; }
h3 { margin: 18px 0 6px; font-size: 16px; }
.intro { color: var(--muted); margin: 0 0 10px; }
.story p { margin: 6px 0; }
.story .lead { font-size: 17px; font-weight: 600; }
.figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin: 14px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; display: flex; flex-direction: column; }
.figure .value { font-size: 26px; font-weight: 700; }
.figure .value.na { font-size: 15px; font-weight: 400; color: var(--muted); font-style: italic; padding: 8px 0 5px; }
.figure .label { color: var(--muted); font-size: 13px; }
.figure .note { color: var(--muted); font-size: 12px; }
.figure[data-figure="compromised"] .value, .figure[data-figure="affected-confirmed"] .value { color: var(--bad); }
.figure .value.na, .figure[data-figure] .value.na { color: var(--muted); }
.missing { color: var(--muted); font-style: italic; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: flex-end; margin: 8px 0; }
.field { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.field select, .field input { font: inherit; font-size: 14px; padding: 4px 6px; max-width: 260px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.btn { font: inherit; font-size: 13px; padding: 5px 10px; border: 1px solid #1f4fa8; color: #1f4fa8; background: #fff; border-radius: 4px; cursor: pointer; }
.btn:disabled { opacity: .4; cursor: default; }
.btn.small { padding: 1px 6px; font-size: 12px; }
.chip { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 4px; padding: 6px 10px; margin: 6px 0; font-size: 14px; }
.status { font-size: 13px; color: var(--muted); margin: 6px 0; }
.scroller { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: #f0f2f5; font-weight: 600; white-space: nowrap; }
th .sort { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] .sort::after { content: " ▲"; }
th[aria-sort="descending"] .sort::after { content: " ▼"; }
td.num, th.num { text-align: right; }
td.detail { min-width: 220px; max-width: 420px; overflow-wrap: anywhere; }
td.source { min-width: 200px; max-width: 320px; overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.small { font-size: 12px; color: var(--muted); }
.block { display: block; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.hash { overflow-wrap: anywhere; }
.why { color: #8a4b00; }
.bad { color: var(--bad); }
.result { display: inline-block; margin-left: 6px; font-size: 11px; padding: 0 5px; border-radius: 3px; }
.result.success { background: #fde0e0; color: var(--bad); }
.result.failure { background: #eceff1; color: var(--muted); }
tr.has-sub td { border-bottom: 0; padding-bottom: 2px; }
td.sub { padding-top: 0; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
td.sub .why { color: #8a4b00; }
.pager { display: flex; gap: 10px; align-items: center; margin: 8px 0; }
.chart-svg { width: 100%; height: auto; display: block; }
.chart-svg .panel { fill: #fafbfc; stroke: var(--line); }
.chart-svg .normal { fill: var(--normal); }
.chart-svg .attacker { fill: var(--attacker); }
.chart-svg .grid { stroke: #e3e5e8; stroke-width: 1; }
.chart-svg .moment { stroke-width: 1.5; stroke-dasharray: 4 3; }
.chart-svg text { font-size: 11px; fill: var(--muted); }
.chart-svg .source { font-size: 12px; fill: var(--ink); }
.chart-svg .max { font-size: 10px; }
.chart-svg .moment-no { fill: #fff; font-size: 10px; font-weight: 700; }
ol.moments { margin: 4px 0 0; padding-left: 24px; font-size: 14px; }
ol.moments .when { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
.findings { display: grid; gap: 10px; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--normal); border-radius: 6px; padding: 8px 12px; }
.finding h3 { margin: 2px 0 4px; }
.finding p { margin: 4px 0; }
.severity { text-transform: uppercase; font-size: 11px; letter-spacing: .04em; padding: 1px 6px; border-radius: 3px; background: #eceff1; vertical-align: middle; }
.sev-critical { border-left-color: #7f0000; } .sev-critical .severity { background: #7f0000; color: #fff; }
.sev-high { border-left-color: var(--bad); } .sev-high .severity { background: var(--bad); color: #fff; }
.sev-medium { border-left-color: #e65100; } .sev-medium .severity { background: #ffe0b2; }
.sev-low { border-left-color: #f9a825; }
.group { margin-bottom: 10px; }
details.more-findings { margin-top: 4px; }
details.more-findings summary { cursor: pointer; color: #1f4fa8; padding: 6px 0; }
details.more-findings .finding { margin-top: 10px; }
ul.gaps li { margin: 4px 0; }
.noscript { padding: 16px 24px; }
.print-only { display: none; }
@media (max-width: 700px) {
  body { font-size: 14px; }
  main { padding: 8px; }
  .card { padding: 12px; border-radius: 0; border-left: 0; border-right: 0; }
  .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .figure .value { font-size: 22px; }
  nav { position: static; }
  .field select, .field input { max-width: 100%; }
  .controls .field { flex: 1 1 45%; }
}
@media print {
  body { background: #fff; font-size: 11px; }
  nav, .controls, .pager, .btn, .chip { display: none !important; }
  header.top { background: none; color: #000; border-bottom: 2px solid #000; padding: 0 0 6px; }
  header.top p { color: #333; }
  main { max-width: none; padding: 0; }
  .card { border: 0; padding: 0; margin: 0 0 14px; }
  .figures { grid-template-columns: repeat(4, 1fr); }
  tr, .figure, .finding { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .scroller { overflow: visible; }
  .print-only { display: block; color: #333; font-style: italic; }
}
`;
