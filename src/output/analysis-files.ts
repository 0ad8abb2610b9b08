/** findings.json, affected-employees.csv and exposed-messages.csv (docs/output-contract.md). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AffectedRow } from "../analysis/affected.js";
import type { Finding } from "../analysis/findings.js";
import { ACCESS_ORDER, EXPOSED_MESSAGE, EXPOSED_MESSAGES_SQL } from "../analysis/ledger.js";
import type { Address, AttachmentInfo, MessageBody } from "../model/messages.js";
import type { CaseStore } from "../store/case-store.js";
import { CsvWriter, DEFAULT_CSV, type CsvOptions } from "./writer.js";

export const AFFECTED_COLUMNS = [
  "employee_id",
  "display_name",
  "email",
  "department",
  "exposure",
  "account_compromised",
  "first_attacker_activity",
  "last_attacker_activity",
  "messages_exposed",
  "messages_as_correspondent",
  "attacker_ips",
  "reasons",
  "evidence",
] as const;

/** The contract's columns (docs/output-contract.md), then `uid` (added at the end: a message known only by its UID). */
export const EXPOSED_COLUMNS = [
  "mailbox",
  "folder",
  "message_id",
  "date",
  "from",
  "to",
  "cc",
  "subject",
  "attachments",
  "access",
  "first_access",
  "last_access",
  "attacker_ips",
  "evidence",
  "uid",
] as const;

const iso = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? "" : new Date(ms).toISOString());

export function writeFindings(outDir: string, findings: readonly Finding[]): void {
  writeFileSync(join(outDir, "findings.json"), `${JSON.stringify(findings, null, 2)}\n`);
}

export async function writeAffected(outDir: string, rows: readonly AffectedRow[], csvOptions: CsvOptions = DEFAULT_CSV): Promise<void> {
  const csv = new CsvWriter(join(outDir, "affected-employees.csv"), AFFECTED_COLUMNS, csvOptions);
  try {
    for (const row of rows) {
      await csv.write([
        row.employeeId,
        row.displayName,
        row.email,
        row.department,
        row.exposure,
        row.accountCompromised ? "yes" : "no",
        iso(row.firstAttackerActivity),
        iso(row.lastAttackerActivity),
        row.messagesExposed,
        row.messagesAsCorrespondent,
        row.attackerIps.join(";"),
        row.reasons.join("; "),
        row.evidence.join(";"),
      ]);
    }
  } finally {
    await csv.close();
  }
}

const addresses = (list: Address[] | undefined): string => (list ?? []).map((entry) => entry.address).join(";");

/** Attachment names, with their SHA-256 where the deep pass re-read the message. */
function attachmentsCell(deep: AttachmentInfo[] | null, message: MessageBody | undefined): string {
  const list = deep ?? message?.attachments;
  return (list ?? []).map((attachment) => `${attachment.filename ?? "(unnamed)"}${attachment.sha256 ? ` (sha256 ${attachment.sha256})` : ""}`).join(";");
}

/** Writes exposed-messages.csv; returns the number of rows. */
export async function writeExposedMessages(store: CaseStore, outDir: string, csvOptions: CsvOptions = DEFAULT_CSV): Promise<number> {
  const csv = new CsvWriter(join(outDir, "exposed-messages.csv"), EXPOSED_COLUMNS, csvOptions);
  let count = 0;
  try {
    for await (const rows of store.streamRows(EXPOSED_MESSAGE, EXPOSED_MESSAGES_SQL)) {
      for (const row of rows) {
        const message = row.message ?? undefined;
        const accesses = new Set(row.accesses);
        count += 1;
        await csv.write([
          row.mailbox ?? "",
          row.folder ?? "",
          row.messageId ?? "",
          iso(message?.date),
          addresses(message?.from),
          addresses(message?.to),
          addresses(message?.cc),
          message?.subject ?? "",
          attachmentsCell(row.deepAttachments, message),
          ACCESS_ORDER.filter((access) => accesses.has(access)).join(";"),
          iso(row.firstAccess),
          iso(row.lastAccess),
          (row.ips ?? []).join(";"),
          row.events.join(";"),
          row.uid === null ? "" : String(row.uid),
        ]);
      }
    }
  } finally {
    await csv.close();
  }
  return count;
}
