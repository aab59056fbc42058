/**
 * Authenticated Origin Pulls (AOP): Cloudflare presents a client certificate when it connects to
 * an origin that is *not* behind a tunnel, and the origin (Traefik) refuses every TLS connection
 * without one — so nobody reaches the origin by its IP address, around Cloudflare's WAF.
 *
 * Cloudflare docs: https://developers.cloudflare.com/ssl/origin-configuration/authenticated-origin-pull/
 * (per-hostname: .../set-up/per-hostname/, zone-level: .../set-up/zone-level/).
 *
 * Provider v6 resources (node_modules/@pulumi/cloudflare/authenticatedOriginPulls*.d.ts):
 * - `AuthenticatedOriginPullsHostnameCertificate` { zoneId, certificate, privateKey } —
 *   POST /zones/{zone_id}/origin_tls_client_auth/hostnames/certificates (at most 10 per zone);
 * - `AuthenticatedOriginPulls` { zoneId, configs: [{ hostname, certId, enabled }] } —
 *   PUT /zones/{zone_id}/origin_tls_client_auth/hostnames (at most 100 hostnames per certificate;
 *   imported as `<zone_id>/<hostname>`, so one resource per hostname here);
 * - `AuthenticatedOriginPullsSettings` { zoneId, enabled } —
 *   PUT /zones/{zone_id}/origin_tls_client_auth/settings (zone-level AOP; without an uploaded zone
 *   certificate Cloudflare presents its shared origin-pull certificate).
 */
import { AuthenticatedOriginPulls as CloudflareAuthenticatedOriginPulls } from "@pulumi/cloudflare/authenticatedOriginPulls";
import { AuthenticatedOriginPullsHostnameCertificate } from "@pulumi/cloudflare/authenticatedOriginPullsHostnameCertificate";
import { AuthenticatedOriginPullsSettings } from "@pulumi/cloudflare/authenticatedOriginPullsSettings";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem, isInZone, isWildcard } from "../common/dns";
import type { Duration } from "../common/duration";
import type { Topology } from "../common/topology";
import { checkIdentity, singleCaCertificateProblem } from "../internal-ca/validate";
import { buildTlsOptionSpec, type TlsOptionSpec } from "../traefik/tls-option";
import { DEFAULT_TLS12_CIPHER_SUITES, TRAEFIK_API_VERSION, TRAEFIK_CA_SECRET_KEY, type TlsPolicy } from "../traefik/tls-policy";
import { dns1123Problem } from "../traefik/validate";
import type { ClientCertificateIssuer } from "./types";
import { leafFirstChain } from "./worker-binding";
import { checkAuthenticatedOriginPullsContract } from "./contract";

/** Where the certificate Cloudflare presents comes from. */
export type AuthenticatedOriginPullsMode = "per-hostname" | "zone";

/** Cloudflare accepts at most this many hostnames per AOP hostname certificate (API reference, "Enable or Disable a Hostname for Client Authentication"). */
export const AOP_MAX_HOSTNAMES_PER_CERTIFICATE = 100;

/** Default CN of the client certificate Cloudflare presents in per-hostname mode. */
export const DEFAULT_AOP_IDENTITY = "cloudflare-origin-pull";

/**
 * The origin's TLS policy for connections from Cloudflare: TLS 1.2 or 1.3 (what Cloudflare
 * offers to origins), ECDHE + AEAD suites only for 1.2, SNI required (Cloudflare sends the
 * hostname as SNI).
 */
export const AOP_ORIGIN_TLS_POLICY: TlsPolicy = { minVersion: "1.2", cipherSuites: DEFAULT_TLS12_CIPHER_SUITES, sniStrict: true };

/** A CA that issues the certificate Cloudflare presents and whose bundle the origin trusts — {@link InternalCA} is one. */
export interface OriginPullIssuer extends ClientCertificateIssuer {
  /** PEMs the origin must trust to verify certificates this CA issued. */
  readonly trustBundle: pulumi.Output<string>;
}

