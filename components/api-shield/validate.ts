/**
 * Construction-time validation for the API Shield components. Pure functions that throw an
 * {@link EdgeMtlsArgumentError} naming the component, instance, argument and bad value,
 * before any child resource exists.
 */
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem, isInZone } from "../common/dns";
import { trustAnchorProblem } from "./certificate";
import { checkApiShieldMtlsContract } from "./contract";
import type { ApiProtection, ApiShieldMtlsArgs, BlockResponse, MtlsTrustAnchor } from "./types";

/** Path prefixes protected when a protection gives none. */
export const DEFAULT_PATH_PREFIXES: readonly string[] = ["/api/"];

/** Body of the JSON block response when a protection asks for one without content. */
export const DEFAULT_BLOCK_CONTENT = JSON.stringify({ error: "client certificate required", code: "MTLS_REQUIRED" });

/** Content types Cloudflare accepts for a custom block response. */
export const BLOCK_CONTENT_TYPES = ["application/json", "text/plain", "text/html", "text/xml"] as const;

const PROTECTION_NAME = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;
/** Worker binding names are JavaScript identifiers (they become `env.<NAME>`). */
const BINDING_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `prefix` is not a usable path prefix, or `undefined`. */
export function pathPrefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0) return "is empty (an empty prefix would match every path; use \"/\" to protect the whole host)";
  if (!prefix.startsWith("/")) return "must start with \"/\" (http.request.uri.path always does, so the rule would never match and the API would be unprotected)";
  if (CONTROL.test(prefix)) return "contains a control character, which never appears in a request path (the rule would never match)";
  if (/\s/.test(prefix)) return "contains whitespace, which never appears in a request path (the rule would never match; percent-encode it)";
  if (prefix.includes("?")) return "contains \"?\": the query string is not part of http.request.uri.path, so the rule would never match (give the path only)";
  if (prefix.includes("#")) return "contains \"#\": a fragment is never sent to the server, so the rule would never match (give the path only)";
  if (prefix.includes("*")) return "contains \"*\": prefixes are literal, not globs (\"/api\" already covers /api and everything below /api/)";
  return undefined;
}

/** Why `name` is not a usable Worker binding name, or `undefined`. */
export function bindingNameProblem(name: string): string | undefined {
  if (!BINDING_NAME.test(name)) return "must be a JavaScript identifier (letters, digits, _ and $, not starting with a digit), e.g. \"API_MTLS\"";
  return undefined;
}

/** Validates one custom block response. */
export function checkBlockResponse(c: ArgChecker, arg: string, r: BlockResponse): void {
  const status = r.statusCode ?? 403;
  c.check(Number.isInteger(status) && status >= 400 && status <= 499, `${arg}.statusCode`, `(${q(status)}) must be an integer from 400 to 499`);
  const type = r.contentType ?? "application/json";
  c.check((BLOCK_CONTENT_TYPES as readonly string[]).includes(type), `${arg}.contentType`, `(${q(type)}) must be one of ${BLOCK_CONTENT_TYPES.join(", ")}`);
  if (r.content !== undefined) {
    c.check(r.content.length > 0, `${arg}.content`, "is empty; omit it for the default body");
    if (type === "application/json") {
      try {
        JSON.parse(r.content);
      } catch {
        c.fail(`${arg}.content`, `(${q(r.content)}) is not valid JSON but contentType is application/json`);
      }
    }
  }
}

/** Validates a trust-anchor certificate given as a plain PEM string (Outputs are checked when they resolve). */
export function checkTrustAnchorPem(c: ArgChecker, arg: string, pem: string): void {
  const problem = trustAnchorProblem(pem);
  if (problem) c.fail(arg, problem);
}

function checkTrustAnchor(c: ArgChecker, arg: string, anchor: MtlsTrustAnchor | undefined): void {
  c.check(
    anchor !== undefined && anchor !== null && typeof anchor === "object" && "issuerSki" in anchor && "kind" in anchor,
    arg,
    "must be an ApiShieldCa or cloudflareManagedCa(...)",
  );
}

