/**
 * Construction-time validation of {@link CertManagerIssuerArgs} and {@link CertificateArgs}.
 * Pure functions; each throws an `EdgeMtlsArgumentError` naming the component, the instance,
 * the argument, the bad value and the fix. Values that are still unresolved Outputs are skipped.
 */
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem, isInZone, isWildcard } from "../common/dns";
import { formatHours, parseDurationMinutes } from "../common/duration";
import {
  argNames,
  chartVersionProblem,
  helmReleaseNameProblem,
  httpsUrlProblem,
  isKnown,
  isPlainObject,
  refuseUnknownKeys,
  requireArray,
  requireObject,
  requireOneOf,
  requireOptionalBoolean,
  requireString,
  requireStringInput,
  typeName,
  withoutCredentials,
} from "../common/validate";
import { MAX_OBJECT_NAME_LENGTH } from "./naming";
import {
  LETSENCRYPT_DIRECTORIES,
  type AcmeIssuerArgs,
  type CaIssuerArgs,
  type CertManagerInstallArgs,
  type CertManagerIssuerArgs,
  type CertificateArgs,
  type CloudflareDns01SolverArgs,
  type Http01SolverArgs,
  type IssuerKind,
  type SelfSignedIssuerArgs,
  type StackEnvironment,
} from "./types";

// The names each args interface has (the compiler keeps them in step, see argNames).
const ISSUER_ARGS = argNames<CertManagerIssuerArgs>()(["issuer", "install", "certManagerNamespace", "clusterResourceNamespace", "kind", "issuerNamespace", "issuerName", "environment", "allowProductionAcme", "waitForReady", "readyTimeout"]);
const ISSUER_SOURCE_ARGS = {
  acme: argNames<AcmeIssuerArgs>()(["type", "server", "email", "accountKeySecretName", "http01", "dns01"]),
  ca: argNames<CaIssuerArgs>()(["type", "authority", "secretName", "keyPairSecretName"]),
  selfSigned: argNames<SelfSignedIssuerArgs>()(["type"]),
} as const;
const INSTALL_ARGS = argNames<CertManagerInstallArgs>()(["version", "releaseName", "values"]);
const HTTP01_ARGS = argNames<Http01SolverArgs>()(["ingressClassName"]);
const DNS01_ARGS = argNames<NonNullable<AcmeIssuerArgs["dns01"]>>()(["cloudflare"]);
const CLOUDFLARE_DNS01_ARGS = argNames<CloudflareDns01SolverArgs>()(["apiToken", "zones", "secretName", "exactHostsInZones"]);
const CERTIFICATE_ARGS = argNames<CertificateArgs>()(["dnsNames", "namespace", "secretName", "duration", "renewBefore", "privateKey"]);

/** Component type used in error messages. */
export const COMPONENT = "CertManagerIssuer";

const KEY_ALGORITHMS = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"] as const;
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** cert-manager refuses `duration` under 1h and `renewBefore` under 5m (its API validation). */
const MIN_DURATION_MINUTES = 60;
const MIN_RENEW_BEFORE_MINUTES = 5;
/** cert-manager's default `duration` (90 days). */
export const DEFAULT_DURATION_MINUTES = 90 * 24 * 60;
/** Let's Encrypt accepts at most 100 names per certificate. */
export const ACME_MAX_NAMES = 100;

function isOutput(v: unknown): boolean {
  return pulumi.Output.isInstance(v);
}

/** Why `value` is not a Kubernetes namespace / label-style name (RFC 1123 label, ≤ 63), or undefined. */
export function labelNameProblem(value: string): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "is empty";
  if (value.length > MAX_OBJECT_NAME_LENGTH) return `is ${value.length} characters long; at most ${MAX_OBJECT_NAME_LENGTH} are allowed`;
  if (!RFC1123_LABEL.test(value)) return "must be lower-case letters, digits and inner hyphens (RFC 1123 label)";
  return undefined;
}

/** Why `value` is not a Kubernetes object name (RFC 1123 subdomain, ≤ 253), or undefined. */
export function objectNameProblem(value: string): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "is empty";
  if (value.length > 253) return `is ${value.length} characters long; at most 253 are allowed`;
  if (!RFC1123_SUBDOMAIN.test(value)) return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)";
  return undefined;
}

