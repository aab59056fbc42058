/**
 * Construction-time validation for InternalCA and its leaves. Pure functions; each throws
 * an EdgeMtlsArgumentError naming the component, the argument, the bad value and the fix.
 */
import { type ArgChecker, dnsNameProblem, goParseIp, parseDurationHours, q, splitPem, x509 } from "../common";
import { KEY_ALGORITHMS } from "./profile";
import type { KeyAlgorithm } from "./types";

/**
 * The longest validity the tls provider can express: it computes `NotAfter` as
 * `NotBefore.Add(time.Duration(validity_period_hours) * time.Hour)` (terraform-provider-tls
 * common_cert.go `createCertificate`), and a Go `time.Duration` is int64 nanoseconds, so
 * beyond 2,562,047 hours (about 292 years) the product overflows and wraps around.
 */
export const MAX_TLS_PROVIDER_HOURS = Number((2n ** 63n - 1n) / 3_600_000_000_000n);

/** Parses a duration argument to hours, failing with a clear message. */
export function durationHours(c: ArgChecker, arg: string, value: string): number {
  const hours = parseDurationHours(value);
  if (hours === undefined) c.fail(arg, `(${q(value)}) is not a duration; write e.g. "90d", "2160h" or "10y"`);
  if (hours <= 0) c.fail(arg, `(${q(value)}) must be longer than zero`);
  c.check(
    hours <= MAX_TLS_PROVIDER_HOURS,
    arg,
    `(${q(value)}) is ${hours} hours; the tls provider holds validity as a Go time.Duration (int64 nanoseconds), so at most ${MAX_TLS_PROVIDER_HOURS} hours (about 292 years) — longer overflows into a certificate that expires in the past; give a shorter duration`,
  );
  return hours;
}

/** Checks a key algorithm name. */
export function checkKeyAlgorithm(c: ArgChecker, arg: string, value: string): KeyAlgorithm {
  const rsa = /^RSA-(\d+)$/.exec(value);
  if (rsa && Number(rsa[1]) < 2048) c.fail(arg, `(${q(value)}) is refused: RSA keys under 2048 bits are breakable; use "RSA-2048" or larger, or "ECDSA-P256"`);
  if (!(KEY_ALGORITHMS as readonly string[]).includes(value)) c.fail(arg, `(${q(value)}) is not supported; use one of ${KEY_ALGORITHMS.map((a) => q(a)).join(", ")}`);
  return value as KeyAlgorithm;
}

/** Checks renewBefore < validity. */
export function checkRenewal(c: ArgChecker, arg: string, renewBeforeHours: number, validityHours: number, renewText: string, validityText: string): void {
  c.check(renewBeforeHours < validityHours, arg, `(${renewText}) must be shorter than validity (${validityText}); otherwise the certificate would be renewed as soon as it is issued`);
}

/** Checks a DNS SAN (wildcards allowed as the whole left-most label). */
export function checkDnsNames(c: ArgChecker, arg: string, names: readonly string[]): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    const problem = typeof n === "string" ? dnsNameProblem(n, { allowWildcard: true }) : "is not a string";
    if (problem) c.fail(`${arg}[${i}]`, `(${q(n)}) ${problem}; write a host name such as "api.mesh.internal"`);
    c.check(!seen.has(n), `${arg}[${i}]`, `(${q(n)}) is listed twice`);
    seen.add(n);
  });
}

/**
 * Checks IP SANs as the tls provider parses them (Go's `net.ParseIP`, components/common/ip.ts):
 * no zone (`fe80::1%eth0`), no leading zeros in IPv4 parts. An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) is accepted and lands in the certificate as the IPv4 address.
 */
export function checkIps(c: ArgChecker, arg: string, ips: readonly string[]): void {
  ips.forEach((ip, i) => {
    c.check(typeof ip === "string", `${arg}[${i}]`, `(${q(ip)}) is not a string`);
    if (goParseIp(ip) !== undefined) return;
    const why = ip.includes("%")
      ? "has a zone (%...), which Go's net.ParseIP and so the tls provider reject; certificates hold addresses, not interfaces: drop the zone"
      : /(^|\.)0\d/.test(ip) && !ip.includes(":")
        ? "has a leading zero in an IPv4 part, which Go's net.ParseIP rejects (it would be ambiguous with octal); write the part without it"
        : "is not an IPv4 or IPv6 address as Go's net.ParseIP (the tls provider) reads it";
    c.fail(`${arg}[${i}]`, `(${q(ip)}) ${why}`);
  });
}

/** Checks URI SANs: absolute URIs with a scheme (e.g. `spiffe://mesh.internal/nginx`). */
export function checkUris(c: ArgChecker, arg: string, uris: readonly string[]): void {
  uris.forEach((u, i) => {
    let ok = false;
    try {
      const url = new URL(u);
      ok = /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) && u === u.trim() && !/\s/.test(u);
    } catch {
      ok = false;
    }
    c.check(ok, `${arg}[${i}]`, `(${q(u)}) is not an absolute URI; write e.g. "spiffe://mesh.internal/nginx-gateway"`);
  });
}

/** Checks a client identity (goes into the subject CN, max 64 characters per RFC 5280 ub-common-name). */
export function checkIdentity(c: ArgChecker, arg: string, identity: string): void {
  c.check(typeof identity === "string" && /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(identity), arg, `(${q(identity)}) must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
}


/**
 * Checks that `pem` is exactly one CA certificate (basicConstraints CA:TRUE). Returns a
 * problem description or undefined.
 */
export function singleCaCertificateProblem(pem: string): string | undefined {
  const certs = splitPem(pem);
  if (certs.length === 0) return "holds no PEM certificate";
  if (certs.length > 1) return `holds ${certs.length} certificates (a chain); give each CA certificate as its own entry`;
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certs[0] ?? "");
  } catch (e) {
    return `is not a parseable certificate (${(e as Error).message})`;
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) return `is not a CA certificate (subject ${cert.subject} has no basicConstraints CA:TRUE); give the issuing CA's certificate, e.g. another InternalCA's rootCertPem`;
  return undefined;
}
