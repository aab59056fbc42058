/**
 * Issue 13, sections 1 and 2: first-class caller identities and the mesh entrypoint's default
 * TLS option. Every certificate, Secret and TLSOption comes from the engine's run of the
 * components; each service is emulated by a real mTLS server configured from its *rendered*
 * TLSOption and client-CA Secret (test/support/tls-server.ts; Traefik cannot run here), and the
 * callers are Node `tls` clients or Debian's nginx configured by the rendered snippet.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import Ajv2020 from "ajv/dist/2020";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall, WorkloadIdentity, renderNginxMtlsLocations, type IngressRouteSpec, type NginxMtlsTarget, type TlsOptionSpec } from "../../components/traefik";
import { selectTlsOption, type RouteObject } from "../support/traefik-tls-selection";
import { deepMerge } from "../../components/traefik/traefik-install";
import { crdProblems } from "./crd-problems";
import { httpGet, nginxBinary, startNginx } from "../support/nginx";
import { startMtlsServer, type MtlsServer } from "../support/tls-server";

const NOW = new Date();
const ORDERS = "orders.mesh.internal";
const BILLING = "billing.mesh.internal";
const MANUAL = "manual.mesh.internal";
const CR = (kind: string) => `kubernetes:traefik.io/v1alpha1:${kind}`;
const SECRET = "kubernetes:core/v1:Secret";
const CHART_DIR = path.resolve(__dirname, "../../../shared/charts/traefik-41.3.0");

interface Pair {
  cert: string;
  key: string;
}
interface Outputs {
  gateway: Pair;
  reporting: Pair;
  intruder: Pair;
  manualServer: Pair;
  serverTrust: string;
  ordersTarget: NginxMtlsTarget;
  billingTarget: NginxMtlsTarget;
}

/** The mesh: two identities, orders and billing services, and a hand-added route's server certificate. */
function program(billingListsGateway: boolean) {
  return () => {
    const ca = new InternalCA("mesh", {});
    const gateway = new WorkloadIdentity("nginx-gateway", { uris: ["spiffe://mesh.internal/nginx-gateway"] });
    const reporting = new WorkloadIdentity("reporting");
    const traefik = new TraefikInstall("edge", { mtlsEntrypoint: { identities: [gateway, reporting] } });
    const common = { traefik, ca } as const;
    const orders = new MtlsService("orders", { ...common, service: { namespace: "shop", name: "orders", port: 8080 }, hostnames: [ORDERS], identities: [gateway] });
    const billing = new MtlsService("billing", {
      ...common,
      service: { namespace: "shop", name: "billing", port: 8080 },
      hostnames: [BILLING],
      identities: billingListsGateway ? [gateway, reporting] : [reporting],
    });
    // A certificate from the shared mesh CA for a workload that is no listed identity.
    const intruder = ca.issueClientCertificate("intruder", { identity: "intruder" });
    // The server certificate of a router someone adds on `mesh` by hand, without a TLSOption.
    const manual = ca.issueServerCertificate("manual", { dnsNames: [MANUAL] });
    return {
      gateway: { cert: gateway.certPem, key: gateway.privateKeyPem },
      reporting: { cert: reporting.certPem, key: reporting.privateKeyPem },
      intruder: { cert: intruder.chainPem, key: intruder.privateKeyPem },
      manualServer: { cert: manual.chainPem, key: manual.privateKeyPem },
      serverTrust: ca.trustBundle,
      ordersTarget: orders.nginxTarget(),
      billingTarget: billing.nginxTarget(),
    };
  };
}

const outputs = (plan: PlanResult) => plan.outputs as unknown as Outputs;
const stringData = (r: RecordedResource) => r.inputs.stringData as Record<string, string>;