/** Why `email` is not a usable ACME account e-mail, or undefined. */
export function emailProblem(email: string): string | undefined {
  if (typeof email !== "string" || email.trim() === "") return "is empty";
  const m = /^([^\s@]+)@([^\s@]+)$/.exec(email);
  if (!m) return "is not an e-mail address (expected local@domain)";
  const domainProblem = dnsNameProblem((m[2] ?? "").toLowerCase());
  if (domainProblem) return `has a domain that ${domainProblem}`;
  return undefined;
}

/** Reads the stack marker from config `edge-mtls:environment`: `production`/`prod` → production, other values → non-production. */
export function environmentFromConfig(value: string | undefined): StackEnvironment | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return ["production", "prod"].includes(value.trim().toLowerCase()) ? "production" : "non-production";
}

/** The ACME directory URL for a server name or URL. */
export function acmeDirectoryUrl(server: string | undefined): string {
  const s = server ?? "letsencrypt-staging";
  return s in LETSENCRYPT_DIRECTORIES ? LETSENCRYPT_DIRECTORIES[s as keyof typeof LETSENCRYPT_DIRECTORIES] : s;
}

/**
 * An ACME directory URL in canonical form, for comparing: lower-case scheme and host, the default
 * port dropped, trailing slashes and surrounding whitespace removed. `HTTPS://ACME-V02.api.letsencrypt.org:443/directory/`
 * is the same directory as `https://acme-v02.api.letsencrypt.org/directory`.
 */
export function canonicalAcmeUrl(url: string): string {
  try {
    const u = new URL(url.trim());
    const path = u.pathname.replace(/\/+$/, "");
    return `${u.protocol}//${u.host}${path}${u.search}`;
  } catch {
    return url.trim();
  }
}

/** True when `server` is Let's Encrypt production (by name or by any spelling of its URL). */
export function isProductionAcme(server: string | undefined): boolean {
  return canonicalAcmeUrl(acmeDirectoryUrl(server)) === canonicalAcmeUrl(LETSENCRYPT_DIRECTORIES["letsencrypt-production"]);
}

/** True when `server` is one of Let's Encrypt's directories (production or staging). */
export function isLetsEncrypt(server: string | undefined): boolean {
  const url = canonicalAcmeUrl(acmeDirectoryUrl(server));
  return Object.values(LETSENCRYPT_DIRECTORIES).some((d) => canonicalAcmeUrl(d) === url);
}

/** Lifetime of Let's Encrypt's default-profile certificates; cert-manager's `duration` does not change it. */
export const LETSENCRYPT_LIFETIME_MINUTES = 90 * 24 * 60;

/**
 * Why a cert-manager renewal window is wrong, or undefined: `renewBefore` must be at least 5m and
 * shorter than `duration` (cert-manager's API validation), `duration` at least 1h; with Let's Encrypt
 * the certificate lives 90 days whatever `duration` asks, so `renewBefore` must be shorter than that.
 * Returns `[argument, problem]` with the argument being `"duration"` or `"renewBefore"`.
 */
export function renewalWindowProblem(
  duration: string | undefined,
  renewBefore: string | undefined,
  options: { letsEncrypt?: boolean; defaultDuration?: string } = {},
): ["duration" | "renewBefore", string] | undefined {
  let durationMinutes = DEFAULT_DURATION_MINUTES;
  if (duration !== undefined) {
    const d = parseDurationMinutes(duration);
    if (d === undefined) return ["duration", `(${q(duration)}) is not a duration; use e.g. "90d", "2160h", "1y30d"`];
    if (d < MIN_DURATION_MINUTES) return ["duration", `(${duration}) must be at least 1h (cert-manager's minimum)`];
    durationMinutes = d;
  }
  if (renewBefore === undefined) return undefined;
  const r = parseDurationMinutes(renewBefore);
  if (r === undefined) return ["renewBefore", `(${q(renewBefore)}) is not a duration; use e.g. "30d", "720h"`];
  if (r < MIN_RENEW_BEFORE_MINUTES) return ["renewBefore", `(${renewBefore}) must be at least 5m (cert-manager's minimum)`];
  if (r >= durationMinutes) {
    return ["renewBefore", `(${renewBefore}) must be shorter than duration (${duration ?? options.defaultDuration ?? "90d, cert-manager's default"}); a certificate renewed before it is issued would re-issue forever`];
  }
  if (options.letsEncrypt && r >= LETSENCRYPT_LIFETIME_MINUTES) {
    return ["renewBefore", `(${renewBefore}) is not shorter than the 90 days Let's Encrypt certificates live (Let's Encrypt ignores duration); cert-manager would renew at once on every issuance — use e.g. "30d"`];
  }
  return undefined;
}

