/**
 * Construction-time validation of MtlsService and TraefikInstall arguments. Pure: every
 * check runs before any child resource exists and throws an EdgeMtlsArgumentError that
 * names the component, the instance, the argument, the bad value and what is accepted.
 */
import { argChecker, q } from "../common/errors";
import { dnsNameProblem } from "../common/dns";
import { parseDurationHours } from "../common/duration";
import {
  DEFAULT_TLS12_CIPHER_SUITES,
  isAeadCipherSuite,
  type AeadCipherSuite,
  type TlsPolicy,
  type TlsVersion,
} from "./tls-option";

/** Kubernetes object names / DNS-1123 labels: lower-case alphanumerics and inner hyphens, ≤ 63. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Kubernetes port names (IANA_SVC_NAME): ≤ 15 characters, at least one letter. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** Entrypoint names the chart already defines and that cannot be reused for the mTLS entrypoint. */
export const RESERVED_ENTRYPOINTS = ["web", "websecure", "traefik", "metrics"] as const;

/** Why `value` is not a DNS-1123 label, or undefined. */
export function dns1123Problem(value: string): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "is empty";
  if (value.length > 63) return `is ${value.length} characters long; at most 63`;
  if (!DNS1123_LABEL.test(value)) return "must be lower-case letters, digits and inner hyphens (a DNS-1123 label)";
  return undefined;
}

// ---------------------------------------------------------------- MtlsService

/** A caller as given in `clients` (see MtlsServiceArgs). */
export interface CallerInput {
  readonly name: string;
  readonly uris?: readonly string[];
  readonly validity?: string;
  readonly renewBefore?: string;
}

/** The arguments {@link validateMtlsServiceArgs} checks (plain values only). */
export interface MtlsServiceCheckInput {
  readonly knownEntrypoints: readonly string[];
  readonly entrypoint: string;
  readonly service: { readonly namespace: string; readonly name: string; readonly port: number | string };
  readonly hostnames: readonly string[];
  /** Per-service callers (the `clients` shorthand). */
  readonly clients?: readonly CallerInput[];
  /** Names of the WorkloadIdentities listed in `identities`. */
  readonly identityNames?: readonly string[];
  readonly minTlsVersion?: string;
  readonly cipherSuites?: readonly string[];
  readonly sniStrict?: boolean;
  readonly upstream?: { readonly serverName?: string };
  readonly certManagerIssuerName?: string;
}

/** The validated, defaulted result. */
export interface MtlsServiceSettings {
  readonly policy: TlsPolicy;
  readonly hostnames: readonly string[];
  readonly upstreamServerName?: string;
}

/**
 * Validates MtlsService arguments and resolves defaults. Throws on the first problem.
 * `name` is the component's logical name; it prefixes Kubernetes object names, so it
 * must itself be a DNS-1123 label (≤ 40 characters, leaving room for suffixes).
 */
