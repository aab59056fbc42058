import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { argChecker, formatHours, q, splitPem, type Duration } from "../common";
import { IssuedCertificate, type LeafIssuer } from "./issued-certificate";
import { allowedUses, defaultLeafAlgorithm, privateKeyArgs } from "./profile";
import type { CaSubject, CertificateAuthority, ClientCertificateArgs, KeyAlgorithm, ServerCertificateArgs } from "./types";
import {
  checkDnsNames,
  checkIdentity,
  checkIps,
  checkKeyAlgorithm,
  checkRenewal,
  checkUris,
  durationHours,
  singleCaCertificateProblem,
} from "./validate";

/** Arguments of {@link InternalCA}. */
export interface InternalCAArgs {
  /** Subject of the root CA. @default `{ commonName: "<name> Root CA", organization: "edge-mtls" }` */
  readonly subject?: CaSubject;
  /** Key algorithm of the CA (root and intermediate). RSA under 2048 bits is refused. @default "ECDSA-P256" */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Root CA validity. @default "10y" */
  readonly caValidity?: Duration;
  /**
   * Issue leaves from an intermediate CA: the root then signs only the intermediate, and the
   * root key is used once. `true` uses the defaults below.
   * @default false
   */
  readonly intermediate?: boolean | {
    /** Intermediate subject. @default `<name> Intermediate CA`, the root's organization */
    readonly subject?: CaSubject;
    /** Intermediate validity. @default "5y", or caValidity when shorter */
    readonly validity?: Duration;
  };
  /** Default validity of issued leaves. @default "90d" */
  readonly leafValidity?: Duration;
  /** Default renewal window of issued leaves: they are rotated this long before expiry. @default "30d" */
  readonly renewBefore?: Duration;
  /** Default key algorithm of leaves. @default "ECDSA-P256" for ECDSA CAs, "RSA-2048" for RSA CAs */
  readonly leafKeyAlgorithm?: KeyAlgorithm;
  /**
   * Extra CA certificates (one PEM each) to add to {@link InternalCA.trustBundle}; used to
   * rotate the CA without a failed handshake (docs/internal-ca.md#ca-rotation).
   * @default []
   */
  readonly extraTrustedCaPems?: readonly pulumi.Input<string>[];
  /**
   * Protect the CA key and certificates from deletion and replacement (`protect`), so that
   * no change can silently replace the root of trust. Turn off only for throwaway stacks,
   * or as the last step of a CA rotation. The `protect` resource option, when given
   * (`new InternalCA(name, args, { protect })`), wins over this argument, as it does for
   * any Pulumi resource: it then applies to the CA resources and, by Pulumi's inheritance,
   * to every child (issued leaves included, which then cannot rotate).
   * @default true
   */
  readonly protect?: boolean;
}

/** Tls inputs we never set on CA resources: a provider upgrade may default them differently, so their changes are ignored. */
const CA_PROVIDER_DEFAULTED = ["setAuthorityKeyId", "setSubjectKeyId", "maxPathLength", "earlyRenewalHours", "dnsNames", "ipAddresses", "uris", "privateKeyPemWo", "privateKeyPemWoVersion", "caPrivateKeyPemWo", "caPrivateKeyPemWoVersion"];

/**
 * A self-managed certificate authority built on `@pulumi/tls`: a long-lived root (and
 * optionally an intermediate) that issues server and client certificates, rotated before
 * expiry by a plain `pulumi up`.
 *
 * ```ts
 * const ca = new InternalCA("mesh", { keyAlgorithm: "RSA-4096", leafKeyAlgorithm: "RSA-2048" });
 * const lb = ca.issueServerCertificate("load-balancer", { dnsNames: ["lb.internal"] });
 * const edge = ca.issueClientCertificate("edge-proxy", { identity: "edge-proxy", uris: ["spiffe://mesh.internal/edge-proxy"] });
 * ```
 *
 * Children: `<name>-root-key`, `<name>-root-cert` (protected), optionally
 * `<name>-intermediate-key`, `-intermediate-csr`, `-intermediate-cert` (protected), and one
 * {@link IssuedCertificate} `<name>-<leaf>` per issued certificate. See docs/internal-ca.md.
 */
