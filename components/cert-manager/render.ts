/**
 * Pure manifest builders. What they return is typed with @kubernetes-models/cert-manager's
 * interfaces, and the tests validate every rendered object against the upstream CRD schemas.
 */
import type { IIssuerSpec } from "@kubernetes-models/cert-manager/cert-manager.io/v1/IssuerSpec" with { "resolution-mode": "import" };
import type { ICertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate" with { "resolution-mode": "import" };
import type { IACMEChallengeSolver } from "@kubernetes-models/cert-manager/acme.cert-manager.io/v1/ACMEChallengeSolver" with { "resolution-mode": "import" };
import { parseDurationMinutes } from "../common/duration";
import type { KeyAlgorithm } from "../internal-ca/types";
import { acmeDirectoryUrl } from "./validate";
import type { AcmeIssuerArgs, CertificateArgs, IssuerReference } from "./types";

/** cert-manager's API group. */
export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";
/** Key of the Cloudflare token inside its Secret. */
export const CLOUDFLARE_TOKEN_KEY = "api-token";
/** Default ingress class of the HTTP-01 solver. */
export const DEFAULT_INGRESS_CLASS = "traefik";
/** Default wait for `Ready`, in seconds (10 minutes: ACME orders with DNS propagation take minutes). */
export const DEFAULT_READY_TIMEOUT_SECONDS = 600;

/** Certificate spec as rendered (cert-manager's typed spec). */
export type CertificateSpec = NonNullable<ICertificate["spec"]>;
/** Issuer / ClusterIssuer spec as rendered. */
export type IssuerSpec = IIssuerSpec;

export type { IssuerReference } from "./types";

/**
 * ACME solvers with selectors (cert-manager `challengeSpecForAuthorization`,
 * pkg/controller/acmeorders/util.go): a solver whose challenge type the ACME server does not offer
 * is skipped — Let's Encrypt offers only DNS-01 for wildcard identifiers — and among the rest a
 * `dnsNames` match beats a `dnsZones` match (more matching labels wins), which beats an empty
 * selector; ties go to the first solver listed.
 *
 * - HTTP-01 only: one solver, no selector (wildcards are refused at `certificate()`).
 * - DNS-01 only: one solver with `selector.dnsZones` (names outside the zones never reach Cloudflare).
 * - both, `exactHostsInZones: "dns01"`: HTTP-01 without selector, DNS-01 with `dnsZones`
 *   → every name in the zones (wildcards included) uses DNS-01, other names HTTP-01.
 * - both, `exactHostsInZones: "http01"`: HTTP-01 with `dnsZones`, then DNS-01 with the same `dnsZones`,
 *   then HTTP-01 without selector → wildcards DNS-01 (HTTP-01 is not offered for them), exact hosts
 *   in the zones HTTP-01 (tie → first listed), names outside the zones HTTP-01.
 */
export function renderAcmeSolvers(acme: Pick<AcmeIssuerArgs, "http01" | "dns01">, cloudflareSecretName: string): IACMEChallengeSolver[] {
  const http01Args = acme.http01 === undefined ? {} : acme.http01;
  const http01: IACMEChallengeSolver | undefined =
    http01Args === false ? undefined : { http01: { ingress: { ingressClassName: http01Args.ingressClassName ?? DEFAULT_INGRESS_CLASS } } };
  const cf = acme.dns01?.cloudflare;
  if (!cf) return http01 ? [http01] : [];
  const zones = [...cf.zones];
  const dns01: IACMEChallengeSolver = {
    dns01: { cloudflare: { apiTokenSecretRef: { name: cloudflareSecretName, key: CLOUDFLARE_TOKEN_KEY } } },
    selector: { dnsZones: zones },
  };
  if (!http01) return [dns01];
  if ((cf.exactHostsInZones ?? "dns01") === "dns01") return [http01, dns01];
  return [{ ...http01, selector: { dnsZones: zones } }, dns01, http01];
}

/** The ACME issuer spec. */
export function renderAcmeIssuerSpec(acme: AcmeIssuerArgs, names: { accountKeySecretName: string; cloudflareSecretName: string }): IssuerSpec {
  return {
    acme: {
      server: acmeDirectoryUrl(acme.server),
      email: acme.email,
      privateKeySecretRef: { name: names.accountKeySecretName },
      solvers: renderAcmeSolvers(acme, names.cloudflareSecretName),
    },
  };
}

/** The CA issuer spec (signs with the key pair in `secretName`). */
export function renderCaIssuerSpec(secretName: string): IssuerSpec {
  return { ca: { secretName } };
}

/** The self-signed issuer spec. */
export function renderSelfSignedIssuerSpec(): IssuerSpec {
  return { selfSigned: {} };
}

/** A duration as the Go duration string cert-manager expects (`"90d"` → `"2160h0m0s"`). Undefined for an invalid duration. */
export function toCertManagerDuration(value: string): string | undefined {
  const minutes = parseDurationMinutes(value);
  if (minutes === undefined) return undefined;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m0s`;
}

/** cert-manager's `privateKey` block for a key algorithm, always with `rotationPolicy: Always`. */
export function renderPrivateKey(algorithm: KeyAlgorithm = "ECDSA-P256"): NonNullable<CertificateSpec["privateKey"]> {
  const [family, param] = algorithm.split("-") as [string, string];
  return family === "ECDSA"
    ? { algorithm: "ECDSA", size: Number(param.slice(1)), rotationPolicy: "Always" }
    : { algorithm: "RSA", size: Number(param), rotationPolicy: "Always" };
}

/** The Certificate spec for `certificate()`. `secretName` is already resolved. */
export function renderCertificateSpec(args: CertificateArgs & { secretName: string }, issuerRef: IssuerReference): CertificateSpec {
  const duration = args.duration === undefined ? undefined : toCertManagerDuration(args.duration);
  const renewBefore = args.renewBefore === undefined ? undefined : toCertManagerDuration(args.renewBefore);
  return {
    secretName: args.secretName,
    issuerRef: { name: issuerRef.name, kind: issuerRef.kind, group: issuerRef.group },
    dnsNames: [...args.dnsNames],
    ...(duration ? { duration } : {}),
    ...(renewBefore ? { renewBefore } : {}),
    privateKey: renderPrivateKey(args.privateKey),
  };
}

/**
 * Annotations that make the Kubernetes provider wait for `Ready=True` (pulumi-kubernetes ≥ 4.18,
 * PR #3134 "User-defined await logic": `pulumi.com/waitFor: condition=Type[=Value]`) and give up after
 * `pulumi.com/timeoutSeconds`, failing the update.
 */
export function readinessAnnotations(wait: boolean, timeoutSeconds: number): Record<string, string> {
  if (!wait) return {};
  return { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(timeoutSeconds) };
}

function pemBlock(pem: string): string {
  const t = pem.trim();
  return t ? `${t}\n` : "";
}

/**
 * `tls.crt` for a CA issuer Secret: the signing certificate, then the root when the signer is an
 * intermediate, so issued Secrets carry the chain to the root.
 */
export function caIssuerCertChain(issuerCertPem: string, rootCertPem: string): string {
  const issuer = pemBlock(issuerCertPem);
  const root = pemBlock(rootCertPem);
  return issuer.trim() === root.trim() || root === "" ? issuer : issuer + root;
}

/** Helm values for the cert-manager chart: the user's, with `crds.enabled: true` forced, plus the cluster resource namespace when it differs. */
export function certManagerChartValues(
  userValues: Record<string, unknown> | undefined,
  namespace: string,
  clusterResourceNamespace: string,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...(userValues ?? {}) };
  const crds = typeof values.crds === "object" && values.crds !== null ? (values.crds as Record<string, unknown>) : {};
  values.crds = { ...crds, enabled: true };
  if (clusterResourceNamespace !== namespace) values.clusterResourceNamespace = clusterResourceNamespace;
  return values;
}
