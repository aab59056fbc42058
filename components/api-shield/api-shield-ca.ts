import { MtlsCertificate } from "@pulumi/cloudflare/mtlsCertificate";
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q } from "../common/errors";
import { edgeClientsIssuer } from "../internal-ca/internal-ca";
import { x509 } from "../common/x509";
import type { CertificateAuthority } from "../internal-ca/types";
import { issuerProblem, subjectKeyIdentifier, trustAnchorProblem } from "./certificate";
import { checkTrustAnchorPem } from "./validate";
import { checkApiShieldCaContract } from "./contract";
import type { MtlsTrustAnchor } from "./types";

/** Arguments of {@link ApiShieldCa}. Give exactly one of `authority` or `certificatePem`. */
export interface ApiShieldCaArgs {
  /** The Cloudflare account that owns the upload. */
  readonly accountId: pulumi.Input<string>;
  /**
   * A CA from this library (e.g. `InternalCA`): its `rootCertPem` is uploaded and its
   * `issuerCertPem` (the certificate that signs leaves) is the one pinned in rules. An
   * `InternalCA` is used through its edge-clients issuer (`ca.issuers.edgeClients`), which signs
   * only edge client certificates (docs/internal-ca.md#issuers-per-purpose).
   * @default none — give `certificatePem` instead
   */
  readonly authority?: CertificateAuthority;
  /**
   * A CA certificate PEM (exactly one certificate, Basic Constraints `CA:TRUE`). A plain string is
   * checked at construction; an Output when it resolves.
   * @default none — give `authority` instead
   */
  readonly certificatePem?: pulumi.Input<string>;
  /**
   * The CA that directly signs client certificates — an intermediate below the uploaded CA, e.g. an
   * issuer that signs **only client certificates**, so that a server certificate from the mesh can
   * never pass the edge. Its SKI is pinned (`cf.tls_client_auth.cert_issuer_ski` is the *direct*
   * issuer's SKI). It must be the uploaded CA or be signed by it (checked when it resolves).
   * With `authority`, it overrides `authority.issuerCertPem`.
   * @default `authority.issuerCertPem`, else `certificatePem`
   */
  readonly issuerCertificatePem?: pulumi.Input<string>;
  /** Name shown in the Cloudflare dashboard. @default the component name */
  readonly displayName?: pulumi.Input<string>;
}

/**
 * Uploads a CA as an account mTLS certificate with `ca: true` — the trust anchor of API Shield
 * "bring your own CA" (https://developers.cloudflare.com/ssl/client-certificates/byo-ca/).
 *
 * Account-level and Enterprise-only, at most five per account: create one per CA and pass it to
 * every {@link ApiShieldMtls} zone that trusts it, rather than one per zone.
 *
 * Children: `${name}-ca` (`cloudflare:index/mtlsCertificate:MtlsCertificate`).
 */
export class ApiShieldCa extends pulumi.ComponentResource implements MtlsTrustAnchor {
  readonly kind = "uploaded" as const;
  /** Id of the uploaded CA certificate. */
  readonly mtlsCertificateId: pulumi.Output<string>;
  /** SKI (upper-case hex) of the CA that signs client certificates, as `cf.tls_client_auth.cert_issuer_ski` reports it. */
  readonly issuerSki: pulumi.Output<string>;
  /** The uploaded CA PEM. */
  readonly certificatePem: pulumi.Output<string>;
  /** `ApiShieldCa "<name>"`, for messages. */
  readonly label: string;
  /** The component name, used in the names of hostname associations that point at this CA. */
  readonly anchorName: string;

