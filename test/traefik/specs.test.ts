/**
 * The rendered Traefik resources validate against Traefik v3's upstream CRD schemas
 * (unknown fields rejected, see test/support/crd.ts), and say what the issue asks.
 */
import { describe, expect, it } from "vitest";
import { crdProblems as validateCustomResource } from "./crd-problems";
import {
  DEFAULT_TLS12_CIPHER_SUITES,
  TRAEFIK_API_VERSION,
  TRAEFIK_CA_SECRET_KEY,
  buildIngressRouteSpec,
  buildPassTlsClientCertSpec,
  buildServersTransportSpec,
  buildStripIdentityHeadersSpec,
  buildTlsOptionSpec,
  hostRule,
} from "../../components/traefik/tls-option";

const cr = (kind: string, spec: unknown) => ({ apiVersion: TRAEFIK_API_VERSION, kind, metadata: { name: "x", namespace: "apps" }, spec });

const tls13 = buildTlsOptionSpec({ minVersion: "1.3", cipherSuites: [], sniStrict: true }, ["orders-client-ca"]);
const tls12 = buildTlsOptionSpec({ minVersion: "1.2", cipherSuites: DEFAULT_TLS12_CIPHER_SUITES, sniStrict: true }, ["orders-client-ca"]);

describe("TLSOption", () => {
  it("validates against the Traefik v3 CRD schema (TLS 1.3)", () => {
    expect(validateCustomResource(cr("TLSOption", tls13))).toEqual([]);
  });

  it("validates against the Traefik v3 CRD schema (TLS 1.2 with cipher suites)", () => {
    expect(validateCustomResource(cr("TLSOption", tls12))).toEqual([]);
  });

  it("requires and verifies client certificates against the named CA Secret", () => {
    expect(tls13.clientAuth).toEqual({ clientAuthType: "RequireAndVerifyClientCert", secretNames: ["orders-client-ca"] });
  });

  it("defaults to TLS 1.3 with sniStrict and no cipher suite list", () => {
    expect(tls13).toEqual({
      minVersion: "VersionTLS13",
      sniStrict: true,
      clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["orders-client-ca"] },
    });
  });

  it("lists only ECDHE AEAD suites when TLS 1.2 is allowed", () => {
    expect(tls12.minVersion).toBe("VersionTLS12");
    for (const suite of tls12.cipherSuites ?? []) expect(suite).toMatch(/^TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/);
  });

  it("a misspelled field is caught by the schema check (the validator is not vacuous)", () => {
    expect(validateCustomResource(cr("TLSOption", { ...tls13, sniStrickt: true }))).not.toEqual([]);
  });
});

describe("CA Secret key", () => {
  it("is tls.ca, the key Traefik's CRD provider reads first in every version (traefik#8511)", () => {
    expect(TRAEFIK_CA_SECRET_KEY).toBe("tls.ca");
  });
});

describe("passTLSClientCert Middleware", () => {
  const spec = buildPassTlsClientCertSpec({ pem: true });

  it("validates against the Traefik v3 CRD schema", () => {
    expect(validateCustomResource(cr("Middleware", spec))).toEqual([]);
  });

  it("forwards the caller identity: subject CN and SANs (URI SANs included)", () => {
    expect(spec.passTLSClientCert?.info?.subject?.commonName).toBe(true);
    expect(spec.passTLSClientCert?.info?.sans).toBe(true);
  });

  it("forwards the PEM when asked", () => {
    expect(spec.passTLSClientCert?.pem).toBe(true);
    expect(buildPassTlsClientCertSpec({ pem: false }).passTLSClientCert?.pem).toBe(false);
  });
});

describe("identity-header stripping Middleware", () => {
  const spec = buildStripIdentityHeadersSpec();

  it("validates against the Traefik v3 CRD schema", () => {
    expect(validateCustomResource(cr("Middleware", spec))).toEqual([]);
  });

  it("deletes client-supplied X-Forwarded-Tls-Client-Cert(-Info) (empty value removes a header)", () => {
    expect(spec.headers?.customRequestHeaders).toEqual({ "X-Forwarded-Tls-Client-Cert": "", "X-Forwarded-Tls-Client-Cert-Info": "" });
  });
});

describe("IngressRoute", () => {
  const base = {
    entrypoint: "mesh",
    hostnames: ["orders.mesh.example.com", "orders.internal.example.com"],
    service: { name: "orders", port: 8080 },
    middlewares: ["orders-strip-identity", "orders-client-cert"],
    tlsSecretName: "orders-tls",
    tlsOption: { name: "orders-mtls", namespace: "apps" },
  };

  it("validates against the Traefik v3 CRD schema", () => {
    expect(validateCustomResource(cr("IngressRoute", buildIngressRouteSpec(base)))).toEqual([]);
  });

  it("validates with an mTLS upstream", () => {
    expect(validateCustomResource(cr("IngressRoute", buildIngressRouteSpec({ ...base, upstream: { serversTransport: "orders-upstream" } })))).toEqual([]);
  });

  it("matches with Host() only, never HostRegexp (traefik#7530)", () => {
    const match = buildIngressRouteSpec(base).routes[0]?.match ?? "";
    expect(match).toBe("Host(`orders.mesh.example.com`) || Host(`orders.internal.example.com`)");
    expect(match).not.toContain("HostRegexp");
  });

  it("uses the mTLS entrypoint, the TLSOption and the server Secret", () => {
    const spec = buildIngressRouteSpec(base);
    expect(spec.entryPoints).toEqual(["mesh"]);
    expect(spec.tls).toEqual({ secretName: "orders-tls", options: { name: "orders-mtls", namespace: "apps" } });
  });

  it("strips client-supplied identity headers before passTLSClientCert sets them", () => {
    expect(buildIngressRouteSpec(base).routes[0]?.middlewares).toEqual([{ name: "orders-strip-identity" }, { name: "orders-client-cert" }]);
  });

  it("talks https through the ServersTransport to an mTLS backend", () => {
    const svc = buildIngressRouteSpec({ ...base, upstream: { serversTransport: "orders-upstream" } }).routes[0]?.services?.[0];
    expect(svc).toMatchObject({ scheme: "https", serversTransport: "orders-upstream" });
  });

  it("hostRule joins hosts with ||", () => {
    expect(hostRule(["a.example.com"])).toBe("Host(`a.example.com`)");
  });
});

describe("ServersTransport", () => {
  const spec = buildServersTransportSpec({
    serverName: "worker.apps.svc",
    rootCaSecretName: "orders-upstream-ca",
    clientCertSecretName: "orders-upstream-client",
    policy: { minVersion: "1.3", cipherSuites: [] },
  });

  it("validates against the Traefik v3 CRD schema", () => {
    expect(validateCustomResource(cr("ServersTransport", spec))).toEqual([]);
  });

  it("presents a client certificate and verifies the backend by name against rootCAs (v3 field)", () => {
    expect(spec).toEqual({
      serverName: "worker.apps.svc",
      insecureSkipVerify: false,
      rootCAs: [{ secret: "orders-upstream-ca" }],
      certificatesSecrets: ["orders-upstream-client"],
      minVersion: "VersionTLS13",
    });
  });

  it("validates with TLS 1.2 and AEAD suites", () => {
    const s12 = buildServersTransportSpec({
      serverName: "worker.apps.svc",
      rootCaSecretName: "a",
      clientCertSecretName: "b",
      policy: { minVersion: "1.2", cipherSuites: DEFAULT_TLS12_CIPHER_SUITES },
    });
    expect(validateCustomResource(cr("ServersTransport", s12))).toEqual([]);
  });
});
