/**
 * Affected people (docs/output-contract.md, affected-employees.csv): each person's (and shared mailbox's)
 * strongest exposure, with the reasons in words and the events behind them.
 */
import type { CaseStore } from "../store/case-store.js";
import { normalizeIdentity, type Directory } from "./directory.js";
import { READ_ACCESS } from "./ledger.js";
import { compromisedAccounts } from "./pivots.js";

const LIVE = "(SELECT * FROM events WHERE id NOT IN (SELECT id FROM duplicates))";
const ATTACKER = "(SELECT DISTINCT id FROM marks)";

export const EXPOSURE_LEVELS = ["confirmed", "likely", "attempted", "correspondent"] as const;
export type Exposure = (typeof EXPOSURE_LEVELS)[number];

/** Evidence cells list at most this many event ids (the timeline has them all). */
export const MAX_EVIDENCE_IDS = 50;

export interface AffectedRow {
  employeeId: string;
  displayName: string;
  email: string;
  department: string;
  exposure: Exposure;
  accountCompromised: boolean;
  firstAttackerActivity?: number;
  lastAttackerActivity?: number;
  messagesExposed: number;
  messagesAsCorrespondent: number;
  attackerIps: string[];
  reasons: string[];
  evidence: string[];
}

interface Subject {
  key: string;
  employeeId: string;
  displayName: string;
  email: string;
  department: string;
  inDirectory: boolean;
  read: Set<string>;
  touched: Set<string>;
  compromised?: { eventId: string; ip: string | null; first: number };
  attempts: number;
  grants: string[];
  gaps: string[];
  ips: Set<string>;
  first?: number;
  last?: number;
  evidence: string[];
  reasons: string[];
  correspondentOf: Set<string>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function computeAffected(store: CaseStore, directory: Directory): Promise<AffectedRow[]> {
  const subjects = new Map<string, Subject>();
  const subjectFor = (rawIdentity: string): Subject => {
    const identity = normalizeIdentity(rawIdentity);
    const person = directory.byIdentity.get(identity);
    const key = person ? `p:${person.key}` : `i:${identity}`;
    let subject = subjects.get(key);
    if (!subject) {
      subject = {
        key,
        employeeId: person?.employeeId ?? "",
        displayName: person?.displayName ?? "",
        email: person?.email ?? identity,
        department: person?.department ?? "",
        inDirectory: person !== undefined,
        read: new Set(),
        touched: new Set(),
        attempts: 0,
        grants: [],
        gaps: [],
        ips: new Set(),
        evidence: [],
        reasons: [],
        correspondentOf: new Set(),
      };
      subjects.set(key, subject);
    }
    return subject;
  };
  const seen = (subject: Subject, ts: number, ip: string | null | undefined, eventId: string): void => {
    if (subject.first === undefined || ts < subject.first) subject.first = ts;
    if (subject.last === undefined || ts > subject.last) subject.last = ts;
    if (ip) subject.ips.add(ip);
    if (subject.evidence.length < MAX_EVIDENCE_IDS && !subject.evidence.includes(eventId)) subject.evidence.push(eventId);
  };

  // Reads and touches per mailbox.
  const exposureRows = await store.all(`
    SELECT mailbox, access, count(DISTINCT coalesce(message_id, folder || ' UID ' || uid)) AS messages,
           list_sort(list(DISTINCT coalesce(message_id, folder || ' UID ' || uid))) AS keys, min(ts) AS first, max(ts) AS last,
           list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips, list(DISTINCT event_id ORDER BY event_id) AS events,
           arg_min(ip, (ts, ip)) AS first_ip
    FROM exposures WHERE mailbox IS NOT NULL GROUP BY ALL ORDER BY mailbox, access`);
  for (const row of exposureRows) {
    const subject = subjectFor(String(row["mailbox"]));
    const access = String(row["access"]);
    const keys = row["keys"] as string[];
    for (const key of keys) (READ_ACCESS.has(access) ? subject.read : subject.touched).add(key);
    for (const ip of (row["ips"] as string[] | null) ?? []) subject.ips.add(ip);
    for (const eventId of row["events"] as string[]) seen(subject, Number(row["first"]), null, eventId);
    seen(subject, Number(row["last"]), null, (row["events"] as string[])[0] ?? "");
    const verb = READ_ACCESS.has(access) ? "read" : "touched";
    subject.reasons.push(
      `attacker ${verb} ${Number(row["messages"])} message(s) in this mailbox by ${access} (first ${iso(Number(row["first"]))} from ${String(row["first_ip"] ?? "an unknown address")})`,
    );
  }

  // Every attacker event as the account or in the mailbox: when, and from where.
  const activity = await store.all(`
    SELECT lower(coalesce(e.mailbox, e.user_name)) AS subject, min(e.ts) AS first, max(e.ts) AS last,
           list_sort(list(DISTINCT coalesce(e.client_ip, si.ip)) FILTER (WHERE coalesce(e.client_ip, si.ip) IS NOT NULL)) AS ips
    FROM ${LIVE} e LEFT JOIN session_ips si ON si.session_id = e.session_id
    WHERE e.id IN ${ATTACKER} AND coalesce(e.mailbox, e.user_name) IS NOT NULL
    GROUP BY ALL ORDER BY subject`);
  const activityBySubject = new Map(activity.map((row) => [String(row["subject"]), row]));

  // Accounts the attacker authenticated as.
  for (const [account, info] of await compromisedAccounts(store)) {
    const subject = subjectFor(account);
    subject.compromised = info;
    seen(subject, info.first, info.ip, info.eventId);
    subject.reasons.push(`attacker authenticated as this account (event ${info.eventId}, ${iso(info.first)}, from ${info.ip ?? "an unknown address"})`);
  }

  // Failed attempts.
  const attempts = await store.all(`
    SELECT lower(user_name) AS account, count(*) AS n, min(ts) AS first, max(ts) AS last, list_sort(list(DISTINCT client_ip) FILTER (WHERE client_ip IS NOT NULL)) AS ips,
           list(id ORDER BY ts, id) AS ids
    FROM ${LIVE} WHERE id IN ${ATTACKER} AND kind = 'auth' AND result = 'failure' AND user_name IS NOT NULL
    GROUP BY ALL ORDER BY account`);
  for (const row of attempts) {
    const subject = subjectFor(String(row["account"]));
    subject.attempts += Number(row["n"]);
    const ips = (row["ips"] as string[] | null) ?? [];
    for (const id of (row["ids"] as string[]).slice(0, 10)) seen(subject, Number(row["first"]), null, id);
    seen(subject, Number(row["last"]), null, (row["ids"] as string[])[0] ?? "");
    for (const ip of ips) subject.ips.add(ip);
    subject.reasons.push(`${Number(row["n"])} failed attacker sign-in attempt(s) from ${ips.join(", ") || "an unknown address"} (${iso(Number(row["first"]))} to ${iso(Number(row["last"]))})`);
  }

  // Access held through a permission on a mailbox granted to a compromised account.
  const compromisedSet = new Set([...subjects.values()].filter((s) => s.compromised).flatMap((s) => [s.email, ...(directory.people.find((p) => `p:${p.key}` === s.key)?.identities ?? [])]));
  const grants = await store.all(`
    SELECT id, ts, lower(coalesce(mailbox, (data->>'target'))) AS mailbox, lower(data->>'grantee') AS grantee, (data->>'rights') AS rights
    FROM ${LIVE} WHERE kind = 'mailbox.config' AND (data->>'change') = 'permission' AND (data->>'grantee') IS NOT NULL ORDER BY ts, id`);
  for (const row of grants) {
    const grantee = normalizeIdentity(String(row["grantee"]));
    if (!compromisedSet.has(grantee) || !row["mailbox"]) continue;
    const subject = subjectFor(String(row["mailbox"]));
    subject.grants.push(String(row["id"]));
    if (subject.evidence.length < MAX_EVIDENCE_IDS) subject.evidence.push(String(row["id"]));
    subject.reasons.push(`compromised account ${grantee} holds ${String(row["rights"] ?? "access")} on this mailbox (granted ${iso(Number(row["ts"]))}, event ${String(row["id"])})`);
  }

  // What the logs could not resolve.
  for (const row of await store.all("SELECT mailbox, gap, event_id FROM exposure_gaps WHERE mailbox IS NOT NULL ORDER BY ts, event_id, gap")) {
    const subject = subjectFor(String(row["mailbox"]));
    subject.gaps.push(String(row["gap"]));
    if (subject.evidence.length < MAX_EVIDENCE_IDS && !subject.evidence.includes(String(row["event_id"]))) subject.evidence.push(String(row["event_id"]));
  }

  // Correspondents: From/To/Cc on messages the attacker read in another mailbox.
  const correspondence = await store.all(`
    SELECT DISTINCT x.mailbox, coalesce(x.message_id, '') AS message_id, m.data
    FROM exposures x JOIN messages m ON m.message_id = x.message_id
    WHERE x.access IN ('bind', 'sync', 'imap-fetch', 'pop3', 'search-hit')
    ORDER BY x.mailbox, message_id`);
  const counted = new Set<string>();
  for (const row of correspondence) {
    const key = `${String(row["mailbox"])}|${String(row["message_id"])}`;
    if (counted.has(key)) continue;
    counted.add(key);
    const message = JSON.parse(String(row["data"])) as { from?: { address: string }[]; to?: { address: string }[]; cc?: { address: string }[] };
    const owner = subjectKey(directory, String(row["mailbox"]));
    const addresses = new Set([...(message.from ?? []), ...(message.to ?? []), ...(message.cc ?? [])].map((address) => normalizeIdentity(address.address)));
    for (const address of addresses) {
      const person = directory.byIdentity.get(address);
      if (directory.people.length > 0 && !person) continue; // with a directory, correspondents are its people
      if (subjectKey(directory, address) === owner) continue;
      subjectFor(address).correspondentOf.add(String(row["message_id"]));
    }
  }

  for (const [identity, row] of activityBySubject) {
    const key = subjectKey(directory, identity);
    const subject = subjects.get(key);
    if (!subject) continue; // attacker activity in a mailbox with no exposure of its own adds nothing
    const first = Number(row["first"]);
    const last = Number(row["last"]);
    if (subject.first === undefined || first < subject.first) subject.first = first;
    if (subject.last === undefined || last > subject.last) subject.last = last;
    for (const ip of (row["ips"] as string[] | null) ?? []) subject.ips.add(ip);
  }

  const rows: AffectedRow[] = [];
  for (const subject of subjects.values()) {
    const exposure: Exposure | undefined =
      subject.read.size > 0
        ? "confirmed"
        : subject.compromised || subject.grants.length > 0 || subject.touched.size > 0 || subject.gaps.length > 0
          ? "likely"
          : subject.attempts > 0
            ? "attempted"
            : subject.correspondentOf.size > 0
              ? "correspondent"
              : undefined;
    if (!exposure) continue;
    const reasons = [...subject.reasons];
    if (subject.gaps.length > 0) reasons.push(`not resolvable from the logs: ${subject.gaps.join("; ")}`);
    if (subject.correspondentOf.size > 0) {
      const sample = [...subject.correspondentOf].slice(0, 3).join(", ");
      reasons.push(`From/To/Cc on ${subject.correspondentOf.size} message(s) the attacker read in other mailboxes (${sample}${subject.correspondentOf.size > 3 ? ", ..." : ""})`);
    }
    if (!subject.inDirectory && directory.people.length > 0) reasons.push("not in the directory: shown as the address the logs use");
    rows.push({
      employeeId: subject.employeeId,
      displayName: subject.displayName,
      email: subject.email,
      department: subject.department,
      exposure,
      accountCompromised: subject.compromised !== undefined,
      firstAttackerActivity: subject.first,
      lastAttackerActivity: subject.last,
      messagesExposed: subject.read.size,
      messagesAsCorrespondent: subject.correspondentOf.size,
      attackerIps: [...subject.ips].sort(),
      reasons,
      evidence: subject.evidence.filter((id) => id !== ""),
    });
  }
  const rank = (exposure: Exposure): number => EXPOSURE_LEVELS.indexOf(exposure);
  return rows.sort((a, b) => rank(a.exposure) - rank(b.exposure) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

function subjectKey(directory: Directory, identity: string): string {
  const normalized = normalizeIdentity(identity);
  const person = directory.byIdentity.get(normalized);
  return person ? `p:${person.key}` : `i:${normalized}`;
}
