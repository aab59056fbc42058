/**
 * The stack configuration schema: every key the stack programs read, typed and validated
 * with zod before any resource exists. Why zod: the schema is the single source of the
 * TypeScript type (`z.infer`) and of the validation, and its issues carry the exact path
 * of each problem, which becomes "file: key: what is expected".
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { StackConfigError, type ConfigProblem } from "../components/common/errors";
import { dnsNameProblem, formatHours, parseDurationHours } from "../components/common";
import { intermediateSchedule, minimumIntermediateHours } from "../components/internal-ca/lifecycle";
import { KEY_ALGORITHMS } from "../components/internal-ca/profile";
import { unknownTopLevelKeys, unrecognizedKeyProblems } from "./unknown-keys";
import { WORKERS_MTLS_DOCS_URL, WORKERS_MTLS_PROXIED_ZONE_RULE } from "../components/api-shield/worker-binding";

const duration = z.string().refine((v) => parseDurationHours(v) !== undefined, { message: 'must be a duration like "90d", "2160h" or "10y"' });
const hostname = (wildcard = false) =>
  z.string().superRefine((v, ctx) => {
    const p = dnsNameProblem(v, { allowWildcard: wildcard });
    if (p) ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} ${p}` });
  });
const keyAlgorithm = z.enum(KEY_ALGORITHMS as unknown as [string, ...string[]]);
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes name (lower-case letters, digits, '-')").max(63);

/** The rotating intermediates' validity and the edge-clients intermediate's (docs/internal-ca.md#lifecycle). */
export const intermediateSchema = z
  .object({
    validity: duration.optional(),
    edgeClientsValidity: duration.optional(),
  })
  .strict();

export const internalCaSchema = z
  .object({
    commonName: z.string().min(1).optional(),
    organization: z.string().min(1).optional(),
    keyAlgorithm: keyAlgorithm.optional(),
    leafKeyAlgorithm: keyAlgorithm.optional(),
    caValidity: duration.optional(),
    /** `true` for the defaults (1y rotating mesh intermediates), or their validities. */
    intermediate: z.union([z.boolean(), intermediateSchema]).optional(),
    leafValidity: duration.optional(),
    renewBefore: duration.optional(),
    /** How long before the root's end of life every run warns. */
    endOfLifeWarning: duration.optional(),
  })
  .strict()
  .superRefine((ca, ctx) => {
    // The same rules InternalCA enforces, reported against the config keys.
    const hours = (v: string | undefined, dflt: string) => parseDurationHours(v ?? dflt);
    const caHours = hours(ca.caValidity, "10y");
    const leafHours = hours(ca.leafValidity, "90d");
    const renewHours = hours(ca.renewBefore, "30d");
    if (caHours === undefined || leafHours === undefined || renewHours === undefined || renewHours >= leafHours) return;
    if (typeof ca.intermediate !== "object") return;
    const inter = hours(ca.intermediate.validity, "1y");
    if (inter !== undefined && intermediateSchedule(inter, leafHours, renewHours) === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["intermediate", "validity"],
        message: `${JSON.stringify(ca.intermediate.validity ?? "1y")} is too short for ${formatHours(leafHours)} leaves renewed ${formatHours(renewHours)} before expiry: an intermediate must outlive the last leaves it signed; use at least ${formatHours(minimumIntermediateHours(leafHours, renewHours))}`,
      });
    }
    if (inter !== undefined && inter > caHours) {
      ctx.addIssue({ code: "custom", path: ["intermediate", "validity"], message: `must not exceed caValidity (${formatHours(caHours)}); an intermediate cannot outlive its root` });
    }
    const edge = hours(ca.intermediate.edgeClientsValidity, ca.caValidity ?? "10y");
    if (edge !== undefined && (edge > caHours || edge < leafHours)) {
      ctx.addIssue({ code: "custom", path: ["intermediate", "edgeClientsValidity"], message: `must be between leafValidity (${formatHours(leafHours)}) and caValidity (${formatHours(caHours)})` });
    }
  });

export const certManagerSchema = z
  .object({
    install: z.boolean().default(true),
    acmeEmail: z.email({ message: "must be an e-mail address for the ACME account" }),
    /** Let's Encrypt directory: staging in dev, production in prod. */
    acmeServer: z.enum(["letsencrypt-staging", "letsencrypt-production"]),
  })
  .strict();

