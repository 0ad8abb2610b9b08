/**
 * Pivots (docs/architecture.md): from what is already attacker activity, what else the attacker used.
 * Each pivot is a finding with its reason and strength; only strong ones are followed, and only
 * with --expand. Weak links (same country, same provider, a common user agent) never mark anything.
 */
import { bigint, boolean, EVENTS, MARKS, pick, varchar, varcharList } from "../model/columns.js";
import type { CaseStore } from "../store/case-store.js";
import { eventField } from "../store/sql.js";
import type { Finding } from "./findings.js";
import type { HuntConfig } from "./findings.js";
import { ATTACKER_IDS, LIVE_EVENTS } from "./views.js";

const E = EVENTS.col;
const MK = MARKS.col;
/** Marked events, by how they were marked. */
const markedVia = (vias: string): string => `(SELECT ${MK.id} FROM ${MARKS.name} WHERE ${MK.via} IN (${vias}))`;

export interface PivotConfig {
  /** A source that failed against at least this many accounts is a sprayer (a user mistyping fails on one). */
  sprayMinAccounts: number;
  /** A sprayer joins an attacker's campaign when it targeted at least this many of the same accounts... */
  campaignMinSharedAccounts: number;
  /** ...within this many minutes of that attacker sprayer's activity. */
  campaignWindowMinutes: number;
  /** A new address of a compromised account reading at least this many bodies is the attacker's. */
  bulkReadMinBodies: number;
  /** A user agent seen for at most this many accounts outside attacker activity is distinctive. */
  distinctiveUserAgentMaxAccounts: number;
}

export const DEFAULT_PIVOT_CONFIG: PivotConfig = {
  sprayMinAccounts: 2,
  campaignMinSharedAccounts: 1,
  campaignWindowMinutes: 60,
  bulkReadMinBodies: 20,
  distinctiveUserAgentMaxAccounts: 1,
};

/** The `pivots` section of rules/hunts.yaml (snake_case keys), defaults where absent. */
export function pivotConfig(config: HuntConfig): PivotConfig {
  const section = config["pivots"] ?? {};
  const number = (key: string, fallback: number): number => (typeof section[key] === "number" ? (section[key] as number) : fallback);
  return {
    sprayMinAccounts: number("spray_min_accounts", DEFAULT_PIVOT_CONFIG.sprayMinAccounts),
    campaignMinSharedAccounts: number("campaign_min_shared_accounts", DEFAULT_PIVOT_CONFIG.campaignMinSharedAccounts),
    campaignWindowMinutes: number("campaign_window_minutes", DEFAULT_PIVOT_CONFIG.campaignWindowMinutes),
    bulkReadMinBodies: number("bulk_read_min_bodies", DEFAULT_PIVOT_CONFIG.bulkReadMinBodies),
    distinctiveUserAgentMaxAccounts: number("distinctive_user_agent_max_accounts", DEFAULT_PIVOT_CONFIG.distinctiveUserAgentMaxAccounts),
  };
}

export interface Pivot {
  ip?: string;
  userAgent?: string;
  strength: "strong" | "weak";
  reason: string;
  rule: string;
  eventIds: string[];
  accounts: string[];
}

const COMPROMISED = { account: varchar().notNull, first: bigint().notNull, eventId: varchar().notNull, ip: varchar() };
const ADDRESS = pick(EVENTS, "clientIp");
const SESSION_ADDRESS = { ...ADDRESS, ids: varcharList().notNull, accounts: varcharList(), session: varchar() };
const SPRAYER = { ...ADDRESS, targets: varcharList().notNull, first: bigint().notNull, last: bigint().notNull, ids: varcharList().notNull };
const SUCCESS = { ...ADDRESS, account: varchar(), id: varchar() };
const NEW_ADDRESS = { ...ADDRESS, ids: varcharList().notNull, bodies: bigint(), wholeMailbox: boolean() };
const USER_AGENT = { ua: varchar(), accounts: bigint().notNull, ids: varcharList().notNull };

