/**
 * Hunt thresholds and word lists: rules/hunts.yaml with documented defaults, optionally overridden
 * key by key by a user file (`--hunt-config`). Every value is checked against the type of its
 * default, and unknown sections or keys are refused, so a typo cannot silently change a hunt.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { MailtrailError } from "../model/errors.js";
import type { HuntConfig } from "./findings.js";

/** rules/hunts.yaml from the package root: src/analysis under vitest, dist/src/analysis when built. */
export function defaultHuntConfigPath(): string {
  for (const up of ["../../rules/hunts.yaml", "../../../rules/hunts.yaml"]) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  throw new MailtrailError("INTERNAL", "rules/hunts.yaml is missing from the mailtrail installation");
}

type Section = Record<string, unknown>;

function isPlainObject(value: unknown): value is Section {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new MailtrailError("USAGE", `cannot read hunt config ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new MailtrailError("USAGE", `hunt config ${path} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "null";
  return typeof value;
}

/** Checks `value` against the default's type: numbers, booleans, strings, lists of strings. */
function checkValue(value: unknown, fallback: unknown, key: string, where: string): unknown {
  if (Array.isArray(fallback)) {
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string" && typeof item !== "number")) {
      throw new MailtrailError("USAGE", `${where} must be a list of strings (got ${kindOf(value)})`);
    }
    return value.map((item) => String(item));
  }
  if (typeof fallback === "number") {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new MailtrailError("USAGE", `${where} must be a number >= 0 (got ${JSON.stringify(value)})`);
    return value;
  }
  if (typeof fallback === "boolean") {
    if (typeof value !== "boolean") throw new MailtrailError("USAGE", `${where} must be true or false (got ${JSON.stringify(value)})`);
    return value;
  }
  if (typeof fallback === "string") {
    if (typeof value !== "string") throw new MailtrailError("USAGE", `${where} must be a string (got ${JSON.stringify(value)})`);
    if (key.endsWith("severity") && !SEVERITIES.includes(value)) throw new MailtrailError("USAGE", `${where} must be one of ${SEVERITIES.join(", ")} (got ${JSON.stringify(value)})`);
    return value;
  }
  throw new MailtrailError("INTERNAL", `${where}: unsupported default type ${kindOf(fallback)}`);
}

const SEVERITIES = ["info", "low", "medium", "high", "critical"];

/**
 * `base` with `override` merged over it, section by section and key by key (lists replace).
 * `where` names the override in messages.
 */
export function mergeHuntConfig(base: HuntConfig, override: unknown, where: string): HuntConfig {
  if (override === undefined || override === null) return base;
  if (!isPlainObject(override)) throw new MailtrailError("USAGE", `${where}: the hunt config must be a mapping of hunt sections`);
  const merged: HuntConfig = {};
  for (const name in base) merged[name] = { ...base[name] };
  for (const name in override) {
    const defaults = base[name];
    if (!defaults) throw new MailtrailError("USAGE", `${where}: unknown hunt section '${name}' (known: ${Object.keys(base).join(", ")})`);
    const section = override[name];
    if (section === null || section === undefined) continue;
    if (!isPlainObject(section)) throw new MailtrailError("USAGE", `${where}: '${name}' must be a mapping of settings`);
    const target = merged[name] as Section;
    for (const key in section) {
      if (!(key in defaults)) throw new MailtrailError("USAGE", `${where}: unknown setting '${name}.${key}' (known: ${Object.keys(defaults).join(", ")})`);
      target[key] = checkValue(section[key], defaults[key], key, `${where}: '${name}.${key}'`);
    }
  }
  return merged;
}

function validateDefaults(raw: unknown, path: string): HuntConfig {
  if (!isPlainObject(raw)) throw new MailtrailError("INTERNAL", `${path}: must be a mapping of hunt sections`);
  const config: HuntConfig = {};
  for (const name in raw) {
    const section = raw[name];
    if (!isPlainObject(section)) throw new MailtrailError("INTERNAL", `${path}: '${name}' must be a mapping`);
    const checked: Section = {};
    for (const key in section) checked[key] = checkValue(section[key], section[key], key, `${path}: '${name}.${key}'`);
    config[name] = checked;
  }
  return config;
}

/** The defaults of rules/hunts.yaml, with the user's file (if any) merged over them. */
export function loadHuntConfig(overridePath?: string): HuntConfig {
  const path = defaultHuntConfigPath();
  const defaults = validateDefaults(readYaml(path), path);
  if (overridePath === undefined) return defaults;
  return mergeHuntConfig(defaults, readYaml(overridePath), overridePath);
}
