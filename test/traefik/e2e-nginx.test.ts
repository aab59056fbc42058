/**
 * End to end with Debian's nginx: nginx, configured by the rendered snippet with a
 * caller's certificate, proxies to a real mTLS server that enforces exactly what the
 * rendered TLSOption says (test/support/tls-server.ts; Traefik itself cannot run here).
 * Every certificate, Secret and spec comes from the engine's run of the components —
 * the server loads the very Secret contents Traefik would load.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall, renderNginxMtlsLocation, type NginxMtlsTarget, type TlsOptionSpec } from "../../components/traefik";
import { httpGet, nginxBinary, startNginxServers, type RunningNginx } from "../support/nginx";
import { startMtlsServer, type MtlsServer } from "../support/tls-server";

const HOST = "orders.mesh.example.com";

interface Material {
  certPem: string;
  keyPem: string;
}

let plan: PlanResult;
let server: MtlsServer;
let target: NginxMtlsTarget;
let serverTrust: string;
let rogueTrust: string;
const callers: Record<"listed" | "unlistedSameCa" | "otherCa", Material> = {} as never;

beforeAll(async () => {
  plan = await runProgram(
    () => {
      const ca = new InternalCA("mesh", { intermediate: true });
      const rogue = new InternalCA("rogue", {});
      const traefik = new TraefikInstall("edge", {});
      const svc = new MtlsService("orders", {
        traefik,
        ca,
        service: { namespace: "apps", name: "orders", port: 8080 },
        hostnames: [HOST],
        clients: [{ name: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"] }, { name: "billing" }],
      });
      const gw = svc.clients["nginx-gateway"]!;
      // A certificate from the *shared* CA for a caller the service does not list.
      const intruder = ca.issueClientCertificate("intruder", { identity: "intruder" });
      // A certificate from an unrelated CA, even claiming a listed identity.
      const foreign = rogue.issueClientCertificate("nginx-gateway", { identity: "nginx-gateway" });
      return {
        target: svc.nginxTarget(),
        serverTrust: ca.trustBundle,
        rogueTrust: rogue.trustBundle,
        listedCert: gw.certPem,
        listedKey: gw.privateKeyPem,
        intruderCert: intruder.chainPem,
        intruderKey: intruder.privateKeyPem,
        foreignCert: foreign.chainPem,
        foreignKey: foreign.privateKeyPem,
      };
    },
    { now: new Date() },
  );
  const o = plan.outputs as Record<string, string>;
  callers.listed = { certPem: o.listedCert!, keyPem: o.listedKey! };
  callers.unlistedSameCa = { certPem: o.intruderCert!, keyPem: o.intruderKey! };
  callers.otherCa = { certPem: o.foreignCert!, keyPem: o.foreignKey! };
  target = plan.outputs.target as NginxMtlsTarget;
  serverTrust = o.serverTrust!;
  rogueTrust = o.rogueTrust!;

  // What Traefik would load: the TLSOption, the client-CA Secret it names, the server Secret.
  const tlsOption = plan.find("kubernetes:traefik.io/v1alpha1:TLSOption", "orders-mtls").inputs.spec as TlsOptionSpec;
  const caSecret = plan.find("kubernetes:core/v1:Secret", "orders-client-ca").inputs.stringData as Record<string, string>;
  const tlsSecret = plan.find("kubernetes:core/v1:Secret", "orders-tls").inputs.stringData as Record<string, string>;
  server = await startMtlsServer({
    tlsOption,
    caSecrets: { "orders-client-ca": caSecret["tls.ca"]! },
    certPem: tlsSecret["tls.crt"]!,
    keyPem: tlsSecret["tls.key"]!,
    hostnames: [HOST],
  });
});

afterAll(async () => {
  await server?.close();
});

/** One nginx case: the caller's material, an edit of the rendered snippet, the CA nginx trusts for the server. */
interface NginxCase {
  readonly caller: keyof typeof callers | "none";
  readonly edit?: (snippet: string) => string;
  readonly trust?: "mesh" | "rogue";
}

const CASES = {
  listed: { caller: "listed" },
  // A server block of its own. nginx keeps one upstream TLS session per proxied address, shared by
  // server blocks proxying to the same address, so this request may resume a session of the case
  // above: the identity the server sees must not depend on that.
  listedIdentity: { caller: "listed" },
  unlistedSameCa: { caller: "unlistedSameCa" },
  otherCa: { caller: "otherCa" },
  noCertificate: { caller: "none" },
  tls12Only: { caller: "listed", edit: (s) => s.replace("proxy_ssl_protocols TLSv1.3;", "proxy_ssl_protocols TLSv1.2;") },
  noSni: { caller: "listed", edit: (s) => s.replace("proxy_ssl_server_name on;", "proxy_ssl_server_name off;") },
  rogueServerTrust: { caller: "listed", trust: "rogue" },
  // Session resumption as rendered (proxy_ssl_session_reuse on), and the same snippet with it off.
  resumption: { caller: "listed" },
  noResumption: { caller: "listed", edit: (s) => s.replace("proxy_ssl_session_reuse on;", "proxy_ssl_session_reuse off;") },
} satisfies Record<string, NginxCase>;
type CaseName = keyof typeof CASES;
const CASE_NAMES = Object.keys(CASES) as CaseName[];

