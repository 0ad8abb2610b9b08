import { describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/lib/template.js";

const render = (source: string, values: Record<string, string | number | true | undefined>) => compileTemplate(source).render(values);

describe("compileTemplate: rendering", () => {
  it("writes values, numbers as a template literal would, and fallbacks for missing ones", () => {
    expect(render("{a}: {n} item(s)", { a: "Move", n: 3 })).toBe("Move: 3 item(s)");
    expect(render("{a|Access}: {b|}.", { a: undefined, b: undefined })).toBe("Access: .");
    // The empty string is a value (only undefined and null are none), as for `??`.
    expect(render("{a|Access}", { a: "" })).toBe("");
  });

  it("gives undefined when a value outside brackets is missing", () => {
    expect(render("subject: {subject}", { subject: undefined })).toBeUndefined();
    expect(render("subject: {subject}", { subject: "Invoice" })).toBe("subject: Invoice");
  });

  it("keeps a bracketed part only when all its values are there, nested parts deciding for themselves", () => {
    const t = "{op}[ from {from}][ to {to}][: error {code}[ ({reason})]]";
    expect(render(t, { op: "Move", from: "Inbox", to: undefined, code: undefined, reason: "x" })).toBe("Move from Inbox");
    expect(render(t, { op: "Move", from: undefined, to: "Archive", code: 50126, reason: undefined })).toBe("Move to Archive: error 50126");
    expect(render(t, { op: "Move", from: undefined, to: undefined, code: 50126, reason: "bad password" })).toBe("Move: error 50126 (bad password)");
  });

  it("takes the first alternative whose values are all there; one without values always is", () => {
    const t = "[{app} sign-in|Sign-in] to {target|an application}";
    expect(render(t, { app: "IMAP4", target: undefined })).toBe("IMAP4 sign-in to an application");
    expect(render(t, { app: undefined, target: "Exchange Online" })).toBe("Sign-in to Exchange Online");
    expect(render("[{a}x|{b}y]!", { a: undefined, b: undefined })).toBe("!");
  });

  it("treats true as a switch that writes nothing, and null (from JSON) as none", () => {
    expect(render("Sync[{throttled}; throttled]", { throttled: true })).toBe("Sync; throttled");
    expect(render("Sync[{throttled}; throttled]", { throttled: undefined })).toBe("Sync");
    expect(compileTemplate("{a|?}[ {b}]").render({ a: null, b: null } as unknown as Record<string, undefined>)).toBe("?");
  });

  it("lists the placeholder names it uses", () => {
    expect([...compileTemplate("[{a} x|{b|y}] {c}").names].sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps | as text outside brackets and braces", () => {
    expect(render("a | b → {c}", { c: "d" })).toBe("a | b → d");
  });
});

describe("compileTemplate: faults are thrown when compiled", () => {
  for (const [source, fault] of [
    ["{a", "unclosed {"],
    ["a}", "stray }"],
    ["[{a}", "unclosed ["],
    ["a]", "stray ]"],
    ["{A}", "not a lower-case identifier"],
    ["{a b}", "not a lower-case identifier"],
    ["{}", "not a lower-case identifier"],
    ["{a|[x]}", "a fallback cannot hold"],
  ] as const) {
    it(`${source} → ${fault}`, () => {
      expect(() => compileTemplate(source)).toThrow(fault);
    });
  }
});