/** A stand-in for Traefik serving one MtlsService: its rendered TLSOption, client-CA Secret and server Secret. */
async function serveService(plan: PlanResult, svc: string, host: string): Promise<MtlsServer> {
  const tlsOption = plan.find(CR("TLSOption"), `${svc}-mtls`).inputs.spec as TlsOptionSpec;
  const tlsSecret = stringData(plan.find(SECRET, `${svc}-tls`));
  return startMtlsServer({
    tlsOption,
    caSecrets: { [`${svc}-client-ca`]: stringData(plan.find(SECRET, `${svc}-client-ca`))["tls.ca"] ?? "" },
    certPem: tlsSecret["tls.crt"] ?? "",
    keyPem: tlsSecret["tls.key"] ?? "",
    hostnames: [host],
  });
}

/** One HTTPS request as a caller (SNI and Host = `host`), optionally with a client certificate. */
function call(port: number, host: string, trust: string, client?: Pair): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = https.request(
      { host: "127.0.0.1", port, path: "/", servername: host, headers: { host }, ca: trust, cert: client?.cert, key: client?.key, agent: false, timeout: 5000 },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: e.message }));
    req.end();
  });
}

let before: PlanResult;
let after: PlanResult;
const servers: MtlsServer[] = [];
const start = async (p: Promise<MtlsServer>) => {
  const s = await p;
  servers.push(s);
  return s;
};

