/**
 * X.509 profiles per role, as `@pulumi/tls` arguments. Pure: no resources here.
 *
 * - CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign + cRLSign.
 * - Server: keyUsage digitalSignature (+ keyEncipherment for RSA, which RSA key transport
 *   in TLS ≤ 1.2 needs), EKU serverAuth, SANs required.
 * - Client: keyUsage digitalSignature, EKU clientAuth; identity in the CN, optional URI SANs.
 * (RFC 5280 §4.2.1.3 / §4.2.1.12; CA/B Forum BR §7.1.2 for the usage combinations.)
 */
import type { KeyAlgorithm } from "./types";

/** Every key algorithm the library accepts. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"];

/** `tls.PrivateKey` arguments for an algorithm. */
export function privateKeyArgs(algorithm: KeyAlgorithm): { algorithm: "ECDSA" | "RSA"; ecdsaCurve?: string; rsaBits?: number } {
  switch (algorithm) {
    case "ECDSA-P256":
      return { algorithm: "ECDSA", ecdsaCurve: "P256" };
    case "ECDSA-P384":
      return { algorithm: "ECDSA", ecdsaCurve: "P384" };
    case "RSA-2048":
      return { algorithm: "RSA", rsaBits: 2048 };
    case "RSA-3072":
      return { algorithm: "RSA", rsaBits: 3072 };
    case "RSA-4096":
      return { algorithm: "RSA", rsaBits: 4096 };
  }
}

/** True for RSA algorithms. */
export function isRsa(algorithm: KeyAlgorithm): boolean {
  return algorithm.startsWith("RSA-");
}

/** The default leaf algorithm for a CA algorithm: same family, the cheaper size (seed 004: RSA 4096 CA, RSA 2048 leaves). */
export function defaultLeafAlgorithm(caAlgorithm: KeyAlgorithm): KeyAlgorithm {
  return isRsa(caAlgorithm) ? "RSA-2048" : "ECDSA-P256";
}

export type CertificateRole = "ca" | "server" | "client";

/** `allowedUses` for a role and leaf key algorithm (tls provider vocabulary). */
export function allowedUses(role: CertificateRole, algorithm: KeyAlgorithm): string[] {
  switch (role) {
    case "ca":
      return ["cert_signing", "crl_signing"];
    case "server":
      return isRsa(algorithm) ? ["digital_signature", "key_encipherment", "server_auth"] : ["digital_signature", "server_auth"];
    case "client":
      return ["digital_signature", "client_auth"];
  }
}
