import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultHuntConfigPath, loadHuntConfig, mergeHuntConfig } from "../../../src/analysis/hunt-config.js";
import { passwordSpray } from "../../../src/analysis/hunts/password-spray.js";
import { MailtrailError } from "../../../src/model/errors.js";
import { at, failedSignIn, openFixture } from "./store-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "mailtrail-hunt-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MailtrailError);
    expect((error as MailtrailError).code).toBe("USAGE");
    return (error as Error).message;
  }
  throw new Error("expected a USAGE error");
}

describe("hunt config", () => {
  it("loads rules/hunts.yaml from the package root with its documented defaults", () => {
    expect(defaultHuntConfigPath()).toMatch(/rules[/\\]hunts\.yaml$/);
    const config = loadHuntConfig();
    expect(config["password-spray"]).toMatchObject({ enabled: true, gap_minutes: 120, min_accounts: 3, min_failures: 3, severity: "high", allow_ips: [] });
    expect(config["brute-force"]).toMatchObject({ min_failures: 10, gap_minutes: 60 });
    expect(config["impossible-travel"]).toMatchObject({ max_speed_kmh: 900, min_distance_km: 500 });
    expect(config["audit-gap"]).toMatchObject({ gap_hours: 24 });
    expect(config["inbox-rule"]?.["obscure_folders"]).toContain("Conversation History");
    expect(config["common"]?.["ignore_error_codes"]).toContain("50074");
  });

  it("merges an override key by key; lists replace the default list", () => {
    const path = file("ok.yaml", "password-spray:\n  min_accounts: 5\n  allow_ips: [10.0.0.0/8]\nlegacy-protocol:\n  enabled: false\n");
    const config = loadHuntConfig(path);
    expect(config["password-spray"]).toMatchObject({ min_accounts: 5, gap_minutes: 120, allow_ips: ["10.0.0.0/8"] });
    expect(config["legacy-protocol"]?.["enabled"]).toBe(false);
    expect(config["legacy-protocol"]?.["protocols"]).toEqual(["IMAP4", "POP3", "Authenticated SMTP", "Exchange ActiveSync", "Other clients"]);
    // The defaults themselves are untouched.
    expect(loadHuntConfig()["password-spray"]?.["min_accounts"]).toBe(3);
  });

  it("refuses unknown sections and keys, wrong types and severities, bad YAML and missing files, naming the place", () => {
    const base = loadHuntConfig();
    expect(usage(() => mergeHuntConfig(base, { "pasword-spray": { min_accounts: 2 } }, "x.yaml"))).toBe("x.yaml: unknown hunt section 'pasword-spray' (known: " + Object.keys(base).join(", ") + ")");
    expect(usage(() => mergeHuntConfig(base, { "password-spray": { min_account: 2 } }, "x.yaml"))).toMatch(/^x\.yaml: unknown setting 'password-spray\.min_account' \(known: enabled, gap_minutes, min_accounts/);
    expect(usage(() => mergeHuntConfig(base, { "password-spray": { min_accounts: "three" } }, "x.yaml"))).toBe("x.yaml: 'password-spray.min_accounts' must be a number >= 0 (got \"three\")");
    expect(usage(() => mergeHuntConfig(base, { "password-spray": { enabled: "yes" } }, "x.yaml"))).toBe("x.yaml: 'password-spray.enabled' must be true or false (got \"yes\")");
    expect(usage(() => mergeHuntConfig(base, { "password-spray": { severity: "severe" } }, "x.yaml"))).toBe("x.yaml: 'password-spray.severity' must be one of info, low, medium, high, critical (got \"severe\")");
    expect(usage(() => mergeHuntConfig(base, { "password-spray": { allow_ips: "10.0.0.1" } }, "x.yaml"))).toBe("x.yaml: 'password-spray.allow_ips' must be a list of strings (got string)");
    expect(usage(() => mergeHuntConfig(base, ["a"], "x.yaml"))).toBe("x.yaml: the hunt config must be a mapping of hunt sections");
    expect(usage(() => loadHuntConfig(file("bad.yaml", "password-spray: [unclosed\n")))).toMatch(/bad\.yaml is not valid YAML/);
    expect(usage(() => loadHuntConfig(join(dir, "missing.yaml")))).toMatch(/^cannot read hunt config .*missing\.yaml/);
  });

  it("a bad address in an allow list is a USAGE error when the hunt runs", async () => {
    const fx = await openFixture();
    try {
      await expect(fx.hunt(passwordSpray, { "password-spray": { allow_ips: ["10.0.0.300"] } })).rejects.toThrow('hunt config: password-spray.allow_ips: "10.0.0.300" is not an IP address or CIDR range');
    } finally {
      await fx.close();
    }
  });

  it("a disabled hunt finds nothing", async () => {
    const fx = await openFixture();
    try {
      for (const user of ["a@x.example", "b@x.example", "c@x.example"]) await fx.add(failedSignIn({ ts: at("01:00"), user, clientIp: "198.51.100.23" }));
      expect(await fx.hunt(passwordSpray)).toHaveLength(1);
      expect(await fx.hunt(passwordSpray, { "password-spray": { enabled: false } })).toEqual([]);
    } finally {
      await fx.close();
    }
  });
});
