import { ClientCertificate } from "@pulumi/cloudflare/clientCertificate";
import { MtlsCertificate } from "@pulumi/cloudflare/mtlsCertificate";
import type * as cloudflareInput from "@pulumi/cloudflare/types/input";
import { WorkersScript, WorkersScriptArgs } from "@pulumi/cloudflare/workersScript";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { argChecker, q } from "../common/errors";
import type { Duration } from "../common/duration";
import type { Topology } from "../common/topology";
import { splitPem } from "../common/pem";
import { edgeClientsIssuer } from "../internal-ca/internal-ca";
import { clientCertificateProblem, inspectCertificate } from "./certificate";
import { dnsNameProblem } from "../common/dns";
import { bindingNameProblem, checkBindingName } from "./validate";
import { checkCloudflareManagedClientCertificateContract, checkWorkerClientCertificateContract } from "./contract";
import { declareWorkerMtlsTarget, type ProxiedZone } from "./zone-registry";
import type { ClientCertificateIssuer, ClientCertificateMaterial } from "./types";

/** Where Cloudflare states the rule {@link WORKERS_MTLS_PROXIED_ZONE_RULE}. */
export const WORKERS_MTLS_DOCS_URL = "https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/";

/** Cloudflare's rule, verbatim from {@link WORKERS_MTLS_DOCS_URL}. */
export const WORKERS_MTLS_PROXIED_ZONE_RULE =
  "Currently, mTLS for Workers cannot be used for requests made to a service that is a proxied zone on Cloudflare. If your Worker presents a client certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error.";

/** What works instead, named in every refusal. */
export const WORKERS_MTLS_ALTERNATIVES =
  "Use instead: (1) a Worker on the same account: a service binding ({ type: \"service\", service, entrypoint }) — no public hop, no certificate (examples/03-worker-api-shield); " +
  "(2) an origin Cloudflare does not proxy (DNS-only record, or a partner's API): this mtls_certificate binding, with the server verifying the caller (examples/06-worker-mtls-origin); " +
  "(3) devices, servers, nginx or curl calling the API Shield-protected hostname (examples/07-devices-api-shield). See docs/api-shield.md#workers-and-proxied-zones.";

/** One hostname a Worker presents its client certificate to. */
export interface WorkerMtlsTarget {
  /** The hostname the Worker calls with `env.<binding>.fetch`. */
  readonly hostname: string;
  /**
   * Whether Cloudflare proxies this hostname (orange cloud, a Tunnel, a Worker route, API Shield).
   * Required: only you know it for a host outside this program. `true` is refused — Cloudflare
   * answers 520. A host in a zone this program proxies is refused whatever you state.
   */
  readonly proxiedByCloudflare: boolean;
}

/** The refusal message for a Worker mTLS target Cloudflare proxies. */
export function proxiedTargetProblem(hostname: string, why: string): string {
  return `(${q(hostname)}) ${why}. Cloudflare: "${WORKERS_MTLS_PROXIED_ZONE_RULE}" (${WORKERS_MTLS_DOCS_URL}). ${WORKERS_MTLS_ALTERNATIVES}`;
}

/** The binding type of an mTLS certificate on a Worker (WorkersScript `bindings[].type`). */
export const MTLS_CERTIFICATE_BINDING_TYPE = "mtls_certificate";

/**
 * A Worker binding that presents an uploaded mTLS certificate: in the Worker, `env[name].fetch(...)`
 * is `fetch` with the client certificate attached
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/).
 */
export function mtlsCertificateBinding(
  name: string,
  certificateId: pulumi.Input<string>,
): pulumi.Output<cloudflareInput.WorkersScriptBinding> {
  const problem = bindingNameProblem(name);
  if (problem) throw new Error(`mtlsCertificateBinding: name (${q(name)}) ${problem}`);
  return pulumi.output(certificateId).apply((id) => ({ type: MTLS_CERTIFICATE_BINDING_TYPE, name, certificateId: id }));
}

/** Leaf first, then the rest of the chain without duplicates — the order the mTLS upload requires. */
export function leafFirstChain(certPem: string, chainPem: string | undefined): string {
  const leaf = splitPem(certPem);
  const rest = splitPem(chainPem ?? "").filter((c) => !leaf.includes(c));
  return [...leaf, ...rest].map((c) => `${c}\n`).join("");
}

