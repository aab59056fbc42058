import type * as pulumi from "@pulumi/pulumi";

/**
 * A Traefik entrypoint, structurally: the `traefik/` component exposes its entrypoints as
 * objects of this shape, and this module accepts any object that has it (no import).
 */
export interface TraefikEntrypointLike {
  /** Entrypoint name, e.g. `websecure`. */
  readonly name: string;
  /** Container port of the entrypoint (informational here). @default none */
  readonly port?: number;
  /** True when the entrypoint requires client certificates. cloudflared cannot present one (cloudflared#860). */
  readonly mtls: boolean;
}

/** A route target: Traefik's Kubernetes Service and the entrypoint behind the chosen Service port. */
export interface TraefikOrigin {
  /** Traefik's Service. */
  readonly service: {
    /** Namespace. */
    readonly namespace: string;
    /** Name. */
    readonly name: string;
  };
  /** Service port that reaches `entrypoint`. @default 443 */
  readonly port?: number;
  /** The entrypoint behind `port`; it must be a server-TLS entrypoint (`mtls: false`). */
  readonly entrypoint: TraefikEntrypointLike;
}

/** A route target given as a URL (`https://host:port`), for origins that are not Traefik. */
export interface UrlOrigin {
  /** `https://…`; `http://…` only with `allowInsecureOrigin`. */
  readonly url: string;
}

/** Where cloudflared sends a route's requests. */
export type TunnelOriginTarget = TraefikOrigin | UrlOrigin;

/** One public hostname (and optional path) published through the tunnel. */
export interface TunnelRoute {
  /** Public hostname, in the zone, lower case, not a wildcard. */
  readonly hostname: string;
  /** cloudflared path regular expression (e.g. `^/api/`). @default none: every path */
  readonly path?: string;
  /** Where the route goes. @default the TunnelOrigin's `origin` */
  readonly origin?: TunnelOriginTarget;
  /**
   * SNI cloudflared sends and the name it expects in the origin certificate. Without it cloudflared
   * uses the service URL's host (`traefik.ns.svc…`) and Traefik answers 421 or serves the wrong certificate.
   * @default `hostname`
   */
  readonly originServerName?: string;
  /** Disable origin certificate verification. Refused unless `allowInsecureOrigin` (then warned). @default false */
  readonly noTlsVerify?: boolean;
}

/** What an issued server certificate looks like (InternalCA's `IssuedCertificate`, structurally). */
export interface IssuedServerCertificateLike {
  /** Leaf certificate PEM. */
  readonly certPem: pulumi.Output<string>;
  /** Chain PEM (either the intermediates or leaf + intermediates; both are handled). */
  readonly chainPem: pulumi.Output<string>;
  /** PEM of the CA(s) a client must trust to verify the leaf. */
  readonly caPem: pulumi.Output<string>;
  /** The issuing CA's trust bundle (root plus CAs kept trusted during a CA rotation); preferred over `caPem`. @default none */
  readonly trustBundle?: pulumi.Output<string>;
  /** Private key PEM (secret). */
  readonly privateKeyPem: pulumi.Output<string>;
}

/** Anything that issues server certificates — `InternalCA` satisfies it. */
export interface ServerCertificateIssuer {
  /** Issues a server certificate for `dnsNames` as a child component named `name`. */
  issueServerCertificate(name: string, args: { readonly dnsNames?: readonly string[] }): IssuedServerCertificateLike;
}

/** Origin certificate from cert-manager (seed 000: a wildcard through an ACME DNS-01 issuer). */
export interface CertManagerOriginCertificate {
  /** Selects this variant. */
  readonly kind: "cert-manager";
  /** The (Cluster)Issuer that signs it, e.g. a Let's Encrypt DNS-01 ClusterIssuer. */
  readonly issuerRef: {
    /** Issuer name. */
    readonly name: string;
    /** @default "ClusterIssuer" */
    readonly kind?: "ClusterIssuer" | "Issuer";
  };
  /** Namespace of the Certificate and its Secret (Traefik's). @default the namespace of the routes' Traefik Service */
  readonly namespace?: string;
  /** Secret name Traefik serves (seed 000: `mlops-wildcard-tls`). @default `<name>-origin-tls` */
  readonly secretName?: string;
  /**
   * Names in the certificate. Every route's `originServerName` must be covered.
   * @default the zone apex, `*.<zone>`, and every route server name more than one label deep
   */
  readonly dnsNames?: readonly string[];
  /**
   * PEM of the issuer's CA when it is not publicly trusted (private ACME, Let's Encrypt staging);
   * mounted and used as `caPool`. @default none: cloudflared verifies against its system roots
   */
  readonly caPem?: pulumi.Input<string>;
  /**
   * What the Certificate must wait for: typically the `CertManagerIssuer` that installs
   * cert-manager (its CRDs) and creates `issuerRef`. Without it, a fresh cluster may get the
   * Certificate before the CRD exists. @default none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Make `pulumi up` wait until cert-manager reports the Certificate Ready (the Kubernetes
   * provider's `pulumi.com/waitFor`), so a DNS-01 failure fails the deploy instead of leaving
   * Traefik without its origin certificate — seed 000's outage. @default true
   */
  readonly waitForReady?: boolean;
}