export class InternalCA extends pulumi.ComponentResource implements CertificateAuthority {
  /** The root CA certificate PEM. */
  readonly rootCertPem: pulumi.Output<string>;
  /** The certificate that signs leaves (intermediate when enabled, else the root). */
  readonly issuerCertPem: pulumi.Output<string>;
  /** The signing key (PKCS#8 PEM). Secret. */
  readonly issuerPrivateKeyPem: pulumi.Output<string>;
  /** The intermediate certificate PEM, when enabled. */
  readonly intermediateCertPem?: pulumi.Output<string>;
  /** The root CA plus `extraTrustedCaPems`: what peers must trust. */
  readonly trustBundle: pulumi.Output<string>;
  /** End of the root's validity (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
  /** The CA key algorithm. */
  readonly keyAlgorithm: KeyAlgorithm;

  private readonly caName: string;
  private readonly leafDefaults: { validityHours: number; renewBeforeHours: number; validityText: string; renewText: string; keyAlgorithm: KeyAlgorithm };
  private readonly issuerValidityHours: number;
  private readonly organization?: string;
  private readonly issuer: LeafIssuer;
  private readonly issued = new Set<string>();

  constructor(name: string, args: InternalCAArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before the component (or any child) is registered.
    const c = argChecker("InternalCA", name);
    const subject = args.subject ?? { commonName: `${name} Root CA`, organization: "edge-mtls" };
    c.check(typeof subject.commonName === "string" && subject.commonName.trim() !== "", "subject.commonName", `(${q(subject.commonName)}) must be a non-empty name; RFC 5280 requires a CA subject`);
    const keyAlgorithm = checkKeyAlgorithm(c, "keyAlgorithm", args.keyAlgorithm ?? "ECDSA-P256");
    const leafKeyAlgorithm = checkKeyAlgorithm(c, "leafKeyAlgorithm", args.leafKeyAlgorithm ?? defaultLeafAlgorithm(keyAlgorithm));
    const caValidityText = args.caValidity ?? "10y";
    const caHours = durationHours(c, "caValidity", caValidityText);
    const inter = args.intermediate === true ? {} : args.intermediate || undefined;
    const interValidityText = inter?.validity ?? (caHours > 5 * 8760 ? "5y" : caValidityText);
    const interHours = inter ? durationHours(c, "intermediate.validity", interValidityText) : caHours;
    if (inter) c.check(interHours <= caHours, "intermediate.validity", `(${interValidityText}) must not exceed caValidity (${caValidityText}); an intermediate cannot outlive its root`);
    const interSubject = inter?.subject ?? { commonName: `${name} Intermediate CA`, organization: subject.organization };
    if (inter) c.check(typeof interSubject.commonName === "string" && interSubject.commonName.trim() !== "", "intermediate.subject.commonName", `(${q(interSubject.commonName)}) must be a non-empty name; RFC 5280 requires a CA subject`);
    const leafValidityText = args.leafValidity ?? "90d";
    const renewText = args.renewBefore ?? "30d";
    const leafHours = durationHours(c, "leafValidity", leafValidityText);
    const renewHours = durationHours(c, "renewBefore", renewText);
    checkRenewal(c, "renewBefore", renewHours, leafHours, renewText, leafValidityText);
    c.check(leafHours <= interHours, "leafValidity", `(${leafValidityText}) must not exceed the issuing CA's validity (${formatHours(interHours)})`);
    (args.extraTrustedCaPems ?? []).forEach((pem, i) => {
      if (typeof pem === "string") {
        const problem = singleCaCertificateProblem(pem);
        if (problem) c.fail(`extraTrustedCaPems[${i}]`, problem);
      }
    });

    super("edge-mtls:internal-ca:InternalCA", name, {}, opts);
    this.caName = name;
    this.keyAlgorithm = keyAlgorithm;
    this.organization = subject.organization;
    this.issuerValidityHours = interHours;
    this.leafDefaults = { validityHours: leafHours, renewBeforeHours: renewHours, validityText: leafValidityText, renewText, keyAlgorithm: leafKeyAlgorithm };
    // The resource option is the user's last word; the argument only sets the default.
    const protect = opts?.protect ?? args.protect ?? true;
    const caOpts: pulumi.CustomResourceOptions = { parent: this, protect, ignoreChanges: CA_PROVIDER_DEFAULTED };

    const rootKey = new tls.PrivateKey(`${name}-root-key`, privateKeyArgs(keyAlgorithm), caOpts);
    const root = new tls.SelfSignedCert(
      `${name}-root-cert`,
      {
        privateKeyPem: rootKey.privateKeyPem,
        subject: { commonName: subject.commonName, organization: subject.organization, organizationalUnit: subject.organizationalUnit },
        validityPeriodHours: caHours,
        isCaCertificate: true,
        allowedUses: allowedUses("ca", keyAlgorithm),
        setSubjectKeyId: true,
      },
      caOpts,
    );
    this.rootCertPem = root.certPem;
    this.notAfter = root.validityEndTime;

    let issuerCertPem: pulumi.Output<string> = root.certPem;
    let issuerKeyPem: pulumi.Output<string> = rootKey.privateKeyPemPkcs8;
    let issuerNotAfter: pulumi.Output<string> = root.validityEndTime;
    if (inter) {
      const interKey = new tls.PrivateKey(`${name}-intermediate-key`, privateKeyArgs(keyAlgorithm), caOpts);
      const interCsr = new tls.CertRequest(`${name}-intermediate-csr`, { privateKeyPem: interKey.privateKeyPem, subject: interSubject }, caOpts);
      const interCert = new tls.LocallySignedCert(
        `${name}-intermediate-cert`,
        {
          certRequestPem: interCsr.certRequestPem,
          caCertPem: root.certPem,
          caPrivateKeyPem: rootKey.privateKeyPem,
          validityPeriodHours: interHours,
          isCaCertificate: true,
          allowedUses: allowedUses("ca", keyAlgorithm),
          setSubjectKeyId: true,
        },
        caOpts,
      );
      this.intermediateCertPem = interCert.certPem;
      issuerCertPem = interCert.certPem;
      issuerKeyPem = interKey.privateKeyPemPkcs8;
      issuerNotAfter = interCert.validityEndTime;
    }
    this.issuerCertPem = issuerCertPem;
    this.issuerPrivateKeyPem = pulumi.secret(issuerKeyPem);

    const extras = pulumi.all((args.extraTrustedCaPems ?? []).map((p) => pulumi.output(p))).apply((pems) => {
      pems.forEach((pem, i) => {
        const problem = singleCaCertificateProblem(pem);
        if (problem) c.fail(`extraTrustedCaPems[${i}]`, problem);
      });
      return pems;
    });
    this.trustBundle = pulumi.all([root.certPem, extras]).apply(([rootPem, extraPems]) => trustBundle([rootPem, ...extraPems]));

    this.issuer = {
      caName: name,
      issuerCertPem: this.issuerCertPem,
      issuerPrivateKeyPem: this.issuerPrivateKeyPem,
      intermediateCertPem: this.intermediateCertPem,
      rootCertPem: this.rootCertPem,
      trustBundle: this.trustBundle,
      issuerNotAfter,
      rotationAnchor: root.validityStartTime,
    };

    this.registerOutputs({
      rootCertPem: this.rootCertPem,
      issuerCertPem: this.issuerCertPem,
      issuerPrivateKeyPem: this.issuerPrivateKeyPem,
      trustBundle: this.trustBundle,
      notAfter: this.notAfter,
    });
  }

