/**
 * Pulumi's wire encoding of property values (see @pulumi/pulumi runtime/rpc): secrets,
 * unknowns and resource references are objects or strings with special signatures.
 * The engine decodes them itself so that it can remember *which paths were secret*,
 * which the stock mock monitor forgets.
 */
import * as pulumi from "@pulumi/pulumi";

export const SIG_KEY = pulumi.runtime.specialSigKey;
export const SECRET_SIG = pulumi.runtime.specialSecretSig;
export const RESOURCE_SIG = pulumi.runtime.specialResourceSig;
export const OUTPUT_SIG = pulumi.runtime.specialOutputValueSig;
export const UNKNOWN = pulumi.runtime.unknownValue;

export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/** Marker for a value that is unknown during preview. */
export const UNKNOWN_VALUE = Symbol.for("edge-mtls.unknown");

/** True for a plain object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Decodes a wire value into plain data. Secret paths are appended to `secretPaths`
 * (dotted, array indices as numbers); unknowns become `undefined` and their paths are
 * appended to `unknownPaths`.
 */
export function decode(value: unknown, path: string, secretPaths: string[], unknownPaths: string[]): unknown {
  if (value === UNKNOWN) {
    unknownPaths.push(path);
    return undefined;
  }
  if (Array.isArray(value)) return value.map((v, i) => decode(v, join(path, String(i)), secretPaths, unknownPaths));
  if (!isObject(value)) return value;
  const sig = value[SIG_KEY];
  if (sig === SECRET_SIG) {
    secretPaths.push(path);
    return decode(value.value, path, [], unknownPaths);
  }
  if (sig === RESOURCE_SIG) {
    // A resource reference: keep its URN (and id for custom resources).
    return value.id !== undefined && value.id !== "" ? { urn: value.urn, id: value.id } : { urn: value.urn };
  }
  if (sig === OUTPUT_SIG) {
    if (value.secret === true) secretPaths.push(path);
    if (!("value" in value)) {
      unknownPaths.push(path);
      return undefined;
    }
    return decode(value.value, path, [], unknownPaths);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decode(v, join(path, k), secretPaths, unknownPaths);
  return out;
}

/** Wraps a plain value as a wire secret. */
export function secretWire(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

export function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** True when `path` equals one of `paths` or lies below one. */
export function coveredBy(path: string, paths: readonly string[]): boolean {
  return paths.some((p) => p === "" || path === p || path.startsWith(`${p}.`));
}

/** Deep equality for plain decoded values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Reads a dotted path from a plain value. */
export function getPath(value: unknown, path: string): unknown {
  if (path === "") return value;
  let cur: unknown = value;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}
