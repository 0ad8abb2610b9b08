/**
 * Affected people (docs/output-contract.md, affected-employees.csv): each person's (and shared mailbox's)
 * strongest exposure, with the reasons in words and the events behind them.
 */
import { bigint, EVENTS, EXPOSURE_GAPS, EXPOSURES, jsonText, MESSAGES, pick, SESSION_IPS, varchar, varcharList, varcharListWithNulls } from "../model/columns.js";
import type { MessageBody } from "../model/messages.js";
import type { CaseStore } from "../store/case-store.js";
import { eventField } from "../store/sql.js";
import { normalizeIdentity, type Directory } from "./directory.js";
import { READ_ACCESS } from "./ledger.js";
import { compromisedAccounts } from "./pivots.js";
import { ATTACKER_IDS, LIVE_EVENTS } from "./views.js";

const E = EVENTS.col;
const X = EXPOSURES.col;
const G = EXPOSURE_GAPS.col;
const M = MESSAGES.col;

/** Reads and touches of one mailbox by one access type. */
const MAILBOX_EXPOSURE = {
  mailbox: varchar().notNull,
  access: varchar().notNull,
  messages: bigint().notNull,
  keys: varcharListWithNulls().notNull,
  first: bigint().notNull,
  last: bigint().notNull,
  ips: varcharList(),
  events: varcharList().notNull,
  firstIp: varchar(),
};

/** When and from where the attacker acted as an account or in a mailbox. */
const ACTIVITY = { subject: varchar().notNull, first: bigint().notNull, last: bigint().notNull, ips: varcharList() };

const ATTEMPTS = { account: varchar().notNull, n: bigint().notNull, first: bigint().notNull, last: bigint().notNull, ips: varcharList(), ids: varcharList().notNull };

const GRANT = { ...pick(EVENTS, "id", "ts"), mailbox: varchar(), grantee: varchar().notNull, rights: varchar() };

const GAP = pick(EXPOSURE_GAPS, "mailbox", "gap", "eventId");

