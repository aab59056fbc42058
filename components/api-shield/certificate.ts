/**
 * Reading the few X.509 facts API Shield needs from a PEM: is it a CA, which signature
 * algorithm signed it, and its subject / authority key identifiers (what Cloudflare reports as
 * `cf.tls_client_auth.cert_issuer_ski`). Uses `@peculiar/x509` through components/common/x509.
 */
import { splitPem } from "../common/pem";
import { x509 } from "../common/x509";

/** Facts about one certificate that can be read synchronously. */
export interface CertificateFacts {
  /** Basic Constraints `CA:TRUE`. */
  readonly isCa: boolean;
  /** Subject DN (RFC 4514). */
  readonly subject: string;
  /** Subject key identifier extension (upper-case hex), when present. */
  readonly subjectKeyIdentifier?: string;
  /** Authority key identifier's keyIdentifier (upper-case hex), when present. */
  readonly authorityKeyIdentifier?: string;
  /** Signature algorithm, e.g. `ECDSAWithSHA256`, or `<name>/<hash>` when Cloudflare has no name for it. */
  readonly signatureAlgorithm: string;
}

/**
 * Signature algorithms Cloudflare accepts for an uploaded CA
 * (https://developers.cloudflare.com/ssl/client-certificates/byo-ca/ — "CA certificate requirements").
 */
export const CLOUDFLARE_CA_SIGNATURE_ALGORITHMS: readonly string[] = [
  "SHA1WithRSA",
  "SHA256WithRSA",
  "SHA384WithRSA",
  "SHA512WithRSA",
  "ECDSAWithSHA1",
  "ECDSAWithSHA256",
  "ECDSAWithSHA384",
  "ECDSAWithSHA512",
];


function parseOne(pem: string): x509.X509Certificate {
  const blocks = splitPem(pem);
  if (blocks.length !== 1) throw new Error(`expected exactly one PEM certificate, found ${blocks.length}`);
  return new x509.X509Certificate(blocks[0]);
}

function signatureName(cert: x509.X509Certificate): string {
  const alg = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  const hash = alg.hash?.name.replace("-", "") ?? "";
  if (alg.name === "RSASSA-PKCS1-v1_5") return `${hash}WithRSA`;
  if (alg.name === "ECDSA") return `ECDSAWith${hash}`;
  return hash ? `${alg.name}/${hash}` : alg.name;
}

/** Parses one PEM certificate. Throws on anything that is not exactly one certificate. */
export function inspectCertificate(pem: string): CertificateFacts {
  const cert = parseOne(pem);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  return {
    isCa: cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    subject: cert.subject,
    ...(ski ? { subjectKeyIdentifier: ski.toUpperCase() } : {}),
    ...(aki ? { authorityKeyIdentifier: aki.toUpperCase() } : {}),
    signatureAlgorithm: signatureName(cert),
  };
}

/**
 * The subject key identifier of the first certificate in `pem`, upper-case hex without
 * separators — the format of `cf.tls_client_auth.cert_issuer_ski`
 * (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/cf.tls_client_auth.cert_issuer_ski/,
 * example `"8204924CF49D471E855862706D889F58F6B784D3"`). From the extension when present, else
 * RFC 5280 §4.2.1.2 method 1 (SHA-1 of the public key), as Go and OpenSSL derive it.
 */
export async function subjectKeyIdentifier(pem: string): Promise<string> {
  const first = splitPem(pem)[0];
  if (first === undefined) throw new Error("no PEM certificate");
  const cert = new x509.X509Certificate(first);
  const ext = cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (ext) return ext.toUpperCase();
  return Buffer.from(await cert.publicKey.getKeyIdentifier("SHA-1")).toString("hex").toUpperCase();
}

/** Why `pem` cannot be uploaded as an API Shield trust anchor, or `undefined` when it can. */
export function trustAnchorProblem(pem: string): string | undefined {
  let facts: CertificateFacts;
  try {
    facts = inspectCertificate(pem);
  } catch (e) {
    return `is not a single parseable PEM certificate (${(e as Error).message})`;
  }
  if (!facts.isCa) return `is not a CA certificate (Basic Constraints CA:TRUE is required; subject ${JSON.stringify(facts.subject)})`;
  if (!CLOUDFLARE_CA_SIGNATURE_ALGORITHMS.includes(facts.signatureAlgorithm)) {
    return `is signed with ${facts.signatureAlgorithm}, which Cloudflare does not accept for a CA (accepted: ${CLOUDFLARE_CA_SIGNATURE_ALGORITHMS.join(", ")})`;
  }
  return undefined;
}

/** Why the first certificate of `pem` cannot be the issuer of client certificates, or `undefined`. */
export function issuerProblem(pem: string): string | undefined {
  const first = splitPem(pem)[0];
  if (first === undefined) return "contains no PEM certificate";
  try {
    return inspectCertificate(first).isCa ? undefined : "is not a CA certificate (Basic Constraints CA:TRUE is required)";
  } catch (e) {
    return `is not a parseable certificate (${(e as Error).message})`;
  }
}

/** Why the first certificate of `pem` cannot be a Worker's client certificate, or `undefined`. */
export function clientCertificateProblem(pem: string): string | undefined {
  const first = splitPem(pem)[0];
  if (first === undefined) return "contains no PEM certificate";
  try {
    return inspectCertificate(first).isCa ? "is a CA certificate; a Worker must present a leaf (client) certificate" : undefined;
  } catch (e) {
    return `is not a parseable certificate (${(e as Error).message})`;
  }
}
