/**
 * The example Workers, run in Cloudflare's Workers runtime (workerd, from npm), with certificates
 * the library issues:
 *
 * 1. Worker → origin Cloudflare does not proxy (examples/06): the caller's mtls_certificate binding
 *    is a workerd external service whose TLS client keypair is the library-issued client
 *    certificate; the origin is a real TLS server on 127.0.0.1 verifying with the library's CA
 *    bundle and allowing only listed callers.
 * 2. The API Worker behind API Shield (examples/03): `request.cf.tlsClientAuth` as Cloudflare sets
 *    it, through workerd's cfBlobHeader; every case is also evaluated against the WAF rule the
 *    library renders for the same zone.
 * 3. The service-binding pattern (examples/03): sesh-tracker's Worker → the API Worker's
 *    SeshTrackerApi entrypoint, inside workerd.
 *
 * Each case asserts the HTTP status and the certificate the server saw.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { ApiShieldCa, ApiShieldMtls, WorkerClientCertificate } from "../../components/api-shield";
import { splitPem } from "../../components/common/pem";
import { evaluateRule, type RuleRequest } from "../api-shield/rules-eval";
import { capnpString, startWorkerd, type WorkerdRun } from "../support/workerd";

const EXAMPLES = path.resolve(__dirname, "../../examples");
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE = "fedcba9876543210fedcba9876543210";
const ORIGIN_HOST = "orders-mtls.partner.example";
const API_HOST = "kush.observer";
const source = (example: string, file: string): string => fs.readFileSync(path.join(EXAMPLES, example, "worker", file), "utf8");

/** A certificate and key as issued. */
interface Pair {
  readonly chain: string;
  readonly key: string;
}

interface Pki {
  /** What the caller Worker uploads (WorkerClientCertificate's MtlsCertificate inputs). */
  readonly listed: Pair;
  readonly unlisted: Pair;
  readonly expired: Pair;
  readonly otherCa: Pair;
  readonly seshTracker: Pair;
  readonly server: Pair;
  readonly caBundle: string;
  readonly issuerSki: string;
  readonly ruleExpression: string;
}

/**
 * Everything from the library, run one day in the past so that a 2-hour certificate is expired
 * now while the CA and the 90-day certificates are valid.
 */
async function issue(): Promise<Pki> {
  const plan: PlanResult = await runProgram(
    () => {
      const ca = new InternalCA("integration", { subject: { commonName: "Integration CA", organization: "example" } });
      const other = new InternalCA("other", { subject: { commonName: "Some Other CA", organization: "example" } });
      const anchor = new ApiShieldCa("integration-anchor", { accountId: ACCOUNT, authority: ca });
      const shield = new ApiShieldMtls("kush", { zoneId: ZONE, zoneName: API_HOST, trustAnchor: anchor, protections: [{ name: "api", hostnames: [API_HOST], pathPrefixes: ["/api"] }] });
      new WorkerClientCertificate("partner-caller", {
        accountId: ACCOUNT,
        bindingName: "ORIGIN_MTLS",
        issuer: ca,
        identity: "partner-caller",
        targets: [{ hostname: ORIGIN_HOST, proxiedByCloudflare: false }],
      });
      const pair = (c: { certPem: unknown; privateKeyPem: unknown }) => ({ chain: c.certPem, key: c.privateKeyPem });
      return {
        unlisted: pair(ca.issueClientCertificate("someone-else", { identity: "someone-else" })),
        expired: pair(ca.issueClientCertificate("expired", { identity: "partner-caller", validity: "2h", renewBefore: "1h" })),
        otherCa: pair(other.issueClientCertificate("partner-caller", { identity: "partner-caller" })),
        server: pair(ca.issueServerCertificate("orders-origin", { dnsNames: [ORIGIN_HOST] })),
        seshTracker: pair(ca.issueClientCertificate("sesh-tracker", { identity: "sesh-tracker" })),
        caBundle: ca.trustBundle,
        issuerSki: anchor.issuerSki,
        ruleExpression: shield.expressions.apply((e) => e.api),
      };
    },
    { now: new Date(Date.now() - 24 * 3600 * 1000) },
  );
  expect(plan.errors).toEqual([]);
  const upload = plan.find("cloudflare:index/mtlsCertificate:MtlsCertificate", "partner-caller-mtls");
  const o = plan.outputs as Record<string, Pair | string | undefined>;
  const p = (k: string): Pair => o[k] as Pair;
  const s = (k: string): string => o[k] as string;
  return {
    listed: { chain: String(upload.inputs.certificates), key: String(upload.inputs.privateKey) },
    unlisted: p("unlisted"),
    expired: p("expired"),
    otherCa: p("otherCa"),
    server: p("server"),
    seshTracker: p("seshTracker"),
    caBundle: s("caBundle"),
    issuerSki: s("issuerSki"),
    ruleExpression: s("ruleExpression"),
  };
}

