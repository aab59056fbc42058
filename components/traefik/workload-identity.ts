/**
 * First-class caller identities (issue 13): one client identity per workload, usable against
 * every MtlsService that lists it.
 *
 * Each identity has its own small issuing CA (self-signed, no intermediate) and one rotating
 * client certificate from it. A service's TLSOption trusts exactly the CAs of the identities
 * it lists, so:
 * - one identity reaches every service that lists it, with one certificate (nginx needs one
 *   `proxy_ssl_certificate` for all upstreams);
 * - a certificate from the shared mesh CA, or from any CA other than a listed identity's, is
 *   refused at the handshake;
 * - removing an identity from one service's list takes its CA out of that service's bundle
 *   only: refused there after the next run, still accepted by the others, nothing reissued.
 */
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q } from "../common/errors";
import { parseDurationHours, type Duration } from "../common/duration";
import { InternalCA, type IssuedCertificate } from "../internal-ca";
import type { KeyAlgorithm } from "../internal-ca/types";
import { dns1123Problem } from "./validate";

/** Arguments of {@link WorkloadIdentity}. */
export interface WorkloadIdentityArgs {
  /** URI SANs, e.g. `spiffe://mesh.internal/nginx-gateway` (forwarded by passTLSClientCert). @default none */
  readonly uris?: readonly string[];
  /** Client certificate validity. @default "90d" (InternalCA's leaf default) */
  readonly validity?: Duration;
  /** Reissue the client certificate this long before it expires (on a plain `pulumi up`). @default "30d" */
  readonly renewBefore?: Duration;
  /** Key algorithm of the identity's CA and client certificate. @default "ECDSA-P256" */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Validity of the identity's own issuing CA. @default "5y" */
  readonly caValidity?: Duration;
  /**
   * Protect the identity's CA from deletion. Off by default: deleting the identity must be
   * able to delete its CA (what every service trusts for it). @default false
   */
  readonly protect?: boolean;
}

/** Everything a caller needs, and what a service trusts for it. */
export interface CallerIdentityMaterial {
  /** The identity (certificate CN). */
  readonly name: string;
  /** Client certificate PEM (leaf). */
  readonly certPem: pulumi.Output<string>;
  /** Client private key PEM. Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
  /** The identity's own issuing CA: what a service's TLSOption trusts for this identity. */
  readonly issuingCaPem: pulumi.Output<string>;
  /** Certificate expiry (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
}

/** Options of {@link issueCallerIdentity}. */
export interface CallerIdentityOptions {
  readonly identity: string;
  readonly uris?: readonly string[];
  readonly validity?: Duration;
  readonly renewBefore?: Duration;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly caValidity: Duration;
  readonly caSubject: { readonly commonName: string; readonly organizationalUnit: string };
  readonly protect: boolean;
}

/**
 * One caller identity: a self-signed issuing CA named `caName` and a client certificate
 * `<caName>-client` from it, both children of `parent`. Shared by WorkloadIdentity and by
 * MtlsService's `clients` shorthand (which keeps its historical child names).
 */
export function issueCallerIdentity(caName: string, o: CallerIdentityOptions, parent: pulumi.Resource): { ca: InternalCA; certificate: IssuedCertificate; material: CallerIdentityMaterial } {
  const ca = new InternalCA(
    caName,
    { subject: o.caSubject, keyAlgorithm: o.keyAlgorithm, caValidity: o.caValidity, intermediate: false, protect: o.protect },
    { parent },
  );
  const certificate = ca.issueClientCertificate("client", { identity: o.identity, uris: o.uris, validity: o.validity, renewBefore: o.renewBefore, keyAlgorithm: o.keyAlgorithm });
  return {
    ca,
    certificate,
    material: {
      name: o.identity,
      certPem: certificate.certPem,
      privateKeyPem: pulumi.secret(certificate.privateKeyPem),
      issuingCaPem: ca.rootCertPem,
      notAfter: certificate.notAfter,
    },
  };
}

/**
 * A workload's client identity: its own issuing CA (`<name>-ca`, self-signed) and a client
 * certificate (`<name>-ca-client`, CN = `name`, optional URI SANs such as a SPIFFE ID) that
 * rotates like every InternalCA leaf. List it in `MtlsService.identities` of every service the
 * workload may call, and in `TraefikInstall.mtlsEntrypoint.identities` for the entrypoint's
 * default TLS option.
 *
 * ```ts
 * const gateway = new WorkloadIdentity("nginx-gateway", { uris: ["spiffe://mesh.internal/nginx-gateway"] });
 * new MtlsService("orders", { traefik, ca, service, hostnames, identities: [gateway] });
 * new MtlsService("billing", { traefik, ca, service: billingSvc, hostnames: billingHosts, identities: [gateway] });
 * ```
 */
export class WorkloadIdentity extends pulumi.ComponentResource implements CallerIdentityMaterial {
  /** The identity: the certificate's subject CN (and the name services list). */
  readonly name: string;
  /** URI SANs of the certificate. */
  readonly uris: readonly string[];
  /** Client certificate PEM (leaf). */
  readonly certPem: pulumi.Output<string>;
  /** Client private key PEM. Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
  /** The identity's issuing CA certificate (what services trust for it). */
  readonly issuingCaPem: pulumi.Output<string>;
  /** Client certificate expiry (RFC 3339). */
  readonly notAfter: pulumi.Output<string>;
  /** Expiry of the identity's CA (RFC 3339). */
  readonly caNotAfter: pulumi.Output<string>;
  /** The identity's CA and certificate components (for dependencies and inspection). */
  readonly ca: InternalCA;
  readonly certificate: IssuedCertificate;

