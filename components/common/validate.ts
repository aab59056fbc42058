/**
 * The construction-time contract shared by every component: type guards that turn a
 * JavaScript caller's `null` / wrong type into an {@link EdgeMtlsArgumentError} (never a
 * `TypeError`), and pure "why is this value wrong" functions for the value kinds the
 * platforms constrain (Cloudflare ids, Kubernetes names, Helm releases and chart versions,
 * resource quantities, URLs, X.509 distinguished-name values, PEM certificates).
 *
 * Each `…Problem` function returns `undefined` for a good value, or the end of a sentence
 * that starts with the argument and the value: `zoneId ("abc") <problem>`. Unresolved
 * Outputs are not checked here (see {@link isKnown}); components check them when they resolve
 * where they can.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ArgChecker, q } from "./errors";
import { splitPem } from "./pem";
import { x509 } from "./x509";

// ------------------------------------------------------------------ type guards

/** True when `v` is a plain value we can check now (not an Output, not a Promise). */
export function isKnown(v: unknown): boolean {
  return !pulumi.Output.isInstance(v) && !(v instanceof Promise);
}

/** A name for the JavaScript type of `v`, for messages ("null", "array", "number", …). */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (pulumi.Output.isInstance(v)) return "an Output";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** True when `v` is a plain object (not null, not an array, not an Output). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
}

/** Fails unless `v` is an object; `hint` shows what to pass. */
export function requireObject(c: ArgChecker, arg: string, v: unknown, hint: string): asserts v is Record<string, unknown> {
  if (!isPlainObject(v)) c.fail(arg, `${v === undefined ? "is missing" : `is ${typeName(v)}`}; pass an object ${hint}`);
}

/** Fails unless `v` is a string (or, when `optional`, undefined). */
export function requireString(c: ArgChecker, arg: string, v: unknown, optional = false): asserts v is string {
  if (optional && v === undefined) return;
  if (typeof v !== "string") c.fail(arg, v === undefined ? "is required (a string)" : `(${q(v)}) is ${typeName(v)}; it must be a string`);
}

/** Fails unless `v` is a string or an Output/Promise of one (or, when `optional`, undefined). */
export function requireStringInput(c: ArgChecker, arg: string, v: unknown, optional = false): void {
  if (!isKnown(v)) return;
  requireString(c, arg, v, optional);
}

/** Fails unless `v` is a boolean (or undefined). */
export function requireOptionalBoolean(c: ArgChecker, arg: string, v: unknown): asserts v is boolean | undefined {
  if (v !== undefined && typeof v !== "boolean") c.fail(arg, `(${q(v)}) is ${typeName(v)}; it must be true or false`);
}

/** Fails unless `v` is a number (or, when `optional`, undefined). */
export function requireNumber(c: ArgChecker, arg: string, v: unknown, optional = false): void {
  if (optional && v === undefined) return;
  if (typeof v !== "number" || Number.isNaN(v)) c.fail(arg, `(${q(v)}) is ${typeName(v)}; it must be a number`);
}

/** Fails unless `v` is an array (or, when `optional`, undefined); each element must satisfy `each`. */
export function requireArray(c: ArgChecker, arg: string, v: unknown, optional = false, each?: (item: unknown, path: string) => void): void {
  if (optional && v === undefined) return;
  if (!Array.isArray(v)) c.fail(arg, `${v === undefined ? "is required" : `(${q(v)}) is ${typeName(v)}`}; it must be a list`);
  // An index loop, not forEach: forEach skips the holes of a sparse array ([, "a"]), which would leave them unchecked.
  if (each) for (let i = 0; i < v.length; i++) each(v[i], `${arg}[${i}]`);
}

