/**
 * The `tls` provider (pulumi-tls, bridged from hashicorp/terraform-provider-tls) computed
 * with real cryptography: Node's `crypto` for keys and signatures; certificates and CSRs
 * written as DER directly (engine/der.ts), byte for byte as @peculiar/x509's generators write
 * them through @peculiar/asn1-x509 and @peculiar/asn1-csr (test/engine/tls-encoding.test.ts),
 * with `@peculiar/x509` and its ASN.1 layer for what is not on the hot path (names with quoting or
 * non-ASCII values, parsing certificates and requests the run did not make). Faithful to the provider's documented behaviour; the mapping is in
 * docs/offline-engine.md ("tls semantics") and each rule cites its source there.
 */
import * as crypto from "node:crypto";
import { promisify } from "node:util";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn1X509 from "@peculiar/asn1-x509";
import { x509 } from "../../components/common/x509";
import { certificateIpText } from "../../components/common/ip";
import { derBitString, derExtension, derOctetString, derSequence, derTlv, rsaPublicKeyIntegers, spkiPublicKeyBits } from "../der";
type WebCrypto = typeof crypto.webcrypto;
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

const CURVES: Readonly<Record<string, { node: string; web: string; hash: string; ssh: string }>> = {
  P256: { node: "prime256v1", web: "P-256", hash: "SHA-256", ssh: "nistp256" },
  P384: { node: "secp384r1", web: "P-384", hash: "SHA-384", ssh: "nistp384" },
  P521: { node: "secp521r1", web: "P-521", hash: "SHA-512", ssh: "nistp521" },
};

/** A NIST curve by Node's name for it (`asymmetricKeyDetails.namedCurve`). */
function curveOf(key: crypto.KeyObject): (typeof CURVES)[string] | undefined {
  return Object.values(CURVES).find((c) => c.node === key.asymmetricKeyDetails?.namedCurve);
}

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
  /** The key's and the signature's WebCrypto algorithm: what @peculiar/x509 derives the AlgorithmIdentifier from. */
  sign: SignParams;
  signing: SigningAlgorithm;
  /** The digest `crypto.sign` takes for this key (null for Ed25519, which hashes itself). */
  digest: string | null;
}

function keyInfo(privateKeyPem: string): KeyInfo {
  return describeKey(crypto.createPrivateKey(privateKeyPem));
}

function describeKey(key: crypto.KeyObject): KeyInfo {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return {
        algorithm: "RSA",
        key,
        sign: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        signing: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        digest: "sha256",
      };
    case "ec": {
      const curve = curveOf(key);
      if (!curve) throw new Error(`tls: ECDSA curve ${key.asymmetricKeyDetails?.namedCurve ?? "?"} is not supported by the offline engine (P256, P384, P521 are)`);
      return {
        algorithm: "ECDSA",
        key,
        sign: { name: "ECDSA", namedCurve: curve.web },
        signing: { name: "ECDSA", hash: curve.hash },
        digest: curve.hash.replace("-", "").toLowerCase(),
      };
    }
    case "ed25519":
      return { algorithm: "ED25519", key, sign: { name: "Ed25519" }, signing: { name: "Ed25519" }, digest: null };
    default:
      throw new Error(`tls: unsupported private key type ${String(key.asymmetricKeyType)}`);
  }
}

/**
 * A public key as certificates and requests carry it: its SubjectPublicKeyInfo DER (written
 * into them as is) and the subjectPublicKey bits a subject key identifier hashes.
 */
interface PublicKeyInfo {
  readonly der: Buffer;
  readonly bits: Uint8Array;
}

/** What a certificate takes from a certificate request (Go's CreateCertificate copies the same). */
interface RequestInfo {
  /** The subject Name, DER. */
  readonly subject: Buffer;
  readonly subjectEmpty: boolean;
  readonly publicKey: PublicKeyInfo;
  /** The contents of the request's subjectAltName extnValue (GeneralNames DER), if it has one. */
  readonly san: Uint8Array | undefined;
}

/** What a certificate gives the certificates it signs, and the public key its CA key must match. */
interface IssuerInfo {
  /** The issuer's subject Name, DER: the issuer field of what it signs. */
  readonly name: Buffer;
  /**
   * The issuer's subject key identifier (hex), if it has one: Go's CreateCertificate copies the
   * parent's SubjectKeyId into AuthorityKeyId.
   */
  readonly keyId: string | undefined;
  readonly publicKeyDer: Uint8Array;
}

