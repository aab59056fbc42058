import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { argChecker, formatHours, now, q, splitPem, type Duration } from "../common";
import { IssuedCertificate, type LeafIssuer } from "./issued-certificate";
import {
  activeSlot,
  dueEndOfLife,
  endOfLife,
  endOfLifeMessage,
  intermediateGeneration,
  intermediateSchedule,
  intermediateValidityHours,
  minimumIntermediateHours,
  slotGeneration,
  type IntermediateSchedule,
  type SigningLimit,
} from "./lifecycle";
import { allowedUses, defaultLeafAlgorithm, privateKeyArgs } from "./profile";
import type {
  CaSubject,
  CertificateAuthority,
  ClientCertificateArgs,
  ClientIssuingCa,
  IssuerPurpose,
  KeyAlgorithm,
  ServerCertificateArgs,
  ServerIssuingCa,
} from "./types";
import {
  checkDnsNames,
  checkInternalCaContract,
  checkLeafContract,
  checkIdentity,
  checkIps,
  checkKeyAlgorithm,
  checkRenewal,
  checkUris,
  durationHours,
  singleCaCertificateProblem,
} from "./validate";

const HOUR = 3600_000;

/** Intermediates of an {@link InternalCA}: one issuing CA per purpose, signed by the root. */
export interface IntermediateArgs {
  /**
   * Subject of the intermediates. Each purpose gets `<commonName> (mesh servers)`,
   * `(mesh clients)` and `(edge clients)`.
   * @default CNs `<name> Mesh Servers CA`, `<name> Mesh Clients CA`, `<name> Edge Clients CA`; organization of the root
   */
  readonly subject?: CaSubject;
  /**
   * Validity of the rotating intermediates (mesh servers, mesh clients). They rotate on a leaf
   * rotation day at least one `leafValidity` before they expire (docs/internal-ca.md#lifecycle).
   * At least `leafValidity + max(leafValidity − renewBefore, leafValidity)` rounded to leaf periods
   * (210d with the default leaves), at most `caValidity`.
   * @default "1y"
   */
  readonly validity?: Duration;
  /**
   * Validity of the edge-clients intermediate. It does not rotate: Cloudflare API Shield pins
   * its SKI, one per rule. Cut to the root's remaining life when it is issued.
   * @default caValidity
   */
  readonly edgeClientsValidity?: Duration;
}

/** Arguments of {@link InternalCA}. */
export interface InternalCAArgs {
  /** Subject of the root CA. @default `{ commonName: "<name> Root CA", organization: "edge-mtls" }` */
  readonly subject?: CaSubject;
  /** Key algorithm of the CA (root and intermediates). RSA under 2048 bits is refused. @default "ECDSA-P256" */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Root CA validity. @default "10y" */
  readonly caValidity?: Duration;
  /**
   * Issue leaves from intermediates, one per purpose (mesh servers, mesh clients, edge
   * clients): the root then signs only intermediates. The mesh intermediates rotate
   * themselves. `true` uses the defaults of {@link IntermediateArgs}.
   * @default false (the root signs every leaf)
   */
  readonly intermediate?: boolean | IntermediateArgs;
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
   * Protect the root (and the edge-clients intermediate) from deletion and replacement
   * (`protect`), so that no change can silently replace the root of trust. Turn off only for
   * throwaway stacks, or as step 2 of a CA rotation. Rotating intermediates and leaves are never
   * protected: rotating means replacing them.
   * The `protect` resource option, when given (`new InternalCA(name, args, { protect })`),
   * wins over this argument, as it does for any Pulumi resource: it then applies to the CA
   * resources and, by Pulumi's inheritance, to every child (issued leaves and rotating
   * intermediates included, which then cannot rotate).
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Every run warns (`pulumi.log.warn`, a line in the offline plan) from this long before the
   * root, or a non-rotating issuer, can no longer sign a full-length leaf, with the date and
   * the CA-rotation procedure (docs/internal-ca.md#end-of-life).
   * @default "180d"
   */
  readonly endOfLifeWarning?: Duration;
  /**
   * How to replace this CA, quoted in the end-of-life warning: for a CA that a component
   * owns (e.g. a caller identity's), whose replacement is not the CA-rotation procedure.
   * @default the CA-rotation procedure (docs/internal-ca.md#ca-rotation)
   */
  readonly endOfLifeProcedure?: string;
}

