/**
 * Construction-time validation of {@link TunnelOriginArgs}: pure, run before any child exists.
 * Errors throw {@link EdgeMtlsArgumentError}; warnings are returned for the component to log.
 */
import { argChecker, q, type ArgChecker } from "../common/errors";
import { depthBelowZone, dnsNameProblem, isInZone, isWildcard } from "../common/dns";
import {
  argNames,
  checkCloudflareId,
  describePemArg,
  httpsUrlProblem,
  isKnown,
  isPlainObject,
  k8sLabelNameProblem,
  k8sObjectNameProblem,
  pemCertificateProblem,
  quantityProblem,
  quantityValue,
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
import type { CertManagerOriginCertificate, ContainerResources, InternalCaOriginCertificate, OriginTimeouts, TraefikOrigin, TunnelOriginArgs, TunnelOriginTarget, TunnelRoute, UrlOrigin } from "./types";

// The names each args interface has (the compiler keeps them in step, see argNames).
const TUNNEL_ORIGIN_ARGS = argNames<TunnelOriginArgs>()(["accountId", "zone", "routes", "origin", "originCertificate", "edgeCertificate", "setSslModeStrict", "sslModeStrictScope", "allowInsecureOrigin", "originTimeouts", "tunnelName", "tunnelSecretVersion", "namespace", "replicas", "image", "resources", "clusterDomain"]);
const ZONE_ARGS = argNames<TunnelOriginArgs["zone"]>()(["id", "name"]);
const TUNNEL_ROUTE_ARGS = argNames<TunnelRoute>()(["hostname", "path", "origin", "originServerName", "noTlsVerify"]);
// Per kind: a name of the other kind (an internal-ca origin certificate with an issuerRef) is refused too.
const ORIGIN_CERTIFICATE_ARGS = {
  "cert-manager": argNames<CertManagerOriginCertificate>()(["kind", "issuerRef", "namespace", "secretName", "dnsNames", "caPem", "dependsOn", "waitForReady"]),
  "internal-ca": argNames<InternalCaOriginCertificate>()(["kind", "ca", "namespace", "secretName"]),
} as const;
const RESOURCES_ARGS = argNames<ContainerResources>()(["requests", "limits"]);
const QUANTITY_ARGS = argNames<NonNullable<ContainerResources["requests"]>>()(["cpu", "memory"]);
const ORIGIN_TIMEOUTS_ARGS = argNames<OriginTimeouts>()(["connectTimeout", "tlsTimeout", "tcpKeepAlive", "keepAliveTimeout", "keepAliveConnections"]);

/** Default Service port of Traefik's server-TLS entrypoint (the Traefik Helm chart's `websecure`). */
export const DEFAULT_TRAEFIK_PORT = 443;

/** A route after validation: everything the ingress builder needs, as plain data. */
export interface NormalizedRoute {
  readonly hostname: string;
  readonly path?: string;
  /** `https://host:port` (or `http://…` when allowed). */
  readonly service: string;
  readonly scheme: "https" | "http";
  /** SNI / expected certificate name; set for https origins. */
  readonly originServerName?: string;
  readonly noTlsVerify: boolean;
  /** Namespace of the Traefik Service, when the origin is Traefik. */
  readonly traefikNamespace?: string;
}

/** The validated, normalized view of the arguments. */
export interface ValidatedTunnelOrigin {
  readonly routes: readonly NormalizedRoute[];
  /** Distinct hostnames, in first-seen order (one CNAME each). */
  readonly hostnames: readonly string[];
  /** Names the origin certificate must cover (the distinct https `originServerName`s). */
  readonly originServerNames: readonly string[];
  /** Namespace of the origin certificate's Secret, when there is one. */
  readonly originCertificateNamespace?: string;
  /** Names of the cert-manager Certificate, when `originCertificate.kind` is `cert-manager`. */
  readonly certManagerDnsNames?: readonly string[];
  readonly warnings: readonly string[];
}

const DNS1123_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True when `origin` is a Traefik descriptor rather than a URL. */
export function isTraefikOrigin(origin: TunnelOriginTarget): origin is TraefikOrigin {
  return (origin as TraefikOrigin).service !== undefined;
}

/** True when certificate name `pattern` (possibly `*.x`) matches host `name` (RFC 6125 §6.4.3, one label). */
export function certificateNameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (!isWildcard(p)) return p === n;
  const suffix = p.slice(1); // ".zone"
  if (!n.endsWith(suffix)) return false;
  const left = n.slice(0, n.length - suffix.length);
  return left.length > 0 && !left.includes(".");
}

