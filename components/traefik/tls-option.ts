/**
 * Pure builders for the Traefik v3 custom resources that MtlsService renders
 * (`traefik.io/v1alpha1`). No Pulumi here: every function takes plain values and
 * returns a spec typed with `@kubernetes-models/traefik`, so the unit tests can check
 * them against the upstream CRD schemas (test/support/crd.ts) without the engine.
 *
 * Field names were checked against Traefik's CRD files
 * (docs/content/reference/dynamic-configuration/traefik.io_*.yaml, v3.7) and source:
 * - TLSOption: `minVersion`, `cipherSuites`, `sniStrict`, `clientAuth.secretNames`,
 *   `clientAuth.clientAuthType` (enum incl. `RequireAndVerifyClientCert`).
 * - Middleware `passTLSClientCert`: `pem`, `info.subject.commonName`, `info.sans`
 *   (pkg/middlewares/passtlsclientcert: `getSANs` appends DNS names, e-mails, IPs and URIs).
 * - ServersTransport: `serverName`, `rootCAs: [{ secret }]` (v3 — `rootCAsSecrets` is
 *   deprecated), `certificatesSecrets` (Secrets with `tls.crt`/`tls.key`).
 */
import type { IIngressRoute } from "@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute" with { "resolution-mode": "import" };
import type { IMiddleware } from "@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware" with { "resolution-mode": "import" };
import type { IServersTransport } from "@kubernetes-models/traefik/traefik.io/v1alpha1/ServersTransport" with { "resolution-mode": "import" };
import type { ITLSOption } from "@kubernetes-models/traefik/traefik.io/v1alpha1/TLSOption" with { "resolution-mode": "import" };

export type TlsOptionSpec = ITLSOption["spec"];
export type IngressRouteSpec = IIngressRoute["spec"];
export type MiddlewareSpec = IMiddleware["spec"];
export type ServersTransportSpec = IServersTransport["spec"];

import { traefikTlsVersion, type TlsPolicy } from "./tls-policy";

// The TLS vocabulary lives in tls-policy.ts (no @kubernetes-models types); re-exported for the spec builders' callers.
export {
  AEAD_TLS12_CIPHER_SUITES,
  DEFAULT_TLS12_CIPHER_SUITES,
  TRAEFIK_API_VERSION,
  TRAEFIK_CA_SECRET_KEY,
  isAeadCipherSuite,
  opensslCipherNames,
  traefikTlsVersion,
  type AeadCipherSuite,
  type TlsPolicy,
  type TlsVersion,
} from "./tls-policy";

/**
 * The TLSOption spec for an mTLS route: client certificates required and verified
 * against the CAs in `clientCaSecretNames` (key {@link TRAEFIK_CA_SECRET_KEY}).
 */
export function buildTlsOptionSpec(policy: TlsPolicy, clientCaSecretNames: readonly string[]): TlsOptionSpec {
  const spec: TlsOptionSpec = {
    minVersion: traefikTlsVersion(policy.minVersion),
    sniStrict: policy.sniStrict,
    clientAuth: {
      clientAuthType: "RequireAndVerifyClientCert",
      secretNames: [...clientCaSecretNames],
    },
  };
  if (policy.minVersion === "1.2") spec.cipherSuites = [...policy.cipherSuites];
  return spec;
}

/** Header names Traefik's passTLSClientCert sets (and its forwardedHeaders strips from untrusted peers). */
export const CLIENT_CERT_HEADER = "X-Forwarded-Tls-Client-Cert";
/** Header carrying the selected certificate fields, URL-encoded (`Subject="CN=…";SAN="…"`). */
export const CLIENT_CERT_INFO_HEADER = "X-Forwarded-Tls-Client-Cert-Info";

/**
 * passTLSClientCert: forwards the caller's identity — subject CN (and O, serial) and all
 * SANs (URI SANs included) in {@link CLIENT_CERT_INFO_HEADER}, and optionally the PEM.
 */
