/**
 * The data embedded in report.html: what the page's script reads. Kept compact because a case can
 * hold 100 k attacker events: attacker events are rows of numbers pointing into one string table,
 * other events only appear as hourly counts.
 */

/** One attacker event; numbers other than ts and count index `ReportData.strings` (-1 = none). */
export type AttackerRow = [
  ts: number,
  id: string,
  kind: number,
  action: number,
  result: number,
  user: number,
  mailbox: number,
  ip: number,
  country: number,
  userAgent: number,
  session: number,
  detail: number,
  count: number,
  reasons: number,
  parser: number,
  file: number,
  ref: number,
  sha256: number,
];

/** Positions in an `AttackerRow`, shared by the writer and the page. */
export const COL = {
  ts: 0,
  id: 1,
  kind: 2,
  action: 3,
  result: 4,
  user: 5,
  mailbox: 6,
  ip: 7,
  country: 8,
  userAgent: 9,
  session: 10,
  detail: 11,
  count: 12,
  reasons: 13,
  parser: 14,
  file: 15,
  ref: 16,
  sha256: 17,
} as const;

export interface EvidenceFile {
  path: string;
  parser: string;
  format: string;
  size: number | null;
  sha256: string;
  records: number;
  events: number;
  messages: number;
  warnings: number;
  duplicates: number;
  error: string;
}

/** An attacker address with what the timeline says about it. */
export interface AttackerAddress {
  ip: string;
  countries: string[];
  events: number;
  first: number;
  last: number;
  /** Accounts it acted as or on (user or mailbox), up to a cap. */
  accounts: string[];
  accountsTotal: number;
  /** Why it is attacker activity (the marks' reasons), up to a cap. */
  reasons: string[];
}

export interface Moment {
  ts: number;
  /** `first-failure`, `first-success`, `rule`, `forwarding`, `permission`, `bulk-read`, `send`. */
  type: string;
  label: string;
  eventId: string;
  source: string;
}

/** Per hour and source: [hour index since epoch, source index, normal events, attacker events]. */
export type ChartBucket = [number, number, number, number];

/**
 * Hourly counts over the whole case, plus finer counts (`fine.step` ms slots) over the attack window
 * when that window is short enough for hourly bars to blur its moments.
 */
export interface ChartData {
  sources: string[];
  buckets: ChartBucket[];
  fine: { step: number; from: number; to: number; buckets: ChartBucket[] } | null;
}

export interface ReportFinding {
  id: string;
  rule: string;
  title: string;
  severity: string;
  technique: string;
  techniqueName: string;
  explanation: string;
  accounts: string[];
  ips: string[];
  first: string;
  last: string;
  strength: string;
  /** Event ids, capped at `FINDING_IDS_CAP`; `eventCount` is the full number. */
  eventIds: string[];
  eventCount: number;
}

/** A CSV file as read: header and rows of cells (formula neutralisation undone for display). */
export interface Table {
  columns: string[];
  rows: string[][];
}

export interface ReportData {
  tool: { version: string; command: string };
  summary: Record<string, unknown> | null;
  files: EvidenceFile[];
  /** Null when the case has no such file ("not computed for this case"). */
  findings: ReportFinding[] | null;
  affected: Table | null;
  exposed: Table | null;
  strings: string[];
  attacker: AttackerRow[];
  addresses: AttackerAddress[];
  /** Accounts the attacker signed in to successfully, per the timeline. */
  signedIn: string[];
  /** Accounts with attacker sign-in attempts (success or not), per the timeline. */
  targeted: string[];
  moments: Moment[];
  chart: ChartData;
  range: { first: number; last: number; attackerFirst: number; attackerLast: number; events: number };
  /** Problems reading the case folder itself (a truncated line, an unreadable CSV). */
  readProblems: string[];
}

export const FINDING_IDS_CAP = 5000;