/** Which solver the rendered issuer would use for `dnsName` (cert-manager's selection, see render.ts), or undefined when none can. */
export function acmeSolverFor(dnsName: string, acme: Pick<AcmeIssuerArgs, "http01" | "dns01">): "http01" | "dns01" | undefined {
  const http01 = acme.http01 !== false;
  const cf = acme.dns01?.cloudflare;
  const base = isWildcard(dnsName) ? dnsName.slice(2) : dnsName;
  const inZones = cf ? cf.zones.some((z) => isInZone(base, z)) : false;
  if (isWildcard(dnsName)) return inZones ? "dns01" : undefined;
  if (inZones && (cf?.exactHostsInZones ?? "dns01") === "dns01") return "dns01";
  if (http01) return "http01";
  return inZones ? "dns01" : undefined;
}

function checkDuration(c: ArgChecker, argument: string, value: string, minMinutes: number): number {
  const minutes = parseDurationMinutes(value);
  if (minutes === undefined) c.fail(argument, `(${q(value)}) is not a duration; use e.g. "90d", "2160h", "1y30d"`);
  c.check(minutes >= minMinutes, argument, `(${value}) must be at least ${minMinutes >= 60 ? formatHours(minMinutes / 60) : `${minMinutes}m`} (cert-manager's minimum)`);
  return minutes;
}

function checkAcme(c: ArgChecker, acme: AcmeIssuerArgs, environment: StackEnvironment | undefined, allowProduction: boolean): void {
  if (!isOutput(acme.email)) {
    const p = emailProblem(acme.email);
    if (p) c.fail("issuer.email", `(${q(acme.email)}) ${p}; give the address Let's Encrypt should write to, e.g. "ops@yourdomain.net"`);
  }
  const server = acme.server ?? "letsencrypt-staging";
  requireString(c, "issuer.server", server);
  if (!(server in LETSENCRYPT_DIRECTORIES)) {
    const p = /^[a-z-]+$/.test(server) ? "is not a known directory name" : httpsUrlProblem(server, { allowPath: true });
    if (p) c.fail("issuer.server", `(${q(withoutCredentials(server))}) ${p}; use "letsencrypt-production", "letsencrypt-staging" or an https:// ACME directory URL`);
  }
  if (isProductionAcme(server) && environment === "non-production" && !allowProduction) {
    c.fail(
      "issuer.server",
      `(${q(server)}) is Let's Encrypt production, but this stack is marked non-production; use "letsencrypt-staging", ` +
        "or set allowProductionAcme: true if this stack really needs trusted certificates",
    );
  }
  if (acme.accountKeySecretName !== undefined) {
    const p = objectNameProblem(acme.accountKeySecretName);
    if (p) c.fail("issuer.accountKeySecretName", `(${q(acme.accountKeySecretName)}) ${p}`);
  }
  const http01 = acme.http01 === undefined ? {} : acme.http01;
  if (http01 !== false && http01.ingressClassName !== undefined) {
    const p = labelNameProblem(http01.ingressClassName);
    if (p) c.fail("issuer.http01.ingressClassName", `(${q(http01.ingressClassName)}) ${p}`);
  }
  const cf = acme.dns01?.cloudflare;
  if (acme.dns01 !== undefined && cf === undefined) c.fail("issuer.dns01", "needs a cloudflare solver: { cloudflare: { apiToken, zones } }");
  c.check(http01 !== false || cf !== undefined, "issuer", "has no ACME solver: keep http01 or add dns01.cloudflare");
  if (!cf) return;
  const token: unknown = cf.apiToken;
  if (!isOutput(token)) {
    c.check(
      typeof token === "string" && token.trim() !== "",
      "issuer.dns01.cloudflare.apiToken",
      `(${token === undefined ? "missing" : "empty"}) is required for DNS-01: pass a Cloudflare API token with Zone:DNS:Edit and Zone:Zone:Read, e.g. config.requireSecret("cloudflareApiToken")`,
    );
  }
  c.check(Array.isArray(cf.zones) && cf.zones.length > 0, "issuer.dns01.cloudflare.zones", "must list at least one zone, e.g. [\"example.com\"]");
  for (const [i, zone] of cf.zones.entries()) {
    const p = dnsNameProblem(zone);
    if (p) c.fail(`issuer.dns01.cloudflare.zones[${i}]`, `(${q(zone)}) ${p}`);
  }
  if (cf.secretName !== undefined) {
    const p = objectNameProblem(cf.secretName);
    if (p) c.fail("issuer.dns01.cloudflare.secretName", `(${q(cf.secretName)}) ${p}`);
  }
  const exact = cf.exactHostsInZones ?? "dns01";
  c.check(exact === "dns01" || exact === "http01", "issuer.dns01.cloudflare.exactHostsInZones", `(${q(exact)}) must be "dns01" or "http01"`);
  c.check(exact === "dns01" || http01 !== false, "issuer.dns01.cloudflare.exactHostsInZones", `("http01") needs the HTTP-01 solver, which is disabled`);
}

