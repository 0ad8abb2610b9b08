import { describe, expect, it } from "vitest";
import { neutralizeCell, unneutralizeCell } from "../../src/output/csv-safe.js";

/** How a spreadsheet whose list separator is `sep` cuts one cell's text (quotes are no protection there). */
function fields(cell: string, sep: RegExp): string[] {
  return cell.split(sep);
}

/** Would a spreadsheet start a formula in this field? (First character, or first after spaces and quotes.) */
function startsFormula(field: string): boolean {
  return /^[=@\t\r]/.test(field) || /^[ "]*[=+\-@]/.test(field);
}

const ISSUE_PAYLOADS = ["x; =cmd|' /C calc'!A0", "a;@SUM(1)", "a,=1+1", "a\t+cmd|' /C calc'!A0", "a\n=HYPERLINK(\"http://x\")", 'a; "=1+1"', "a;;-2+3+cmd|' /C calc'!A0"];

describe("CSV formula guard", () => {
  it("neutralises formulas at the start of a cell, as before", () => {
    for (const cell of ["=1+1", "+1+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\tx", "\rx", " =1+1", "-2+3"]) {
      expect(neutralizeCell(cell)).toBe(`'${cell}`);
    }
  });

  it("neutralises formulas behind a separator (the issue's payloads)", () => {
    expect(neutralizeCell("x; =cmd|' /C calc'!A0")).toBe("x; '=cmd|' /C calc'!A0");
    expect(neutralizeCell("a;@SUM(1)")).toBe("a;'@SUM(1)");
    expect(neutralizeCell('a; "=1+1"')).toBe(`a; "'=1+1"`);
    for (const payload of ISSUE_PAYLOADS) {
      const safe = neutralizeCell(payload);
      expect(safe).not.toBe(payload);
      for (const sep of [/;/, /,/, /\t/, /\r\n|\r|\n/]) {
        for (const field of fields(safe, sep).slice(1)) expect(startsFormula(field), `${JSON.stringify(payload)} split at ${sep}: ${JSON.stringify(field)}`).toBe(false);
      }
    }
  });

  it("leaves values that cannot be formulas unchanged", () => {
    for (const cell of ["-5", "+3", "-1.5e3", "-0.25", "+kl5gyAB/AAAB", "-AbC_d.e=", "2026-11-26T14:00:22.000Z", "alice@agency.example", "a=b", "a; b", "x, y", "Re: numbers, 5% down", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", ""]) {
      expect(neutralizeCell(cell)).toBe(cell);
    }
  });

  it("treats a number after a separator as a possible formula (its field runs into the next cells)", () => {
    expect(neutralizeCell("x;-5")).toBe("x;'-5");
    expect(neutralizeCell("-5;-5")).toBe("'-5;'-5");
  });

  it("no field of a neutralised cell starts a formula, for any separator; undoing gives the value back", () => {
    // Seeded generator over the characters that matter.
    let state = 12345;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const alphabet = ["=", "+", "-", "@", ";", ",", "\t", "\r", "\n", " ", '"', "a", "1", "|", "(", "/"];
    for (let i = 0; i < 5000; i += 1) {
      let cell = "";
      const length = 1 + next(10);
      for (let j = 0; j < length; j += 1) cell += alphabet[next(alphabet.length)];
      const safe = neutralizeCell(cell);
      expect(unneutralizeCell(safe), JSON.stringify(cell)).toBe(cell);
      const exempt = /^[+-](?:(?=.*[A-Za-z])[A-Za-z0-9+/_.=-]*|\d+(\.\d*)?)$/.test(cell);
      if (!exempt) expect(startsFormula(safe), JSON.stringify(cell)).toBe(false);
      for (const sep of [/;/, /,/, /\t/, /\r\n|\r|\n/]) {
        for (const field of fields(safe, sep).slice(1)) expect(startsFormula(field), `${JSON.stringify(cell)} → ${JSON.stringify(safe)}`).toBe(false);
      }
    }
  });
});