/** Origin-side resources in Kubernetes for Traefik. */
export interface AopTraefikArgs {
  /** Namespace of the CA Secret and the TLSOption (the IngressRoutes that use it may live elsewhere). */
  readonly namespace: string;
}

/** Arguments of {@link AuthenticatedOriginPulls}. */
export interface AuthenticatedOriginPullsArgs {
  /** The zone's id. */
  readonly zoneId: pulumi.Input<string>;
  /** The zone's name (e.g. `example.com`); every hostname must lie in it. Plain string, checked at construction. */
  readonly zoneName: string;
  /**
   * `"per-hostname"`: Cloudflare presents a client certificate issued by `ca`, for `hostnames` only
   * (recommended). `"zone"`: Cloudflare presents its **shared** origin-pull certificate for every
   * proxied hostname of the zone — the same certificate it presents for every other Cloudflare
   * customer, so an origin that trusts only it accepts any Cloudflare zone's traffic.
   * @default "per-hostname"
   */
  readonly mode?: AuthenticatedOriginPullsMode;
  /** Per-hostname mode: the CA that issues the client certificate (an `InternalCA`). @default none (required in per-hostname mode) */
  readonly ca?: OriginPullIssuer;
  /** Per-hostname mode: exact hostnames in the zone (no wildcards), at most 100. @default none (required in per-hostname mode) */
  readonly hostnames?: readonly string[];
  /** Per-hostname mode: subject CN of the client certificate. @default {@link DEFAULT_AOP_IDENTITY} */
  readonly identity?: string;
  /** Per-hostname mode: client certificate validity. @default the CA's leaf validity (InternalCA: 90d) */
  readonly validity?: Duration;
  /**
   * Zone mode only: acknowledge that the origin will trust a certificate every Cloudflare customer's
   * zone presents. Zone mode is refused without it, and logs a warning with it.
   * @default false
   */
  readonly acceptSharedCloudflareCertificate?: boolean;
  /**
   * Zone mode: Cloudflare's origin-pull CA certificate (download it from the zone-level setup page);
   * becomes {@link AuthenticatedOriginPulls.originTrustPem}. A plain string is checked at
   * construction, an Output when it resolves.
   * @default none (required in zone mode)
   */
  readonly cloudflareOriginPullCaPem?: pulumi.Input<string>;
  /**
   * Create the origin side in Kubernetes: Secret `<name>-origin-ca` (key `tls.ca`) with
   * `originTrustPem`, and TLSOption `<name>-origin` requiring and verifying client certificates
   * against it. Reference the TLSOption from every IngressRoute of the hostnames.
   * @default none — configure the origin yourself with `originTrustPem`
   */
  readonly traefik?: AopTraefikArgs;
}

/**
 * Authenticated Origin Pulls for origins reached over the internet (not through a tunnel).
 *
 * Per-hostname mode (default) creates, all `{ parent: this }` except the issued certificate
 * (which InternalCA parents to itself as `<ca>-<name>-cloudflare`):
 * - `${name}-cert` — `AuthenticatedOriginPullsHostnameCertificate` (chain leaf first, key secret);
 * - `${name}-host-<hostname>` — one `AuthenticatedOriginPulls` per hostname, `enabled: true`,
 *   after the upload.
 *
 * Zone mode creates `${name}-zone` — `AuthenticatedOriginPullsSettings` with `enabled: true`.
 *
 * With `traefik`: `${name}-origin-ca` (Secret) and `${name}-origin` (TLSOption), the TLSOption
 * after Cloudflare is told to present the certificate — so a deployment never makes the origin
 * demand a certificate before Cloudflare is configured to send one. Cloudflare rolls certificates
 * out asynchronously (status `pending_deployment` → `active`), which dependsOn cannot wait for:
 * see docs/api-shield.md#authenticated-origin-pulls for the two-step rollout.
 */