  constructor(name: string, args: ApiShieldCaArgs, opts?: pulumi.ComponentResourceOptions) {
    validateApiShieldCaArgs(name, args);
    super("edge-mtls:api-shield:ApiShieldCa", name, {}, opts);
    this.label = `ApiShieldCa ${q(name)}`;
    this.anchorName = name;

    const authority = args.authority ? edgeClientsIssuer(args.authority) : undefined;
    const uploaded = authority ? authority.rootCertPem : pulumi.output(args.certificatePem as pulumi.Input<string>);
    const issuerArg = args.issuerCertificatePem !== undefined ? "issuerCertificatePem" : authority ? "authority.issuerCertPem" : "certificatePem";
    const issuer = args.issuerCertificatePem !== undefined ? pulumi.output(args.issuerCertificatePem) : authority ? authority.issuerCertPem : pulumi.output(uploaded);

    // Outputs (e.g. an InternalCA's PEMs) can only be checked once known.
    const checkedUpload = pulumi.output(uploaded).apply((pem) => {
      const problem = trustAnchorProblem(pem);
      if (problem) argChecker("ApiShieldCa", name).fail(args.authority ? "authority.rootCertPem" : "certificatePem", problem);
      return pem;
    });
    this.certificatePem = checkedUpload;
    this.issuerSki = pulumi.all([issuer, checkedUpload]).apply(async ([pem, root]) => {
      const problem = issuerProblem(pem) ?? (await issuedByProblem(pem, root));
      if (problem) argChecker("ApiShieldCa", name).fail(issuerArg, problem);
      return subjectKeyIdentifier(pem);
    });

    const ca = new MtlsCertificate(
      `${name}-ca`,
      {
        accountId: args.accountId,
        ca: true,
        certificates: checkedUpload,
        name: args.displayName ?? name,
      },
      { parent: this },
    );
    this.mtlsCertificateId = ca.id;

    this.registerOutputs({ mtlsCertificateId: this.mtlsCertificateId, issuerSki: this.issuerSki, certificatePem: this.certificatePem });
  }
}

/**
 * Why `issuerPem` cannot sign client certificates Cloudflare verifies against `uploadedPem`: it
 * must be the uploaded CA itself or be signed by it. `undefined` when it is.
 */
export async function issuedByProblem(issuerPem: string, uploadedPem: string): Promise<string | undefined> {
  const issuer = new x509.X509Certificate(issuerPem);
  const uploaded = new x509.X509Certificate(uploadedPem);
  if (Buffer.from(issuer.rawData).equals(Buffer.from(uploaded.rawData))) return undefined;
  const signed = issuer.issuer === uploaded.subject && (await issuer.verify({ publicKey: uploaded.publicKey, signatureOnly: true }).catch(() => false));
  return signed
    ? undefined
    : `(${issuer.subject}) is neither the uploaded CA (${uploaded.subject}) nor signed by it: Cloudflare verifies client certificates against the uploaded CA, so every certificate it issues would be refused`;
}

/** Validates {@link ApiShieldCaArgs} (plain PEM strings are parsed; Outputs are checked later). */
export function validateApiShieldCaArgs(name: string, args: ApiShieldCaArgs): void {
  checkApiShieldCaContract(name, args);
  const c = argChecker("ApiShieldCa", name);
  const given = [args.authority !== undefined, args.certificatePem !== undefined].filter(Boolean).length;
  c.check(given === 1, "authority/certificatePem", given === 0 ? "are both missing: give exactly one" : "are both given: give exactly one");
  if (typeof args.certificatePem === "string") checkTrustAnchorPem(c, "certificatePem", args.certificatePem);
  if (typeof args.issuerCertificatePem === "string") {
    const problem = issuerProblem(args.issuerCertificatePem);
    if (problem) c.fail("issuerCertificatePem", problem);
  }
}


/** Arguments of {@link cloudflareManagedCa}. */
export interface CloudflareManagedCaArgs {
  /**
   * SKI of the zone's Cloudflare-managed client CA, to pin in rules. Read it from any client
   * certificate it issued — {@link CloudflareManagedClientCertificate.issuerSki} does.
   * @default none — the rule then accepts any certificate Cloudflare verified for the host
   */
  readonly issuerSki?: pulumi.Input<string | undefined>;
}

/**
 * The zone's Cloudflare-managed client-certificate CA as a trust anchor (every plan; no upload).
 * Hostnames are associated with the managed CA (no `mtlsCertificateId`).
 */
export function cloudflareManagedCa(args: CloudflareManagedCaArgs = {}): MtlsTrustAnchor {
  return {
    kind: "cloudflare-managed",
    mtlsCertificateId: undefined,
    issuerSki: pulumi.output(args.issuerSki).apply((s) => (s === undefined ? undefined : s.replace(/:/g, "").toUpperCase())),
    label: "the Cloudflare-managed CA",
    anchorName: "cloudflare-managed",
  };
}
