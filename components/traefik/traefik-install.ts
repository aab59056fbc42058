import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../common/errors";
import { TlsOptionRegistry } from "./registry";
import { DEFAULT_TLS12_CIPHER_SUITES } from "./tls-policy";
import { meshValuesProblems, validateTraefikInstallArgs } from "./validate";

/**
 * The official Traefik Helm chart version installed by default (Traefik Proxy v3.7.x;
 * release PR traefik/traefik-helm-chart#1997 "publish 41.5.0", Traefik v3.7.13).
 * Pinned: a chart upgrade changes values keys and CRDs, so it is a deliberate change.
 */
export const TRAEFIK_CHART_VERSION = "41.5.0";
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
 * The chart values the library sets (keys from the chart's values.yaml, v3 layout:
 * `ports.<name>.{port,exposedPort,expose.<service>,protocol,tls,forwardedHeaders,proxyProtocol}`,
 * `service.additionalServices`, `providers.kubernetesCRD`, `tlsOptions`).
 */
export function buildTraefikValues(ep: ResolvedMtlsEntrypoint, hardenDefaultTlsOption: boolean): Record<string, unknown> {
  const values: Record<string, unknown> = {
    providers: {
      kubernetesCRD: { enabled: true, allowCrossNamespace: false, allowExternalNameServices: false },
    },
    ports: {
      web: { expose: { default: true } },
      websecure: { expose: { default: true }, tls: { enabled: true } },
      [ep.name]: {
        port: ep.containerPort,
        exposedPort: ep.port,
        protocol: "TCP",
        expose: { default: ep.exposePublicly, internal: true },
        tls: { enabled: true },
        // Never trust X-Forwarded-* (incl. X-Forwarded-Tls-Client-Cert) from peers: Traefik's
        // forwardedHeaders middleware then strips them on this entrypoint.
        forwardedHeaders: { trustedIPs: [], insecure: false },
        proxyProtocol: { trustedIPs: [], insecure: false },
      },
    },
    service: { additionalServices: { internal: { type: "ClusterIP" } } },
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
  readonly release: k8s.helm.v3.Release;
  /** Helm release status. */
  readonly status: pulumi.Output<string>;
  /** The chart's main Service (Helm `traefik.fullname`: the release name when it contains "traefik", else `<release>-traefik`). */
  readonly serviceName: string;

  constructor(name: string, args: TraefikInstallArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const namespace = args.namespace ?? "traefik";
    const ep: ResolvedMtlsEntrypoint = {
      name: args.mtlsEntrypoint?.name ?? "mesh",
      port: args.mtlsEntrypoint?.port ?? 8443,
      containerPort: args.mtlsEntrypoint?.containerPort ?? 9443,
      exposePublicly: args.mtlsEntrypoint?.exposePublicly ?? false,
    };
    validateTraefikInstallArgs(name, { namespace, mtlsEntrypoint: ep });
    const values = deepMerge(buildTraefikValues(ep, args.hardenDefaultTlsOption ?? true), args.values ?? {});
    const problem = meshValuesProblems(values, ep.name)[0];
    if (problem) argChecker("TraefikInstall", name).fail("values", `are refused: ${problem}`);

    super("edge-mtls:traefik:TraefikInstall", name, {}, opts);

    this.namespace = namespace;
    this.mtlsEntrypoint = ep;
    this.entrypoints = ["web", "websecure", ep.name];
    const releaseName = args.releaseName ?? name;
    this.serviceName = releaseName.includes("traefik") ? releaseName : `${releaseName}-traefik`;
    this.release = new k8s.helm.v3.Release(
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
    this.registerOutputs({ status: this.status });
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
