/**
 * Issue 8 acceptance for the stacks: dev/staging/prod plan through the offline engine from
 * their committed `Pulumi.<stack>.yaml`; key resources are there; dev needs no Cloudflare;
 * plans are byte-identical across runs; every rendered custom resource validates against
 * the upstream CRD schemas; no committed stack file holds a credential.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderPlan, runStack, type PlanResult } from "../../engine";
import { validateCustomResource } from "../support/crd";
import { x509 } from "../../components/common/x509";
import { pooledProviders, repeatRunProviders } from "../support/key-pool";

const ROOT = path.resolve(__dirname, "../..");
const STACKS = ["dev", "staging", "prod"] as const;
const plans = new Map<string, PlanResult>();

// Three full stacks; prod mints six RSA-4096 CA keys (root, edge-clients and four rotating intermediate slots).
beforeAll(async () => {
  for (const s of STACKS) plans.set(s, await runStack(ROOT, s, { providers: pooledProviders() }));
}, 180_000);
const plan = (s: string) => plans.get(s) as PlanResult;
const spec = (p: PlanResult, type: string, name: string) => p.find(type, name).inputs.spec as Record<string, unknown>;

describe.each(STACKS)("stack %s", (stack) => {
  it("plans without errors", () => {
    expect(plan(stack).errors).toEqual([]);
  });

  it("creates the internal CA, protected", () => {
    const root = plan(stack).find("tls:index/selfSignedCert:SelfSignedCert", `${stack}-mesh-root-cert`);
    expect(root.protect).toBe(true);
    expect(root.inputs.isCaCertificate).toBe(true);
  });

  it("installs cert-manager and Traefik from pinned Helm charts", () => {
    const releases = plan(stack).all("kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.chart, typeof r.inputs.version]);
    expect(releases).toEqual(expect.arrayContaining([["cert-manager", "string"], ["traefik", "string"]]));
  });

  it("requires and verifies client certificates on every MtlsService's TLSOption", () => {
    const options = plan(stack).all("kubernetes:traefik.io/v1alpha1:TLSOption");
    expect(options.length).toBeGreaterThan(0);
    for (const o of options) expect((o.inputs.spec as { clientAuth: { clientAuthType: string } }).clientAuth.clientAuthType).toBe("RequireAndVerifyClientCert");
  });

  // Traefik (Go crypto/tls) issues session tickets unless a TLSOption sets `disableSessionTickets`
  // ("disables TLS session resumption via session tickets", the upstream TLSOption CRD).
  it("leaves TLS session resumption on in every TLSOption (disableSessionTickets, a real CRD field, is never set)", () => {
    const options = plan(stack).all("kubernetes:traefik.io/v1alpha1:TLSOption");
    expect(options.length).toBeGreaterThan(0);
    const [first] = options;
    // The field exists in the CRD (a misspelling would be refused): the check below names a real field.
    expect(validateCustomResource({ apiVersion: "traefik.io/v1alpha1", kind: "TLSOption", metadata: {}, spec: { ...(first?.inputs.spec as object), disableSessionTickets: true } })).toEqual([]);
    expect(options.filter((o) => (o.inputs.spec as { disableSessionTickets?: boolean }).disableSessionTickets === true).map((o) => o.name)).toEqual([]);
    expect(options.every((o) => !("disableSessionTickets" in (o.inputs.spec as object)))).toBe(true);
  });

  it("routes every internal hostname on the mesh entrypoint", () => {
    const routes = plan(stack).all("kubernetes:traefik.io/v1alpha1:IngressRoute");
    for (const r of routes) expect((r.inputs.spec as { entryPoints: string[] }).entryPoints).toEqual(["mesh"]);
    expect(plan(stack).outputs.internalHostnames).toEqual(expect.arrayContaining(["orders.mesh.internal"]));
  });

  it("issues one certificate per declared identity, whatever the number of services listing it", () => {
    const ids = plan(stack).all("edge-mtls:traefik:WorkloadIdentity").map((r) => r.name);
    expect(ids.length).toBeGreaterThan(0);
    expect(plan(stack).all("tls:index/certRequest:CertRequest", /-ca-client-csr$/).map((r) => r.name).sort()).toEqual(ids.map((n) => `${n}-ca-client-csr`).sort());
  });

  it("gives the mesh entrypoint a default TLS option requiring a mesh identity", () => {
    const values = plan(stack).find("kubernetes:helm.sh/v3:Release", "traefik").inputs.values as { ports: { mesh: { http: { tls: { options: string } } } } };
    expect(values.ports.mesh.http.tls.options).toBe("traefik-traefik-mesh-mtls@kubernetescrd");
    expect(spec(plan(stack), "kubernetes:traefik.io/v1alpha1:TLSOption", "traefik-mesh-mtls")).toMatchObject({ clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["traefik-mesh-client-ca"] } });
  });

  it("exports the CA bundle, and the caller certificates only as a secret", () => {
    expect(String(plan(stack).outputs.caBundle)).toMatch(/BEGIN CERTIFICATE/);
    expect(plan(stack).secretOutputs).toContain("callers");
    expect(plan(stack).secretOutputs).not.toContain("caBundle");
  });

  it("renders custom resources that validate against the upstream cert-manager and Traefik CRDs", () => {
    const crs = plan(stack).resources.filter((r) => /^kubernetes:(cert-manager\.io|traefik\.io)\//.test(r.type));
    expect(crs.length).toBeGreaterThan(3);
    for (const r of crs) expect(validateCustomResource(r.inputs as { apiVersion: string; kind: string })).toEqual([]);
  });

  it("produces a byte-identical plan on a second run", async () => {
    const again = await runStack(ROOT, stack, { providers: repeatRunProviders() });
    const a = renderPlan(plan(stack));
    const b = renderPlan(again);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, content] of a) expect(b.get(file), file).toBe(content);
  });

  it("never writes key material or the Cloudflare token into plan files", () => {
    for (const [file, content] of renderPlan(plan(stack))) {
      expect(content, file).not.toMatch(/PRIVATE KEY/);
      expect(content, file).not.toMatch(/offline-secret-placeholder/);
    }
  });
});

describe("dev", () => {
  it("plans with only a cluster: no Cloudflare resource and no Cloudflare token", () => {
    expect(plan("dev").resources.filter((r) => r.type.startsWith("cloudflare:"))).toEqual([]);
    const cfg = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    expect(Object.keys(cfg.config).filter((k) => k.startsWith("cloudflare:"))).toEqual([]);
  });

  it("uses Let's Encrypt staging", () => {
    const acme = spec(plan("dev"), "kubernetes:cert-manager.io/v1:ClusterIssuer", "letsencrypt-issuer") as { acme: { server: string } };
    expect(acme.acme.server).toBe("https://acme-staging-v02.api.letsencrypt.org/directory");
  });
});

describe("prod", () => {
  it("uses Let's Encrypt production", () => {
    const acme = spec(plan("prod"), "kubernetes:cert-manager.io/v1:ClusterIssuer", "letsencrypt-issuer") as { acme: { server: string } };
    expect(acme.acme.server).toBe("https://acme-v02.api.letsencrypt.org/directory");
  });

  it("publishes the public hostnames through one tunnel with one configuration ending in the catch-all", () => {
    const p = plan("prod");
    expect(p.all("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared")).toHaveLength(1);
    const cfg = p.find("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig");
    const ingress = (cfg.inputs.config as { ingresses: { service: string; hostname?: string }[] }).ingresses;
    expect(ingress.at(-1)).toEqual({ service: "http_status:404" });
    expect(ingress.filter((i) => i.hostname).map((i) => i.hostname)).toEqual(["app.example.com", "api.example.com"]);
    expect(p.outputs.publicHostnames).toEqual(["app.example.com", "api.example.com"]);
    expect(typeof p.outputs.tunnelId).toBe("string");
  });

  it("reports the origin certificate's status as pending until cert-manager has issued it", () => {
    expect((plan("prod").outputs.certificateStatus as { origin: { status: string; reason: string } }).origin).toMatchObject({ status: "pending", reason: "NotObserved" });
  });

  it("issues the origin certificate as a DNS-01 wildcard (seed 000)", () => {
    const cert = plan("prod").find("kubernetes:cert-manager.io/v1:Certificate");
    expect((cert.inputs.spec as { dnsNames: string[] }).dnsNames).toEqual(["*.example.com", "example.com"]);
  });

  it("protects the API hostnames with one custom-rules ruleset pinned to the CA's SKI", () => {
    const rs = plan("prod").find("cloudflare:index/ruleset:Ruleset");
    expect(rs.inputs.phase).toBe("http_request_firewall_custom");
    const expr = (rs.inputs.rules as { expression: string }[])[0]?.expression ?? "";
    expect(expr).toMatch(/cf\.tls_client_auth\.cert_issuer_ski/);
    expect(expr).toMatch(/api\.example\.com/);
  });

  it("uses an RSA-4096 root with an intermediate issuing RSA-2048 leaves (seed 004)", () => {
    const p = plan("prod");
    expect(p.find("tls:index/privateKey:PrivateKey", "prod-mesh-root-key").inputs).toMatchObject({ algorithm: "RSA", rsaBits: 4096 });
    expect(p.find("tls:index/privateKey:PrivateKey", "prod-mesh-orders-server-key").inputs).toMatchObject({ algorithm: "RSA", rsaBits: 2048 });
    expect(p.all("tls:index/locallySignedCert:LocallySignedCert", "prod-mesh-intermediate-cert")).toHaveLength(1);
  });
});

describe("prod: issuers per purpose", () => {
  const LSC = "tls:index/locallySignedCert:LocallySignedCert";
  const ski = (name: string) => {
    const c = new x509.X509Certificate(plan("prod").find(LSC, name).outputs.certPem);
    return (c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? "").toUpperCase();
  };
  const akiOf = (name: string) => {
    const c = new x509.X509Certificate(plan("prod").find(LSC, name).outputs.certPem);
    return (c.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId ?? "").toUpperCase();
  };
  const expression = () => (plan("prod").find("cloudflare:index/ruleset:Ruleset").inputs.rules as { expression: string }[])[0]?.expression ?? "";

  it("pins API Shield to the edge-clients intermediate, which also signs the partner-caller Worker's client certificate", () => {
    const edge = ski("prod-mesh-intermediate-cert");
    expect(expression()).toContain(`cf.tls_client_auth.cert_issuer_ski ne "${edge}"`);
    expect(akiOf("prod-mesh-prod-partner-caller-client-cert")).toBe(edge);
  });

  it("signs mesh server and mesh client certificates with other intermediates, so neither can pass the edge", () => {
    const pinned = ski("prod-mesh-intermediate-cert");
    const server = akiOf("prod-mesh-orders-server-cert");
    expect(server).not.toBe(pinned);
    expect(expression()).not.toContain(server);
    expect([ski("prod-mesh-mesh-servers-ca-0-cert"), ski("prod-mesh-mesh-servers-ca-1-cert")]).toContain(server);
  });
});

describe.each(["staging", "prod"] as const)("%s partner-caller Worker (within Cloudflare's Workers mTLS rule)", (stack) => {
  it("presents its certificate only to the partner's API, which Cloudflare does not proxy, never to the stack's own proxied zone", () => {
    const p = plan(stack);
    const workers = p.outputs.mtlsWorkers as Record<string, { targets: string[]; binding: { type: string; name: string } }>;
    expect(Object.keys(workers)).toEqual(["partner-caller"]);
    const zone = stack === "prod" ? "example.com" : "staging.example.com";
    for (const t of workers["partner-caller"]?.targets ?? []) expect(t === zone || t.endsWith(`.${zone}`), t).toBe(false);
    expect(workers["partner-caller"]?.binding).toMatchObject({ type: "mtls_certificate", name: "PARTNER_MTLS" });
    expect(p.find("cloudflare:index/mtlsCertificate:MtlsCertificate", `${stack}-partner-caller-mtls`).inputs.ca).toBe(false);
  });

  it("protects the API Shield hostnames (bare /api too) for devices and servers", () => {
    const expr = (plan(stack).find("cloudflare:index/ruleset:Ruleset").inputs.rules as { expression: string }[])[0]?.expression ?? "";
    expect(expr).toContain('lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/")');
  });
});

describe("staging", () => {
  it("reports the InternalCA-issued origin certificate as issued", () => {
    expect((plan("staging").outputs.certificateStatus as { origin: { status: string } }).origin.status).toBe("issued");
  });
});

describe("committed stack files", () => {
  it.each(STACKS)("Pulumi.%s.yaml holds no real credential (every secure value is a placeholder)", (stack) => {
    const text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
    const secure = [...text.matchAll(/secure:\s*(\S+)/g)].map((m) => m[1]);
    for (const v of secure) expect(v).toMatch(/^v1:placeholder-not-a-real-token$/);
    expect(text).not.toMatch(/PRIVATE KEY|[A-Za-z0-9_-]{40,}/);
  });
});