/** Accounts the attacker authenticated as: a successful sign-in or any action in attacker activity. */
export async function compromisedAccounts(store: CaseStore): Promise<Map<string, { first: number; eventId: string; ip: string | null }>> {
  const rows = await store.rows(
    COMPROMISED,
    `
    SELECT lower(${E.userName}) AS account, min(${E.ts}) AS first, arg_min(${E.id}, (${E.ts}, ${E.id})) AS event_id, arg_min(${E.clientIp}, (${E.ts}, ${E.id})) AS ip
    FROM ${LIVE_EVENTS} e
    WHERE ${E.id} IN ${ATTACKER_IDS} AND ${E.userName} IS NOT NULL
      AND coalesce(${E.result}, 'success') = 'success'
      AND (${E.kind} = 'auth' OR ${E.kind} IN ('mail.read', 'mail.change', 'mail.send', 'mailbox.config', 'search'))
    GROUP BY ALL ORDER BY account`,
  );
  const accounts = new Map<string, { first: number; eventId: string; ip: string | null }>();
  for (const row of rows) accounts.set(row.account, { first: row.first, eventId: row.eventId, ip: row.ip });
  return accounts;
}

async function attackerIps(store: CaseStore): Promise<Set<string>> {
  const rows = await store.rows(
    ADDRESS,
    `SELECT DISTINCT ${E.clientIp} FROM ${LIVE_EVENTS} WHERE ${E.id} IN ${ATTACKER_IDS} AND ${E.clientIp} IS NOT NULL AND ${E.id} IN ${markedVia("'ioc', 'pivot'")}`,
  );
  return new Set(rows.map((row) => String(row.clientIp)));
}

/** Addresses seen inside attacker sessions (or with an attacker token) that are not yet attacker addresses. */
async function sharedSessionPivots(store: CaseStore, known: Set<string>): Promise<Pivot[]> {
  const rows = await store.rows(
    SESSION_ADDRESS,
    `
    SELECT ${E.clientIp}, list(${E.id} ORDER BY ${E.ts}, ${E.id}) AS ids, list(DISTINCT lower(${E.userName})) FILTER (WHERE ${E.userName} IS NOT NULL) AS accounts,
           min(${E.sessionId}) AS session
    FROM ${LIVE_EVENTS} e
    WHERE ${E.id} IN (SELECT ${MK.id} FROM ${MARKS.name} WHERE ${MK.via} = 'session') AND ${E.clientIp} IS NOT NULL
    GROUP BY ${E.clientIp} ORDER BY ${E.clientIp}`,
  );
  return rows
    .filter((row) => !known.has(String(row.clientIp)))
    .map((row) => ({
      ip: String(row.clientIp),
      strength: "strong" as const,
      rule: "pivot-shared-session",
      reason: `used the attacker's session/token ${String(row.session)} (a replayed token is the attacker's wherever it is used)`,
      eventIds: row.ids.slice(0, 200),
      accounts: (row.accounts ?? []).sort(),
    }));
}

