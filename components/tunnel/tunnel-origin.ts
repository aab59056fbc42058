/**
 * TunnelOrigin: public hostnames → Cloudflare edge → remotely-managed Cloudflare Tunnel →
 * cloudflared in the cluster → Traefik's server-TLS entrypoint over verified HTTPS.
 *
 * One TunnelOrigin owns one tunnel and builds that tunnel's single configuration document from
 * all of its routes at construction. The tunnel id is never taken as an input, so no other
 * component can attach a second configuration to it (the API keeps one document per tunnel, and
 * two config resources would overwrite each other on every `pulumi up`). Several applications'
 * routes are combined with `mergeRoutes` and passed together.
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { Ruleset } from "@pulumi/cloudflare/ruleset";
import { ZeroTrustTunnelCloudflared } from "@pulumi/cloudflare/zeroTrustTunnelCloudflared";
import { ZeroTrustTunnelCloudflaredConfig } from "@pulumi/cloudflare/zeroTrustTunnelCloudflaredConfig";
import { ZoneSetting } from "@pulumi/cloudflare/zoneSetting";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1/podDisruptionBudget";
import type { Topology } from "../common/topology";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  CLOUDFLARED_IMAGE,
  ORIGIN_CA_KEY,
  ORIGIN_CA_POOL,
  TOKEN_SECRET_KEY,
  cloudflaredLabels,
  cloudflaredPodSpec,
  fullChainPem,
} from "./cloudflared";
import { buildIngressRules } from "./ingress";
import { encodeTunnelToken } from "./token";
import type { TunnelOriginArgs } from "./types";
import { validateTunnelOriginArgs } from "./validate";
import { argChecker, q } from "../common/errors";
import { claimZonePhase, declareProxiedZone, proxiedHostnamesIn } from "../api-shield/zone-registry";
import { rulesStringLiteral } from "../api-shield/expression";
import { readinessAnnotations, renderCertificateSpec } from "../cert-manager/render";
import { parseCertStatus, type CertStatusSummary, type CertificateStatusInput } from "../cert-manager/status";

/** Where Traefik finds the origin certificate. */
export interface OriginTlsSecretRef {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
}

/** Cloudflare Tunnel in front of Traefik, with a verified origin hop. See docs/tunnel-origin.md. */
export class TunnelOrigin extends pulumi.ComponentResource {
  /** The tunnel's UUID. */
  readonly tunnelId: pulumi.Output<string>;
  /** `<tunnel-id>.cfargotunnel.com`, the target of every hostname's CNAME. */
  readonly cnameTarget: pulumi.Output<string>;
  /** The published hostnames (one CNAME each). */
  readonly hostnames: pulumi.Output<string[]>;
  /** Namespace cloudflared runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The Secret Traefik must serve as its default certificate, when `originCertificate` is set. */
  readonly originTlsSecret: pulumi.Output<OriginTlsSecretRef | undefined>;
  /**
   * The origin certificate's state for dashboards: for a cert-manager certificate, its live
   * status projected by `parseCertStatus` (pending until cert-manager reports); for an
   * InternalCA certificate, `issued` once minted. `undefined` without `originCertificate`.
   */
  readonly originCertificateStatus: pulumi.Output<CertStatusSummary | undefined>;