/** The IssuerInfo of a certificate this run did not make. */
function parseIssuer(pem: string): IssuerInfo {
  const ca = new x509.X509Certificate(pem);
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  return {
    name: nameDer(ca.subjectName),
    keyId: caSki?.keyId,
    publicKeyDer: new Uint8Array(ca.publicKey.rawData),
  };
}

/** A distinguished name's DER, as certificates and requests embed it. */
function nameDer(name: x509.Name): Buffer {
  return Buffer.from(name.toArrayBuffer());
}

function publicKeyInfo(der: Buffer): PublicKeyInfo {
  return { der, bits: spkiPublicKeyBits(der) };
}

/** Encoded OBJECT IDENTIFIERs of the extensions the provider writes itself. */
const OID_SUBJECT_KEY_ID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]);
const OID_AUTHORITY_KEY_ID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x23]);
const OID_SUBJECT_ALT_NAME = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x11]);

/** SubjectKeyIdentifier (RFC 5280 §4.2.1.2), not critical: `KeyIdentifier ::= OCTET STRING`. */
function subjectKeyIdExtension(keyId: string): Buffer {
  return derExtension(OID_SUBJECT_KEY_ID, false, derOctetString(Buffer.from(keyId, "hex")));
}

/** AuthorityKeyIdentifier (RFC 5280 §4.2.1.1) with only `[0] keyIdentifier`, not critical. */
function authorityKeyIdExtension(keyId: string): Buffer {
  return derExtension(OID_AUTHORITY_KEY_ID, false, derSequence(derTlv(0x80, Buffer.from(keyId, "hex"))));
}

/**
 * What one run memoises, so that the N certificates a shared CA signs cost N signatures and
 * not N PEM parses and N key/certificate checks as well: parsed private keys (by PEM,
 * including the PEMs of keys this run generated) and their public keys, what a certificate
 * gives the certificates it signs (recorded for the certificates this run made, parsed once
 * for others), the certificate requests this run made itself, the extensions `allowedUses`
 * map to, and CA key/certificate matches. One cache per run (see `forRun`): nothing outlives the run, runs stay isolated.
 * Outputs are unchanged by it: the cache only skips recomputing what a run already computed.
 */
class TlsRunCache {
  private readonly keys = new Map<string, KeyInfo>();
  private readonly publicKeys = new Map<KeyInfo, PublicKeyInfo>();
  private readonly algorithms = new Map<KeyInfo, Buffer>();
  private readonly certs = new Map<string, IssuerInfo>();
  private readonly authorityKeyIds = new Map<IssuerInfo, Buffer>();
  private readonly ownRequests = new Map<string, RequestInfo>();
  private readonly usages = new Map<string, Buffer[]>();
  private readonly validities = new Map<string, Buffer>();
  private readonly caMatches = new Map<string, boolean>();

  key(pem: string): KeyInfo {
    let info = this.keys.get(pem);
    if (!info) {
      info = keyInfo(pem);
      this.keys.set(pem, info);
    }
    return info;
  }

  /** Records a key this run generated under each PEM encoding it outputs, with its public key. */
  rememberKey(info: KeyInfo, pems: readonly string[], publicKey: PublicKeyInfo): void {
    for (const pem of pems) this.keys.set(pem, info);
    this.publicKeys.set(info, publicKey);
  }

  publicKey(info: KeyInfo): PublicKeyInfo {
    let pub = this.publicKeys.get(info);
    if (!pub) {
      pub = publicKeyInfo(crypto.createPublicKey(info.key).export({ type: "spki", format: "der" }));
      this.publicKeys.set(info, pub);
    }
    return pub;
  }

  /** The AlgorithmIdentifier of this key's signatures, DER. */
  signatureAlgorithm(info: KeyInfo): Buffer {
    let alg = this.algorithms.get(info);
    if (!alg) {
      alg = Buffer.from(AsnConvert.serialize(signatureAlgorithm(info)));
      this.algorithms.set(info, alg);
    }
    return alg;
  }

  /** A CA certificate as its issued certificates need it: one this run made, else parsed. */
  certificate(pem: string): IssuerInfo {
    let cert = this.certs.get(pem);
    if (!cert) {
      cert = parseIssuer(pem);
      this.certs.set(pem, cert);
    }
    return cert;
  }