export function validateMtlsServiceArgs(name: string, a: MtlsServiceCheckInput): MtlsServiceSettings {
  const c = argChecker("MtlsService", name);

  const nameProblem = dns1123Problem(name);
  if (nameProblem) c.fail("name", `${q(name)} ${nameProblem}; it prefixes the Kubernetes object names`);
  c.check(name.length <= 40, "name", `${q(name)} is ${name.length} characters long; at most 40 (Kubernetes names get suffixes)`);

  // Entrypoint
  c.check(
    a.knownEntrypoints.includes(a.entrypoint),
    "entrypoint",
    `${q(a.entrypoint)} is not an entrypoint of the Traefik install; known: ${a.knownEntrypoints.join(", ")}`,
  );

  // Backend service
  for (const key of ["namespace", "name"] as const) {
    const p = dns1123Problem(a.service?.[key]);
    if (p) c.fail(`service.${key}`, `${q(a.service?.[key])} ${p}`);
  }
  const port = a.service.port;
  if (typeof port === "number") {
    c.check(Number.isInteger(port) && port >= 1 && port <= 65535, "service.port", `${q(port)} must be an integer port 1-65535`);
  } else {
    c.check(typeof port === "string" && PORT_NAME.test(port), "service.port", `${q(port)} must be a port number or a Kubernetes port name`);
  }

  // Hostnames
  c.check(Array.isArray(a.hostnames) && a.hostnames.length > 0, "hostnames", "is empty; give at least one host name the route answers for");
  const seenHosts = new Set<string>();
  for (const [i, h] of a.hostnames.entries()) {
    const p = dnsNameProblem(h, { allowWildcard: false });
    if (p) {
      const hint = h?.startsWith?.("*.") ? " (wildcards need HostRegexp, whose routers skip client-certificate verification: traefik#7530)" : "";
      c.fail(`hostnames[${i}]`, `${q(h)} ${p}${hint}`);
    }
    c.check(!seenHosts.has(h), `hostnames[${i}]`, `${q(h)} is listed twice`);
    seenHosts.add(h);
  }

  // TLS policy
  const minVersion = a.minTlsVersion ?? "1.3";
  if (minVersion === "1.0" || minVersion === "1.1") {
    c.fail("minTlsVersion", `${q(minVersion)} is below TLS 1.2; accepted: "1.3" (default) or "1.2"`);
  }
  c.check(minVersion === "1.2" || minVersion === "1.3", "minTlsVersion", `${q(minVersion)} is not a TLS version; accepted: "1.3" (default) or "1.2"`);
  let cipherSuites: readonly AeadCipherSuite[] = [];
  if (minVersion === "1.3") {
    c.check(
      a.cipherSuites === undefined,
      "cipherSuites",
      `${q(a.cipherSuites)} given with minTlsVersion "1.3": TLS 1.3 cipher suites are not configurable (all are AEAD); remove cipherSuites or set minTlsVersion "1.2"`,
    );
  } else if (a.cipherSuites !== undefined) {
    c.check(a.cipherSuites.length > 0, "cipherSuites", "is empty; omit it to use the AEAD defaults");
    for (const [i, s] of a.cipherSuites.entries()) {
      c.check(
        isAeadCipherSuite(s),
        `cipherSuites[${i}]`,
        `${q(s)} is not an allowed suite; TLS 1.2 is allowed with ECDHE + AEAD suites only: ${DEFAULT_TLS12_CIPHER_SUITES.join(", ")}`,
      );
    }
    c.check(new Set(a.cipherSuites).size === a.cipherSuites.length, "cipherSuites", `${q(a.cipherSuites)} lists a suite twice`);
    cipherSuites = a.cipherSuites as AeadCipherSuite[];
  } else {
    cipherSuites = DEFAULT_TLS12_CIPHER_SUITES;
  }

  // Callers: shared identities and/or per-service shorthand callers; names unique across both.
  const clients = a.clients ?? [];
  const identityNames = a.identityNames ?? [];
  c.check(Array.isArray(clients), "clients", `${q(a.clients)} must be a list of callers { name, uris? }`);
  c.check(
    clients.length + identityNames.length > 0,
    a.identityNames === undefined ? "clients" : "identities",
    "is empty; list at least one WorkloadIdentity in `identities` (or a caller in `clients`): only listed callers may connect",
  );
  const seenCallers = new Set<string>();
  for (const [i, id] of identityNames.entries()) {
    c.check(!seenCallers.has(id), `identities[${i}]`, `${q(id)} is listed twice; list each identity once`);
    seenCallers.add(id);
  }
  for (const [i, cl] of clients.entries()) {
    const p = dns1123Problem(cl?.name);
    if (p) c.fail(`clients[${i}].name`, `${q(cl?.name)} ${p}; it becomes the certificate CN and part of resource names`);
    c.check(cl.name.length <= 40, `clients[${i}].name`, `${q(cl.name)} is longer than 40 characters`);
    c.check(
      !seenCallers.has(cl.name),
      `clients[${i}].name`,
      identityNames.includes(cl.name)
        ? `${q(cl.name)} is also a listed identity; keep one of them (the identity in \`identities\`, or the per-service caller in \`clients\`)`
        : `${q(cl.name)} is listed twice; each caller gets exactly one certificate`,
    );
    seenCallers.add(cl.name);
    for (const [j, uri] of (cl.uris ?? []).entries()) {
      c.check(/^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(uri), `clients[${i}].uris[${j}]`, `${q(uri)} is not an absolute URI (e.g. spiffe://mesh.internal/${cl.name})`);
    }
    for (const key of ["validity", "renewBefore"] as const) {
      const v = cl[key];
      if (v !== undefined) c.check(parseDurationHours(v) !== undefined, `clients[${i}].${key}`, `${q(v)} is not a duration like "90d" or "2160h"`);
    }
  }

  // Upstream mTLS
  let upstreamServerName: string | undefined;
  if (a.upstream) {
    upstreamServerName = a.upstream.serverName ?? `${a.service.name}.${a.service.namespace}.svc`;
    const p = dnsNameProblem(upstreamServerName);
    if (p) c.fail("upstream.serverName", `${q(upstreamServerName)} ${p}`);
  }

  if (a.certManagerIssuerName !== undefined) {
    const p = dns1123Problem(a.certManagerIssuerName);
    if (p) c.fail("serverCertificate.certManager.issuerRef.name", `${q(a.certManagerIssuerName)} ${p}`);
  }

  const policy: TlsPolicy = { minVersion: minVersion as TlsVersion, cipherSuites, sniStrict: a.sniStrict ?? true };
  return { policy, hostnames: [...a.hostnames], upstreamServerName };
}