/**
 * The type contract of {@link CertManagerIssuerArgs} for every caller, plain JavaScript included:
 * wrong types and unknown discriminants fail here, with the argument's path, before the value checks.
 */
export function checkIssuerContract(name: unknown, args: unknown): void {
  const c = argChecker(COMPONENT, String(name));
  requireString(c, "name", name);
  requireObject(c, "args", args, '{ issuer: { type: "acme" | "ca" | "selfSigned", … } }');
  refuseUnknownKeys(c, "", args, ISSUER_ARGS);
  requireObject(c, "issuer", args.issuer, '{ type: "acme" | "ca" | "selfSigned", … }');
  const issuer = args.issuer;
  requireOneOf(c, "issuer.type", issuer.type, ["acme", "ca", "selfSigned"], false);
  refuseUnknownKeys(c, "issuer", issuer, ISSUER_SOURCE_ARGS[issuer.type as keyof typeof ISSUER_SOURCE_ARGS]);
  requireOneOf(c, "kind", args.kind, ["ClusterIssuer", "Issuer"]);
  requireOneOf(c, "environment", args.environment, ["production", "non-production"]);
  for (const key of ["certManagerNamespace", "clusterResourceNamespace", "issuerNamespace", "issuerName", "readyTimeout"] as const) requireString(c, key, args[key], true);
  for (const key of ["allowProductionAcme", "waitForReady"] as const) requireOptionalBoolean(c, key, args[key]);
  const install = args.install;
  if (install !== undefined && typeof install !== "boolean") {
    requireObject(c, "install", install, 'or true, e.g. { version: "v1.21.1" }');
    refuseUnknownKeys(c, "install", install, INSTALL_ARGS);
    requireString(c, "install.version", install.version, true);
    requireString(c, "install.releaseName", install.releaseName, true);
    if (install.values !== undefined && !isPlainObject(install.values)) c.fail("install.values", `is ${typeName(install.values)}; give chart values as an object`);
  }
  if (issuer.type === "acme") {
    requireStringInput(c, "issuer.email", issuer.email);
    requireString(c, "issuer.server", issuer.server, true);
    requireString(c, "issuer.accountKeySecretName", issuer.accountKeySecretName, true);
    if (issuer.http01 !== undefined && issuer.http01 !== false) {
      requireObject(c, "issuer.http01", issuer.http01, 'or false, e.g. { ingressClassName: "traefik" }');
      refuseUnknownKeys(c, "issuer.http01", issuer.http01, HTTP01_ARGS);
      requireString(c, "issuer.http01.ingressClassName", issuer.http01.ingressClassName, true);
    }
    if (issuer.dns01 !== undefined) {
      requireObject(c, "issuer.dns01", issuer.dns01, "{ cloudflare: { apiToken, zones } }");
      refuseUnknownKeys(c, "issuer.dns01", issuer.dns01, DNS01_ARGS);
      requireObject(c, "issuer.dns01.cloudflare", issuer.dns01.cloudflare, '{ apiToken, zones: ["example.com"] }');
      refuseUnknownKeys(c, "issuer.dns01.cloudflare", issuer.dns01.cloudflare, CLOUDFLARE_DNS01_ARGS);
      const cf = issuer.dns01.cloudflare;
      if (isKnown(cf.apiToken) && cf.apiToken !== undefined && typeof cf.apiToken !== "string") {
        c.fail("issuer.dns01.cloudflare.apiToken", `is ${typeName(cf.apiToken)}; give the token as a string or a secret Output (the value is not shown)`);
      }
      requireArray(c, "issuer.dns01.cloudflare.zones", cf.zones, false, (z, path) => requireString(c, path, z));
      requireString(c, "issuer.dns01.cloudflare.secretName", cf.secretName, true);
      requireOneOf(c, "issuer.dns01.cloudflare.exactHostsInZones", cf.exactHostsInZones, ["dns01", "http01"]);
    }
  } else if (issuer.type === "ca") {
    if (issuer.authority !== undefined) {
      requireObject(c, "issuer.authority", issuer.authority, "(such as an InternalCA)");
      c.check(
        issuer.authority.issuerCertPem !== undefined && issuer.authority.issuerPrivateKeyPem !== undefined,
        "issuer.authority",
        "has no issuerCertPem/issuerPrivateKeyPem; pass an InternalCA (or another CertificateAuthority)",
      );
    }
    requireString(c, "issuer.secretName", issuer.secretName, true);
    requireString(c, "issuer.keyPairSecretName", issuer.keyPairSecretName, true);
  }
}

