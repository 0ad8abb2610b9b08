import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DETAIL, TIME, defaultWordingPath, loadWording } from "../../src/formats/wording.js";

const shipped = readFileSync(defaultWordingPath(), "utf8");

/** The shipped file changed by `edit`, written to a temporary file; returns its path. */
function variant(edit: (doc: Doc) => void): string {
  const doc = parseYaml(shipped) as Doc;
  edit(doc);
  const path = join(mkdtempSync(join(tmpdir(), "mailtrail-wording-")), "wording.yaml");
  writeFileSync(path, stringifyYaml(doc));
  return path;
}

describe("rules/wording.yaml as shipped", () => {
  it("loads, with every timestamp description a non-empty string", () => {
    const wording = loadWording(defaultWordingPath());
    expect(Object.keys(wording.time).length).toBeGreaterThan(10);
    for (const text of Object.values(wording.time)) expect(text.trim()).not.toBe("");
    expect(TIME.login).toBe("Login time");
    expect(TIME.audit_creation_date).toBe("CreationDate (export column, no CreationTime)");
  });

  it("renders the detail lines events have always carried", () => {
    const read = { folders: "Inbox, Sent", accessType: "Bind", count: 2, owner: undefined, logonType: undefined, throttled: undefined };
    expect(DETAIL.mail_items_accessed({ ...read, sync: undefined })).toBe("Bind: 2 item(s) in Inbox, Sent");
    expect(DETAIL.mail_items_accessed({ ...read, sync: true, folders: undefined, owner: "ceo@x", logonType: "Delegate", throttled: true })).toBe(
      "Sync of an unnamed folder of ceo@x (Delegate); throttled: MailItemsAccessed auditing stops for 24 h",
    );
    expect(DETAIL.sign_in({ clientApp: undefined, target: undefined, app: undefined, place: "Oslo, NO", errorCode: 50126, failureReason: undefined })).toBe(
      "Sign-in to an application from Oslo, NO: error 50126",
    );
    expect(DETAIL.permission({ operation: "Add-MailboxPermission", grantee: undefined, rights: undefined, target: "ceo@x" })).toBe("Add-MailboxPermission: ?  on ceo@x");
    expect(DETAIL.mail_log_subject({ subject: undefined })).toBeUndefined();
  });
});

type Doc = { timestamps: Record<string, unknown>; details: Record<string, unknown> };

describe("loadWording refuses a file that differs from what the code uses", () => {
  const cases: [string, (doc: Doc) => void, string | RegExp][] = [
    ["an unknown key", (doc) => void (doc.timestamps["logn"] = "Login time"), "timestamps: unknown key logn"],
    ["a missing key", (doc) => void delete doc.details["audit_send"], "details: missing key audit_send"],
    ["a template without one of its placeholders", (doc) => void (doc.details["audit_send"] = "{operation}[ as {sentAs}]"), "details.audit_send: placeholder {subject} is missing"],
    ["a template with a placeholder more", (doc) => void (doc.details["mailbox_search"] = "Mailbox search[: {query}] in {folder}"), "details.mailbox_search: placeholder {folder} is unknown"],
    ["a template that does not compile", (doc) => void (doc.details["mailbox_search"] = "Mailbox search[: {query}"), "details.mailbox_search: unclosed ["],
    ["an empty description", (doc) => void (doc.timestamps["login"] = " "), "timestamps.login: not a non-empty string"],
    [
      "several faults, all listed",
      (doc) => {
        delete doc.timestamps["login"];
        doc.details["audit_other"] = "{operation}";
      },
      /missing key login.*audit_other: placeholder \{workload\} is missing/,
    ],
  ];
  for (const [what, edit, fault] of cases) {
    it(what, () => {
      expect(() => loadWording(variant(edit))).toThrow(fault);
    });
  }

  it("a file that is not a mapping", () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailtrail-wording-")), "wording.yaml");
    writeFileSync(path, "- a list\n");
    expect(() => loadWording(path)).toThrow("not a YAML mapping");
  });
});
