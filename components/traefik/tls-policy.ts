/**
 * The TLS policy vocabulary of the Traefik components: TLS versions, the AEAD cipher suites,
 * the resolved policy of one TLSOption and the CA Secret key Traefik reads. Part of the
 * public API; it imports no Kubernetes model types (components/traefik/tls-option.ts builds
 * the specs from it).
 */
/** The API group/version of every Traefik resource rendered here. */
export const TRAEFIK_API_VERSION = "traefik.io/v1alpha1";

/**
 * The Secret key Traefik reads a CA bundle from (TLSOption `clientAuth.secretNames`,
 * ServersTransport `rootCAs[].secret`). Traefik's Kubernetes CRD provider (`getCABlocks`
 * in pkg/provider/kubernetes/crd/kubernetes.go) reads `tls.ca` first in every version;
 * the `ca.crt` fallback only exists in later releases — traefik#8511 is the report of a
 * Secret holding only `ca.crt` being ignored. So the library writes `tls.ca`, and only it.
 */
export const TRAEFIK_CA_SECRET_KEY = "tls.ca";

/** Minimum TLS versions the library accepts. Anything below TLS 1.2 is refused. */
export type TlsVersion = "1.2" | "1.3";

/** Traefik's spelling of a TLS version (`crypto/tls` constant names). */
export function traefikTlsVersion(v: TlsVersion): "VersionTLS12" | "VersionTLS13" {
  return v === "1.3" ? "VersionTLS13" : "VersionTLS12";
}

/**
 * TLS 1.2 cipher suites the library allows: ECDHE (forward secrecy) with an AEAD cipher
 * (AES-GCM or ChaCha20-Poly1305). Keys are Go/Traefik names, values OpenSSL names (nginx,
 * Node). TLS 1.3 suites are all AEAD and not configurable in Go, hence not listed.
 */
export const AEAD_TLS12_CIPHER_SUITES = {
  /** OpenSSL name `ECDHE-ECDSA-AES256-GCM-SHA384`. */
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  /** OpenSSL name `ECDHE-RSA-AES256-GCM-SHA384`. */
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  /** OpenSSL name `ECDHE-ECDSA-CHACHA20-POLY1305`. */
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
  /** OpenSSL name `ECDHE-RSA-CHACHA20-POLY1305`. */
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  /** OpenSSL name `ECDHE-ECDSA-AES128-GCM-SHA256`. */
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  /** OpenSSL name `ECDHE-RSA-AES128-GCM-SHA256`. */
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
} as const;

/** A Go/Traefik name of an allowed TLS 1.2 AEAD cipher suite. */
export type AeadCipherSuite = keyof typeof AEAD_TLS12_CIPHER_SUITES;

/** Default TLS 1.2 suites when TLS 1.2 is allowed and none are given: all of {@link AEAD_TLS12_CIPHER_SUITES}. */
export const DEFAULT_TLS12_CIPHER_SUITES: readonly AeadCipherSuite[] = Object.keys(AEAD_TLS12_CIPHER_SUITES) as AeadCipherSuite[];

/** True when `suite` is one of the allowed AEAD suites. */
export function isAeadCipherSuite(suite: string): suite is AeadCipherSuite {
  return Object.prototype.hasOwnProperty.call(AEAD_TLS12_CIPHER_SUITES, suite);
}

/** OpenSSL names (nginx `proxy_ssl_ciphers`, Node `ciphers`) for Go suite names. */
export function opensslCipherNames(suites: readonly AeadCipherSuite[]): string[] {
  return suites.map((s) => AEAD_TLS12_CIPHER_SUITES[s]);
}

/** What one mTLS TLSOption enforces, resolved (no defaults left). */
export interface TlsPolicy {
  /** Lowest TLS version accepted. */
  readonly minVersion: TlsVersion;
  /** TLS 1.2 suites; empty when `minVersion` is 1.3. */
  readonly cipherSuites: readonly AeadCipherSuite[];
  /** Refuse handshakes without SNI or whose SNI matches no certificate. */
  readonly sniStrict: boolean;
}