const CORRESPONDENCE = { mailbox: varchar(), messageId: varchar().notNull, data: jsonText<MessageBody>().notNull };

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
  const messageKey = `coalesce(${X.messageId}, ${X.folder} || ' UID ' || ${X.uid})`;
  const exposureRows = await store.rows(
    MAILBOX_EXPOSURE,
    `
    SELECT ${X.mailbox}, ${X.access}, count(DISTINCT ${messageKey}) AS messages,
           list_sort(list(DISTINCT ${messageKey})) AS keys, min(${X.ts}) AS first, max(${X.ts}) AS last,
           list(DISTINCT ${X.ip}) FILTER (WHERE ${X.ip} IS NOT NULL) AS ips, list(DISTINCT ${X.eventId} ORDER BY ${X.eventId}) AS events,
           arg_min(${X.ip}, (${X.ts}, ${X.ip})) AS first_ip
    FROM ${EXPOSURES.name} WHERE ${X.mailbox} IS NOT NULL GROUP BY ALL ORDER BY ${X.mailbox}, ${X.access}`,
  );
  for (const row of exposureRows) {
    const subject = subjectFor(row.mailbox);
    const access = row.access;
    // An item named by neither Message-ID nor folder and UID has a NULL key: it still counts as one message.
    for (const key of row.keys) (READ_ACCESS.has(access) ? subject.read : subject.touched).add(key as string);
    for (const ip of row.ips ?? []) subject.ips.add(ip);
    for (const eventId of row.events) seen(subject, row.first, null, eventId);
    seen(subject, row.last, null, row.events[0] ?? "");
    const verb = READ_ACCESS.has(access) ? "read" : "touched";
    subject.reasons.push(`attacker ${verb} ${row.messages} message(s) in this mailbox by ${access} (first ${iso(row.first)} from ${row.firstIp ?? "an unknown address"})`);
  }

  // Every attacker event as the account or in the mailbox: when, and from where.
  const activity = await store.rows(
    ACTIVITY,
    `
    SELECT lower(coalesce(e.${E.mailbox}, e.${E.userName})) AS subject, min(e.${E.ts}) AS first, max(e.${E.ts}) AS last,
           list_sort(list(DISTINCT coalesce(e.${E.clientIp}, si.${SESSION_IPS.col.ip})) FILTER (WHERE coalesce(e.${E.clientIp}, si.${SESSION_IPS.col.ip}) IS NOT NULL)) AS ips
    FROM ${LIVE_EVENTS} e LEFT JOIN ${SESSION_IPS.name} si ON si.${SESSION_IPS.col.sessionId} = e.${E.sessionId}
    WHERE e.${E.id} IN ${ATTACKER_IDS} AND coalesce(e.${E.mailbox}, e.${E.userName}) IS NOT NULL
    GROUP BY ALL ORDER BY subject`,
  );
  const activityBySubject = new Map(activity.map((row) => [row.subject, row]));

  // Accounts the attacker authenticated as.
  for (const [account, info] of await compromisedAccounts(store)) {
    const subject = subjectFor(account);
    subject.compromised = info;
    seen(subject, info.first, info.ip, info.eventId);
    subject.reasons.push(`attacker authenticated as this account (event ${info.eventId}, ${iso(info.first)}, from ${info.ip ?? "an unknown address"})`);
  }

  // Failed attempts.
  const attempts = await store.rows(
    ATTEMPTS,
    `
    SELECT lower(${E.userName}) AS account, count(*) AS n, min(${E.ts}) AS first, max(${E.ts}) AS last,
           list_sort(list(DISTINCT ${E.clientIp}) FILTER (WHERE ${E.clientIp} IS NOT NULL)) AS ips, list(${E.id} ORDER BY ${E.ts}, ${E.id}) AS ids
    FROM ${LIVE_EVENTS} WHERE ${E.id} IN ${ATTACKER_IDS} AND ${E.kind} = 'auth' AND ${E.result} = 'failure' AND ${E.userName} IS NOT NULL
    GROUP BY ALL ORDER BY account`,
  );
  for (const row of attempts) {
    const subject = subjectFor(row.account);
    subject.attempts += row.n;
    const ips = row.ips ?? [];
    for (const id of row.ids.slice(0, 10)) seen(subject, row.first, null, id);
    seen(subject, row.last, null, row.ids[0] ?? "");
    for (const ip of ips) subject.ips.add(ip);
    subject.reasons.push(`${row.n} failed attacker sign-in attempt(s) from ${ips.join(", ") || "an unknown address"} (${iso(row.first)} to ${iso(row.last)})`);
  }

  // Access held through a permission on a mailbox granted to a compromised account.
  const compromisedSet = new Set([...subjects.values()].filter((s) => s.compromised).flatMap((s) => [s.email, ...(directory.people.find((p) => `p:${p.key}` === s.key)?.identities ?? [])]));
  const grantee = eventField("grantee");
  const grants = await store.rows(
    GRANT,
    `
    SELECT ${E.id}, ${E.ts}, lower(coalesce(${E.mailbox}, ${eventField("target")})) AS mailbox, lower(${grantee}) AS grantee, ${eventField("rights")} AS rights
    FROM ${LIVE_EVENTS} WHERE ${E.kind} = 'mailbox.config' AND ${eventField("change")} = 'permission' AND ${grantee} IS NOT NULL ORDER BY ${E.ts}, ${E.id}`,
  );
  for (const row of grants) {
    const grantee = normalizeIdentity(row.grantee);
    if (!compromisedSet.has(grantee) || !row.mailbox) continue;
    const subject = subjectFor(row.mailbox);
    subject.grants.push(row.id);
    if (subject.evidence.length < MAX_EVIDENCE_IDS) subject.evidence.push(row.id);
    subject.reasons.push(`compromised account ${grantee} holds ${row.rights ?? "access"} on this mailbox (granted ${iso(row.ts)}, event ${row.id})`);
  }

  // What the logs could not resolve.
  const gaps = await store.rows(
    GAP,
    `SELECT ${G.mailbox}, ${G.gap}, ${G.eventId} FROM ${EXPOSURE_GAPS.name} WHERE ${G.mailbox} IS NOT NULL ORDER BY ${G.ts}, ${G.eventId}, ${G.gap}`,
  );
  for (const row of gaps) {
    const subject = subjectFor(String(row.mailbox));
    subject.gaps.push(String(row.gap));
    if (subject.evidence.length < MAX_EVIDENCE_IDS && !subject.evidence.includes(String(row.eventId))) subject.evidence.push(String(row.eventId));
  }

  // Correspondents: From/To/Cc on messages the attacker read in another mailbox.
  const correspondence = await store.rows(
    CORRESPONDENCE,
    `
    SELECT DISTINCT x.${X.mailbox}, coalesce(x.${X.messageId}, '') AS message_id, m.${M.data}
    FROM ${EXPOSURES.name} x JOIN ${MESSAGES.name} m ON m.${M.messageId} = x.${X.messageId}
    WHERE x.${X.access} IN ('bind', 'sync', 'imap-fetch', 'pop3', 'search-hit')
    ORDER BY x.${X.mailbox}, message_id`,
  );
  const counted = new Set<string>();
  for (const row of correspondence) {
    const key = `${String(row.mailbox)}|${row.messageId}`;
    if (counted.has(key)) continue;
    counted.add(key);
    const message = row.data;
    const owner = subjectKey(directory, String(row.mailbox));
    const addresses = new Set([...(message.from ?? []), ...(message.to ?? []), ...(message.cc ?? [])].map((address) => normalizeIdentity(address.address)));
    for (const address of addresses) {
      const person = directory.byIdentity.get(address);
      if (directory.people.length > 0 && !person) continue; // with a directory, correspondents are its people
      if (subjectKey(directory, address) === owner) continue;
      subjectFor(address).correspondentOf.add(row.messageId);
    }
  }

  for (const [identity, row] of activityBySubject) {
    const key = subjectKey(directory, identity);
    const subject = subjects.get(key);
    if (!subject) continue; // attacker activity in a mailbox with no exposure of its own adds nothing
    const { first, last } = row;
    if (subject.first === undefined || first < subject.first) subject.first = first;
    if (subject.last === undefined || last > subject.last) subject.last = last;
    for (const ip of row.ips ?? []) subject.ips.add(ip);
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
