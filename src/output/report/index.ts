export { collectReportData, REPORT_FILE, writeReport } from "./write-report.js";
export { contentSecurityPolicy, embeddableJson } from "./page.js";
export type { ReportData } from "./data.js";