/** SHA-256 fingerprint of a certificate's DER, lower-case hex (Cloudflare's certFingerprintSHA256 format). */
function fingerprint(pem: string): string {
  return crypto.createHash("sha256").update(new crypto.X509Certificate(splitPem(pem)[0] as string).raw).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// 1. Worker → non-proxied origin over mTLS
// ---------------------------------------------------------------------------------------------

/** What the origin saw on one TLS connection. */
interface Seen {
  readonly commonName: string | undefined;
  readonly fingerprintSHA256: string | undefined;
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
}

/**
 * The origin: a real TLS server (Node tls/OpenSSL) on 127.0.0.1 that requires a client certificate,
 * verifies it with the library's CA bundle (refusing the connection otherwise), and answers only
 * listed callers.
 */
async function startOrigin(pki: Pki, allowed: readonly string[]): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = https.createServer({ cert: pki.server.chain, key: pki.server.key, ca: pki.caBundle, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.2" }, (req, res) => {
    const socket = req.socket as TLSSocket;
    // A connection refused after the handshake (destroyed in secureConnection) has no peer left.
    const peer = socket.destroyed || !socket.authorized ? null : (socket.getPeerCertificate() as { subject?: { CN?: unknown } } | null);
    if (!peer) {
      res.destroy();
      return;
    }
    const cn = typeof peer.subject?.CN === "string" ? peer.subject.CN : undefined;
    if (cn === undefined || !allowed.includes(cn)) {
      res.writeHead(403, { "content-type": "text/plain" });
      res.end(`caller ${String(cn)} not allowed\n`);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`orders for ${cn}`);
  });
  server.on("secureConnection", (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    seen.push({
      commonName: typeof peer.subject?.CN === "string" ? peer.subject.CN : undefined,
      fingerprintSHA256: peer.raw ? crypto.createHash("sha256").update(peer.raw).digest("hex") : undefined,
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
    });
    // Verification failed (expired, other CA, none): refuse the connection, as Traefik/nginx do.
    if (!socket.authorized) socket.destroy();
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("workerd: partner-caller Worker (examples/06) → origin not proxied by Cloudflare, over mTLS", () => {
  let pki: Pki;
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let workerd: WorkerdRun;
  const cases = ["listed", "unlisted", "expired", "otherCa"] as const;

  beforeAll(async () => {
    pki = await issue();
    origin = await startOrigin(pki, ["partner-caller"]);
    const files: Record<string, string> = { "caller.js": source("06-worker-mtls-origin", "caller.js"), "ca.pem": pki.caBundle };
    const services: string[] = [];
    const sockets: Record<string, { service: string }> = {};
    for (const c of cases) {
      files[`${c}.crt`] = pki[c].chain;
      files[`${c}.key`] = pki[c].key;
      // The mtls_certificate binding: every fetch goes to the origin over TLS presenting this keypair.
      services.push(
        `(name = "origin-${c}", external = (address = ${capnpString(`127.0.0.1:${origin.port}`)}, https = (options = (), ` +
          `tlsOptions = (keypair = (privateKey = embed "${c}.key", certificateChain = embed "${c}.crt"), trustedCertificates = [embed "ca.pem"]), ` +
          `certificateHost = ${capnpString(ORIGIN_HOST)})))`,
        `(name = "caller-${c}", worker = (modules = [(name = "caller.js", esModule = embed "caller.js")], compatibilityDate = "2025-01-01", ` +
          `bindings = [(name = "ORIGIN_MTLS", service = "origin-${c}"), (name = "ORIGIN_URL", text = ${capnpString(`https://${ORIGIN_HOST}`)})]))`,
      );
      sockets[c] = { service: `caller-${c}` };
    }
    workerd = await startWorkerd({ files, services, sockets });
  });

  afterAll(async () => {
    await workerd?.stop();
    await origin?.close();
  });

  /** Calls the caller Worker's /sync in workerd; returns its answer and what the origin saw meanwhile. */
  async function sync(c: (typeof cases)[number]): Promise<{ status: number; body: { ok: boolean; status?: number; body?: string; error?: string }; seen: Seen[] }> {
    const before = origin.seen.length;
    const res = await fetch(`http://127.0.0.1:${workerd.ports[c]}/sync`);
    const body = (await res.json()) as { ok: boolean; status?: number; body?: string; error?: string };
    return { status: res.status, body, seen: origin.seen.slice(before) };
  }

  it("a listed caller's library-issued certificate gets 200, and the origin saw exactly that certificate, verified", async () => {
    const r = await sync("listed");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, status: 200, body: "orders for partner-caller" });
    expect(r.seen).toEqual([{ commonName: "partner-caller", fingerprintSHA256: fingerprint(pki.listed.chain), authorized: true, authorizationError: undefined }]);
  });

  it("an unlisted caller (valid certificate from the same CA) is refused with 403 by the origin", async () => {
    const r = await sync("unlisted");
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ ok: false, status: 403, body: "caller someone-else not allowed\n" });
    expect(r.seen).toEqual([{ commonName: "someone-else", fingerprintSHA256: fingerprint(pki.unlisted.chain), authorized: true, authorizationError: undefined }]);
  });

  it("an expired certificate is refused in the TLS handshake: no HTTP answer reaches the Worker", async () => {
    expect(new Date(new crypto.X509Certificate(splitPem(pki.expired.chain)[0] as string).validTo).getTime()).toBeLessThan(Date.now());
    const r = await sync("expired");
    expect(r.status).toBe(502);
    expect(r.body.ok).toBe(false);
    expect(r.body.status).toBeUndefined();
    expect(r.seen).toEqual([{ commonName: "partner-caller", fingerprintSHA256: fingerprint(pki.expired.chain), authorized: false, authorizationError: "CERT_HAS_EXPIRED" }]);
  });

  it("a certificate from another CA is refused in the TLS handshake", async () => {
    const r = await sync("otherCa");
    expect(r.status).toBe(502);
    expect(r.body.ok).toBe(false);
    expect(r.body.status).toBeUndefined();
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]).toMatchObject({ commonName: "partner-caller", fingerprintSHA256: fingerprint(pki.otherCa.chain), authorized: false });
    expect(r.seen[0]?.authorizationError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  });
});

