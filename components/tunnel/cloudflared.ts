/**
 * The cloudflared workload as plain Kubernetes specs (pure; the component wraps them in resources).
 *
 * Sources: Cloudflare's Kubernetes guide (`tunnel --no-autoupdate --metrics 0.0.0.0:2000 run`,
 * liveness on `/ready`), cloudflared's Dockerfile (user 65532:65532, entrypoint
 * `cloudflared --no-autoupdate`), and cmd/cloudflared/tunnel flags (`--token` reads `TUNNEL_TOKEN`).
 * The token is given only through the environment, never on the command line (`ps`, events and
 * `kubectl describe` show arguments).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "./types";

/**
 * The pinned cloudflared image: 2026.8.2 (2026-08-14), the newest release found (its
 * RELEASE_NOTES: security fixes VULN-141859, VULN-143514, VULN-118896 since 2026.7). Between
 * 2025.11.1 and it, the breaking changes (CHANGES.md) are 2026.2.0's removal of `proxy-dns` (not
 * used here) and 2026.4.0's `--edge-ip-version` default `auto`; the flags used here (`tunnel
 * --no-autoupdate --metrics <addr> run`, `TUNNEL_TOKEN`), `/ready` on the metrics server and the
 * image's user 65532:65532 are unchanged. To bump: docs/pins.md.
 */
export const CLOUDFLARED_IMAGE = "docker.io/cloudflare/cloudflared:2026.8.2";

/** Port of cloudflared's metrics server, which also serves `/ready`. */
export const METRICS_PORT = 2000;
/** Where the origin CA bundle is mounted. */
export const ORIGIN_CA_MOUNT_PATH = "/etc/cloudflared/origin-ca";
/** Key of the CA bundle in its ConfigMap. */
export const ORIGIN_CA_KEY = "ca.crt";
/** The `caPool` path cloudflared reads. */
export const ORIGIN_CA_POOL = `${ORIGIN_CA_MOUNT_PATH}/${ORIGIN_CA_KEY}`;
/** Key of the token in its Secret. */
export const TOKEN_SECRET_KEY = "token";
/** The uid/gid of the image's `nonroot` user. */
export const CLOUDFLARED_UID = 65532;

/** Default resources. */
export const DEFAULT_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
} as const;

/** Labels selecting one instance's cloudflared pods. */
export function cloudflaredLabels(instance: string): Record<string, string> {
  return { "app.kubernetes.io/name": "cloudflared", "app.kubernetes.io/instance": instance };
}

/** The container's command line (token deliberately absent). */
export function cloudflaredArgs(): string[] {
  return ["tunnel", "--no-autoupdate", "--metrics", `0.0.0.0:${METRICS_PORT}`, "run"];
}

/** Inputs of {@link cloudflaredPodSpec}. */
export interface CloudflaredPodOptions {
  readonly instance: string;
  readonly image: string;
  readonly tokenSecretName: pulumi.Input<string>;
  /** ConfigMap holding the origin CA bundle under {@link ORIGIN_CA_KEY}. @default none */
  readonly originCaConfigMapName?: pulumi.Input<string>;
  readonly resources?: ContainerResources;
}

/** The cloudflared pod spec: non-root, read-only root filesystem, no capabilities, probes on `/ready`. */
export function cloudflaredPodSpec(o: CloudflaredPodOptions) {
  const labels = cloudflaredLabels(o.instance);
  const httpProbe = { httpGet: { path: "/ready", port: "metrics" } };
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 45,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: CLOUDFLARED_UID,
      runAsGroup: CLOUDFLARED_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
    ],
    containers: [
      {
        name: "cloudflared",
        image: o.image,
        imagePullPolicy: "IfNotPresent",
        command: ["cloudflared"],
        args: cloudflaredArgs(),
        env: [{ name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: o.tokenSecretName, key: TOKEN_SECRET_KEY } } }],
        ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }],
        readinessProbe: { ...httpProbe, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe: { ...httpProbe, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
        resources: {
          requests: { ...DEFAULT_RESOURCES.requests, ...(o.resources?.requests ?? {}) },
          limits: { ...DEFAULT_RESOURCES.limits, ...(o.resources?.limits ?? {}) },
        },
        securityContext: {
          runAsNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        },
        ...(o.originCaConfigMapName !== undefined
          ? { volumeMounts: [{ name: "origin-ca", mountPath: ORIGIN_CA_MOUNT_PATH, readOnly: true }] }
          : {}),
      },
    ],
    ...(o.originCaConfigMapName !== undefined
      ? { volumes: [{ name: "origin-ca", configMap: { name: o.originCaConfigMapName, items: [{ key: ORIGIN_CA_KEY, path: ORIGIN_CA_KEY }] } }] }
      : {}),
  };
}

/**
 * Concatenates a leaf and its chain into the `tls.crt` Traefik serves, whether `chainPem` holds only
 * the intermediates or already starts with the leaf.
 */
export function fullChainPem(certPem: string, chainPem: string): string {
  const leaf = certPem.trim();
  const chain = chainPem.trim();
  if (chain === "" || chain === leaf) return `${leaf}\n`;
  if (chain.startsWith(leaf)) return `${chain}\n`;
  return `${leaf}\n${chain}\n`;
}
