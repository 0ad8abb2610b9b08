export { REPORT_FILE, writeReport } from "./write-report.js";
