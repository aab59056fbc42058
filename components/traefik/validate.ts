/**
 * Construction-time validation of MtlsService and TraefikInstall arguments. Pure: every
 * check runs before any child resource exists and throws an EdgeMtlsArgumentError that
 * names the component, the instance, the argument, the bad value and what is accepted.
 */
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem } from "../common/dns";
import { parseDurationHours } from "../common/duration";
import {
  argNames,
  chartVersionProblem,
  describePemArg,
  helmReleaseNameProblem,
  httpsUrlProblem,
  isPlainObject,
  pemCertificateProblem,
  refuseUnknownKeys,
  requireArray,
  requireNumber,
  requireObject,
  requireOneOf,
  requireOptionalBoolean,
  requireString,
  requireStringInput,
  typeName,
  withoutCredentials,
} from "../common/validate";
import { checkIdentity, checkKeyAlgorithm, checkRenewal, durationHours } from "../internal-ca/validate";
import { renewalWindowProblem } from "../cert-manager/validate";
import {
  DEFAULT_TLS12_CIPHER_SUITES,
  isAeadCipherSuite,
  type AeadCipherSuite,
  type TlsPolicy,
  type TlsVersion,
} from "./tls-policy";
import type { MtlsEntrypointArgs, TraefikInstallArgs } from "./traefik-install";
import type { WorkloadIdentityArgs } from "./workload-identity";
import type { MtlsBackendArgs, MtlsCallerArgs, MtlsServiceArgs, UpstreamMtlsArgs } from "./mtls-service";

// The names each args interface has (the compiler keeps them in step, see argNames).
const TRAEFIK_INSTALL_ARGS = argNames<TraefikInstallArgs>()(["namespace", "createNamespace", "releaseName", "chartVersion", "repository", "mtlsEntrypoint", "hardenDefaultTlsOption", "values"]);
const MTLS_ENTRYPOINT_ARGS = argNames<MtlsEntrypointArgs>()(["name", "port", "containerPort", "exposePublicly", "identities"]);
const WORKLOAD_IDENTITY_ARGS = argNames<WorkloadIdentityArgs>()(["uris", "validity", "renewBefore", "keyAlgorithm", "caValidity", "protect"]);
const MTLS_SERVICE_ARGS = argNames<MtlsServiceArgs>()(["traefik", "ca", "service", "hostnames", "identities", "clients", "entrypoint", "minTlsVersion", "cipherSuites", "sniStrict", "serverCertificate", "upstream", "forwardClientCertPem", "callerKeyAlgorithm", "callerCaValidity"]);
const MTLS_BACKEND_ARGS = argNames<MtlsBackendArgs>()(["namespace", "name", "port"]);
const MTLS_CALLER_ARGS = argNames<MtlsCallerArgs>()(["name", "uris", "validity", "renewBefore"]);
const UPSTREAM_MTLS_ARGS = argNames<UpstreamMtlsArgs>()(["serverName", "clientIdentity", "trustedCaPem"]);
const SERVER_CERTIFICATE_SOURCE_ARGS = argNames<NonNullable<MtlsServiceArgs["serverCertificate"]>>()(["kind", "issuerRef", "duration", "renewBefore"]);

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

/**
 * Go template truthiness (text/template `if`/`with`, which the chart's templates use to
 * decide whether a value renders a flag): false, 0, "", nil and empty lists/maps are false.
 */
export function goTemplateTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

/**
 * The Traefik static-configuration key a CLI argument sets (lower-cased, without leading
 * dashes and value), or undefined when the argument is not a flag. Traefik's flag names are
 * case-insensitive (`--entryPoints.mesh.forwardedHeaders.insecure` = `--entrypoints.mesh.forwardedheaders.insecure`).
 */
export function traefikFlagKey(arg: unknown): string | undefined {
  if (typeof arg !== "string") return undefined;
  const m = /^-{1,2}([^=\s]+)/.exec(arg.trim());
  return m?.[1]?.toLowerCase();
}

