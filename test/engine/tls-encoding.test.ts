/**
 * The `tls` provider builds certificate requests and locally signed certificates from
 * @peculiar/asn1-x509 structures and signs them with Node's `crypto.sign` (bench/tls-child.ts
 * measures why). What must hold: the bytes are exactly what @peculiar/x509's own generators
 * build for the same request (up to the signature, which is randomised for ECDSA), and the
 * signatures verify under OpenSSL for every key type the provider signs with.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn1X509 from "@peculiar/asn1-x509";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { describe, expect, it } from "vitest";
import { x509 } from "../../components/common/x509";
import { createTlsProvider, subjectName, subjectNameDer } from "../../engine/providers/tls";
import type { SimulatedProvider } from "../../engine/providers/types";

const NOW = new Date("2026-12-01T00:00:00Z");
const PK = "tls:index/privateKey:PrivateKey";
const SSC = "tls:index/selfSignedCert:SelfSignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const LSC = "tls:index/locallySignedCert:LocallySignedCert";
const ctx = (type: string) => ({ type, name: "x", urn: `urn:pulumi:test::p::${type}::x`, now: NOW });

const SUBJECT = { commonName: "api.mesh.internal", organization: "Example Org", organizationalUnit: "API", country: "DE" };
const SANS = { dnsNames: ["api.mesh.internal", "api"], ipAddresses: ["10.0.0.1", "::ffff:10.0.0.2", "2001:db8::1"], uris: ["spiffe://mesh.internal/api"] };
const SAN_JSON: x509.JsonGeneralNames = [
  { type: "dns", value: "api.mesh.internal" },
  { type: "dns", value: "api" },
  { type: "ip", value: "10.0.0.1" },
  { type: "ip", value: "10.0.0.2" },
  { type: "ip", value: "2001:db8::1" },
  { type: "url", value: "spiffe://mesh.internal/api" },
];
const USES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"];

const KEYS = {
  ECDSA: { inputs: { algorithm: "ECDSA", ecdsaCurve: "P256" }, web: { name: "ECDSA", namedCurve: "P-256" }, signing: { name: "ECDSA", hash: "SHA-256" } },
  RSA: { inputs: { algorithm: "RSA", rsaBits: 2048 }, web: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, signing: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } },
  ED25519: { inputs: { algorithm: "ED25519" }, web: { name: "Ed25519" }, signing: { name: "Ed25519" } },
} as const;
type KeyKind = keyof typeof KEYS;

function der(pem: string): ArrayBuffer {
  const first = x509.PemConverter.decode(pem)[0];
  if (!first) throw new Error("no PEM block");
  return first;
}
const hex = (b: ArrayBuffer): string => Buffer.from(b).toString("hex");

type WebCryptoKey = Awaited<ReturnType<typeof crypto.webcrypto.subtle.importKey>>;

async function webKeys(kind: KeyKind, pkcs8Pem: string): Promise<{ privateKey: WebCryptoKey; publicKey: WebCryptoKey }> {
  const key = crypto.createPrivateKey(pkcs8Pem);
  const subtle = crypto.webcrypto.subtle;
  return {
    privateKey: await subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), KEYS[kind].web, false, ["sign"]),
    publicKey: await subtle.importKey("spki", crypto.createPublicKey(key).export({ type: "spki", format: "der" }), KEYS[kind].web, true, ["verify"]),
  };
}

/** A CA and a leaf (key, request, certificate) through one run of the provider. */
async function chain(caKind: KeyKind, leafKind: KeyKind, request: Record<string, unknown> = { subject: SUBJECT, ...SANS }) {
  const provider: SimulatedProvider = createTlsProvider().forRun?.() ?? createTlsProvider();
  const caKey = await provider.create({ ...KEYS[caKind].inputs }, ctx(PK));
  const ca = await provider.create({ privateKeyPem: caKey.outputs.privateKeyPem, subject: { commonName: "Signing CA", organization: "Example Org" }, isCaCertificate: true, validityPeriodHours: 8760, allowedUses: ["cert_signing"] }, ctx(SSC));
  const leafKey = await provider.create({ ...KEYS[leafKind].inputs }, ctx(PK));
  const csr = await provider.create({ privateKeyPem: leafKey.outputs.privateKeyPem, ...request }, ctx(CSR));
  const leaf = await provider.create({ certRequestPem: csr.outputs.certRequestPem, caCertPem: ca.outputs.certPem, caPrivateKeyPem: caKey.outputs.privateKeyPem, validityPeriodHours: 720, allowedUses: USES }, ctx(LSC));
  return {
    caKeyPem: String(caKey.outputs.privateKeyPemPkcs8),
    caCertPem: String(ca.outputs.certPem),
    leafKeyPem: String(leafKey.outputs.privateKeyPemPkcs8),
    csrPem: String(csr.outputs.certRequestPem),
    leafPem: String(leaf.outputs.certPem),
    leafId: leaf.id,
  };
}

