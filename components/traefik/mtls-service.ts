import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import type { Topology } from "../common/topology";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../common/errors";
import { parseDurationHours, type Duration } from "../common/duration";
import type { InternalCA } from "../internal-ca";
import type { KeyAlgorithm } from "../internal-ca/types";
import type { NginxMtlsTarget } from "./nginx";
import { buildIngressRouteSpec, buildPassTlsClientCertSpec, buildServersTransportSpec, buildStripIdentityHeadersSpec, buildTlsOptionSpec } from "./tls-option";
import { TRAEFIK_API_VERSION, TRAEFIK_CA_SECRET_KEY, type AeadCipherSuite, type TlsPolicy, type TlsVersion } from "./tls-policy";
import type { TraefikInstall } from "./traefik-install";
import { checkMtlsServiceContract, validateMtlsServiceArgs } from "./validate";
import { issueCallerIdentity, isWorkloadIdentity, type WorkloadIdentity } from "./workload-identity";
import { renderCertificateSpec } from "../cert-manager/render";

/** One caller allowed to connect. */
export interface MtlsCallerArgs {
  /** Caller identity: the certificate's subject CN, e.g. `nginx-gateway`. DNS-1123 label. */
  readonly name: string;
  /** URI SANs, e.g. `spiffe://mesh.internal/nginx-gateway`. @default none */
  readonly uris?: readonly string[];
  /** Client certificate validity. @default the caller CA's `leafValidity` (InternalCA default, 90d) */
  readonly validity?: Duration;
  /** Reissue this long before expiry. @default the caller CA's `renewBefore` (InternalCA default, 30d) */
  readonly renewBefore?: Duration;
}

/** The backend Kubernetes Service. */
export interface MtlsBackendArgs {
  /** Namespace of the Service; every resource of the MtlsService is created there. */
  readonly namespace: string;
  /** Service name. */
  readonly name: string;
  /** Service port (number or port name). */
  readonly port: number | string;
}

/** Where the server certificate Traefik presents comes from. */
export type ServerCertificateSource =
  | {
      /** Issued by the InternalCA passed as `ca`. */
      readonly kind: "internal-ca";
    }
  | {
      /** Issued by cert-manager. */
      readonly kind: "cert-manager";
      /** cert-manager issuer. */
      readonly issuerRef: {
        /** Issuer name. */
        readonly name: string;
        /** Issuer kind. */
        readonly kind?: "Issuer" | "ClusterIssuer";
        /** Issuer API group. */
        readonly group?: string;
      };
      /** Certificate duration. @default "90d" */
      readonly duration?: Duration;
      /** Renew this long before expiry. @default "30d" */
      readonly renewBefore?: Duration;
    };

/** Traefik → backend mTLS (seed 004's load balancer → worker hop). */
export interface UpstreamMtlsArgs {
  /** Name the backend's server certificate must carry (and the SNI sent). @default `<service>.<namespace>.svc` */
  readonly serverName?: string;
  /** CN of the client certificate Traefik presents to the backend (issued by `ca`). @default `traefik-<name>` */
  readonly clientIdentity?: string;
  /** CA bundle that signs the backend's certificate. @default `ca.trustBundle` */
  readonly trustedCaPem?: pulumi.Input<string>;
}

