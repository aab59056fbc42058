/**
 * Construction-time validation of {@link CertManagerIssuerArgs} and {@link CertificateArgs}.
 * Pure functions; each throws an `EdgeMtlsArgumentError` naming the component, the instance,
 * the argument, the bad value and the fix. Values that are still unresolved Outputs are skipped.
 */
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem, isInZone, isWildcard } from "../common/dns";
import { formatHours, parseDurationMinutes } from "../common/duration";
import { MAX_OBJECT_NAME_LENGTH } from "./naming";
import {
  LETSENCRYPT_DIRECTORIES,
  type AcmeIssuerArgs,
  type CertManagerIssuerArgs,
  type CertificateArgs,
  type IssuerKind,
  type StackEnvironment,
} from "./types";

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

/** True when `server` is Let's Encrypt production (by name or URL). */
export function isProductionAcme(server: string | undefined): boolean {
  return acmeDirectoryUrl(server) === LETSENCRYPT_DIRECTORIES["letsencrypt-production"];
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
  if (!(server in LETSENCRYPT_DIRECTORIES) && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(server)) {
    c.fail("issuer.server", `(${q(server)}) must be "letsencrypt-production", "letsencrypt-staging" or an https:// ACME directory URL`);
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

/** Validates the component's arguments; throws on the first problem. `environment` is the resolved stack marker. */
export function validateIssuerArgs(name: string, args: CertManagerIssuerArgs, environment: StackEnvironment | undefined): void {
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
      c.check(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(args.install.version), "install.version", `(${q(args.install.version)}) must be a chart version such as "v1.21.1"`);
    }
    if (args.install.releaseName !== undefined) {
      const p = labelNameProblem(args.install.releaseName);
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
  readonly acme?: Pick<AcmeIssuerArgs, "http01" | "dns01">;
}

/** Validates one `certificate()` call; throws on the first problem. Returns nothing. */
export function validateCertificateArgs(componentName: string, certName: string, args: CertificateArgs, issuer: IssuerContext): void {
  const c = argChecker(COMPONENT, componentName);
  const at = `certificate(${q(certName)})`;
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
  let durationMinutes = DEFAULT_DURATION_MINUTES;
  if (args.duration !== undefined) durationMinutes = checkDuration(c, `${at} duration`, args.duration, MIN_DURATION_MINUTES);
  if (args.renewBefore !== undefined) {
    const renew = checkDuration(c, `${at} renewBefore`, args.renewBefore, MIN_RENEW_BEFORE_MINUTES);
    c.check(
      renew < durationMinutes,
      `${at} renewBefore`,
      `(${args.renewBefore}) must be shorter than duration (${args.duration ?? "90d, cert-manager's default"}); a certificate renewed before it is issued would re-issue forever`,
    );
  }
  if (args.privateKey !== undefined) {
    c.check((KEY_ALGORITHMS as readonly string[]).includes(args.privateKey), `${at} privateKey`, `(${q(args.privateKey)}) must be one of ${KEY_ALGORITHMS.join(", ")}`);
  }
}