export class AuthenticatedOriginPulls extends pulumi.ComponentResource {
  /** The mode in use. */
  readonly mode: AuthenticatedOriginPullsMode;
  /** CA bundle the origin must trust for client certificates: `ca.trustBundle`, or `cloudflareOriginPullCaPem` in zone mode. */
  readonly originTrustPem: pulumi.Output<string>;
  /** Hostnames with per-hostname AOP enabled (empty in zone mode, which covers every proxied hostname). */
  readonly hostnames: readonly string[];
  /** Per-hostname mode: id of the uploaded hostname certificate. */
  readonly hostnameCertificateId?: pulumi.Output<string>;
  /** Per-hostname mode: the uploaded certificate chain, leaf first. */
  readonly certificatePem?: pulumi.Output<string>;
  /** With `traefik`: the TLSOption to put in IngressRoutes' `tls.options`. */
  readonly tlsOptionRef?: {
    /** TLSOption name. */
    readonly name: string;
    /** TLSOption namespace. */
    readonly namespace: string;
  };
  /** With `traefik`: the TLSOption resource (make IngressRoutes depend on it). */
  readonly tlsOption?: CustomResource;

  constructor(name: string, args: AuthenticatedOriginPullsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAuthenticatedOriginPullsArgs(name, args);
    super("edge-mtls:api-shield:AuthenticatedOriginPulls", name, {}, opts);
    const mode = args.mode ?? "per-hostname";
    this.mode = mode;
    const parent = { parent: this };

    // What makes Cloudflare present a certificate; origin enforcement waits for it.
    let presenting: pulumi.Resource[];
    if (mode === "per-hostname") {
      const ca = args.ca as OriginPullIssuer;
      const hostnames = [...(args.hostnames ?? [])];
      const issued = ca.issueClientCertificate(`${name}-cloudflare`, {
        identity: args.identity ?? DEFAULT_AOP_IDENTITY,
        ...(args.validity ? { validity: args.validity } : {}),
      });
      // Leaf first, then the intermediate (if any): the origin trusts the root bundle only.
      const chain = pulumi.all([issued.certPem, issued.chainPem]).apply(([cert, rest]) => leafFirstChain(cert, rest));
      const upload = new AuthenticatedOriginPullsHostnameCertificate(
        `${name}-cert`,
        { zoneId: args.zoneId, certificate: chain, privateKey: pulumi.secret(issued.privateKeyPem) },
        { parent: this, additionalSecretOutputs: ["privateKey"] },
      );
      // One resource per hostname (the provider imports them as <zone_id>/<hostname>). Created
      // after the upload; on certificate rotation the upload is replaced create-before-delete and
      // each association moves to the new id before the old certificate is deleted.
      presenting = hostnames.map(
        (hostname) =>
          new CloudflareAuthenticatedOriginPulls(
            `${name}-host-${hostname}`,
            { zoneId: args.zoneId, configs: [{ hostname, certId: upload.id, enabled: true }] },
            { parent: this, dependsOn: [upload] },
          ),
      );
      this.hostnames = hostnames;
      this.hostnameCertificateId = upload.id;
      this.certificatePem = chain;
      this.originTrustPem = ca.trustBundle;
    } else {
      void pulumi.log.warn(sharedCertificateWarning(name, args.zoneName), this);
      presenting = [new AuthenticatedOriginPullsSettings(`${name}-zone`, { zoneId: args.zoneId, enabled: true }, parent)];
      this.hostnames = [];
      this.originTrustPem = pulumi.output(args.cloudflareOriginPullCaPem as pulumi.Input<string>).apply((pem) => {
        const problem = singleCaCertificateProblem(pem);
        if (problem) argChecker("AuthenticatedOriginPulls", name).fail("cloudflareOriginPullCaPem", problem);
        return pem;
      });
    }

    if (args.traefik) {
      const namespace = args.traefik.namespace;
      const meta = (n: string) => ({ name: n, namespace, labels: { "app.kubernetes.io/managed-by": "edge-mtls", "edge-mtls/authenticated-origin-pulls": name } });
      const secretName = `${name}-origin-ca`;
      const caSecret = new Secret(
        secretName,
        { metadata: meta(secretName), type: "Opaque", stringData: { [TRAEFIK_CA_SECRET_KEY]: this.originTrustPem } },
        parent,
      );
      this.tlsOptionRef = { name: `${name}-origin`, namespace };
      this.tlsOption = new CustomResource(
        this.tlsOptionRef.name,
        { apiVersion: TRAEFIK_API_VERSION, kind: "TLSOption", metadata: meta(this.tlsOptionRef.name), spec: aopTlsOptionSpec(secretName) },
        // Enforce at the origin only after Cloudflare is configured to present the certificate;
        // on removal, the origin stops enforcing before Cloudflare stops presenting.
        { parent: this, dependsOn: [caSecret, ...presenting] },
      );
    }

    const origins = mode === "per-hostname" ? this.hostnames.map((h) => `origin ${h}`) : [`origins of ${args.zoneName}`];
    const trusted = mode === "per-hostname" ? `CA of AuthenticatedOriginPulls ${q(name)}` : "Cloudflare shared origin-pull CA";
    const topology: Topology = {
      talksTo: origins.map((o) => ({ from: "Cloudflare edge", to: o, label: mode === "per-hostname" ? "HTTPS + AOP client cert (ours)" : "HTTPS + AOP client cert (shared)" })),
      trusts: origins.map((o) => ({ from: o, to: trusted, label: this.tlsOptionRef ? `TLSOption ${this.tlsOptionRef.namespace}/${this.tlsOptionRef.name}` : "client CA" })),
    };
    this.registerOutputs({
      topology,
      mode: this.mode,
      hostnames: this.hostnames,
      originTrustPem: this.originTrustPem,
      hostnameCertificateId: this.hostnameCertificateId,
      certificatePem: this.certificatePem,
      tlsOptionRef: this.tlsOptionRef,
    });
  }
}