/** A workload's client identity (WorkloadIdentity): one certificate for every service that lists it. */
export const identitySchema = z
  .object({
    name: k8sName.max(40),
    /** URI SANs, e.g. a SPIFFE ID. */
    uris: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/i, "must be an absolute URI like spiffe://mesh.internal/<name>")).optional(),
    validity: duration.optional(),
    renewBefore: duration.optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    name: k8sName,
    namespace: k8sName,
    service: k8sName,
    port: z.number().int().min(1).max(65535),
    hostnames: z.array(hostname()).min(1, "must list at least one hostname"),
    /** Names of top-level `identities` allowed to call this service. */
    callers: z.array(k8sName).default([]),
    /** Shorthand: callers known to this service only (a CA and certificate per service and caller). */
    clients: z.array(z.object({ name: k8sName }).strict()).default([]),
    minTlsVersion: z.enum(["1.2", "1.3"]).default("1.3"),
  })
  .strict()
  .refine((s) => s.callers.length + s.clients.length > 0, { message: "must list at least one caller: an identity name in `callers` (or a per-service caller in `clients`)", path: ["callers"] });

export const traefikSchema = z
  .object({
    namespace: k8sName.default("traefik"),
    meshPort: z.number().int().min(1).max(65535).default(8443),
  })
  .strict();

export const cloudflareSchema = z
  .object({
    accountId: z.string().regex(/^[0-9a-f]{32}$/, "must be the 32-hex-character Cloudflare account id"),
    zoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the 32-hex-character Cloudflare zone id"),
    zone: hostname(),
    tunnel: z
      .object({
        hostnames: z.array(hostname()).min(1),
        setSslStrict: z.boolean().default(true),
        /**
         * Who issues the certificate Traefik serves to cloudflared: the internal CA (cloudflared
         * pins it through caPool) or a Let's Encrypt DNS-01 wildcard via cert-manager (seed 000).
         */
        originCertificate: z.enum(["internal-ca", "letsencrypt-dns01"]).default("internal-ca"),
      })
      .strict()
      .optional(),
    apiShield: z
      .object({
        hostnames: z.array(hostname()).min(1),
        pathPrefixes: z.array(z.string().min(1)).default(["/api/"]),
        /**
         * Refused: a Worker presenting a client certificate to this (proxied) zone gets 520 from
         * Cloudflare. Kept in the schema only to explain the move to `mtlsWorkers`.
         */
        callerWorker: z.unknown().optional(),
      })
      .strict()
      .superRefine((v, ctx) => {
        if (v.callerWorker !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["callerWorker"],
            message:
              `is not supported: a Worker cannot present a client certificate to the API Shield zone — Cloudflare: "${WORKERS_MTLS_PROXIED_ZONE_RULE}" (${WORKERS_MTLS_DOCS_URL}). ` +
              "Let devices and servers call the API Shield hostname; for a Worker of this account use a service binding; for a Worker calling an origin Cloudflare does not proxy (a partner API, a DNS-only mTLS entrypoint) list it under cloudflare.mtlsWorkers with its targets",
          });
        }
      })
      .optional(),
    /**
     * Workers that present an InternalCA client certificate (mtls_certificate binding) to servers
     * Cloudflare does not proxy. Every target states whether Cloudflare proxies it; a proxied
     * target, or one in this stack's zone, is refused (Cloudflare answers 520).
     */
    mtlsWorkers: z
      .array(
        z
          .object({
            scriptName: k8sName,
            bindingName: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an upper-case identifier like API_MTLS"),
            targets: z.array(z.object({ hostname: hostname(), proxiedByCloudflare: z.boolean() }).strict()).min(1, "must list the hostnames the Worker calls"),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    environment: z.enum(["dev", "staging", "prod"]),
    internalCa: internalCaSchema.default({}),
    certManager: certManagerSchema,
    traefik: traefikSchema.default({ namespace: "traefik", meshPort: 8443 }),
    /** The mesh's workload identities: services list them in `callers`; the mesh entrypoint's default TLS option trusts all of them. */
    identities: z.array(identitySchema).default([]),
    services: z.array(serviceSchema).default([]),
    /** Optional: dev plans and deploys with only a cluster. */
    cloudflare: cloudflareSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.identities.forEach((id, i) => {
      if (names.has(id.name)) ctx.addIssue({ code: "custom", path: ["identities", i, "name"], message: `${JSON.stringify(id.name)} is declared twice` });
      names.add(id.name);
    });
    c.services.forEach((svc, i) =>
      svc.callers.forEach((caller, j) => {
        if (!names.has(caller)) {
          ctx.addIssue({ code: "custom", path: ["services", i, "callers", j], message: `${JSON.stringify(caller)} is not a declared identity; declare it under \`identities\` (known: ${[...names].join(", ") || "none"})` });
        }
      }),
    );
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** The config keys the schema knows, for reading them from Pulumi config. */
const KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];

/** Reads raw values: structured keys are JSON objects in Pulumi config. */
function readRaw(config: pulumi.Config, secretKeys: ReadonlySet<string>): { raw: Record<string, unknown>; problems: ConfigProblem[] } {
  const raw: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const key of KEYS) {
    const text = config.get(key);
    if (text === undefined) continue;
    if (key === "environment") {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text) as unknown;
    } catch {
      problems.push({ key: `${config.name}:${key}`, problem: "must be a structured value (a YAML map or list), not a plain string" });
    }
  }
  if (raw.cloudflare !== undefined) {
    // The Cloudflare provider reads its token from `cloudflare:apiToken`; the library reuses
    // the same secret (DNS-01 solver Secret) rather than asking for it twice.
    if (!secretKeys.has("cloudflare:apiToken")) {
      problems.push({ key: "cloudflare:apiToken", problem: "missing secret; the `cloudflare` section needs it: `pulumi config set --secret cloudflare:apiToken <token>` (Zone:DNS:Edit, Zone:Read, and the account permissions in docs/)" });
    }
  }
  return { raw, problems };
}

