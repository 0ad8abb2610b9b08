import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DETAIL, TIME, defaultWordingPath, loadWording } from "../../src/formats/wording.js";

const shipped = readFileSync(defaultWordingPath(), "utf8");

/** The shipped file changed by `edit`, written to a temporary file; returns its path. */
function variant(edit: (doc: { timestamps: Record<string, unknown>; details: Record<string, unknown> } & Record<string, unknown>) => void): string {
  const doc = parseYaml(shipped) as { timestamps: Record<string, unknown>; details: Record<string, unknown> };
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

describe("loadWording refuses a file that differs from what the code uses", () => {
  it("an unknown key", () => {
    const path = variant((doc) => {
      doc.timestamps["logn"] = "Login time";
    });
    expect(() => loadWording(path)).toThrow("timestamps: unknown key logn");
  });

  it("a missing key", () => {
    const path = variant((doc) => {
      delete doc.details["audit_send"];
    });
    expect(() => loadWording(path)).toThrow("details: missing key audit_send");
  });

  it("a template without one of its placeholders, or with one more", () => {
    const missing = variant((doc) => {
      doc.details["audit_send"] = "{operation}[ as {sentAs}]";
    });
    expect(() => loadWording(missing)).toThrow("details.audit_send: placeholder {subject} is missing");
    const unknown = variant((doc) => {
      doc.details["mailbox_search"] = "Mailbox search[: {query}] in {folder}";
    });
    expect(() => loadWording(unknown)).toThrow("details.mailbox_search: placeholder {folder} is unknown");
  });

  it("a template that does not compile, an empty description, a file that is not a mapping", () => {
    const broken = variant((doc) => {
      doc.details["mailbox_search"] = "Mailbox search[: {query}";
    });
    expect(() => loadWording(broken)).toThrow("details.mailbox_search: unclosed [");
    const empty = variant((doc) => {
      doc.timestamps["login"] = " ";
    });
    expect(() => loadWording(empty)).toThrow("timestamps.login: not a non-empty string");
    const path = join(mkdtempSync(join(tmpdir(), "mailtrail-wording-")), "wording.yaml");
    writeFileSync(path, "- a list\n");
    expect(() => loadWording(path)).toThrow("not a YAML mapping");
  });

  it("lists every fault at once", () => {
    const path = variant((doc) => {
      delete doc.timestamps["login"];
      doc.details["audit_other"] = "{operation}";
    });
    expect(() => loadWording(path)).toThrow(/missing key login.*audit_other: placeholder \{workload\} is missing/);
  });
});