describe("tls CertRequest encoding", () => {
  it.each(["ECDSA", "RSA", "ED25519"] as const)("writes the request info @peculiar/x509's Pkcs10CertificateRequestGenerator writes, for a %s key", async (kind) => {
    const c = await chain("ECDSA", kind);
    const keys = await webKeys(kind, c.leafKeyPem);
    const reference = await x509.Pkcs10CertificateRequestGenerator.create({ name: "C=DE, O=Example Org, OU=API, CN=api.mesh.internal", keys, signingAlgorithm: KEYS[kind].signing, extensions: [new x509.SubjectAlternativeNameExtension(SAN_JSON, false)] });
    const ours = AsnConvert.parse(der(c.csrPem), CertificationRequest);
    const theirs = AsnConvert.parse(reference.rawData, CertificationRequest);
    expect(hex(AsnConvert.serialize(ours.certificationRequestInfo))).toBe(hex(AsnConvert.serialize(theirs.certificationRequestInfo)));
    expect(hex(AsnConvert.serialize(ours.signatureAlgorithm))).toBe(hex(AsnConvert.serialize(theirs.signatureAlgorithm)));
  });

  it.each(["ECDSA", "RSA", "ED25519"] as const)("signs the request with its own %s key (signature verified by @peculiar/x509 and OpenSSL)", async (kind) => {
    const c = await chain("ECDSA", kind);
    expect(await new x509.Pkcs10CertificateRequest(c.csrPem).verify()).toBe(true);
    // OpenSSL (through Node) over the same bytes and signature.
    const req = AsnConvert.parse(der(c.csrPem), CertificationRequest);
    const digest = kind === "ED25519" ? null : "sha256";
    expect(crypto.verify(digest, new Uint8Array(AsnConvert.serialize(req.certificationRequestInfo)), crypto.createPublicKey(c.leafKeyPem), new Uint8Array(req.signature))).toBe(true);
  });

  it("writes no extensionRequest attribute when the request has no SANs, as the generator does", async () => {
    const c = await chain("ECDSA", "ECDSA", { subject: SUBJECT });
    expect(AsnConvert.parse(der(c.csrPem), CertificationRequest).certificationRequestInfo.attributes).toHaveLength(0);
  });
});

describe("tls SelfSignedCert encoding", () => {
  it.each(["ECDSA", "RSA", "ED25519"] as const)("writes the TBSCertificate @peculiar/x509's X509CertificateGenerator writes, for a %s CA certificate", async (kind) => {
    const provider: SimulatedProvider = createTlsProvider().forRun?.() ?? createTlsProvider();
    const key = await provider.create({ ...KEYS[kind].inputs }, ctx(PK));
    const inputs = { privateKeyPem: key.outputs.privateKeyPem, subject: { commonName: "Signing CA", organization: "Example Org" }, isCaCertificate: true, maxPathLength: 1, setAuthorityKeyId: true, validityPeriodHours: 8760, allowedUses: ["cert_signing", "crl_signing"], dnsNames: ["ca.mesh.internal"] };
    const pem = String((await provider.create(inputs, ctx(SSC))).outputs.certPem);
    const ours = new x509.X509Certificate(pem);
    const keys = await webKeys(kind, String(key.outputs.privateKeyPemPkcs8));
    const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
    const reference = await x509.X509CertificateGenerator.create({
      serialNumber: ours.serialNumber,
      subject: "O=Example Org, CN=Signing CA",
      issuer: "O=Example Org, CN=Signing CA",
      notBefore: ours.notBefore,
      notAfter: ours.notAfter,
      signingAlgorithm: KEYS[kind].signing,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "ca.mesh.internal" }], false),
        ski,
        new x509.AuthorityKeyIdentifierExtension(ski.keyId, false),
      ],
    });
    const tbs = (raw: ArrayBuffer) => {
      const cert = AsnConvert.parse(raw, asn1X509.Certificate);
      return [hex(AsnConvert.serialize(cert.tbsCertificate)), hex(AsnConvert.serialize(cert.signatureAlgorithm))];
    };
    expect(tbs(der(pem))).toEqual(tbs(reference.rawData));
    expect(new crypto.X509Certificate(pem).verify(new crypto.X509Certificate(pem).publicKey)).toBe(true);
  });
});

