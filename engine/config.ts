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
import { isAlias, LineCounter, parseDocument, visit } from "yaml";
import { StackFileError } from "../components/common/errors";
import { isObject } from "./values";

/** At most this many alias expansions per file: a stack file needs a handful; "billion laughs" needs millions. */
export const MAX_YAML_ALIASES = 100;

const FS_HINTS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied; make it readable",
  EISDIR: "is a directory, not a file",
  ENOTDIR: "a parent of the path is not a directory",
  ELOOP: "too many symbolic links",
};

/**
 * Reads and parses one YAML file strictly: duplicate keys, tabs used as indentation, syntax
 * errors and alias bombs are errors naming the file, line and column; file-system errors name the file.
 */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new StackFileError(file, undefined, undefined, `cannot read the file: ${FS_HINTS[code] ?? (e as Error).message}${FS_HINTS[code] ? ` (${code})` : ""}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true, lineCounter: lines });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const first = problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? problem.message;
    const hint = /tab/i.test(first) ? "; indent with spaces" : problem.code === "DUPLICATE_KEY" ? "; each key may appear once — merge the two entries" : "";
    throw new StackFileError(file, pos?.line, pos?.col, `${first}${hint}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const msg = (e as Error).message;
    let at: { line: number; col: number } | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node) && node.range) at = lines.linePos(node.range[0]);
        return visit.BREAK;
      },
    });
    if (/alias/i.test(msg)) throw new StackFileError(file, at?.line, at?.col, `expands more than ${MAX_YAML_ALIASES} aliases (${msg}); write the values out instead of nesting *aliases`);
    throw new StackFileError(file, undefined, undefined, msg);
  }
}

/** A stack file's config, as the Pulumi runtime takes it. */
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
  const doc = readYamlFile(path.join(projectDir, "Pulumi.yaml"));
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
  const doc = fs.existsSync(file) ? readYamlFile(file) : undefined;
  if (doc !== null && doc !== undefined && !isObject(doc)) throw new StackFileError(file, 1, 1, "must be a YAML map with a `config:` key");
  if (isObject(doc) && doc.config !== undefined && doc.config !== null && !isObject(doc.config)) throw new StackFileError(file, undefined, undefined, "`config:` must be a map of keys to values");
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
  const doc = readYamlFile(path.join(projectDir, "Pulumi.yaml"));
  if (!isObject(doc) || typeof doc.name !== "string") throw new Error(`${path.join(projectDir, "Pulumi.yaml")}: missing project name`);
  return doc.name;
}

/** Reads the program entry (`main`) from `Pulumi.yaml`, default `index.ts`. */
export function readProjectMain(projectDir: string): string {
  const doc = readYamlFile(path.join(projectDir, "Pulumi.yaml"));
  const main = isObject(doc) && typeof doc.main === "string" ? doc.main : "index.ts";
  return path.resolve(projectDir, main);
}