/** True when one of `dnsNames` covers `name`. */
export function certificateCovers(dnsNames: readonly string[], name: string): boolean {
  return dnsNames.some((p) => certificateNameMatches(p, name));
}

/**
 * The default names of a cert-manager origin certificate: the apex, `*.<zone>`, and every
 * server name the wildcard does not cover (more than one label deep).
 */
export function defaultCertManagerDnsNames(zone: string, serverNames: readonly string[]): string[] {
  const names = [zone, `*.${zone}`];
  for (const n of serverNames) if (!certificateCovers(names, n)) names.push(n);
  return names;
}

/** Normalizes a route given as a bare hostname. */
export function toRoute(route: string | TunnelRoute): TunnelRoute {
  return typeof route === "string" ? { hostname: route } : route;
}

function checkTraefikOrigin(c: ArgChecker, arg: string, o: TraefikOrigin): void {
  c.check(
    typeof o.service?.name === "string" && DNS1123_LABEL.test(o.service.name),
    `${arg}.service.name`,
    `(${q(o.service?.name)}) must be a Kubernetes Service name (DNS-1123 label)`,
  );
  c.check(
    typeof o.service?.namespace === "string" && DNS1123_LABEL.test(o.service.namespace),
    `${arg}.service.namespace`,
    `(${q(o.service?.namespace)}) must be a Kubernetes namespace name (DNS-1123 label)`,
  );
  const port = o.port ?? DEFAULT_TRAEFIK_PORT;
  c.check(Number.isInteger(port) && port >= 1 && port <= 65535, `${arg}.port`, `(${q(o.port)}) must be an integer from 1 to 65535`);
  c.check(typeof o.entrypoint?.name === "string" && o.entrypoint.name.length > 0, `${arg}.entrypoint.name`, "is required");
  if (o.entrypoint.mtls) {
    c.fail(
      `${arg}.entrypoint`,
      `(${q(o.entrypoint.name)}) requires client certificates (mtls: true), but cloudflared cannot present a client ` +
        "certificate to its origin (https://github.com/cloudflare/cloudflared/issues/860). Point the tunnel at Traefik's " +
        "server-TLS entrypoint (mtls: false) and keep the mTLS entrypoint for callers that hold client certificates",
    );
  }
}

function parseUrlOrigin(c: ArgChecker, arg: string, o: UrlOrigin): URL {
  let url: URL | undefined;
  try {
    url = new URL(o.url);
  } catch {
    url = undefined;
  }
  if (!url || url.hostname === "") return c.fail(`${arg}.url`, `(${q(withoutCredentials(o.url))}) is not a URL; expected https://host[:port]`);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    c.fail(`${arg}.url`, `(${q(withoutCredentials(o.url))}) has scheme ${q(url.protocol)}; only https:// origins (or http:// with allowInsecureOrigin) are supported`);
  }
  c.check(url.username === "" && url.password === "", `${arg}.url`, "must not contain credentials");
  // cloudflared's `service` is scheme://host:port only: a path, query or fragment would be silently dropped.
  const dropped = httpsUrlProblem(o.url, { allowHttp: true });
  if (dropped) c.fail(`${arg}.url`, `(${q(withoutCredentials(o.url))}) ${dropped}; route paths go in the route's \`path\` (a cloudflared path regex)`);
  return url;
}

function checkSeconds(c: ArgChecker, arg: string, value: number | undefined): void {
  if (value === undefined) return;
  c.check(Number.isInteger(value) && value > 0, arg, `(${q(value)}) must be a positive whole number of seconds`);
}

/**
 * Validates every argument of a TunnelOrigin and returns the normalized routes and warnings.
 * Throws an {@link EdgeMtlsArgumentError} naming the argument and the bad value on the first problem.
 */
