/**
 * Pivots (docs/architecture.md): from what is already attacker activity, what else the attacker used.
 * Each pivot is a finding with its reason and strength; only strong ones are followed, and only
 * with --expand. Weak links (same country, same provider, a common user agent) never mark anything.
 */
import type { CaseStore } from "../store/case-store.js";
import type { Finding } from "./findings.js";
import type { HuntConfig } from "./findings.js";

const LIVE = "(SELECT * FROM events WHERE id NOT IN (SELECT id FROM duplicates))";
const ATTACKER = "(SELECT DISTINCT id FROM marks)";

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

/** Accounts the attacker authenticated as: a successful sign-in or any action in attacker activity. */
export async function compromisedAccounts(store: CaseStore): Promise<Map<string, { first: number; eventId: string; ip: string | null }>> {
  const rows = await store.all(`
    SELECT lower(user_name) AS account, min(ts) AS first, arg_min(id, (ts, id)) AS event_id, arg_min(client_ip, (ts, id)) AS ip
    FROM ${LIVE} e
    WHERE id IN ${ATTACKER} AND user_name IS NOT NULL
      AND coalesce(result, 'success') = 'success'
      AND (kind = 'auth' OR kind IN ('mail.read', 'mail.change', 'mail.send', 'mailbox.config', 'search'))
    GROUP BY ALL ORDER BY account`);
  const accounts = new Map<string, { first: number; eventId: string; ip: string | null }>();
  for (const row of rows) accounts.set(String(row["account"]), { first: Number(row["first"]), eventId: String(row["event_id"]), ip: (row["ip"] as string | null) ?? null });
  return accounts;
}

async function attackerIps(store: CaseStore): Promise<Set<string>> {
  const rows = await store.all(`SELECT DISTINCT client_ip FROM ${LIVE} WHERE id IN ${ATTACKER} AND client_ip IS NOT NULL AND id IN (SELECT id FROM marks WHERE via IN ('ioc', 'pivot'))`);
  return new Set(rows.map((row) => String(row["client_ip"])));
}

/** Addresses seen inside attacker sessions (or with an attacker token) that are not yet attacker addresses. */
async function sharedSessionPivots(store: CaseStore, known: Set<string>): Promise<Pivot[]> {
  const rows = await store.all(`
    SELECT client_ip, list(id ORDER BY ts, id) AS ids, list(DISTINCT lower(user_name)) FILTER (WHERE user_name IS NOT NULL) AS accounts,
           min(session_id) AS session
    FROM ${LIVE} e
    WHERE id IN (SELECT id FROM marks WHERE via = 'session') AND client_ip IS NOT NULL
    GROUP BY client_ip ORDER BY client_ip`);
  return rows
    .filter((row) => !known.has(String(row["client_ip"])))
    .map((row) => ({
      ip: String(row["client_ip"]),
      strength: "strong" as const,
      rule: "pivot-shared-session",
      reason: `used the attacker's session/token ${String(row["session"])} (a replayed token is the attacker's wherever it is used)`,
      eventIds: (row["ids"] as string[]).slice(0, 200),
      accounts: ((row["accounts"] as string[] | null) ?? []).sort(),
    }));
}

/** When the attack began: the first attacker event of the case. */
async function incidentStart(store: CaseStore): Promise<number> {
  const rows = await store.all(`SELECT min(ts) AS first FROM ${LIVE} WHERE id IN ${ATTACKER}`);
  return Number(rows[0]?.["first"] ?? Number.MAX_SAFE_INTEGER);
}

/**
 * Sources of failures against several accounts that are not known infrastructure (no successful
 * sign-in before the incident): the one that then signed in as a compromised account, and those
 * that sprayed accounts an attacker sprayer targeted, at the same time.
 */
