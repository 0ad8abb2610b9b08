/** Stable error codes: scripts may match on them. */
export type ErrorCode =
  | "USAGE"
  | "NO_EVIDENCE"
  | "UNKNOWN_FORMAT"
  | "UNREADABLE"
  | "ARCHIVE_LIMIT"
  | "BAD_IOC_FILE"
  | "BAD_DIRECTORY_FILE"
  | "NOT_A_CASE"
  | "STORE"
  | "VERIFY_MISMATCH"
  | "ACQUIRE"
  | "AUTH"
  | "INTERNAL";

/** The one error class of mailtrail; the CLI maps `code` to an exit status. */
export class MailtrailError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MailtrailError";
    this.code = code;
  }
}

/**
 * Errors the user can fix on the command line (exit 2): a bad option, an option file that cannot
 * be used (IOC file, directory), evidence that does not exist or holds nothing mailtrail reads.
 */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["USAGE", "BAD_IOC_FILE", "BAD_DIRECTORY_FILE", "NO_EVIDENCE"]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof MailtrailError && USAGE_CODES.has(error.code)) return 2;
  return 1;
}