/** Origin certificate issued by an InternalCA (or any {@link ServerCertificateIssuer}). */
export interface InternalCaOriginCertificate {
  /** Selects this variant. */
  readonly kind: "internal-ca";
  /** The issuing CA. Its trust bundle (else `caPem`) becomes cloudflared's `caPool`. */
  readonly ca: ServerCertificateIssuer;
  /** Namespace of the TLS Secret (Traefik's). @default the namespace of the routes' Traefik Service */
  readonly namespace?: string;
  /** Name of the `kubernetes.io/tls` Secret Traefik serves. @default `<name>-origin-tls` */
  readonly secretName?: string;
}

/** How the origin (Traefik) gets the certificate cloudflared verifies. */
export type OriginCertificateArgs = CertManagerOriginCertificate | InternalCaOriginCertificate;

/** Origin connection timeouts, in seconds (v6 provider: integers). */
export interface OriginTimeouts {
  /** TCP connect timeout. @default 10 */
  readonly connectTimeout?: number;
  /** TLS handshake timeout. @default 10 */
  readonly tlsTimeout?: number;
  /** TCP keepalive interval. @default 30 */
  readonly tcpKeepAlive?: number;
  /** Idle keepalive connection timeout. @default 90 */
  readonly keepAliveTimeout?: number;
  /** Maximum idle keepalive connections. @default 100 */
  readonly keepAliveConnections?: number;
}

/** Kubernetes resource requests and limits for cloudflared. */
export interface ContainerResources {
  /** @default { cpu: "50m", memory: "64Mi" } */
  readonly requests?: {
    /** CPU request. */
    readonly cpu?: string;
    /** Memory request. */
    readonly memory?: string;
  };
  /** @default { cpu: "500m", memory: "256Mi" } */
  readonly limits?: {
    /** CPU limit. */
    readonly cpu?: string;
    /** Memory limit. */
    readonly memory?: string;
  };
}

/** Arguments of `TunnelOrigin`. */
export interface TunnelOriginArgs {
  /** Cloudflare account id that owns the tunnel. */
  readonly accountId: pulumi.Input<string>;
  /** The Cloudflare zone the hostnames live in: its id and its name (e.g. `mlops-club.org`). */
  readonly zone: {
    /** Zone id. */
    readonly id: pulumi.Input<string>;
    /** Zone name, e.g. `example.com`. */
    readonly name: string;
  };
  /**
   * Every hostname this tunnel publishes (a string is a route with defaults). All routes of a tunnel
   * are given here, so the tunnel's single configuration document is built once; combine several
   * applications' routes with `mergeRoutes` (ingress.ts).
   */
  readonly routes: ReadonlyArray<string | TunnelRoute>;
  /** Default target of routes without their own `origin`. @default none (then every route needs `origin`) */
  readonly origin?: TunnelOriginTarget;
  /** How Traefik obtains the certificate cloudflared verifies. @default none: the origin already serves a certificate cloudflared's system roots trust */
  readonly originCertificate?: OriginCertificateArgs;
  /**
   * Which edge certificate covers the hostnames. `universal` (Cloudflare's free Universal SSL)
   * covers the apex and one label below it only; `advanced` asserts that an Advanced or custom
   * certificate covers deeper names. @default "universal"
   */
  readonly edgeCertificate?: "universal" | "advanced";
  /**
   * Also set the SSL/TLS mode to Full (strict). With `sslModeStrictScope: "zone"` this is the
   * zone-wide `ZoneSetting` `ssl` = `strict`, which changes every other proxied hostname of the zone
   * too (a warning lists the ones this program knows). @default false
   */
  readonly setSslModeStrict?: boolean;
  /**
   * Where `setSslModeStrict` applies. `"zone"`: the zone setting (every hostname of the zone).
   * `"hostnames"`: only this tunnel's hostnames, with a Configuration Rule (`http_config_settings`
   * entry point ruleset, action `set_config`, `ssl: "strict"` —
   * https://developers.cloudflare.com/rules/configuration-rules/); the zone's own mode is left as it is.
   * The zone has one such entry point: only one component of the program may own it.
   * @default "zone"
   */
  readonly sslModeStrictScope?: "zone" | "hostnames";
  /** Permit `http://` origins and `noTlsVerify` routes (each is then warned about). @default false */
  readonly allowInsecureOrigin?: boolean;
  /** Origin timeouts (seconds). @default see {@link OriginTimeouts} */
  readonly originTimeouts?: OriginTimeouts;
  /** Tunnel name in Cloudflare. @default the component name */
  readonly tunnelName?: string;
  /** Change (e.g. "2") to rotate the tunnel secret (and so the token); cloudflared rolls (see docs/tunnel-origin.md). @default "1" */
  readonly tunnelSecretVersion?: string;
  /** Existing namespace for cloudflared. @default a new namespace `cloudflared-<name>` with Pod Security `restricted` */
  readonly namespace?: string;
  /** cloudflared replicas. @default 2 */
  readonly replicas?: number;
  /** cloudflared image, pinned. @default `CLOUDFLARED_IMAGE` (cloudflared.ts) */
  readonly image?: string;
  /** cloudflared resources. @default see {@link ContainerResources} */
  readonly resources?: ContainerResources;
  /** Cluster DNS domain used in Traefik service URLs. @default "cluster.local" */
  readonly clusterDomain?: string;
}