/** Arguments of {@link MtlsService}. */
export interface MtlsServiceArgs {
  /** The Traefik install; the entrypoint must be one of its entrypoints. */
  readonly traefik: TraefikInstall;
  /** The shared internal CA: signs the server certificate (and the upstream client certificate). */
  readonly ca: InternalCA;
  /** The backend Service. */
  readonly service: MtlsBackendArgs;
  /** Host names the route answers for (`Host()` rules only; no wildcards). Plain strings: checked at construction. */
  readonly hostnames: readonly string[];
  /**
   * Shared caller identities allowed to connect: the TLSOption trusts exactly their CAs (plus
   * those of `clients`). One WorkloadIdentity may be listed by many services and uses one
   * certificate for all of them. `identities` and `clients` together list at least one caller.
   * @default []
   */
  readonly identities?: readonly WorkloadIdentity[];
  /**
   * Shorthand for a caller known to this service only: the service mints a CA and a client
   * certificate for it (`<name>-caller-<caller>`, the pre-identity layout, kept so existing
   * stacks replace nothing). A caller of several services should be a WorkloadIdentity instead.
   * @default []
   */
  readonly clients?: readonly MtlsCallerArgs[];
  /** Entrypoint of the route. @default `traefik.mtlsEntrypoint.name` ("mesh") */
  readonly entrypoint?: string;
  /** Minimum TLS version. "1.2" only on request, and then with AEAD suites only. @default "1.3" */
  readonly minTlsVersion?: TlsVersion;
  /** TLS 1.2 cipher suites (Go names, ECDHE + AEAD only); refused with TLS 1.3. @default all AEAD suites when minTlsVersion is "1.2" */
  readonly cipherSuites?: readonly AeadCipherSuite[];
  /** Refuse handshakes without a matching SNI. @default true */
  readonly sniStrict?: boolean;
  /** Source of the server certificate. @default `{ kind: "internal-ca" }` */
  readonly serverCertificate?: ServerCertificateSource;
  /** mTLS to the backend through a ServersTransport. @default none (plain HTTP to the backend) */
  readonly upstream?: UpstreamMtlsArgs;
  /** Also forward the caller's full certificate (PEM) in `X-Forwarded-Tls-Client-Cert`. @default true */
  readonly forwardClientCertPem?: boolean;
  /** Key algorithm of the `clients` shorthand's per-caller CAs and client certificates. @default "ECDSA-P256" */
  readonly callerKeyAlgorithm?: KeyAlgorithm;
  /** Validity of each `clients` shorthand per-caller CA. @default "5y" */
  readonly callerCaValidity?: Duration;
}

/** A caller's certificate material. */
export interface MtlsCaller {
  /** The identity (certificate CN). */
  readonly name: string;
  /** Client certificate PEM (leaf). */
  readonly certPem: pulumi.Output<string>;
  /** Client private key PEM. Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
  /** The caller's own issuing CA (what the TLSOption trusts for this caller). */
  readonly issuingCaPem: pulumi.Output<string>;
  /** What the caller trusts for Traefik's server certificate (`proxy_ssl_trusted_certificate`). */
  readonly serverCaPem: pulumi.Output<string>;
  /** Certificate expiry (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
}

/**
 * One backend Service behind Traefik's mTLS entrypoint: client-CA Secret, TLSOption
 * (client certificates required and verified, TLS 1.3 by default, sniStrict), server
 * certificate Secret, IngressRoute (`Host()` rules), identity-forwarding middlewares, and
 * optionally a ServersTransport for mTLS to the backend. Callers listed in `clients` get
 * client certificates from their own per-caller CA; the TLSOption trusts exactly those
 * CAs, so any other certificate — even one signed by the shared CA — is refused.
 */
export class MtlsService extends pulumi.ComponentResource {
  /** Host names the route answers for. */
  readonly hostnames: readonly string[];
  /** Entrypoint of the route. */
  readonly entrypoint: string;
  /** The enforced TLS policy. */
  readonly policy: TlsPolicy;
  /** The TLSOption as IngressRoutes reference it. */
  readonly tlsOptionRef: {
    /** TLSOption name. */
    readonly name: string;
    /** TLSOption namespace. */
    readonly namespace: string;
  };
  /** Callers by name: the listed identities and the `clients` shorthand callers. */
  readonly clients: Readonly<Record<string, MtlsCaller>>;
  /** Names of the callers the TLSOption trusts (identities first, then `clients`). */
  readonly callerNames: readonly string[];
  /** PEM bundle of the caller CAs (identity CAs and per-caller CAs) the TLSOption trusts. */
  readonly clientCaBundle: pulumi.Output<string>;
  /** Name of the Secret holding the server certificate. */
  readonly tlsSecretName: string;
  /** The custom resources (for dependencies and inspection). */
  readonly tlsOption: CustomResource;
  /** The IngressRoute. */
  readonly ingressRoute: CustomResource;
  /** The Middlewares of the route (identity headers). */
  readonly middlewares: readonly CustomResource[];
  /** The ServersTransport, when the backend is reached over mTLS. */
  readonly serversTransport?: CustomResource;