/** Validates the component's arguments; throws on the first problem. `environment` is the resolved stack marker. */
export function validateIssuerArgs(name: string, args: CertManagerIssuerArgs, environment: StackEnvironment | undefined): void {
  checkIssuerContract(name, args);
  const c = argChecker(COMPONENT, name);
  c.check(args !== undefined && args !== null && typeof args.issuer === "object" && args.issuer !== null, "issuer", "is required: { type: \"acme\" | \"ca\" | \"selfSigned\", … }");
  const kind: string = args.kind ?? "ClusterIssuer";
  c.check(kind === "ClusterIssuer" || kind === "Issuer", "kind", `(${q(kind)}) must be "ClusterIssuer" or "Issuer"`);
  if (kind === "Issuer") {
    c.check(args.issuerNamespace !== undefined, "issuerNamespace", "is required for a namespaced Issuer");
  } else {
    c.check(args.issuerNamespace === undefined, "issuerNamespace", `(${q(args.issuerNamespace)}) applies only to kind "Issuer"; a ClusterIssuer has no namespace`);
  }
  for (const key of ["issuerNamespace", "certManagerNamespace", "clusterResourceNamespace"] as const) {
    const v = args[key];
    if (v === undefined) continue;
    const p = labelNameProblem(v);
    if (p) c.fail(key, `(${q(v)}) ${p}`);
  }
  const issuerName = args.issuerName ?? name;
  const np = objectNameProblem(issuerName);
  if (np) c.fail(args.issuerName === undefined ? "name (used as issuerName)" : "issuerName", `(${q(issuerName)}) ${np}`);
  if (typeof args.install === "object") {
    if (args.install.version !== undefined) {
      const p = chartVersionProblem(args.install.version);
      if (p) c.fail("install.version", `(${q(args.install.version)}) ${p}; the cert-manager chart's versions are its release tags, e.g. "v1.21.1"`);
    }
    if (args.install.releaseName !== undefined) {
      const p = helmReleaseNameProblem(args.install.releaseName);
      if (p) c.fail("install.releaseName", `(${q(args.install.releaseName)}) ${p}`);
    }
    c.check(
      args.install.values?.installCRDs === undefined,
      "install.values.installCRDs",
      "is deprecated by the cert-manager chart; remove it (the component always sets crds.enabled: true)",
    );
  }
  if (args.readyTimeout !== undefined) checkDuration(c, "readyTimeout", args.readyTimeout, 1);
  const issuer = args.issuer;
  switch (issuer.type) {
    case "acme":
      checkAcme(c, issuer, environment, args.allowProductionAcme ?? false);
      break;
    case "ca": {
      const sources = (issuer.authority ? 1 : 0) + (issuer.secretName !== undefined ? 1 : 0);
      c.check(sources === 1, "issuer", `needs exactly one of authority (e.g. an InternalCA) or secretName; got ${sources === 0 ? "neither" : "both"}`);
      for (const key of ["secretName", "keyPairSecretName"] as const) {
        const v = issuer[key];
        if (v === undefined) continue;
        const p = objectNameProblem(v);
        if (p) c.fail(`issuer.${key}`, `(${q(v)}) ${p}`);
      }
      c.check(!(issuer.secretName !== undefined && issuer.keyPairSecretName !== undefined), "issuer.keyPairSecretName", "applies only with authority; with secretName the existing Secret is used");
      break;
    }
    case "selfSigned":
      break;
    default:
      c.fail("issuer.type", `(${q((issuer as { type?: unknown }).type)}) must be "acme", "ca" or "selfSigned"`);
  }
}

