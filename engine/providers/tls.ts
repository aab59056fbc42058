/**
 * The `tls` provider (pulumi-tls, bridged from hashicorp/terraform-provider-tls) computed
 * with real cryptography: Node's `crypto` for keys, `@peculiar/x509` for certificates and
 * CSRs. Faithful to the provider's documented behaviour; the mapping is in
 * docs/offline-engine.md ("tls semantics") and each rule cites its source there.
 */
import * as crypto from "node:crypto";
import { x509 } from "../../components/common/x509";
import { certificateIpText } from "../../components/common/ip";
type WebCrypto = typeof crypto.webcrypto;
type CryptoKey = Awaited<ReturnType<WebCrypto["subtle"]["importKey"]>>;
type SignParams = Parameters<WebCrypto["subtle"]["importKey"]>[2];
type SigningAlgorithm = Parameters<WebCrypto["subtle"]["sign"]>[0];

import type { CreateContext, CreateResult, SimulatedProvider } from "./types";

/** allowed_uses → KeyUsage bits (terraform-provider-tls internal/provider/common_cert.go `keyUsages`). */
export const KEY_USAGES: Readonly<Record<string, x509.KeyUsageFlags>> = {
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  content_commitment: x509.KeyUsageFlags.nonRepudiation,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
  data_encipherment: x509.KeyUsageFlags.dataEncipherment,
  key_agreement: x509.KeyUsageFlags.keyAgreement,
  cert_signing: x509.KeyUsageFlags.keyCertSign,
  crl_signing: x509.KeyUsageFlags.cRLSign,
  encipher_only: x509.KeyUsageFlags.encipherOnly,
  decipher_only: x509.KeyUsageFlags.decipherOnly,
};

/** allowed_uses → ExtendedKeyUsage OIDs (same file, `extendedKeyUsages`). */
export const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  any_extended: "2.5.29.37.0",
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
  microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
  netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
  microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
  microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

const CURVES: Readonly<Record<string, { node: string; web: string; hash: string }>> = {
  P256: { node: "prime256v1", web: "P-256", hash: "SHA-256" },
  P384: { node: "secp384r1", web: "P-384", hash: "SHA-384" },
  P521: { node: "secp521r1", web: "P-521", hash: "SHA-512" },
};

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
function num(v: unknown, dflt: number): number {
  return typeof v === "number" ? v : dflt;
}

/** Go's time.MarshalText (RFC 3339, fractional seconds only when non-zero). */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(".000Z", "Z");
}

// ---------------------------------------------------------------- keys

interface KeyInfo {
  algorithm: "RSA" | "ECDSA" | "ED25519";
  key: crypto.KeyObject;
  /** WebCrypto parameters for signing with this key. */
  sign: SignParams;
  signing: SigningAlgorithm;
}

function keyInfo(privateKeyPem: string): KeyInfo {
  const key = crypto.createPrivateKey(privateKeyPem);
  switch (key.asymmetricKeyType) {
    case "rsa":
      return {
        algorithm: "RSA",
        key,
        sign: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        signing: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      };
    case "ec": {
      const curve = Object.values(CURVES).find((c) => c.node === key.asymmetricKeyDetails?.namedCurve);
      if (!curve) throw new Error(`tls: ECDSA curve ${key.asymmetricKeyDetails?.namedCurve ?? "?"} is not supported by the offline engine (P256, P384, P521 are)`);
      return {
        algorithm: "ECDSA",
        key,
        sign: { name: "ECDSA", namedCurve: curve.web },
        signing: { name: "ECDSA", hash: curve.hash },
      };
    }
    case "ed25519":
      return { algorithm: "ED25519", key, sign: { name: "Ed25519" }, signing: { name: "Ed25519" } };
    default:
      throw new Error(`tls: unsupported private key type ${String(key.asymmetricKeyType)}`);
  }
}

