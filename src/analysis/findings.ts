/** Findings (findings.json, docs/output-contract.md): hunts, IOC hits and pivots, each with its evidence. */
import type { CaseStore } from "../store/case-store.js";

export type Severity = "info" | "low" | "medium" | "high" | "critical";

export interface Finding {
  /** Stable across runs: `<rule>:<key>` (e.g. `password-spray:198.51.100.23`). */
  id: string;
  /** The hunt or pass that produced it (`password-spray`, `ioc-match`, `pivot-shared-session` ...). */
  rule: string;
  title: string;
  severity: Severity;
  /** MITRE ATT&CK technique id and name (`T1110.003`, `Password Spraying`). */
  technique: string;
  techniqueName: string;
  /** In words, for people: what was seen, why it matters, what would make it benign. */
  explanation: string;
  /** The events behind it (ids as in the timeline), in time order. */
  eventIds: string[];
  /** Accounts, addresses and time span concerned, for filtering and the report. */
  accounts: string[];
  ips: string[];
  first?: string;
  last?: string;
  /** Pivots only: how strongly the link ties the new indicator to the attacker. */
  strength?: "strong" | "weak";
}

/** What a hunt gets: the store (events, messages, marks tables) and its thresholds. */
export interface HuntContext {
  store: CaseStore;
  config: HuntConfig;
}

/** Thresholds and word lists, from rules/hunts.yaml (overridable), never literals in code. */
export type HuntConfig = Record<string, Record<string, unknown>>;

export interface Hunt {
  /** Also the rule name of its findings and its section in rules/hunts.yaml. */
  id: string;
  title: string;
  technique: string;
  techniqueName: string;
  run(context: HuntContext): Promise<Finding[]>;
}
