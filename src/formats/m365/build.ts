/**
 * The one Unified Audit Log event whose stored key order differs from the general builders of
 * ../build.ts: mailbox configuration, where `mailbox` (often the rule's or permission's mailbox, not
 * the record's) and `detail` follow `extra`. That order reaches timeline.jsonl byte for byte, so it
 * stays until it is changed on purpose. Spelled out, never spread (see ../build.ts).
 */
import type { MailboxConfigEvent, ParsedEventOf } from "../../model/events.js";
import type { RecordContext } from "../build.js";

export function buildMailboxConfig(
  at: RecordContext,
  f: Pick<MailboxConfigEvent, "mailbox" | "detail" | "change" | "target" | "rule" | "grantee" | "rights" | "parameters">,
): ParsedEventOf<MailboxConfigEvent> {
  return {
    kind: "mailbox.config", ts: at.ts, tsDesc: at.tsDesc, action: at.action, result: at.result, user: at.user, clientIp: at.clientIp, clientPort: at.clientPort, userAgent: at.userAgent, sessionId: at.sessionId, keys: at.keys, extra: at.extra, ref: at.ref,
    mailbox: f.mailbox, detail: f.detail, change: f.change, target: f.target, rule: f.rule, grantee: f.grantee, rights: f.rights, parameters: f.parameters,
  };
}