/** Arguments of {@link WorkerClientCertificate}. Give `issuer` + `identity`, or `certificate`. */
export interface WorkerClientCertificateArgs {
  /** The Cloudflare account of the Worker. */
  readonly accountId: pulumi.Input<string>;
  /** Name of the Worker binding (`env.<bindingName>.fetch`). A JavaScript identifier. */
  readonly bindingName: string;
  /**
   * Issues the client certificate — an `InternalCA` (through its edge-clients issuer,
   * `ca.issuers.edgeClients`: docs/internal-ca.md#issuers-per-purpose). @default none — give `certificate` instead
   */
  readonly issuer?: ClientCertificateIssuer;
  /** The caller's identity (client certificate CN), with `issuer`. @default none (required with `issuer`) */
  readonly identity?: string;
  /** URI SANs of the client certificate, with `issuer`. @default none */
  readonly uris?: readonly string[];
  /** Client certificate validity, with `issuer`. @default the issuer's leaf validity */
  readonly validity?: Duration;
  /** An existing client certificate and key (e.g. {@link CloudflareManagedClientCertificate}). @default none */
  readonly certificate?: ClientCertificateMaterial;
  /** Name shown in the Cloudflare dashboard. @default the component name */
  readonly displayName?: pulumi.Input<string>;
  /**
   * The hostnames the Worker presents this certificate to, each with whether Cloudflare proxies
   * it. At least one. A target in a zone this program proxies (an `ApiShieldMtls`, a
   * `TunnelOrigin`, a `WorkerRoute` or a zone given to `declareProxiedZone`), or stated as
   * proxied, is refused at construction: Cloudflare returns 520 for it.
   */
  readonly targets: readonly WorkerMtlsTarget[];
  /**
   * Create the calling Worker too: these WorkersScript arguments, with the mTLS binding appended to
   * `bindings`. @default none — add {@link WorkerClientCertificate.binding} to your own WorkersScript
   */
  readonly script?: Omit<WorkersScriptArgs, "accountId">;
}

/**
 * The client side of API Shield mTLS: a client certificate for a calling Worker, uploaded as an
 * account mTLS certificate (`ca: false`, key as a secret) and exposed as an `mtls_certificate`
 * Worker binding.
 *
 * Workers have no `fetch(url, { cf: { clientCertificate } })` option; the only way a Worker
 * presents a client certificate is `env.<BINDING>.fetch(...)` on such a binding.
 *
 * Only for servers Cloudflare does **not** proxy: {@link WORKERS_MTLS_PROXIED_ZONE_RULE}. Every
 * target is declared in `targets` and checked against the zones this program proxies.
 *
 * Children: the issuer's leaf resources (named `${name}-client` by the issuer),
 * `${name}-mtls` (`MtlsCertificate`), and `${name}-script` (`WorkersScript`) when `script` is given.
 */
export class WorkerClientCertificate extends pulumi.ComponentResource {
  /** Id of the uploaded client certificate. */
  readonly certificateId: pulumi.Output<string>;
  /** The binding to add to a WorkersScript's `bindings`. */
  readonly binding: pulumi.Output<cloudflareInput.WorkersScriptBinding>;
  /** The binding name (`env.<bindingName>`). */
  readonly bindingName: string;
  /** The uploaded chain, leaf first. */
  readonly certificatePem: pulumi.Output<string>;
  /** The Worker script, when `script` was given. */
  readonly script?: WorkersScript;
  /** The declared target hostnames. */
  readonly targets: readonly string[];