async function cryptoKeys(info: KeyInfo): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const subtle = crypto.webcrypto.subtle;
  const pkcs8 = info.key.export({ type: "pkcs8", format: "der" });
  const spki = crypto.createPublicKey(info.key).export({ type: "spki", format: "der" });
  const privateKey = await subtle.importKey("pkcs8", pkcs8, info.sign, false, ["sign"]);
  const publicKey = await subtle.importKey("spki", spki, info.sign, true, ["verify"]);
  return { privateKey, publicKey };
}

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}
function sshMpint(b64url: string): Buffer {
  let b = Buffer.from(b64url, "base64url");
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

/** OpenSSH public key wire format (RFC 4253 §6.6, RFC 5656 §3.1), or undefined for keys SSH cannot express. */
function sshPublicKey(key: crypto.KeyObject): Buffer | undefined {
  const jwk = crypto.createPublicKey(key).export({ format: "jwk" });
  if (jwk.kty === "RSA" && jwk.e && jwk.n) {
    return Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshMpint(jwk.e), sshMpint(jwk.n)]);
  }
  if (jwk.kty === "EC" && jwk.x && jwk.y) {
    const id = { "P-256": "nistp256", "P-384": "nistp384", "P-521": "nistp521" }[jwk.crv ?? ""];
    if (!id) return undefined;
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
    return Buffer.concat([sshString(Buffer.from(`ecdsa-sha2-${id}`)), sshString(Buffer.from(id)), sshString(point)]);
  }
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && jwk.x) {
    return Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(Buffer.from(jwk.x, "base64url"))]);
  }
  return undefined;
}

function createPrivateKey(inputs: Record<string, unknown>): CreateResult {
  const algorithm = str(inputs.algorithm) ?? "";
  const rsaBits = num(inputs.rsaBits, 2048);
  const ecdsaCurve = str(inputs.ecdsaCurve) ?? "P224";
  let key: crypto.KeyObject;
  let privateKeyPem: string;
  if (algorithm === "RSA") {
    key = crypto.generateKeyPairSync("rsa", { modulusLength: rsaBits }).privateKey;
    privateKeyPem = key.export({ type: "pkcs1", format: "pem" }).toString();
  } else if (algorithm === "ECDSA") {
    const curve = CURVES[ecdsaCurve];
    if (!curve) throw new Error(`tls: ECDSA curve ${ecdsaCurve} is not supported by the offline engine (P256, P384, P521 are)`);
    key = crypto.generateKeyPairSync("ec", { namedCurve: curve.node }).privateKey;
    privateKeyPem = key.export({ type: "sec1", format: "pem" }).toString();
  } else if (algorithm === "ED25519") {
    key = crypto.generateKeyPairSync("ed25519").privateKey;
    privateKeyPem = key.export({ type: "pkcs8", format: "pem" }).toString();
  } else {
    throw new Error(`tls:index/privateKey:PrivateKey: algorithm must be RSA, ECDSA or ED25519, got ${JSON.stringify(algorithm)}`);
  }
  const publicKeyPem = crypto.createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  const ssh = sshPublicKey(key);
  const outputs: Record<string, unknown> = {
    algorithm,
    rsaBits,
    ecdsaCurve,
    privateKeyPem,
    privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem,
    publicKeyOpenssh: ssh ? `${sshAlgorithm(ssh)} ${ssh.toString("base64")}\n` : "",
    publicKeyFingerprintMd5: ssh ? crypto.createHash("md5").update(ssh).digest("hex").replace(/(..)(?!$)/g, "$1:") : "",
    publicKeyFingerprintSha256: ssh ? `SHA256:${crypto.createHash("sha256").update(ssh).digest("base64").replace(/=+$/, "")}` : "",
  };
  // The provider's id is a hash of the public key (resource_private_key.go: hashForState(publicKeyPem)).
  return { id: crypto.createHash("sha1").update(publicKeyPem).digest("hex"), outputs };
}