  constructor(name: string, args: TunnelOriginArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: a bad argument leaves no half-built component behind.
    const v = validateTunnelOriginArgs(name, args);
    const scope = args.sslModeStrictScope ?? "zone";
    const c = argChecker("TunnelOrigin", name);
    c.check(scope === "zone" || scope === "hostnames", "sslModeStrictScope", `(${q(scope)}) must be "zone" or "hostnames"`);
    const owner = `TunnelOrigin ${q(name)}`;
    const claimConfigPhase = (zoneId: string): void => {
      const previous = claimZonePhase(zoneId, CONFIG_SETTINGS_PHASE, owner);
      if (previous !== undefined) c.fail("sslModeStrictScope", `("hostnames") needs the zone's ${CONFIG_SETTINGS_PHASE} entry point ruleset, which ${previous} already manages in this program`);
    };
    if ((args.setSslModeStrict ?? false) && scope === "hostnames" && typeof args.zone.id === "string") claimConfigPhase(args.zone.id);
    // Every tunnel hostname is a proxied CNAME: the zone is proxied (Workers cannot present client certificates to it).
    declareProxiedZone(args.zone.name, owner, v.hostnames);
    super("edge-mtls:tunnel:TunnelOrigin", name, {}, opts);
    for (const w of v.warnings) void pulumi.log.warn(w, this);
    const parent = { parent: this };

    // --- Cloudflare: tunnel, its secret, its one configuration, the CNAMEs -------------------------
    const secretVersion = args.tunnelSecretVersion ?? "1";
    const secret = new random.RandomBytes(
      `${name}-tunnel-secret`,
      { length: 32, keepers: { version: secretVersion } },
      { ...parent, additionalSecretOutputs: ["base64", "hex"] },
    );
    const tunnelSecret = pulumi.secret(secret.base64);
    const tunnel = new ZeroTrustTunnelCloudflared(
      `${name}-tunnel`,
      { accountId: args.accountId, name: args.tunnelName ?? name, configSrc: "cloudflare", tunnelSecret },
      parent,
    );
    this.tunnelId = tunnel.id;
    this.cnameTarget = tunnel.id.apply((id) => `${id}.cfargotunnel.com`);

    // Origin certificate (Traefik side) and the CA bundle cloudflared verifies it with.
    let caPem: pulumi.Input<string> | undefined;
    let certificateStatus: pulumi.Output<CertStatusSummary | undefined> = pulumi.output(undefined);
    let originTlsSecret: OriginTlsSecretRef | undefined;
    const cert = args.originCertificate;
    if (cert !== undefined && v.originCertificateNamespace !== undefined) {
      originTlsSecret = { namespace: v.originCertificateNamespace, name: cert.secretName ?? `${name}-origin-tls` };
      if (cert.kind === "cert-manager") {
        const certificate = new CustomResource(
          `${name}-origin-certificate`,
          {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: originTlsSecret.name, namespace: originTlsSecret.namespace, annotations: readinessAnnotations(cert.waitForReady !== false, 600) },
            // The same spec CertManagerIssuer.certificate() renders (ECDSA P-256, rotationPolicy Always).
            spec: renderCertificateSpec(
              { dnsNames: [...(v.certManagerDnsNames ?? [])], namespace: originTlsSecret.namespace, secretName: originTlsSecret.name },
              { name: cert.issuerRef.name, kind: cert.issuerRef.kind ?? "ClusterIssuer", group: "cert-manager.io" },
            ),
            // Listed (unset) so that the provider's read-back of `status` becomes an output.
            status: undefined,
          },
          { ...parent, dependsOn: [...(cert.dependsOn ?? [])] },
        );
        caPem = cert.caPem;
        const live = (certificate as unknown as { status?: pulumi.Output<CertificateStatusInput> }).status ?? pulumi.output(undefined);
        certificateStatus = live.apply((st) => parseCertStatus(st));
      } else {
        const issued = cert.ca.issueServerCertificate(`${name}-origin`, { dnsNames: v.originServerNames });
        // Trust the CA's bundle, not just its current root, so a CA rotation does not break the origin hop.
        const trust = issued.trustBundle ?? issued.caPem;
        certificateStatus = issued.certPem.apply(() => ({ status: "issued" as const, reason: "IssuedByInternalCA", message: "issued by the internal CA; rotated by pulumi up", servingValidCertificate: true }));
        new Secret(
          `${name}-origin-tls`,
          {
            metadata: { name: originTlsSecret.name, namespace: originTlsSecret.namespace },
            type: "kubernetes.io/tls",
            stringData: {
              "tls.crt": pulumi.all([issued.certPem, issued.chainPem]).apply(([c, ch]) => fullChainPem(c, ch)),
              "tls.key": pulumi.secret(issued.privateKeyPem),
              "ca.crt": trust,
            },
          },
          parent,
        );
        caPem = trust;
      }
    }