/** What {@link validateCertificateArgs} needs to know about the issuer. */
export interface IssuerContext {
  readonly kind: IssuerKind;
  /** Namespace of a namespaced Issuer. */
  readonly issuerNamespace?: string;
  /** Solver settings when the issuer is ACME. */
  readonly acme?: Pick<AcmeIssuerArgs, "http01" | "dns01" | "server">;
}

/** Validates one `certificate()` call; throws on the first problem. Returns nothing. */
export function validateCertificateArgs(componentName: string, certName: string, args: CertificateArgs, issuer: IssuerContext): void {
  const c = argChecker(COMPONENT, componentName);
  const at = `certificate(${q(certName)})`;
  requireString(c, `${at} name`, certName);
  requireObject(c, `${at} args`, args, '{ dnsNames: ["app.example.com"], namespace: "apps" }');
  refuseUnknownKeys(c, `${at} args`, args, CERTIFICATE_ARGS);
  requireString(c, `${at} namespace`, args.namespace);
  requireArray(c, `${at} dnsNames`, args.dnsNames, false, (v, path) => requireString(c, path, v));
  for (const key of ["secretName", "duration", "renewBefore", "privateKey"] as const) requireString(c, `${at} ${key}`, args[key], true);
  const np = labelNameProblem(certName);
  if (np) {
    c.fail(`${at} name`, `${np}; cert-manager copies it into a label (≤ 63 characters) — use certificateName(app, domain), which shortens stably`);
  }
  c.check(args !== undefined && args !== null, `${at} args`, "are required: { dnsNames, namespace }");
  const nsp = labelNameProblem(args.namespace);
  if (nsp) c.fail(`${at} namespace`, `(${q(args.namespace)}) ${nsp}`);
  if (issuer.kind === "Issuer") {
    c.check(
      args.namespace === issuer.issuerNamespace,
      `${at} namespace`,
      `(${q(args.namespace)}) differs from the Issuer's namespace (${q(issuer.issuerNamespace)}); a namespaced Issuer only signs in its own namespace — use kind "ClusterIssuer"`,
    );
  }
  if (args.secretName !== undefined) {
    const p = objectNameProblem(args.secretName);
    if (p) c.fail(`${at} secretName`, `(${q(args.secretName)}) ${p}`);
  }
  c.check(Array.isArray(args.dnsNames) && args.dnsNames.length > 0, `${at} dnsNames`, "must list at least one DNS name");
  const seen = new Set<string>();
  for (const [i, dnsName] of args.dnsNames.entries()) {
    const p = dnsNameProblem(dnsName, { allowWildcard: true });
    if (p) c.fail(`${at} dnsNames[${i}]`, `(${q(dnsName)}) ${p}`);
    c.check(!seen.has(dnsName), `${at} dnsNames[${i}]`, `(${q(dnsName)}) is listed twice`);
    seen.add(dnsName);
  }
  if (issuer.acme) {
    c.check(args.dnsNames.length <= ACME_MAX_NAMES, `${at} dnsNames`, `has ${args.dnsNames.length} names; Let's Encrypt allows at most ${ACME_MAX_NAMES} per certificate`);
    const cf = issuer.acme.dns01?.cloudflare;
    for (const [i, dnsName] of args.dnsNames.entries()) {
      if (acmeSolverFor(dnsName, issuer.acme)) continue;
      if (isWildcard(dnsName) && !cf) {
        c.fail(
          `${at} dnsNames[${i}]`,
          `(${q(dnsName)}) is a wildcard, which only DNS-01 can validate, but the issuer has only HTTP-01; add issuer.dns01.cloudflare with its zone`,
        );
      }
      c.fail(
        `${at} dnsNames[${i}]`,
        `(${q(dnsName)}) has no ACME solver: it is outside the DNS-01 zones ${q(cf?.zones ?? [])}${issuer.acme.http01 === false ? " and HTTP-01 is disabled" : ""}; add its zone to issuer.dns01.cloudflare.zones`,
      );
    }
  }
  const window = renewalWindowProblem(args.duration, args.renewBefore, { letsEncrypt: issuer.acme !== undefined && isLetsEncrypt(issuer.acme.server) });
  if (window) c.fail(`${at} ${window[0]}`, window[1]);
  if (args.privateKey !== undefined) {
    c.check((KEY_ALGORITHMS as readonly string[]).includes(args.privateKey), `${at} privateKey`, `(${q(args.privateKey)}) must be one of ${KEY_ALGORITHMS.join(", ")}`);
  }
}
