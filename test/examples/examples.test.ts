/**
 * Every example under examples/ is a runnable Pulumi project: planned here through the offline
 * engine exactly as `npm run plan -- --stack example --dir examples/<folder>` plans it, then
 * checked for the resources that make its seed scenario right, for valid custom resources, and
 * for the absence of key material in the rendered plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCertStatus } from "edge-mtls";
import { x509 } from "../../components/common/x509";
import { renderPlan, runStack, type PlanResult, type RecordedResource } from "edge-mtls/engine";
import { validateCustomResource } from "../support/crd";
import { EXAMPLES_DIR, exampleNames } from "../support/examples";
import { SAMPLE_STATUSES, seed003TlsStatus } from "../../examples/04-paas-custom-domains/tls-status";
import { pooledProviders } from "../support/key-pool";

const NOW = new Date("2026-01-01T00:00:00Z");
/** Every folder under examples/ (discovered, so a new example gets the generic checks). */
const EXAMPLES = exampleNames();
type Example = string;

const plans = new Map<Example, Promise<PlanResult>>();
/** Plans an example once per file (runs cannot overlap: the Pulumi runtime is global). */
function planOf(example: Example): Promise<PlanResult> {
  let p = plans.get(example);
  if (!p) {
    p = runStack(path.join(EXAMPLES_DIR, example), "example", { now: NOW, providers: pooledProviders() });
    plans.set(example, p);
  }
  return p;
}

const CR_GROUPS = /^(traefik\.io\/v1alpha1|cert-manager\.io\/v1)$/;
function customResources(plan: PlanResult): RecordedResource[] {
  return plan.all().filter((r) => r.custom && typeof r.inputs.apiVersion === "string" && CR_GROUPS.test(r.inputs.apiVersion));
}
function asObject(r: RecordedResource): { apiVersion: string; kind: string; [k: string]: unknown } {
  const { apiVersion, kind, metadata, spec } = r.inputs as { apiVersion: string; kind: string; metadata: unknown; spec: unknown };
  return { apiVersion, kind, metadata, spec };
}
const spec = (r: RecordedResource) => r.inputs.spec as Record<string, unknown>;
const meta = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string; annotations?: Record<string, string> };
const CR = (group: "traefik" | "cert-manager", kind: string) =>
  `kubernetes:${group === "traefik" ? "traefik.io/v1alpha1" : "cert-manager.io/v1"}:${kind}`;

// Sequential: the plans share one Pulumi runtime. (Project files: projects.test.ts; Pulumi's loader: pulumi-loader.test.ts.)
describe.each(EXAMPLES)("example %s: plan", (example) => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf(example);
  });

  it("plans without errors", () => {
    expect(plan.errors).toEqual([]);
    expect(plan.resources.length).toBeGreaterThan(1);
  });

  it("renders a plan with no private key material", () => {
    const files = renderPlan(plan);
    for (const [name, content] of files) expect(content, name).not.toMatch(/PRIVATE KEY/);
  });

  it("keeps every private-key stack output secret", () => {
    for (const key of Object.keys(plan.outputs).filter((k) => /privatekey|token/i.test(k))) expect(plan.secretOutputs, key).toContain(key);
  });

  it("renders only cert-manager / Traefik custom resources that validate against the upstream CRDs", () => {
    const crs = customResources(plan);
    // Cloudflare-only examples (no kubernetes: resources) render none; every Kubernetes example renders some.
    expect(crs.length > 0).toBe(plan.all().some((r) => r.type.startsWith("kubernetes:")));
    for (const r of crs) expect(validateCustomResource(asObject(r)), `${r.type} ${r.name}`).toEqual([]);
  });
});

