/**
 * Building Cloudflare Rules-language expressions for the mTLS enforcement rule. Pure:
 * no Pulumi, no I/O, so it is tested exhaustively (test/api-shield/expression.test.ts).
 *
 * String literals use the quoted syntax. Its lexer (cloudflare/wirefilter
 * `engine/src/rhs_types/bytes.rs`, `lex_quoted_string_as_vec`) accepts exactly four
 * escapes — `\"`, `\\`, `\xHH`, `\OOO` — and takes every other character literally
 * (https://developers.cloudflare.com/ruleset-engine/rules-language/values/#quoted-string-syntax).
 * {@link rulesStringLiteral} escapes `"` and `\` and writes control characters as `\xHH`,
 * so no input can end the literal early or inject an escape.
 */

/** The fields the rule reads (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/). */
export const FIELDS = {
  host: "http.host",
  path: "http.request.uri.path",
  certVerified: "cf.tls_client_auth.cert_verified",
  certRevoked: "cf.tls_client_auth.cert_revoked",
  certIssuerSki: "cf.tls_client_auth.cert_issuer_ski",
} as const;

/**
 * Encodes `value` as a quoted Rules-language string literal.
 * `"` → `\"`, `\` → `\\`, C0 controls and DEL → `\xHH`; everything else verbatim (UTF-8).
 */
export function rulesStringLiteral(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Lower-cases ASCII letters only — exactly what the Rules-language `lower()` does
 * ("Only uppercase ASCII bytes are converted", https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#lower).
 */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Inputs of {@link mtlsRuleExpression}. */
export interface MtlsRuleExpressionInput {
  /** Hostnames the rule covers (`http.host in {…}`). Must be non-empty. */
  readonly hostnames: readonly string[];
  /**
   * Protected URI paths, each a path prefix on segment boundaries: `/api` and `/api/` both
   * protect `/api` and everything below `/api/`, not `/apiary`; `/` protects the whole host.
   * Must be non-empty.
   */
  readonly pathPrefixes: readonly string[];
  /**
   * Subject key identifier of the CA that must have issued the client certificate
   * (upper-case hex, as Cloudflare reports `cf.tls_client_auth.cert_issuer_ski`).
   * `undefined` omits the pin (only for a Cloudflare-managed CA whose SKI is unknown).
   */
  readonly issuerSki: string | undefined;
  /** Match paths case-sensitively. @default false (`/API/` is protected like `/api/`) */
  readonly caseSensitivePaths?: boolean;
}

/**
 * The segment-boundary base of a path prefix: trailing slashes removed, so `/api/` and `/api`
 * are both `/api`; `""` for `/` (the whole host).
 */
export function pathPrefixBase(prefix: string): string {
  return prefix.replace(/\/+$/, "");
}

/**
 * The path condition of the rule, or `undefined` when a prefix is `/` (the whole host: no path
 * condition at all, so nothing on the host escapes). For each base `/api`:
 * `path eq "/api" or starts_with(path, "/api/")` — the bare path is protected too, `/apiary` is not.
 */
export function pathCondition(pathPrefixes: readonly string[], caseSensitive: boolean): string | undefined {
  const bases = uniqueSorted(pathPrefixes.map((p) => pathPrefixBase(caseSensitive ? p : asciiLower(p))));
  if (bases.includes("")) return undefined;
  const field = caseSensitive ? FIELDS.path : `lower(${FIELDS.path})`;
  return bases.map((b) => `${field} eq ${rulesStringLiteral(b)} or starts_with(${field}, ${rulesStringLiteral(`${b}/`)})`).join(" or ");
}

/**
 * The expression of the blocking rule: the request is for a protected host and path, and
 * its client certificate is missing, unverified, revoked, or issued by another CA.
 *
 * ```txt
 * (http.host in {"api.example.com"})
 *   and (lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/"))
 *   and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked
 *        or cf.tls_client_auth.cert_issuer_ski ne "8204…")
 * ```
 * (on one line). With `/` among the prefixes the path clause is left out: the whole host is
 * protected. Hostnames and prefixes are deduplicated and sorted so the expression is stable
 * whatever order they were given in.
 */
export function mtlsRuleExpression(input: MtlsRuleExpressionInput): string {
  if (input.hostnames.length === 0) throw new Error("mtlsRuleExpression: at least one hostname is required");
  if (input.pathPrefixes.length === 0) throw new Error("mtlsRuleExpression: at least one path prefix is required");
  const hosts = uniqueSorted(input.hostnames).map(rulesStringLiteral).join(" ");
  const paths = pathCondition(input.pathPrefixes, input.caseSensitivePaths ?? false);
  const untrusted = [`not ${FIELDS.certVerified}`, FIELDS.certRevoked];
  if (input.issuerSki !== undefined) untrusted.push(`${FIELDS.certIssuerSki} ne ${rulesStringLiteral(input.issuerSki)}`);
  return [`(${FIELDS.host} in {${hosts}})`, ...(paths ? [`(${paths})`] : []), `(${untrusted.join(" or ")})`].join(" and ");
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