  /**
   * Issues a server certificate (EKU serverAuth, SANs required). Its child name is
   * `<ca name>-<name>`; names must be unique per CA.
   */
  issueServerCertificate(name: string, args: ServerCertificateArgs): IssuedCertificate {
    const method = `issueServerCertificate("${name}")`;
    const c = argChecker("InternalCA", this.caName);
    const dnsNames = [...(args.dnsNames ?? [])];
    const ips = [...(args.ipAddresses ?? [])];
    checkDnsNames(c, `${method}.dnsNames`, dnsNames);
    checkIps(c, `${method}.ipAddresses`, ips);
    c.check(dnsNames.length + ips.length > 0, `${method}.dnsNames`, "is empty and so is ipAddresses; a server certificate needs at least one SAN (clients verify SANs, not the CN)");
    const common = this.leafCommon(c, method, name, args);
    const commonName = args.commonName ?? dnsNames[0] ?? ips[0] ?? name;
    c.check(commonName.length <= 64, `${method}.commonName`, `(${q(commonName)}) is longer than 64 characters (RFC 5280 ub-common-name)`);
    return new IssuedCertificate(
      `${this.caName}-${name}`,
      { issuer: this.issuer, role: "server", ...common, subject: { commonName, organization: this.organization }, dnsNames, ipAddresses: ips, uris: [], identity: commonName },
      { parent: this },
    );
  }

