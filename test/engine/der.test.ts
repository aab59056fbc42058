/**
 * The renderer's subject-key-identifier reader (engine/der.ts) against @peculiar/x509's full
 * parse: the same identifier for certificates with the extension (critical or not, short or
 * long identifiers), `null` without it, and never a wrong answer for bytes that are not a
 * well-formed certificate (it gives up, and the renderer falls back to the full parser).
 */
import * as crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { x509 } from "../../components/common/x509";
import { certificateDer, subjectKeyIdentifierHex } from "../../engine/der";

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

async function certificate(extensions: (keys: crypto.webcrypto.CryptoKeyPair) => Promise<x509.Extension[]>): Promise<x509.X509Certificate> {
  const keys = await crypto.webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=der test",
    notBefore: new Date("2026-01-01T00:00:00Z"),
    notAfter: new Date("2027-01-01T00:00:00Z"),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), ...(await extensions(keys)), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
}

const full = (c: x509.X509Certificate): string | null => c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId.toLowerCase() ?? null;
const der = (c: x509.X509Certificate): Uint8Array => new Uint8Array(c.rawData);

describe("subjectKeyIdentifierHex", () => {
  it("reads the same identifier as the full parser from a certificate with the extension", async () => {
    const c = await certificate(async (k) => [await x509.SubjectKeyIdentifierExtension.create(k.publicKey)]);
    expect(subjectKeyIdentifierHex(der(c))).toBe(full(c));
    expect(full(c)).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reads a critical extension and an identifier of any length", async () => {
    const c = await certificate(() => Promise.resolve([new x509.SubjectKeyIdentifierExtension("0a0b0c", true)]));
    expect(subjectKeyIdentifierHex(der(c))).toBe("0a0b0c");
    expect(full(c)).toBe("0a0b0c");
  });

  it("answers null for a certificate without the extension", async () => {
    const c = await certificate(() => Promise.resolve([]));
    expect(full(c)).toBeNull();
    expect(subjectKeyIdentifierHex(der(c))).toBeNull();
  });

  it("gives up (undefined) or finds nothing on every truncation of a certificate, never a wrong identifier", async () => {
    const c = await certificate(async (k) => [await x509.SubjectKeyIdentifierExtension.create(k.publicKey)]);
    const bytes = der(c);
    for (let n = 0; n < bytes.length; n++) expect(subjectKeyIdentifierHex(bytes.subarray(0, n))).toBeUndefined();
    expect(subjectKeyIdentifierHex(new Uint8Array([0x04, 0x01, 0x00]))).toBeUndefined();
  });

  it("takes the first certificate of a PEM bundle", async () => {
    const a = await certificate(async (k) => [await x509.SubjectKeyIdentifierExtension.create(k.publicKey)]);
    const b = await certificate(async (k) => [await x509.SubjectKeyIdentifierExtension.create(k.publicKey)]);
    const got = certificateDer(`${a.toString("pem")}\n${b.toString("pem")}\n`);
    expect(got && subjectKeyIdentifierHex(got)).toBe(full(a));
  });
});