/** Tls inputs we never set on CA resources: a provider upgrade may default them differently, so their changes are ignored. */
const CA_PROVIDER_DEFAULTED = ["setAuthorityKeyId", "setSubjectKeyId", "maxPathLength", "earlyRenewalHours", "dnsNames", "ipAddresses", "uris", "privateKeyPemWo", "privateKeyPemWoVersion", "caPrivateKeyPemWo", "caPrivateKeyPemWoVersion"];

const PURPOSE_LABEL: Record<IssuerPurpose, string> = { "mesh-servers": "mesh servers", "mesh-clients": "mesh clients", "edge-clients": "edge clients" };
const PURPOSE_CN: Record<IssuerPurpose, string> = { "mesh-servers": "Mesh Servers CA", "mesh-clients": "Mesh Clients CA", "edge-clients": "Edge Clients CA" };

/** One issuing CA, resolved: what its leaves need, and the public view. */
interface Issuer {
  readonly leaf: LeafIssuer;
  readonly notAfter: pulumi.Output<string>;
  readonly pinBundle: pulumi.Output<string>;
  readonly rotating: boolean;
  /** The longest leaf validity it may sign (hours). */
  readonly maxLeafHours: number;
}

/**
 * A self-managed certificate authority built on `@pulumi/tls`: a long-lived root (and
 * optionally one issuing intermediate per purpose) that issues server and client
 * certificates, rotated before expiry by a plain `pulumi up`. The mesh intermediates rotate
 * themselves too; the root's end of life is announced on every run from
 * `endOfLifeWarning` before it.
 *
 * ```ts
 * const ca = new InternalCA("mesh", { keyAlgorithm: "RSA-4096", leafKeyAlgorithm: "RSA-2048", intermediate: true });
 * const lb = ca.issueServerCertificate("load-balancer", { dnsNames: ["lb.internal"] });
 * const edge = ca.issueClientCertificate("edge-proxy", { identity: "edge-proxy", uris: ["spiffe://mesh.internal/edge-proxy"] });
 * const worker = ca.issuers.edgeClients.issueClientCertificate("partner-worker", { identity: "partner-worker" });
 * ```
 *
 * Children: `<name>-root-key`, `<name>-root-cert` (protected); with `intermediate`,
 * `<name>-mesh-servers-ca-{0,1}-{key,csr,cert}` and `<name>-mesh-clients-ca-{0,1}-{key,csr,cert}`
 * (rotating), `<name>-intermediate-{key,csr,cert}` (the edge-clients intermediate, protected);
 * and one {@link IssuedCertificate} `<name>-<leaf>` per issued certificate. See docs/internal-ca.md.
 */
export class InternalCA extends pulumi.ComponentResource implements CertificateAuthority {
  /** The root CA certificate PEM. */
  readonly rootCertPem: pulumi.Output<string>;
  /** The certificate that signs server leaves (the current mesh-servers intermediate when enabled, else the root). */
  readonly issuerCertPem: pulumi.Output<string>;
  /** Its signing key (PKCS#8 PEM). Secret. */
  readonly issuerPrivateKeyPem: pulumi.Output<string>;
  /** The current mesh-servers intermediate certificate PEM, when enabled. */
  readonly intermediateCertPem?: pulumi.Output<string>;
  /** The root CA plus `extraTrustedCaPems`: what peers must trust. */
  readonly trustBundle: pulumi.Output<string>;
  /** End of the root's validity (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
  /** The CA key algorithm. */
  readonly keyAlgorithm: KeyAlgorithm;
  /**
   * The issuing CA of each purpose. Without `intermediate` all three are the root. Pin the one
   * that signs only what a trust decision should accept (e.g. API Shield: `edgeClients`).
   */
  readonly issuers: {
    /** Signs the mesh's server certificates (rotates itself with an intermediate). */
    readonly meshServers: ServerIssuingCa;
    /** Signs the mesh's client certificates (rotates itself with an intermediate). */
    readonly meshClients: ClientIssuingCa;
    /** Signs client certificates for Cloudflare's edge (API Shield, Workers); does not rotate. */
    readonly edgeClients: ClientIssuingCa;
  };
  /** The last moment the root (or a non-rotating issuer) can sign a full-length leaf (RFC 3339): rotate the CA before it. */
  readonly lastFullLengthLeafAt: pulumi.Output<string>;
  /** From when every run warns about the end of life (RFC 3339): `lastFullLengthLeafAt − endOfLifeWarning`. */
  readonly endOfLifeWarningFrom: pulumi.Output<string>;