  /**
   * Issues a client certificate (EKU clientAuth) carrying `identity` in its CN and optional
   * URI SANs (e.g. SPIFFE IDs). Its child name is `<ca name>-<name>`.
   */
  issueClientCertificate(name: string, args: ClientCertificateArgs): IssuedCertificate {
    const method = `issueClientCertificate("${name}")`;
    const c = argChecker("InternalCA", this.caName);
    checkIdentity(c, `${method}.identity`, args.identity);
    const uris = [...(args.uris ?? [])];
    checkUris(c, `${method}.uris`, uris);
    const common = this.leafCommon(c, method, name, args);
    return new IssuedCertificate(
      `${this.caName}-${name}`,
      { issuer: this.issuer, role: "client", ...common, subject: { commonName: args.identity, organization: args.organization ?? this.organization }, dnsNames: [], ipAddresses: [], uris, identity: args.identity },
      { parent: this },
    );
  }

  private leafCommon(c: ReturnType<typeof argChecker>, method: string, name: string, args: { validity?: Duration; renewBefore?: Duration; keyAlgorithm?: KeyAlgorithm }) {
    c.check(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name), `${method} name`, `(${q(name)}) must be a lower-case DNS label (letters, digits, "-")`);
    c.check(!this.issued.has(name), `${method} name`, `(${q(name)}) is already issued by this CA; certificate names must be unique`);
    const validityText = args.validity ?? this.leafDefaults.validityText;
    const renewText = args.renewBefore ?? this.leafDefaults.renewText;
    const validityHours = args.validity !== undefined ? durationHours(c, `${method}.validity`, args.validity) : this.leafDefaults.validityHours;
    const renewBeforeHours = args.renewBefore !== undefined ? durationHours(c, `${method}.renewBefore`, args.renewBefore) : this.leafDefaults.renewBeforeHours;
    checkRenewal(c, `${method}.renewBefore`, renewBeforeHours, validityHours, renewText, validityText);
    c.check(
      validityHours <= this.issuerValidityHours,
      `${method}.validity`,
      `(${validityText}) would outlive the issuing CA (valid ${formatHours(this.issuerValidityHours)}); shorten it`,
    );
    const keyAlgorithm = args.keyAlgorithm ? checkKeyAlgorithm(c, `${method}.keyAlgorithm`, args.keyAlgorithm) : this.leafDefaults.keyAlgorithm;
    this.issued.add(name);
    return { validityHours, renewBeforeHours, keyAlgorithm };
  }
}

/** A PEM trust bundle from CA certificates, deduplicated, order kept. */
export function trustBundle(pems: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pem of pems.flatMap((p) => splitPem(p))) {
    const norm = pem.replace(/\s+/g, "");
    if (seen.has(norm)) continue;
    seen.add(norm);
    out.push(pem.trim());
  }
  return `${out.join("\n")}\n`;
}
