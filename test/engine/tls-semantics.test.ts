/**
 * Foundation acceptance: the offline engine's `tls` and `random` semantics, field by field,
 * on raw `@pulumi/tls` / `@pulumi/random` resources, checked with OpenSSL, ssh-keygen and
 * @peculiar/x509 — plus the cloud placeholders and preview unknowns.
 */
import * as crypto from "node:crypto";
import * as cloudflare from "@pulumi/cloudflare";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { beforeAll, describe, expect, it } from "vitest";
import { x509 } from "../../components/common/x509";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { opensslVerify, writePems } from "../support/pki";
import { block, certText, csrText, hasSshKeygen, opensslOn, sshFingerprint, str } from "./helpers";

const NOW = new Date("2026-03-04T05:06:07.890Z");
const PK = "tls:index/privateKey:PrivateKey";
const SSC = "tls:index/selfSignedCert:SelfSignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const LSC = "tls:index/locallySignedCert:LocallySignedCert";

/** allowed_uses → what `openssl x509 -text` prints and what @peculiar/x509 reads. */
const KEY_USAGE_CASES: ReadonlyArray<{ use: string; text: string; flag: x509.KeyUsageFlags }> = [
  { use: "digital_signature", text: "Digital Signature", flag: x509.KeyUsageFlags.digitalSignature },
  { use: "content_commitment", text: "Non Repudiation", flag: x509.KeyUsageFlags.nonRepudiation },
  { use: "key_encipherment", text: "Key Encipherment", flag: x509.KeyUsageFlags.keyEncipherment },
  { use: "data_encipherment", text: "Data Encipherment", flag: x509.KeyUsageFlags.dataEncipherment },
  { use: "key_agreement", text: "Key Agreement", flag: x509.KeyUsageFlags.keyAgreement },
  { use: "cert_signing", text: "Certificate Sign", flag: x509.KeyUsageFlags.keyCertSign },
  { use: "crl_signing", text: "CRL Sign", flag: x509.KeyUsageFlags.cRLSign },
  { use: "encipher_only", text: "Encipher Only", flag: x509.KeyUsageFlags.encipherOnly },
  { use: "decipher_only", text: "Decipher Only", flag: x509.KeyUsageFlags.decipherOnly },
];
const EKU_CASES: ReadonlyArray<{ use: string; text: string; oid: string }> = [
  { use: "server_auth", text: "TLS Web Server Authentication", oid: "1.3.6.1.5.5.7.3.1" },
  { use: "client_auth", text: "TLS Web Client Authentication", oid: "1.3.6.1.5.5.7.3.2" },
  { use: "code_signing", text: "Code Signing", oid: "1.3.6.1.5.5.7.3.3" },
  { use: "email_protection", text: "E-mail Protection", oid: "1.3.6.1.5.5.7.3.4" },
  { use: "timestamping", text: "Time Stamping", oid: "1.3.6.1.5.5.7.3.8" },
  { use: "ocsp_signing", text: "OCSP Signing", oid: "1.3.6.1.5.5.7.3.9" },
  { use: "any_extended", text: "Any Extended Key Usage", oid: "2.5.29.37.0" },
];

const FULL_SUBJECT = {
  commonName: "svc.example.internal",
  organization: "Example Org",
  organizationalUnit: "Platform",
  country: "DE",
  province: "Berlin",
  locality: "Berlin-Mitte",
  streetAddresses: ["Unter den Linden 1"],
  postalCode: "10117",
  serialNumber: "SN-0042",
};

function cert(r: RecordedResource): x509.X509Certificate {
  return new x509.X509Certificate(str(r, "certPem"));
}