describe("example 01: Cloudflare Tunnel → Traefik with a DNS-01 wildcard (seed 000)", () => {
  let plan: PlanResult;
  const hostnames = ["whoami.example.com", "grafana.example.com"];
  beforeAll(async () => {
    plan = await planOf("01-tunnel-traefik-wildcard");
  });

  it("the ClusterIssuer solves only DNS-01 at Cloudflare, for the zone, with the token in a secret Secret", () => {
    const issuer = plan.find(CR("cert-manager", "ClusterIssuer"));
    expect(meta(issuer).name).toBe("letsencrypt-staging-dns01");
    expect(spec(issuer).acme).toMatchObject({
      server: "https://acme-staging-v02.api.letsencrypt.org/directory",
      solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "letsencrypt-staging-dns01-cloudflare-api-token" } } }, selector: { dnsZones: ["example.com"] } }],
    });
    expect((spec(issuer).acme as { solvers: unknown[] }).solvers).toHaveLength(1);
    const token = plan.find("kubernetes:core/v1:Secret", "letsencrypt-cloudflare-token");
    expect(Object.keys(token.inputs.stringData as object).every((k) => token.isSecret(`stringData.${k}`))).toBe(true);
  });

  it("the wildcard origin Certificate (*.example.com) is issued into Traefik's namespace and is Traefik's default certificate", () => {
    const cert = plan.find(CR("cert-manager", "Certificate"));
    expect(meta(cert)).toMatchObject({ name: "example-wildcard-tls", namespace: "traefik" });
    expect(spec(cert)).toMatchObject({ secretName: "example-wildcard-tls", issuerRef: { name: "letsencrypt-staging-dns01", kind: "ClusterIssuer" } });
    expect(spec(cert).dnsNames).toEqual(expect.arrayContaining(["example.com", "*.example.com"]));
    const values = plan.find("kubernetes:helm.sh/v3:Release", "traefik").inputs.values as Record<string, unknown>;
    expect(values.tlsStore).toEqual({ default: { defaultCertificate: { secretName: "example-wildcard-tls" } } });
    expect(plan.outputs.originTlsSecret).toEqual({ namespace: "traefik", name: "example-wildcard-tls" });
  });

  it("the tunnel config sends every host to Traefik websecure over verified HTTPS and ends with http_status:404", () => {
    const config = plan.find("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", "edge-config");
    const ingresses = (config.inputs.config as { ingresses: { hostname?: string; service: string; originRequest?: Record<string, unknown> }[] }).ingresses;
    expect(ingresses.at(-1)).toEqual({ service: "http_status:404" });
    expect(ingresses.filter((i) => i.service === "http_status:404")).toHaveLength(1);
    const rules = ingresses.slice(0, -1);
    expect(rules.map((r) => r.hostname)).toEqual(hostnames);
    for (const r of rules) {
      expect(r.service).toBe("https://traefik.traefik.svc.cluster.local:443");
      expect(r.originRequest).toMatchObject({ originServerName: r.hostname, caPool: "/etc/cloudflared/origin-ca/ca.crt", noTlsVerify: false });
    }
  });

  it("cloudflared's caPool holds exactly the two Let's Encrypt staging roots", () => {
    const pem = (plan.find("kubernetes:core/v1:ConfigMap", "edge-origin-ca").inputs.data as Record<string, string>)["ca.crt"] ?? "";
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    const roots = blocks.map((b) => new X509Certificate(b));
    expect(roots.map((c) => c.subject.split("\n").find((l) => l.startsWith("CN=")))).toEqual(["CN=(STAGING) Pretend Pear X1", "CN=(STAGING) Bogus Broccoli X2"]);
    for (const c of roots) expect(c.ca && c.verify(c.publicKey)).toBe(true);
    expect(pem.replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, "").trim()).toBe("");
  });

  it("the zone is SSL Full (strict) and every hostname is a proxied CNAME to the tunnel", () => {
    expect(plan.find("cloudflare:index/zoneSetting:ZoneSetting", "edge-ssl-mode").inputs).toMatchObject({ settingId: "ssl", value: "strict" });
    for (const h of hostnames) {
      expect(plan.find("cloudflare:index/dnsRecord:DnsRecord", `edge-cname-${h}`).inputs).toMatchObject({
        name: h,
        type: "CNAME",
        proxied: true,
        content: `${String(plan.outputs.tunnelId)}.cfargotunnel.com`,
      });
    }
    expect(plan.outputs.cnameTarget).toBe(`${String(plan.outputs.tunnelId)}.cfargotunnel.com`);
  });

  it("the tunnel token is only in a secret Secret", () => {
    const token = plan.find("kubernetes:core/v1:Secret", "edge-tunnel-token");
    expect(token.isSecret("stringData.token")).toBe(true);
  });
});

