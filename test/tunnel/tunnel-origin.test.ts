import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { TunnelOrigin } from "../../components/tunnel/tunnel-origin";
import { CATCH_ALL_SERVICE } from "../../components/tunnel/ingress";
import { CLOUDFLARED_IMAGE, ORIGIN_CA_POOL } from "../../components/tunnel/cloudflared";
import { decodeTunnelToken } from "../../components/tunnel/token";
import type { ServerCertificateIssuer, TraefikOrigin, TunnelOriginArgs } from "../../components/tunnel/types";
import { validateCustomResource } from "../support/crd";
import { renderPlan } from "../../engine/render";
import { InternalCA } from "../../components/internal-ca";
import * as x509 from "@peculiar/x509";

const T = {
  tunnel: "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
  config: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  dns: "cloudflare:index/dnsRecord:DnsRecord",
  zoneSetting: "cloudflare:index/zoneSetting:ZoneSetting",
  secretBytes: "random:index/randomBytes:RandomBytes",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  namespace: "kubernetes:core/v1:Namespace",
  deployment: "kubernetes:apps/v1:Deployment",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
} as const;

const websecure: TraefikOrigin = {
  service: { namespace: "traefik", name: "traefik-public" },
  port: 443,
  entrypoint: { name: "websecure", port: 8443, mtls: false },
};

/** Seed 000: whoami and grafana behind Traefik, origin certificate `mlops-wildcard-tls` from a DNS-01 issuer. */
const seed000: TunnelOriginArgs = {
  accountId: "699d98642c564d2e855e9661899b7252",
  zone: { id: "023e105f4ecef8ad9ca31a8372d0c353", name: "mlops-club.org" },
  origin: websecure,
  routes: ["whoami.mlops-club.org", "grafana.mlops-club.org", { hostname: "whoami.mlops-club.org", path: "^/api/" }],
  originCertificate: { kind: "cert-manager", issuerRef: { name: "letsencrypt-dns01" }, secretName: "mlops-wildcard-tls" },
  setSslModeStrict: true,
};

function plan(args: TunnelOriginArgs = seed000, name = "edge"): Promise<PlanResult> {
  return runProgram(() => {
    const t = new TunnelOrigin(name, args);
    return { tunnelId: t.tunnelId, cnameTarget: t.cnameTarget, hostnames: t.hostnames };
  });
}

type Ingress = { hostname?: string; path?: string; service: string; originRequest?: Record<string, unknown> };
const ingresses = (p: PlanResult): Ingress[] => (p.find(T.config).inputs.config as { ingresses: Ingress[] }).ingresses;
type Pod = {
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  topologySpreadConstraints?: unknown[];
  containers: Array<Record<string, unknown> & { securityContext?: Record<string, unknown>; args?: string[]; command?: string[]; env?: Array<Record<string, unknown>> }>;
  volumes?: Array<Record<string, unknown>>;
};
const podSpec = (d: RecordedResource): Pod => (d.inputs.spec as { template: { spec: Pod } }).template.spec;

/**
 * A restricted-profile security check of a pod spec (Pod Security Standards "restricted", plus probes
 * and resources). Returns the problems found.
 */