    new ZeroTrustTunnelCloudflaredConfig(
      `${name}-config`,
      {
        accountId: args.accountId,
        tunnelId: tunnel.id,
        source: "cloudflare",
        config: {
          ingresses: buildIngressRules(v.routes, {
            ...(caPem !== undefined ? { caPool: ORIGIN_CA_POOL } : {}),
            ...(args.originTimeouts ? { timeouts: args.originTimeouts } : {}),
          }),
        },
      },
      parent,
    );

    for (const hostname of v.hostnames) {
      new DnsRecord(
        `${name}-cname-${hostname}`,
        {
          zoneId: args.zone.id,
          name: hostname,
          type: "CNAME",
          content: this.cnameTarget,
          proxied: true,
          ttl: 1,
          comment: `Cloudflare Tunnel ${args.tunnelName ?? name} (edge-mtls TunnelOrigin ${name})`,
        },
        parent,
      );
    }

    if ((args.setSslModeStrict ?? false) && scope === "zone") {
      new ZoneSetting(`${name}-ssl-mode`, { zoneId: args.zone.id, settingId: "ssl", value: "strict" }, parent);
      // Logged once this component is registered (its URN is known in previews too), so components
      // constructed after this one are listed as well.
      this.urn.apply(() => {
        void pulumi.log.warn(sslModeZoneWideWarning(name, args.zone.name, v.hostnames, proxiedHostnamesIn(args.zone.name)), this);
      });
    } else if (args.setSslModeStrict ?? false) {
      const zoneId = pulumi.output(args.zone.id).apply((id) => {
        claimConfigPhase(id);
        return id;
      });
      new Ruleset(
        `${name}-ssl-strict`,
        {
          zoneId,
          kind: "zone",
          phase: CONFIG_SETTINGS_PHASE,
          name: `edge-mtls configuration rules for ${args.zone.name}`,
          description: `Managed by edge-mtls TunnelOrigin ${name}: SSL/TLS mode Full (strict) for the tunnel's hostnames only.`,
          rules: [
            {
              ref: `edge_mtls_${name.replace(/-/g, "_")}_ssl_strict`,
              description: `edge-mtls ${name}: Full (strict) for ${v.hostnames.join(", ")}`,
              expression: `(http.host in {${[...v.hostnames].sort().map(rulesStringLiteral).join(" ")}})`,
              action: "set_config",
              actionParameters: { ssl: "strict" },
              enabled: true,
            },
          ],
        },
        parent,
      );
    }

    // --- Kubernetes: token Secret, CA bundle, cloudflared Deployment and its PDB --------------------
    const namespaceName =
      args.namespace !== undefined
        ? pulumi.output(args.namespace)
        : new Namespace(
            `${name}-namespace`,
            {
              metadata: {
                name: `cloudflared-${name}`,
                labels: {
                  "pod-security.kubernetes.io/enforce": "restricted",
                  "pod-security.kubernetes.io/enforce-version": "latest",
                },
              },
            },
            parent,
          ).metadata.name;
    this.namespace = namespaceName;

    const token = pulumi.secret(
      pulumi.all([args.accountId, tunnel.id, tunnelSecret]).apply(([a, t, s]) => encodeTunnelToken(a, t, s)),
    );
    const tokenSecret = new Secret(
      `${name}-tunnel-token`,
      { metadata: { namespace: namespaceName, labels: cloudflaredLabels(name) }, type: "Opaque", stringData: { [TOKEN_SECRET_KEY]: token } },
      parent,
    );