// ---------------------------------------------------------------- TraefikInstall

/** Plain inputs of {@link validateTraefikInstallArgs}. */
export interface TraefikInstallCheckInput {
  readonly namespace: string;
  readonly mtlsEntrypoint: { readonly name: string; readonly port: number; readonly containerPort: number };
}

/** Validates TraefikInstall arguments. */
export function validateTraefikInstallArgs(name: string, a: TraefikInstallCheckInput): void {
  const c = argChecker("TraefikInstall", name);
  const nsProblem = dns1123Problem(a.namespace);
  if (nsProblem) c.fail("namespace", `${q(a.namespace)} ${nsProblem}`);
  const ep = a.mtlsEntrypoint;
  c.check(PORT_NAME.test(ep.name), "mtlsEntrypoint.name", `${q(ep.name)} must be a Kubernetes port name (lower-case, ≤ 15 characters)`);
  c.check(
    !(RESERVED_ENTRYPOINTS as readonly string[]).includes(ep.name),
    "mtlsEntrypoint.name",
    `${q(ep.name)} is already an entrypoint of the chart; pick another name (default "mesh")`,
  );
  for (const key of ["port", "containerPort"] as const) {
    const v = ep[key];
    c.check(Number.isInteger(v) && v >= 1 && v <= 65535, `mtlsEntrypoint.${key}`, `${q(v)} must be an integer port 1-65535`);
  }
  // The chart's own container ports (web 8000, websecure 8443, traefik 8080, metrics 9100).
  c.check(
    ![8000, 8443, 8080, 9100].includes(ep.containerPort),
    "mtlsEntrypoint.containerPort",
    `${q(ep.containerPort)} is already used by a chart entrypoint inside the pod (8000, 8443, 8080, 9100)`,
  );
}

/** A problem found in the final Helm values. */
export function meshValuesProblems(values: Record<string, unknown>, mesh: string, defaultTlsOption?: string): string[] {
  const problems: string[] = [];
  const ports = (values.ports ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const ep = ports[mesh] ?? {};
  const fh = (ep.forwardedHeaders ?? {}) as { insecure?: unknown; trustedIPs?: unknown };
  const pp = (ep.proxyProtocol ?? {}) as { insecure?: unknown; trustedIPs?: unknown };
  if (fh.insecure === true) problems.push(`ports.${mesh}.forwardedHeaders.insecure is true: clients could forge X-Forwarded-Tls-Client-Cert`);
  if (Array.isArray(fh.trustedIPs) && fh.trustedIPs.length > 0) {
    problems.push(`ports.${mesh}.forwardedHeaders.trustedIPs is ${q(fh.trustedIPs)}: any peer in that range could forge X-Forwarded-Tls-Client-Cert`);
  }
  if (pp.insecure === true || (Array.isArray(pp.trustedIPs) && pp.trustedIPs.length > 0)) {
    problems.push(`ports.${mesh}.proxyProtocol trusts PROXY headers: peers could spoof their source address`);
  }
  const tls = (((ep.http ?? {}) as { tls?: unknown }).tls ?? {}) as { enabled?: unknown; options?: unknown };
  if (tls.enabled !== true) problems.push(`ports.${mesh}.http.tls.enabled must be true (a plain-HTTP entrypoint answers nginx's HTTPS with 404, seed 001)`);
  if (defaultTlsOption !== undefined && tls.options !== defaultTlsOption) {
    problems.push(`ports.${mesh}.http.tls.options is ${q(tls.options)}; it must stay ${q(defaultTlsOption)}, the entrypoint's default TLS option that requires a mesh identity on routers without their own TLSOption`);
  }
  if (ep.tls !== undefined) problems.push(`ports.${mesh}.tls is the pre-v39 key and is ignored by the chart; TLS settings live at ports.${mesh}.http.tls`);
  const args = Array.isArray(values.additionalArguments) ? (values.additionalArguments as unknown[]) : [];
  for (const arg of args) {
    if (typeof arg === "string" && arg.toLowerCase().startsWith(`--entrypoints.${mesh}.`) && /forwardedheaders|proxyprotocol/i.test(arg)) {
      problems.push(`additionalArguments ${q(arg)} changes forwarded-header trust on the mTLS entrypoint`);
    }
  }
  return problems;
}
