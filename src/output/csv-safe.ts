/**
 * The CSV formula guard (docs/output-contract.md, "Formula neutralisation"). Attackers write
 * subjects, user agents and rule names; a spreadsheet that opens our CSV must never run them.
 *
 * Two places can start a formula:
 * 1. The start of the cell. A cell whose first character is `=`, `@`, a tab or a carriage
 *    return, or whose first non-space character is `=`, `+`, `-` or `@`, gets a leading `'`.
 *    Two kinds of cell that begin with `+`/`-` are left exactly as they are, because they cannot
 *    run anything: a plain number (`-5`, `+3`, `-1.5e3`), a lone `-` or `+`, and a sign followed only by letters,
 *    digits and `+ / _ . = -`, with at least one letter (an IMAP session id such as
 *    `+kl5gyAB/AAAB`; `-2+3` is arithmetic and is guarded): without `(`, `|`,
 *    `!`, `"`, `[`, `:` or `&` there is no function call, DDE command, string, range or
 *    reference outside the sheet. (Excel may show such an id as `#NAME?`; the value in the file is
 *    the evidence's, the same as in the JSONL outputs.)
 * 2. After a list separator inside the cell. A spreadsheet whose list separator is `;` (most of
 *    continental Europe) splits our comma-separated line at every `;`, ignoring our quotes (the
 *    quote that opened the cell is not at the start of its `;`-field), and starts a new row at
 *    every line break; tab-separated imports split at tabs. So after each `;`, `,`, tab, CR or LF
 *    inside a cell, skipping spaces and double quotes, a formula character `=`, `+`, `-` or `@`
 *    gets a `'` right before it: `x; =cmd|' /C calc'!A0` becomes `x; '=cmd|' /C calc'!A0`, whose
 *    `;`-field ` '=cmd…` is text in every spreadsheet (an apostrophe is never a formula start).
 *    No exception is made here, not even for numbers: the `;`-field runs on past the end of our
 *    cell into the next ones (`x;-5` then `,3+cmd|…`), so what follows a separator cannot be
 *    judged from the cell alone.
 * Quoting the cell would not help with 2: a `;`-separated reader never sees our quotes.
 */
const SEPARATOR = /[;,\t\r\n]/;
const FORMULA_CHAR = /[=+\-@]/;
/** After a separator: spaces and double quotes, then a formula character. */
const SEPARATOR_FORMULA = /([;,\t\r\n][ "]*)(?=[=+\-@])/g;
const CELL_START = /^(?:[=@\t\r]| *[=+\-@])/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INERT_TOKEN = /^[+-](?:(?=.*[A-Za-z])[A-Za-z0-9+/_.=-]*)?$/;

export function neutralizeCell(value: string): string {
  let out = value;
  if (SEPARATOR.test(out) && FORMULA_CHAR.test(out)) out = out.replace(SEPARATOR_FORMULA, "$1'");
  if (CELL_START.test(out) && !PLAIN_NUMBER.test(out) && !INERT_TOKEN.test(out)) out = `'${out}`;
  return out;
}

const NEUTRALISED_START = /^'(?=[=@\t\r]| *[=+\-@])/;
const NEUTRALISED_AFTER_SEPARATOR = /([;,\t\r\n][ "]*)'(?=[=+\-@])/g;

/**
 * The value as the evidence gave it, for display (the report): undoes `neutralizeCell`. A value
 * that itself held `'` in one of the guarded places loses that `'` (the CSV cannot tell the two apart).
 */
export function unneutralizeCell(cell: string): string {
  return cell.replace(NEUTRALISED_START, "").replace(NEUTRALISED_AFTER_SEPARATOR, "$1");
}