  private readonly caName: string;
  private readonly leafDefaults: { validityHours: number; renewBeforeHours: number; validityText: string; renewText: string; keyAlgorithm: KeyAlgorithm };
  private readonly organization?: string;
  private readonly issuerOf: Record<IssuerPurpose, Issuer>;
  private readonly issued = new Set<string>();
  /** The longest leaf issued (or defaulted) per purpose, in hours, for the end-of-life date. */
  private readonly longestLeaf: Record<IssuerPurpose, number>;

  constructor(name: string, args: InternalCAArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before the component (or any child) is registered.
    checkInternalCaContract(name, args);
    const c = argChecker("InternalCA", name);
    const subject = args.subject ?? { commonName: `${name} Root CA`, organization: "edge-mtls" };
    c.check(typeof subject.commonName === "string" && subject.commonName.trim() !== "", "subject.commonName", `(${q(subject.commonName)}) must be a non-empty name; RFC 5280 requires a CA subject`);
    const keyAlgorithm = checkKeyAlgorithm(c, "keyAlgorithm", args.keyAlgorithm ?? "ECDSA-P256");
    const leafKeyAlgorithm = checkKeyAlgorithm(c, "leafKeyAlgorithm", args.leafKeyAlgorithm ?? defaultLeafAlgorithm(keyAlgorithm));
    const caValidityText = args.caValidity ?? "10y";
    const caHours = durationHours(c, "caValidity", caValidityText);
    const leafValidityText = args.leafValidity ?? "90d";
    const renewText = args.renewBefore ?? "30d";
    const leafHours = durationHours(c, "leafValidity", leafValidityText);
    const renewHours = durationHours(c, "renewBefore", renewText);
    checkRenewal(c, "renewBefore", renewHours, leafHours, renewText, leafValidityText);
    const warnText = args.endOfLifeWarning ?? "180d";
    const warnHours = durationHours(c, "endOfLifeWarning", warnText);

    const inter = args.intermediate === true ? {} : args.intermediate || undefined;
    let schedule: IntermediateSchedule | undefined;
    let edgeHours = caHours;
    if (inter) {
      const interText = inter.validity ?? "1y";
      const interHours = durationHours(c, "intermediate.validity", interText);
      c.check(interHours <= caHours, "intermediate.validity", `(${interText}) must not exceed caValidity (${caValidityText}); an intermediate cannot outlive its root`);
      schedule = intermediateSchedule(interHours, leafHours, renewHours);
      c.check(
        schedule !== undefined,
        "intermediate.validity",
        `(${interText}) is too short for ${leafValidityText} leaves renewed ${renewText} before expiry: an intermediate rotates on a leaf rotation day and must outlive the last leaves it signed; use at least ${formatHours(minimumIntermediateHours(leafHours, renewHours))}`,
      );
      const edgeText = inter.edgeClientsValidity ?? caValidityText;
      edgeHours = durationHours(c, "intermediate.edgeClientsValidity", edgeText);
      c.check(edgeHours <= caHours, "intermediate.edgeClientsValidity", `(${edgeText}) must not exceed caValidity (${caValidityText}); an intermediate cannot outlive its root`);
      c.check(leafHours <= edgeHours, "leafValidity", `(${leafValidityText}) must not exceed the edge-clients intermediate's validity (${edgeText})`);
      if (inter.subject !== undefined) {
        c.check(typeof inter.subject.commonName === "string" && inter.subject.commonName.trim() !== "", "intermediate.subject.commonName", `(${q(inter.subject.commonName)}) must be a non-empty name; RFC 5280 requires a CA subject`);
        const longest = `${inter.subject.commonName} (mesh servers)`;
        c.check(longest.length <= 64, "intermediate.subject.commonName", `(${q(inter.subject.commonName)}) is too long: "<commonName> (mesh servers)" must fit the 64 characters of RFC 5280 ub-common-name`);
      }
    } else {
      c.check(leafHours <= caHours, "leafValidity", `(${leafValidityText}) must not exceed the issuing CA's validity (${formatHours(caHours)})`);
    }
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
    this.leafDefaults = { validityHours: leafHours, renewBeforeHours: renewHours, validityText: leafValidityText, renewText, keyAlgorithm: leafKeyAlgorithm };
    this.longestLeaf = { "mesh-servers": leafHours, "mesh-clients": leafHours, "edge-clients": leafHours };
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

    const extras = pulumi.all((args.extraTrustedCaPems ?? []).map((p) => pulumi.output(p))).apply((pems) => {
      pems.forEach((pem, i) => {
        const problem = singleCaCertificateProblem(pem);
        if (problem) c.fail(`extraTrustedCaPems[${i}]`, problem);
      });
      return pems;
    });
    this.trustBundle = pulumi.all([root.certPem, extras]).apply(([rootPem, extraPems]) => trustBundle([rootPem, ...extraPems]));

    const leafIssuer = (certPem: pulumi.Output<string>, keyPem: pulumi.Output<string>, intermediateCertPem?: pulumi.Output<string>): LeafIssuer => ({
      caName: name,
      issuerCertPem: certPem,
      issuerPrivateKeyPem: pulumi.secret(keyPem),
      intermediateCertPem,
      rootCertPem: root.certPem,
      trustBundle: this.trustBundle,
      rotationAnchor: root.validityStartTime,
    });

    if (!inter || !schedule) {
      const self: Issuer = { leaf: leafIssuer(root.certPem, rootKey.privateKeyPemPkcs8), notAfter: root.validityEndTime, pinBundle: root.certPem.apply((p) => trustBundle([p])), rotating: false, maxLeafHours: caHours };
      this.issuerOf = { "mesh-servers": self, "mesh-clients": self, "edge-clients": self };
    } else {
      const interSubject = (purpose: IssuerPurpose): CaSubject =>
        inter.subject
          ? { ...inter.subject, commonName: `${inter.subject.commonName} (${PURPOSE_LABEL[purpose]})` }
          : { commonName: `${name} ${PURPOSE_CN[purpose]}`, organization: subject.organization };
      const rotating = (purpose: IssuerPurpose): Issuer => this.rotatingIntermediate(purpose, interSubject(purpose), schedule, root, rootKey, keyAlgorithm, leafIssuer);
      this.issuerOf = {
        "mesh-servers": rotating("mesh-servers"),
        "mesh-clients": rotating("mesh-clients"),
        "edge-clients": this.edgeIntermediate(interSubject("edge-clients"), edgeHours, root, rootKey, keyAlgorithm, caOpts, leafIssuer),
      };
    }

    const meshServers = this.issuerOf["mesh-servers"];
    this.issuerCertPem = meshServers.leaf.issuerCertPem;
    this.issuerPrivateKeyPem = meshServers.leaf.issuerPrivateKeyPem;
    this.intermediateCertPem = meshServers.leaf.intermediateCertPem;
    this.issuers = {
      meshServers: { ...this.publicView("mesh-servers"), issueServerCertificate: (n: string, a: ServerCertificateArgs) => this.issueServer("mesh-servers", n, a) },
      meshClients: { ...this.publicView("mesh-clients"), issueClientCertificate: (n: string, a: ClientCertificateArgs) => this.issueClient("mesh-clients", n, a) },
      edgeClients: { ...this.publicView("edge-clients"), issueClientCertificate: (n: string, a: ClientCertificateArgs) => this.issueClient("edge-clients", n, a) },
    };

    // End of life: the root signs (intermediates or leaves) until it expires; a non-rotating
    // intermediate until it or the root does. Resolved once the root exists; by then the
    // program has issued its leaves, so the longest one counts.
    const edge = inter ? this.issuerOf["edge-clients"] : undefined;
    const limits = pulumi.all([root.validityEndTime, edge ? edge.notAfter : root.validityEndTime]).apply(([rootEnd, edgeEnd]): SigningLimit[] => {
      const rootLimit: SigningLimit = {
        what: `root CA ${q(subject.commonName)}`,
        notAfter: new Date(rootEnd),
        leafHours: edge ? Math.max(this.longestLeaf["mesh-servers"], this.longestLeaf["mesh-clients"]) : Math.max(...Object.values(this.longestLeaf)),
      };
      if (!edge) return [rootLimit];
      const edgeNotAfter = new Date(Math.min(Date.parse(edgeEnd), Date.parse(rootEnd)));
      return [rootLimit, { what: "edge-clients intermediate CA (it does not rotate)", notAfter: edgeNotAfter, leafHours: this.longestLeaf["edge-clients"] }];
    });
    const schedules = limits.apply((ls) => ls.map((l) => endOfLife(l, warnHours)).sort((a, b) => a.lastFullLeaf.getTime() - b.lastFullLeaf.getTime()));
    this.lastFullLengthLeafAt = schedules.apply((s) => (s[0] as { lastFullLeaf: Date }).lastFullLeaf.toISOString());
    this.endOfLifeWarningFrom = schedules.apply((s) => (s[0] as { warnFrom: Date }).warnFrom.toISOString());
    limits.apply((ls) => {
      const at = now();
      const due = dueEndOfLife(ls, warnHours, at)[0];
      if (due) void pulumi.log.warn(endOfLifeMessage(name, due, at, args.endOfLifeProcedure), this);
    });

    this.registerOutputs({
      rootCertPem: this.rootCertPem,
      issuerCertPem: this.issuerCertPem,
      issuerPrivateKeyPem: this.issuerPrivateKeyPem,
      trustBundle: this.trustBundle,
      notAfter: this.notAfter,
      lastFullLengthLeafAt: this.lastFullLengthLeafAt,
      endOfLifeWarningFrom: this.endOfLifeWarningFrom,
    });
  }