describe("tls PrivateKey", () => {
  let plan: PlanResult;
  const key = (name: string) => plan.find(PK, name);
  beforeAll(async () => {
    plan = await runProgram(async () => {
      new tls.PrivateKey("rsa-default", { algorithm: "RSA" });
      for (const bits of [2048, 3072, 4096]) new tls.PrivateKey(`rsa-${bits}`, { algorithm: "RSA", rsaBits: bits });
      for (const curve of ["P256", "P384", "P521"]) new tls.PrivateKey(`ec-${curve}`, { algorithm: "ECDSA", ecdsaCurve: curve });
      new tls.PrivateKey("ed25519", { algorithm: "ED25519" });
      return {};
    }, { now: NOW });
  });

  it("makes a 2048-bit RSA key when rsaBits is not set", async () => {
    const r = key("rsa-default");
    expect(r.outputs.rsaBits).toBe(2048);
    expect(await opensslOn(str(r, "privateKeyPem"), ["pkey", "-noout", "-text"])).toMatch(/^Private-Key: \(2048 bit, 2 primes\)/);
  });

  it.each([2048, 3072, 4096])("honours rsaBits %i", async (bits) => {
    const r = key(`rsa-${bits}`);
    expect(await opensslOn(str(r, "privateKeyPem"), ["pkey", "-noout", "-text"])).toMatch(new RegExp(`^Private-Key: \\(${bits} bit, 2 primes\\)`));
    expect(crypto.createPrivateKey(str(r, "privateKeyPem")).asymmetricKeyDetails?.modulusLength).toBe(bits);
  });

  it.each([
    ["P256", "prime256v1", "P-256", 256],
    ["P384", "secp384r1", "P-384", 384],
    ["P521", "secp521r1", "P-521", 521],
  ] as const)("makes an ECDSA %s key on curve %s", async (curve, oidName, nist, bits) => {
    const text = await opensslOn(str(key(`ec-${curve}`), "privateKeyPem"), ["pkey", "-noout", "-text"]);
    expect(text).toMatch(new RegExp(`^Private-Key: \\(${bits} bit\\)`));
    expect(text).toContain(`ASN1 OID: ${oidName}`);
    expect(text).toContain(`NIST CURVE: ${nist}`);
  });

  it("makes an ED25519 key", async () => {
    expect(await opensslOn(str(key("ed25519"), "privateKeyPem"), ["pkey", "-noout", "-text"])).toMatch(/^ED25519 Private-Key:/);
  });

  it.each([
    ["rsa-default", "RSA PRIVATE KEY", "PKCS#1"],
    ["ec-P256", "EC PRIVATE KEY", "SEC1"],
    ["ed25519", "PRIVATE KEY", "PKCS#8"],
  ])("writes privateKeyPem of %s as %s (%s), like the provider", (name, label) => {
    const pem = str(key(name), "privateKeyPem");
    expect(pem.startsWith(`-----BEGIN ${label}-----\n`)).toBe(true);
    expect(pem.trimEnd().endsWith(`-----END ${label}-----`)).toBe(true);
  });

  it.each(["rsa-default", "ec-P384", "ed25519"])("writes privateKeyPemPkcs8 of %s as PKCS#8 holding the same key as privateKeyPem", (name) => {
    const r = key(name);
    const pkcs8 = str(r, "privateKeyPemPkcs8");
    expect(pkcs8.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    const spki = (pem: string) => crypto.createPublicKey(pem).export({ type: "spki", format: "der" }).toString("hex");
    expect(spki(pkcs8)).toBe(spki(str(r, "privateKeyPem")));
  });

  it.each(["rsa-default", "ec-P521", "ed25519"])("writes publicKeyPem of %s as the SPKI of the private key (openssl pkey -pubout)", async (name) => {
    const r = key(name);
    expect(await opensslOn(str(r, "privateKeyPem"), ["pkey", "-pubout"])).toBe(str(r, "publicKeyPem"));
  });

  it.skipIf(!hasSshKeygen).each([
    ["rsa-default", "2048", "RSA"],
    ["ec-P256", "256", "ECDSA"],
    ["ec-P384", "384", "ECDSA"],
    ["ec-P521", "521", "ECDSA"],
    ["ed25519", "256", "ED25519"],
  ])("writes publicKeyOpenssh of %s that ssh-keygen reads, with its SHA256 fingerprint in publicKeyFingerprintSha256", async (name, bits, type) => {
    const r = key(name);
    const [keyBits, fingerprint, ...rest] = (await sshFingerprint(str(r, "publicKeyOpenssh"))).split(" ");
    expect(keyBits).toBe(bits);
    expect(rest.at(-1)).toBe(`(${type})`);
    expect(fingerprint).toBe(str(r, "publicKeyFingerprintSha256"));
  });

  it("derives the OpenSSH public key from the same key as publicKeyPem", () => {
    const r = key("ed25519");
    const raw = crypto.createPublicKey(str(r, "publicKeyPem")).export({ format: "jwk" }).x ?? "";
    const wire = Buffer.from(str(r, "publicKeyOpenssh").split(" ")[1] ?? "", "base64");
    expect(wire.subarray(-32).toString("base64url")).toBe(raw);
  });

  it("marks privateKeyPem and privateKeyPemPkcs8 secret, and the public key not", () => {
    for (const name of ["rsa-default", "ec-P256", "ed25519"]) {
      const r = key(name);
      expect(r.isSecret("privateKeyPem")).toBe(true);
      expect(r.isSecret("privateKeyPemPkcs8")).toBe(true);
      expect(r.isSecret("publicKeyPem")).toBe(false);
      expect(r.isSecret("publicKeyOpenssh")).toBe(false);
    }
  });

  it("refuses ECDSA P224 (the provider's default curve) with a clear offline-engine error", async () => {
    const program = async () => {
      new tls.PrivateKey("ec-default", { algorithm: "ECDSA" });
      return {};
    };
    await expect(runProgram(program, { now: NOW })).rejects.toThrow(
      /ECDSA curve P224 is not supported by the offline engine \(P256, P384, P521 are\)/,
    );
  });
});

describe("tls SelfSignedCert", () => {
  let plan: PlanResult;
  const c = (name: string) => plan.find(SSC, name);
  beforeAll(async () => {
    plan = await runProgram(async () => {
      const k = new tls.PrivateKey("k", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      const pem = k.privateKeyPem;
      new tls.SelfSignedCert("subject", {
        privateKeyPem: pem,
        subject: FULL_SUBJECT,
        dnsNames: ["a.example.internal", "b.example.internal"],
        ipAddresses: ["10.0.0.7", "::1"],
        uris: ["spiffe://example.internal/ns/default/sa/api"],
        validityPeriodHours: 24,
        allowedUses: ["server_auth"],
      });
      new tls.SelfSignedCert("streets", { privateKeyPem: pem, subject: { commonName: "x", streetAddresses: ["Street A", "Street B"], emailAddress: "ops@example.org" }, validityPeriodHours: 1, allowedUses: [] });
      new tls.SelfSignedCert("ca", { privateKeyPem: pem, subject: { commonName: "Test CA" }, isCaCertificate: true, validityPeriodHours: 87600, allowedUses: ["cert_signing", "crl_signing"] });
      new tls.SelfSignedCert("leaf", { privateKeyPem: pem, subject: { commonName: "leaf" }, validityPeriodHours: 2160, earlyRenewalHours: 720, allowedUses: ["digital_signature"] });
      new tls.SelfSignedCert("ski", { privateKeyPem: pem, subject: { commonName: "ski" }, setSubjectKeyId: true, validityPeriodHours: 1, allowedUses: [] });
      new tls.SelfSignedCert("aki", { privateKeyPem: pem, subject: { commonName: "aki" }, setSubjectKeyId: true, setAuthorityKeyId: true, validityPeriodHours: 1, allowedUses: [] });
      new tls.SelfSignedCert("renew-equal", { privateKeyPem: pem, subject: { commonName: "r" }, validityPeriodHours: 24, earlyRenewalHours: 24, allowedUses: [] });
      new tls.SelfSignedCert("renew-more", { privateKeyPem: pem, subject: { commonName: "r" }, validityPeriodHours: 24, earlyRenewalHours: 48, allowedUses: [] });
      for (const u of [...KEY_USAGE_CASES, ...EKU_CASES]) new tls.SelfSignedCert(`use-${u.use}`, { privateKeyPem: pem, subject: { commonName: u.use }, validityPeriodHours: 1, allowedUses: [u.use] });
      return {};
    }, { now: NOW });
  });

  it("writes every subject field in Go's pkix order: C, ST, L, street, postalCode, O, OU, CN, serialNumber", async () => {
    const text = await certText(str(c("subject"), "certPem"));
    expect(text).toContain(
      "Subject: C = DE, ST = Berlin, L = Berlin-Mitte, street = Unter den Linden 1, postalCode = 10117, O = Example Org, OU = Platform, CN = svc.example.internal, serialNumber = SN-0042\n",
    );
    expect(text).toContain("Issuer: C = DE, ST = Berlin,");
  });

  it("puts several street addresses in one multi-valued RDN and emailAddress last, as the provider does", async () => {
    const text = await certText(str(c("streets"), "certPem"));
    expect(text).toMatch(/Subject: street = Street A \+ street = Street B, CN = x, emailAddress = ops@example.org\n/);
  });

  it("writes DNS, IP and URI SANs, not critical when the subject is set", async () => {
    const text = await certText(str(c("subject"), "certPem"));
    expect(block(text, "X509v3 Subject Alternative Name")).toBe(
      "X509v3 Subject Alternative Name:\nDNS:a.example.internal, DNS:b.example.internal, IP Address:10.0.0.7, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://example.internal/ns/default/sa/api",
    );
  });

  it("marks a CA certificate with critical basicConstraints CA:TRUE and a subject key identifier", async () => {
    const text = await certText(str(c("ca"), "certPem"));
    expect(block(text, "X509v3 Basic Constraints")).toBe("X509v3 Basic Constraints: critical\nCA:TRUE");
    // RFC 5280 method 1, as the provider's generateSubjectKeyID: SHA-1 of the EC point (04 || x || y).
    const jwk = crypto.createPublicKey(str(plan.find(PK, "k"), "publicKeyPem")).export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? "", "base64url"), Buffer.from(jwk.y ?? "", "base64url")]);
    expect(cert(c("ca")).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe(crypto.createHash("sha1").update(point).digest("hex"));
    expect(text).toMatch(/X509v3 Subject Key Identifier: *\n/);
  });

  it("marks a non-CA certificate with critical basicConstraints CA:FALSE and no subject key identifier", async () => {
    const text = await certText(str(c("leaf"), "certPem"));
    expect(block(text, "X509v3 Basic Constraints")).toBe("X509v3 Basic Constraints: critical\nCA:FALSE");
    expect(text).not.toContain("X509v3 Subject Key Identifier");
  });

  it.each(KEY_USAGE_CASES)("maps allowedUses $use to the critical keyUsage bit $text and nothing else", async ({ use, text, flag }) => {
    const r = c(`use-${use}`);
    const ku = cert(r).getExtension(x509.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(flag);
    expect(block(await certText(str(r, "certPem")), "X509v3 Key Usage")).toBe(`X509v3 Key Usage: critical\n${text}`);
    expect(cert(r).getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
  });

  it.each(EKU_CASES)("maps allowedUses $use to the non-critical extendedKeyUsage OID $oid", async ({ use, text, oid }) => {
    const r = c(`use-${use}`);
    const eku = cert(r).getExtension(x509.ExtendedKeyUsageExtension);
    expect(eku?.critical).toBe(false);
    expect(eku?.usages).toEqual([oid]);
    expect(block(await certText(str(r, "certPem")), "X509v3 Extended Key Usage")).toBe(`X509v3 Extended Key Usage:\n${text}`);
    expect(cert(r).getExtension(x509.KeyUsagesExtension)).toBeNull();
  });

  it("starts validity at the engine clock truncated to the second and ends validityPeriodHours later", async () => {
    const r = c("leaf");
    const text = await certText(str(r, "certPem"));
    expect(text).toContain("Not Before: Mar  4 05:06:07 2026 GMT");
    expect(text).toContain("Not After : Jun  2 05:06:07 2026 GMT");
    expect(cert(r).notBefore.toISOString()).toBe("2026-03-04T05:06:07.000Z");
    expect(cert(r).notAfter.getTime() - cert(r).notBefore.getTime()).toBe(2160 * 3600_000);
  });

  it("reports validityStartTime and validityEndTime as RFC 3339 without fractional seconds", () => {
    const r = c("leaf");
    expect(r.outputs.validityStartTime).toBe("2026-03-04T05:06:07Z");
    expect(r.outputs.validityEndTime).toBe("2026-06-02T05:06:07Z");
  });

  it("adds a subject key identifier to a non-CA certificate when setSubjectKeyId is true", async () => {
    const ski = cert(c("ski")).getExtension(x509.SubjectKeyIdentifierExtension);
    expect(ski?.keyId).toBe(Buffer.from(await cert(c("ski")).publicKey.getKeyIdentifier()).toString("hex"));
  });

  it("adds an authority key identifier equal to its own subject key identifier when setAuthorityKeyId is true", () => {
    const x = cert(c("aki"));
    const aki = x.getExtension(x509.AuthorityKeyIdentifierExtension);
    expect(aki?.keyId).toBeDefined();
    expect(aki?.keyId).toBe(x.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(cert(c("ski")).getExtension(x509.AuthorityKeyIdentifierExtension)).toBeNull();
  });

  it("is not readyForRenewal when just minted", () => {
    expect(c("leaf").outputs.readyForRenewal).toBe(false);
    expect(c("subject").outputs.readyForRenewal).toBe(false);
  });

  it.each(["renew-equal", "renew-more"])("is readyForRenewal at once when earlyRenewalHours ≥ validityPeriodHours (%s)", (name) => {
    expect(c(name).outputs.readyForRenewal).toBe(true);
  });

  it("uses the serial number in decimal as the resource id", async () => {
    const r = c("leaf");
    const serialHex = (await opensslOn(str(r, "certPem"), ["x509", "-noout", "-serial"])).trim().replace(/^serial=/, "");
    expect(r.id).toBe(BigInt(`0x${serialHex}`).toString(10));
  });

  it("draws a fresh random serial of at most 128 bits for each certificate", () => {
    const serials = plan.all(SSC).map((r) => BigInt(r.id ?? "0"));
    expect(new Set(serials).size).toBe(serials.length);
    for (const s of serials) {
      expect(s > 0n).toBe(true);
      expect(s < 1n << 128n).toBe(true);
    }
  });

  it("refuses a CA certificate with an empty subject, like the provider", async () => {
    await expect(
      runProgram(async () => {
        const k = new tls.PrivateKey("k", { algorithm: "ED25519" });
        new tls.SelfSignedCert("ca", { privateKeyPem: k.privateKeyPem, isCaCertificate: true, validityPeriodHours: 1, allowedUses: [] });
        return {};
      }, { now: NOW }),
    ).rejects.toThrow(/Must contain at least one Distinguished Name when creating Certificate Authority/);
  });
});

describe("tls CertRequest and LocallySignedCert", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runProgram(async () => {
      const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P384" });
      const ca = new tls.SelfSignedCert("ca", { privateKeyPem: caKey.privateKeyPem, subject: { commonName: "Signing CA", organization: "Example Org" }, isCaCertificate: true, validityPeriodHours: 8760, allowedUses: ["cert_signing"] });
      const leafKey = new tls.PrivateKey("leaf-key", { algorithm: "RSA", rsaBits: 2048 });
      const csr = new tls.CertRequest("leaf-csr", {
        privateKeyPem: leafKey.privateKeyPem,
        subject: { commonName: "api.example.internal", organization: "Example Org", organizationalUnit: "API" },
        dnsNames: ["api.example.internal"],
        ipAddresses: ["127.0.0.1"],
        uris: ["spiffe://example.internal/api"],
      });
      new tls.LocallySignedCert("leaf", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: caKey.privateKeyPem, validityPeriodHours: 720, allowedUses: ["digital_signature", "key_encipherment", "server_auth"] });
      return {};
    }, { now: NOW });
  });

  it("puts the subject and the DNS/IP/URI SANs in the CSR", async () => {
    const text = await csrText(str(plan.find(CSR, "leaf-csr"), "certRequestPem"));
    expect(text).toContain("Subject: O = Example Org, OU = API, CN = api.example.internal\n");
    expect(text).toMatch(/X509v3 Subject Alternative Name: *\n\s*DNS:api\.example\.internal, IP Address:127\.0\.0\.1, URI:spiffe:\/\/example\.internal\/api\n/);
  });

  it("signs the CSR with its own key and reports keyAlgorithm", async () => {
    const r = plan.find(CSR, "leaf-csr");
    expect(r.outputs.keyAlgorithm).toBe("RSA");
    expect(await opensslOn(str(r, "certRequestPem"), ["req", "-noout", "-verify"]).catch((e: { stderr?: string }) => e.stderr ?? "")).toBe("");
    const csr = new x509.Pkcs10CertificateRequest(str(r, "certRequestPem"));
    expect(await csr.verify()).toBe(true);
  });

  it("copies subject and SANs from the CSR into the certificate", () => {
    const leaf = cert(plan.find(LSC, "leaf"));
    expect(leaf.subject).toBe("O=Example Org, OU=API, CN=api.example.internal");
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.toJSON()).toEqual([
      { type: "dns", value: "api.example.internal" },
      { type: "ip", value: "127.0.0.1" },
      { type: "url", value: "spiffe://example.internal/api" },
    ]);
  });

  it("names the CA subject as issuer and the CA's subject key identifier as authority key identifier", () => {
    const ca = cert(plan.find(SSC, "ca"));
    const leaf = cert(plan.find(LSC, "leaf"));
    expect(leaf.issuer).toBe(ca.subject);
    const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(caSki).toBeDefined();
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caSki);
  });

  it("issues a certificate that `openssl verify` accepts against the CA", async () => {
    const { path } = writePems({ ca: str(plan.find(SSC, "ca"), "certPem"), leaf: str(plan.find(LSC, "leaf"), "certPem") });
    const v = await opensslVerify({ caFile: path.ca, cert: path.leaf, purpose: "sslserver", attime: new Date(NOW.getTime() + 3600_000) });
    expect(v.output).toContain("OK");
    expect(v.ok).toBe(true);
  });

  it("reports the CA key algorithm and keeps the CA-signed validity rules", () => {
    const r = plan.find(LSC, "leaf");
    expect(r.outputs.caKeyAlgorithm).toBe("ECDSA");
    expect(r.outputs.validityStartTime).toBe("2026-03-04T05:06:07Z");
    expect(r.outputs.validityEndTime).toBe("2026-04-03T05:06:07Z");
    expect(r.id).toBe(BigInt(`0x${cert(r).serialNumber}`).toString(10));
  });

  it("refuses a CA private key that does not belong to the CA certificate", async () => {
    await expect(
      runProgram(async () => {
        const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const otherKey = new tls.PrivateKey("other-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const ca = new tls.SelfSignedCert("ca", { privateKeyPem: caKey.privateKeyPem, subject: { commonName: "CA" }, isCaCertificate: true, validityPeriodHours: 24, allowedUses: ["cert_signing"] });
        const csr = new tls.CertRequest("csr", { privateKeyPem: otherKey.privateKeyPem, subject: { commonName: "leaf" } });
        new tls.LocallySignedCert("leaf", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: otherKey.privateKeyPem, validityPeriodHours: 1, allowedUses: [] });
        return {};
      }, { now: NOW }),
    ).rejects.toThrow(/caPrivateKeyPem does not match caCertPem/);
  });
});

