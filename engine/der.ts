/**
 * The one certificate field the renderer reads for every certificate of a plan, without
 * parsing the whole certificate: the subject key identifier. A full parse (@peculiar/x509 over
 * asn1js) costs about a millisecond per certificate; this walks the few DER headers on the path
 * tbsCertificate → extensions → subjectKeyIdentifier (RFC 5280 §4.1, §4.2.1.2) and gives up —
 * `undefined`, for the caller to fall back to the full parser — at anything it does not expect.
 */

interface Tlv {
  readonly tag: number;
  /** First content byte. */
  readonly start: number;
  /** One past the last content byte. */
  readonly end: number;
}

/** The DER tag-length-value at `at` inside `[at, limit)`, or undefined if it is not well formed. */
function tlv(der: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: none on this path
  let len = der[at + 1] as number;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined; // indefinite or absurd lengths: not DER here
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[p++] as number);
  }
  if (p + len > limit) return undefined;
  return { tag, start: p, end: p + len };
}

const SEQUENCE = 0x30;
const OID = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
/** `[3] EXPLICIT Extensions` in TBSCertificate. */
const EXTENSIONS = 0xa3;
/** id-ce-subjectKeyIdentifier, 2.5.29.14. */
const SKI_OID = [0x55, 0x1d, 0x0e];

/**
 * The subject key identifier of a DER certificate as lower-case hex; `null` when the
 * certificate has no such extension; `undefined` when the structure is not what RFC 5280
 * describes (the caller should then use a full parser).
 */
export function subjectKeyIdentifierHex(der: Uint8Array): string | null | undefined {
  const cert = tlv(der, 0, der.length);
  if (cert?.tag !== SEQUENCE) return undefined;
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs?.tag !== SEQUENCE) return undefined;
  for (let p = tbs.start; p < tbs.end; ) {
    const field = tlv(der, p, tbs.end);
    if (!field) return undefined;
    p = field.end;
    if (field.tag !== EXTENSIONS) continue;
    const list = tlv(der, field.start, field.end);
    if (list?.tag !== SEQUENCE || list.end !== field.end) return undefined;
    for (let q = list.start; q < list.end; ) {
      const ext = tlv(der, q, list.end);
      if (ext?.tag !== SEQUENCE) return undefined;
      q = ext.end;
      const oid = tlv(der, ext.start, ext.end);
      if (oid?.tag !== OID) return undefined;
      if (oid.end - oid.start !== SKI_OID.length || SKI_OID.some((b, i) => der[oid.start + i] !== b)) continue;
      let value = tlv(der, oid.end, ext.end);
      if (value?.tag === BOOLEAN) value = tlv(der, value.end, ext.end);
      if (value?.tag !== OCTET_STRING || value.end !== ext.end) return undefined;
      const keyId = tlv(der, value.start, value.end);
      if (keyId?.tag !== OCTET_STRING || keyId.end !== value.end) return undefined;
      return Buffer.from(der.subarray(keyId.start, keyId.end)).toString("hex");
    }
    return null;
  }
  return null;
}

/** The DER bytes of the first CERTIFICATE block of a PEM string, or undefined. */
export function certificateDer(pem: string): Uint8Array | undefined {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  return m ? Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64") : undefined;
}

// ---------------------------------------------------------------- writing

/** DER length octets (X.690 §8.1.3, definite form, minimal). */
function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER tag-length-value: `tag` (one octet) around the concatenated contents. */
export function derTlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  let len = 0;
  for (const c of contents) len += c.length;
  return Buffer.concat([Buffer.from([tag, ...lengthOctets(len)]), ...contents]);
}

/** A SEQUENCE of already encoded elements. */
export function derSequence(...elements: readonly Uint8Array[]): Buffer {
  return derTlv(SEQUENCE, ...elements);
}

/** A BIT STRING of whole octets (no unused bits), as signatures are written. */
export function derBitString(octets: Uint8Array): Buffer {
  return derTlv(BIT_STRING, Buffer.from([0]), octets);
}

/** An OCTET STRING. */
export function derOctetString(octets: Uint8Array): Buffer {
  return derTlv(OCTET_STRING, octets);
}

/**
 * An X.509 Extension (RFC 5280 §4.1): `SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING }`; `critical` is written only when true (DER omits a default).
 * `oid` is the encoded OBJECT IDENTIFIER (tag and length included), `value` the extnValue's contents.
 */
export function derExtension(oid: Uint8Array, critical: boolean, value: Uint8Array): Buffer {
  return critical ? derSequence(oid, Buffer.from([BOOLEAN, 1, 0xff]), derOctetString(value)) : derSequence(oid, derOctetString(value));
}

/**
 * The subjectPublicKey bits of a DER SubjectPublicKeyInfo (RFC 5280 §4.1:
 * `SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`), without the
 * unused-bits octet: what a subject key identifier hashes (§4.2.1.2, method 1).
 */
export function spkiPublicKeyBits(spki: Uint8Array): Uint8Array {
  const outer = tlv(spki, 0, spki.length);
  const algorithm = outer?.tag === SEQUENCE ? tlv(spki, outer.start, outer.end) : undefined;
  const bits = outer && algorithm?.tag === SEQUENCE ? tlv(spki, algorithm.end, outer.end) : undefined;
  if (!outer || bits?.tag !== BIT_STRING || bits.end !== outer.end || bits.start === bits.end) throw new Error("der: not a SubjectPublicKeyInfo");
  return spki.subarray(bits.start + 1, bits.end);
}

/**
 * The modulus and public exponent of a PKCS #1 RSAPublicKey (RFC 8017 §A.1.1:
 * `SEQUENCE { modulus INTEGER, publicExponent INTEGER }`, the subjectPublicKey of an RSA key),
 * as their INTEGER contents octets: minimal two's complement, which is also SSH's mpint (RFC 4251 §5).
 */
export function rsaPublicKeyIntegers(rsaPublicKey: Uint8Array): { n: Uint8Array; e: Uint8Array } {
  const seq = tlv(rsaPublicKey, 0, rsaPublicKey.length);
  const n = seq?.tag === SEQUENCE ? tlv(rsaPublicKey, seq.start, seq.end) : undefined;
  const e = seq && n?.tag === INTEGER ? tlv(rsaPublicKey, n.end, seq.end) : undefined;
  if (!seq || !n || e?.tag !== INTEGER || e.end !== seq.end) throw new Error("der: not an RSAPublicKey");
  return { n: rsaPublicKey.subarray(n.start, n.end), e: rsaPublicKey.subarray(e.start, e.end) };
}