  /**
   * A rotating intermediate in two slots (lifecycle.ts): slot `g mod 2` holds the current
   * generation and signs; the other holds the previous one, still valid for the leaves it
   * signed until they rotate. A switch replaces only the slot of the generation before the
   * previous one. Not protected: rotation replaces it.
   */
  private rotatingIntermediate(
    purpose: IssuerPurpose,
    subject: CaSubject,
    schedule: IntermediateSchedule,
    root: tls.SelfSignedCert,
    rootKey: tls.PrivateKey,
    keyAlgorithm: KeyAlgorithm,
    leafIssuer: (cert: pulumi.Output<string>, key: pulumi.Output<string>, intermediate?: pulumi.Output<string>) => LeafIssuer,
  ): Issuer {
    const generation = root.validityStartTime.apply((anchor) => intermediateGeneration(new Date(anchor), now(), schedule));
    const slots = ([0, 1] as const).map((slot) => {
      const slotGen = generation.apply((g) => slotGeneration(g, slot));
      const trigger = slotGen.apply((g) => `generation-${g}`);
      const opts: pulumi.CustomResourceOptions = { parent: this, replacementTrigger: trigger };
      const base = `${this.caName}-${purpose}-ca-${slot}`;
      const key = new tls.PrivateKey(`${base}-key`, privateKeyArgs(keyAlgorithm), opts);
      const csr = new tls.CertRequest(`${base}-csr`, { privateKeyPem: key.privateKeyPem, subject }, opts);
      const cert = new tls.LocallySignedCert(
        `${base}-cert`,
        {
          certRequestPem: csr.certRequestPem,
          caCertPem: root.certPem,
          caPrivateKeyPem: rootKey.privateKeyPem,
          validityPeriodHours: pulumi.all([root.validityStartTime, root.validityEndTime, slotGen]).apply(([a, e, g]) => intermediateValidityHours(new Date(a), new Date(e), g, schedule)),
          isCaCertificate: true,
          allowedUses: allowedUses("ca", keyAlgorithm),
          setSubjectKeyId: true,
        },
        { ...opts, ignoreChanges: CA_PROVIDER_DEFAULTED },
      );
      return { slotGen, key, cert };
    });
    const [s0, s1] = slots as [(typeof slots)[0], (typeof slots)[0]];
    const pick = (a: pulumi.Output<string>, b: pulumi.Output<string>): pulumi.Output<string> => pulumi.all([generation, a, b]).apply(([g, x, y]) => (activeSlot(g) === 0 ? x : y));
    const certPem = pick(s0.cert.certPem, s1.cert.certPem);
    const keyPem = pulumi.secret(pick(s0.key.privateKeyPemPkcs8, s1.key.privateKeyPemPkcs8));
    const pinBundle = pulumi.all([generation, s0.cert.certPem, s1.cert.certPem]).apply(([g, a, b]) => {
      const current = activeSlot(g) === 0 ? a : b;
      const previous = activeSlot(g) === 0 ? b : a;
      return trustBundle(g >= 1 ? [current, previous] : [current]);
    });
    return {
      leaf: leafIssuer(certPem, keyPem, certPem),
      notAfter: pick(s0.cert.validityEndTime, s1.cert.validityEndTime),
      pinBundle,
      rotating: true,
      maxLeafHours: schedule.overlapHours,
    };
  }

