/**
 * Cloud providers (kubernetes, cloudflare and anything else) offline: outputs echo the
 * inputs, and what only the real provider could know (ids, tunnel ids, tokens, upload
 * metadata) is a deterministic placeholder derived from the URN, so that two plans of the
 * same program are byte-identical. During a preview those values are unknown, exactly as
 * `pulumi preview` shows them.
 */
import * as crypto from "node:crypto";
import { x509 } from "../../components/common/x509";
import type { CreateContext, SimulatedProvider } from "./types";
import { isObject } from "../values";

/** 32 hex characters derived from `seed` (Cloudflare's id shape). */
export function placeholderHex(seed: string): string {
  return crypto.createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

/** A UUID-shaped placeholder derived from `seed` (Cloudflare tunnel ids are UUIDs). */
export function placeholderUuid(seed: string): string {
  const h = placeholderHex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}


/** Kubernetes kinds that are cluster-scoped (no namespace defaulting). */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterIssuer", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PersistentVolume", "IngressClass", "PriorityClass"]);

function kubernetes(inputs: Record<string, unknown>, ctx: CreateContext): { id: string; outputs: Record<string, unknown> } {
  if (ctx.type === "kubernetes:helm.sh/v3:Release") {
    const name = typeof inputs.name === "string" && inputs.name ? inputs.name : `${ctx.name}-${placeholderHex(ctx.urn).slice(0, 8)}`;
    const ns = typeof inputs.namespace === "string" && inputs.namespace ? inputs.namespace : "default";
    return { id: `${ns}/${name}`, outputs: { ...inputs, name, namespace: ns, status: { name, namespace: ns, status: "deployed", version: inputs.version } } };
  }
  const metadata = isObject(inputs.metadata) ? { ...inputs.metadata } : {};
  // The kubernetes provider auto-names objects without metadata.name: `<logical name>-<8 random chars>`.
  if (typeof metadata.name !== "string" || metadata.name === "") metadata.name = `${ctx.name}-${placeholderHex(ctx.urn).slice(0, 8)}`;
  const kind = typeof inputs.kind === "string" ? inputs.kind : (ctx.type.split(":").pop() ?? "");
  if (!CLUSTER_SCOPED.has(kind) && (typeof metadata.namespace !== "string" || metadata.namespace === "")) metadata.namespace = "default";
  const id = typeof metadata.namespace === "string" ? `${metadata.namespace}/${String(metadata.name)}` : String(metadata.name);
  return { id, outputs: { ...inputs, metadata } };
}

function mtlsCertificateMetadata(pem: unknown): Record<string, unknown> {
  if (typeof pem !== "string") return {};
  try {
    const cert = new x509.X509Certificate(pem);
    return { issuer: cert.issuer, serialNumber: cert.serialNumber, signature: (cert.signatureAlgorithm as { name?: string }).name, expiresOn: cert.notAfter.toISOString() };
  } catch {
    return {};
  }
}

/**
 * The id the Cloudflare provider (Terraform provider v5, bridged by @pulumi/cloudflare v6) gives
 * each resource, in its real shape (internal/services/<resource>/resource.go and model.go of
 * cloudflare/terraform-provider-cloudflare v5.22.0): UUIDs for uploaded mTLS/client/origin-pull
 * certificates and tunnels, Cloudflare's 32-hex identifiers for API objects, and the
 * resource's own key where the provider sets `data.ID` from an input.
 */