  constructor(name: string, args: WorkerClientCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    validateWorkerClientCertificateArgs(name, args);
    const c = argChecker("WorkerClientCertificate", name);
    args.targets.forEach((t, i) => {
      declareWorkerMtlsTarget(t.hostname, name, (zone: ProxiedZone) =>
        c.fail(`targets[${i}].hostname`, proxiedTargetProblem(t.hostname, `is in zone ${q(zone.zoneName)}, which ${zone.by} puts behind Cloudflare's proxy in this program`)),
      );
    });
    super("edge-mtls:api-shield:WorkerClientCertificate", name, {}, opts);
    this.bindingName = args.bindingName;

    let chain: pulumi.Output<string>;
    let key: pulumi.Output<string>;
    if (args.issuer) {
      const issued = edgeClientsIssuer(args.issuer).issueClientCertificate(`${name}-client`, {
        identity: args.identity as string,
        ...(args.uris ? { uris: args.uris } : {}),
        ...(args.validity ? { validity: args.validity } : {}),
      });
      chain = pulumi.all([issued.certPem, issued.chainPem]).apply(([cert, rest]) => leafFirstChain(cert, rest));
      key = issued.privateKeyPem;
    } else {
      const material = args.certificate as ClientCertificateMaterial;
      chain = pulumi.output(material.certificatePem).apply((pem) => {
        const problem = clientCertificateProblem(pem);
        if (problem) argChecker("WorkerClientCertificate", name).fail("certificate.certificatePem", problem);
        return leafFirstChain(pem, undefined);
      });
      key = pulumi.output(material.privateKeyPem);
    }

    const upload = new MtlsCertificate(
      `${name}-mtls`,
      {
        accountId: args.accountId,
        ca: false,
        certificates: chain,
        privateKey: pulumi.secret(key),
        name: args.displayName ?? name,
      },
      { parent: this, additionalSecretOutputs: ["privateKey"] },
    );
    this.certificateId = upload.id;
    this.certificatePem = chain;
    this.binding = mtlsCertificateBinding(args.bindingName, upload.id);

    if (args.script) {
      const bindingName = args.bindingName;
      const bindings = pulumi.all([pulumi.output(args.script.bindings ?? []), this.binding]).apply(([own, mtls]) => {
        const list = own as cloudflareInput.WorkersScriptBinding[];
        if (list.some((b) => b.name === bindingName)) {
          argChecker("WorkerClientCertificate", name).fail("script.bindings", `already has a binding named ${q(bindingName)}, the mTLS binding's name`);
        }
        return [...list, mtls];
      });
      this.script = new WorkersScript(`${name}-script`, { ...args.script, accountId: args.accountId, bindings }, { parent: this });
    }

    this.targets = args.targets.map((t) => t.hostname);
    const topology: Topology = {
      talksTo: args.targets.map((t) => ({ from: `Worker ${typeof args.script?.scriptName === "string" ? args.script.scriptName : name}`, to: t.hostname, label: `mTLS (${args.bindingName}), not proxied by Cloudflare` })),
    };
    this.registerOutputs({ topology, certificateId: this.certificateId, binding: this.binding, certificatePem: this.certificatePem, targets: this.targets });
  }
}

/** Validates {@link WorkerClientCertificateArgs}. */
export function validateWorkerClientCertificateArgs(name: string, args: WorkerClientCertificateArgs): void {
  checkWorkerClientCertificateContract(name, args);
  const c = argChecker("WorkerClientCertificate", name);
  checkBindingName("WorkerClientCertificate", name, args.bindingName);
  c.check(
    Array.isArray(args.targets) && args.targets.length > 0,
    "targets",
    `is missing or empty: list the hostnames the Worker presents this certificate to, each with proxiedByCloudflare (Cloudflare: "${WORKERS_MTLS_PROXIED_ZONE_RULE}")`,
  );
  for (const [i, t] of args.targets.entries()) {
    const problem = typeof t?.hostname === "string" ? dnsNameProblem(t.hostname) : "must be a string";
    if (problem) c.fail(`targets[${i}].hostname`, `(${q(t?.hostname)}) ${problem}`);
    c.check(
      typeof t.proxiedByCloudflare === "boolean",
      `targets[${i}].proxiedByCloudflare`,
      `(${q(t.proxiedByCloudflare)}) must be stated (true or false): whether Cloudflare proxies ${t.hostname} decides whether a Worker can present a client certificate to it`,
    );
    if (t.proxiedByCloudflare) c.fail(`targets[${i}].hostname`, proxiedTargetProblem(t.hostname, "is proxied by Cloudflare (proxiedByCloudflare: true)"));
  }
  const given = [args.issuer !== undefined, args.certificate !== undefined].filter(Boolean).length;
  c.check(given === 1, "issuer/certificate", given === 0 ? "are both missing: give exactly one" : "are both given: give exactly one");
  if (args.issuer) {
    c.check(typeof args.identity === "string" && args.identity.trim().length > 0, "identity", `(${q(args.identity)}) is required with issuer (the client certificate's CN)`);
  } else {
    c.check(args.identity === undefined && args.uris === undefined && args.validity === undefined, "identity/uris/validity", "only apply with issuer");
  }
  if (args.certificate && typeof args.certificate.certificatePem === "string") {
    const problem = clientCertificateProblem(args.certificate.certificatePem);
    if (problem) c.fail("certificate.certificatePem", problem);
  }
  if (args.script && Array.isArray(args.script.bindings)) {
    for (const b of args.script.bindings as unknown[]) {
      if (b && typeof b === "object" && (b as { name?: unknown }).name === args.bindingName) {
        c.fail("script.bindings", `already has a binding named ${q(args.bindingName)}, the mTLS binding's name`);
      }
    }
  }
}

