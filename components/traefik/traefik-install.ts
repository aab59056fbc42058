import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { argChecker } from "../common/errors";
import type { Topology } from "../common/topology";
import { TlsOptionRegistry } from "./registry";
import { buildTlsOptionSpec } from "./tls-option";
import { DEFAULT_TLS12_CIPHER_SUITES, TRAEFIK_API_VERSION, TRAEFIK_CA_SECRET_KEY, type TlsPolicy } from "./tls-policy";
import { checkTraefikInstallContract, meshValuesProblems, validateTraefikInstallArgs } from "./validate";
import { isWorkloadIdentity, type WorkloadIdentity } from "./workload-identity";

/**
 * The official Traefik Helm chart version installed by default: 41.3.0 (Traefik Proxy
 * v3.7.11). Pinned to the chart vendored verbatim in `shared/charts/traefik-41.3.0`, whose
 * `values.schema.json` the values below are tested against (test/upstream/helm-values.test.ts);
 * docs/pins.md says how to bump it. A chart upgrade changes values keys (v39.0.0 moved an
 * entrypoint's TLS to `ports.<name>.http.tls`), so it is a deliberate change.
 */
export const TRAEFIK_CHART_VERSION = "41.3.0";
/** The official chart repository. */
export const TRAEFIK_CHART_REPOSITORY = "https://traefik.github.io/charts";

/** The mTLS entrypoint. */
export interface MtlsEntrypointArgs {
  /** Entrypoint name (also the Kubernetes port name, ≤ 15 characters). @default "mesh" */
  readonly name?: string;
  /** Port callers connect to (the Service port). @default 8443 */
  readonly port?: number;
  /**
   * Port Traefik listens on inside the pod. Must differ from the chart's own container
   * ports (websecure already listens on 8443 inside the pod). @default 9443
   */
  readonly containerPort?: number;
  /**
   * Also expose the entrypoint on the chart's public (LoadBalancer) Service. When false it
   * is only on the internal ClusterIP Service `<release>-internal`. @default false
   */
  readonly exposePublicly?: boolean;
  /**
   * Identities trusted by the entrypoint's *default* TLS option: the TLSOption
   * `<release>-<entrypoint>-mtls` (client certificates required and verified, TLS 1.3,
   * sniStrict) that Traefik applies to every router on this entrypoint without its own `tls`
   * section (`ports.<entrypoint>.http.tls.options`). Routers the library renders keep their
   * own per-service TLSOption. With no identities the option trusts only a CA that signs
   * nothing (`<name>-<entrypoint>-deny-all`), so such routers refuse every caller.
   * @default [] (refuse every caller on routers without their own TLSOption)
   */
  readonly identities?: readonly WorkloadIdentity[];
}

/** Arguments of {@link TraefikInstall}. */
export interface TraefikInstallArgs {
  /** Namespace of the release. @default "traefik" */
  readonly namespace?: string;
  /** Create the namespace when missing. @default true */
  readonly createNamespace?: boolean;
  /** Helm release name. @default the component name */
  readonly releaseName?: string;
  /** Chart version. @default {@link TRAEFIK_CHART_VERSION} */
  readonly chartVersion?: string;
  /** Chart repository. @default {@link TRAEFIK_CHART_REPOSITORY} */
  readonly repository?: string;
  /** The mTLS entrypoint. @default `{ name: "mesh", port: 8443, containerPort: 9443, exposePublicly: false }` */
  readonly mtlsEntrypoint?: MtlsEntrypointArgs;
  /**
   * Harden Traefik's `default` TLSOption (used for every router without options, and as
   * the *fallback* when routers of one host disagree): `sniStrict`, TLS ≥ 1.2 with AEAD
   * suites only. It cannot require client certificates, since the public `websecure`
   * entrypoint uses it too. @default true
   */
  readonly hardenDefaultTlsOption?: boolean;
  /**
   * Extra chart values, deep-merged over the library's (arrays replace). Values that
   * would make the mTLS entrypoint trust forwarded headers or PROXY headers, or turn its
   * TLS off, are refused. @default {}
   */
  readonly values?: Record<string, unknown>;
}