/** Fails unless `v` (when given) is one of `options` — for discriminants such as `kind`. */
export function requireOneOf<T extends string>(c: ArgChecker, arg: string, v: unknown, options: readonly T[], optional = true): asserts v is T | undefined {
  if (optional && v === undefined) return;
  if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
    const hint = typeof v === "string" ? didYouMean(v, options) : undefined;
    c.fail(arg, `(${q(v)}) must be one of ${options.map((o) => q(o)).join(", ")}${hint ? ` — did you mean ${q(hint)}?` : ""}`);
  }
}

/** Every key of `T`, and of each member when `T` is a union. */
type KeysOfUnion<T> = T extends unknown ? keyof T & string : never;

/**
 * The argument names of an args interface `T`, as a list {@link refuseUnknownKeys} can check
 * at run time. The compiler checks the list against `T` both ways: a name `T` does not have
 * is a type error, and so is a list that misses one of `T`'s names (the error names them as
 * `missingArgumentNames`), so the list cannot drift from the interface.
 *
 * @example
 * const INTERNAL_CA_ARGS = argNames<InternalCAArgs>()(["subject", "keyAlgorithm", …]);
 */
export function argNames<T>() {
  return <const K extends readonly KeysOfUnion<T>[]>(
    names: K & ([Exclude<KeysOfUnion<T>, K[number]>] extends [never] ? unknown : { readonly missingArgumentNames: Exclude<KeysOfUnion<T>, K[number]> }),
  ): readonly string[] => names;
}

/**
 * Fails when `obj` has keys outside `known`: a JavaScript caller's misspelled option
 * (`intermediat: true`) would otherwise be silently ignored and the default used. Keys whose
 * value is `undefined` pass (spreading optional values is common). `arg` is the path of `obj`
 * ("" for the component's own args).
 */
export function refuseUnknownKeys(c: ArgChecker, arg: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key) || obj[key] === undefined) continue;
    const hint = didYouMean(key, known);
    c.fail(arg ? `${arg}.${key}` : key, `is not a known argument (it would be ignored)${hint ? ` — did you mean ${q(hint)}?` : `; the known ones are ${known.join(", ")}`}`);
  }
}

// ------------------------------------------------------------------ suggestions

/** Levenshtein distance (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length] ?? 0;
}

/** The closest of `candidates` to `word` (case differences are free), or undefined when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

// ------------------------------------------------------------------ Cloudflare

/** Why `id` is not a Cloudflare account or zone id (32 lower-case hex characters), or undefined. */
export function cloudflareIdProblem(id: string, what: "account" | "zone"): string | undefined {
  if (/^[0-9a-f]{32}$/.test(id)) return undefined;
  if (/^[0-9A-F]{32}$/i.test(id)) return `must be lower case; Cloudflare ${what} ids are 32 lower-case hex characters`;
  const where = what === "zone" ? "the zone's Overview page" : "the dashboard URL or Account Home";
  return `is not a Cloudflare ${what} id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from ${where} — not the ${what} name`;
}

/** Checks a Cloudflare id argument when its value is known. */
export function checkCloudflareId(c: ArgChecker, arg: string, v: unknown, what: "account" | "zone"): void {
  if (!isKnown(v)) return;
  requireString(c, arg, v);
  const p = cloudflareIdProblem(v, what);
  if (p) c.fail(arg, `(${q(v)}) ${p}`);
}

// ------------------------------------------------------------------ Kubernetes and Helm

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `v` is not a DNS-1123 label (namespaces, Service names, label values…; ≤ 63), or undefined. */
export function k8sLabelNameProblem(v: string, max = 63): string | undefined {
  if (v.length === 0) return "is empty";
  if (v.length > max) return `is ${v.length} characters long; at most ${max} are allowed`;
  if (!DNS1123_LABEL.test(v)) return "must be lower-case letters, digits and inner hyphens (a DNS-1123 label, as Kubernetes requires)";
  return undefined;
}

