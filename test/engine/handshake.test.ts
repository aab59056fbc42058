/**
 * Foundation acceptance: a chain built straight from `@pulumi/tls` resources through the
 * offline engine (root → intermediate → server and client leaves) is real PKI: OpenSSL
 * verifies it and real TLS handshakes succeed — and fail where OpenSSL says they must.
 */
import * as tls from "@pulumi/tls";
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "../../engine";
import { mtlsHandshake, opensslHandshake, opensslVerify, writePems } from "../support/pki";

interface Leaf {
  cert: string;
  key: string;
}
interface Chain {
  root: string;
  intermediate: string;
  server: Leaf;
  client: Leaf;
  serverOnly: Leaf;
}

const SERVER_NAME = "api.chain.internal";

/** Root CA → intermediate CA → leaves, every link a raw tls resource. */
async function chainProgram(): Promise<Record<string, unknown>> {
  const key = (name: string) => new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const rootKey = key("root-key");
  const root = new tls.SelfSignedCert("root", {
    privateKeyPem: rootKey.privateKeyPem,
    subject: { commonName: "Chain Root CA", organization: "edge-mtls tests" },
    isCaCertificate: true,
    validityPeriodHours: 24 * 365,
    allowedUses: ["cert_signing", "crl_signing"],
  });
  const interKey = key("intermediate-key");
  const interCsr = new tls.CertRequest("intermediate-csr", { privateKeyPem: interKey.privateKeyPem, subject: { commonName: "Chain Intermediate CA", organization: "edge-mtls tests" } });
  const inter = new tls.LocallySignedCert("intermediate", {
    certRequestPem: interCsr.certRequestPem,
    caCertPem: root.certPem,
    caPrivateKeyPem: rootKey.privateKeyPem,
    isCaCertificate: true,
    validityPeriodHours: 24 * 180,
    allowedUses: ["cert_signing", "crl_signing"],
  });
  const leaf = (name: string, subject: { commonName: string }, uses: string[], dnsNames?: string[]): Record<string, unknown> => {
    const k = key(`${name}-key`);
    const csr = new tls.CertRequest(`${name}-csr`, { privateKeyPem: k.privateKeyPem, subject, dnsNames, ipAddresses: dnsNames ? ["127.0.0.1"] : undefined });
    const c = new tls.LocallySignedCert(name, { certRequestPem: csr.certRequestPem, caCertPem: inter.certPem, caPrivateKeyPem: interKey.privateKeyPem, validityPeriodHours: 24 * 30, allowedUses: uses });
    return { cert: c.certPem, key: k.privateKeyPemPkcs8 };
  };
  return {
    root: root.certPem,
    intermediate: inter.certPem,
    server: leaf("server", { commonName: SERVER_NAME }, ["digital_signature", "key_encipherment", "server_auth"], [SERVER_NAME]),
    client: leaf("client", { commonName: "edge-proxy" }, ["digital_signature", "key_encipherment", "client_auth"]),
    serverOnly: leaf("server-only", { commonName: "impostor" }, ["digital_signature", "key_encipherment", "server_auth"]),
  };
}

describe("a tls chain minted by the engine", () => {
  let c: Chain;
  let files: Record<"root" | "intermediate" | "server" | "serverChain" | "serverKey" | "client" | "clientChain" | "clientKey" | "serverOnly" | "serverOnlyChain" | "serverOnlyKey", string>;
  beforeAll(async () => {
    // The wall clock (default `now`): the handshakes run now.
    const plan = await runProgram(chainProgram);
    c = plan.outputs as unknown as Chain;
    files = writePems({
      root: c.root,
      intermediate: c.intermediate,
      server: c.server.cert,
      serverChain: c.server.cert + c.intermediate,
      serverKey: c.server.key,
      client: c.client.cert,
      clientChain: c.client.cert + c.intermediate,
      clientKey: c.client.key,
      serverOnly: c.serverOnly.cert,
      serverOnlyChain: c.serverOnly.cert + c.intermediate,
      serverOnlyKey: c.serverOnly.key,
    }).path;
  });

  it.each(["server", "client"] as const)("verifies the %s leaf with openssl verify -CAfile root -untrusted intermediate", async (leaf) => {
    const v = await opensslVerify({ caFile: files.root, untrusted: files.intermediate, cert: files[leaf] });
    expect(v.output).toContain(": OK");
    expect(v.ok).toBe(true);
  });

  it("does not verify a leaf against the root without the intermediate", async () => {
    const v = await opensslVerify({ caFile: files.root, cert: files.server });
    expect(v.ok).toBe(false);
    expect(v.output).toMatch(/unable to get local issuer certificate/);
  });

  it("completes a real mTLS handshake (Node tls server requiring client certificates)", async () => {
    const r = await mtlsHandshake(
      { cert: c.server.cert + c.intermediate, key: c.server.key, ca: c.root },
      { cert: c.client.cert + c.intermediate, key: c.client.key, ca: c.root, servername: SERVER_NAME },
    );
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.peerCommonName).toBe("edge-proxy");
  });

  it("is accepted by openssl s_server -Verify as a client when the leaf has client_auth", async () => {
    const r = await opensslHandshake({
      server: { cert: files.serverChain, key: files.serverKey, caFile: files.root },
      client: { cert: files.clientChain, key: files.clientKey, caFile: files.root, servername: SERVER_NAME },
    });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it("is rejected by openssl s_server -Verify as a client when allowedUses lack client_auth", async () => {
    const r = await opensslHandshake({
      server: { cert: files.serverChain, key: files.serverKey, caFile: files.root },
      client: { cert: files.serverOnlyChain, key: files.serverOnlyKey, caFile: files.root, servername: SERVER_NAME },
    });
    expect(r.ok).toBe(false);
    // s_server: "unsuitable certificate purpose"; the client sees alert 43 (unsupported certificate).
    expect(r.error).toMatch(/unsuitable certificate purpose|alert unsupported certificate/);
  });

  it("fails openssl verify -purpose sslclient when allowedUses lack client_auth, and passes with it", async () => {
    const bad = await opensslVerify({ caFile: files.root, untrusted: files.intermediate, cert: files.serverOnly, purpose: "sslclient" });
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/unsuitable certificate purpose/);
    const good = await opensslVerify({ caFile: files.root, untrusted: files.intermediate, cert: files.client, purpose: "sslclient" });
    expect(good.ok).toBe(true);
  });
});