function checkProtection(c: ArgChecker, zoneName: string, p: ApiProtection, i: number): void {
  const arg = `protections[${i}]`;
  c.check(typeof p.name === "string" && PROTECTION_NAME.test(p.name), `${arg}.name`, `(${q(p.name)}) must be 1–50 lower-case letters, digits or inner hyphens`);
  c.check(
    Array.isArray(p.hostnames) && p.hostnames.length > 0,
    `${arg}.hostnames`,
    "is empty: give at least one hostname (an empty hostname association would remove every association of the CA in the zone)",
  );
  for (const [j, host] of p.hostnames.entries()) {
    const problem = dnsNameProblem(host, { allowWildcard: false });
    if (problem) c.fail(`${arg}.hostnames[${j}]`, `(${q(host)}) ${problem}`);
    c.check(isInZone(host, zoneName), `${arg}.hostnames[${j}]`, `(${q(host)}) is not in zone ${q(zoneName)}`);
  }
  const prefixes = p.pathPrefixes ?? DEFAULT_PATH_PREFIXES;
  c.check(prefixes.length > 0, `${arg}.pathPrefixes`, "is empty: omit it for the default [\"/api/\"] or give [\"/\"] to protect whole hosts");
  for (const [j, prefix] of prefixes.entries()) {
    const problem = pathPrefixProblem(prefix);
    if (problem) c.fail(`${arg}.pathPrefixes[${j}]`, `(${q(prefix)}) ${problem}`);
  }
  if (p.trustAnchor !== undefined) checkTrustAnchor(c, `${arg}.trustAnchor`, p.trustAnchor);
  if (p.response !== undefined) checkBlockResponse(c, `${arg}.response`, p.response);
}

/**
 * Validates {@link ApiShieldMtlsArgs}. Also refuses a hostname trusted to two different CAs in
 * the zone: with several CAs on one host Cloudflare prefers the most recently uploaded one
 * (https://developers.cloudflare.com/ssl/client-certificates/byo-ca/#multiple-cas-for-one-hostname),
 * so one of the two rules would block every legitimate caller.
 */
export function validateApiShieldMtlsArgs(name: string, args: ApiShieldMtlsArgs): void {
  checkApiShieldMtlsContract(name, args);
  const c = argChecker("ApiShieldMtls", name);
  const zoneProblem = typeof args.zoneName === "string" ? dnsNameProblem(args.zoneName) : "must be a string";
  if (zoneProblem) c.fail("zoneName", `(${q(args.zoneName)}) ${zoneProblem}`);
  checkTrustAnchor(c, "trustAnchor", args.trustAnchor);
  c.check(Array.isArray(args.protections) && args.protections.length > 0, "protections", "is empty: give at least one protected API");
  const seen = new Map<string, number>();
  const hostAnchor = new Map<string, { anchor: MtlsTrustAnchor; index: number }>();
  for (const [i, p] of args.protections.entries()) {
    checkProtection(c, args.zoneName, p, i);
    const prev = seen.get(p.name);
    if (prev !== undefined) c.fail(`protections[${i}].name`, `(${q(p.name)}) is already used by protections[${prev}]; names must be unique in the zone`);
    seen.set(p.name, i);
    const anchor = p.trustAnchor ?? args.trustAnchor;
    for (const host of p.hostnames) {
      const other = hostAnchor.get(host);
      if (other && !sameAnchor(other.anchor, anchor)) {
        c.fail(
          `protections[${i}].hostnames`,
          `(${q(host)}) is trusted to ${anchor.label} here and to ${other.anchor.label} in protections[${other.index}]; one hostname can trust only one CA`,
        );
      }
      hostAnchor.set(host, { anchor, index: i });
    }
  }
}

/** Two anchors share a hostname association when they are the same uploaded CA, or both Cloudflare-managed. */
export function sameAnchor(a: MtlsTrustAnchor, b: MtlsTrustAnchor): boolean {
  return a === b || (a.kind === "cloudflare-managed" && b.kind === "cloudflare-managed");
}

/** Validates a Worker binding name for {@link WorkerClientCertificate}. */
export function checkBindingName(component: string, instance: string, bindingName: string): void {
  const problem = typeof bindingName === "string" ? bindingNameProblem(bindingName) : "must be a string";
  if (problem) argChecker(component, instance).fail("bindingName", `(${q(bindingName)}) ${problem}`);
}