describe("tls LocallySignedCert encoding", () => {
  it.each([["ECDSA", "ECDSA"], ["RSA", "ECDSA"], ["ED25519", "RSA"]] as const)("writes the TBSCertificate @peculiar/x509's X509CertificateGenerator writes, for a %s CA and a %s leaf", async (caKind, leafKind) => {
    const c = await chain(caKind, leafKind);
    const ours = new x509.X509Certificate(c.leafPem);
    const ca = new x509.X509Certificate(c.caCertPem);
    const request = new x509.Pkcs10CertificateRequest(c.csrPem);
    const caKeys = await webKeys(caKind, c.caKeyPem);
    const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
    if (!caSki) throw new Error("the CA has no subject key identifier");
    const reference = await x509.X509CertificateGenerator.create({
      serialNumber: ours.serialNumber,
      subject: request.subjectName,
      issuer: ca.subjectName,
      notBefore: ours.notBefore,
      notAfter: ours.notAfter,
      signingAlgorithm: KEYS[caKind].signing,
      publicKey: request.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], false),
        new x509.SubjectAlternativeNameExtension(SAN_JSON, false),
        new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false),
      ],
    });
    const tbs = (pem: string | ArrayBuffer) => {
      const cert = AsnConvert.parse(typeof pem === "string" ? der(pem) : pem, asn1X509.Certificate);
      return [hex(AsnConvert.serialize(cert.tbsCertificate)), hex(AsnConvert.serialize(cert.signatureAlgorithm))];
    };
    expect(tbs(c.leafPem)).toEqual(tbs(reference.rawData));
  });

  it.each(["ECDSA", "RSA", "ED25519"] as const)("signs with a %s CA key so that OpenSSL verifies the certificate against the CA", async (caKind) => {
    const c = await chain(caKind, "ECDSA");
    expect(new crypto.X509Certificate(c.leafPem).verify(new crypto.X509Certificate(c.caCertPem).publicKey)).toBe(true);
  });

  it("uses the certificate's serial number, in decimal, as the id", async () => {
    const c = await chain("ECDSA", "ECDSA");
    expect(c.leafId).toBe(BigInt(`0x${new crypto.X509Certificate(c.leafPem).serialNumber}`).toString(10));
  });

  it("copies the request's SAN octets unchanged and marks them critical when the subject is empty", async () => {
    const c = await chain("ECDSA", "ECDSA", { subject: {}, ...SANS });
    const csrSan = new x509.Pkcs10CertificateRequest(c.csrPem).getExtension("2.5.29.17");
    const certSan = new x509.X509Certificate(c.leafPem).getExtension("2.5.29.17");
    expect(certSan?.critical).toBe(true);
    expect(hex(certSan?.value ?? new ArrayBuffer(0))).toBe(hex(csrSan?.value ?? new ArrayBuffer(1)));
  });
});

describe("tls provider DER", () => {
  // The provider writes the DER itself from parts it encodes once per run (engine/der.ts); these
  // bytes must be exactly what @peculiar's serializer writes for the same structures.
  function canonical(raw: ArrayBuffer, type: typeof asn1X509.Certificate | typeof CertificationRequest): string {
    return hex(type === CertificationRequest ? AsnConvert.serialize(AsnConvert.parse(raw, CertificationRequest)) : AsnConvert.serialize(AsnConvert.parse(raw, asn1X509.Certificate)));
  }

  it.each([["ECDSA", "ECDSA"], ["RSA", "ED25519"], ["ED25519", "RSA"]] as const)("writes a %s CA certificate, a %s leaf's request and the leaf as @peculiar/asn1-x509 and asn1-csr serialize them", async (caKind, leafKind) => {
    const c = await chain(caKind, leafKind);
    for (const pem of [c.caCertPem, c.leafPem]) expect(hex(der(pem))).toBe(canonical(der(pem), asn1X509.Certificate));
    expect(hex(der(c.csrPem))).toBe(canonical(der(c.csrPem), CertificationRequest));
  });

  it("writes a request and a leaf with an empty subject, and a request without SANs, as the serializers do", async () => {
    const empty = await chain("ECDSA", "ECDSA", { subject: {}, ...SANS });
    expect(hex(der(empty.csrPem))).toBe(canonical(der(empty.csrPem), CertificationRequest));
    expect(hex(der(empty.leafPem))).toBe(canonical(der(empty.leafPem), asn1X509.Certificate));
    const noSans = await chain("ECDSA", "ECDSA", { subject: SUBJECT });
    expect(hex(der(noSans.csrPem))).toBe(canonical(der(noSans.csrPem), CertificationRequest));
    expect(hex(der(noSans.leafPem))).toBe(canonical(der(noSans.leafPem), asn1X509.Certificate));
  });

  it("writes a self-signed certificate without extensions, and one with every subject field, as the serializer does", async () => {
    const provider: SimulatedProvider = createTlsProvider().forRun?.() ?? createTlsProvider();
    const key = await provider.create({ ...KEYS.ECDSA.inputs }, ctx(PK));
    const subject = { commonName: "x", organization: "O", organizationalUnit: "OU", streetAddresses: ["1 Main St", "Floor 2"], locality: "L", province: "P", country: "DE", postalCode: "12345", serialNumber: "42", emailAddress: "a@example.com" };
    for (const inputs of [{ subject: { commonName: "bare" }, validityPeriodHours: 1 }, { subject, validityPeriodHours: 876000, setSubjectKeyId: true, setAuthorityKeyId: true, ...SANS }]) {
      const pem = String((await provider.create({ privateKeyPem: key.outputs.privateKeyPem, ...inputs }, ctx(SSC))).outputs.certPem);
      expect(hex(der(pem))).toBe(canonical(der(pem), asn1X509.Certificate));
    }
  });
});

