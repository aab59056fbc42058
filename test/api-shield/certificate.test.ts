import { describe, expect, it } from "vitest";
import * as crypto from "node:crypto";
import { x509 } from "../../components/common/x509";
import { inspectCertificate, subjectKeyIdentifier, trustAnchorProblem } from "../../components/api-shield";
import { makeTestPki } from "./fixtures";

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function caWithoutSki(): Promise<string> {
  const keys = (await crypto.webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "03",
    name: "CN=no-ski CA",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2030-01-01T00:00:00Z"),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return cert.toString("pem");
}

describe("subjectKeyIdentifier", () => {
  it("reads the SKI extension as upper-case hex without separators", async () => {
    const pki = await makeTestPki();
    expect(await subjectKeyIdentifier(pki.caPem)).toBe(pki.caSki);
    expect(pki.caSki).toMatch(/^[0-9A-F]{40}$/);
  });

  it("falls back to the SHA-1 of the public key bits (RFC 5280 method 1) when the extension is absent", async () => {
    const pem = await caWithoutSki();
    const spki = crypto.createPublicKey(pem).export({ type: "spki", format: "der" });
    const point = spki.subarray(spki.length - 65); // uncompressed P-256 point: the BIT STRING's contents
    expect(await subjectKeyIdentifier(pem)).toBe(crypto.createHash("sha1").update(point).digest("hex").toUpperCase());
  });
});

describe("trustAnchorProblem", () => {
  it("accepts a self-signed ECDSA-SHA256 CA", async () => {
    expect(trustAnchorProblem((await makeTestPki()).caPem)).toBeUndefined();
  });

  it("reads the leaf's authority key identifier as the issuing CA's SKI", async () => {
    const pki = await makeTestPki();
    expect(inspectCertificate(pki.leafPem).authorityKeyIdentifier).toBe(pki.caSki);
  });
});