describe("example 02: nginx gateway → Traefik mesh over mTLS (seed 001)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf("02-nginx-gateway-mesh");
  });

  it("the TLSOption requires and verifies client certificates, TLS 1.3, sniStrict", () => {
    expect(spec(plan.find(CR("traefik", "TLSOption"), "dashboard-mtls"))).toEqual({
      clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["dashboard-client-ca"] },
      minVersion: "VersionTLS13",
      sniStrict: true,
    });
  });

  it("the route is on the mesh entrypoint, which listens on 8443 with TLS on", () => {
    expect(spec(plan.find(CR("traefik", "IngressRoute"), "dashboard"))).toMatchObject({ entryPoints: ["mesh"], tls: { options: { name: "dashboard-mtls" } } });
    const values = plan.find("kubernetes:helm.sh/v3:Release", "traefik").inputs.values as { ports: Record<string, { exposedPort?: number; http?: unknown }> };
    expect(values.ports.mesh).toMatchObject({ exposedPort: 8443, http: { tls: { enabled: true, options: "traefik-traefik-mesh-mtls@kubernetescrd" } } });
  });

  it("the client CA Secret, and the mesh entrypoint's default option, trust only nginx-gateway's identity CA", () => {
    const caller = plan.find("tls:index/selfSignedCert:SelfSignedCert", "nginx-gateway-ca-root-cert");
    for (const secret of ["dashboard-client-ca", "traefik-mesh-client-ca"]) {
      const bundle = (plan.find("kubernetes:core/v1:Secret", secret).inputs.stringData as Record<string, string>)["tls.ca"];
      expect(bundle?.trim(), secret).toBe(String(caller.outputs.certPem).trim());
    }
  });

  it("the nginx location block speaks HTTPS to 8443 with SNI, Host and verification (the seed's 404 and missing proxy_ssl_name)", () => {
    const block = String(plan.outputs.nginxLocation);
    expect(block).toContain("proxy_pass https://10.0.0.12:8443;");
    expect(block).toContain("proxy_ssl_server_name on;");
    expect(block).toContain("proxy_ssl_name dashboard.internal.example.com;");
    expect(block).toContain("proxy_set_header Host dashboard.internal.example.com;");
    expect(block).toContain("proxy_ssl_verify on;");
    expect(block).toContain("proxy_ssl_protocols TLSv1.3;");
  });

  it("exports the gateway's certificate (CN=nginx-gateway) and its key only as a secret", () => {
    expect(new X509Certificate(String(plan.outputs.gatewayCertificatePem)).subject).toContain("CN=nginx-gateway");
    expect(plan.secretOutputs).toContain("gatewayPrivateKeyPem");
    expect(plan.outputs).toHaveProperty("meshCaPem");
  });
});

