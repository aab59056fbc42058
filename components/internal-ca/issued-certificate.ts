import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { argChecker, now } from "../common";
import { allowedUses, privateKeyArgs, type CertificateRole } from "./profile";
import { rotationGeneration } from "./rotation";
import type { KeyAlgorithm } from "./types";

/** What an issuing CA hands to a leaf it signs. Internal to the library. */
export interface LeafIssuer {
  /** The component name of the issuing CA (for error messages). */
  readonly caName: string;
  readonly issuerCertPem: pulumi.Output<string>;
  readonly issuerPrivateKeyPem: pulumi.Output<string>;
  /** The intermediate, when leaves are signed by one (goes into the chain). */
  readonly intermediateCertPem?: pulumi.Output<string>;
  readonly rootCertPem: pulumi.Output<string>;
  readonly trustBundle: pulumi.Output<string>;
  /** Rotation anchor: the root's validityStartTime (RFC 3339). */
  readonly rotationAnchor: pulumi.Output<string>;
}

/** Fully resolved arguments of one leaf. Internal: built by InternalCA after validation. */
export interface IssuedCertificateArgs {
  readonly issuer: LeafIssuer;
  readonly role: Exclude<CertificateRole, "ca">;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly validityHours: number;
  readonly renewBeforeHours: number;
  readonly subject: { commonName: string; organization?: string };
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly uris: readonly string[];
  /** The identity the certificate carries (client: the caller; server: the common name). */
  readonly identity: string;
}

/**
 * A leaf certificate issued by an {@link InternalCA} (server or client), with its key, and
 * rotated by a plain `pulumi up` when its rotation period passes (see rotation.ts).
 *
 * Children: `<name>-key` (tls.PrivateKey), `<name>-csr` (tls.CertRequest), `<name>-cert`
 * (tls.LocallySignedCert). Create through `InternalCA.issueServerCertificate` /
 * `issueClientCertificate`.
 */
export class IssuedCertificate extends pulumi.ComponentResource {
  /** The leaf certificate PEM. */
  readonly certPem: pulumi.Output<string>;
  /** The leaf followed by the intermediate when there is one (what a TLS peer presents). */
  readonly chainPem: pulumi.Output<string>;
  /** The root CA certificate PEM (what a peer trusts to verify this leaf). */
  readonly caPem: pulumi.Output<string>;
  /** The CA trust bundle of the issuing CA (root plus extra trusted CAs, for CA rotation). */
  readonly trustBundle: pulumi.Output<string>;
  /** The private key, PKCS#8 PEM. Always a secret. */
  readonly privateKeyPem: pulumi.Output<string>;
  /** End of validity (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
  /** The identity in the certificate (client: the caller's name; server: its common name). */
  readonly identity: pulumi.Output<string>;
  /** `server` or `client`. */
  readonly role: "server" | "client";
  /** DNS SANs. */
  readonly dnsNames: readonly string[];
  /** URI SANs. */
  readonly uris: readonly string[];
  /** The rotation generation this certificate belongs to. */
  readonly generation: pulumi.Output<number>;

  /** @internal Issued by {@link InternalCA}'s `issueServerCertificate` / `issueClientCertificate`. */
  constructor(name: string, args: IssuedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-mtls:internal-ca:IssuedCertificate", name, {}, opts);
    this.role = args.role;
    this.dnsNames = [...args.dnsNames];
    this.uris = [...args.uris];
    const issuer = args.issuer;

    // No remaining-life check here: the issuer outlives its leaves by construction (a rotating
    // intermediate rotates one leaf validity before it expires; a non-rotating issuer warns from
    // endOfLifeWarning before its end, see docs/internal-ca.md#lifecycle). Failing the run
    // instead, as earlier versions did, stopped every deploy near the CA's expiry.
    this.generation = issuer.rotationAnchor.apply((anchor) => rotationGeneration(new Date(anchor), now(), args.validityHours, args.renewBeforeHours));
    // A string trigger: identical across runs within one period, different after a boundary.
    const trigger = this.generation.apply((g) => `generation-${g}`);

    const key = new tls.PrivateKey(`${name}-key`, privateKeyArgs(args.keyAlgorithm), { parent: this, replacementTrigger: trigger });
    const csr = new tls.CertRequest(
      `${name}-csr`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: args.subject,
        dnsNames: [...args.dnsNames],
        ipAddresses: [...args.ipAddresses],
        uris: [...args.uris],
      },
      { parent: this, replacementTrigger: trigger },
    );
    const cert = new tls.LocallySignedCert(
      `${name}-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caCertPem: issuer.issuerCertPem,
        caPrivateKeyPem: issuer.issuerPrivateKeyPem,
        validityPeriodHours: args.validityHours,
        earlyRenewalHours: args.renewBeforeHours,
        allowedUses: allowedUses(args.role, args.keyAlgorithm),
        setSubjectKeyId: true,
      },
      { parent: this, replacementTrigger: trigger },
    );

    this.certPem = cert.certPem;
    this.chainPem = issuer.intermediateCertPem
      ? pulumi.all([cert.certPem, issuer.intermediateCertPem]).apply(([leaf, mid]) => `${leaf.trimEnd()}\n${mid.trimEnd()}\n`)
      : cert.certPem;
    this.caPem = issuer.rootCertPem;
    this.trustBundle = issuer.trustBundle;
    this.privateKeyPem = pulumi.secret(key.privateKeyPemPkcs8);
    this.notAfter = cert.validityEndTime;
    this.identity = pulumi.output(args.identity);

    this.registerOutputs({
      certPem: this.certPem,
      chainPem: this.chainPem,
      caPem: this.caPem,
      privateKeyPem: this.privateKeyPem,
      notAfter: this.notAfter,
      identity: this.identity,
      generation: this.generation,
    });
  }
}

/** Validation helper shared by the issue methods. */
export const leafChecker = (caName: string) => argChecker("InternalCA", caName);