  constructor(name: string, args: WorkloadIdentityArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const c = argChecker("WorkloadIdentity", name);
    const p = dns1123Problem(name);
    if (p) c.fail("name", `${q(name)} ${p}; it becomes the certificate CN and part of resource names`);
    c.check(name.length <= 40, "name", `${q(name)} is ${name.length} characters long; at most 40 (resource names get suffixes)`);
    for (const [i, uri] of (args.uris ?? []).entries()) {
      c.check(typeof uri === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(uri), `uris[${i}]`, `${q(uri)} is not an absolute URI (e.g. spiffe://mesh.internal/${name})`);
    }
    for (const key of ["validity", "renewBefore", "caValidity"] as const) {
      const v = args[key];
      if (v !== undefined) c.check(parseDurationHours(v) !== undefined, key, `${q(v)} is not a duration like "90d", "2160h" or "5y"`);
    }

    super("edge-mtls:traefik:WorkloadIdentity", name, {}, opts);
    this.name = name;
    this.uris = [...(args.uris ?? [])];
    const { ca, certificate, material } = issueCallerIdentity(
      `${name}-ca`,
      {
        identity: name,
        uris: this.uris,
        validity: args.validity,
        renewBefore: args.renewBefore,
        keyAlgorithm: args.keyAlgorithm ?? "ECDSA-P256",
        caValidity: args.caValidity ?? "5y",
        caSubject: { commonName: `${name} identity CA`, organizationalUnit: "edge-mtls workload identity CA" },
        protect: args.protect ?? false,
      },
      this,
    );
    this.ca = ca;
    this.certificate = certificate;
    this.certPem = material.certPem;
    this.privateKeyPem = material.privateKeyPem;
    this.issuingCaPem = material.issuingCaPem;
    this.notAfter = material.notAfter;
    this.caNotAfter = ca.notAfter;
    this.registerOutputs({ name, certPem: this.certPem, privateKeyPem: this.privateKeyPem, issuingCaPem: this.issuingCaPem, notAfter: this.notAfter });
  }
}

/** True when `v` is a {@link WorkloadIdentity}. */
export function isWorkloadIdentity(v: unknown): v is WorkloadIdentity {
  return v instanceof WorkloadIdentity;
}