/** Validates raw config values (pure; used by tests and by {@link loadStackConfig}). */
export function validateStackConfig(raw: Record<string, unknown>, namespace = "edge-mtls"): { config?: StackConfig; problems: ConfigProblem[] } {
  const result = stackConfigSchema.safeParse(raw);
  if (result.success) return { config: result.data, problems: [] };
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") return unrecognizedKeyProblems(stackConfigSchema, namespace, issue.path, issue.keys);
    const key = `${namespace}:${issue.path.map(String).join(".")}`;
    let problem = issue.message;
    const given = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
    if (given === undefined && issue.code !== "custom") problem = `missing required key (${issue.message.replace(/^Invalid (input|option): /, "").replace(/, received undefined$/, "")})`;
    return [{ key, problem }];
  });
  return { problems };
}

/**
 * Loads and validates the stack's config. Throws a {@link StackConfigError} listing one
 * line per problem (file, key, what is expected). The Cloudflare API token is returned as
 * a Pulumi secret.
 */
export function loadStackConfig(): { config: StackConfig; cloudflareToken?: pulumi.Output<string> } {
  const cfg = new pulumi.Config("edge-mtls");
  const file = `Pulumi.${pulumi.getStack()}.yaml`;
  const tokenKey = "cloudflare:apiToken";
  const tokenSet = new pulumi.Config("cloudflare").get("apiToken") !== undefined;
  const tokenIsSecret = tokenSet && (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret(tokenKey);
  const { raw, problems } = readRaw(cfg, new Set(tokenIsSecret ? [tokenKey] : []));
  if (tokenSet && !tokenIsSecret) problems.push({ key: tokenKey, problem: "is stored in plain text; set it with `pulumi config set --secret cloudflare:apiToken <token>`" });
  const validated = validateStackConfig(raw, cfg.name);
  const unknown = unknownTopLevelKeys(Object.keys(pulumi.runtime.allConfig()), cfg.name, stackConfigSchema);
  const all = [...problems, ...unknown, ...validated.problems];
  if (all.length || !validated.config) throw new StackConfigError(file, all);
  const config = validated.config;
  const token = config.cloudflare ? new pulumi.Config("cloudflare").requireSecret("apiToken") : undefined;
  return { config, cloudflareToken: token };
}