/** When the attack began: the first attacker event of the case. */
async function incidentStart(store: CaseStore): Promise<number> {
  const row = await store.one({ first: bigint() }, `SELECT min(${E.ts}) AS first FROM ${LIVE_EVENTS} WHERE ${E.id} IN ${ATTACKER_IDS}`);
  return row?.first ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Sources of failures against several accounts that are not known infrastructure (no successful
 * sign-in before the incident): the one that then signed in as a compromised account, and those
 * that sprayed accounts an attacker sprayer targeted, at the same time.
 */
async function sprayPivots(store: CaseStore, known: Set<string>, compromised: Set<string>, config: PivotConfig, start: number): Promise<Pivot[]> {
  const sprayers = await store.rows(
    SPRAYER,
    `
    SELECT ${E.clientIp}, list(DISTINCT lower(${E.userName})) AS targets, min(${E.ts}) AS first, max(${E.ts}) AS last, list(${E.id} ORDER BY ${E.ts}, ${E.id}) AS ids
    FROM ${LIVE_EVENTS}
    WHERE ${E.kind} = 'auth' AND ${E.result} = 'failure' AND ${E.clientIp} IS NOT NULL AND ${E.userName} IS NOT NULL
      AND ${E.clientIp} NOT IN (SELECT ${E.clientIp} FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'auth' AND ${E.result} = 'success' AND ${E.ts} < $1 AND ${E.clientIp} IS NOT NULL)
    GROUP BY ${E.clientIp}
    HAVING count(DISTINCT lower(${E.userName})) >= ${config.sprayMinAccounts}
    ORDER BY ${E.clientIp}`,
    [BigInt(start)],
  );
  const successes = await store.rows(
    SUCCESS,
    `
    SELECT ${E.clientIp}, lower(${E.userName}) AS account, arg_min(${E.id}, (${E.ts}, ${E.id})) AS id
    FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'auth' AND ${E.result} = 'success' AND ${E.clientIp} IS NOT NULL AND ${E.userName} IS NOT NULL
    GROUP BY ALL ORDER BY ALL`,
  );
  const pivots: Pivot[] = [];
  const windowMs = config.campaignWindowMinutes * 60_000;
  const attackerSprayers = sprayers.filter((row) => known.has(String(row.clientIp)));
  for (const row of sprayers) {
    const ip = String(row.clientIp);
    if (known.has(ip)) continue;
    const targets = new Set(row.targets);
    const won = successes.filter((success) => success.clientIp === ip && compromised.has(String(success.account)));
    if (won.length > 0) {
      pivots.push({
        ip,
        strength: "strong",
        rule: "pivot-spray-success",
        reason: `failed against ${targets.size} accounts, then signed in as compromised account ${won.map((success) => String(success.account)).join(", ")}`,
        eventIds: [...won.map((success) => String(success.id)), ...row.ids.slice(0, 200)],
        accounts: [...targets].sort(),
      });
      continue;
    }
    const partner = attackerSprayers.find((other) => {
      const shared = other.targets.filter((target) => targets.has(target)).length;
      const overlaps = row.first <= other.last + windowMs && row.last >= other.first - windowMs;
      return shared >= config.campaignMinSharedAccounts && overlaps;
    });
    if (partner) {
      pivots.push({
        ip,
        strength: "strong",
        rule: "pivot-spray-campaign",
        reason: `failed against ${targets.size} accounts (${[...targets].sort().join(", ")}) during the password spray of attacker address ${String(partner.clientIp)}, on accounts it also targeted`,
        eventIds: row.ids.slice(0, 200),
        accounts: [...targets].sort(),
      });
    }
  }
  return pivots;
}

/**
 * New addresses of a compromised account (never used by it before the incident): strong when
 * they bulk-read mail or download the whole mailbox, else only suggested (the owner may travel).
 */
async function newInfrastructurePivots(store: CaseStore, known: Set<string>, compromised: Map<string, { first: number }>, config: PivotConfig, start: number): Promise<Pivot[]> {
  const pivots: Pivot[] = [];
  for (const [account, { first }] of compromised) {
    const since = Math.min(first, start);
    const bodyCount = `${eventField("counters.body_count")}::BIGINT`;
    const retrCount = `${eventField("counters.retr_count")}::BIGINT`;
    const mailboxMessages = `${eventField("counters.mailbox_messages")}::BIGINT`;
    const rows = await store.rows(
      NEW_ADDRESS,
      `
      WITH before AS (SELECT DISTINCT ${E.clientIp} FROM ${LIVE_EVENTS} WHERE lower(${E.userName}) = $1 AND ${E.ts} < $2 AND ${E.clientIp} IS NOT NULL AND ${E.kind} = 'auth' AND ${E.result} = 'success'),
      after AS (
        SELECT ${E.clientIp}, list(${E.id} ORDER BY ${E.ts}, ${E.id}) AS ids, list(DISTINCT ${E.sessionId}) FILTER (WHERE ${E.sessionId} IS NOT NULL) AS sessions
        FROM ${LIVE_EVENTS} WHERE lower(${E.userName}) = $1 AND ${E.ts} >= $2 AND ${E.kind} = 'auth' AND ${E.result} = 'success' AND ${E.clientIp} IS NOT NULL
        GROUP BY ${E.clientIp}
      ), counters AS (
        SELECT ${E.sessionId},
               coalesce(${bodyCount}, 0) + coalesce(${retrCount}, 0) AS bodies,
               coalesce(${retrCount} >= ${mailboxMessages}
                        AND ${mailboxMessages} > 0, false) AS whole
        FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'session.end' AND ${E.sessionId} IS NOT NULL
      )
      SELECT a.${E.clientIp}, a.ids, coalesce(sum(c.bodies), 0) AS bodies, coalesce(bool_or(c.whole), false) AS whole_mailbox
      FROM after a LEFT JOIN counters c ON list_contains(a.sessions, c.${E.sessionId})
      WHERE a.${E.clientIp} NOT IN (SELECT ${E.clientIp} FROM before)
      GROUP BY a.${E.clientIp}, a.ids ORDER BY a.${E.clientIp}`,
      [account, BigInt(since)],
    );
    for (const row of rows) {
      const ip = String(row.clientIp);
      if (known.has(ip)) continue;
      const bodies = row.bodies ?? 0;
      const wholeMailbox = row.wholeMailbox === true;
      const strong = bodies >= config.bulkReadMinBodies || wholeMailbox;
      pivots.push({
        ip,
        strength: strong ? "strong" : "weak",
        rule: "pivot-new-infrastructure",
        reason: strong
          ? `new address of compromised account ${account} since the incident began, downloading ${wholeMailbox ? "the whole mailbox" : `${bodies} messages`}`
          : `new address of compromised account ${account} since the incident began (could be the owner travelling: not followed)`,
        eventIds: row.ids.slice(0, 200),
        accounts: [account],
      });
    }
  }
  return pivots;
}

/** User agents of attacker activity that almost no one else uses: suggested, never followed. */
async function userAgentPivots(store: CaseStore, config: PivotConfig): Promise<Pivot[]> {
  // Count accounts per user agent first (no lists): only the few distinctive ones list their events.
  const ua = eventField("userAgent");
  const rows = await store.rows(
    USER_AGENT,
    `
    WITH attacker_ua AS (SELECT DISTINCT ${ua} AS ua FROM ${LIVE_EVENTS} WHERE ${E.id} IN ${ATTACKER_IDS} AND ${ua} IS NOT NULL),
    benign AS (SELECT ${E.id}, ${E.ts}, ${E.userName}, ${ua} AS ua FROM ${LIVE_EVENTS} WHERE ${E.id} NOT IN ${ATTACKER_IDS} AND ${ua} IN (SELECT ua FROM attacker_ua)),
    distinctive AS (SELECT ua, count(DISTINCT lower(${E.userName})) AS accounts FROM benign GROUP BY ua HAVING count(DISTINCT lower(${E.userName})) <= ${config.distinctiveUserAgentMaxAccounts})
    SELECT d.ua, d.accounts, list(b.${E.id} ORDER BY b.${E.ts}, b.${E.id})[1:200] AS ids
    FROM distinctive d JOIN benign b ON b.ua = d.ua GROUP BY d.ua, d.accounts ORDER BY d.ua`,
  );
  return rows.map((row) => ({
    userAgent: String(row.ua),
    strength: "weak" as const,
    rule: "pivot-user-agent",
    reason: `user agent ${JSON.stringify(row.ua)} of attacker activity also appears outside it (${row.accounts} account(s)): review these events`,
    eventIds: row.ids.slice(0, 200),
    accounts: [],
  }));
}

export async function findPivots(store: CaseStore, config: PivotConfig): Promise<Pivot[]> {
  const known = await attackerIps(store);
  const compromised = await compromisedAccounts(store);
  const start = await incidentStart(store);
  const pivots = [
    ...(await sharedSessionPivots(store, known)),
    ...(await sprayPivots(store, known, new Set(compromised.keys()), config, start)),
    ...(await newInfrastructurePivots(store, known, compromised, config, start)),
    ...(await userAgentPivots(store, config)),
  ];
  // One pivot per address: the strongest reason wins.
  const byKey = new Map<string, Pivot>();
  for (const pivot of pivots) {
    const key = pivot.ip ?? `ua:${pivot.userAgent ?? ""}`;
    const existing = byKey.get(key);
    if (!existing || (existing.strength === "weak" && pivot.strength === "strong")) byKey.set(key, pivot);
  }
  return [...byKey.values()];
}

export function pivotFinding(pivot: Pivot, expanded: boolean): Finding {
  const subject = pivot.ip ?? pivot.userAgent ?? "?";
  return {
    id: `${pivot.rule}:${subject}`,
    rule: pivot.rule,
    title: pivot.ip ? `Attacker infrastructure? ${pivot.ip}` : `Distinctive attacker user agent`,
    severity: pivot.strength === "strong" ? "high" : "low",
    technique: "T1078",
    techniqueName: "Valid Accounts",
    explanation: `${subject} ${pivot.reason}. ${
      pivot.strength === "strong"
        ? expanded
          ? "Strong link: followed (--expand), its activity is marked as the attacker's."
          : "Strong link: run with --expand to mark its activity as the attacker's, or add it to the IOC file."
        : "Weak link: suggested for review only, never marked automatically."
    }`,
    eventIds: pivot.eventIds,
    accounts: pivot.accounts,
    ips: pivot.ip ? [pivot.ip] : [],
    strength: pivot.strength,
  };
}
