/**
 * Construction-time validation for InternalCA and its leaves. Pure functions; each throws
 * an EdgeMtlsArgumentError naming the component, the argument, the bad value and the fix.
 */
import {
  type ArgChecker,
  argChecker,
  argNames,
  checkDnValue,
  dnsNameProblem,
  formatHours,
  goParseIp,
  isKnown,
  k8sLabelNameProblem,
  k8sObjectNameProblem,
  labelKeyProblem,
  labelValueProblem,
  parseDurationMinutes,
  q,
  refuseUnknownKeys,
  requireArray,
  requireObject,
  requireOptionalBoolean,
  requireString,
  splitPem,
  typeName,
} from "../common";
import { x509 } from "../common/x509";
import { KEY_ALGORITHMS } from "./profile";
import type { IntermediateArgs, InternalCAArgs } from "./internal-ca";
import type { ClientCertificateArgs, KeyAlgorithm, ServerCertificateArgs } from "./types";

/** The names {@link InternalCAArgs} and its nested args have (the compiler keeps them in step). */
const INTERNAL_CA_ARGS = argNames<InternalCAArgs>()(["subject", "keyAlgorithm", "caValidity", "intermediate", "leafValidity", "renewBefore", "leafKeyAlgorithm", "extraTrustedCaPems", "protect", "endOfLifeWarning", "endOfLifeProcedure"]);
const INTERMEDIATE_ARGS = argNames<IntermediateArgs>()(["subject", "validity", "edgeClientsValidity"]);
const SERVER_CERTIFICATE_ARGS = argNames<ServerCertificateArgs>()(["validity", "renewBefore", "keyAlgorithm", "dnsNames", "ipAddresses", "commonName"]);
const CLIENT_CERTIFICATE_ARGS = argNames<ClientCertificateArgs>()(["validity", "renewBefore", "keyAlgorithm", "identity", "uris", "organization"]);

/**
 * The longest validity the tls provider can express: it computes `NotAfter` as
 * `NotBefore.Add(time.Duration(validity_period_hours) * time.Hour)` (terraform-provider-tls
 * common_cert.go `createCertificate`), and a Go `time.Duration` is int64 nanoseconds, so
 * beyond 2,562,047 hours (about 292 years) the product overflows and wraps around.
 */
export const MAX_TLS_PROVIDER_HOURS = Number((2n ** 63n - 1n) / 3_600_000_000_000n);

