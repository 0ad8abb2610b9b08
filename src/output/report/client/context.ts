/** What every section of the page reads: the data, the row layout, the facts derived once, and the page's main element. */
import type { COL as ColLayout, ReportData, ReportFinding, Table } from "../data.js";
import { add, el } from "./dom.js";

export type Layout = typeof ColLayout;

/** The timeline's filters; the findings set `finding` and call `apply` to show a finding's events. */
export interface TimelineLink {
  filter: { account: string; ip: string; kind: string; source: string; text: string; finding: ReportFinding | null };
  /** Set by the timeline section once it is drawn. */
  apply: () => void;
}

export interface Report {
  data: ReportData;
  COL: Layout;
  root: HTMLElement;
  summary: Record<string, unknown>;
  /** A string of the data's string table; -1 is none. */
  str: (index: number) => string;
  /** What a reader calls a source (the formats registry's display name), else the format's own name. */
  sourceName: (format: string) => string;
  /** The CSV tables as records by column name (empty when the file is missing). */
  affected: Record<string, string>[];
  exposed: Record<string, string>[];
  /** Accounts the attacker got into: from the affected list, else from the attacker's successful sign-ins. */
  compromised: string[];
  exposedCount: number | null;
  attackerEvents: number;
  affectedCounts: Record<string, number> | null;
  timeline: TimelineLink;
}

/** The exposure levels, strongest first (docs/output-contract.md). */
export const LEVELS = ["confirmed", "likely", "attempted", "correspondent"];

const tableRows = (table: Table | null): Record<string, string>[] =>
  table ? table.rows.map((cells) => Object.fromEntries(table.columns.map((column, index) => [column, cells[index] ?? ""]))) : [];

export function createReport(data: ReportData, COL: Layout, sourceNames: Readonly<Record<string, string>>, root: HTMLElement): Report {
  const summary = data.summary ?? {};
  const affected = tableRows(data.affected);
  const exposed = tableRows(data.exposed);
  return {
    data,
    COL,
    root,
    summary,
    str: (index) => (index >= 0 ? (data.strings[index] ?? "") : ""),
    sourceName: (format) => sourceNames[format] ?? format,
    affected,
    exposed,
    compromised: data.affected ? affected.filter((row) => row["account_compromised"] === "yes").map((row) => row["email"] || row["display_name"] || "") : data.signedIn,
    exposedCount: typeof summary["exposed_messages"] === "number" ? (summary["exposed_messages"] as number) : data.exposed ? exposed.length : null,
    attackerEvents: typeof summary["attacker_events"] === "number" ? (summary["attacker_events"] as number) : data.attacker.length,
    affectedCounts: (summary["affected"] ?? null) as Record<string, number> | null,
    timeline: { filter: { account: "", ip: "", kind: "", source: "", text: "", finding: null }, apply: () => undefined },
  };
}

/** A new card at the end of the page. */
export function section(report: Report, id: string, title: string, intro?: string): HTMLElement {
  const node = el("section", "card");
  node.id = id;
  add(node, el("h2", undefined, title), intro ? el("p", "intro", intro) : null);
  report.root.appendChild(node);
  return node;
}

export const notComputed = (what: string): HTMLElement => el("p", "missing", `${what}: not computed for this case (the file is not in the case folder).`);