export function buildPassTlsClientCertSpec(options: { pem: boolean }): MiddlewareSpec {
  return {
    passTLSClientCert: {
      pem: options.pem,
      info: {
        notAfter: true,
        serialNumber: true,
        sans: true,
        subject: { commonName: true, organization: true, serialNumber: true },
        issuer: { commonName: true },
      },
    },
  };
}

/**
 * A headers middleware that deletes client-supplied identity headers (an empty value
 * removes the header). Chained *before* passTLSClientCert, so whatever reaches the
 * backend was written by Traefik from the verified certificate — defence in depth on top
 * of the entrypoint not trusting forwarded headers.
 */
export function buildStripIdentityHeadersSpec(): MiddlewareSpec {
  return {
    headers: {
      customRequestHeaders: { [CLIENT_CERT_HEADER]: "", [CLIENT_CERT_INFO_HEADER]: "" },
    },
  };
}

/**
 * The router rule for `hostnames`: `Host()` only. `HostRegexp` rules carry no domain
 * Traefik can map to TLS options, so client-certificate verification then depends on
 * the SNI (traefik#7530); the library never renders them.
 */
export function hostRule(hostnames: readonly string[]): string {
  return hostnames.map((h) => `Host(\`${h}\`)`).join(" || ");
}

/** Inputs of {@link buildIngressRouteSpec}. */
export interface IngressRouteInputs {
  readonly entrypoint: string;
  readonly hostnames: readonly string[];
  readonly service: { readonly name: string; readonly port: number | string };
  /** Middlewares in order, same namespace. */
  readonly middlewares: readonly string[];
  readonly tlsSecretName: string;
  readonly tlsOption: { readonly name: string; readonly namespace: string };
  /** Set for an mTLS backend: `https` plus the ServersTransport name. */
  readonly upstream?: { readonly serversTransport: string };
}

/** The IngressRoute: one `Host()` rule on the mTLS entrypoint, the TLSOption and the server Secret. */
export function buildIngressRouteSpec(i: IngressRouteInputs): IngressRouteSpec {
  const service: NonNullable<IngressRouteSpec["routes"][number]["services"]>[number] = {
    kind: "Service",
    name: i.service.name,
    port: i.service.port,
  };
  if (i.upstream) {
    service.scheme = "https";
    service.serversTransport = i.upstream.serversTransport;
  }
  return {
    entryPoints: [i.entrypoint],
    routes: [
      {
        kind: "Rule",
        match: hostRule(i.hostnames),
        middlewares: i.middlewares.map((name) => ({ name })),
        services: [service],
      },
    ],
    tls: {
      secretName: i.tlsSecretName,
      options: { name: i.tlsOption.name, namespace: i.tlsOption.namespace },
    },
  };
}

/** Inputs of {@link buildServersTransportSpec}. */
export interface ServersTransportInputs {
  /** Name the backend's certificate must carry; also sent as SNI. */
  readonly serverName: string;
  /** Secret (key `tls.ca`) with the CAs that sign the backend's server certificate. */
  readonly rootCaSecretName: string;
  /** Secret (`tls.crt`/`tls.key`) with the client certificate Traefik presents. */
  readonly clientCertSecretName: string;
  readonly policy: Pick<TlsPolicy, "minVersion" | "cipherSuites">;
}

/** ServersTransport for Traefik → backend mTLS: presents a client certificate, verifies the backend. */
export function buildServersTransportSpec(i: ServersTransportInputs): ServersTransportSpec {
  const spec: ServersTransportSpec = {
    serverName: i.serverName,
    insecureSkipVerify: false,
    rootCAs: [{ secret: i.rootCaSecretName }],
    certificatesSecrets: [i.clientCertSecretName],
    minVersion: traefikTlsVersion(i.policy.minVersion),
  };
  if (i.policy.minVersion === "1.2") spec.cipherSuites = [...i.policy.cipherSuites];
  return spec;
}