describe("random", () => {
  let plan: PlanResult;
  const r = (type: string, name: string) => plan.find(`random:index/${type}:${type[0]?.toUpperCase()}${type.slice(1)}`, name);
  beforeAll(async () => {
    plan = await runProgram(async () => {
      new random.RandomBytes("bytes", { length: 48 });
      new random.RandomPassword("alnum", { length: 40, special: false });
      new random.RandomPassword("mins", { length: 12, minUpper: 3, minNumeric: 3, minSpecial: 3, overrideSpecial: "!#" });
      new random.RandomPassword("lower-only", { length: 64, upper: false, numeric: false, special: false });
      new random.RandomId("id", { byteLength: 12 });
      new random.RandomUuid("uuid", {});
      return {};
    }, { now: NOW });
  });

  it("RandomBytes gives `length` bytes as base64 and the same bytes as hex", () => {
    const b = r("randomBytes", "bytes");
    const bytes = Buffer.from(String(b.outputs.base64), "base64");
    expect(bytes).toHaveLength(48);
    expect(b.outputs.hex).toBe(bytes.toString("hex"));
  });

  it("RandomPassword honours length and turned-off character classes", () => {
    expect(r("randomPassword", "alnum").outputs.result).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(r("randomPassword", "lower-only").outputs.result).toMatch(/^[a-z]{64}$/);
  });

  it("RandomPassword honours the minimum counts and overrideSpecial", () => {
    const result = String(r("randomPassword", "mins").outputs.result);
    expect(result).toHaveLength(12);
    expect(result).toMatch(/^[A-Za-z0-9!#]+$/);
    expect(result.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(3);
    expect(result.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(3);
    expect(result.replace(/[^!#]/g, "").length).toBeGreaterThanOrEqual(3);
  });

  it("RandomPassword.result is a secret path", () => {
    const p = r("randomPassword", "alnum");
    expect(p.isSecret("result")).toBe(true);
    expect(p.isSecret("length")).toBe(false);
  });

  it("RandomId's hex, b64Url, b64Std and dec encode the same bytes, and its id is the b64Url", () => {
    const id = r("randomId", "id");
    const hex = String(id.outputs.hex);
    expect(hex).toMatch(/^[0-9a-f]{24}$/);
    expect(Buffer.from(String(id.outputs.b64Url), "base64url").toString("hex")).toBe(hex);
    expect(Buffer.from(String(id.outputs.b64Std), "base64").toString("hex")).toBe(hex);
    expect(id.outputs.dec).toBe(BigInt(`0x${hex}`).toString(10));
    expect(id.id).toBe(id.outputs.b64Url);
  });

  it("RandomUuid gives an RFC 4122 version-4 UUID", () => {
    expect(r("randomUuid", "uuid").outputs.result).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("cloud placeholders", () => {
  const program = async () => {
    const tunnel = new cloudflare.ZeroTrustTunnelCloudflared("edge", { accountId: "acc123", name: "edge", configSrc: "cloudflare" });
    new cloudflare.ZeroTrustTunnelCloudflared("other", { accountId: "acc123", name: "other", configSrc: "cloudflare" });
    new k8s.core.v1.ConfigMap("settings", { data: { a: "1" } });
    new k8s.core.v1.Namespace("apps", {});
    return { tunnelId: tunnel.id };
  };
  let first: PlanResult;
  let second: PlanResult;
  beforeAll(async () => {
    first = await runProgram(program, { now: NOW });
    second = await runProgram(program, { now: new Date("2030-01-01T00:00:00Z") });
  });

  it("derives ids from the URN: two runs of the same program give the same ids", () => {
    const ids = (p: PlanResult) => Object.fromEntries(p.resources.filter((r) => r.custom).map((r) => [r.urn, r.id]));
    expect(ids(second)).toEqual(ids(first));
    expect(first.outputs.tunnelId).toBe(first.find("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "edge").id);
  });

  it("gives different resources different ids, tunnel ids shaped as UUIDs", () => {
    const edge = first.find("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "edge").id;
    const other = first.find("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "other").id;
    expect(edge).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(edge).not.toBe(other);
  });

  it("auto-names a Kubernetes object without metadata.name `<name>-<8 hex>` in namespace default", () => {
    const cm = first.find("kubernetes:core/v1:ConfigMap", "settings");
    const meta = cm.outputs.metadata as { name: string; namespace: string };
    expect(meta.name).toMatch(/^settings-[0-9a-f]{8}$/);
    expect(meta.namespace).toBe("default");
    expect(cm.id).toBe(`default/${meta.name}`);
  });

  it("leaves a cluster-scoped object (Namespace) without a namespace", () => {
    const meta = first.find("kubernetes:core/v1:Namespace", "apps").outputs.metadata as Record<string, unknown>;
    expect(meta.name).toMatch(/^apps-[0-9a-f]{8}$/);
    expect(meta.namespace).toBeUndefined();
  });
});

describe("preview", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runProgram(async () => {
      const k = new tls.PrivateKey("k", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      const c = new tls.SelfSignedCert("c", { privateKeyPem: k.privateKeyPem, subject: { commonName: "preview" }, validityPeriodHours: 24, allowedUses: ["server_auth"] });
      const t = new cloudflare.ZeroTrustTunnelCloudflared("edge", { accountId: "acc123", name: "edge", configSrc: "cloudflare" });
      return { certPem: c.certPem, tunnelId: t.id };
    }, { now: NOW, preview: true });
  });

  it("leaves provider-computed tls outputs unknown", () => {
    const c = plan.find(SSC, "c");
    expect(c.unknownPaths).toEqual(expect.arrayContaining(["certPem", "validityStartTime", "validityEndTime", "readyForRenewal"]));
    expect(c.outputs.certPem).toBeUndefined();
    expect(c.id).toBeUndefined();
    const k = plan.find(PK, "k");
    expect(k.unknownPaths).toEqual(expect.arrayContaining(["privateKeyPem", "publicKeyPem"]));
  });

  it("leaves the cloudflare tunnel id unknown, in the resource and in stack outputs", () => {
    const t = plan.find("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "edge");
    expect(t.id).toBeUndefined();
    expect(plan.outputs.tunnelId).toBeUndefined();
    expect(plan.outputs.certPem).toBeUndefined();
  });

  it("echoes the inputs as outputs", () => {
    const c = plan.find(SSC, "c");
    expect(c.outputs.subject).toEqual({ commonName: "preview" });
    expect(c.outputs.validityPeriodHours).toBe(24);
    expect(c.outputs.allowedUses).toEqual(["server_auth"]);
    const t = plan.find("cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "edge");
    expect(t.outputs).toMatchObject({ accountId: "acc123", name: "edge", configSrc: "cloudflare" });
  });
});