/** The value a CLI argument gives (after `=`), or undefined for a bare flag (which means `true`). */
function traefikFlagValue(arg: string): string | undefined {
  const i = arg.indexOf("=");
  return i < 0 ? undefined : arg.slice(i + 1).trim().toLowerCase();
}

/** A Helm values map at some key (`{}` when the key holds anything else, as a template reads it). */
function section(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Problems in the final Helm values (the library's merged with the user's, as TraefikInstall
 * passes them to the chart) that would weaken the mTLS entrypoint `mesh`. Every values path
 * the chart (>= v39, vendored 41.3.0) turns into a flag of that entrypoint is checked:
 * `ports.<mesh>.forwardedHeaders`, `ports.<mesh>.proxyProtocol` and `ports.<mesh>.http.tls`
 * (templates/_podtemplate.tpl), and raw flags in `additionalArguments` (and `globalArguments`,
 * which charts before v36 rendered). Values are judged with Go template truthiness, as the
 * templates judge them. With `defaultTlsOption`, the entrypoint's default TLS option
 * (`ports.<mesh>.http.tls.options`) must stay that reference.
 */
export function meshValuesProblems(values: Record<string, unknown>, mesh: string, defaultTlsOption?: string): string[] {
  const problems: string[] = [];
  const ports = (values.ports ?? {}) as Record<string, unknown>;
  const rawEp = ports[mesh];
  if (rawEp === null || typeof rawEp !== "object" || Array.isArray(rawEp)) {
    return [`ports.${mesh} is ${rawEp === null ? "null (Helm deletes it)" : "not a map"}: the mTLS entrypoint would not exist`];
  }
  const ep = rawEp as Record<string, unknown>;
  const fh = section(ep.forwardedHeaders);
  const pp = section(ep.proxyProtocol);
  if (goTemplateTruthy(fh.insecure)) problems.push(`ports.${mesh}.forwardedHeaders.insecure is ${q(fh.insecure)}: clients could forge X-Forwarded-Tls-Client-Cert`);
  if (goTemplateTruthy(fh.trustedIPs)) {
    problems.push(`ports.${mesh}.forwardedHeaders.trustedIPs is ${q(fh.trustedIPs)}: any peer in that range could forge X-Forwarded-Tls-Client-Cert`);
  }
  if (goTemplateTruthy(pp.insecure) || goTemplateTruthy(pp.trustedIPs)) {
    problems.push(`ports.${mesh}.proxyProtocol trusts PROXY headers (${q(pp)}): peers could spoof their source address`);
  }
  if (ep.tls !== undefined) {
    problems.push(`ports.${mesh}.tls is the layout of Traefik charts before v39.0.0; the chart reads an entrypoint's TLS from ports.${mesh}.http.tls and its values.schema.json rejects ports.${mesh}.tls`);
  }
  const tls = section(section(ep.http).tls);
  if (tls.enabled !== true) {
    problems.push(`ports.${mesh}.http.tls.enabled must be true (it is ${q(tls.enabled)}); a plain-HTTP entrypoint answers nginx's HTTPS with 404 (seed 001)`);
  }
  if (defaultTlsOption !== undefined && tls.options !== defaultTlsOption) {
    problems.push(`ports.${mesh}.http.tls.options is ${q(tls.options)}; it must stay ${q(defaultTlsOption)}, the entrypoint's default TLS option that requires a mesh identity on routers without their own TLSOption`);
  }
  const prefix = `entrypoints.${mesh.toLowerCase()}.`;
  for (const list of ["additionalArguments", "globalArguments"] as const) {
    const args = Array.isArray(values[list]) ? (values[list] as unknown[]) : [];
    for (const arg of args) {
      const key = traefikFlagKey(arg);
      if (!key?.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      if (rest.startsWith("forwardedheaders") || rest.startsWith("proxyprotocol")) {
        problems.push(`${list} ${q(arg)} changes forwarded-header or PROXY-protocol trust on the mTLS entrypoint`);
      } else if (rest === "http.tls.options" && defaultTlsOption !== undefined) {
        problems.push(`${list} ${q(arg)} overrides the mTLS entrypoint's default TLS option ${q(defaultTlsOption)}`);
      } else if ((rest === "http.tls" && traefikFlagValue(arg as string) === "false") || rest === "address") {
        problems.push(`${list} ${q(arg)} overrides the mTLS entrypoint's ${rest === "address" ? "address" : "TLS"}; set mtlsEntrypoint instead`);
      }
    }
  }
  const versionProblem = traefikVersionProblem(values);
  if (versionProblem) problems.push(versionProblem);
  return problems;
}

/** The Traefik release of the pinned chart (its `appVersion`): what the chart deploys when values name no image. */
export const TRAEFIK_APP_VERSION = "v3.7.11";

/**
 * The oldest Traefik release without a known bypass of the client-certificate check that this
 * library's design depends on (one TLSOption per service, on one entrypoint, with TLS 1.3
 * session tickets on):
 * - [GHSA-gv8r-9rw9-9697](https://github.com/traefik/traefik/security/advisories/GHSA-gv8r-9rw9-9697):
 *   a TLS session resumed across TLSOptions skipped the other option's client CAs (fixed in v3.6.8);
 * - [GHSA-5r4w-85f3-pw66](https://github.com/traefik/traefik/security/advisories/GHSA-5r4w-85f3-pw66):
 *   SNICheck ignored wildcard TLSOptions, so a request could reach a wildcard mTLS router through a
 *   permissive SNI (fixed in v3.7.3);
 * - [GHSA-9cr8-q42q-g8m7](https://github.com/traefik/traefik/security/advisories/GHSA-9cr8-q42q-g8m7):
 *   HTTP/3 picked the TLS configuration by exact SNI, falling back to the default for wildcard and
 *   mixed-case hosts (fixed in v3.7.3).
 */
export const MIN_SAFE_TRAEFIK_VERSION = "v3.7.3";

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-.*)?$/;

/**
 * The Traefik version the chart will run with `values`, derived as the chart's own
 * `traefik.proxyVersion` helper does: `versionOverride`, else the proxy image tag (`image.tag`,
 * or `oci_meta.images.proxy.tag` / `global.azure.images.proxy.tag` when those are enabled)
 * without a `@digest` suffix or a `latest-` / `experimental-` prefix, else the chart's
 * `appVersion`. Undefined when Traefik Hub is enabled (its tags are Hub releases).
 */
export function traefikProxyVersion(values: Record<string, unknown>): string | undefined {
  const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const hub = section(values.hub);
  if (hub.enabled === true || (hub.enabled === undefined && text(hub.token) !== undefined)) return undefined;
  const override = text(values.versionOverride);
  if (override !== undefined) return override;
  const oci = section(values.oci_meta);
  const azure = section(section(values.global).azure);
  let tag = text(section(values.image).tag);
  if (oci.enabled === true) tag = text(section(section(oci.images).proxy).tag);
  if (azure.enabled === true) tag = text(section(section(azure.images).proxy).tag);
  const version = (tag ?? TRAEFIK_APP_VERSION).split("@")[0] ?? "";
  return version.replace("latest-", "").replace("experimental-", "").replace("master", TRAEFIK_APP_VERSION);
}

/** True when version `a` is older than `b` (SemVer order; a pre-release is older than its release). */
function olderThan(a: RegExpExecArray, b: RegExpExecArray): boolean {
  for (const i of [1, 2, 3]) {
    const x = Number(a[i] ?? 0);
    const y = Number(b[i] ?? 0);
    if (x !== y) return x < y;
  }
  return a[4] !== undefined && b[4] === undefined;
}

/** Why the Traefik version `values` select is refused (older than {@link MIN_SAFE_TRAEFIK_VERSION}), or undefined. */
export function traefikVersionProblem(values: Record<string, unknown>): string | undefined {
  const version = traefikProxyVersion(values);
  const parsed = version === undefined ? null : VERSION_RE.exec(version);
  const floor = VERSION_RE.exec(MIN_SAFE_TRAEFIK_VERSION);
  if (!parsed || !floor || !olderThan(parsed, floor)) return undefined;
  const from = typeof values.versionOverride === "string" && values.versionOverride !== "" ? "versionOverride" : "the image tag";
  return (
    `${from} selects Traefik ${q(version)}, older than ${MIN_SAFE_TRAEFIK_VERSION}: releases before it let clients bypass a TLSOption's client-certificate check ` +
    `(GHSA-gv8r-9rw9-9697, session resumption across TLSOptions; GHSA-5r4w-85f3-pw66, SNICheck and wildcard hosts; GHSA-9cr8-q42q-g8m7, HTTP/3); ` +
    `use ${MIN_SAFE_TRAEFIK_VERSION} or later, or leave the image to the chart (${TRAEFIK_APP_VERSION})`
  );
}

// ---------------------------------------------------------------- construction-time type contracts


/**
 * The type contract of {@link TraefikInstallArgs} for every caller, plain JavaScript included,
 * plus the Helm-level values: release name, chart version (exact SemVer), repository URL.
 */
export function checkTraefikInstallContract(name: unknown, given: unknown): void {
  const c = argChecker("TraefikInstall", String(name));
  requireString(c, "name", name);
  const args: unknown = given === undefined ? {} : given;
  requireObject(c, "args", args, '(or nothing) such as { namespace: "traefik" }');
  refuseUnknownKeys(c, "", args, TRAEFIK_INSTALL_ARGS);
  for (const key of ["namespace", "releaseName", "chartVersion", "repository"] as const) requireString(c, key, args[key], true);
  for (const key of ["createNamespace", "hardenDefaultTlsOption"] as const) requireOptionalBoolean(c, key, args[key]);
  const releaseName = (args.releaseName as string | undefined) ?? name;
  const rp = helmReleaseNameProblem(releaseName);
  if (rp) c.fail(args.releaseName === undefined ? "name (used as releaseName)" : "releaseName", `(${q(releaseName)}) ${rp}`);
  if (args.chartVersion !== undefined) {
    const p = chartVersionProblem(args.chartVersion as string);
    if (p) c.fail("chartVersion", `(${q(args.chartVersion)}) ${p}`);
  }
  if (args.repository !== undefined) {
    const p = httpsUrlProblem(args.repository as string, { allowPath: true });
    if (p) c.fail("repository", `(${q(withoutCredentials(args.repository as string))}) ${p}; give the chart repository URL, e.g. "https://traefik.github.io/charts"`);
  }
  if (args.mtlsEntrypoint !== undefined) {
    requireObject(c, "mtlsEntrypoint", args.mtlsEntrypoint, '{ name: "mesh", port: 8443 }');
    refuseUnknownKeys(c, "mtlsEntrypoint", args.mtlsEntrypoint, MTLS_ENTRYPOINT_ARGS);
    const ep = args.mtlsEntrypoint;
    requireString(c, "mtlsEntrypoint.name", ep.name, true);
    requireNumber(c, "mtlsEntrypoint.port", ep.port, true);
    requireNumber(c, "mtlsEntrypoint.containerPort", ep.containerPort, true);
    requireOptionalBoolean(c, "mtlsEntrypoint.exposePublicly", ep.exposePublicly);
  }
  if (args.values !== undefined && !isPlainObject(args.values)) c.fail("values", `are ${typeName(args.values)}; give chart values as an object`);
}

/**
 * Lifetimes of a caller CA and the client certificates it issues (a WorkloadIdentity's, or the
 * `clients` shorthand's per-caller CAs), checked here so that an error names the caller's own
 * argument rather than the internal InternalCA child (`InternalCA "orders-caller-gw"`). Defaults
 * are InternalCA's: CA 5y, leaves 90d renewed 30d before expiry.
 */
function checkCallerLifetimes(c: ArgChecker, caArg: string, caValidity: unknown, leaves: ReadonlyArray<{ path: string; validity: unknown; renewBefore: unknown }>): void {
  requireString(c, caArg, caValidity, true);
  const caText = caValidity ?? "5y";
  const caHours = durationHours(c, caArg, caText);
  c.check(caHours >= 90 * 24, caArg, `(${q(caText)}) must be at least 90d: the caller CA issues 90-day client certificates by default, and a certificate cannot outlive its CA`);
  for (const leaf of leaves) {
    const at = (key: string) => (leaf.path ? `${leaf.path}.${key}` : key);
    requireString(c, at("validity"), leaf.validity, true);
    requireString(c, at("renewBefore"), leaf.renewBefore, true);
    const validityText = leaf.validity ?? "90d";
    const renewText = leaf.renewBefore ?? "30d";
    const validity = durationHours(c, at("validity"), validityText);
    const renew = durationHours(c, at("renewBefore"), renewText);
    checkRenewal(c, at("renewBefore"), renew, validity, renewText, validityText);
    c.check(validity <= caHours, at("validity"), `(${q(validityText)}) would outlive the caller's CA (${caArg} ${caText}); shorten it or raise ${caArg}`);
  }
}

/** The type contract of {@link WorkloadIdentityArgs}, and the lifetimes its internal CA would otherwise refuse under its child name. */
export function checkWorkloadIdentityContract(name: unknown, given: unknown): void {
  const c = argChecker("WorkloadIdentity", String(name));
  requireString(c, "name", name);
  const args: unknown = given === undefined ? {} : given;
  requireObject(c, "args", args, '(or nothing) such as { uris: ["spiffe://mesh.internal/nginx-gateway"] }');
  refuseUnknownKeys(c, "", args, WORKLOAD_IDENTITY_ARGS);
  requireArray(c, "uris", args.uris, true, (u, path) => requireString(c, path, u));
  requireString(c, "keyAlgorithm", args.keyAlgorithm, true);
  if (args.keyAlgorithm !== undefined) checkKeyAlgorithm(c, "keyAlgorithm", args.keyAlgorithm);
  requireOptionalBoolean(c, "protect", args.protect);
  checkCallerLifetimes(c, "caValidity", args.caValidity, [{ path: "", validity: args.validity, renewBefore: args.renewBefore }]);
}

/**
 * The type contract of {@link MtlsServiceArgs}, and the checks that would otherwise fail inside
 * a child (a per-caller InternalCA, or the shared CA's issue calls) under the child's name: the
 * caller CA validity, each caller's certificate lifetime and renewal window, the upstream client
 * identity, and the cert-manager renewal window of the server certificate.
 */
export function checkMtlsServiceContract(name: unknown, args: unknown): void {
  const c = argChecker("MtlsService", String(name));
  requireString(c, "name", name);
  requireObject(c, "args", args, "{ traefik, ca, service, hostnames, identities }");
  refuseUnknownKeys(c, "", args, MTLS_SERVICE_ARGS);
  requireObject(c, "traefik", args.traefik, "(the TraefikInstall the route runs on)");
  const traefik = args.traefik;
  c.check(Array.isArray(traefik.entrypoints) && isPlainObject(traefik.mtlsEntrypoint), "traefik", "is not a TraefikInstall; pass the TraefikInstall component");
  requireObject(c, "ca", args.ca, "(the InternalCA that signs the server certificate)");
  c.check(typeof args.ca.issueServerCertificate === "function", "ca", "is not an InternalCA; pass the InternalCA component");
  requireObject(c, "service", args.service, '{ namespace: "shop", name: "orders", port: 8080 }');
  refuseUnknownKeys(c, "service", args.service, MTLS_BACKEND_ARGS);
  for (const key of ["namespace", "name"] as const) requireString(c, `service.${key}`, args.service[key]);
  const port = args.service.port;
  if (typeof port !== "number" && typeof port !== "string") c.fail("service.port", `(${q(port)}) is ${typeName(port)}; give a port number or a port name`);
  requireArray(c, "hostnames", args.hostnames, false, (h, path) => requireString(c, path, h));
  requireArray(c, "identities", args.identities, true, (id, path) => requireObject(c, path, id, "(a WorkloadIdentity)"));
  requireArray(c, "clients", args.clients, true, (cl, path) => {
    requireObject(c, path, cl, '{ name: "nginx-gateway" }');
    refuseUnknownKeys(c, path, cl, MTLS_CALLER_ARGS);
    requireString(c, `${path}.name`, cl.name);
    requireArray(c, `${path}.uris`, cl.uris, true, (u, p) => requireString(c, p, u));
    for (const key of ["validity", "renewBefore"] as const) requireString(c, `${path}.${key}`, cl[key], true);
  });
  requireString(c, "entrypoint", args.entrypoint, true);
  requireString(c, "minTlsVersion", args.minTlsVersion, true);
  requireArray(c, "cipherSuites", args.cipherSuites, true, (s, path) => requireString(c, path, s));
  for (const key of ["sniStrict", "forwardClientCertPem"] as const) requireOptionalBoolean(c, key, args[key]);

  // Caller CAs and certificates (children named `<name>-caller-<caller>`: report under this component).
  requireString(c, "callerKeyAlgorithm", args.callerKeyAlgorithm, true);
  if (args.callerKeyAlgorithm !== undefined) checkKeyAlgorithm(c, "callerKeyAlgorithm", args.callerKeyAlgorithm);
  const leaves = ((args.clients ?? []) as Record<string, unknown>[]).map((cl, i) => ({ path: `clients[${i}]`, validity: cl.validity, renewBefore: cl.renewBefore }));
  checkCallerLifetimes(c, "callerCaValidity", args.callerCaValidity, leaves);

  const sc = args.serverCertificate;
  if (sc !== undefined) {
    requireObject(c, "serverCertificate", sc, '{ kind: "internal-ca" } or { kind: "cert-manager", issuerRef: { name } }');
    refuseUnknownKeys(c, "serverCertificate", sc, SERVER_CERTIFICATE_SOURCE_ARGS);
    requireOneOf(c, "serverCertificate.kind", sc.kind, ["internal-ca", "cert-manager"], false);
    if (sc.kind === "cert-manager") {
      requireObject(c, "serverCertificate.issuerRef", sc.issuerRef, '{ name: "letsencrypt", kind: "ClusterIssuer" }');
      requireString(c, "serverCertificate.issuerRef.name", sc.issuerRef.name);
      requireOneOf(c, "serverCertificate.issuerRef.kind", sc.issuerRef.kind, ["Issuer", "ClusterIssuer"]);
      requireString(c, "serverCertificate.issuerRef.group", sc.issuerRef.group, true);
      for (const key of ["duration", "renewBefore"] as const) requireString(c, `serverCertificate.${key}`, sc[key], true);
      const window = renewalWindowProblem((sc.duration as string | undefined) ?? "90d", (sc.renewBefore as string | undefined) ?? "30d", { defaultDuration: "90d" });
      if (window) c.fail(`serverCertificate.${window[0]}`, window[1]);
    } else {
      c.check(Object.keys(sc).every((k) => k === "kind" || sc[k] === undefined), "serverCertificate", `(${q(Object.keys(sc))}) has settings that only apply to kind "cert-manager"`);
    }
  }

  const up = args.upstream;
  if (up !== undefined) {
    requireObject(c, "upstream", up, '{ serverName: "orders.shop.svc" }');
    refuseUnknownKeys(c, "upstream", up, UPSTREAM_MTLS_ARGS);
    requireString(c, "upstream.serverName", up.serverName, true);
    requireString(c, "upstream.clientIdentity", up.clientIdentity, true);
    checkIdentity(c, "upstream.clientIdentity", (up.clientIdentity) ?? `traefik-${name}`);
    requireStringInput(c, "upstream.trustedCaPem", up.trustedCaPem, true);
    if (typeof up.trustedCaPem === "string") {
      const p = pemCertificateProblem(up.trustedCaPem, { bundle: true });
      if (p) c.fail("upstream.trustedCaPem", `(${describePemArg(up.trustedCaPem)}) ${p}`);
    }
  }
}