// ---------------------------------------------------------------------------------------------
// 2 and 3. The API Worker behind API Shield, and the service binding
// ---------------------------------------------------------------------------------------------

/** `request.cf.tlsClientAuth` as Cloudflare sets it for a certificate (Workers: string flags). */
function tlsClientAuth(pem: string, overrides: Record<string, string> = {}): Record<string, string> {
  const cert = new crypto.X509Certificate(splitPem(pem)[0] as string);
  const dn = (s: string) => s.split("\n").reverse().join(",");
  return {
    certPresented: "1",
    certVerified: "SUCCESS",
    certRevoked: "0",
    certSubjectDN: dn(cert.subject),
    certIssuerDN: dn(cert.issuer),
    certIssuerSKI: authorityKeyId(pem),
    certSerial: cert.serialNumber,
    certFingerprintSHA256: fingerprint(pem),
    certNotBefore: cert.validFrom,
    certNotAfter: cert.validTo,
    ...overrides,
  };
}

/** The direct issuer's SKI as Cloudflare reports it: the certificate's authority key identifier, upper-case hex. */
function authorityKeyId(pem: string): string {
  const der = new crypto.X509Certificate(splitPem(pem)[0] as string).raw;
  // AuthorityKeyIdentifier OID 2.5.29.35 → 06 03 55 1D 23, then the extension's OCTET STRING holding
  // SEQUENCE { [0] keyIdentifier }.
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x23]);
  const at = der.indexOf(oid);
  if (at < 0) throw new Error("no authority key identifier");
  const tag = der.indexOf(0x80, at + oid.length);
  const len = der[tag + 1] as number;
  return der.subarray(tag + 2, tag + 2 + len).toString("hex").toUpperCase();
}

/** The facts the WAF rule sees for the same request. */
function ruleRequest(pathname: string, auth: Record<string, string> | undefined): RuleRequest {
  return {
    "http.host": API_HOST,
    "http.request.uri.path": pathname,
    "cf.tls_client_auth.cert_verified": auth?.certVerified === "SUCCESS",
    "cf.tls_client_auth.cert_revoked": auth?.certRevoked === "1",
    "cf.tls_client_auth.cert_issuer_ski": auth?.certIssuerSKI ?? "",
  };
}