beforeAll(async () => {
  before = await runProgram(program(true), { now: NOW });
  after = await runProgram(program(false), { now: NOW, prior: before });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("one WorkloadIdentity, many services", () => {
  it("creates one CA and one client certificate per identity, however many services list it", () => {
    expect(before.all("edge-mtls:traefik:WorkloadIdentity").map((r) => r.name).sort()).toEqual(["nginx-gateway", "reporting"]);
    expect(before.all("tls:index/certRequest:CertRequest", /client-csr$/).map((r) => r.name).sort()).toEqual(["nginx-gateway-ca-client-csr", "reporting-ca-client-csr"]);
    expect(before.all("tls:index/selfSignedCert:SelfSignedCert").map((r) => r.name).sort()).toEqual(["mesh-root-cert", "nginx-gateway-ca-root-cert", "reporting-ca-root-cert"]);
  });

  it("each service's client-CA Secret holds exactly its listed identities' CAs, never the shared CA", () => {
    const root = (n: string) => (before.find("tls:index/selfSignedCert:SelfSignedCert", `${n}-root-cert`).outputs.certPem as string).trim();
    expect(stringData(before.find(SECRET, "orders-client-ca"))["tls.ca"]).toBe(`${root("nginx-gateway-ca")}\n`);
    expect(stringData(before.find(SECRET, "billing-client-ca"))["tls.ca"]).toBe(`${root("nginx-gateway-ca")}\n${root("reporting-ca")}\n`);
    for (const svc of ["orders", "billing"]) expect(stringData(before.find(SECRET, `${svc}-client-ca`))["tls.ca"]).not.toContain(root("mesh"));
  });

  it("the identity's one certificate is accepted by both services that list it (real handshakes)", async () => {
    const o = outputs(before);
    const orders = await start(serveService(before, "orders", ORDERS));
    const billing = await start(serveService(before, "billing", BILLING));
    expect(await call(orders.port, ORDERS, o.serverTrust, o.gateway)).toEqual({ status: 200, body: "hello nginx-gateway\n" });
    expect(await call(billing.port, BILLING, o.serverTrust, o.gateway)).toEqual({ status: 200, body: "hello nginx-gateway\n" });
    expect(orders.requests[0]?.peerUris).toEqual(["spiffe://mesh.internal/nginx-gateway"]);
  });

  it("a shared-CA certificate of an unlisted workload is refused at the handshake by both services", async () => {
    const o = outputs(before);
    for (const [svc, host] of [["orders", ORDERS], ["billing", BILLING]] as const) {
      const server = await start(serveService(before, svc, host));
      const r = await call(server.port, host, o.serverTrust, o.intruder);
      expect(r.status, svc).toBeUndefined();
      expect(r.error, svc).toBeDefined();
      expect(server.requests).toEqual([]);
    }
  });

  it("an identity a service does not list is refused there (reporting → orders)", async () => {
    const o = outputs(before);
    const orders = await start(serveService(before, "orders", ORDERS));
    expect((await call(orders.port, ORDERS, o.serverTrust, o.reporting)).status).toBeUndefined();
    expect(orders.requests).toEqual([]);
  });
});

describe("removing an identity from one service's list", () => {
  it("changes nothing but that service's client-CA Secret: the identity keeps its certificate", () => {
    expect(outputs(after).gateway).toEqual(outputs(before).gateway);
    const changed = after.resources.filter((r) => r.op !== "same" && r.type !== "pulumi:pulumi:Stack").map((r) => `${r.op} ${r.name}`);
    expect(changed).toEqual(["update billing-client-ca"]);
  });

  it("that service refuses the identity's still-valid certificate after the next run", async () => {
    const o = outputs(after);
    const billing = await start(serveService(after, "billing", BILLING));
    const r = await call(billing.port, BILLING, o.serverTrust, outputs(before).gateway);
    expect(r.status).toBeUndefined();
    expect(billing.requests).toEqual([]);
    // The identity that stays listed still gets in.
    expect((await call(billing.port, BILLING, o.serverTrust, o.reporting)).status).toBe(200);
  });

  it("the other service still accepts it", async () => {
    const o = outputs(after);
    const orders = await start(serveService(after, "orders", ORDERS));
    expect(await call(orders.port, ORDERS, o.serverTrust, o.gateway)).toEqual({ status: 200, body: "hello nginx-gateway\n" });
  });
});

// Skipped only on a developer machine without nginx; in CI (CI=true) a missing nginx fails loudly.
const describeIfNginx = nginxBinary() || process.env.CI ? describe : describe.skip;

describeIfNginx("nginx with one identity certificate for every upstream", () => {
  it("reaches both services through one proxy_ssl_certificate", async () => {
    const o = outputs(before);
    const orders = await start(serveService(before, "orders", ORDERS));
    const billing = await start(serveService(before, "billing", BILLING));
    let snippet = "";
    const nginx = await startNginx(
      (prefix) => {
        snippet = renderNginxMtlsLocations({
          identity: "nginx-gateway",
          certificatePath: `${prefix}/gateway.crt`,
          keyPath: `${prefix}/gateway.key`,
          trustedCaPath: `${prefix}/mesh-ca.crt`,
          routes: [
            { location: "/orders/", address: "127.0.0.1", target: { ...o.ordersTarget, port: orders.port } },
            { location: "/billing/", address: "127.0.0.1", target: { ...o.billingTarget, port: billing.port } },
          ],
        });
        return snippet;
      },
      { "gateway.crt": o.gateway.cert, "gateway.key": o.gateway.key, "mesh-ca.crt": o.serverTrust },
    );
    try {
      expect(snippet.match(/proxy_ssl_certificate /g)).toHaveLength(2);
      expect(new Set(snippet.match(/proxy_ssl_certificate .*;/g))).toHaveProperty("size", 1);
      const r1 = await httpGet(nginx.port, "/orders/");
      const r2 = await httpGet(nginx.port, "/billing/");
      expect([r1.status, r2.status], nginx.errorLog()).toEqual([200, 200]);
      expect(orders.requests.map((r) => [r.host, r.peerCommonName])).toEqual([[ORDERS, "nginx-gateway"]]);
      expect(billing.requests.map((r) => [r.host, r.peerCommonName])).toEqual([[BILLING, "nginx-gateway"]]);
    } finally {
      await nginx.stop();
    }
  });

  it("the renderer refuses an upstream that does not list the identity", () => {
    const o = outputs(after);
    expect(() =>
      renderNginxMtlsLocations({
        identity: "nginx-gateway",
        certificatePath: "/etc/nginx/ssl/gw.crt",
        keyPath: "/etc/nginx/ssl/gw.key",
        trustedCaPath: "/etc/nginx/ssl/ca.crt",
        routes: [{ location: "/billing/", address: "10.0.0.1", target: o.billingTarget }],
      }),
    ).toThrow(/routes\[0\].target \(billing.mesh.internal\) does not list identity "nginx-gateway" among its callers \(reporting\)/);
  });
});

describe("the mesh entrypoint's default TLS option (a router added on `mesh` by hand, without a TLSOption)", () => {
  const meshValues = (plan: PlanResult) =>
    (plan.find("kubernetes:helm.sh/v3:Release", "edge").inputs.values as { ports: Record<string, { http?: { tls?: { enabled?: boolean; options?: string } } }> }).ports;

  /** Resolves the entrypoint's `http.tls.options` reference the way Traefik's CRD provider names TLSOptions (`<namespace>-<name>@kubernetescrd`). */
  function defaultOption(plan: PlanResult) {
    const ref = meshValues(plan).mesh?.http?.tls?.options ?? "";
    const [qualified, provider] = ref.split("@");
    expect(provider).toBe("kubernetescrd");
    const matches = plan.all(CR("TLSOption")).filter((r) => {
      const m = r.inputs.metadata as { name: string; namespace: string };
      return `${m.namespace}-${m.name}` === qualified;
    });
    expect(matches).toHaveLength(1);
    const opt = matches[0] as RecordedResource;
    const ns = (opt.inputs.metadata as { namespace: string }).namespace;
    const spec = opt.inputs.spec as TlsOptionSpec;
    const caSecrets = Object.fromEntries(
      (spec.clientAuth?.secretNames ?? []).map((n) => {
        const s = plan.all(SECRET).filter((r) => {
          const m = r.inputs.metadata as { name: string; namespace: string };
          return m.name === n && m.namespace === ns;
        });
        expect(s, n).toHaveLength(1);
        return [n, stringData(s[0] as RecordedResource)["tls.ca"] ?? ""];
      }),
    );
    return { ref, opt, spec, caSecrets };
  }

  it("the rendered chart values point the mesh entrypoint at the TLSOption, under ports.mesh.http.tls (chart ≥ v39)", () => {
    expect(meshValues(before).mesh?.http?.tls).toEqual({ enabled: true, options: "traefik-edge-mesh-mtls@kubernetescrd" });
    // The vendored chart turns exactly this key into the entrypoint's static option.
    const tpl = fs.readFileSync(path.join(CHART_DIR, "templates/_podtemplate.tpl"), "utf8");
    expect(tpl).toMatch(/\{\{- with \$config\.http \}\}[\s\S]*\{\{- if \(\.tls\)\.enabled \}\}\s*- "--\{\{\$entryPoints\}\}\.\{\{ \$name \}\}\.http\.tls=true"\s*\{\{- with \.tls\.options \}\}\s*- "--\{\{\$entryPoints\}\}\.\{\{ \$name \}\}\.http\.tls\.options=\{\{ \. \}\}"/);
  });

  it("the chart's values.schema.json accepts the library's values merged over the chart defaults", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8")) as Record<string, unknown>;
    const defaults = parseYaml(fs.readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const merged = deepMerge(defaults, before.find("kubernetes:helm.sh/v3:Release", "edge").inputs.values as Record<string, unknown>);
    expect(validate(merged), JSON.stringify(validate.errors)).toBe(true);
    // The same check refuses the pre-v39 key `ports.<name>.tls` (what Helm would reject on install).
    expect(validate(deepMerge(merged, { ports: { mesh: { tls: { enabled: true } } } }))).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: "/ports/mesh", params: { additionalProperty: "tls" } });
  });

  it("the TLSOption requires and verifies client certificates against exactly the mesh identities' CAs, and validates against Traefik's CRD", () => {
    const { opt, spec, caSecrets } = defaultOption(before);
    expect(crdProblems({ apiVersion: opt.inputs.apiVersion as string, kind: "TLSOption", metadata: opt.inputs.metadata, spec })).toEqual([]);
    expect(spec).toEqual({ minVersion: "VersionTLS13", sniStrict: true, clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["edge-mesh-client-ca"] } });
    const root = (n: string) => (before.find("tls:index/selfSignedCert:SelfSignedCert", `${n}-root-cert`).outputs.certPem as string).trim();
    expect(caSecrets["edge-mesh-client-ca"]).toBe(`${root("nginx-gateway-ca")}\n${root("reporting-ca")}\n`);
  });

  /** A router someone adds on `mesh` by hand: Host() rule, no `tls` section (valid against Traefik's CRD). */
  const handMade = (tls?: IngressRouteSpec["tls"]): RouteObject => ({
    namespace: "tools",
    spec: { entryPoints: ["mesh"], routes: [{ kind: "Rule", match: `Host(\`${MANUAL}\`)`, services: [{ name: "manual", port: 8080 }] }], ...(tls ? { tls } : {}) },
  });
  const rendered = (plan: PlanResult): RouteObject[] =>
    plan.all(CR("IngressRoute")).map((r) => ({ namespace: (r.inputs.metadata as { namespace: string }).namespace, spec: r.inputs.spec as IngressRouteSpec }));

  it("by the precedence rules, the hand-made router's handshake meets the entrypoint's option; the services keep theirs", () => {
    const route = handMade();
    expect(crdProblems({ apiVersion: "traefik.io/v1alpha1", kind: "IngressRoute", metadata: { name: "manual", namespace: "tools" }, spec: route.spec })).toEqual([]);
    const { ref } = defaultOption(before);
    const routes = [...rendered(before), route];
    const select = (sni: string | undefined) => selectTlsOption({ sni, entrypoint: "mesh", entrypointDefault: ref, routes });
    expect(select(MANUAL)).toBe("traefik-edge-mesh-mtls@kubernetescrd");
    expect(select(ORDERS)).toBe("shop-orders-mtls@kubernetescrd");
    // The documented limits: a router with its own `tls` (even without options), an unknown SNI or none get `default`.
    expect(selectTlsOption({ sni: MANUAL, entrypoint: "mesh", entrypointDefault: ref, routes: [...rendered(before), handMade({ secretName: "manual-tls" })] })).toBe("default");
    expect(select("other.mesh.internal")).toBe("default");
    // Two options for one host (the hand-made router on a service's host) fall back to `default` too (traefik PR #5056).
    const clash: RouteObject = { namespace: "tools", spec: { ...route.spec, routes: [{ kind: "Rule", match: `Host(\`${ORDERS}\`)`, services: [{ name: "manual", port: 8080 }] }] } };
    expect(selectTlsOption({ sni: ORDERS, entrypoint: "mesh", entrypointDefault: ref, routes: [...rendered(before), clash] })).toBe("default");
    expect(select(undefined)).toBe("default");
  });

  it("a caller without a certificate is refused by the emulated default option; a listed identity gets in; a shared-CA certificate does not", async () => {
    const o = outputs(before);
    const { spec, caSecrets } = defaultOption(before);
    const server = await start(startMtlsServer({ tlsOption: spec, caSecrets, certPem: o.manualServer.cert, keyPem: o.manualServer.key, hostnames: [MANUAL] }));
    const anonymous = await call(server.port, MANUAL, o.serverTrust);
    expect(anonymous.status).toBeUndefined();
    expect(anonymous.error).toMatch(/certificate required|socket hang up|ECONNRESET/);
    expect((await call(server.port, MANUAL, o.serverTrust, o.intruder)).status).toBeUndefined();
    expect(server.requests).toEqual([]);
    expect(await call(server.port, MANUAL, o.serverTrust, o.reporting)).toEqual({ status: 200, body: "hello reporting\n" });
  });

  it("with no identities, the option trusts only a deny-all anchor that signs nothing", async () => {
    const plan = await runProgram(
      () => {
        new TraefikInstall("edge", {});
        return {};
      },
      { now: NOW },
    );
    const { caSecrets } = defaultOption(plan);
    const anchor = (plan.find("tls:index/selfSignedCert:SelfSignedCert", "edge-mesh-deny-all-ca").outputs.certPem as string).trim();
    expect(Object.values(caSecrets)).toEqual([`${anchor}\n`]);
    expect(plan.all("tls:index/locallySignedCert:LocallySignedCert")).toEqual([]);
  });
});
