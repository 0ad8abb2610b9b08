/**
 * Secrets given to `acquire` (passwords, client secrets, tokens) never reach an output, a log
 * line or an error message: every text leaving the acquirers goes through `redact`.
 */
import { MailtrailError, type ErrorCode } from "../model/errors.js";

const MARK = "[redacted]";

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret (and its base64 forms, as SASL PLAIN / XOAUTH2 carry it). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 4) return;
    this.secrets.add(secret);
    this.secrets.add(Buffer.from(secret).toString("base64"));
    this.secrets.add(encodeURIComponent(secret));
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MARK);
    // Bearer tokens and SASL responses we did not see (e.g. from a credential library).
    return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/g, `$1${MARK}`);
  }

  /** The message of any error, redacted, as a MailtrailError of the given code (cause dropped). */
  error(code: ErrorCode, prefix: string, error: unknown): MailtrailError {
    return new MailtrailError(code, this.redact(`${prefix}${describe(error)}`));
  }
}

/** A one-line description of an error: message, plus the server's answer or the socket code. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const extra = error as Error & { responseText?: unknown; code?: unknown; serverResponseCode?: unknown };
  const parts = [error.message];
  if (typeof extra.responseText === "string" && !error.message.includes(extra.responseText)) parts.push(`server said: ${extra.responseText}`);
  if (typeof extra.code === "string" && !error.message.includes(extra.code)) parts.push(`(${extra.code})`);
  return parts.join(" ");
}
