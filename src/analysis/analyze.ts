/**
 * The analysis passes over the store, in order (docs/architecture.md): IOC marks, session and token
 * propagation, pivots (followed with --expand), hunts, the exposure ledger and affected people.
 * Events are never changed: marks, findings and ledgers are tables beside them.
 */
import { bigint, EVENTS, EXPOSURE_GAPS, MARKS, varchar, varcharList, varcharListWithNulls } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";
import { computeAffected, type AffectedRow } from "./affected.js";
import type { Directory } from "./directory.js";
import type { Finding, HuntConfig } from "./findings.js";
import { describeIndicator, matchIp, type Iocs } from "./ioc.js";
import { buildLedger } from "./ledger.js";
import { deepParseExposed, type DeepResult } from "./deep-exposed.js";
import { markAddresses, markIocs, propagateSessions } from "./mark-ioc.js";
import { compromisedAccounts, findPivots, pivotConfig, pivotFinding, type Pivot } from "./pivots.js";

const E = EVENTS.col;
const G = EXPOSURE_GAPS.col;

/** Events from an IOC address, per address. */
const IOC_ADDRESS = { ip: varchar().notNull, n: bigint().notNull, first: bigint().notNull, last: bigint().notNull, ids: varcharList().notNull, accounts: varcharList() };

/** Unresolvable attacker access, per mailbox. */
const MAILBOX_GAPS = { mailbox: varchar().notNull, gaps: varcharListWithNulls().notNull, ids: varcharList().notNull, first: bigint().notNull };

export interface AnalysisOptions {
  iocs: Iocs;
  directory: Directory;
  expand: boolean;
  huntConfig: HuntConfig;
  /** The hunts that need no IOC (injected so that analysis runs without them in unit tests). */
  runHunts?: (store: CaseStore, config: HuntConfig) => Promise<Finding[]>;
}

export interface AnalysisResult {
  findings: Finding[];
  affected: AffectedRow[];
  /** Pivots followed with --expand, in the order they were followed. */
  followed: Pivot[];
  /** The deep pass over exposed messages (attachment hashes). */
  deep: DeepResult;
}

/** Most rounds of --expand (each round follows every strong pivot found). */
const MAX_EXPAND_ROUNDS = 10;

async function propagateAll(store: CaseStore): Promise<void> {
  // Sessions and tokens chain (a token used in a session that used another token...).
  for (let round = 0; round < MAX_EXPAND_ROUNDS; round += 1) if ((await propagateSessions(store)) === 0) return;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString());

async function iocFindings(store: CaseStore, iocs: Iocs): Promise<Finding[]> {
  const rows = await store.rows(
    IOC_ADDRESS,
    `
    SELECT e.${E.clientIp} AS ip, count(*) AS n, min(e.${E.ts}) AS first, max(e.${E.ts}) AS last,
           list(e.${E.id} ORDER BY e.${E.ts}, e.${E.id}) AS ids, list(DISTINCT lower(e.${E.userName})) FILTER (WHERE e.${E.userName} IS NOT NULL) AS accounts
    FROM ${EVENTS.name} e WHERE e.${E.id} IN (SELECT ${MARKS.col.id} FROM ${MARKS.name} WHERE ${MARKS.col.via} = 'ioc') AND e.${E.clientIp} IS NOT NULL
    GROUP BY e.${E.clientIp} ORDER BY e.${E.clientIp}`,
  );
  return rows.map((row) => {
    const ip = row.ip;
    const indicator = matchIp(iocs, ip);
    const accounts = (row.accounts ?? []).sort();
    return {
      id: `ioc-match:${ip}`,
      rule: "ioc-match",
      title: `Activity from ${indicator ? describeIndicator(indicator) : ip}`,
      severity: "high",
      technique: "T1078",
      techniqueName: "Valid Accounts",
      explanation: `${row.n} event(s) came from ${ip}${indicator?.note ? ` (${indicator.note})` : ""}, against ${accounts.length} account(s): ${accounts.join(", ") || "none named"}. Their sessions are attacker activity too.`,
      eventIds: row.ids,
      accounts,
      ips: [ip],
      first: iso(row.first),
      last: iso(row.last),
    };
  });
}