/**
 * The TLSOption spec for an AOP origin: client certificates required and verified against `caSecretName`.
 * @internal
 */
export function aopTlsOptionSpec(caSecretName: string): TlsOptionSpec {
  return buildTlsOptionSpec(AOP_ORIGIN_TLS_POLICY, [caSecretName]);
}

/** The warning logged in zone mode. */
export function sharedCertificateWarning(name: string, zoneName: string): string {
  return (
    `AuthenticatedOriginPulls ${q(name)}: zone ${q(zoneName)} uses Cloudflare's shared origin-pull certificate, which Cloudflare presents for every customer's zone; ` +
    `an origin that trusts only it accepts requests proxied through any Cloudflare account. Prefer mode "per-hostname" with your own CA`
  );
}

function checkHostname(c: ArgChecker, zoneName: string, host: string, i: number): void {
  const arg = `hostnames[${i}]`;
  if (typeof host === "string" && isWildcard(host)) {
    c.fail(
      arg,
      `(${q(host)}) is a wildcard; per-hostname Authenticated Origin Pulls associates a certificate with exact hostnames (one "hostname" per association), so list each hostname`,
    );
  }
  const problem = typeof host === "string" ? dnsNameProblem(host) : "must be a string";
  if (problem) c.fail(arg, `(${q(host)}) ${problem}`);
  c.check(isInZone(host, zoneName), arg, `(${q(host)}) is not in zone ${q(zoneName)}; an AOP association only applies to hostnames of its zone`);
}

/**
 * Validates {@link AuthenticatedOriginPullsArgs} before any child exists (plain values only;
 * an Output `cloudflareOriginPullCaPem` is checked when it resolves).
 */