  rememberCertificate(pem: string, cert: IssuerInfo): void {
    this.certs.set(pem, cert);
  }

  /** The AuthorityKeyIdentifier extension of what `issuer` signs (DER; built once per issuer), if it has a key identifier. */
  authorityKeyId(issuer: IssuerInfo): Buffer | undefined {
    if (issuer.keyId === undefined) return undefined;
    let ext = this.authorityKeyIds.get(issuer);
    if (!ext) {
      ext = authorityKeyIdExtension(issuer.keyId);
      this.authorityKeyIds.set(issuer, ext);
    }
    return ext;
  }

  /** A certificate's Validity, DER (built once per distinct pair of times). */
  validity(notBefore: Date, notAfter: Date): Buffer {
    const id = `${notBefore.getTime()},${notAfter.getTime()}`;
    let der = this.validities.get(id);
    if (!der) {
      der = Buffer.from(AsnConvert.serialize(new asn1X509.Validity({ notBefore: asn1Time(notBefore), notAfter: asn1Time(notAfter) })));
      this.validities.set(id, der);
    }
    return der;
  }

  /** A certificate request: one this run made (its content is known), else parsed and its signature verified. */
  async request(pem: string): Promise<RequestInfo> {
    const own = this.ownRequests.get(pem);
    if (own) return own;
    const csr = new x509.Pkcs10CertificateRequest(pem);
    if (!(await csr.verify())) throw new Error("tls: certificate request signature is invalid");
    const sanRaw = csr.getExtension("2.5.29.17");
    // Go copies the request's DNS names, IP addresses and URIs into the template and re-encodes them.
    const san = sanRaw ? new x509.SubjectAlternativeNameExtension(new x509.SubjectAlternativeNameExtension(sanRaw.rawData).names.toJSON(), false) : undefined;
    return {
      subject: nameDer(csr.subjectName),
      subjectEmpty: csr.subjectName.toString() === "",
      publicKey: publicKeyInfo(Buffer.from(csr.publicKey.rawData)),
      san: san ? new Uint8Array(san.value) : undefined,
    };
  }

  rememberRequest(pem: string, request: RequestInfo): void {
    this.ownRequests.set(pem, request);
  }

  /** BasicConstraints, KeyUsage and ExtendedKeyUsage for these inputs (built once per distinct set). */
  usageExtensions(inputs: Record<string, unknown>): Buffer[] {
    const id = JSON.stringify([inputs.isCaCertificate === true, num(inputs.maxPathLength, 0), strList(inputs.allowedUses)]);
    let exts = this.usages.get(id);
    if (!exts) {
      exts = [basicConstraints(inputs), ...usageExtensions(strList(inputs.allowedUses))].map((e) => Buffer.from(e.rawData));
      this.usages.set(id, exts);
    }
    return exts;
  }

  /** True when the CA private key is the CA certificate's key (checked once per pair). */
  caKeyMatches(caCertPem: string, caKeyPem: string, ca: IssuerInfo, caInfo: KeyInfo): boolean {
    const id = `${caCertPem}\u0000${caKeyPem}`;
    let match = this.caMatches.get(id);
    if (match === undefined) {
      match = Buffer.from(ca.publicKeyDer).equals(this.publicKey(caInfo).der);
      this.caMatches.set(id, match);
    }
    return match;
  }
}

// ---------------------------------------------------------------- signing

const ALGORITHMS = new x509.AlgorithmProvider();

/** The AlgorithmIdentifier @peculiar/x509's generators derive for a signature by this key. */
function signatureAlgorithm(info: KeyInfo): asn1X509.AlgorithmIdentifier {
  return ALGORITHMS.toAsnAlgorithm({ hash: "SHA-256", ...(info.signing as object), ...(info.sign as object) } as Parameters<x509.AlgorithmProvider["toAsnAlgorithm"]>[0]);
}

/**
 * Signs DER as the certificate or request's signatureValue: RSASSA-PKCS1-v1_5, ECDSA as a DER
 * ECDSA-Sig-Value (RFC 5758 §3.2, Node's default `dsaEncoding`), Ed25519 (RFC 8410 §6).
 * Node's `crypto.sign` on the KeyObject: the same OpenSSL signature WebCrypto makes, without
 * an import or an async job.
 */
function signDer(info: KeyInfo, der: Uint8Array): Buffer {
  return crypto.sign(info.digest, der, info.key);
}

