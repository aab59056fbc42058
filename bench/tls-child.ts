/**
 * Cost of one leaf certificate through the engine's `tls` provider (PrivateKey → CertRequest
 * → LocallySignedCert, as IssuedCertificate registers them, signed by a shared CA) against
 * the same certificate made directly with @peculiar/x509 from in-memory WebCrypto keys.
 * Blocks of both interleave in one process. Prints one JSON line.
 *
 * What each side does (unchanged since the bench was written; only the provider got faster):
 * - provider: `create` as the engine's monitor calls it, on one run's instance (`forRun`):
 *   a key with every PrivateKey output (PKCS#1/SEC1 and PKCS#8 PEM, public PEM, OpenSSH key
 *   and both fingerprints), a signed CSR, then the certificate from that CSR with the CA key.
 *   The provider writes its DER with @peculiar/asn1-x509 structures, field for field as
 *   @peculiar/x509's generators do (test/engine/tls-encoding.test.ts compares the bytes), and
 *   signs with node:crypto's `sign` on KeyObjects; it can come out below 1× because it skips
 *   the generator's parse of its own output and WebCrypto's asynchronous jobs.
 * - direct (the reference): WebCrypto `generateKey` + `X509CertificateGenerator.create` with
 *   the CA key already imported; no CSR, no PEM outputs except the certificate's.
 *
 *   tsx bench/tls-child.ts <leaves per side> <ECDSA|RSA>
 */
import * as crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { x509 } from "../components/common/x509";
import { tlsProvider } from "../engine/providers/tls";

const NOW = new Date("2026-12-01T00:00:00Z");
const total = Number(process.argv[2] ?? "100");
const kind = process.argv[3] === "RSA" ? "RSA" : "ECDSA";
const keyInputs = kind === "RSA" ? { algorithm: "RSA", rsaBits: 2048 } : { algorithm: "ECDSA", ecdsaCurve: "P256" };
const caKeyInputs = kind === "RSA" ? { algorithm: "RSA", rsaBits: 4096 } : { algorithm: "ECDSA", ecdsaCurve: "P256" };
const webAlg = kind === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } : { name: "ECDSA", namedCurve: "P-256" };
const signing = kind === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", hash: "SHA-256" };
const USES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"];

async function main(): Promise<void> {
  const provider = tlsProvider.forRun?.() ?? tlsProvider;
  const ctx = (type: string, name: string) => ({ type, name, urn: `urn:${name}`, now: NOW });
  const caKey = await provider.create(caKeyInputs, ctx("tls:index/privateKey:PrivateKey", "ca-key"));
  const caKeyPem = String(caKey.outputs.privateKeyPemPkcs8);
  const caCert = await provider.create(
    { privateKeyPem: caKeyPem, subject: { commonName: "bench CA", organization: "bench" }, isCaCertificate: true, validityPeriodHours: 87600, allowedUses: ["cert_signing", "crl_signing"] },
    ctx("tls:index/selfSignedCert:SelfSignedCert", "ca-cert"),
  );
  const caCertPem = String(caCert.outputs.certPem);

  // Direct: the CA's key in memory once, one generateKey + one signature per leaf.
  const ca = new x509.X509Certificate(caCertPem);
  const caPriv = await crypto.webcrypto.subtle.importKey("pkcs8", crypto.createPrivateKey(caKeyPem).export({ type: "pkcs8", format: "der" }), kind === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);

  let i = 0;
  const viaProvider = async (): Promise<void> => {
    const name = `leaf${i++}`;
    const key = await provider.create(keyInputs, ctx("tls:index/privateKey:PrivateKey", `${name}-key`));
    const csr = await provider.create(
      { privateKeyPem: key.outputs.privateKeyPemPkcs8, subject: { commonName: `${name}.mesh.internal`, organization: "bench" }, dnsNames: [`${name}.mesh.internal`] },
      ctx("tls:index/certRequest:CertRequest", `${name}-csr`),
    );
    await provider.create(
      { certRequestPem: csr.outputs.certRequestPem, caCertPem, caPrivateKeyPem: caKeyPem, validityPeriodHours: 2160, earlyRenewalHours: 720, allowedUses: USES },
      ctx("tls:index/locallySignedCert:LocallySignedCert", `${name}-cert`),
    );
  };
  const direct = async (): Promise<void> => {
    const name = `leaf${i++}`;
    const keys = (await crypto.webcrypto.subtle.generateKey(webAlg, true, ["sign", "verify"]));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: crypto.randomBytes(16).toString("hex").replace(/^[89a-f]/, "1"),
      subject: `CN=${name}.mesh.internal, O=bench`,
      issuer: ca.subjectName,
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 2160 * 3600_000),
      signingAlgorithm: signing,
      publicKey: keys.publicKey,
      signingKey: caPriv,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], false),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: `${name}.mesh.internal` }], false),
        ...(caSki ? [new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false)] : []),
      ],
    });
    // Both sides end with the PEM text, as the provider's outputs do.
    void crypto.webcrypto.subtle.exportKey("pkcs8", keys.privateKey).then(() => cert.toString("pem"));
  };
  // Warm both paths, then interleave blocks.
  await viaProvider();
  await direct();
  const block = Math.max(1, Math.floor(total / 5));
  let providerMs = 0;
  let directMs = 0;
  for (let done = 0; done < total; done += block) {
    let t = performance.now();
    for (let k = 0; k < block; k++) await viaProvider();
    providerMs += performance.now() - t;
    t = performance.now();
    for (let k = 0; k < block; k++) await direct();
    directMs += performance.now() - t;
  }
  const leaves = Math.ceil(total / block) * block;
  process.stdout.write(`${JSON.stringify({ kind, leaves, providerMsPerLeaf: providerMs / leaves, directMsPerLeaf: directMs / leaves, ratio: providerMs / directMs })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
