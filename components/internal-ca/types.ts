import type * as pulumi from "@pulumi/pulumi";
import type { Duration } from "../common/duration";

/** Key algorithms the library issues. RSA below 2048 bits is refused. */
export type KeyAlgorithm = "ECDSA-P256" | "ECDSA-P384" | "RSA-2048" | "RSA-3072" | "RSA-4096";

/** X.509 subject of a CA. */
export interface CaSubject {
  /** Common name. */
  readonly commonName: string;
  /** Organization (O). @default none */
  readonly organization?: string;
  /** Organizational unit (OU). @default none */
  readonly organizationalUnit?: string;
}

/**
 * Anything that can sign leaves: the key pair cert-manager's CA issuer, Traefik and the
 * Cloudflare uploads read. {@link InternalCA} implements it.
 */
export interface CertificateAuthority {
  /** The PEM certificate that signs leaves (the intermediate when one is used, else the root). */
  readonly issuerCertPem: pulumi.Output<string>;
  /** The signing key (PKCS#8 PEM). Always a secret. */
  readonly issuerPrivateKeyPem: pulumi.Output<string>;
  /** The root CA certificate PEM. */
  readonly rootCertPem: pulumi.Output<string>;
  /** PEMs a peer must trust to verify leaves: the root plus any extra trusted CAs (for CA rotation). */
  readonly trustBundle: pulumi.Output<string>;
}

/** Arguments shared by both leaf kinds. */
export interface LeafCommonArgs {
  /** Leaf validity. @default the CA's `leafValidity` (90d) */
  readonly validity?: Duration;
  /** Rotate this long before expiry. Must be shorter than `validity`. @default the CA's `renewBefore` (30d) */
  readonly renewBefore?: Duration;
  /** Key algorithm of the leaf. @default the CA's `leafKeyAlgorithm` */
  readonly keyAlgorithm?: KeyAlgorithm;
}

/** Arguments of {@link InternalCA.issueServerCertificate}. */
export interface ServerCertificateArgs extends LeafCommonArgs {
  /** DNS subject alternative names. At least one DNS name or IP is required (no CN-only certificates). */
  readonly dnsNames?: readonly string[];
  /** IP subject alternative names. @default none */
  readonly ipAddresses?: readonly string[];
  /** Subject common name (informational; clients verify SANs). @default the first DNS name or IP */
  readonly commonName?: string;
}

/** Arguments of {@link InternalCA.issueClientCertificate}. */
export interface ClientCertificateArgs extends LeafCommonArgs {
  /** The caller's identity, written into the subject CN (e.g. `nginx-gateway`). */
  readonly identity: string;
  /** URI SANs, e.g. `spiffe://mesh.internal/nginx-gateway`. @default none */
  readonly uris?: readonly string[];
  /** Subject organization. @default the CA's organization */
  readonly organization?: string;
}

/**
 * What an issuing CA signs, so that each trust decision can pin the issuer that signs only
 * what it should accept: `mesh-servers` (server certificates inside the mesh),
 * `mesh-clients` (callers inside the mesh), `edge-clients` (client certificates presented
 * to Cloudflare's edge, e.g. API Shield).
 */
export type IssuerPurpose = "mesh-servers" | "mesh-clients" | "edge-clients";

/** One issuing CA of an {@link InternalCA} (an intermediate, or the root when there is none). */
export interface IssuingCa extends CertificateAuthority {
  /** What it signs. */
  readonly purpose: IssuerPurpose;
  /** Whether it rotates itself (a rotating intermediate), or lives as long as it was issued for. */
  readonly rotating: boolean;
  /** End of the current issuing certificate's validity (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
  /**
   * The issuing certificates a verifier that pins this issuer must trust: the current one and,
   * for a rotating issuer, the previous one (whose leaves are still valid until they rotate).
   * For verifiers that accept a non-self-signed trust anchor (Go, so Traefik; OpenSSL with
   * `-partial_chain`). Everyone else trusts {@link CertificateAuthority.trustBundle} (the root).
   */
  readonly pinBundle: pulumi.Output<string>;
}

/** An {@link IssuingCa} that signs server certificates. */
export interface ServerIssuingCa extends IssuingCa {
  /** Issues a server certificate `<ca name>-<name>` from this issuer (see `InternalCA.issueServerCertificate`). */
  issueServerCertificate(name: string, args: ServerCertificateArgs): import("./issued-certificate").IssuedCertificate;
}

/** An {@link IssuingCa} that signs client certificates. */
export interface ClientIssuingCa extends IssuingCa {
  /** Issues a client certificate `<ca name>-<name>` from this issuer (see `InternalCA.issueClientCertificate`). */
  issueClientCertificate(name: string, args: ClientCertificateArgs): import("./issued-certificate").IssuedCertificate;
}