export function validateAuthenticatedOriginPullsArgs(name: string, args: AuthenticatedOriginPullsArgs): void {
  checkAuthenticatedOriginPullsContract(name, args, DEFAULT_AOP_IDENTITY);
  const c = argChecker("AuthenticatedOriginPulls", name);
  const nameProblem = dns1123Problem(name);
  if (nameProblem) c.fail("name", `(${q(name)}) ${nameProblem}: it names the issued certificate and Kubernetes objects`);
  c.check(name.length <= 40, "name", `(${q(name)}) is ${name.length} characters long; at most 40, leaving room for child-name suffixes`);
  const zoneProblem = typeof args.zoneName === "string" ? dnsNameProblem(args.zoneName) : "must be a string";
  if (zoneProblem) c.fail("zoneName", `(${q(args.zoneName)}) ${zoneProblem}`);
  const mode = args.mode ?? "per-hostname";
  c.check(mode === "per-hostname" || mode === "zone", "mode", `(${q(mode)}) must be "per-hostname" or "zone"`);

  if (mode === "per-hostname") {
    c.check(
      args.ca !== undefined && args.ca !== null && typeof args.ca.issueClientCertificate === "function",
      "ca",
      "is required in per-hostname mode: give the InternalCA that issues the certificate Cloudflare presents",
    );
    const hosts = args.hostnames;
    c.check(Array.isArray(hosts) && hosts.length > 0, "hostnames", "is empty: per-hostname mode needs at least one hostname (or use mode \"zone\")");
    const list = hosts as readonly string[];
    c.check(
      list.length <= AOP_MAX_HOSTNAMES_PER_CERTIFICATE,
      "hostnames",
      `has ${list.length} entries; Cloudflare allows at most ${AOP_MAX_HOSTNAMES_PER_CERTIFICATE} hostnames per AOP certificate: split them over several components`,
    );
    const seen = new Map<string, number>();
    for (const [i, host] of list.entries()) {
      checkHostname(c, args.zoneName, host, i);
      const prev = seen.get(host);
      if (prev !== undefined) c.fail(`hostnames[${i}]`, `(${q(host)}) repeats hostnames[${prev}]`);
      seen.set(host, i);
    }
    if (args.identity !== undefined) checkIdentity(c, "identity", args.identity);
    c.check(args.acceptSharedCloudflareCertificate === undefined, "acceptSharedCloudflareCertificate", "only applies in mode \"zone\"; per-hostname mode uses your own CA");
    c.check(args.cloudflareOriginPullCaPem === undefined, "cloudflareOriginPullCaPem", "only applies in mode \"zone\"; in per-hostname mode the origin trusts ca.trustBundle");
  } else {
    c.check(
      args.acceptSharedCloudflareCertificate === true,
      "acceptSharedCloudflareCertificate",
      `(${q(args.acceptSharedCloudflareCertificate)}) must be true in mode "zone": the shared certificate is presented for every Cloudflare customer, so any Cloudflare zone could reach your origin. ` +
        `Use mode "per-hostname" with an InternalCA, or set acceptSharedCloudflareCertificate: true to accept the risk`,
    );
    c.check(
      args.hostnames === undefined && args.ca === undefined && args.identity === undefined && args.validity === undefined,
      "hostnames/ca/identity/validity",
      "only apply in mode \"per-hostname\"; zone mode covers every proxied hostname with Cloudflare's certificate",
    );
    c.check(
      args.cloudflareOriginPullCaPem !== undefined,
      "cloudflareOriginPullCaPem",
      "is required in mode \"zone\": give Cloudflare's origin-pull CA certificate (PEM from Cloudflare's zone-level AOP setup page), which the origin must trust",
    );
    if (typeof args.cloudflareOriginPullCaPem === "string") {
      const problem = singleCaCertificateProblem(args.cloudflareOriginPullCaPem);
      if (problem) c.fail("cloudflareOriginPullCaPem", problem);
    }
  }

  if (args.traefik !== undefined) {
    const ns = (args.traefik as { namespace?: unknown }).namespace;
    c.check(ns !== undefined && ns !== "", "traefik.namespace", "is missing: give the namespace for the CA Secret and TLSOption (e.g. Traefik's or the app's)");
    const problem = dns1123Problem(ns as string);
    if (problem) c.fail("traefik.namespace", `(${q(ns)}) ${problem}`);
  }
}