  private readonly entrypointPort: number;

  constructor(name: string, args: MtlsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything (and claim the hosts) before the component or any child is registered.
    checkMtlsServiceContract(name, args);
    const { traefik, ca, service } = args;
    const entrypoint = args.entrypoint ?? traefik.mtlsEntrypoint.name;
    const certManager = args.serverCertificate?.kind === "cert-manager" ? args.serverCertificate : undefined;
    const identities = args.identities ?? [];
    const c = argChecker("MtlsService", name);
    identities.forEach((id, i) => c.check(isWorkloadIdentity(id), `identities[${i}]`, "is not a WorkloadIdentity; create one with `new WorkloadIdentity(name, { uris })` and list it here"));
    const settings = validateMtlsServiceArgs(name, {
      knownEntrypoints: traefik.entrypoints,
      entrypoint,
      service,
      hostnames: args.hostnames,
      clients: args.clients,
      identityNames: args.identities === undefined ? undefined : identities.map((id) => id.name),
      minTlsVersion: args.minTlsVersion,
      cipherSuites: args.cipherSuites,
      sniStrict: args.sniStrict,
      upstream: args.upstream,
      certManagerIssuerName: certManager?.issuerRef.name,
    });
    if (certManager) {
      for (const key of ["duration", "renewBefore"] as const) {
        const v = certManager[key];
        if (v !== undefined) c.check(parseDurationHours(v) !== undefined, `serverCertificate.${key}`, `${JSON.stringify(v)} is not a duration like "90d"`);
      }
    }
    const namespace = service.namespace;
    const tlsOptionRef = { name: `${name}-mtls`, namespace };
    const claim = { tlsOption: `${namespace}/${tlsOptionRef.name}`, owner: `MtlsService "${name}"` };
    const conflict = traefik.tlsOptionRegistry.conflicts(settings.hostnames, claim)[0];
    if (conflict) {
      c.fail(
        "hostnames",
        `${JSON.stringify(conflict.host)} is already served by ${conflict.existing.owner} with TLSOption ${conflict.existing.tlsOption} on this Traefik install; ` +
          `a second TLSOption for the same host makes Traefik fall back to the default TLS options (no client-certificate check) for both (traefik PR #5056)`,
      );
    }
    traefik.tlsOptionRegistry.claim(settings.hostnames, claim);

    super("edge-mtls:traefik:MtlsService", name, {}, opts);
    this.tlsOptionRef = tlsOptionRef;

    this.hostnames = settings.hostnames;
    this.entrypoint = entrypoint;
    this.policy = settings.policy;
    this.entrypointPort = entrypoint === traefik.mtlsEntrypoint.name ? traefik.mtlsEntrypoint.port : 443;
    const parent = { parent: this };
    const meta = (n: string) => ({ name: n, namespace, labels: { "app.kubernetes.io/managed-by": "edge-mtls", "edge-mtls/mtls-service": name } });

    // Callers: shared identities (their CAs), then the `clients` shorthand: one CA per caller,
    // one client certificate from it, under the historical child names.
    const keyAlgorithm = args.callerKeyAlgorithm ?? "ECDSA-P256";
    const clients: Record<string, MtlsCaller> = {};
    const callerCaPems: pulumi.Output<string>[] = [];
    for (const id of identities) {
      callerCaPems.push(id.issuingCaPem);
      clients[id.name] = { name: id.name, certPem: id.certPem, privateKeyPem: id.privateKeyPem, issuingCaPem: id.issuingCaPem, serverCaPem: ca.trustBundle, notAfter: id.notAfter };
    }
    for (const caller of args.clients ?? []) {
      const { material } = issueCallerIdentity(
        `${name}-caller-${caller.name}`,
        {
          identity: caller.name,
          uris: caller.uris,
          validity: caller.validity,
          renewBefore: caller.renewBefore,
          keyAlgorithm,
          caValidity: args.callerCaValidity ?? "5y",
          caSubject: { commonName: `${name} caller ${caller.name}`, organizationalUnit: "edge-mtls caller CA" },
          // Removing a caller must delete its CA (that is what revokes it), so not protected,
          // unless the user protects this MtlsService (its protect resource option wins).
          protect: opts?.protect ?? false,
        },
        this,
      );
      callerCaPems.push(material.issuingCaPem);
      clients[caller.name] = { ...material, serverCaPem: ca.trustBundle };
    }
    this.clients = clients;
    this.callerNames = Object.keys(clients);
    this.clientCaBundle = pulumi.all(callerCaPems).apply((pems) => pems.map((p) => p.trim()).join("\n") + "\n");

    const clientCaSecret = new Secret(
      `${name}-client-ca`,
      { metadata: meta(`${name}-client-ca`), type: "Opaque", stringData: { [TRAEFIK_CA_SECRET_KEY]: this.clientCaBundle } },
      parent,
    );

    // Server certificate.
    this.tlsSecretName = `${name}-tls`;
    let serverCertDep: pulumi.Resource;
    if (certManager) {
      serverCertDep = new CustomResource(
        `${name}-server`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: meta(`${name}-server`),
          spec: {
            // The same spec CertManagerIssuer.certificate() renders, restricted to server use.
            ...renderCertificateSpec(
              { dnsNames: [...settings.hostnames], namespace: service.namespace, secretName: this.tlsSecretName, duration: certManager.duration ?? "90d", renewBefore: certManager.renewBefore ?? "30d" },
              { name: certManager.issuerRef.name, kind: certManager.issuerRef.kind ?? "ClusterIssuer", group: "cert-manager.io" },
            ),
            // External issuers (e.g. awspca.cert-manager.io) keep their own group.
            issuerRef: { name: certManager.issuerRef.name, kind: certManager.issuerRef.kind ?? "ClusterIssuer", group: certManager.issuerRef.group ?? "cert-manager.io" },
            usages: ["server auth", "digital signature"],
          },
        },
        parent,
      );
    } else {
      const server = ca.issueServerCertificate(`${name}-server`, { dnsNames: settings.hostnames });
      serverCertDep = new Secret(
        this.tlsSecretName,
        {
          metadata: meta(this.tlsSecretName),
          type: "kubernetes.io/tls",
          stringData: { "tls.crt": server.chainPem, "tls.key": pulumi.secret(server.privateKeyPem) },
        },
        parent,
      );
    }