/**
 * ONE nginx for every case: a `server` per case on its own port with its own error log, each
 * configured by the rendered snippet (edited per case) with that case's caller certificate
 * and trusted CA files. Every request is still a real handshake from nginx to the mTLS server.
 */
let nginx: RunningNginx | undefined;

async function startCases(): Promise<RunningNginx> {
  const files: Record<string, string> = { "mesh-ca.crt": serverTrust, "rogue-ca.crt": rogueTrust };
  for (const [name, material] of Object.entries(callers)) {
    files[`${name}.crt`] = material.certPem;
    files[`${name}.key`] = material.keyPem;
  }
  return startNginxServers(
    CASE_NAMES.map((name) => (prefix: string) => {
      const c: NginxCase = CASES[name];
      const snippet = renderNginxMtlsLocation({
        target: { ...target, port: server.port },
        address: "127.0.0.1",
        certificatePath: `${prefix}/${c.caller}.crt`,
        keyPath: `${prefix}/${c.caller}.key`,
        trustedCaPath: `${prefix}/${c.trust ?? "mesh"}-ca.crt`,
      });
      const withoutCert = c.caller === "none" ? snippet.replace(/^\s*proxy_ssl_certificate(_key)? .*\n/gm, "") : snippet;
      return (c.edit ?? ((x: string) => x))(withoutCert);
    }),
    files,
  );
}

/** Runs one request through the nginx server of case `name`. */
async function throughNginx(name: CaseName) {
  nginx ??= await startCases();
  const i = CASE_NAMES.indexOf(name);
  const before = server.requests.length;
  const res = await httpGet(nginx.ports[i] as number);
  return { ...res, seen: server.requests.slice(before), log: nginx.errorLog(i) };
}

afterAll(async () => {
  await nginx?.stop();
});

// Skipped only on a developer machine without nginx; in CI (CI=true) a missing nginx fails loudly.
const describeIfNginx = nginxBinary() || process.env.CI ? describe : describe.skip;

describeIfNginx("nginx → mTLS server enforcing the rendered TLSOption", () => {
  it("a listed caller's certificate gets 200", async () => {
    const res = await throughNginx("listed");
    expect(res.status, res.log).toBe(200);
    expect(res.body).toBe("hello nginx-gateway\n");
  });

  it("the server sees the caller identity (CN and URI SAN), the service host as SNI and Host, over TLS 1.3", async () => {
    const res = await throughNginx("listedIdentity");
    expect(res.seen.map(({ resumed: _resumed, ...seen }) => seen)).toEqual([
      { host: HOST, servername: HOST, protocol: "TLSv1.3", peerCommonName: "nginx-gateway", peerUris: ["spiffe://mesh.internal/nginx-gateway"] },
    ]);
  });

  it("a certificate signed by the shared CA for an unlisted caller is refused", async () => {
    const res = await throughNginx("unlistedSameCa");
    expect(res.status).toBe(502);
    expect(res.seen).toEqual([]);
  });

  it("a certificate from another CA is refused, even with a listed identity", async () => {
    const res = await throughNginx("otherCa");
    expect(res.status).toBe(502);
    expect(res.seen).toEqual([]);
  });

  it("no client certificate is refused", async () => {
    const res = await throughNginx("noCertificate");
    expect(res.status).toBe(502);
    expect(res.log).toMatch(/alert certificate required/);
    expect(res.seen).toEqual([]);
  });

  it("a TLS 1.2-only client is refused by the TLS 1.3 TLSOption", async () => {
    const res = await throughNginx("tls12Only");
    expect(res.status).toBe(502);
    expect(res.log).toMatch(/alert protocol version/);
    expect(res.seen).toEqual([]);
  });

  it("a client without SNI is refused (sniStrict)", async () => {
    const res = await throughNginx("noSni");
    expect(res.status).toBe(502);
    expect(res.seen).toEqual([]);
  });

  it("nginx refuses a server whose certificate is not from the trusted CA (proxy_ssl_verify on)", async () => {
    const res = await throughNginx("rogueServerTrust");
    expect(res.status).toBe(502);
    expect(res.log).toMatch(/upstream SSL certificate verify error/);
    expect(res.seen).toEqual([]);
  });

  // Each proxied request is a new upstream connection (no upstream keepalive). The first request may
  // itself resume a session another case left with nginx (one session per proxied address); the
  // next one must resume the session nginx kept (proxy_ssl_session_reuse on).
  it("the rendered snippet resumes the TLS session on the next connection, still as the listed caller", async () => {
    const first = await throughNginx("resumption");
    const second = await throughNginx("resumption");
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.seen.map((r) => ({ resumed: r.resumed, caller: r.peerCommonName, uris: r.peerUris, protocol: r.protocol }))).toEqual([
      { resumed: true, caller: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"], protocol: "TLSv1.3" },
    ]);
  });

  it("with proxy_ssl_session_reuse off every connection is a full handshake (the resumption check can fail)", async () => {
    const first = await throughNginx("noResumption");
    const second = await throughNginx("noResumption");
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([...first.seen, ...second.seen].map((r) => r.resumed)).toEqual([false, false]);
  });
});