/** `[0] EXPLICIT Version` v3 (RFC 5280 §4.1): what every certificate the provider issues carries. */
const VERSION_V3 = Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02]);

/**
 * Issues a certificate, self-signed or locally signed: a fresh serial number and the DER of
 * RFC 5280's Certificate, written field for field as @peculiar/x509's X509CertificateGenerator
 * writes it through @peculiar/asn1-x509 (test/engine/tls-encoding.test.ts compares the bytes),
 * from parts already in DER that the run cache keeps: a shared issuer's name, its signature
 * algorithm, its authority key identifier and the extensions shared by many certificates are
 * encoded once per run, not once per certificate. The certificate is recorded as an issuer in
 * the run cache (a CA signs with what it is made of; recorded, not parsed back). Resolves to
 * its PEM (with the provider's trailing newline) and the provider's id.
 */
function issueCertificate(
  cache: TlsRunCache,
  parts: {
    /** Subject and issuer Names, DER. */
    subject: Buffer;
    issuer: Buffer;
    validity: { notBefore: Date; notAfter: Date };
    publicKey: PublicKeyInfo;
    /** Extensions, each DER. */
    extensions: Buffer[];
    /** The subject key identifier (hex) the certificate carries as an extension, if any. */
    subjectKeyId: string | undefined;
    signer: KeyInfo;
  },
): { certPem: string; id: string } {
  const serial = serialOctets(serialNumber());
  const algorithm = cache.signatureAlgorithm(parts.signer);
  const tbsCertificate = derSequence(
    VERSION_V3,
    derTlv(0x02, serial),
    algorithm,
    parts.issuer,
    cache.validity(parts.validity.notBefore, parts.validity.notAfter),
    parts.subject,
    parts.publicKey.der,
    // [3] EXPLICIT Extensions (written also when empty, as asn1-x509 writes an empty list).
    derTlv(0xa3, derSequence(...parts.extensions)),
  );
  const der = derSequence(tbsCertificate, algorithm, derBitString(signDer(parts.signer, tbsCertificate)));
  const certPem = `${x509.PemConverter.encode(der, x509.PemConverter.CertificateTag)}\n`;
  cache.rememberCertificate(certPem, { name: parts.subject, keyId: parts.subjectKeyId, publicKeyDer: parts.publicKey.der });
  return { certPem, id: serialId(serial) };
}

/** PKCS #9 extensionRequest (RFC 2985 §5.4.2): how a PKCS #10 request carries extensions. */
const EXTENSION_REQUEST = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e]);

/**
 * A PKCS #10 request's DER (RFC 2986 §4): `CertificationRequestInfo { version 0, subject,
 * subjectPKInfo, [0] attributes }` — the SAN in one extensionRequest attribute when there is
 * one — signed; written as @peculiar/x509's Pkcs10CertificateRequestGenerator writes it.
 */
function certificationRequestDer(request: RequestInfo, signer: KeyInfo, algorithm: Buffer): Buffer {
  const attributes = request.san ? [derSequence(EXTENSION_REQUEST, derTlv(0x31, derSequence(derExtension(OID_SUBJECT_ALT_NAME, false, request.san))))] : [];
  const info = derSequence(Buffer.from([0x02, 0x01, 0x00]), request.subject, request.publicKey.der, derTlv(0xa0, ...attributes));
  return derSequence(info, algorithm, derBitString(signDer(signer, info)));
}

function sshString(buf: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

/**
 * OpenSSH public key wire format (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4) from the key's
 * SubjectPublicKeyInfo bits, or undefined for keys SSH cannot express: for RSA the modulus and
 * exponent (their DER contents are already SSH mpints), for ECDSA the uncompressed point, for
 * Ed25519 the 32-octet key.
 */
function sshPublicKey(key: crypto.KeyObject, publicKey: PublicKeyInfo): Buffer | undefined {
  if (key.asymmetricKeyType === "rsa") {
    const { n, e } = rsaPublicKeyIntegers(publicKey.bits);
    return Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshString(e), sshString(n)]);
  }
  if (key.asymmetricKeyType === "ec") {
    // OpenSSH's name of the curve (RFC 5656 §6.1).
    const id = curveOf(key)?.ssh;
    if (!id) return undefined;
    return Buffer.concat([sshString(Buffer.from(`ecdsa-sha2-${id}`)), sshString(Buffer.from(id)), sshString(publicKey.bits)]);
  }
  if (key.asymmetricKeyType === "ed25519") return Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(publicKey.bits)]);
  return undefined;
}

