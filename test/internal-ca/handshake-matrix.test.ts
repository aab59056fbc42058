/**
 * Issue 3 acceptance: real handshakes with the certificates the engine mints from
 * InternalCA, for the default CA (ECDSA P-256), with an intermediate, and with RSA keys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA } from "../../components";
import { runProgram } from "../../engine";
import { mtlsHandshake, opensslHandshake, opensslVerify, writePems } from "../support/pki";
import { mint, type Material } from "./fixtures";

const variants = [
  { label: "ECDSA P-256 root", args: {} },
  { label: "intermediate CA", args: { intermediate: true } },
  { label: "RSA keys (RSA-4096 CA, RSA-2048 leaves, seed 004)", args: { keyAlgorithm: "RSA-4096" as const } },
];

describe.each(variants)("handshake matrix — $label", ({ args }) => {
  let m: Material;
  let other: Material;
  beforeAll(async () => {
    m = (await mint(args)).m;
  });
  beforeAll(async () => {
    // A second, unrelated CA in its own run (same names, separate process state).
    other = (await mint(args)).m;
  });

  it("accepts a client certificate issued by this CA", async () => {
    const r = await mtlsHandshake(
      { cert: m.server.chain, key: m.server.key, ca: m.bundle },
      { cert: m.client.chain, key: m.client.key, ca: m.bundle, servername: "api.mesh.internal" },
    );
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.peerCommonName).toBe("nginx-gateway");
  });

  it("rejects a connection with no client certificate", async () => {
    const r = await mtlsHandshake({ cert: m.server.chain, key: m.server.key, ca: m.bundle }, { ca: m.bundle, servername: "api.mesh.internal" });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/NO_CLIENT_CERTIFICATE/);
  });

  it("rejects a client certificate from another CA", async () => {
    const r = await mtlsHandshake(
      { cert: m.server.chain, key: m.server.key, ca: m.bundle },
      { cert: other.client.chain, key: other.client.key, ca: m.bundle, servername: "api.mesh.internal" },
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it("rejects a client certificate that only has the serverAuth EKU", async () => {
    const r = await mtlsHandshake(
      { cert: m.server.chain, key: m.server.key, ca: m.bundle },
      { cert: m.serverOnly.chain, key: m.serverOnly.key, ca: m.bundle, servername: "api.mesh.internal" },
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/INVALID_PURPOSE/);
  });

  it("rejects a client offering only TLS 1.2 when the server requires TLS 1.3", async () => {
    const r = await mtlsHandshake(
      { cert: m.server.chain, key: m.server.key, ca: m.bundle, minVersion: "TLSv1.3" },
      { cert: m.client.chain, key: m.client.key, ca: m.bundle, servername: "api.mesh.internal", maxVersion: "TLSv1.2" },
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/version|protocol/i);
  });

  it("rejects a server certificate when the client expects another hostname", async () => {
    const r = await mtlsHandshake(
      { cert: m.server.chain, key: m.server.key, ca: m.bundle },
      { cert: m.client.chain, key: m.client.key, ca: m.bundle, servername: "billing.mesh.internal" },
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/altnames|hostname|Host/i);
  });

  it("rejects an expired client certificate (openssl verify -attime past notAfter)", async () => {
    const f = writePems({ bundle: m.bundle, client: m.client.chain });
    const valid = await opensslVerify({ caFile: f.path.bundle, cert: f.path.client, untrusted: f.path.client, purpose: "sslclient" });
    expect(valid.ok, valid.output).toBe(true);
    const after = new Date(Date.now() + 91 * 24 * 3600_000);
    const expired = await opensslVerify({ caFile: f.path.bundle, cert: f.path.client, untrusted: f.path.client, purpose: "sslclient", attime: after });
    expect(expired.ok).toBe(false);
    expect(expired.output).toMatch(/certificate has expired/);
  });

  it("completes the same mTLS handshake between openssl s_server and s_client", async () => {
    const f = writePems({ bundle: m.bundle, serverChain: m.server.chain, serverKey: m.server.key, clientChain: m.client.chain, clientKey: m.client.key });
    const r = await opensslHandshake({
      server: { cert: f.path.serverChain, key: f.path.serverKey, caFile: f.path.bundle },
      client: { cert: f.path.clientChain, key: f.path.clientKey, caFile: f.path.bundle, servername: "api.mesh.internal" },
      tls13Only: true,
    });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
  });
});

describe("expiry with the engine's clock", () => {
  it("a certificate minted at a past instant is rejected as expired in a handshake today", async () => {
    const longAgo = new Date(Date.now() - 400 * 24 * 3600_000);
    const plan = await runProgram(async () => {
      const ca = new InternalCA("old", { protect: false, leafValidity: "90d", renewBefore: "30d" });
      const s = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
      const c = ca.issueClientCertificate("nginx", { identity: "nginx-gateway" });
      return { bundle: ca.trustBundle, s: { chain: s.chainPem, key: s.privateKeyPem }, c: { chain: c.chainPem, key: c.privateKeyPem } };
    }, { now: longAgo });
    const o = plan.outputs as { bundle: string; s: { chain: string; key: string }; c: { chain: string; key: string } };
    const r = await mtlsHandshake({ cert: o.s.chain, key: o.s.key, ca: o.bundle }, { cert: o.c.chain, key: o.c.key, ca: o.bundle, servername: "api.mesh.internal" });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/CERT_HAS_EXPIRED|expired/i);
  });
});
