/**
 * MtlsService and TraefikInstall through the offline engine: what they create, with which
 * inputs, and what they refuse at construction.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall, TRAEFIK_CHART_VERSION } from "../../components/traefik";
import { crdProblems } from "./crd-problems";

const NOW = new Date("2026-01-01T00:00:00Z");
const CR = (kind: string) => `kubernetes:traefik.io/v1alpha1:${kind}`;

function asObject(r: RecordedResource): { apiVersion: string; kind: string; [k: string]: unknown } {
  const { apiVersion, kind, metadata, spec } = r.inputs as { apiVersion: string; kind: string; metadata: unknown; spec: unknown };
  return { apiVersion, kind, metadata, spec };
}

describe("MtlsService (basic)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const traefik = new TraefikInstall("edge", {});
        new MtlsService("orders", {
          traefik,
          ca,
          service: { namespace: "apps", name: "orders", port: 8080 },
          hostnames: ["orders.mesh.example.com"],
          clients: [{ name: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"] }, { name: "billing" }],
          upstream: {},
        });
        return {};
      },
      { now: NOW },
    );
  });

  it("installs the pinned official Traefik chart with the CRD provider on", () => {
    const rel = plan.find("kubernetes:helm.sh/v3:Release", "edge");
    expect(rel.inputs).toMatchObject({ chart: "traefik", version: TRAEFIK_CHART_VERSION, repositoryOpts: { repo: "https://traefik.github.io/charts" } });
    expect(rel.inputs.values).toMatchObject({ providers: { kubernetesCRD: { enabled: true } } });
  });

  it("adds the mesh entrypoint: port 8443, TLS on, internal only, no forwarded-header trust", () => {
    const values = plan.find("kubernetes:helm.sh/v3:Release", "edge").inputs.values as { ports: Record<string, unknown> };
    expect(values.ports.mesh).toEqual({
      port: 9443,
      exposedPort: 8443,
      protocol: "TCP",
      expose: { default: false, internal: true },
      http: { tls: { enabled: true, options: "traefik-edge-mesh-mtls@kubernetescrd" } },
      forwardedHeaders: { trustedIPs: [], insecure: false },
      proxyProtocol: { trustedIPs: [], insecure: false },
    });
  });

  it("hardens Traefik's default TLS options (the fallback when routers disagree)", () => {
    const values = plan.find("kubernetes:helm.sh/v3:Release", "edge").inputs.values as { tlsOptions: { default: Record<string, unknown> } };
    expect(values.tlsOptions.default).toMatchObject({ sniStrict: true, minVersion: "VersionTLS12" });
  });

  it("every TLSOption, IngressRoute, Middleware and ServersTransport validates against Traefik v3's CRDs", () => {
    const crs = ["TLSOption", "IngressRoute", "Middleware", "ServersTransport"].flatMap((k) => plan.all(CR(k)));
    expect(crs.map((r) => r.name).sort()).toEqual(["edge-mesh-mtls", "orders", "orders-client-cert", "orders-mtls", "orders-strip-identity", "orders-upstream"]);
    for (const r of crs) expect(crdProblems(asObject(r)), r.name).toEqual([]);
  });

  it("the TLSOption requires client certs from the caller CA Secret, TLS 1.3, sniStrict", () => {
    const opt = plan.find(CR("TLSOption"), "orders-mtls");
    expect(opt.inputs.metadata).toMatchObject({ name: "orders-mtls", namespace: "apps" });
    expect(opt.inputs.spec).toEqual({
      minVersion: "VersionTLS13",
      sniStrict: true,
      clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["orders-client-ca"] },
    });
  });

  it("the client-CA Secret holds exactly the listed callers' CAs under tls.ca (not the shared CA)", () => {
    const secret = plan.find("kubernetes:core/v1:Secret", "orders-client-ca");
    const bundle = (secret.inputs.stringData as Record<string, string>)["tls.ca"] ?? "";
    expect(Object.keys(secret.inputs.stringData as object)).toEqual(["tls.ca"]);
    const callerRoots = ["orders-caller-nginx-gateway", "orders-caller-billing"].map((n) => plan.find("tls:index/selfSignedCert:SelfSignedCert", `${n}-root-cert`).outputs.certPem as string);
    expect(bundle).toBe(callerRoots.map((p) => p.trim()).join("\n") + "\n");
    const sharedRoot = plan.find("tls:index/selfSignedCert:SelfSignedCert", "mesh-root-cert").outputs.certPem as string;
    expect(bundle).not.toContain(sharedRoot.trim());
  });

  it("issues one client certificate per caller with its identity in the CN and its URI SANs", () => {
    const csr = plan.find("tls:index/certRequest:CertRequest", "orders-caller-nginx-gateway-client-csr");
    expect(csr.inputs).toMatchObject({ subject: { commonName: "nginx-gateway" }, uris: ["spiffe://mesh.internal/nginx-gateway"] });
    expect(plan.all("tls:index/certRequest:CertRequest", /^orders-caller-.*-client-csr$/)).toHaveLength(2);
  });

  it("the IngressRoute matches Host() on the mesh entrypoint with the TLSOption, the server Secret and both middlewares", () => {
    const spec = plan.find(CR("IngressRoute"), "orders").inputs.spec;
    expect(spec).toEqual({
      entryPoints: ["mesh"],
      routes: [
        {
          kind: "Rule",
          match: "Host(`orders.mesh.example.com`)",
          middlewares: [{ name: "orders-strip-identity" }, { name: "orders-client-cert" }],
          services: [{ kind: "Service", name: "orders", port: 8080, scheme: "https", serversTransport: "orders-upstream" }],
        },
      ],
      tls: { secretName: "orders-tls", options: { name: "orders-mtls", namespace: "apps" } },
    });
  });

  it("the server certificate Secret holds the InternalCA chain and a secret key", () => {
    const secret = plan.find("kubernetes:core/v1:Secret", "orders-tls");
    expect(secret.inputs.type).toBe("kubernetes.io/tls");
    expect(Object.keys(secret.inputs.stringData as object).sort()).toEqual(["tls.crt", "tls.key"]);
    expect(secret.isSecret("stringData.tls.key")).toBe(true);
  });

  it("the ServersTransport presents a client certificate and verifies the backend against the shared CA", () => {
    expect(plan.find(CR("ServersTransport"), "orders-upstream").inputs.spec).toEqual({
      serverName: "orders.apps.svc",
      insecureSkipVerify: false,
      rootCAs: [{ secret: "orders-upstream-ca" }],
      certificatesSecrets: ["orders-upstream-client"],
      minVersion: "VersionTLS13",
    });
    const rootSecret = plan.find("kubernetes:core/v1:Secret", "orders-upstream-ca");
    const sharedRoot = plan.find("tls:index/selfSignedCert:SelfSignedCert", "mesh-root-cert").outputs.certPem as string;
    expect((rootSecret.inputs.stringData as Record<string, string>)["tls.ca"]).toContain(sharedRoot.trim());
  });

  it("parents every child to a component named from the MtlsService name", () => {
    const svc = plan.find("edge-mtls:traefik:MtlsService", "orders");
    for (const kind of ["TLSOption", "IngressRoute", "Middleware", "ServersTransport"]) {
      for (const r of plan.all(CR(kind)).filter((r) => r.name.startsWith("orders"))) expect(r.parent).toBe(svc.urn);
    }
  });
});

describe("MtlsService (options)", () => {
  it("allows the same host on two different Traefik installs", async () => {
    const plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const common = { ca, hostnames: ["api.mesh.example.com"], clients: [{ name: "nginx-gateway" }] };
        new MtlsService("orders", { ...common, traefik: new TraefikInstall("edge-a", { namespace: "traefik-a" }), service: { namespace: "apps", name: "orders", port: 8080 } });
        new MtlsService("billing", { ...common, traefik: new TraefikInstall("edge-b", { namespace: "traefik-b" }), service: { namespace: "apps", name: "billing", port: 8080 } });
        return {};
      },
      { now: NOW },
    );
    expect(plan.all(CR("TLSOption"), /-mtls$/).map((r) => r.name).sort()).toEqual(["billing-mtls", "edge-a-mesh-mtls", "edge-b-mesh-mtls", "orders-mtls"]);
  });
  it("renders a cert-manager Certificate that validates against cert-manager's CRD when asked", async () => {
    const plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const traefik = new TraefikInstall("edge", {});
        new MtlsService("orders", {
          traefik,
          ca,
          service: { namespace: "apps", name: "orders", port: 8080 },
          hostnames: ["orders.mesh.example.com"],
          clients: [{ name: "nginx-gateway" }],
          serverCertificate: { kind: "cert-manager", issuerRef: { name: "mesh-ca" } },
        });
        return {};
      },
      { now: NOW },
    );
    const cert = plan.find("kubernetes:cert-manager.io/v1:Certificate", "orders-server");
    expect(crdProblems(asObject(cert))).toEqual([]);
    expect(cert.inputs.spec).toMatchObject({ secretName: "orders-tls", dnsNames: ["orders.mesh.example.com"], issuerRef: { name: "mesh-ca", kind: "ClusterIssuer" } });
    expect(plan.all("kubernetes:core/v1:Secret", "orders-tls")).toHaveLength(0);
  });

  it("renders TLS 1.2 with AEAD suites only when asked", async () => {
    const plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const traefik = new TraefikInstall("edge", {});
        new MtlsService("orders", {
          traefik,
          ca,
          service: { namespace: "apps", name: "orders", port: 8080 },
          hostnames: ["orders.mesh.example.com"],
          clients: [{ name: "nginx-gateway" }],
          minTlsVersion: "1.2",
          cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
        });
        return {};
      },
      { now: NOW },
    );
    const opt = plan.find(CR("TLSOption"), "orders-mtls");
    expect(opt.inputs.spec).toMatchObject({ minVersion: "VersionTLS12", cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] });
    expect(crdProblems(asObject(opt))).toEqual([]);
  });

  it("exposes each caller's private key as a secret output", async () => {
    const plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const traefik = new TraefikInstall("edge", {});
        const svc = new MtlsService("orders", {
          traefik,
          ca,
          service: { namespace: "apps", name: "orders", port: 8080 },
          hostnames: ["orders.mesh.example.com"],
          clients: [{ name: "nginx-gateway" }],
        });
        return { key: svc.clients["nginx-gateway"]?.privateKeyPem, cert: svc.clients["nginx-gateway"]?.certPem };
      },
      { now: NOW },
    );
    expect(plan.secretOutputs).toContain("key");
    expect(plan.secretOutputs).not.toContain("cert");
    expect(String(plan.outputs.key)).toContain("PRIVATE KEY");
  });
});