/** What a `PrivateKey` asks for. */
export interface KeyRequest {
  readonly algorithm: string;
  readonly rsaBits: number;
  readonly ecdsaCurve: string;
}

/**
 * Supplies an already generated private key for a `PrivateKey` instead of generating one, or
 * undefined to generate. For test suites that would otherwise spend most of their time
 * generating RSA keys: they generate a pool once with `generatePrivateKey` (this provider's
 * own code path) and hand each key out once. The key must match the request.
 */
export type KeySource = (request: KeyRequest) => crypto.KeyObject | undefined;

type KeyGenParams = ["rsa", crypto.RSAKeyPairKeyObjectOptions] | ["ec", crypto.ECKeyPairKeyObjectOptions] | ["ed25519", crypto.ED25519KeyPairKeyObjectOptions];

/** The key-generation parameters of a `PrivateKey` request. */
function keyGenParams(request: KeyRequest): KeyGenParams {
  const { algorithm, rsaBits, ecdsaCurve } = request;
  if (algorithm === "RSA") return ["rsa", { modulusLength: rsaBits }];
  if (algorithm === "ECDSA") {
    const curve = CURVES[ecdsaCurve];
    if (!curve) throw new Error(`tls: ECDSA curve ${ecdsaCurve} is not supported by the offline engine (P256, P384, P521 are)`);
    return ["ec", { namedCurve: curve.node }];
  }
  if (algorithm === "ED25519") return ["ed25519", {}];
  throw new Error(`tls:index/privateKey:PrivateKey: algorithm must be RSA, ECDSA or ED25519, got ${JSON.stringify(algorithm)}`);
}

/** Generates a private key as `tls.PrivateKey` does (the provider's own code path). */
export function generatePrivateKey(request: KeyRequest): crypto.KeyObject {
  const [type, options] = keyGenParams(request);
  // The overloads want a literal type per call.
  if (type === "rsa") return crypto.generateKeyPairSync(type, options).privateKey;
  if (type === "ec") return crypto.generateKeyPairSync(type, options).privateKey;
  return crypto.generateKeyPairSync(type, options).privateKey;
}

/** `generatePrivateKey` off the main thread (libuv's pool): for pre-generating keys in parallel. */
export async function generatePrivateKeyAsync(request: KeyRequest): Promise<crypto.KeyObject> {
  const [type, options] = keyGenParams(request);
  const run = promisify(crypto.generateKeyPair);
  if (type === "rsa") return (await run(type, options)).privateKey;
  if (type === "ec") return (await run(type, options)).privateKey;
  return (await run(type, options)).privateKey;
}

/** True when `key` is what `request` asks for (a supplied key must be). */
function keyMatches(key: crypto.KeyObject, request: KeyRequest): boolean {
  const d = key.asymmetricKeyDetails;
  if (request.algorithm === "RSA") return key.asymmetricKeyType === "rsa" && d?.modulusLength === request.rsaBits;
  if (request.algorithm === "ECDSA") return key.asymmetricKeyType === "ec" && d?.namedCurve === CURVES[request.ecdsaCurve]?.node;
  return request.algorithm === "ED25519" && key.asymmetricKeyType === "ed25519";
}