/** Why `v` is not a DNS-1123 subdomain (most Kubernetes object names; ≤ 253), or undefined. */
export function k8sObjectNameProblem(v: string): string | undefined {
  if (v.length === 0) return "is empty";
  if (v.length > 253) return `is ${v.length} characters long; at most 253 are allowed`;
  if (!DNS1123_SUBDOMAIN.test(v)) return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain)";
  return undefined;
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `v` is not a Kubernetes label value (≤ 63; alphanumerics, `-`, `_`, `.`; may be empty), or undefined. */
export function labelValueProblem(v: string): string | undefined {
  if (v === "") return undefined;
  if (v.length > 63) return `is ${v.length} characters long; label values are at most 63`;
  if (!LABEL_NAME.test(v)) return "must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit (a Kubernetes label value)";
  return undefined;
}

/** Why `v` is not a Kubernetes label key (`[prefix/]name`: DNS-1123 subdomain prefix, name ≤ 63), or undefined. */
export function labelKeyProblem(v: string): string | undefined {
  const slash = v.lastIndexOf("/");
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  if (prefix !== undefined) {
    const p = k8sObjectNameProblem(prefix);
    if (p) return `has a prefix that ${p}`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return "must be [prefix/]name with a name of 1–63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (a Kubernetes label key)";
  return undefined;
}

/** Helm's limit on release names (it stores the release in a Secret named after it, with suffixes). */
export const HELM_RELEASE_NAME_MAX = 53;

/** Why `v` is not a Helm release name (DNS-1123 subdomain, ≤ 53: `helm install` refuses longer), or undefined. */
export function helmReleaseNameProblem(v: string): string | undefined {
  if (v.length > HELM_RELEASE_NAME_MAX) return `is ${v.length} characters long; Helm allows at most ${HELM_RELEASE_NAME_MAX} characters in a release name`;
  return k8sObjectNameProblem(v);
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Why `v` is not an exact chart version (SemVer 2, optional `v`), or undefined. Ranges are refused: the library pins. */
export function chartVersionProblem(v: string): string | undefined {
  if (SEMVER.test(v)) return undefined;
  if (/[~^*xX<>=|]| - /.test(v)) return "is a version range; pin an exact chart version (SemVer, e.g. \"41.3.0\") so that an upgrade is a deliberate change";
  return "is not a SemVer chart version (e.g. \"41.3.0\" or \"v1.21.1\")";
}

const QUANTITY = /^([+-]?[0-9]+(\.[0-9]*)?|[+-]?\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][-+]?[0-9]+)?$/;

/** Why `v` is not a Kubernetes resource quantity (e.g. "500m", "64Mi", "1.5"), or undefined. */
export function quantityProblem(v: string): string | undefined {
  if (!QUANTITY.test(v)) {
    const hint = /^[0-9.]+\s*(mb|gb|kb|m?ib?)$/i.test(v) ? "; memory uses binary suffixes Ki, Mi, Gi (e.g. \"64Mi\")" : "";
    return `is not a Kubernetes quantity (e.g. "500m" CPU, "64Mi" memory)${hint}`;
  }
  if (v.startsWith("-")) return "is negative";
  return undefined;
}

/** Parses a CPU or memory quantity into a base-unit number (cores or bytes), for comparing requests and limits. */
export function quantityValue(v: string): number | undefined {
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*|[eE][-+]?[0-9]+)$/.exec(v);
  if (!m || quantityProblem(v)) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? "";
  const factors: Record<string, number> = { "": 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  const f = factors[suffix];
  return f === undefined ? undefined : n * f;
}

// ------------------------------------------------------------------ URLs

/**
 * Why `v` is not an absolute `https://` URL usable as a base (a host, an optional port, and a path
 * only when `allowPath`), or undefined. Query strings, fragments and credentials are always refused.
 */
export function httpsUrlProblem(v: string, options: { allowPath?: boolean; allowHttp?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return "is not an absolute URL (expected https://host[:port])";
  }
  if (url.protocol !== "https:" && !(options.allowHttp && url.protocol === "http:")) return `has scheme ${q(url.protocol)}; only https:// is accepted`;
  if (url.username !== "" || url.password !== "") return "contains credentials; never put secrets in a URL";
  if (url.search !== "" || v.includes("?")) return "has a query string, which would be dropped";
  if (url.hash !== "" || v.includes("#")) return "has a fragment (#…), which would be dropped";
  if (!options.allowPath && url.pathname !== "/" && url.pathname !== "") return `has a path (${q(url.pathname)}), which would be dropped: only scheme, host and port are used`;
  return undefined;
}

/** `v` with any `user:password@` part replaced by `***@`, so that an error message never repeats a credential. */
export function withoutCredentials(v: string): string {
  return v.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1***@");
}

// ------------------------------------------------------------------ X.509 names

/** RFC 5280 upper bounds (ub-common-name, ub-organization-name, ub-organizational-unit-name). */
export const DN_MAX_LENGTH = 64;

/**
 * Why `v` cannot be written as the value of one distinguished-name attribute (CN, O, OU)
 * without changing the name's meaning, or undefined. Characters that are syntax in the string
 * form of a DN (RFC 4514: `, + = " \ < > ;`, a leading `#`, leading/trailing spaces) would, when a
 * tool renders and re-parses the name (nginx `$ssl_client_s_dn`, Traefik's forwarded subject,
 * `openssl -subj`), split it into other attributes — `"api, O=Admins"` becomes an O. Control
 * characters and over-long values are refused too.
 */
export function dnValueProblem(v: string, attribute: "common-name" | "organization-name" | "organizational-unit-name" = "common-name"): string | undefined {
  if (v.trim() === "") return "is empty";
  if (v.length > DN_MAX_LENGTH) return `is longer than ${DN_MAX_LENGTH} characters (RFC 5280 ub-${attribute})`;
  if (v !== v.trim()) return "has leading or trailing spaces, which RFC 4514 renderers escape and tools compare differently";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return "contains a control character";
  const special = /[,+="\\<>;]/.exec(v);
  if (special) return `contains ${q(special[0])}, which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"`;
  if (v.startsWith("#")) return "starts with \"#\", which RFC 4514 reads as a hex-encoded value";
  return undefined;
}

/** Checks a DN attribute value when it is a plain string. */
export function checkDnValue(c: ArgChecker, arg: string, v: unknown, optional = true): void {
  if (optional && v === undefined) return;
  requireString(c, arg, v);
  const attribute = /organizationalUnit$/.test(arg) ? "organizational-unit-name" : /organization$/.test(arg) ? "organization-name" : "common-name";
  const p = dnValueProblem(v, attribute);
  if (p) c.fail(arg, `(${q(v)}) ${p}`);
}

// ------------------------------------------------------------------ PEM

/**
 * Why `pem` is not exactly one (or, with `bundle`, one or more) parseable X.509 certificate in PEM form, or undefined. Private keys
 * are refused with a message that never echoes the text (it may be a secret).
 */
export function pemCertificateProblem(pem: string, options: { bundle?: boolean } = {}): string | undefined {
  if (/PRIVATE KEY-----/.test(pem)) return "contains a PRIVATE KEY; give the certificate only (the value is not shown: it may be a secret)";
  const blocks = splitPem(pem);
  if (blocks.length === 0) return "is not a PEM certificate (no \"-----BEGIN CERTIFICATE-----\" block)";
  if (blocks.length > 1 && !options.bundle) return `holds ${blocks.length} certificates; give exactly one`;
  for (const [i, block] of blocks.entries()) {
    try {
      new x509.X509Certificate(block);
    } catch (e) {
      return `${blocks.length > 1 ? `has a certificate (#${i + 1}) that ` : ""}is not a parseable certificate (${(e as Error).message})`;
    }
  }
  return undefined;
}

/** A short, safe description of a PEM argument for messages (never its content). */
export function describePemArg(pem: unknown): string {
  if (typeof pem !== "string") return typeName(pem);
  return `a ${pem.length}-character string`;
}