function sshAlgorithm(wire: Buffer): string {
  const len = wire.readUInt32BE(0);
  return wire.subarray(4, 4 + len).toString("ascii");
}

// ---------------------------------------------------------------- names and extensions

interface Subject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  streetAddresses?: string[];
  locality?: string;
  province?: string;
  country?: string;
  postalCode?: string;
  serialNumber?: string;
  emailAddress?: string;
}

/**
 * A subject block → an X.509 Name, in Go's pkix.Name.ToRDNSequence order (C, ST, L, street,
 * postalCode, O, OU, CN, serialNumber), then emailAddress (the provider's one ExtraName, IA5String).
 * Several street addresses form one multi-valued RDN, as Go's appendRDNs does.
 */
export function subjectName(subject: unknown): x509.Name {
  const s = (subject ?? {}) as Subject;
  const rdns: x509.JsonName = [];
  const add = (type: string, v: string | undefined): void => {
    if (v) rdns.push({ [type]: [v] });
  };
  add("C", s.country);
  add("ST", s.province);
  add("L", s.locality);
  const streets = (s.streetAddresses ?? []).filter((st) => st !== "");
  if (streets.length) rdns.push({ "2.5.4.9": streets });
  add("2.5.4.17", s.postalCode);
  add("O", s.organization);
  add("OU", s.organizationalUnit);
  add("CN", s.commonName);
  add("2.5.4.5", s.serialNumber);
  add("E", s.emailAddress);
  return new x509.Name(rdns);
}

/**
 * IP SANs as the provider reads them: `net.ParseIP(ipStr)`, "Invalid IP address" when nil
 * (resource_self_signed_cert.go, resource_cert_request.go), and x509 writes `ip.To4()` when
 * non-nil (`::ffff:10.0.0.1` is the IPv4 address 10.0.0.1). components/common/ip.ts.
 */
function certificateIps(ips: string[]): string[] {
  return ips.map((ip) => {
    const text = certificateIpText(ip);
    if (text === undefined) throw new Error(`tls: Invalid IP address: Failed to parse ${JSON.stringify(ip)}`);
    return text;
  });
}

function sanExtension(dns: string[], ips: string[], uris: string[], critical: boolean): x509.Extension | undefined {
  const names: x509.JsonGeneralName[] = [
    ...dns.map((value) => ({ type: "dns" as const, value })),
    ...certificateIps(ips).map((value) => ({ type: "ip" as const, value })),
    ...uris.map((value) => ({ type: "url" as const, value })),
  ];
  return names.length ? new x509.SubjectAlternativeNameExtension(names, critical) : undefined;
}

/** Go's x509.CreateCertificate marks KeyUsage and BasicConstraints critical, EKU not critical. */
function usageExtensions(allowedUses: string[]): x509.Extension[] {
  const out: x509.Extension[] = [];
  let bits = 0;
  const ekus: string[] = [];
  for (const use of allowedUses) {
    const ku = KEY_USAGES[use];
    if (ku !== undefined) bits |= ku;
    const eku = EXTENDED_KEY_USAGES[use];
    if (eku !== undefined) ekus.push(eku);
  }
  if (bits) out.push(new x509.KeyUsagesExtension(bits, true));
  if (ekus.length) out.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  return out;
}

function basicConstraints(inputs: Record<string, unknown>): x509.Extension {
  const isCa = inputs.isCaCertificate === true;
  const maxPath = num(inputs.maxPathLength, 0);
  // Go: MaxPathLen 0 without MaxPathLenZero means "unset" (common_cert.go only sets it when >= 0).
  return new x509.BasicConstraintsExtension(isCa, isCa && maxPath > 0 ? maxPath : undefined, true);
}

async function ski(publicKey: CryptoKey | x509.PublicKey): Promise<x509.SubjectKeyIdentifierExtension> {
  // SHA-1 over the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), as generateSubjectKeyID does.
  return x509.SubjectKeyIdentifierExtension.create(publicKey);
}

