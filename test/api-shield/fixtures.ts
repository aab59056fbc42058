/**
 * Certificates for API Shield tests, generated in-process with @peculiar/x509 (no files, no
 * network): a self-signed CA, a leaf it signed, and a CA without a subject key identifier.
 */
import * as crypto from "node:crypto";
import { x509 } from "../../components/common/x509";

export interface TestPki {
  /** Self-signed CA (Basic Constraints CA:TRUE, SKI extension). */
  readonly caPem: string;
  /** The CA's SKI, upper-case hex, read independently of the code under test. */
  readonly caSki: string;
  /** A leaf (CA:FALSE) signed by the CA. */
  readonly leafPem: string;
  /** The leaf's PKCS#8 private key. */
  readonly leafKeyPem: string;
  /** An intermediate CA (CA:TRUE) signed by the CA, e.g. a client-only issuer. */
  readonly intermediatePem: string;
  /** The intermediate's SKI, upper-case hex. */
  readonly intermediateSki: string;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function keyPair(): Promise<crypto.webcrypto.CryptoKeyPair> {
  return (await crypto.webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]));
}

export async function makeTestPki(): Promise<TestPki> {
  const caKeys = await keyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=edge-mtls test CA",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2035-01-01T00:00:00Z"),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = await keyPair();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: "CN=caller-worker",
    issuer: ca.subject,
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2030-01-01T00:00:00Z"),
    signingKey: caKeys.privateKey,
    publicKey: leafKeys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const intKeys = await keyPair();
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: "03",
    subject: "CN=edge-mtls test client-only issuer",
    issuer: ca.subject,
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2034-01-01T00:00:00Z"),
    signingKey: caKeys.privateKey,
    publicKey: intKeys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(intKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const pkcs8 = await crypto.webcrypto.subtle.exportKey("pkcs8", leafKeys.privateKey);
  const caSki = (ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? "").toUpperCase();
  return {
    caPem: ca.toString("pem"),
    caSki,
    leafPem: leaf.toString("pem"),
    leafKeyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
    intermediatePem: intermediate.toString("pem"),
    intermediateSki: (intermediate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? "").toUpperCase(),
  };
}