  /**
   * The edge-clients intermediate: protected and long-lived, because Cloudflare API Shield
   * pins one issuer SKI per rule. Keeps the resource names of the single intermediate of
   * earlier versions (`<name>-intermediate-*`), so existing stacks keep theirs (subject and
   * validity are ignored after creation: changing them would replace a protected CA).
   */
  private edgeIntermediate(
    subject: CaSubject,
    validityHours: number,
    root: tls.SelfSignedCert,
    rootKey: tls.PrivateKey,
    keyAlgorithm: KeyAlgorithm,
    caOpts: pulumi.CustomResourceOptions,
    leafIssuer: (cert: pulumi.Output<string>, key: pulumi.Output<string>, intermediate?: pulumi.Output<string>) => LeafIssuer,
  ): Issuer {
    const name = this.caName;
    const key = new tls.PrivateKey(`${name}-intermediate-key`, privateKeyArgs(keyAlgorithm), caOpts);
    const csr = new tls.CertRequest(`${name}-intermediate-csr`, { privateKeyPem: key.privateKeyPem, subject }, { ...caOpts, ignoreChanges: [...CA_PROVIDER_DEFAULTED, "subject"] });
    const cert = new tls.LocallySignedCert(
      `${name}-intermediate-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caCertPem: root.certPem,
        caPrivateKeyPem: rootKey.privateKeyPem,
        // Never beyond the root: cut to the root's remaining life when issued.
        validityPeriodHours: root.validityEndTime.apply((end) => Math.max(1, Math.min(validityHours, Math.floor((Date.parse(end) - now().getTime()) / HOUR)))),
        isCaCertificate: true,
        allowedUses: allowedUses("ca", keyAlgorithm),
        setSubjectKeyId: true,
      },
      { ...caOpts, ignoreChanges: [...CA_PROVIDER_DEFAULTED, "validityPeriodHours"] },
    );
    return {
      leaf: leafIssuer(cert.certPem, key.privateKeyPemPkcs8, cert.certPem),
      notAfter: cert.validityEndTime,
      pinBundle: cert.certPem.apply((p) => trustBundle([p])),
      rotating: false,
      maxLeafHours: validityHours,
    };
  }

  private publicView(purpose: IssuerPurpose) {
    const i = this.issuerOf[purpose];
    return {
      purpose,
      rotating: i.rotating,
      issuerCertPem: i.leaf.issuerCertPem,
      issuerPrivateKeyPem: i.leaf.issuerPrivateKeyPem,
      rootCertPem: this.rootCertPem,
      trustBundle: this.trustBundle,
      notAfter: i.notAfter,
      pinBundle: i.pinBundle,
    };
  }

  /**
   * Issues a server certificate (EKU serverAuth, SANs required) from the mesh-servers issuer.
   * Its child name is `<ca name>-<name>`; names must be unique per CA.
   */
  issueServerCertificate(name: string, args: ServerCertificateArgs): IssuedCertificate {
    return this.issueServer("mesh-servers", name, args);
  }

  /**
   * Issues a client certificate (EKU clientAuth) from the mesh-clients issuer, carrying
   * `identity` in its CN and optional URI SANs (e.g. SPIFFE IDs). Its child name is
   * `<ca name>-<name>`. For a client of Cloudflare's edge, use `issuers.edgeClients`.
   */
  issueClientCertificate(name: string, args: ClientCertificateArgs): IssuedCertificate {
    return this.issueClient("mesh-clients", name, args);
  }

  private issueServer(purpose: IssuerPurpose, name: string, args: ServerCertificateArgs): IssuedCertificate {
    const method = `issueServerCertificate("${name}")`;
    checkLeafContract(this.caName, method, "server", name, args);
    const c = argChecker("InternalCA", this.caName);
    const dnsNames = [...(args.dnsNames ?? [])];
    const ips = [...(args.ipAddresses ?? [])];
    checkDnsNames(c, `${method}.dnsNames`, dnsNames);
    checkIps(c, `${method}.ipAddresses`, ips);
    c.check(dnsNames.length + ips.length > 0, `${method}.dnsNames`, "is empty and so is ipAddresses; a server certificate needs at least one SAN (clients verify SANs, not the CN)");
    const common = this.leafCommon(c, purpose, method, name, args);
    const commonName = args.commonName ?? dnsNames[0] ?? ips[0] ?? name;
    c.check(commonName.length <= 64, `${method}.commonName`, `(${q(commonName)}) is longer than 64 characters (RFC 5280 ub-common-name)`);
    return new IssuedCertificate(
      `${this.caName}-${name}`,
      { issuer: this.issuerOf[purpose].leaf, role: "server", ...common, subject: { commonName, organization: this.organization }, dnsNames, ipAddresses: ips, uris: [], identity: commonName },
      { parent: this },
    );
  }

  private issueClient(purpose: IssuerPurpose, name: string, args: ClientCertificateArgs): IssuedCertificate {
    const method = `issueClientCertificate("${name}")`;
    checkLeafContract(this.caName, method, "client", name, args);
    const c = argChecker("InternalCA", this.caName);
    checkIdentity(c, `${method}.identity`, args.identity);
    const uris = [...(args.uris ?? [])];
    checkUris(c, `${method}.uris`, uris);
    const common = this.leafCommon(c, purpose, method, name, args);
    return new IssuedCertificate(
      `${this.caName}-${name}`,
      { issuer: this.issuerOf[purpose].leaf, role: "client", ...common, subject: { commonName: args.identity, organization: args.organization ?? this.organization }, dnsNames: [], ipAddresses: [], uris, identity: args.identity },
      { parent: this },
    );
  }

  private leafCommon(c: ReturnType<typeof argChecker>, purpose: IssuerPurpose, method: string, name: string, args: { validity?: Duration; renewBefore?: Duration; keyAlgorithm?: KeyAlgorithm }) {
    c.check(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name), `${method} name`, `(${q(name)}) must be a lower-case DNS label (letters, digits, "-")`);
    c.check(!this.issued.has(name), `${method} name`, `(${q(name)}) is already issued by this CA; certificate names must be unique`);
    const validityText = args.validity ?? this.leafDefaults.validityText;
    const renewText = args.renewBefore ?? this.leafDefaults.renewText;
    const validityHours = args.validity !== undefined ? durationHours(c, `${method}.validity`, args.validity) : this.leafDefaults.validityHours;
    const renewBeforeHours = args.renewBefore !== undefined ? durationHours(c, `${method}.renewBefore`, args.renewBefore) : this.leafDefaults.renewBeforeHours;
    checkRenewal(c, `${method}.renewBefore`, renewBeforeHours, validityHours, renewText, validityText);
    const issuer = this.issuerOf[purpose];
    c.check(
      validityHours <= issuer.maxLeafHours,
      `${method}.validity`,
      issuer.rotating
        ? `(${validityText}) would outlive the ${PURPOSE_LABEL[purpose]} intermediate that signs it: a rotating intermediate stays valid ${formatHours(issuer.maxLeafHours)} after its successor takes over; shorten the validity or lengthen intermediate.validity`
        : `(${validityText}) would outlive the issuing CA (valid ${formatHours(issuer.maxLeafHours)}); shorten it`,
    );
    const keyAlgorithm = args.keyAlgorithm ? checkKeyAlgorithm(c, `${method}.keyAlgorithm`, args.keyAlgorithm) : this.leafDefaults.keyAlgorithm;
    this.issued.add(name);
    this.longestLeaf[purpose] = Math.max(this.longestLeaf[purpose], validityHours);
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

/**
 * The issuer for client certificates presented to Cloudflare's edge: an {@link InternalCA}'s
 * `issuers.edgeClients` (the root when it has no intermediates); any other CA as it is. The
 * API Shield components call it, so that `authority: ca` pins, and `issuer: ca` signs with,
 * the issuer that signs nothing else (docs/internal-ca.md#issuers-per-purpose). Duck-typed:
 * two loaded copies of the library must agree.
 */
export function edgeClientsIssuer<T extends object>(ca: T): T | ClientIssuingCa {
  const issuers = (ca as { issuers?: { edgeClients?: ClientIssuingCa } }).issuers;
  return issuers?.edgeClients ?? ca;
}