async function compromiseFindings(store: CaseStore): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [account, info] of await compromisedAccounts(store)) {
    findings.push({
      id: `account-compromised:${account}`,
      rule: "account-compromised",
      title: `Account used by the attacker: ${account}`,
      severity: "critical",
      technique: "T1078",
      techniqueName: "Valid Accounts",
      explanation: `The attacker authenticated as ${account} (first at ${iso(info.first) ?? "?"} from ${info.ip ?? "an unknown address"}). Reset its password, revoke its sessions and tokens, and review its mailbox rules and permissions.`,
      eventIds: [info.eventId],
      accounts: [account],
      ips: info.ip ? [info.ip] : [],
      first: iso(info.first),
    });
  }
  return findings;
}

async function gapFindings(store: CaseStore): Promise<Finding[]> {
  const order = `${G.ts}, ${G.eventId}, ${G.gap}`;
  const rows = await store.rows(
    MAILBOX_GAPS,
    `SELECT ${G.mailbox}, list(${G.gap} ORDER BY ${order}) AS gaps, list(${G.eventId} ORDER BY ${order}) AS ids, min(${G.ts}) AS first
     FROM ${EXPOSURE_GAPS.name} WHERE ${G.mailbox} IS NOT NULL GROUP BY ${G.mailbox} ORDER BY ${G.mailbox}`,
  );
  return rows.map((row) => ({
    id: `exposure-unknown:${row.mailbox}`,
    rule: "exposure-unknown",
    title: `Items read but not identifiable: ${row.mailbox}`,
    severity: "medium",
    technique: "T1114.002",
    techniqueName: "Remote Email Collection",
    explanation: `The logs show attacker access to ${row.mailbox} that they cannot resolve to messages: ${row.gaps.join("; ")}. Treat these as exposed until shown otherwise.`,
    eventIds: row.ids,
    accounts: [row.mailbox],
    ips: [],
    first: iso(row.first),
  }));
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;

export async function analyze(store: CaseStore, options: AnalysisOptions): Promise<AnalysisResult> {
  await store.resetAnalysisMarks();
  await markIocs(store, options.iocs);
  await propagateAll(store);
  const config = pivotConfig(options.huntConfig);
  let pivots = await findPivots(store, config);
  const followed: Pivot[] = [];
  if (options.expand) {
    for (let round = 0; round < MAX_EXPAND_ROUNDS; round += 1) {
      const strong = pivots.filter((pivot) => pivot.strength === "strong" && pivot.ip !== undefined);
      if (strong.length === 0) break;
      followed.push(...strong);
      await markAddresses(store, strong.map((pivot) => ({ ip: pivot.ip as string, reason: `pivot: ${pivot.ip as string} ${pivot.reason}` })), "pivot");
      await propagateAll(store);
      pivots = await findPivots(store, config);
    }
  }
  await buildLedger(store);
  const deep = await deepParseExposed(store);
  const hunts = options.runHunts ? await options.runHunts(store, options.huntConfig) : [];
  const findings = [
    ...(await iocFindings(store, options.iocs)),
    ...(await compromiseFindings(store)),
    ...followed.map((pivot) => pivotFinding(pivot, true)),
    ...pivots.map((pivot) => pivotFinding(pivot, false)),
    ...(await gapFindings(store)),
    ...hunts,
  ];
  const unique = new Map(findings.map((finding) => [finding.id, finding]));
  const sorted = [...unique.values()].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.first ?? "").localeCompare(b.first ?? "") || a.id.localeCompare(b.id),
  );
  const affected = await computeAffected(store, options.directory);
  return { findings: sorted, affected, followed, deep };
}