    const caConfigMap =
      caPem !== undefined
        ? new ConfigMap(
            `${name}-origin-ca`,
            { metadata: { namespace: namespaceName, labels: cloudflaredLabels(name) }, data: { [ORIGIN_CA_KEY]: caPem } },
            parent,
          )
        : undefined;

    const labels = cloudflaredLabels(name);
    new Deployment(
      `${name}-cloudflared`,
      {
        metadata: { namespace: namespaceName, labels },
        spec: {
          replicas: args.replicas ?? 2,
          selector: { matchLabels: labels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: {
              labels,
              // cloudflared reads TUNNEL_TOKEN at start: a new secret or a new tunnel means a new token, so roll
              // the pods. Both inputs are non-secret (no hash of the token is published).
              annotations: { "edge-mtls.dev/tunnel-id": tunnel.id, "edge-mtls.dev/tunnel-secret-version": secretVersion },
            },
            spec: cloudflaredPodSpec({
              instance: name,
              image: args.image ?? CLOUDFLARED_IMAGE,
              tokenSecretName: tokenSecret.metadata.name,
              ...(caConfigMap ? { originCaConfigMapName: caConfigMap.metadata.name } : {}),
              ...(args.resources ? { resources: args.resources } : {}),
            }),
          },
        },
      },
      parent,
    );
    new PodDisruptionBudget(
      `${name}-cloudflared`,
      { metadata: { namespace: namespaceName, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
      parent,
    );

    this.hostnames = pulumi.output([...v.hostnames]);
    this.originTlsSecret = pulumi.output(originTlsSecret);
    this.originCertificateStatus = certificateStatus;
    const topology: Topology = {
      talksTo: [
        { from: "internet", to: "cloudflare edge", label: `HTTPS ${v.hostnames.join(", ")}` },
        { from: "cloudflare edge", to: `cloudflared ${name}`, label: "tunnel" },
        ...[...new Set(v.hostnames.map((h) => routeTargetLabel(args, h)))].map((t) => ({ from: `cloudflared ${name}`, to: t, label: args.allowInsecureOrigin ? "HTTP(S), insecure allowed" : "HTTPS, origin verified (caPool)" })),
      ],
    };
    this.registerOutputs({
      topology,
      tunnelId: this.tunnelId,
      cnameTarget: this.cnameTarget,
      hostnames: this.hostnames,
      namespace: this.namespace,
      originTlsSecret: this.originTlsSecret,
    });
  }
}

/** The phase of Configuration Rules (https://developers.cloudflare.com/rules/configuration-rules/create-api/). */
export const CONFIG_SETTINGS_PHASE = "http_config_settings";

/**
 * The warning for a zone-wide SSL mode: names every other hostname of the zone this program
 * proxies, and the per-hostname alternative.
 */
export function sslModeZoneWideWarning(name: string, zoneName: string, own: readonly string[], known: readonly { hostname: string; by: string }[]): string {
  const others = known.filter((k) => !own.includes(k.hostname)).map((k) => `${k.hostname} (${k.by})`);
  return (
    `TunnelOrigin ${q(name)}: setSslModeStrict sets the SSL/TLS mode of the whole zone ${zoneName} to Full (strict), not only ${own.join(", ")}: ` +
    `it also applies to ${others.length ? others.join(", ") + " and " : ""}every other proxied hostname of the zone, including records this program does not manage; ` +
    `an origin among them without a valid certificate for its name then answers 526. ` +
    `To change only this tunnel's hostnames, give sslModeStrictScope: "hostnames" (a Configuration Rule, https://developers.cloudflare.com/rules/configuration-rules/).`
  );
}

/** The diagram label of the origin a hostname's requests go to. */
function routeTargetLabel(args: TunnelOriginArgs, hostname: string): string {
  const route = args.routes.find((r) => typeof r !== "string" && r.hostname === hostname);
  const origin = (typeof route === "object" ? route.origin : undefined) ?? args.origin;
  if (!origin) return "origin";
  return "url" in origin ? origin.url : `traefik:${origin.entrypoint.name}`;
}