export function cloudflareId(type: string, inputs: Record<string, unknown>, urn: string): string {
  const t = type.split(":").pop() ?? "";
  const input = (k: string): string => {
    const v = inputs[k];
    return typeof v === "string" && v !== "" ? v : placeholderHex(urn);
  };
  switch (t) {
    case "ZeroTrustTunnelCloudflared": // "UUID of the tunnel" (tunnel_tunnel_id)
    case "MtlsCertificate": // "The UUID for a certificate that was uploaded to the mTLS Certificate Management endpoint"
    case "ClientCertificate":
    case "AuthenticatedOriginPullsCertificate":
    case "AuthenticatedOriginPullsHostnameCertificate":
      return placeholderUuid(urn);
    case "ZeroTrustTunnelCloudflaredConfig": // data.ID = data.TunnelID
      return input("tunnelId");
    case "ZoneSetting": // data.ID = data.SettingID
      return input("settingId");
    case "CertificateAuthoritiesHostnameAssociations": // data.ID = data.ZoneID
    case "AuthenticatedOriginPullsSettings":
      return input("zoneId");
    case "WorkersScript": // data.ID = data.ScriptName
      return input("scriptName");
    default: // rulesets, DNS records, Worker routes, zones: 32 hex
      return placeholderHex(urn);
  }
}

function cloudflare(inputs: Record<string, unknown>, ctx: CreateContext): { id: string; outputs: Record<string, unknown> } {
  const t = ctx.type.split(":").pop() ?? "";
  const id = cloudflareId(ctx.type, inputs, ctx.urn);
  switch (t) {
    case "ZeroTrustTunnelCloudflared":
      return { id, outputs: { ...inputs, accountTag: inputs.accountId, status: "inactive", tunType: "cfd_tunnel", remoteConfig: inputs.configSrc === "cloudflare" } };
    case "MtlsCertificate":
      return { id, outputs: { ...inputs, ...mtlsCertificateMetadata(inputs.certificates) } };
    case "Ruleset":
      return { id, outputs: { ...inputs, version: "1" } };
    default:
      return { id, outputs: { ...inputs } };
  }
}

/** Provider-computed outputs per resource type (unknown in preview of a create/replace). `id` always is. */
const COMPUTED: Readonly<Record<string, readonly string[]>> = {
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": ["accountTag", "status", "tunType", "remoteConfig"],
  "cloudflare:index/mtlsCertificate:MtlsCertificate": ["issuer", "serialNumber", "signature", "expiresOn"],
  "cloudflare:index/ruleset:Ruleset": ["version"],
  "kubernetes:helm.sh/v3:Release": ["status"],
};

/** Invokes (provider functions) the offline engine answers. */
async function invoke(token: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (token) {
    case "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken": {
      // cloudflared's token is base64(JSON {a: account tag, t: tunnel id, s: base64 tunnel secret}).
      const a = typeof args.accountId === "string" ? args.accountId : "";
      const t = typeof args.tunnelId === "string" ? args.tunnelId : "";
      const s = Buffer.from(placeholderHex(`token-secret:${a}:${t}`), "hex").toString("base64");
      return { accountId: a, tunnelId: t, token: Buffer.from(JSON.stringify({ a, t, s })).toString("base64") };
    }
    default:
      throw new Error(`offline engine: no simulation for provider function ${token}; add one in engine/providers/cloud.ts`);
  }
}

export const cloudProvider: SimulatedProvider = {
  handles: () => true,
  computedOutputs: (type) => COMPUTED[type] ?? [],
  // Updates in place by default; a few well-known immutable fields force replacement.
  replaceOnChange: (type) => {
    if (type.startsWith("kubernetes:")) return ["metadata.name", "metadata.namespace", "kind", "apiVersion", "type"];
    if (type === "cloudflare:index/mtlsCertificate:MtlsCertificate") return ["*"];
    if (type === "cloudflare:index/ruleset:Ruleset") return ["zoneId", "accountId", "phase", "kind"];
    if (type === "cloudflare:index/dnsRecord:DnsRecord") return ["zoneId"];
    return ["accountId", "zoneId"];
  },
  async create(inputs, ctx) {
    if (ctx.type.startsWith("kubernetes:")) return kubernetes(inputs, ctx);
    if (ctx.type.startsWith("cloudflare:")) return cloudflare(inputs, ctx);
    return { id: placeholderHex(ctx.urn), outputs: { ...inputs } };
  },
  invoke: (token, args) => invoke(token, args),
};