/** The resolved mTLS entrypoint. */
export interface ResolvedMtlsEntrypoint {
  /** Entrypoint name. */
  readonly name: string;
  /** Service port. */
  readonly port: number;
  /** Container port. */
  readonly containerPort: number;
  /** True when the Service exposes the port outside the cluster. */
  readonly exposePublicly: boolean;
}

/** The entrypoint-wide default TLS option of the mTLS entrypoint. */
export interface EntrypointDefaultTlsOption {
  /** Kubernetes name of the TLSOption. */
  readonly name: string;
  /** Kubernetes namespace of the TLSOption. */
  readonly namespace: string;
  /** How the static configuration references it (`<namespace>-<name>@kubernetescrd`). */
  readonly reference: string;
  /** Secret (key `tls.ca`) holding the trusted identity CAs. */
  readonly caSecretName: string;
}

/**
 * The policy of the entrypoint's default TLS option: TLS 1.3 only and sniStrict, like a
 * default MtlsService. Client certificates are always required and verified.
 */
export const ENTRYPOINT_DEFAULT_TLS_POLICY: TlsPolicy = { minVersion: "1.3", cipherSuites: [], sniStrict: true };

/**
 * Names of the entrypoint's default TLS option. Traefik's Kubernetes CRD provider names a
 * TLSOption `<namespace>-<name>` and the static configuration refers to it with the provider
 * suffix `@kubernetescrd` (doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/tls/tlsoption/).
 */