    this.tlsOption = new CustomResource(
      this.tlsOptionRef.name,
      { apiVersion: TRAEFIK_API_VERSION, kind: "TLSOption", metadata: meta(this.tlsOptionRef.name), spec: buildTlsOptionSpec(settings.policy, [`${name}-client-ca`]) },
      { parent: this, dependsOn: [clientCaSecret] },
    );

    const stripName = `${name}-strip-identity`;
    const passName = `${name}-client-cert`;
    this.middlewares = [
      new CustomResource(stripName, { apiVersion: TRAEFIK_API_VERSION, kind: "Middleware", metadata: meta(stripName), spec: buildStripIdentityHeadersSpec() }, parent),
      new CustomResource(
        passName,
        { apiVersion: TRAEFIK_API_VERSION, kind: "Middleware", metadata: meta(passName), spec: buildPassTlsClientCertSpec({ pem: args.forwardClientCertPem ?? true }) },
        parent,
      ),
    ];

    // Upstream mTLS.
    let upstreamRef: { serversTransport: string } | undefined;
    if (args.upstream && settings.upstreamServerName) {
      const up = args.upstream;
      const upCert = ca.issueClientCertificate(`${name}-upstream`, { identity: up.clientIdentity ?? `traefik-${name}` });
      const clientSecret = new Secret(
        `${name}-upstream-client`,
        { metadata: meta(`${name}-upstream-client`), type: "kubernetes.io/tls", stringData: { "tls.crt": upCert.chainPem, "tls.key": pulumi.secret(upCert.privateKeyPem) } },
        parent,
      );
      const rootSecret = new Secret(
        `${name}-upstream-ca`,
        { metadata: meta(`${name}-upstream-ca`), type: "Opaque", stringData: { [TRAEFIK_CA_SECRET_KEY]: up.trustedCaPem ?? ca.trustBundle } },
        parent,
      );
      this.serversTransport = new CustomResource(
        `${name}-upstream`,
        {
          apiVersion: TRAEFIK_API_VERSION,
          kind: "ServersTransport",
          metadata: meta(`${name}-upstream`),
          spec: buildServersTransportSpec({
            serverName: settings.upstreamServerName,
            rootCaSecretName: `${name}-upstream-ca`,
            clientCertSecretName: `${name}-upstream-client`,
            policy: settings.policy,
          }),
        },
        { parent: this, dependsOn: [clientSecret, rootSecret] },
      );
      upstreamRef = { serversTransport: `${name}-upstream` };
    }