function createPrivateKey(inputs: Record<string, unknown>, cache: TlsRunCache, keySource?: KeySource): CreateResult {
  const algorithm = str(inputs.algorithm) ?? "";
  const rsaBits = num(inputs.rsaBits, 2048);
  const ecdsaCurve = str(inputs.ecdsaCurve) ?? "P224";
  const request: KeyRequest = { algorithm, rsaBits, ecdsaCurve };
  const supplied = keySource?.(request);
  if (supplied && !keyMatches(supplied, request)) throw new Error(`tls: the key source supplied a key that is not ${algorithm} ${algorithm === "RSA" ? rsaBits : ecdsaCurve}`);
  const key = supplied ?? generatePrivateKey(request);
  const privateKeyPem = key.export({ type: algorithm === "RSA" ? "pkcs1" : algorithm === "ECDSA" ? "sec1" : "pkcs8", format: "pem" }).toString();
  const publicKey = publicKeyInfo(crypto.createPublicKey(key).export({ type: "spki", format: "der" }));
  // OpenSSL's PEM of the same DER (PEM_write_bio: 64-column base64, trailing newline).
  const publicKeyPem = `${x509.PemConverter.encode(publicKey.der, x509.PemConverter.PublicKeyTag)}\n`;
  const ssh = sshPublicKey(key, publicKey);
  const privateKeyPemPkcs8 = key.export({ type: "pkcs8", format: "pem" }).toString();
  cache.rememberKey(describeKey(key), [privateKeyPem, privateKeyPemPkcs8], publicKey);
  const outputs: Record<string, unknown> = {
    algorithm,
    rsaBits,
    ecdsaCurve,
    privateKeyPem,
    privateKeyPemPkcs8,
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

/** The subject attributes' types: x509.Name's short name or OID, and the encoded OBJECT IDENTIFIER. */
const NAME_TYPES: Readonly<Record<string, Buffer>> = {
  C: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x06]),
  ST: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x08]),
  L: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x07]),
  "2.5.4.9": Buffer.from([0x06, 0x03, 0x55, 0x04, 0x09]),
  "2.5.4.17": Buffer.from([0x06, 0x03, 0x55, 0x04, 0x11]),
  O: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x0a]),
  OU: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x0b]),
  CN: Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]),
  "2.5.4.5": Buffer.from([0x06, 0x03, 0x55, 0x04, 0x05]),
  E: Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]),
};

/**
 * A subject block → the RDNs of an X.509 Name, in Go's pkix.Name.ToRDNSequence order (C, ST, L,
 * street, postalCode, O, OU, CN, serialNumber), then emailAddress (the provider's one
 * ExtraName, IA5String). Several street addresses form one multi-valued RDN, as Go's appendRDNs
 * does.
 */
function subjectRdns(subject: unknown): x509.JsonName {
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
  return rdns;
}

/** The subject block as an X.509 Name (@peculiar/x509). */
export function subjectName(subject: unknown): x509.Name {
  return new x509.Name(subjectRdns(subject));
}