describe("example 03: sesh-tracker → kush.observer's API through a service binding; API Shield for everyone else (seed 002)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf("03-worker-api-shield");
  });

  it("the WAF rule blocks /api and /api/... unless verified, not revoked and issued by our CA (SKI pinned)", () => {
    const root = plan.find("tls:index/selfSignedCert:SelfSignedCert", "kush-sesh-root-cert");
    const ext = new x509.X509Certificate(String(root.outputs.certPem)).getExtension(x509.SubjectKeyIdentifierExtension);
    const ski = ext?.keyId.toUpperCase();
    expect(ski).toMatch(/^[0-9A-F]{40}$/);
    const ruleset = plan.find("cloudflare:index/ruleset:Ruleset", "api-waf");
    expect(ruleset.inputs).toMatchObject({ kind: "zone", phase: "http_request_firewall_custom", zoneId: "11111111111111111111111111111111" });
    const rules = ruleset.inputs.rules as { action: string; expression: string }[];
    expect(rules).toHaveLength(1);
    expect(rules[0]?.action).toBe("block");
    expect(rules[0]?.expression).toBe(
      `(http.host in {"api.example.com"}) and (lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/")) and ` +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${ski}")`,
    );
    expect(plan.outputs.pinnedIssuerSki).toBe(ski);
  });

  it("the CA is uploaded as a trust anchor and associated with the API host after the rule exists", () => {
    const anchor = plan.find("cloudflare:index/mtlsCertificate:MtlsCertificate", "kush-sesh-anchor-ca");
    expect(anchor.inputs).toMatchObject({ ca: true, accountId: "00000000000000000000000000000000" });
    const assoc = plan.find("cloudflare:index/certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations", "api-hosts-kush-sesh-anchor");
    expect(assoc.inputs).toMatchObject({ hostnames: ["api.example.com"], mtlsCertificateId: anchor.id });
    expect(assoc.dependencies).toContain(plan.find("cloudflare:index/ruleset:Ruleset", "api-waf").urn);
  });

  it("sesh-tracker's Worker runs worker/caller.js with a service binding to the API Worker's SeshTrackerApi entrypoint, and no client certificate", () => {
    const script = plan.find("cloudflare:index/workersScript:WorkersScript", "sesh-tracker");
    const source = fs.readFileSync(path.join(EXAMPLES_DIR, "03-worker-api-shield/worker/caller.js"), "utf8");
    expect(script.inputs).toMatchObject({ scriptName: "sesh-tracker", mainModule: "caller.js", content: source });
    expect(script.inputs.bindings).toEqual([{ type: "service", name: "KUSH_API", service: "kush-api", entrypoint: "SeshTrackerApi" }]);
    expect(plan.all("cloudflare:index/mtlsCertificate:MtlsCertificate").filter((r) => r.inputs.ca === false)).toEqual([]);
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    expect(code).toMatch(/env\.KUSH_API\.fetch\(/);
    expect(code).not.toMatch(/clientCertificate/);
    const server = fs.readFileSync(path.join(EXAMPLES_DIR, "03-worker-api-shield/worker/server.js"), "utf8");
    expect(server).toMatch(/export class SeshTrackerApi extends WorkerEntrypoint/);
  });

  it("the API Worker runs worker/server.js with the same pinned SKI, on a route whose host has a proxied record", () => {
    const api = plan.find("cloudflare:index/workersScript:WorkersScript", "kush-api");
    expect(api.inputs.bindings).toContainEqual({ type: "plain_text", name: "TRUSTED_ISSUER_SKI", text: plan.outputs.pinnedIssuerSki });
    expect(api.inputs.bindings).toContainEqual({ type: "plain_text", name: "ALLOWED_CALLERS", text: "sesh-tracker" });
    const dns = plan.find("cloudflare:index/dnsRecord:DnsRecord", "kush-api-dns");
    expect(dns.inputs).toMatchObject({ name: "api.example.com", type: "AAAA", content: "100::", proxied: true });
    const route = plan.find("cloudflare:index/workersRoute:WorkersRoute", "kush-api-route");
    expect(route.inputs).toMatchObject({ pattern: "api.example.com/*", script: "kush-api" });
    expect(route.dependencies).toContain(dns.urn);
  });

  it("sesh-tracker's servers get a client certificate CN=sesh-tracker from the integration CA, its key only as a secret", () => {
    const leaf = new X509Certificate(String(plan.outputs.serverCallerCertificatePem));
    expect(leaf.subject).toContain("CN=sesh-tracker");
    expect(leaf.issuer).toContain("CN=Kush-Sesh Integration CA");
    expect(plan.secretOutputs).toContain("serverCallerPrivateKeyPem");
  });

  it("the README says why the seed's direct approach fails (520) and quotes Cloudflare's rule", () => {
    const readme = fs.readFileSync(path.join(EXAMPLES_DIR, "03-worker-api-shield/README.md"), "utf8");
    expect(readme).toContain("If your Worker presents a client certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error.");
    expect(readme).toContain("https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/");
  });
});

describe("example 06: a Worker → an origin Cloudflare does not proxy, over mTLS (seed 002, pattern 2)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf("06-worker-mtls-origin");
  });

  it("the Worker has an mtls_certificate binding to its uploaded InternalCA client certificate, declared for a non-proxied target", () => {
    const upload = plan.find("cloudflare:index/mtlsCertificate:MtlsCertificate", "partner-caller-mtls");
    expect(upload.inputs.ca).toBe(false);
    expect(upload.isSecret("privateKey")).toBe(true);
    const script = plan.find("cloudflare:index/workersScript:WorkersScript", "partner-caller-script");
    expect(script.inputs.bindings).toContainEqual({ type: "mtls_certificate", name: "ORIGIN_MTLS", certificateId: upload.id });
    expect(script.inputs.bindings).toContainEqual({ type: "plain_text", name: "ORIGIN_URL", text: "https://orders-mtls.partner.example" });
    expect(plan.outputs.callerTargets).toEqual(["orders-mtls.partner.example"]);
  });

  it("publishes the origin DNS-only and gives the origin its server certificate and the CA bundle to verify callers with", () => {
    expect(plan.find("cloudflare:index/dnsRecord:DnsRecord", "orders-origin").inputs).toMatchObject({ name: "orders-mtls.partner.example", proxied: false });
    const server = new X509Certificate(String(plan.outputs.originCertificatePem));
    expect(server.subjectAltName).toContain("DNS:orders-mtls.partner.example");
    const caller = new X509Certificate(String(plan.outputs.callerCertificatePem).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/)?.[0] ?? "");
    expect(caller.subject).toContain("CN=partner-caller");
    expect(caller.verify(new X509Certificate(String(plan.outputs.originTrustPem)).publicKey)).toBe(true);
    expect(plan.secretOutputs).toContain("originPrivateKeyPem");
  });
});