describe("tls subject names", () => {
  const subjects: Array<[string, Record<string, unknown>]> = [
    ["every field", { commonName: "api.mesh.internal", organization: "Example Org", organizationalUnit: "API", streetAddresses: ["1 Main St"], locality: "Berlin", province: "BE", country: "DE", postalCode: "10115", serialNumber: "42", emailAddress: "ops@example.com" }],
    ["several street addresses (one multi-valued RDN)", { commonName: "x", streetAddresses: ["1 Main St", "", "Floor 2"] }],
    ["characters outside PrintableString", { commonName: "api_*.mesh&co", organization: "A@B; C!" }],
    ["non-ASCII", { commonName: "Zürich 東京", organization: "Ünïcode" }],
    ["quotes and backslashes", { commonName: '"quoted, name"', organization: "a\\,b", organizationalUnit: "x\\0ay" }],
    ["a value that starts with # (x509.Name's hex-encoded value)", { commonName: "#0c026869" }],
    ["no fields", {}],
  ];
  it.each(subjects)("writes the Name DER x509.Name writes for a subject with %s", (_label, subject) => {
    const ours = subjectNameDer(subject);
    const reference = subjectName(subject);
    expect(ours.der.toString("hex")).toBe(Buffer.from(reference.toArrayBuffer()).toString("hex"));
    expect(ours.empty).toBe(reference.toString() === "");
  });
});

describe("tls PrivateKey public encodings", () => {
  const kinds: Array<[string, Record<string, unknown>]> = [
    ["RSA 2048", { algorithm: "RSA", rsaBits: 2048 }],
    ["ECDSA P256", { algorithm: "ECDSA", ecdsaCurve: "P256" }],
    ["ECDSA P384", { algorithm: "ECDSA", ecdsaCurve: "P384" }],
    ["ECDSA P521", { algorithm: "ECDSA", ecdsaCurve: "P521" }],
    ["ED25519", { algorithm: "ED25519" }],
  ];
  const created = async (inputs: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const provider: SimulatedProvider = createTlsProvider().forRun?.() ?? createTlsProvider();
    return (await provider.create(inputs, ctx(PK))).outputs;
  };
  it.each(kinds.filter(([label]) => label !== "ED25519"))("writes a %s key's public PEM as OpenSSL does and its OpenSSH key as ssh-keygen derives it from the private key", async (_label, inputs) => {
    const out = await created(inputs);
    const privatePem = String(out.privateKeyPemPkcs8);
    expect(out.publicKeyPem).toBe(crypto.createPublicKey(privatePem).export({ type: "spki", format: "pem" }).toString());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-ssh-"));
    try {
      const file = path.join(dir, "key");
      fs.writeFileSync(file, privatePem, { mode: 0o600 });
      expect(String(out.publicKeyOpenssh).trim()).toBe(execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes an ED25519 key's public PEM as OpenSSL does and its OpenSSH key from the key's 32 octets (RFC 8709 §4)", async () => {
    // ssh-keygen reads Ed25519 private keys only in OpenSSH's own format, so the expected key is built from the JWK.
    const out = await created({ algorithm: "ED25519" });
    const publicKey = crypto.createPublicKey(String(out.privateKeyPemPkcs8));
    expect(out.publicKeyPem).toBe(publicKey.export({ type: "spki", format: "pem" }).toString());
    const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const wire = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url"))]);
    expect(out.publicKeyOpenssh).toBe(`ssh-ed25519 ${wire.toString("base64")}\n`);
  });
});