/** x509.Name's PrintableString alphabet (X.680 §41.4): values in it are written as PrintableString, others as UTF8String. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
/** Values x509.Name writes as they are: printable ASCII without its quoting and escaping characters, not a `#hex` value. */
const PLAIN = /^(?!#)[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The subject block's Name DER, with whether it is empty. Written directly for plain ASCII
 * values — as x509.Name writes them: emailAddress as IA5String, others as PrintableString when
 * they fit it, else UTF8String; RDNs and values in order — and through x509.Name otherwise
 * (quotes, escapes, `#hex`, non-ASCII). test/engine/tls-encoding.test.ts compares both.
 */
export function subjectNameDer(subject: unknown): { der: Buffer; empty: boolean } {
  const rdns = subjectRdns(subject);
  const sets: Buffer[] = [];
  for (const rdn of rdns) {
    const values: Buffer[] = [];
    for (const [type, list] of Object.entries(rdn)) {
      const oid = NAME_TYPES[type];
      for (const v of list) {
        if (!oid || typeof v !== "string" || !PLAIN.test(v)) return { der: nameDer(new x509.Name(rdns)), empty: rdns.length === 0 };
        const tag = type === "E" ? 0x16 : PRINTABLE.test(v) ? 0x13 : 0x0c;
        values.push(derSequence(oid, derTlv(tag, Buffer.from(v, "latin1"))));
      }
    }
    sets.push(derTlv(0x31, ...values));
  }
  return { der: derSequence(...sets), empty: rdns.length === 0 };
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

/**
 * The subjectAltName extnValue contents (RFC 5280 §4.2.1.6, GeneralNames DER) for these names,
 * in this order — dNSName and uniformResourceIdentifier as IA5String, iPAddress as 4 or 16
 * octets — or undefined when there are none; as @peculiar/x509's SubjectAlternativeNameExtension
 * writes them.
 */
function subjectAltNames(dns: string[], ips: string[], uris: string[]): Buffer | undefined {
  const names: Buffer[] = [
    ...dns.map((v) => derTlv(0x82, Buffer.from(v, "latin1"))),
    ...certificateIps(ips).map((v) => Buffer.from(AsnConvert.serialize(new asn1X509.GeneralName({ iPAddress: v })))),
    ...uris.map((v) => derTlv(0x86, Buffer.from(v, "latin1"))),
  ];
  return names.length ? derSequence(...names) : undefined;
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

/** The subject key identifier (hex) of a public key. */
function ski(publicKey: PublicKeyInfo): string {
  // SHA-1 over the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), as generateSubjectKeyID
  // does and as @peculiar/x509's SubjectKeyIdentifierExtension.create computes it.
  return crypto.createHash("sha1").update(publicKey.bits).digest("hex");
}

function serialNumber(): string {
  // 128 random bits (common_cert.go: rand.Int(rand.Reader, 1<<128)); positive.
  const b = crypto.randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

/** The serial number's INTEGER contents octets: minimal, positive (as @peculiar/x509 writes a serial number). */
function serialOctets(hex: string): Buffer {
  let b = Buffer.from(hex, "hex");
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  if ((b[0] ?? 0) > 0x7f) b = Buffer.concat([Buffer.from([0]), b]);
  return b;
}

/**
 * A certificate time as Go's crypto/x509 writes it (RFC 5280 §4.1.2.5): UTCTime for 1950–2049,
 * GeneralizedTime otherwise. @peculiar/asn1-x509's `Time` switches to GeneralizedTime only after
 * 2049 and would write a pre-1950 date (an overflowed validity) as a two-digit-year UTCTime that
 * OpenSSL refuses; its `Time` takes the CHOICE explicitly when given `{ generalTime }`.
 */
function asn1Time(d: Date): Date {
  return d.getUTCFullYear() < 1950 ? ({ generalTime: d } as unknown as Date) : d;
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

function certOutputs(inputs: Record<string, unknown>, certPem: string, v: ReturnType<typeof validity>, now: Date): Record<string, unknown> {
  return {
    ...inputs,
    certPem,
    validityStartTime: rfc3339(v.notBefore),
    validityEndTime: rfc3339(v.notAfter),
    earlyRenewalHours: v.early,
    readyForRenewal: readyForRenewal(v.notAfter, v.early, now),
    isCaCertificate: inputs.isCaCertificate === true,
    setSubjectKeyId: inputs.setSubjectKeyId === true,
    maxPathLength: num(inputs.maxPathLength, 0),
  };
}

function serialId(serial: Buffer): string {
  // The provider's id is the serial number in decimal.
  return BigInt(`0x${serial.toString("hex")}`).toString(10);
}

async function createSelfSigned(inputs: Record<string, unknown>, ctx: CreateContext, cache: TlsRunCache): Promise<CreateResult> {
  const info = cache.key(str(inputs.privateKeyPem) ?? "");
  const publicKey = cache.publicKey(info);
  const name = subjectNameDer(inputs.subject);
  const subjectEmpty = name.empty;
  const isCa = inputs.isCaCertificate === true;
  if (isCa && subjectEmpty) throw new Error("tls: Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)");
  const v = validity(inputs, ctx.now);
  const extensions: Buffer[] = [...cache.usageExtensions(inputs)];
  const san = subjectAltNames(strList(inputs.dnsNames), strList(inputs.ipAddresses), strList(inputs.uris));
  // Critical when the subject is empty (RFC 5280 §4.2.1.6), as Go marks it.
  if (san) extensions.push(derExtension(OID_SUBJECT_ALT_NAME, subjectEmpty, san));
  const subjectKeyId = isCa || inputs.setSubjectKeyId === true ? ski(publicKey) : undefined;
  if (subjectKeyId) extensions.push(subjectKeyIdExtension(subjectKeyId));
  // Self-signed: the authority is the subject's own key (computed even when no SKI extension is written).
  if (inputs.setAuthorityKeyId === true) extensions.push(authorityKeyIdExtension(subjectKeyId ?? ski(publicKey)));
  const subject = name.der;
  const { certPem, id } = issueCertificate(cache, { subject, issuer: subject, validity: v, publicKey, extensions, subjectKeyId, signer: info });
  return { id, outputs: { ...certOutputs(inputs, certPem, v, ctx.now), keyAlgorithm: info.algorithm, setAuthorityKeyId: inputs.setAuthorityKeyId === true } };
}

async function createCertRequest(inputs: Record<string, unknown>, cache: TlsRunCache): Promise<CreateResult> {
  const info = cache.key(str(inputs.privateKeyPem) ?? "");
  const name = subjectNameDer(inputs.subject);
  const request: RequestInfo = {
    subject: name.der,
    subjectEmpty: name.empty,
    publicKey: cache.publicKey(info),
    san: subjectAltNames(strList(inputs.dnsNames), strList(inputs.ipAddresses), strList(inputs.uris)),
  };
  const der = certificationRequestDer(request, info, cache.signatureAlgorithm(info));
  const certRequestPem = `${x509.PemConverter.encode(der, x509.PemConverter.CertificateRequestTag)}\n`;
  cache.rememberRequest(certRequestPem, request);
  return {
    id: crypto.createHash("sha1").update(certRequestPem).digest("hex"),
    outputs: { ...inputs, certRequestPem, keyAlgorithm: info.algorithm },
  };
}

async function createLocallySigned(inputs: Record<string, unknown>, ctx: CreateContext, cache: TlsRunCache): Promise<CreateResult> {
  const request = await cache.request(str(inputs.certRequestPem) ?? "");
  const caCertPem = str(inputs.caCertPem) ?? "";
  const caKeyPem = str(inputs.caPrivateKeyPem) ?? "";
  const issuer = cache.certificate(caCertPem);
  const caInfo = cache.key(caKeyPem);
  // The CA key must be the CA certificate's key.
  if (!cache.caKeyMatches(caCertPem, caKeyPem, issuer, caInfo)) throw new Error("tls: caPrivateKeyPem does not match caCertPem");
  const v = validity(inputs, ctx.now);
  const extensions: Buffer[] = [...cache.usageExtensions(inputs)];
  // Critical when the subject is empty (RFC 5280 §4.2.1.6), as Go marks it.
  if (request.san) extensions.push(derExtension(OID_SUBJECT_ALT_NAME, request.subjectEmpty, request.san));
  const subjectKeyId = inputs.isCaCertificate === true || inputs.setSubjectKeyId === true ? ski(request.publicKey) : undefined;
  if (subjectKeyId) extensions.push(subjectKeyIdExtension(subjectKeyId));
  const authorityKeyId = cache.authorityKeyId(issuer);
  if (authorityKeyId) extensions.push(authorityKeyId);
  const { certPem, id } = issueCertificate(cache, { subject: request.subject, issuer: issuer.name, validity: v, publicKey: request.publicKey, extensions, subjectKeyId, signer: caInfo });
  return { id, outputs: { ...certOutputs(inputs, certPem, v, ctx.now), caKeyAlgorithm: caInfo.algorithm } };
}

const COMPUTED: Readonly<Record<string, readonly string[]>> = {
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh", "publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"],
  "tls:index/certRequest:CertRequest": ["certRequestPem", "keyAlgorithm"],
  "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "keyAlgorithm"],
  "tls:index/locallySignedCert:LocallySignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "caKeyAlgorithm"],
};

export interface TlsProviderOptions {
  /** Where `PrivateKey`s come from before the provider generates one. @default always generate */
  readonly keySource?: KeySource;
}

/**
 * The `tls` provider. Each run works on its own instance (`forRun`), whose cache lives
 * as long as the run; called directly, every `create` gets a fresh cache.
 */
export function createTlsProvider(options: TlsProviderOptions = {}): SimulatedProvider {
  const withCache = (cache: () => TlsRunCache): SimulatedProvider => ({
    handles: (type) => type.startsWith("tls:"),
    computedOutputs: (type) => COMPUTED[type] ?? [],
    // Every argument of these four resources is RequiresReplace in the provider schema.
    replaceOnChange: () => ["*"],
    forRun() {
      const runCache = new TlsRunCache();
      return withCache(() => runCache);
    },
    async create(inputs, ctx) {
      switch (ctx.type) {
        case "tls:index/privateKey:PrivateKey":
          return createPrivateKey(inputs, cache(), options.keySource);
        case "tls:index/selfSignedCert:SelfSignedCert":
          return createSelfSigned(inputs, ctx, cache());
        case "tls:index/certRequest:CertRequest":
          return createCertRequest(inputs, cache());
        case "tls:index/locallySignedCert:LocallySignedCert":
          return createLocallySigned(inputs, ctx, cache());
        default:
          throw new Error(`offline engine: tls resource ${ctx.type} is not simulated`);
      }
    },
  });
  return withCache(() => new TlsRunCache());
}

/** The `tls` provider with generated keys. */
export const tlsProvider: SimulatedProvider = createTlsProvider();
