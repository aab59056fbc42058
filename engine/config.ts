/**
 * Reads a stack's configuration the way the Pulumi CLI does: `Pulumi.<stack>.yaml`'s
 * `config:` map, keys namespaced `<namespace>:<key>` (un-namespaced keys belong to the
 * project), structured values passed as JSON, and `secure:` values treated as secrets.
 * The CLI would decrypt a secure value; offline there is no key, so the value becomes a
 * placeholder that is still marked secret — the program sees a secret of the right shape.
 * Keys that the project file declares `secret: true` (`Pulumi.yaml` `config:`) and the
 * stack file leaves unset — the user sets them with `pulumi config set --secret` and never
 * commits them — get the same secret placeholder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { isObject } from "./values";

export interface StackConfig {
  /** Namespaced key → value as the Pulumi runtime expects it (strings; structured values JSON-encoded). */
  readonly values: Record<string, string>;
  /** Namespaced keys whose values are secrets. */
  readonly secretKeys: string[];
  /** The file read, for error messages. */
  readonly file?: string;
}

/** The placeholder that stands for an encrypted config value offline. */
export function securePlaceholder(key: string): string {
  return `offline-secret-placeholder-${key.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}


function isSecure(v: unknown): v is { secure: string } {
  return isObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

/** Replaces secure leaves inside structured values with placeholders, collecting whether any were found. */
function scrub(v: unknown, key: string, found: { secret: boolean }): unknown {
  if (isSecure(v)) {
    found.secret = true;
    return securePlaceholder(key);
  }
  if (Array.isArray(v)) return v.map((x) => scrub(x, key, found));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, `${key}.${k}`, found)]));
  return v;
}

/** Turns a parsed `config:` map into runtime config. */
export function toRuntimeConfig(config: Record<string, unknown>, project: string, file?: string): StackConfig {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const found = { secret: false };
    const value = scrub(rawValue, key, found);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (found.secret) secretKeys.push(key);
  }
  return { values, secretKeys, file };
}

/**
 * Namespaced keys that `Pulumi.yaml` declares secret (`config: { <key>: { secret: true } }`,
 * https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options).
 */
export function readProjectSecretKeys(projectDir: string, project: string): string[] {
  const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as unknown;
  const config = isObject(doc) && isObject(doc.config) ? doc.config : {};
  return Object.entries(config)
    .filter(([, v]) => isObject(v) && v.secret === true)
    .map(([k]) => (k.includes(":") ? k : `${project}:${k}`));
}

/**
 * Reads `Pulumi.<stack>.yaml` from `projectDir`. A missing file is an empty config. Secret
 * keys declared in `Pulumi.yaml` and unset in the stack file become secret placeholders.
 */
export function readStackConfig(projectDir: string, stack: string, project: string): StackConfig {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const doc = fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) as unknown) : undefined;
  const config = isObject(doc) && isObject(doc.config) ? doc.config : {};
  const cfg = toRuntimeConfig(config, project, file);
  const declared = fs.existsSync(path.join(projectDir, "Pulumi.yaml")) ? readProjectSecretKeys(projectDir, project) : [];
  const values = { ...cfg.values };
  const secretKeys = [...cfg.secretKeys];
  for (const key of declared) {
    if (key in values) continue;
    values[key] = securePlaceholder(key);
    secretKeys.push(key);
  }
  return { values, secretKeys, file };
}

/** Reads the project name from `Pulumi.yaml`. */
export function readProjectName(projectDir: string): string {
  const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as unknown;
  if (!isObject(doc) || typeof doc.name !== "string") throw new Error(`${path.join(projectDir, "Pulumi.yaml")}: missing project name`);
  return doc.name;
}

/** Reads the program entry (`main`) from `Pulumi.yaml`, default `index.ts`. */
export function readProjectMain(projectDir: string): string {
  const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as unknown;
  const main = isObject(doc) && typeof doc.main === "string" ? doc.main : "index.ts";
  return path.resolve(projectDir, main);
}
