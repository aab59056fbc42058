import type * as pulumi from "@pulumi/pulumi";
import type { Duration } from "../common/duration";
import type { CertificateAuthority, KeyAlgorithm } from "../internal-ca/types";

/**
 * cert-manager Helm chart pinned by this library (from https://charts.jetstack.io): v1.21.1,
 * vendored verbatim in `shared/charts/cert-manager-v1.21.1`, whose `values.schema.json` the
 * release's values are tested against (test/upstream/helm-values.test.ts). v1.19 is out of
 * support since v1.21 was released (https://cert-manager.io/docs/releases/). docs/pins.md says how to bump it.
 */
export const CERT_MANAGER_CHART_VERSION = "v1.21.1";
/** The official cert-manager chart repository. */
export const CERT_MANAGER_CHART_REPO = "https://charts.jetstack.io";
/** Let's Encrypt ACME v2 directories. */
export const LETSENCRYPT_DIRECTORIES = {
  /** Let's Encrypt production. */
  "letsencrypt-production": "https://acme-v02.api.letsencrypt.org/directory",
  /** Let's Encrypt staging (untrusted certificates, high rate limits). */
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
/** A Let's Encrypt directory by name. */
export type LetsEncryptDirectory = keyof typeof LETSENCRYPT_DIRECTORIES;

/** Which kind of issuer object to create. */
export type IssuerKind = "ClusterIssuer" | "Issuer";

/** An issuer reference (`issuerRef`) pointing at the issuer this component created. */
export interface IssuerReference {
  /** Issuer name. */
  readonly name: string;
  /** `ClusterIssuer` or `Issuer`. */
  readonly kind: IssuerKind;
  /** Always `cert-manager.io`. */
  readonly group: "cert-manager.io";
}

/** Whether the stack serves real users. Guards against burning Let's Encrypt production rate limits from test stacks. */
export type StackEnvironment = "production" | "non-production";

/** Installs cert-manager from the official Helm chart. */
export interface CertManagerInstallArgs {
  /** Chart version (a cert-manager release tag). @default {@link CERT_MANAGER_CHART_VERSION} */
  readonly version?: string;
  /** Helm release name. @default "cert-manager" */
  readonly releaseName?: string;
  /**
   * Extra chart values, merged over the component's (`crds.enabled: true` always wins;
   * the deprecated `installCRDs` is refused). @default {}
   */
  readonly values?: Record<string, unknown>;
}

/** HTTP-01 solver (exact host names only; ACME servers never offer HTTP-01 for wildcards). */
export interface Http01SolverArgs {
  /** IngressClass the solver's temporary Ingress uses (`spec.ingressClassName`). @default "traefik" */
  readonly ingressClassName?: string;
}

/**
 * DNS-01 solver through Cloudflare. The API token needs **Zone → DNS → Edit** and
 * **Zone → Zone → Read**, zone resources **Include → All zones** (cert-manager's Cloudflare docs).
 */
export interface CloudflareDns01SolverArgs {
  /** Cloudflare API token. Written to a Kubernetes Secret as a Pulumi secret; never logged. Required. */
  readonly apiToken: pulumi.Input<string>;
  /**
   * Zones (apex names, e.g. `example.com`) whose names this solver validates. Rendered as the
   * solver's `selector.dnsZones`, so names outside them never reach Cloudflare. Required, non-empty.
   */
  readonly zones: readonly string[];
  /** Name of the Secret holding the token. @default `{issuerName}-cloudflare-api-token` */
  readonly secretName?: string;
  /**
   * Which solver validates *exact* host names inside `zones` when HTTP-01 is also enabled.
   * `"dns01"`: every name in the zones uses DNS-01 (works behind Cloudflare Tunnel, no inbound HTTP).
   * `"http01"`: only wildcards use DNS-01; exact hosts in the zones use HTTP-01.
   * Names outside `zones` always use HTTP-01. @default "dns01"
   */
  readonly exactHostsInZones?: "dns01" | "http01";
}

/** An ACME (Let's Encrypt) issuer. */
export interface AcmeIssuerArgs {
  /** Selects the ACME issuer. Required. */
  readonly type: "acme";
  /**
   * ACME directory: `"letsencrypt-production"`, `"letsencrypt-staging"` or an `https://` URL.
   * Production in a stack marked non-production needs `allowProductionAcme`. @default "letsencrypt-staging"
   */
  readonly server?: LetsEncryptDirectory | (string & {});
  /** Account e-mail (expiry and policy notices). Required. */
  readonly email: string;
  /** Secret cert-manager stores the ACME account key in (it creates the key). @default `{issuerName}-acme-account-key` */
  readonly accountKeySecretName?: string;
  /** HTTP-01 solver; `false` disables it. @default `{ ingressClassName: "traefik" }` */
  readonly http01?: Http01SolverArgs | false;
  /** DNS-01 solver through Cloudflare (needed for wildcards). @default none */
  readonly dns01?: {
    /** Cloudflare DNS-01 solver settings. */
    readonly cloudflare: CloudflareDns01SolverArgs;
  };
}

/** A CA issuer: signs with a key pair held in a `kubernetes.io/tls` Secret. */
export interface CaIssuerArgs {
  /** Selects the CA issuer. Required. */
  readonly type: "ca";
  /**
   * The CA to sign with (e.g. an `InternalCA`). Its issuer certificate (with the root appended when it is an
   * intermediate) and key are written to a Secret as cert-manager expects. Exactly one of `authority` / `secretName`.
   */
  readonly authority?: CertificateAuthority;
  /** An existing `kubernetes.io/tls` Secret with the CA's `tls.crt` / `tls.key`. Exactly one of `authority` / `secretName`. */
  readonly secretName?: string;
  /** Name of the Secret written from `authority`. @default `{issuerName}-ca-key-pair` */
  readonly keyPairSecretName?: string;
}

/** A self-signed issuer, for bootstrapping a CA inside the cluster. */
export interface SelfSignedIssuerArgs {
  /** Selects the self-signed issuer. Required. */
  readonly type: "selfSigned";
}

/** What signs certificates. */
export type IssuerSourceArgs = AcmeIssuerArgs | CaIssuerArgs | SelfSignedIssuerArgs;

/** Arguments of {@link CertManagerIssuer}. */
export interface CertManagerIssuerArgs {
  /** What signs certificates: ACME, CA or self-signed. Required. */
  readonly issuer: IssuerSourceArgs;
  /** Install cert-manager from its Helm chart first; `true` uses the defaults of {@link CertManagerInstallArgs}. @default false (cert-manager already installed) */
  readonly install?: boolean | CertManagerInstallArgs;
  /** Namespace cert-manager runs in (created when installing). @default "cert-manager" */
  readonly certManagerNamespace?: string;
  /**
   * Where cert-manager reads Secrets referenced by a *ClusterIssuer* (its `--cluster-resource-namespace`,
   * by default its own namespace). Passed to the chart when installing. @default `certManagerNamespace`
   */
  readonly clusterResourceNamespace?: string;
  /** `ClusterIssuer` (usable from every namespace) or a namespaced `Issuer`. @default "ClusterIssuer" */
  readonly kind?: IssuerKind;
  /** Namespace of a namespaced `Issuer` (required when `kind` is `"Issuer"`). @default none */
  readonly issuerNamespace?: string;
  /** Name of the issuer object. @default the component's name */
  readonly issuerName?: string;
  /**
   * Marks the stack. In `"non-production"`, selecting Let's Encrypt production is an error unless
   * `allowProductionAcme`. @default from config `edge-mtls:environment` (`production`/`prod` → production,
   * any other value → non-production); unmarked when that is unset
   */
  readonly environment?: StackEnvironment;
  /** Allow Let's Encrypt production in a non-production stack. @default false */
  readonly allowProductionAcme?: boolean;
  /**
   * Make `pulumi up` wait until each issuer and certificate has `Ready=True` (the Kubernetes provider's
   * `pulumi.com/waitFor` annotation), failing with cert-manager's reason after `readyTimeout`. @default true
   */
  readonly waitForReady?: boolean;
  /** How long to wait for `Ready` (`pulumi.com/timeoutSeconds`). @default "10m" */
  readonly readyTimeout?: Duration;
}

/** Arguments of {@link CertManagerIssuer.certificate}. */
export interface CertificateArgs {
  /** DNS names (SANs). Wildcards (`*.example.com`) need a DNS-01 solver for ACME. Required, non-empty. */
  readonly dnsNames: readonly string[];
  /** Namespace of the Certificate and its Secret. Required. */
  readonly namespace: string;
  /** Secret the key pair is written to. @default `tls-…` for a `cert-…` name, else `{name}-tls` */
  readonly secretName?: string;
  /** Requested validity (Let's Encrypt ignores it and issues its own, 90 days today). @default unset: cert-manager's 90d */
  readonly duration?: Duration;
  /** Renew this long before expiry; shorter than `duration` (or than 90d when unset). @default unset: cert-manager renews at 2/3 of the lifetime (30d before expiry for 90d) */
  readonly renewBefore?: Duration;
  /** Private key algorithm; the key is regenerated on every issuance (`rotationPolicy: Always`). @default "ECDSA-P256" */
  readonly privateKey?: KeyAlgorithm;
}