function serialNumber(): string {
  // 128 random bits (common_cert.go: rand.Int(rand.Reader, 1<<128)); positive.
  const b = crypto.randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

function validity(inputs: Record<string, unknown>, now: Date): { notBefore: Date; notAfter: Date; hours: number; early: number } {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const hours = num(inputs.validityPeriodHours, 0);
  // `time.Duration(hours) * time.Hour` is int64 nanoseconds in Go and wraps past ~292 years.
  const nanos = BigInt.asIntN(64, BigInt(Math.trunc(hours)) * 3_600_000_000_000n);
  const notAfter = new Date(notBefore.getTime() + Number(nanos / 1_000_000n));
  return { notBefore, notAfter, hours, early: num(inputs.earlyRenewalHours, 0) };
}

/**
 * `ready_for_renewal` (common_cert.go modifyPlanIfCertificateReadyForRenewal): true once
 * `now >= validity_end_time - early_renewal_hours`.
 */
export function readyForRenewal(notAfter: Date, earlyRenewalHours: number, now: Date): boolean {
  return now.getTime() >= notAfter.getTime() - earlyRenewalHours * 3600_000;
}

function certOutputs(inputs: Record<string, unknown>, cert: x509.X509Certificate, v: ReturnType<typeof validity>, now: Date): Record<string, unknown> {
  return {
    ...inputs,
    certPem: `${cert.toString("pem")}\n`,
    validityStartTime: rfc3339(v.notBefore),
    validityEndTime: rfc3339(v.notAfter),
    earlyRenewalHours: v.early,
    readyForRenewal: readyForRenewal(v.notAfter, v.early, now),
    isCaCertificate: inputs.isCaCertificate === true,
    setSubjectKeyId: inputs.setSubjectKeyId === true,
    maxPathLength: num(inputs.maxPathLength, 0),
  };
}

function serialId(cert: x509.X509Certificate): string {
  // The provider's id is the serial number in decimal.
  return BigInt(`0x${cert.serialNumber}`).toString(10);
}

async function createSelfSigned(inputs: Record<string, unknown>, ctx: CreateContext): Promise<CreateResult> {
  const info = keyInfo(str(inputs.privateKeyPem) ?? "");
  const keys = await cryptoKeys(info);
  const name = subjectName(inputs.subject);
  const isCa = inputs.isCaCertificate === true;
  if (isCa && name.toString() === "") throw new Error("tls: Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)");
  const v = validity(inputs, ctx.now);
  const extensions: x509.Extension[] = [basicConstraints(inputs), ...usageExtensions(strList(inputs.allowedUses))];
  const san = sanExtension(strList(inputs.dnsNames), strList(inputs.ipAddresses), strList(inputs.uris), name.toString() === "");
  if (san) extensions.push(san);
  let skiExt: x509.SubjectKeyIdentifierExtension | undefined;
  if (isCa || inputs.setSubjectKeyId === true) {
    skiExt = await ski(keys.publicKey);
    extensions.push(skiExt);
  }
  if (inputs.setAuthorityKeyId === true) {
    if (!skiExt) skiExt = await ski(keys.publicKey);
    extensions.push(new x509.AuthorityKeyIdentifierExtension(skiExt.keyId, false));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: name,
    issuer: name,
    notBefore: v.notBefore,
    notAfter: v.notAfter,
    signingAlgorithm: info.signing,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions,
  });
  return { id: serialId(cert), outputs: { ...certOutputs(inputs, cert, v, ctx.now), keyAlgorithm: info.algorithm, setAuthorityKeyId: inputs.setAuthorityKeyId === true } };
}