describe("example 07: devices, servers, nginx and curl → an API Shield–protected hostname (seed 002, pattern 3)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf("07-devices-api-shield");
  });

  it("protects the whole host: the rule has no path condition", () => {
    expect(String(plan.outputs.ruleExpression)).toBe(
      `(http.host in {"telemetry.example.com"}) and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${String(plan.outputs.pinnedIssuerSki)}")`,
    );
  });

  it("issues one client certificate per device from the device CA, keys only as a secret", () => {
    const certs = plan.outputs.deviceCertificates as Record<string, string>;
    expect(Object.keys(certs).sort()).toEqual(["gateway-nginx", "sensor-001"]);
    for (const [d, pem] of Object.entries(certs)) expect(new X509Certificate(pem).subject).toContain(`CN=${d}`);
    expect(plan.secretOutputs).toContain("devicePrivateKeys");
  });
});

describe("example 04: PaaS custom domains (seed 003)", () => {
  let plan: PlanResult;
  const dir = path.join(EXAMPLES_DIR, "04-paas-custom-domains");
  const domains = (parse(fs.readFileSync(path.join(dir, "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> }).config[
    "paas-custom-domains:customDomains"
  ] as { app: string; domain: string }[];
  beforeAll(async () => {
    plan = await planOf("04-paas-custom-domains");
  });

  it("the ClusterIssuer is ACME staging with an HTTP-01 solver on ingress class traefik", () => {
    const issuer = plan.find(CR("cert-manager", "ClusterIssuer"));
    expect(meta(issuer).name).toBe("letsencrypt-staging");
    expect(spec(issuer).acme).toMatchObject({
      server: "https://acme-staging-v02.api.letsencrypt.org/directory",
      solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }],
    });
  });

  it("one Certificate per configured domain, named cert-{app}-{domain-with-dashes} with Secret tls-…", () => {
    const certs = plan.all(CR("cert-manager", "Certificate"));
    expect(certs).toHaveLength(domains.length);
    for (const { app, domain } of domains) {
      const slug = `${app}-${domain.replace(/\./g, "-")}`;
      const short = `cert-${slug}`.length <= 63;
      const cert = certs.find((c) => (spec(c).dnsNames as string[])[0] === domain);
      expect(cert, domain).toBeDefined();
      const name = meta(cert as RecordedResource).name;
      const secret = spec(cert as RecordedResource).secretName as string;
      if (short) {
        expect(name).toBe(`cert-${slug}`);
        expect(secret).toBe(`tls-${slug}`);
      } else {
        // Past 63 characters (a label value): shortened with a stable hash, same suffix for both names.
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(new RegExp(`^cert-${app}-[a-z0-9-]+-[0-9a-f]{10}$`));
        expect(secret).toBe(name.replace(/^cert-/, "tls-"));
      }
      expect(meta(cert as RecordedResource)).toMatchObject({ namespace: "paas-apps", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
      expect(spec(cert as RecordedResource).issuerRef).toMatchObject({ name: "letsencrypt-staging", kind: "ClusterIssuer" });
    }
  });

  it("Traefik serves each domain's Secret on websecure", () => {
    const certs = plan.all(CR("cert-manager", "Certificate"));
    for (const cert of certs) {
      const domain = (spec(cert).dnsNames as string[])[0] as string;
      const route = plan.find(CR("traefik", "IngressRoute"), `route-${meta(cert).name}`);
      expect(spec(route)).toMatchObject({ entryPoints: ["websecure"], tls: { secretName: spec(cert).secretName }, routes: [{ match: `Host(\`${domain}\`)` }] });
    }
  });

  it("Ready=False with Issuing=True is pending, not failed (seed 003's bug), in the helper and the stack output", () => {
    expect(parseCertStatus(SAMPLE_STATUSES.firstIssuance).status).toBe("pending");
    expect(seed003TlsStatus(SAMPLE_STATUSES.firstIssuance)).toBe("failed");
    expect(plan.outputs.tlsStatusExamples).toMatchObject({
      notObserved: { status: "pending" },
      firstIssuance: { status: "pending", seed003: "failed" },
      issued: { status: "issued" },
      renewing: { status: "renewing", seed003: "issued" },
      failed: { status: "failed" },
    });
  });
});

describe("example 05: edge proxy → load balancer → workers, all mTLS (seed 004)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planOf("05-edge-lb-workers");
  });

  it("the CA is RSA-4096 for 10 years; its leaves are RSA-2048, 90 days, rotated 30 days before expiry", () => {
    expect(plan.find("tls:index/privateKey:PrivateKey", "zeitwork-root-key").inputs).toMatchObject({ algorithm: "RSA", rsaBits: 4096 });
    expect(plan.find("tls:index/selfSignedCert:SelfSignedCert", "zeitwork-root-cert").inputs).toMatchObject({ validityPeriodHours: 10 * 365 * 24, isCaCertificate: true });
    const leaves = plan.all("tls:index/locallySignedCert:LocallySignedCert");
    expect(leaves.map((l) => l.name).sort()).toEqual([
      "edge-proxy-ca-client-cert",
      "load-balancer-ca-client-cert",
      ...["load-balancer-pods", "load-balancer-server", "load-balancer-upstream", "worker-pods", "workers-server", "workers-upstream"].map((n) => `zeitwork-${n}-cert`),
    ]);
    for (const leaf of leaves) {
      expect(leaf.inputs, leaf.name).toMatchObject({ validityPeriodHours: 90 * 24, earlyRenewalHours: 30 * 24 });
      expect(plan.find("tls:index/privateKey:PrivateKey", leaf.name.replace(/-cert$/, "-key")).inputs).toMatchObject({ algorithm: "RSA", rsaBits: 2048 });
    }
  });

  it("both hops require and verify client certificates with TLS 1.3", () => {
    for (const name of ["load-balancer", "workers"]) {
      expect(spec(plan.find(CR("traefik", "TLSOption"), `${name}-mtls`))).toEqual({
        clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: [`${name}-client-ca`] },
        minVersion: "VersionTLS13",
        sniStrict: true,
      });
    }
  });

  it("the load balancer accepts only edge-proxy, the workers only load-balancer", () => {
    const ca = (secret: string) => (plan.find("kubernetes:core/v1:Secret", secret).inputs.stringData as Record<string, string>)["tls.ca"]?.trim();
    const root = (n: string) => String(plan.find("tls:index/selfSignedCert:SelfSignedCert", n).outputs.certPem).trim();
    expect(ca("load-balancer-client-ca")).toBe(root("edge-proxy-ca-root-cert"));
    expect(ca("workers-client-ca")).toBe(root("load-balancer-ca-root-cert"));
    expect(new X509Certificate(String(plan.outputs.edgeProxyCertificatePem)).subject).toContain("CN=edge-proxy");
    expect(new X509Certificate(String(plan.outputs.loadBalancerClientCertificatePem)).subject).toContain("CN=load-balancer");
  });

  it("Traefik re-encrypts to the pods through ServersTransports: verified, client certificate, TLS 1.3", () => {
    for (const [name, server] of [["load-balancer", "load-balancer.zeitwork.svc"], ["workers", "worker.zeitwork.svc"]] as const) {
      expect(spec(plan.find(CR("traefik", "ServersTransport"), `${name}-upstream`))).toEqual({
        serverName: server,
        insecureSkipVerify: false,
        rootCAs: [{ secret: `${name}-upstream-ca` }],
        certificatesSecrets: [`${name}-upstream-client`],
        minVersion: "VersionTLS13",
      });
    }
  });

  it("no plain-HTTP path: every route is on mesh, TLS-terminated, and reaches its backend over https", () => {
    const routes = plan.all(CR("traefik", "IngressRoute"));
    expect(routes).toHaveLength(2);
    for (const r of routes) {
      const s = spec(r) as { entryPoints: string[]; tls?: unknown; routes: { services: { scheme?: string; serversTransport?: string }[] }[] };
      expect(s.entryPoints).toEqual(["mesh"]);
      expect(s.tls).toBeDefined();
      for (const svc of s.routes.flatMap((x) => x.services)) expect(svc).toMatchObject({ scheme: "https", serversTransport: `${r.name}-upstream` });
    }
    const options = plan.all(CR("traefik", "TLSOption"));
    expect(options.map((o) => o.name).sort()).toEqual(["load-balancer-mtls", "traefik-mesh-mtls", "workers-mtls"]);
    for (const option of options) expect(spec(option).minVersion).toBe("VersionTLS13");
  });
});