/** Arguments of {@link CloudflareManagedClientCertificate}. */
export interface CloudflareManagedClientCertificateArgs {
  /** The zone whose Cloudflare-managed CA signs the certificate. */
  readonly zoneId: pulumi.Input<string>;
  /** Subject CN of the certificate (the caller's identity). */
  readonly commonName: string;
  /** Subject O. @default none */
  readonly organization?: string;
  /** Validity in days. @default 365 */
  readonly validityDays?: number;
}

/**
 * A client certificate signed by the zone's Cloudflare-managed CA (every plan), from a CSR made
 * with a local key — the alternative to bring-your-own CA for non-Enterprise accounts. Pass
 * `{ certificatePem, privateKeyPem }` to {@link WorkerClientCertificate} `certificate`, and
 * `cloudflareManagedCa({ issuerSki })` to {@link ApiShieldMtls}.
 *
 * Children: `${name}-key` (`tls.PrivateKey`, ECDSA P-256), `${name}-csr` (`tls.CertRequest`),
 * `${name}-cert` (`ClientCertificate`).
 */
export class CloudflareManagedClientCertificate extends pulumi.ComponentResource {
  /** The issued certificate PEM. */
  readonly certificatePem: pulumi.Output<string>;
  /** The private key PEM (secret). */
  readonly privateKeyPem: pulumi.Output<string>;
  /**
   * SKI of the Cloudflare-managed CA that signed it (the certificate's authority key identifier);
   * `undefined`, with a warning, when the issued certificate carries none.
   */
  readonly issuerSki: pulumi.Output<string | undefined>;

  constructor(name: string, args: CloudflareManagedClientCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    checkCloudflareManagedClientCertificateContract(name, args);
    const c = argChecker("CloudflareManagedClientCertificate", name);
    c.check(typeof args.commonName === "string" && args.commonName.trim().length > 0, "commonName", `(${q(args.commonName)}) must be a non-empty string`);
    const days = args.validityDays ?? 365;
    c.check(Number.isInteger(days) && days > 0, "validityDays", `(${q(days)}) must be a positive whole number of days`);
    super("edge-mtls:api-shield:CloudflareManagedClientCertificate", name, {}, opts);

    const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
    const csr = new tls.CertRequest(
      `${name}-csr`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: args.commonName, ...(args.organization ? { organization: args.organization } : {}) },
      },
      { parent: this },
    );
    const cert = new ClientCertificate(`${name}-cert`, { zoneId: args.zoneId, csr: csr.certRequestPem, validityDays: days }, { parent: this });
    this.certificatePem = cert.certificate;
    this.privateKeyPem = pulumi.secret(key.privateKeyPem);
    this.issuerSki = cert.certificate.apply((pem: string | undefined) => {
      const first = splitPem(pem ?? "")[0];
      let aki: string | undefined;
      try {
        aki = first ? inspectCertificate(first).authorityKeyIdentifier : undefined;
      } catch {
        aki = undefined;
      }
      if (!aki) void pulumi.log.warn(`CloudflareManagedClientCertificate ${q(name)}: cannot read the issuing CA's key identifier from the issued certificate`, this);
      return aki;
    });
    this.registerOutputs({ certificatePem: this.certificatePem, privateKeyPem: this.privateKeyPem, issuerSki: this.issuerSki });
  }
}
