/**
 * Kubernetes object names for per-domain certificates, after seed 003's convention
 * (`crates/traffic/src/tls.rs`): `cert-{app_id}-{domain with dots as dashes}` for the
 * Certificate and `tls-…` for its Secret. The names are a pure function of (app, domain),
 * so calling them again for the same custom domain gives the same objects (idempotent).
 *
 * Length rule (ours; seed 003 has none): a name is at most 63 characters, because
 * cert-manager copies the Certificate name into the label `cert-manager.io/certificate-name`
 * of its CertificateRequests and Secrets, and label values are limited to 63. When
 * `{prefix}-{app}-{slug}` is longer, it becomes
 * `{prefix}-{first characters of app-slug}-{10 hex of sha256(app-slug)}`: stable across runs,
 * unique in practice, and the same suffix for the `cert-` and `tls-` names of one domain.
 */
import { createHash } from "node:crypto";
import { dnsNameProblem } from "../common/dns";

/** Longest name produced (a Kubernetes label value). */
export const MAX_OBJECT_NAME_LENGTH = 63;
/** Hex characters of the hash suffix used when a name is shortened. */
export const NAME_HASH_LENGTH = 10;

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `blog.example.com` → `blog-example-com`; `*.example.com` → `wildcard-example-com`. Lower-cases. */
export function domainSlug(domain: string): string {
  const d = domain.trim().toLowerCase();
  const labels = d.split(".").map((l) => (l === "*" ? "wildcard" : l));
  return labels.join("-");
}

/**
 * Fits `{prefix}-{base}` into 63 characters, shortening with a stable hash of `base` when needed.
 * `prefixBudget` (default: the prefix's length) reserves room for a prefix, so that names with
 * different prefixes (`cert`, `tls`) keep the same shortened middle.
 */
export function fitObjectName(prefix: string, base: string, prefixBudget = prefix.length): string {
  const budget = Math.max(prefix.length, prefixBudget);
  if (budget + 1 + base.length <= MAX_OBJECT_NAME_LENGTH) return `${prefix}-${base}`;
  const hash = createHash("sha256").update(base).digest("hex").slice(0, NAME_HASH_LENGTH);
  const room = MAX_OBJECT_NAME_LENGTH - budget - 2 - NAME_HASH_LENGTH; // two dashes
  const head = base.slice(0, Math.max(0, room)).replace(/-+$/, "");
  return head ? `${prefix}-${head}-${hash}` : `${prefix}-${hash}`;
}

/** `cert` and `tls` names of one domain are shortened to the same middle part. */
const PAIR_PREFIX_BUDGET = "cert".length;

function appDomainBase(appId: string, domain: string): string {
  const app = appId.trim().toLowerCase();
  if (!RFC1123_LABEL.test(app)) {
    throw new Error(`app id ${JSON.stringify(appId)} cannot be part of a Kubernetes name: use letters, digits and inner hyphens`);
  }
  const problem = dnsNameProblem(domain.trim().toLowerCase(), { allowWildcard: true });
  if (problem) throw new Error(`domain ${JSON.stringify(domain)} ${problem}`);
  return `${app}-${domainSlug(domain)}`;
}

/** Seed 003's Certificate name: `cert-{appId}-{domain with dots as dashes}`, at most 63 characters. */
export function certificateName(appId: string | number, domain: string): string {
  return fitObjectName("cert", appDomainBase(String(appId), domain), PAIR_PREFIX_BUDGET);
}

/** Seed 003's Secret name: `tls-{appId}-{domain with dots as dashes}`, at most 63 characters. */
export function tlsSecretName(appId: string | number, domain: string): string {
  return fitObjectName("tls", appDomainBase(String(appId), domain), PAIR_PREFIX_BUDGET);
}

/**
 * The Secret name used when `certificate()` is given none: `cert-x` → `tls-x` (seed 003's pair),
 * anything else → `{name}-tls`, shortened by the same rule.
 */
export function defaultSecretName(certificateObjectName: string): string {
  if (certificateObjectName.startsWith("cert-")) return `tls-${certificateObjectName.slice(5)}`;
  const suffixed = `${certificateObjectName}-tls`;
  return suffixed.length <= MAX_OBJECT_NAME_LENGTH ? suffixed : fitObjectName("tls", certificateObjectName);
}