/** Parses a duration argument to hours, failing with a clear message. */
export function durationHours(c: ArgChecker, arg: string, value: string): number {
  const minutes = parseDurationMinutes(value);
  if (minutes === undefined) c.fail(arg, `(${q(value)}) is not a duration; write e.g. "90d", "2160h" or "10y"`);
  if (minutes <= 0) c.fail(arg, `(${q(value)}) must be longer than zero`);
  const hours = Math.ceil(minutes / 60);
  if (minutes % 60 !== 0) {
    c.fail(arg, `(${q(value)}) is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider's validity_period_hours), so it would round up to ${formatHours(hours)}; write ${q(formatHours(hours))}`);
  }
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

const SUBJECT_HINT = '{ commonName: "mesh Root CA", organization: "example" }';

function checkSubject(c: ArgChecker, arg: string, subject: unknown): void {
  if (subject === undefined) return;
  requireObject(c, arg, subject, SUBJECT_HINT);
  requireString(c, `${arg}.commonName`, subject.commonName);
  // An empty CN is reported by the constructor (RFC 5280 requires a CA subject); here only what would change the DN.
  if (subject.commonName.trim() !== "") checkDnValue(c, `${arg}.commonName`, subject.commonName, false);
  checkDnValue(c, `${arg}.organization`, subject.organization);
  checkDnValue(c, `${arg}.organizationalUnit`, subject.organizationalUnit);
}

function checkOptionalDuration(c: ArgChecker, arg: string, v: unknown): void {
  if (v === undefined) return;
  requireString(c, arg, v);
  durationHours(c, arg, v);
}

/**
 * The shape and value contract of {@link InternalCAArgs}, for every caller including plain
 * JavaScript: wrong types and values that would change a certificate subject's meaning are
 * refused before anything is registered. The constructor's own checks (ordering of
 * lifetimes, key sizes) run after this.
 */
export function checkInternalCaContract(name: unknown, args: unknown): void {
  const c = argChecker("InternalCA", String(name));
  requireString(c, "name", name);
  c.check(name.trim() !== "", "name", "is empty; give the CA a logical name such as \"mesh\"");
  if (args === undefined) return;
  requireObject(c, "args", args, '(or nothing) such as { keyAlgorithm: "ECDSA-P256" }');
  refuseUnknownKeys(c, "", args, INTERNAL_CA_ARGS);
  checkSubject(c, "subject", args.subject);
  for (const key of ["keyAlgorithm", "leafKeyAlgorithm"] as const) requireString(c, key, args[key], true);
  for (const key of ["caValidity", "leafValidity", "renewBefore"] as const) checkOptionalDuration(c, key, args[key]);
  const inter = args.intermediate;
  if (inter !== undefined && typeof inter !== "boolean") {
    requireObject(c, "intermediate", inter, "or true/false, e.g. { validity: \"5y\" }");
    refuseUnknownKeys(c, "intermediate", inter, INTERMEDIATE_ARGS);
    checkSubject(c, "intermediate.subject", inter.subject);
    checkOptionalDuration(c, "intermediate.validity", inter.validity);
  }
  requireArray(c, "extraTrustedCaPems", args.extraTrustedCaPems, true, (pem, path) => {
    if (isKnown(pem) && typeof pem !== "string") c.fail(path, `is ${typeName(pem)}; give one CA certificate PEM (a string or an Output<string>)`);
  });
  requireOptionalBoolean(c, "protect", args.protect);
}

/** The shape and value contract of a leaf request (issueServerCertificate / issueClientCertificate). */
export function checkLeafContract(caName: string, method: string, role: "server" | "client", name: unknown, args: unknown): void {
  const c = argChecker("InternalCA", caName);
  requireString(c, `${method} name`, name);
  requireObject(c, `${method} args`, args, role === "server" ? '{ dnsNames: ["api.mesh.internal"] }' : '{ identity: "nginx-gateway" }');
  refuseUnknownKeys(c, method, args, role === "server" ? SERVER_CERTIFICATE_ARGS : CLIENT_CERTIFICATE_ARGS);
  for (const key of ["validity", "renewBefore", "keyAlgorithm"] as const) requireString(c, `${method}.${key}`, args[key], true);
  if (role === "server") {
    requireArray(c, `${method}.dnsNames`, args.dnsNames, true, (v, path) => requireString(c, path, v));
    requireArray(c, `${method}.ipAddresses`, args.ipAddresses, true, (v, path) => requireString(c, path, v));
    checkDnValue(c, `${method}.commonName`, args.commonName);
  } else {
    requireString(c, `${method}.identity`, args.identity);
    requireArray(c, `${method}.uris`, args.uris, true, (v, path) => requireString(c, path, v));
    checkDnValue(c, `${method}.organization`, args.organization);
  }
}

/**
 * The contract of the Kubernetes helpers (`tlsSecret`, `caBundleSecret`, `caBundleConfigMap`):
 * a DNS-1123 namespace, a DNS-1123 subdomain object name, valid label keys and values. Outputs
 * are skipped.
 */
export function checkKubernetesTarget(helper: string, name: unknown, target: unknown): void {
  const c = argChecker(helper, String(name));
  requireString(c, "name", name);
  requireObject(c, "target", target, '{ namespace: "apps", name: "api-tls" }');
  if (isKnown(target.namespace)) {
    requireString(c, "target.namespace", target.namespace);
    const p = k8sLabelNameProblem(target.namespace);
    if (p) c.fail("target.namespace", `(${q(target.namespace)}) ${p}`);
  }
  const objectName = target.name ?? name;
  if (isKnown(objectName)) {
    requireString(c, target.name === undefined ? "name (used as target.name)" : "target.name", objectName);
    const p = k8sObjectNameProblem(objectName);
    if (p) c.fail(target.name === undefined ? "name (used as target.name)" : "target.name", `(${q(objectName)}) ${p}`);
  }
  if (target.labels !== undefined) {
    requireObject(c, "target.labels", target.labels, '{ "app.kubernetes.io/part-of": "shop" }');
    for (const [k, v] of Object.entries(target.labels)) {
      const kp = labelKeyProblem(k);
      if (kp) c.fail(`target.labels[${q(k)}]`, `key ${kp}`);
      requireString(c, `target.labels[${q(k)}]`, v);
      const vp = labelValueProblem(v);
      if (vp) c.fail(`target.labels[${q(k)}]`, `(${q(v)}) ${vp}`);
    }
  }
}