    this.ingressRoute = new CustomResource(
      name,
      {
        apiVersion: TRAEFIK_API_VERSION,
        kind: "IngressRoute",
        metadata: meta(name),
        spec: buildIngressRouteSpec({
          entrypoint,
          hostnames: settings.hostnames,
          service: { name: service.name, port: service.port },
          middlewares: [stripName, passName],
          tlsSecretName: this.tlsSecretName,
          tlsOption: this.tlsOptionRef,
          upstream: upstreamRef,
        }),
      },
      { parent: this, dependsOn: [this.tlsOption, serverCertDep, ...this.middlewares, ...(this.serversTransport ? [this.serversTransport] : [])] },
    );

    const backend = `${service.namespace}/${service.name}:${service.port}`;
    const topology: Topology = {
      talksTo: [
        ...Object.keys(this.clients).flatMap((c) => settings.hostnames.map((h) => ({ from: c, to: `traefik:${entrypoint} ${h}`, label: `mTLS ≥ TLS ${settings.policy.minVersion.replace("VersionTLS1", "1.")}` }))),
        ...settings.hostnames.map((h) => ({ from: `traefik:${entrypoint} ${h}`, to: backend, label: this.serversTransport ? "mTLS (ServersTransport)" : "HTTP + caller identity headers" })),
      ],
      trusts: Object.keys(this.clients).map((c) => ({ from: `traefik:${entrypoint} ${settings.hostnames[0] ?? ""}`, to: c, label: "client CA in TLSOption" })),
    };
    this.registerOutputs({
      topology,
      hostnames: this.hostnames,
      entrypoint: this.entrypoint,
      tlsOptionRef: this.tlsOptionRef,
      clientCaBundle: this.clientCaBundle,
    });
  }

  /**
   * What nginx needs to call this service (for {@link renderNginxMtlsLocation}).
   * @param hostname which of the host names to use. @default the first
   */
  nginxTarget(hostname?: string): NginxMtlsTarget {
    const host = hostname ?? this.hostnames[0] ?? "";
    if (!this.hostnames.includes(host)) throw new Error(`MtlsService: ${JSON.stringify(host)} is not one of ${this.hostnames.join(", ")}`);
    return { hostname: host, minTlsVersion: this.policy.minVersion, cipherSuites: this.policy.cipherSuites, port: this.entrypointPort, callers: this.callerNames };
  }
}