describe("workerd: kush-api Worker (examples/03) with request.cf.tlsClientAuth, and sesh-tracker through a service binding", () => {
  let pki: Pki;
  let workerd: WorkerdRun;

  beforeAll(async () => {
    pki = await issue();
    workerd = await startWorkerd({
      files: { "server.js": source("03-worker-api-shield", "server.js"), "caller.js": source("03-worker-api-shield", "caller.js") },
      services: [
        `(name = "kush-api", worker = (modules = [(name = "server.js", esModule = embed "server.js")], compatibilityDate = "2025-01-01", ` +
          `bindings = [(name = "TRUSTED_ISSUER_SKI", text = ${capnpString(pki.issuerSki)}), (name = "ALLOWED_CALLERS", text = "sesh-tracker")]))`,
        `(name = "sesh-tracker", worker = (modules = [(name = "caller.js", esModule = embed "caller.js")], compatibilityDate = "2025-01-01", ` +
          `bindings = [(name = "KUSH_API", service = (name = "kush-api", entrypoint = "SeshTrackerApi"))]))`,
      ],
      sockets: {
        // Cloudflare's edge in front of the API Worker: request.cf arrives in the cf-blob header.
        edge: { service: "kush-api", http: 'cfBlobHeader = "cf-blob"' },
        seshTracker: { service: "sesh-tracker" },
      },
    });
  });

  afterAll(async () => {
    await workerd?.stop();
  });

  /** A request to the API Worker's public route with `auth` as request.cf.tlsClientAuth. */
  async function call(pathname: string, auth: Record<string, string> | undefined): Promise<{ status: number; body: Record<string, unknown> | string; wafBlocks: boolean }> {
    const res = await fetch(`http://127.0.0.1:${workerd.ports.edge}${pathname}`, {
      headers: { host: API_HOST, "cf-blob": JSON.stringify(auth ? { tlsClientAuth: auth } : {}) },
    });
    const text = await res.text();
    let body: Record<string, unknown> | string = text;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* plain text */
    }
    return { status: res.status, body, wafBlocks: evaluateRule(pki.ruleExpression, ruleRequest(pathname, auth)) };
  }

  it("an allowed caller (sesh-tracker, our CA, verified) gets 200; the Worker saw its certificate; the WAF rule lets it through", async () => {
    const auth = tlsClientAuth(pki.seshTracker.chain);
    const r = await call("/api/health", auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", caller: "sesh-tracker", via: "api-shield-mtls", certificate: { fingerprintSHA256: fingerprint(pki.seshTracker.chain), issuerSKI: pki.issuerSki } });
    expect(r.wafBlocks).toBe(false);
  });

  it.each([
    ["no tlsClientAuth at all", undefined],
    ["certPresented 0 (no certificate)", { certPresented: "0", certVerified: "NONE", certRevoked: "0" }],
  ])("missing certificate (%s) → 403 MTLS_REQUIRED; the WAF rule blocks it too", async (_label, auth) => {
    const r = await call("/api/health", auth);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: "client certificate required", code: "MTLS_REQUIRED", certificate: null });
    expect(r.wafBlocks).toBe(true);
  });

  it("unverified certificate → 403 MTLS_REQUIRED; the Worker saw that certificate; the WAF rule blocks it", async () => {
    const auth = tlsClientAuth(pki.otherCa.chain, { certVerified: "FAILED:unable to get local issuer certificate" });
    const r = await call("/api/health", auth);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "MTLS_REQUIRED", certificate: { fingerprintSHA256: fingerprint(pki.otherCa.chain) } });
    expect(r.wafBlocks).toBe(true);
  });

  it("revoked certificate → 403 MTLS_REQUIRED; the WAF rule blocks it", async () => {
    const auth = tlsClientAuth(pki.seshTracker.chain, { certRevoked: "1" });
    const r = await call("/api/health", auth);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "MTLS_REQUIRED", certificate: { fingerprintSHA256: fingerprint(pki.seshTracker.chain) } });
    expect(r.wafBlocks).toBe(true);
  });

  it("a verified certificate from another CA (wrong issuer) → 403 MTLS_ISSUER; the WAF rule's SKI pin blocks it", async () => {
    const auth = tlsClientAuth(pki.otherCa.chain);
    expect(auth.certIssuerSKI).not.toBe(pki.issuerSki);
    const r = await call("/api/health", auth);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "MTLS_ISSUER", certificate: { fingerprintSHA256: fingerprint(pki.otherCa.chain), issuerSKI: auth.certIssuerSKI } });
    expect(r.wafBlocks).toBe(true);
  });

  it("an unlisted caller with a valid certificate from our CA → 403 MTLS_CALLER (the WAF rule cannot know names; the Worker refuses)", async () => {
    const auth = tlsClientAuth(pki.unlisted.chain);
    const r = await call("/api/health", auth);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "MTLS_CALLER", certificate: { fingerprintSHA256: fingerprint(pki.unlisted.chain) } });
    expect(r.wafBlocks).toBe(false);
  });

  it.each([
    ["/api", true],
    ["/API/health", true],
    ["/api/", true],
    ["/apiary", false],
    ["/", false],
  ])("path %s without a certificate: the Worker and the rendered WAF rule agree (protected: %s)", async (pathname, protectedPath) => {
    const r = await call(pathname, undefined);
    expect(r.wafBlocks).toBe(protectedPath);
    expect(r.status).toBe(protectedPath ? 403 : 200);
  });

  it("sesh-tracker's Worker reaches the API through the service binding: 200, caller sesh-tracker, no certificate involved", async () => {
    const res = await fetch(`http://127.0.0.1:${workerd.ports.seshTracker}/test/kush-health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 200, body: { status: "ok", caller: "sesh-tracker", via: "service-binding", certificate: null } });
  });
});