async function sprayPivots(store: CaseStore, known: Set<string>, compromised: Set<string>, config: PivotConfig, start: number): Promise<Pivot[]> {
  const sprayers = await store.all(
    `
    SELECT client_ip, list(DISTINCT lower(user_name)) AS targets, min(ts) AS first, max(ts) AS last, list(id ORDER BY ts, id) AS ids
    FROM ${LIVE}
    WHERE kind = 'auth' AND result = 'failure' AND client_ip IS NOT NULL AND user_name IS NOT NULL
      AND client_ip NOT IN (SELECT client_ip FROM ${LIVE} WHERE kind = 'auth' AND result = 'success' AND ts < $1 AND client_ip IS NOT NULL)
    GROUP BY client_ip
    HAVING count(DISTINCT lower(user_name)) >= ${config.sprayMinAccounts}
    ORDER BY client_ip`,
    [BigInt(start)],
  );
  const successes = await store.all(`
    SELECT client_ip, lower(user_name) AS account, arg_min(id, (ts, id)) AS id
    FROM ${LIVE} WHERE kind = 'auth' AND result = 'success' AND client_ip IS NOT NULL AND user_name IS NOT NULL
    GROUP BY ALL ORDER BY ALL`);
  const pivots: Pivot[] = [];
  const windowMs = config.campaignWindowMinutes * 60_000;
  const attackerSprayers = sprayers.filter((row) => known.has(String(row["client_ip"])));
  for (const row of sprayers) {
    const ip = String(row["client_ip"]);
    if (known.has(ip)) continue;
    const targets = new Set(row["targets"] as string[]);
    const won = successes.filter((success) => success["client_ip"] === ip && compromised.has(String(success["account"])));
    if (won.length > 0) {
      pivots.push({
        ip,
        strength: "strong",
        rule: "pivot-spray-success",
        reason: `failed against ${targets.size} accounts, then signed in as compromised account ${won.map((success) => String(success["account"])).join(", ")}`,
        eventIds: [...won.map((success) => String(success["id"])), ...(row["ids"] as string[]).slice(0, 200)],
        accounts: [...targets].sort(),
      });
      continue;
    }
    const partner = attackerSprayers.find((other) => {
      const shared = (other["targets"] as string[]).filter((target) => targets.has(target)).length;
      const overlaps = Number(row["first"]) <= Number(other["last"]) + windowMs && Number(row["last"]) >= Number(other["first"]) - windowMs;
      return shared >= config.campaignMinSharedAccounts && overlaps;
    });
    if (partner) {
      pivots.push({
        ip,
        strength: "strong",
        rule: "pivot-spray-campaign",
        reason: `failed against ${targets.size} accounts (${[...targets].sort().join(", ")}) during the password spray of attacker address ${String(partner["client_ip"])}, on accounts it also targeted`,
        eventIds: (row["ids"] as string[]).slice(0, 200),
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
    const rows = await store.all(
      `
      WITH before AS (SELECT DISTINCT client_ip FROM ${LIVE} WHERE lower(user_name) = $1 AND ts < $2 AND client_ip IS NOT NULL AND kind = 'auth' AND result = 'success'),
      after AS (
        SELECT client_ip, list(id ORDER BY ts, id) AS ids, list(DISTINCT session_id) FILTER (WHERE session_id IS NOT NULL) AS sessions
        FROM ${LIVE} WHERE lower(user_name) = $1 AND ts >= $2 AND kind = 'auth' AND result = 'success' AND client_ip IS NOT NULL
        GROUP BY client_ip
      ), counters AS (
        SELECT session_id,
               coalesce((data->'counters'->>'body_count')::BIGINT, 0) + coalesce((data->'counters'->>'retr_count')::BIGINT, 0) AS bodies,
               coalesce((data->'counters'->>'retr_count')::BIGINT >= (data->'counters'->>'mailbox_messages')::BIGINT
                        AND (data->'counters'->>'mailbox_messages')::BIGINT > 0, false) AS whole
        FROM ${LIVE} WHERE kind = 'session.end' AND session_id IS NOT NULL
      )
      SELECT a.client_ip, a.ids, coalesce(sum(c.bodies), 0) AS bodies, coalesce(bool_or(c.whole), false) AS whole_mailbox
      FROM after a LEFT JOIN counters c ON list_contains(a.sessions, c.session_id)
      WHERE a.client_ip NOT IN (SELECT client_ip FROM before)
      GROUP BY a.client_ip, a.ids ORDER BY a.client_ip`,
      [account, BigInt(since)],
    );
    for (const row of rows) {
      const ip = String(row["client_ip"]);
      if (known.has(ip)) continue;
      const bodies = Number(row["bodies"] ?? 0);
      const wholeMailbox = row["whole_mailbox"] === true;
      const strong = bodies >= config.bulkReadMinBodies || wholeMailbox;
      pivots.push({
        ip,
        strength: strong ? "strong" : "weak",
        rule: "pivot-new-infrastructure",
        reason: strong
          ? `new address of compromised account ${account} since the incident began, downloading ${wholeMailbox ? "the whole mailbox" : `${bodies} messages`}`
          : `new address of compromised account ${account} since the incident began (could be the owner travelling: not followed)`,
        eventIds: (row["ids"] as string[]).slice(0, 200),
        accounts: [account],
      });
    }
  }
  return pivots;
}

/** User agents of attacker activity that almost no one else uses: suggested, never followed. */
async function userAgentPivots(store: CaseStore, config: PivotConfig): Promise<Pivot[]> {
  // Count accounts per user agent first (no lists): only the few distinctive ones list their events.
  const rows = await store.all(`
    WITH attacker_ua AS (SELECT DISTINCT (data->>'userAgent') AS ua FROM ${LIVE} WHERE id IN ${ATTACKER} AND (data->>'userAgent') IS NOT NULL),
    benign AS (SELECT id, ts, user_name, (data->>'userAgent') AS ua FROM ${LIVE} WHERE id NOT IN ${ATTACKER} AND (data->>'userAgent') IN (SELECT ua FROM attacker_ua)),
    distinctive AS (SELECT ua, count(DISTINCT lower(user_name)) AS accounts FROM benign GROUP BY ua HAVING count(DISTINCT lower(user_name)) <= ${config.distinctiveUserAgentMaxAccounts})
    SELECT d.ua, d.accounts, list(b.id ORDER BY b.ts, b.id)[1:200] AS ids
    FROM distinctive d JOIN benign b ON b.ua = d.ua GROUP BY d.ua, d.accounts ORDER BY d.ua`);
  return rows.map((row) => ({
    userAgent: String(row["ua"]),
    strength: "weak" as const,
    rule: "pivot-user-agent",
    reason: `user agent ${JSON.stringify(row["ua"])} of attacker activity also appears outside it (${Number(row["accounts"])} account(s)): review these events`,
    eventIds: (row["ids"] as string[]).slice(0, 200),
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
