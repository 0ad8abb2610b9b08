/** Spreadsheets run cells that start with these as formulas; attackers write subjects and rule names. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