export function validateTunnelOriginArgs(name: string, args: TunnelOriginArgs): ValidatedTunnelOrigin {
  checkTunnelOriginContract(name, args);
  const c: ArgChecker = argChecker("TunnelOrigin", name);
  const warnings: string[] = [];
  const zone = args.zone?.name;
  c.check(typeof zone === "string", "zone.name", "is required (the zone's DNS name, e.g. example.com)");
  const zoneProblem = dnsNameProblem(zone);
  if (zoneProblem) c.fail("zone.name", `(${q(zone)}) ${zoneProblem}`);

  c.check(Array.isArray(args.routes) && args.routes.length > 0, "routes", "must list at least one hostname");
  const allowInsecure = args.allowInsecureOrigin ?? false;
  const edgeCertificate = args.edgeCertificate ?? "universal";
  c.check(edgeCertificate === "universal" || edgeCertificate === "advanced", "edgeCertificate", `(${q(args.edgeCertificate)}) must be "universal" or "advanced"`);
  const clusterDomain = args.clusterDomain ?? "cluster.local";
  c.check(dnsNameProblem(clusterDomain) === undefined, "clusterDomain", `(${q(clusterDomain)}) must be a DNS name`);

  if (args.origin !== undefined) {
    if (isTraefikOrigin(args.origin)) checkTraefikOrigin(c, "origin", args.origin);
    else parseUrlOrigin(c, "origin", args.origin);
  }

  const routes: NormalizedRoute[] = [];
  const hostnames: string[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of args.routes.entries()) {
    const arg = `routes[${i}]`;
    const route = toRoute(raw);
    const host = route.hostname;
    c.check(typeof host === "string", `${arg}.hostname`, "is required");
    if (isWildcard(host)) {
      c.fail(`${arg}.hostname`, `(${q(host)}) is a wildcard; list each public hostname so each gets its own CNAME and origin server name`);
    }
    const problem = dnsNameProblem(host);
    if (problem) c.fail(`${arg}.hostname`, `(${q(host)}) ${problem}`);
    if (!isInZone(host, zone)) c.fail(`${arg}.hostname`, `(${q(host)}) is not in zone ${q(zone)}; a tunnel CNAME can only be created inside the zone`);
    const depth = depthBelowZone(host, zone);
    if (depth > 1 && edgeCertificate === "universal") {
      c.fail(
        `${arg}.hostname`,
        `(${q(host)}) is ${depth} labels below ${q(zone)}; Cloudflare's Universal SSL certificate covers only the apex and ` +
          `*.${zone}, so browsers would fail the TLS handshake at the edge (seed 000's outage). Use a hostname one label deep, ` +
          `or order an Advanced certificate covering it and pass edgeCertificate: "advanced"`,
      );
    }

    if (route.path !== undefined) {
      c.check(typeof route.path === "string" && route.path.length > 0, `${arg}.path`, "must be a non-empty regular expression when given");
      try {
        new RegExp(route.path);
      } catch {
        c.fail(`${arg}.path`, `(${q(route.path)}) is not a valid regular expression`);
      }
    }
    const key = `${host} ${route.path ?? ""}`;
    const first = seen.get(key);
    if (first !== undefined) {
      c.fail(
        `${arg}.hostname`,
        `(${q(host)}${route.path ? ` path ${q(route.path)}` : ""}) duplicates routes[${first}]; cloudflared would only ever use the first rule`,
      );
    }
    seen.set(key, i);
    if (!hostnames.includes(host)) hostnames.push(host);

    const origin = route.origin ?? args.origin;
    if (origin === undefined) c.fail(`${arg}.origin`, "is required when the TunnelOrigin has no default `origin`");
    let service: string;
    let scheme: "https" | "http";
    let traefikNamespace: string | undefined;
    if (isTraefikOrigin(origin)) {
      if (route.origin) checkTraefikOrigin(c, `${arg}.origin`, route.origin as TraefikOrigin);
      scheme = "https";
      traefikNamespace = origin.service.namespace;
      service = `https://${origin.service.name}.${origin.service.namespace}.svc.${clusterDomain}:${origin.port ?? DEFAULT_TRAEFIK_PORT}`;
    } else {
      const url = parseUrlOrigin(c, route.origin ? `${arg}.origin` : "origin", origin);
      scheme = url.protocol === "http:" ? "http" : "https";
      service = `${url.protocol}//${url.host}`;
      if (scheme === "http") {
        if (!allowInsecure) {
          c.fail(
            `${arg}.origin.url`,
            `(${q(withoutCredentials(origin.url))}) is plain http://: the hop from cloudflared to the origin would be unencrypted and unauthenticated. ` +
              "Use https:// (Traefik's server-TLS entrypoint), or pass allowInsecureOrigin: true to accept it",
          );
        }
        warnings.push(`TunnelOrigin "${name}": ${arg} (${host}) reaches its origin over plain http:// (${origin.url}); traffic after cloudflared is unencrypted`);
      }
    }

    const noTlsVerify = route.noTlsVerify ?? false;
    if (noTlsVerify) {
      if (!allowInsecure) {
        c.fail(
          `${arg}.noTlsVerify`,
          "(true) disables verification of the origin certificate, so anyone on the path can impersonate the origin. " +
            "Give the origin a certificate (originCertificate) instead, or pass allowInsecureOrigin: true to accept it",
        );
      }
      warnings.push(`TunnelOrigin "${name}": ${arg} (${host}) has noTlsVerify: cloudflared accepts any origin certificate`);
    }

    let originServerName: string | undefined;
    if (scheme === "https") {
      originServerName = route.originServerName ?? host;
      const snProblem = dnsNameProblem(originServerName);
      if (snProblem) c.fail(`${arg}.originServerName`, `(${q(originServerName)}) ${snProblem}`);
    } else if (route.originServerName !== undefined) {
      c.fail(`${arg}.originServerName`, "only applies to https:// origins");
    }

    routes.push({
      hostname: host,
      ...(route.path !== undefined ? { path: route.path } : {}),
      service,
      scheme,
      ...(originServerName !== undefined ? { originServerName } : {}),
      noTlsVerify,
      ...(traefikNamespace !== undefined ? { traefikNamespace } : {}),
    });
  }

  const t = args.originTimeouts ?? {};
  checkSeconds(c, "originTimeouts.connectTimeout", t.connectTimeout);
  checkSeconds(c, "originTimeouts.tlsTimeout", t.tlsTimeout);
  checkSeconds(c, "originTimeouts.tcpKeepAlive", t.tcpKeepAlive);
  checkSeconds(c, "originTimeouts.keepAliveTimeout", t.keepAliveTimeout);
  checkSeconds(c, "originTimeouts.keepAliveConnections", t.keepAliveConnections);

  const replicas = args.replicas ?? 2;
  c.check(Number.isInteger(replicas) && replicas >= 1, "replicas", `(${q(args.replicas)}) must be a whole number of at least 1`);
  if (replicas < 2) {
    warnings.push(`TunnelOrigin "${name}": replicas is ${replicas}; every cloudflared restart or node drain takes the hostnames offline (use 2 or more)`);
  }
  if (args.namespace !== undefined) {
    c.check(DNS1123_LABEL.test(args.namespace), "namespace", `(${q(args.namespace)}) must be a Kubernetes namespace name (DNS-1123 label)`);
  }
  if (args.image !== undefined) {
    c.check(
      /^[^\s]+(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/.test(args.image) && !/:latest$/.test(args.image),
      "image",
      `(${q(args.image)}) must be pinned to a version tag or digest (not latest)`,
    );
  }
  if (args.tunnelName !== undefined) c.check(args.tunnelName.trim().length > 0, "tunnelName", "must not be empty");

  const httpsRoutes = routes.filter((r) => r.scheme === "https");
  const originServerNames = [...new Set(httpsRoutes.map((r) => r.originServerName as string))];
  const cert = args.originCertificate;
  let originCertificateNamespace: string | undefined;
  let certManagerDnsNames: string[] | undefined;
  if (cert !== undefined) {
    c.check(cert.kind === "cert-manager" || cert.kind === "internal-ca", "originCertificate.kind", `(${q((cert as { kind?: unknown }).kind)}) must be "cert-manager" or "internal-ca"`);
    c.check(httpsRoutes.length > 0, "originCertificate", "is set but no route uses an https:// origin");
    const traefikNamespaces = [...new Set(routes.flatMap((r) => (r.traefikNamespace ? [r.traefikNamespace] : [])))];
    originCertificateNamespace = cert.namespace ?? (traefikNamespaces.length === 1 ? traefikNamespaces[0] : undefined);
    if (originCertificateNamespace === undefined) {
      c.fail(
        "originCertificate.namespace",
        traefikNamespaces.length > 1
          ? `is required: the routes use Traefik Services in several namespaces (${traefikNamespaces.join(", ")})`
          : "is required when the routes do not target a Traefik Service",
      );
    }
    c.check(DNS1123_LABEL.test(originCertificateNamespace), "originCertificate.namespace", `(${q(originCertificateNamespace)}) must be a namespace name`);
    if (cert.secretName !== undefined) {
      c.check(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(cert.secretName), "originCertificate.secretName", `(${q(cert.secretName)}) must be a Kubernetes object name`);
    }
    if (cert.kind === "cert-manager") {
      c.check(typeof cert.issuerRef?.name === "string" && cert.issuerRef.name.length > 0, "originCertificate.issuerRef.name", "is required");
      certManagerDnsNames = cert.dnsNames ? [...cert.dnsNames] : defaultCertManagerDnsNames(zone, originServerNames);
      for (const [i, n] of certManagerDnsNames.entries()) {
        const p = dnsNameProblem(n, { allowWildcard: true });
        if (p) c.fail(`originCertificate.dnsNames[${i}]`, `(${q(n)}) ${p}`);
      }
      for (const sn of originServerNames) {
        if (!certificateCovers(certManagerDnsNames, sn)) {
          c.fail(
            "originCertificate.dnsNames",
            `(${certManagerDnsNames.join(", ")}) do not cover origin server name ${q(sn)}; cloudflared would reject Traefik's certificate. Add it (or omit dnsNames for the default)`,
          );
        }
      }
    }
  }

  return {
    routes,
    hostnames,
    originServerNames,
    ...(originCertificateNamespace !== undefined ? { originCertificateNamespace } : {}),
    ...(certManagerDnsNames !== undefined ? { certManagerDnsNames } : {}),
    warnings,
  };
}

function checkOriginShape(c: ArgChecker, arg: string, o: unknown): void {
  requireObject(c, arg, o, '{ url: "https://host:443" } or traefik.origin("websecure")');
  if (o.service === undefined) {
    requireString(c, `${arg}.url`, o.url);
    return;
  }
  requireObject(c, `${arg}.service`, o.service, '{ namespace: "traefik", name: "traefik" }');
  requireString(c, `${arg}.service.namespace`, o.service.namespace);
  requireString(c, `${arg}.service.name`, o.service.name);
  requireNumber(c, `${arg}.port`, o.port, true);
  requireObject(c, `${arg}.entrypoint`, o.entrypoint, '{ name: "websecure", mtls: false }');
  requireString(c, `${arg}.entrypoint.name`, o.entrypoint.name);
  requireOptionalBoolean(c, `${arg}.entrypoint.mtls`, o.entrypoint.mtls);
}

function checkResources(c: ArgChecker, resources: unknown): void {
  if (resources === undefined) return;
  requireObject(c, "resources", resources, '{ requests: { cpu: "50m", memory: "64Mi" }, limits: { … } }');
  refuseUnknownKeys(c, "resources", resources, RESOURCES_ARGS);
  for (const side of ["requests", "limits"] as const) {
    const r = resources[side];
    if (r === undefined) continue;
    requireObject(c, `resources.${side}`, r, '{ cpu: "50m", memory: "64Mi" }');
    refuseUnknownKeys(c, `resources.${side}`, r, QUANTITY_ARGS);
    for (const kind of ["cpu", "memory"] as const) {
      const v = r[kind];
      if (v === undefined) continue;
      requireString(c, `resources.${side}.${kind}`, v);
      const p = quantityProblem(v);
      if (p) c.fail(`resources.${side}.${kind}`, `(${q(v)}) ${p}`);
    }
  }
  const req = isPlainObject(resources.requests) ? resources.requests : {};
  const lim = isPlainObject(resources.limits) ? resources.limits : {};
  for (const kind of ["cpu", "memory"] as const) {
    const a = typeof req[kind] === "string" ? quantityValue(req[kind]) : undefined;
    const b = typeof lim[kind] === "string" ? quantityValue(lim[kind]) : undefined;
    if (a !== undefined && b !== undefined && a > b) {
      c.fail(`resources.requests.${kind}`, `(${q(req[kind])}) exceeds resources.limits.${kind} (${q(lim[kind])}); Kubernetes rejects a request above its limit`);
    }
  }
}

/**
 * The type contract of {@link TunnelOriginArgs} for every caller, plain JavaScript included:
 * Cloudflare ids (32 hex), route and origin shapes, discriminants, PEM and quantity values.
 * Unresolved Outputs (ids, PEMs) are skipped.
 */
export function checkTunnelOriginContract(name: unknown, args: unknown): void {
  const c = argChecker("TunnelOrigin", String(name));
  requireString(c, "name", name);
  requireObject(c, "args", args, "{ accountId, zone: { id, name }, routes, origin }");
  refuseUnknownKeys(c, "", args, TUNNEL_ORIGIN_ARGS);
  // The name becomes Kubernetes names: the namespace `cloudflared-<name>` and `<name>-origin-tls`.
  const nameProblem = k8sLabelNameProblem(name, 63 - "cloudflared-".length);
  if (nameProblem) c.fail("name", `(${q(name)}) ${nameProblem}; it names the cloudflared namespace (cloudflared-<name>) and Secrets`);
  checkCloudflareId(c, "accountId", args.accountId, "account");
  requireObject(c, "zone", args.zone, '{ id: "<32-hex zone id>", name: "example.com" }');
  refuseUnknownKeys(c, "zone", args.zone, ZONE_ARGS);
  checkCloudflareId(c, "zone.id", args.zone.id, "zone");
  requireString(c, "zone.name", args.zone.name);
  requireArray(c, "routes", args.routes, false, (r, path) => {
    if (typeof r === "string") return;
    requireObject(c, path, r, '{ hostname: "app.example.com" } or "app.example.com"');
    refuseUnknownKeys(c, path, r, TUNNEL_ROUTE_ARGS);
    requireString(c, `${path}.hostname`, r.hostname);
    requireString(c, `${path}.path`, r.path, true);
    requireString(c, `${path}.originServerName`, r.originServerName, true);
    requireOptionalBoolean(c, `${path}.noTlsVerify`, r.noTlsVerify);
    if (r.origin !== undefined) checkOriginShape(c, `${path}.origin`, r.origin);
  });
  if (args.origin !== undefined) checkOriginShape(c, "origin", args.origin);
  requireOneOf(c, "edgeCertificate", args.edgeCertificate, ["universal", "advanced"]);
  for (const key of ["setSslModeStrict", "allowInsecureOrigin"] as const) requireOptionalBoolean(c, key, args[key]);
  for (const key of ["tunnelName", "tunnelSecretVersion", "namespace", "image", "clusterDomain"] as const) requireString(c, key, args[key], true);
  requireNumber(c, "replicas", args.replicas, true);
  if (args.originTimeouts !== undefined) {
    requireObject(c, "originTimeouts", args.originTimeouts, "{ connectTimeout: 10 } (seconds)");
    refuseUnknownKeys(c, "originTimeouts", args.originTimeouts, ORIGIN_TIMEOUTS_ARGS);
    for (const [k, v] of Object.entries(args.originTimeouts)) requireNumber(c, `originTimeouts.${k}`, v, true);
  }
  checkResources(c, args.resources);
  const cert = args.originCertificate;
  if (cert !== undefined) {
    requireObject(c, "originCertificate", cert, '{ kind: "cert-manager", issuerRef } or { kind: "internal-ca", ca }');
    requireOneOf(c, "originCertificate.kind", cert.kind, ["cert-manager", "internal-ca"], false);
    refuseUnknownKeys(c, "originCertificate", cert, ORIGIN_CERTIFICATE_ARGS[cert.kind as keyof typeof ORIGIN_CERTIFICATE_ARGS]);
    requireString(c, "originCertificate.namespace", cert.namespace, true);
    requireString(c, "originCertificate.secretName", cert.secretName, true);
    if (typeof cert.secretName === "string") {
      const p = k8sObjectNameProblem(cert.secretName);
      if (p) c.fail("originCertificate.secretName", `(${q(cert.secretName)}) ${p}`);
    }
    if (cert.kind === "cert-manager") {
      requireObject(c, "originCertificate.issuerRef", cert.issuerRef, '{ name: "letsencrypt-dns01", kind: "ClusterIssuer" }');
      requireString(c, "originCertificate.issuerRef.name", cert.issuerRef.name);
      requireOneOf(c, "originCertificate.issuerRef.kind", cert.issuerRef.kind, ["ClusterIssuer", "Issuer"]);
      requireArray(c, "originCertificate.dnsNames", cert.dnsNames, true, (n, path) => requireString(c, path, n));
      requireArray(c, "originCertificate.dependsOn", cert.dependsOn, true);
      requireOptionalBoolean(c, "originCertificate.waitForReady", cert.waitForReady);
      requireStringInput(c, "originCertificate.caPem", cert.caPem, true);
      if (typeof cert.caPem === "string") {
        const p = pemCertificateProblem(cert.caPem, { bundle: true });
        if (p) c.fail("originCertificate.caPem", `(${describePemArg(cert.caPem)}) ${p}`);
      }
    } else {
      requireObject(c, "originCertificate.ca", cert.ca, "(such as an InternalCA)");
      c.check(typeof cert.ca.issueServerCertificate === "function", "originCertificate.ca", `is ${isKnown(cert.ca) ? "not an issuer" : typeName(cert.ca)}; pass an InternalCA (anything with issueServerCertificate)`);
    }
  }
}