export function entrypointDefaultTlsOption(releaseName: string, namespace: string, entrypoint: string): EntrypointDefaultTlsOption {
  const name = `${releaseName}-${entrypoint}-mtls`;
  return { name, namespace, reference: `${namespace}-${name}@kubernetescrd`, caSecretName: `${releaseName}-${entrypoint}-client-ca` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge: objects merge recursively, everything else (arrays included) replaces. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/**
 * The chart values the library sets, in the layout of chart >= v39 (`values.yaml` of the
 * vendored 41.3.0): `ports.<name>.{port,exposedPort,expose.<service>,protocol,http.tls,
 * forwardedHeaders,proxyProtocol}`, `service.additionalServices.<name>.spec`,
 * `providers.kubernetesCRD`, `tlsOptions`. Since chart v39 an entrypoint's TLS lives at
 * `ports.<name>.http.tls` (`templates/_podtemplate.tpl` renders `--entryPoints.<name>.http.tls=true`
 * and `…http.tls.options=<ref>` from it). Where each value lands in the rendered chart
 * (Traefik CLI flag or Kubernetes field) is tabled in docs/traefik-mtls.md.
 * `meshTlsOption` is the reference of the mTLS entrypoint's default TLS option.
 */
export function buildTraefikValues(ep: ResolvedMtlsEntrypoint, hardenDefaultTlsOption: boolean, meshTlsOption?: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    providers: {
      kubernetesCRD: { enabled: true, allowCrossNamespace: false, allowExternalNameServices: false },
    },
    ports: {
      web: { expose: { default: true } },
      // Since chart v39.0.0 an entrypoint's TLS is `ports.<name>.http.tls` (the schema rejects `ports.<name>.tls`).
      websecure: { expose: { default: true }, http: { tls: { enabled: true } } },
      [ep.name]: {
        port: ep.containerPort,
        exposedPort: ep.port,
        protocol: "TCP",
        expose: { default: ep.exposePublicly, internal: true },
        // Every router on this entrypoint without its own `tls` section gets this TLS option:
        // client certificates from the mesh identities, required and verified.
        http: { tls: { enabled: true, ...(meshTlsOption ? { options: meshTlsOption } : {}) } },
        // Never trust X-Forwarded-* (incl. X-Forwarded-Tls-Client-Cert) from peers: Traefik's
        // forwardedHeaders middleware then strips them on this entrypoint.
        forwardedHeaders: { trustedIPs: [], insecure: false },
        proxyProtocol: { trustedIPs: [], insecure: false },
      },
    },
    // The chart renders `service.additionalServices.<name>.spec` into the Service spec (_service.tpl `traefik.service-spec`).
    service: { additionalServices: { internal: { spec: { type: "ClusterIP" } } } },
  };
  if (hardenDefaultTlsOption) {
    values.tlsOptions = {
      default: { sniStrict: true, minVersion: "VersionTLS12", cipherSuites: [...DEFAULT_TLS12_CIPHER_SUITES] },
    };
  }
  return values;
}

/**
 * Traefik v3 from the official Helm chart, with entrypoints `web`, `websecure` and a
 * private mTLS entrypoint (default `mesh`, port 8443, TLS on, internal only), and the
 * Kubernetes CRD provider on. Keeps the host → TLSOption registry that lets MtlsService
 * refuse hosts whose TLS options would conflict.
 */
export class TraefikInstall extends pulumi.ComponentResource {
  /** Entrypoint names routes may use. */
  readonly entrypoints: readonly string[];
  /** The mTLS entrypoint. */
  readonly mtlsEntrypoint: ResolvedMtlsEntrypoint;
  /** Namespace of the release. */
  readonly namespace: string;
  /** Host → TLSOption claims of routes on this install. */
  readonly tlsOptionRegistry = new TlsOptionRegistry();
  /** The Helm release. */
  readonly release: Release;
  /** The mTLS entrypoint's default TLS option (applies to its routers without their own `tls`). */
  readonly meshDefaultTlsOption: EntrypointDefaultTlsOption;
  /** Identities the default TLS option trusts (empty: it refuses every caller). */
  readonly meshIdentityNames: readonly string[];
  /** PEM bundle the default TLS option trusts. */
  readonly meshClientCaBundle: pulumi.Output<string>;
  /** The default TLSOption custom resource. */
  readonly meshTlsOption: CustomResource;
  /** Helm release status. */
  readonly status: pulumi.Output<string>;
  /** The chart's main Service (Helm `traefik.fullname`: the release name when it contains "traefik", else `<release>-traefik`). */
  readonly serviceName: string;

  constructor(name: string, args: TraefikInstallArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    checkTraefikInstallContract(name, args);
    const namespace = args.namespace ?? "traefik";
    const ep: ResolvedMtlsEntrypoint = {
      name: args.mtlsEntrypoint?.name ?? "mesh",
      port: args.mtlsEntrypoint?.port ?? 8443,
      containerPort: args.mtlsEntrypoint?.containerPort ?? 9443,
      exposePublicly: args.mtlsEntrypoint?.exposePublicly ?? false,
    };
    validateTraefikInstallArgs(name, { namespace, mtlsEntrypoint: ep });
    const identities = args.mtlsEntrypoint?.identities ?? [];
    const ic = argChecker("TraefikInstall", name);
    const seen = new Set<string>();
    identities.forEach((id, i) => {
      ic.check(isWorkloadIdentity(id), `mtlsEntrypoint.identities[${i}]`, "is not a WorkloadIdentity; create one with `new WorkloadIdentity(name, { uris })`");
      ic.check(!seen.has(id.name), `mtlsEntrypoint.identities[${i}]`, `(${JSON.stringify(id.name)}) is listed twice`);
      seen.add(id.name);
    });
    const releaseName = args.releaseName ?? name;
    const defaultOption = entrypointDefaultTlsOption(releaseName, namespace, ep.name);
    const values = deepMerge(buildTraefikValues(ep, args.hardenDefaultTlsOption ?? true, defaultOption.reference), args.values ?? {});
    const problem = meshValuesProblems(values, ep.name, defaultOption.reference)[0];
    if (problem) argChecker("TraefikInstall", name).fail("values", `are refused: ${problem}`);

    super("edge-mtls:traefik:TraefikInstall", name, {}, opts);

    this.namespace = namespace;
    this.mtlsEntrypoint = ep;
    this.entrypoints = ["web", "websecure", ep.name];
    this.serviceName = releaseName.includes("traefik") ? releaseName : `${releaseName}-traefik`;
    this.release = new Release(
      name,
      {
        name: args.releaseName ?? name,
        chart: "traefik",
        version: args.chartVersion ?? TRAEFIK_CHART_VERSION,
        repositoryOpts: { repo: args.repository ?? TRAEFIK_CHART_REPOSITORY },
        namespace,
        createNamespace: args.createNamespace ?? true,
        values,
      },
      { parent: this },
    );
    this.status = this.release.status.apply((s) => s?.status ?? "unknown");

    // The mTLS entrypoint's default TLS option and the identity CAs it trusts. Created after
    // the release (the chart installs the TLSOption CRD); until it exists, Traefik treats the
    // option as broken and closes connections to routers using it (fail closed).
    this.meshDefaultTlsOption = defaultOption;
    this.meshIdentityNames = identities.map((id) => id.name);
    let trusted: pulumi.Output<string>[] = identities.map((id) => id.issuingCaPem);
    if (identities.length === 0) {
      // A CA that signs nothing. The list must not be empty: Traefik refuses RequireAndVerifyClientCert
      // without CAs ("CAFiles is required", pkg/tls/tlsmanager.go), a broken option (docs/traefik-mtls.md).
      const denyKey = new tls.PrivateKey(`${name}-${ep.name}-deny-all-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
      const denyCa = new tls.SelfSignedCert(
        `${name}-${ep.name}-deny-all-ca`,
        {
          privateKeyPem: denyKey.privateKeyPem,
          subject: { commonName: `${releaseName} ${ep.name} deny-all anchor (signs nothing)`, organizationalUnit: "edge-mtls" },
          validityPeriodHours: 20 * 8760,
          isCaCertificate: true,
          allowedUses: ["cert_signing"],
        },
        { parent: this },
      );
      trusted = [denyCa.certPem];
    }
    this.meshClientCaBundle = pulumi.all(trusted).apply((pems) => pems.map((p) => p.trim()).join("\n") + "\n");
    const labels = { "app.kubernetes.io/managed-by": "edge-mtls", "edge-mtls/traefik-install": name };
    const caSecret = new Secret(
      `${name}-${ep.name}-client-ca`,
      { metadata: { name: defaultOption.caSecretName, namespace, labels }, type: "Opaque", stringData: { [TRAEFIK_CA_SECRET_KEY]: this.meshClientCaBundle } },
      { parent: this, dependsOn: [this.release] },
    );
    this.meshTlsOption = new CustomResource(
      `${name}-${ep.name}-mtls`,
      {
        apiVersion: TRAEFIK_API_VERSION,
        kind: "TLSOption",
        metadata: { name: defaultOption.name, namespace, labels },
        spec: buildTlsOptionSpec(ENTRYPOINT_DEFAULT_TLS_POLICY, [defaultOption.caSecretName]),
      },
      { parent: this, dependsOn: [this.release, caSecret] },
    );
    const topology: Topology = {
      trusts: identities.map((id) => ({ from: `traefik:${ep.name} (default TLS option)`, to: id.name, label: "client CA in entrypoint TLSOption" })),
    };
    this.registerOutputs({ topology, status: this.status, meshDefaultTlsOption: defaultOption, meshClientCaBundle: this.meshClientCaBundle });
  }

  /**
   * Where to send traffic for one of this install's entrypoints: Traefik's Service, the
   * Service port and the entrypoint (with `mtls` telling whether it demands client
   * certificates). TunnelOrigin's `origin` takes this and refuses an mTLS entrypoint.
   * The mesh entrypoint is reached through the chart's internal ClusterIP Service.
   */
  origin(entrypoint = "websecure"): {
    /** Traefik's Service. */
    service: {
      /** Namespace. */
      namespace: string;
      /** Name. */
      name: string;
    };
    /** Service port that reaches the entrypoint. */
    port: number;
    /** The entrypoint. */
    entrypoint: {
      /** Entrypoint name. */
      name: string;
      /** Container port. */
      port: number;
      /** True when it requires client certificates. */
      mtls: boolean;
    };
  } {
    if (!this.entrypoints.includes(entrypoint)) {
      argChecker("TraefikInstall", this.serviceName).fail("origin(entrypoint)", `(${JSON.stringify(entrypoint)}) is not an entrypoint of this install; use one of ${this.entrypoints.join(", ")}`);
    }
    if (entrypoint === this.mtlsEntrypoint.name) {
      return { service: { namespace: this.namespace, name: `${this.serviceName}-internal` }, port: this.mtlsEntrypoint.port, entrypoint: { name: entrypoint, port: this.mtlsEntrypoint.port, mtls: true } };
    }
    const port = entrypoint === "web" ? 80 : 443;
    return { service: { namespace: this.namespace, name: this.serviceName }, port, entrypoint: { name: entrypoint, port, mtls: false } };
  }

  /** True when `entrypoint` exists on this install. */
  hasEntrypoint(entrypoint: string): boolean {
    return this.entrypoints.includes(entrypoint);
  }
}