function podSecurityProblems(pod: Pod): string[] {
  const problems: string[] = [];
  if (pod.securityContext?.runAsNonRoot !== true) problems.push("pod: runAsNonRoot is not true");
  if ((pod.securityContext?.seccompProfile as { type?: string } | undefined)?.type !== "RuntimeDefault") problems.push("pod: seccompProfile is not RuntimeDefault");
  if (pod.automountServiceAccountToken !== false) problems.push("pod: service account token is mounted");
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    const n = String(c.name);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${n}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) problems.push(`${n}: privileged`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${n}: root filesystem is writable`);
    if (sc.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) problems.push(`${n}: may run as root`);
    const drop = ((sc.capabilities as { drop?: string[] } | undefined)?.drop ?? []).map((d) => d.toUpperCase());
    if (!drop.includes("ALL")) problems.push(`${n}: capabilities not dropped`);
    if (((sc.capabilities as { add?: string[] } | undefined)?.add ?? []).length > 0) problems.push(`${n}: adds capabilities`);
    if (!c.readinessProbe) problems.push(`${n}: no readiness probe`);
    if (!c.livenessProbe) problems.push(`${n}: no liveness probe`);
    const res = c.resources as { requests?: Record<string, string>; limits?: Record<string, string> } | undefined;
    if (!res?.requests?.cpu || !res.requests.memory) problems.push(`${n}: no resource requests`);
    if (!res?.limits?.memory) problems.push(`${n}: no memory limit`);
    if (/:latest$|^[^:@]+$/.test(String(c.image))) problems.push(`${n}: image not pinned`);
  }
  return problems;
}

describe("TunnelOrigin: Cloudflare side", () => {
  it("creates one remotely-managed tunnel whose secret is 32 random bytes", async () => {
    const p = await plan();
    const tunnel = p.find(T.tunnel);
    expect(tunnel.inputs).toMatchObject({ accountId: seed000.accountId, name: "edge", configSrc: "cloudflare" });
    expect(Buffer.from(String(tunnel.inputs.tunnelSecret), "base64")).toHaveLength(32);
    expect(p.find(T.secretBytes).inputs).toMatchObject({ length: 32 });
  });

  it("builds exactly one configuration for the tunnel, ending with exactly one catch-all", async () => {
    const p = await plan();
    const config = p.find(T.config);
    expect(config.inputs.tunnelId).toBe(p.find(T.tunnel).id);
    const rules = ingresses(p);
    expect(rules.at(-1)).toEqual({ service: CATCH_ALL_SERVICE });
    expect(rules.filter((r) => r.service === CATCH_ALL_SERVICE || r.hostname === undefined)).toHaveLength(1);
  });

  it("has one rule per route, path rules before their hostname's catch-all rule", async () => {
    const rules = ingresses(await plan());
    expect(rules.map((r) => [r.hostname, r.path])).toEqual([
      ["whoami.mlops-club.org", "^/api/"],
      ["whoami.mlops-club.org", undefined],
      ["grafana.mlops-club.org", undefined],
      [undefined, undefined],
    ]);
  });

  it("sends every rule to Traefik over https with originServerName, http2Origin, timeouts and verification on", async () => {
    for (const rule of ingresses(await plan()).slice(0, -1)) {
      expect(rule.service).toBe("https://traefik-public.traefik.svc.cluster.local:443");
      expect(rule.originRequest).toMatchObject({
        originServerName: rule.hostname,
        http2Origin: true,
        noTlsVerify: false,
        connectTimeout: 10,
        tlsTimeout: 10,
      });
    }
  });

  it("gives every hostname one proxied CNAME to <tunnel-id>.cfargotunnel.com", async () => {
    const p = await plan();
    const target = `${p.find(T.tunnel).id ?? ""}.cfargotunnel.com`;
    const records = p.all(T.dns);
    expect(records.map((r) => r.inputs.name).sort()).toEqual(["grafana.mlops-club.org", "whoami.mlops-club.org"]);
    for (const r of records) {
      expect(r.inputs).toMatchObject({ zoneId: seed000.zone.id, type: "CNAME", content: target, proxied: true, ttl: 1 });
    }
  });

  it("sets the zone SSL mode to Full (strict) when asked", async () => {
    expect((await plan()).find(T.zoneSetting).inputs).toMatchObject({ zoneId: seed000.zone.id, settingId: "ssl", value: "strict" });
  });

  it("leaves the zone SSL mode alone by default", async () => {
    expect((await plan({ ...seed000, setSslModeStrict: undefined })).all(T.zoneSetting)).toEqual([]);
  });

  it("exports the tunnel id, the CNAME target and the hostnames", async () => {
    const p = await plan();
    const id = p.find(T.tunnel).id ?? "";
    expect(p.outputs).toEqual({ tunnelId: id, cnameTarget: `${id}.cfargotunnel.com`, hostnames: ["whoami.mlops-club.org", "grafana.mlops-club.org"] });
  });

  it("two TunnelOrigins never configure the same tunnel", async () => {
    const p = await runProgram(() => {
      new TunnelOrigin("public", seed000);
      new TunnelOrigin("partners", { ...seed000, routes: ["partners.mlops-club.org"], setSslModeStrict: false });
    });
    const tunnelIds = p.all(T.tunnel).map((t) => t.id);
    const configured = p.all(T.config).map((c) => c.inputs.tunnelId);
    expect(new Set(configured).size).toBe(configured.length);
    expect(configured.sort()).toEqual(tunnelIds.sort());
  });
});

describe("TunnelOrigin: rotation", () => {
  it("a new tunnelSecretVersion changes the secret and the token and rolls cloudflared, keeping the CNAMEs", async () => {
    const before = await plan();
    const after = await runProgram(() => {
      new TunnelOrigin("edge", { ...seed000, tunnelSecretVersion: "2" });
    }, { prior: before });
    const token = (p: PlanResult) => (p.find(T.secret, "edge-tunnel-token").inputs.stringData as { token: string }).token;
    expect(after.find(T.tunnel).inputs.tunnelSecret).not.toBe(before.find(T.tunnel).inputs.tunnelSecret);
    expect(token(after)).not.toBe(token(before));
    expect(after.ops[after.find(T.deployment).urn]).toBe("update");
    for (const r of after.all(T.dns)) expect(after.ops[r.urn]).toBe("same");
  });
});

describe("TunnelOrigin: preview", () => {
  it("plans under `pulumi preview`, where the tunnel id is not yet known", async () => {
    const p = await runProgram(() => {
      new TunnelOrigin("edge", seed000);
    }, { preview: true });
    expect(p.all(T.dns)).toHaveLength(2);
    expect(p.find(T.secret, "edge-tunnel-token").isSecret("stringData.token")).toBe(true);
  });
});

describe("TunnelOrigin: secrets", () => {
  it("keeps the tunnel secret secret in the tunnel's inputs and the random bytes' outputs", async () => {
    const p = await plan();
    expect(p.find(T.tunnel).isSecret("tunnelSecret")).toBe(true);
    expect(p.find(T.secretBytes).isSecret("base64")).toBe(true);
  });

  it("stores the token, secret, in a Kubernetes Secret, as cloudflared's {a, s, t} for this tunnel", async () => {
    const p = await plan();
    const s = p.find(T.secret, "edge-tunnel-token");
    expect(s.isSecret("stringData.token")).toBe(true);
    const token = decodeTunnelToken(String((s.inputs.stringData as { token: string }).token));
    expect(token).toEqual({ a: seed000.accountId, t: p.find(T.tunnel).id, s: p.find(T.tunnel).inputs.tunnelSecret });
  });

  it("never puts the secret or token in a non-secret place: no other input or output contains them", async () => {
    const p = await plan();
    const tunnelSecret = String(p.find(T.tunnel).inputs.tunnelSecret);
    const token = String((p.find(T.secret, "edge-tunnel-token").inputs.stringData as { token: string }).token);
    const leaks: string[] = [];
    const walk = (r: RecordedResource, v: unknown, path: string): void => {
      if (typeof v === "string") {
        if ((v.includes(tunnelSecret) || v.includes(token)) && !r.isSecret(path)) leaks.push(`${r.name}:${path}`);
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(r, x, path ? `${path}.${i}` : String(i)));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(r, x, path ? `${path}.${k}` : k);
    };
    for (const r of p.resources) {
      walk(r, r.inputs, "");
      walk(r, r.outputs, "");
    }
    expect(leaks).toEqual([]);
    expect(JSON.stringify(p.outputs)).not.toContain(token);
  });
});

describe("TunnelOrigin: plan output", () => {
  it("never shows the tunnel secret or the token in any rendered plan file", async () => {
    const p = await plan();
    const bytes = p.find(T.secretBytes).outputs;
    const secrets = [
      String(p.find(T.tunnel).inputs.tunnelSecret),
      String(bytes.hex),
      String((p.find(T.secret, "edge-tunnel-token").inputs.stringData as { token: string }).token),
    ];
    const files = renderPlan(p);
    expect(files.size).toBeGreaterThan(0);
    for (const [file, content] of files) {
      for (const secret of secrets) expect(content.includes(secret), `${file} contains a secret`).toBe(false);
    }
  });
});

describe("TunnelOrigin: cloudflared workload", () => {
  it("passes a restricted pod security check", async () => {
    expect(podSecurityProblems(podSpec((await plan()).find(T.deployment)))).toEqual([]);
  });

  it("runs the pinned image with --no-autoupdate and metrics on 0.0.0.0:2000, probes on /ready", async () => {
    const [c] = podSpec((await plan()).find(T.deployment)).containers;
    expect(c?.image).toBe(CLOUDFLARED_IMAGE);
    expect(c?.args).toEqual(["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"]);
    expect(c?.readinessProbe).toMatchObject({ httpGet: { path: "/ready", port: "metrics" } });
    expect(c?.livenessProbe).toMatchObject({ httpGet: { path: "/ready", port: "metrics" } });
  });

  it("reads the token from the Secret through TUNNEL_TOKEN, never from the command line", async () => {
    const p = await plan();
    const token = String((p.find(T.secret, "edge-tunnel-token").inputs.stringData as { token: string }).token);
    const [c] = podSpec(p.find(T.deployment)).containers;
    expect(c?.env).toEqual([
      { name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: (p.find(T.secret, "edge-tunnel-token").outputs.metadata as { name: string }).name, key: "token" } } },
    ]);
    expect(JSON.stringify([c?.command, c?.args])).not.toContain(token);
    expect(c?.args).not.toContain("--token");
  });

  it("runs 2 replicas by default, spread across nodes, with a PodDisruptionBudget", async () => {
    const p = await plan();
    const d = p.find(T.deployment);
    expect((d.inputs.spec as { replicas: number }).replicas).toBe(2);
    expect(podSpec(d).topologySpreadConstraints).toContainEqual(expect.objectContaining({ topologyKey: "kubernetes.io/hostname", maxSkew: 1 }));
    const pdb = p.find(T.pdb);
    expect(pdb.inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: (d.inputs.spec as { selector: { matchLabels: unknown } }).selector.matchLabels } });
  });

  it("creates a namespace enforcing the restricted Pod Security profile by default", async () => {
    const ns = (await plan()).find(T.namespace);
    expect(ns.inputs.metadata).toMatchObject({ name: "cloudflared-edge", labels: { "pod-security.kubernetes.io/enforce": "restricted" } });
  });
});

describe("TunnelOrigin: origin certificate", () => {
  it("requests a cert-manager wildcard from the DNS-01 issuer into the Secret Traefik serves (seed 000)", async () => {
    const cert = (await plan()).find(T.certificate);
    expect(cert.inputs).toMatchObject({
      metadata: { name: "mlops-wildcard-tls", namespace: "traefik" },
      spec: { secretName: "mlops-wildcard-tls", dnsNames: ["mlops-club.org", "*.mlops-club.org"], issuerRef: { name: "letsencrypt-dns01", kind: "ClusterIssuer" } },
    });
    expect(validateCustomResource(cert.inputs as { apiVersion: string; kind: string })).toEqual([]);
  });

  it("verifies a publicly-trusted cert-manager certificate against system roots (no caPool)", async () => {
    const p = await plan();
    expect(ingresses(p)[0]?.originRequest).not.toHaveProperty("caPool");
    expect(p.all(T.configMap)).toEqual([]);
  });

  it("mounts a private issuer's CA where caPool points", async () => {
    const ca = "-----BEGIN CERTIFICATE-----\nPRIVATE-ACME\n-----END CERTIFICATE-----\n";
    // An Output (as from a CertManagerIssuer or a stack reference): a plain string would be parsed at construction.
    const p = await plan({ ...seed000, originCertificate: { kind: "cert-manager", issuerRef: { name: "step" }, caPem: pulumi.output(ca) } });
    expect(ingresses(p)[0]?.originRequest).toMatchObject({ caPool: ORIGIN_CA_POOL });
    const cm = p.find(T.configMap);
    expect(cm.inputs.data).toEqual({ "ca.crt": ca });
    const pod = podSpec(p.find(T.deployment));
    expect(pod.volumes).toEqual([{ name: "origin-ca", configMap: { name: (cm.outputs.metadata as { name: string }).name, items: [{ key: "ca.crt", path: "ca.crt" }] } }]);
    expect(pod.containers[0]?.volumeMounts).toEqual([{ name: "origin-ca", mountPath: "/etc/cloudflared/origin-ca", readOnly: true }]);
  });

  it("issues an InternalCA server certificate for the hostnames and trusts its CA", async () => {
    const issued: Array<{ name: string; dnsNames: readonly string[] | undefined }> = [];
    const p = await runProgram(() => {
      const ca: ServerCertificateIssuer = {
        issueServerCertificate(name, args) {
          issued.push({ name, dnsNames: args.dnsNames });
          return {
            certPem: pulumi.output("LEAF\n"),
            chainPem: pulumi.output("INTERMEDIATE\n"),
            caPem: pulumi.output("ROOT\n"),
            privateKeyPem: pulumi.secret("KEY\n"),
          };
        },
      };
      new TunnelOrigin("edge", { ...seed000, originCertificate: { kind: "internal-ca", ca } });
    });
    expect(issued).toEqual([{ name: "edge-origin", dnsNames: ["whoami.mlops-club.org", "grafana.mlops-club.org"] }]);
    const tls = p.find(T.secret, "edge-origin-tls");
    expect(tls.inputs).toMatchObject({ type: "kubernetes.io/tls", metadata: { name: "edge-origin-tls", namespace: "traefik" } });
    expect((tls.inputs.stringData as Record<string, string>)["tls.crt"]).toBe("LEAF\nINTERMEDIATE\n");
    expect(tls.isSecret("stringData.tls.key")).toBe(true);
    expect(p.find(T.configMap).inputs.data).toEqual({ "ca.crt": "ROOT\n" });
    expect(ingresses(p)[0]?.originRequest).toMatchObject({ caPool: ORIGIN_CA_POOL });
  });
});

describe("TunnelOrigin: with the real InternalCA", () => {
  it("serves a leaf for the hostnames that verifies against the mounted CA bundle", async () => {
    const p = await runProgram(() => {
      const ca = new InternalCA("mesh", {});
      new TunnelOrigin("edge", { ...seed000, originCertificate: { kind: "internal-ca", ca } });
    });
    const tls = p.find(T.secret, "edge-origin-tls").inputs.stringData as Record<string, string>;
    const leaf = new x509.X509Certificate(tls["tls.crt"] ?? "");
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.items.map((n) => n.value).sort()).toEqual(["grafana.mlops-club.org", "whoami.mlops-club.org"]);
    const bundle = String((p.find(T.configMap).inputs.data as Record<string, string>)["ca.crt"]);
    const roots = bundle.split(/(?=-----BEGIN CERTIFICATE-----)/).map((pem) => new x509.X509Certificate(pem));
    expect(roots.some((r) => r.subject === leaf.issuer)).toBe(true);
  });
});

describe("TunnelOrigin: construction errors and warnings", () => {
  // Arguments are validated before the component registers anything, so a bad input throws
  // from the constructor itself, with no resource (not even the component) left behind.
  it("refuses the mTLS entrypoint (cloudflared#860)", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, origin: { ...websecure, entrypoint: { name: "websecure-mtls", mtls: true } } })).toThrow(
      /TunnelOrigin "edge": origin\.entrypoint \("websecure-mtls"\) requires client certificates/,
    );
  });

  it("refuses a hostname outside the zone", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, routes: ["app.example.com"] })).toThrow(/is not in zone "mlops-club\.org"/);
  });

  it("refuses duplicate hostnames", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, routes: ["a.mlops-club.org", "a.mlops-club.org"] })).toThrow(/duplicates routes\[0\]/);
  });

  it("refuses a plain http:// origin unless allowed", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, origin: { url: "http://whoami.default.svc:80" }, originCertificate: undefined })).toThrow(
      /is plain http:\/\//,
    );
  });

  it("refuses noTlsVerify unless allowed", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, routes: [{ hostname: "whoami.mlops-club.org", noTlsVerify: true }] })).toThrow(
      /noTlsVerify \(true\) disables verification/,
    );
  });

  it("refuses a hostname two labels deep under Universal SSL (seed 000's outage)", () => {
    expect(() => new TunnelOrigin("edge", { ...seed000, routes: ["whoami.dev.mlops-club.org"] })).toThrow(/Universal SSL certificate covers only the apex/);
  });

  it("accepts a deep hostname when an advanced certificate covers it", async () => {
    const p = await plan({ ...seed000, routes: ["whoami.dev.mlops-club.org"], edgeCertificate: "advanced" });
    expect(p.find(T.dns).inputs.name).toBe("whoami.dev.mlops-club.org");
  });

  it("logs a warning for an allowed http:// origin", async () => {
    const p = await plan({ ...seed000, origin: { url: "http://whoami.default.svc:80" }, originCertificate: undefined, allowInsecureOrigin: true });
    expect(p.warnings).toContainEqual(expect.stringMatching(/reaches its origin over plain http:\/\//));
  });

  it("logs a warning for an allowed noTlsVerify", async () => {
    const p = await plan({ ...seed000, routes: [{ hostname: "whoami.mlops-club.org", noTlsVerify: true }], allowInsecureOrigin: true });
    expect(p.warnings).toContainEqual(expect.stringMatching(/noTlsVerify/));
  });
});

describe("origin certificate ordering (cert-manager)", () => {
  it("orders the cert-manager Certificate after the resources given in dependsOn and waits for Ready", async () => {
    const plan = await runProgram(async () => {
      const crd = new k8s.core.v1.ConfigMap("stand-in-for-cert-manager", { metadata: { namespace: "cert-manager" }, data: { x: "y" } });
      new TunnelOrigin("ordered", {
        accountId: "0123456789abcdef0123456789abcdef",
        zone: { id: "1123456789abcdef0123456789abcdef", name: "example.com" },
        routes: ["app.example.com"],
        origin: { service: { namespace: "traefik", name: "traefik" }, port: 443, entrypoint: { name: "websecure", mtls: false } },
        originCertificate: { kind: "cert-manager", issuerRef: { name: "letsencrypt" }, dependsOn: [crd] },
      });
    });
    const cert = plan.find("kubernetes:cert-manager.io/v1:Certificate");
    expect(cert.dependencies).toContain(plan.find("kubernetes:core/v1:ConfigMap").urn);
    expect((cert.inputs.metadata as { annotations: Record<string, string> }).annotations["pulumi.com/waitFor"]).toBe("condition=Ready");
  });
});