async function createCertRequest(inputs: Record<string, unknown>): Promise<CreateResult> {
  const info = keyInfo(str(inputs.privateKeyPem) ?? "");
  const keys = await cryptoKeys(info);
  const name = subjectName(inputs.subject);
  const extensions: x509.Extension[] = [];
  const san = sanExtension(strList(inputs.dnsNames), strList(inputs.ipAddresses), strList(inputs.uris), false);
  if (san) extensions.push(san);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: info.signing, extensions });
  const certRequestPem = `${csr.toString("pem")}\n`;
  return {
    id: crypto.createHash("sha1").update(certRequestPem).digest("hex"),
    outputs: { ...inputs, certRequestPem, keyAlgorithm: info.algorithm },
  };
}

async function createLocallySigned(inputs: Record<string, unknown>, ctx: CreateContext): Promise<CreateResult> {
  const csr = new x509.Pkcs10CertificateRequest(str(inputs.certRequestPem) ?? "");
  if (!(await csr.verify())) throw new Error("tls: certificate request signature is invalid");
  const ca = new x509.X509Certificate(str(inputs.caCertPem) ?? "");
  const caInfo = keyInfo(str(inputs.caPrivateKeyPem) ?? "");
  const caKeys = await cryptoKeys(caInfo);
  // The CA key must be the CA certificate's key.
  const caSpki = Buffer.from(ca.publicKey.rawData).toString("hex");
  const keySpki = crypto.createPublicKey(caInfo.key).export({ type: "spki", format: "der" }).toString("hex");
  if (caSpki !== keySpki) throw new Error("tls: caPrivateKeyPem does not match caCertPem");
  const v = validity(inputs, ctx.now);
  const sanRaw = csr.getExtension("2.5.29.17");
  const sanFromCsr = sanRaw ? new x509.SubjectAlternativeNameExtension(sanRaw.rawData) : undefined;
  const extensions: x509.Extension[] = [basicConstraints(inputs), ...usageExtensions(strList(inputs.allowedUses))];
  if (sanFromCsr) {
    const subjectEmpty = csr.subjectName.toString() === "";
    extensions.push(new x509.SubjectAlternativeNameExtension(sanFromCsr.names.toJSON(), subjectEmpty));
  }
  if (inputs.isCaCertificate === true || inputs.setSubjectKeyId === true) extensions.push(await ski(csr.publicKey));
  // Go's CreateCertificate copies the parent's SubjectKeyId into AuthorityKeyId when issuer != subject.
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (caSki) extensions.push(new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: csr.subjectName,
    issuer: ca.subjectName,
    notBefore: v.notBefore,
    notAfter: v.notAfter,
    signingAlgorithm: caInfo.signing,
    publicKey: csr.publicKey,
    signingKey: caKeys.privateKey,
    extensions,
  });
  return { id: serialId(cert), outputs: { ...certOutputs(inputs, cert, v, ctx.now), caKeyAlgorithm: caInfo.algorithm } };
}

const COMPUTED: Readonly<Record<string, readonly string[]>> = {
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh", "publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"],
  "tls:index/certRequest:CertRequest": ["certRequestPem", "keyAlgorithm"],
  "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "keyAlgorithm"],
  "tls:index/locallySignedCert:LocallySignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "caKeyAlgorithm"],
};

export const tlsProvider: SimulatedProvider = {
  handles: (type) => type.startsWith("tls:"),
  computedOutputs: (type) => COMPUTED[type] ?? [],
  // Every argument of these four resources is RequiresReplace in the provider schema.
  replaceOnChange: () => ["*"],
  async create(inputs, ctx) {
    switch (ctx.type) {
      case "tls:index/privateKey:PrivateKey":
        return createPrivateKey(inputs);
      case "tls:index/selfSignedCert:SelfSignedCert":
        return createSelfSigned(inputs, ctx);
      case "tls:index/certRequest:CertRequest":
        return createCertRequest(inputs);
      case "tls:index/locallySignedCert:LocallySignedCert":
        return createLocallySigned(inputs, ctx);
      default:
        throw new Error(`offline engine: tls resource ${ctx.type} is not simulated`);
    }
  },
};
