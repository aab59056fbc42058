/**
 * Unknown keys in a stack file are errors, with a "did you mean" suggestion: a misspelled key
 * (`edge-mtls:internalCA` for `internalCa`) would otherwise be ignored and the stack silently
 * get the default. Generic over any zod object schema, so that the schema stays the one source
 * of which keys exist — at the top level (`<namespace>:<key>`) and at any depth inside a value.
 */
import type { z } from "zod";
import type { ConfigProblem } from "../components/common/errors";
import { didYouMean } from "../components/common/validate";

/** The zod internals we read to walk a schema (zod 4 `def`). */
interface SchemaDef {
  readonly type?: string;
  readonly innerType?: unknown;
  readonly element?: unknown;
  readonly shape?: Record<string, unknown>;
  readonly in?: unknown;
}

function def(schema: unknown): SchemaDef {
  return ((schema as { def?: SchemaDef; _zod?: { def?: SchemaDef } }).def ?? (schema as { _zod?: { def?: SchemaDef } })._zod?.def ?? {});
}

/** Strips wrappers (optional, default, nullable, pipe…) down to the schema that has the data's shape. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const d = def(s);
    if (d.innerType !== undefined) s = d.innerType;
    else if (d.type === "pipe" && d.in !== undefined) s = d.in;
    else break;
  }
  return s;
}

/** The keys of the object schema found at `path` inside `schema` (array indices step into elements), or undefined. */
export function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(schema);
  for (const step of path) {
    const d = def(s);
    if (d.type === "array" && typeof step === "number") s = unwrap(d.element);
    else if (d.type === "object" && d.shape && typeof step === "string" && step in d.shape) s = unwrap(d.shape[step]);
    else return undefined;
  }
  const d = def(s);
  return d.type === "object" && d.shape ? Object.keys(d.shape) : undefined;
}

/** The problem text for an unknown key, with a suggestion when one known key is close. */
export function unknownKeyProblem(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return hint !== undefined
    ? `unknown key ${JSON.stringify(key)} — did you mean ${JSON.stringify(hint)}? (an unknown key is never read, so its setting would be silently lost)`
    : `unknown key ${JSON.stringify(key)}; known keys here: ${known.join(", ")}`;
}

/**
 * Problems for every key under `namespace:` that `schema` (a zod object) does not define.
 * `keys` are the stack's namespaced config keys (`edge-mtls:internalCA`, `cloudflare:apiToken`, …);
 * keys of other namespaces (providers) are not ours and are left alone.
 */
export function unknownTopLevelKeys(keys: readonly string[], namespace: string, schema: z.ZodObject): ConfigProblem[] {
  const known = Object.keys(schema.shape);
  const problems: ConfigProblem[] = [];
  for (const key of keys) {
    if (!key.startsWith(`${namespace}:`)) continue;
    const local = key.slice(namespace.length + 1);
    if (known.includes(local)) continue;
    problems.push({ key, problem: unknownKeyProblem(local, known) });
  }
  return problems;
}

/** Problems for zod's `unrecognized_keys` issue at `path`, one per key, with suggestions from the schema. */
export function unrecognizedKeyProblems(schema: unknown, namespace: string, path: readonly PropertyKey[], keys: readonly string[]): ConfigProblem[] {
  const known = knownKeysAt(schema, path) ?? [];
  const at = path.map(String).join(".");
  return keys.map((k) => ({ key: `${namespace}:${at ? `${at}.` : ""}${k}`, problem: unknownKeyProblem(k, known) }));
}
