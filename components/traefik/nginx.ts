/**
 * nginx as an mTLS *client* of an MtlsService (seed 001's gateway): renders the
 * `location` block that proxies to Traefik's mTLS entrypoint with the caller's
 * certificate. Pure: plain values in, text out.
 *
 * Three things the block gets right that a hand-written one often does not:
 * - `proxy_pass https://` to the mTLS entrypoint port (seed 001's 404 came from speaking
 *   HTTPS to a plain-HTTP entrypoint);
 * - SNI and `Host` carry the service host name, not the address in `proxy_pass`: Traefik
 *   picks the TLSOption by SNI (and `sniStrict` refuses a handshake without one) and the
 *   router by `Host` — nginx sends neither by default (`proxy_ssl_server_name off`,
 *   `Host: $proxy_host`);
 * - the upstream certificate is verified (`proxy_ssl_verify` is off by default in nginx).
 */
import { dnsNameProblem, isIpAddress } from "../common/dns";
import { opensslCipherNames, type AeadCipherSuite, type TlsVersion } from "./tls-option";

/** What nginx needs to know about the service it calls. {@link MtlsService.nginxTarget} returns one. */
export interface NginxMtlsTarget {
  /** Host name the service answers for (SNI, `Host`, name verified in Traefik's certificate). */
  readonly hostname: string;
  /** Minimum TLS version of the service's TLSOption. */
  readonly minTlsVersion: TlsVersion;
  /** TLS 1.2 suites of the TLSOption (Go names); ignored for TLS 1.3. */
  readonly cipherSuites: readonly AeadCipherSuite[];
  /** Port of the mTLS entrypoint as nginx reaches it. @default 8443 */
  readonly port?: number;
  /**
   * Callers the service's TLSOption trusts ({@link MtlsService.callerNames}). When given,
   * {@link renderNginxMtlsLocations} refuses to render a location for an identity not in it
   * (the handshake would be refused). @default unknown (not checked)
   */
  readonly callers?: readonly string[];
}

/** Arguments of {@link renderNginxMtlsLocation}. */
export interface NginxMtlsLocationArgs {
  readonly target: NginxMtlsTarget;
  /** Address (IP or DNS name) nginx connects to, e.g. Traefik's internal Service. */
  readonly address: string;
  /** Caller's certificate file (PEM; leaf first, then any intermediates). */
  readonly certificatePath: string;
  /** Caller's private key file (PEM). */
  readonly keyPath: string;
  /** CA bundle that signs Traefik's server certificate (the InternalCA trust bundle). */
  readonly trustedCaPath: string;
  /** Location path. @default "/" */
  readonly location?: string;
  /** `proxy_ssl_verify_depth`. @default 2 (leaf → intermediate → root) */
  readonly verifyDepth?: number;
}

const SAFE_PATH = /^\/[A-Za-z0-9._\-/]*$/;

function fail(argument: string, problem: string): never {
  throw new Error(`renderNginxMtlsLocation: ${argument} ${problem}`);
}

/**
 * Renders the nginx `location` block. Throws on values that would break or inject into
 * the configuration (relative paths, whitespace, `;`, quotes, invalid host names).
 */
export function renderNginxMtlsLocation(a: NginxMtlsLocationArgs): string {
  const { target } = a;
  const port = target.port ?? 8443;
  const location = a.location ?? "/";
  const depth = a.verifyDepth ?? 2;
  const hostProblem = dnsNameProblem(target.hostname);
  if (hostProblem) fail("target.hostname", `${JSON.stringify(target.hostname)} ${hostProblem}`);
  if (!isIpAddress(a.address) && dnsNameProblem(a.address) !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(a.address)) {
    fail("address", `${JSON.stringify(a.address)} is neither an IP address nor a host name`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail("target.port", `${port} must be 1-65535`);
  if (!Number.isInteger(depth) || depth < 1 || depth > 10) fail("verifyDepth", `${depth} must be 1-10`);
  for (const [key, path] of [
    ["certificatePath", a.certificatePath],
    ["keyPath", a.keyPath],
    ["trustedCaPath", a.trustedCaPath],
    ["location", location],
  ] as const) {
    if (!SAFE_PATH.test(path)) fail(key, `${JSON.stringify(path)} must be an absolute path of letters, digits, '.', '_', '-' and '/'`);
  }
  const hostPort = isIpAddress(a.address) && a.address.includes(":") ? `[${a.address}]:${port}` : `${a.address}:${port}`;
  const protocols = target.minTlsVersion === "1.3" ? "TLSv1.3" : "TLSv1.2 TLSv1.3";
  const lines = [
    `location ${location} {`,
    `    proxy_pass https://${hostPort};`,
    `    proxy_set_header Host ${target.hostname};`,
    `    proxy_ssl_server_name on;`,
    `    proxy_ssl_name ${target.hostname};`,
    `    proxy_ssl_protocols ${protocols};`,
  ];
  if (target.minTlsVersion === "1.2") lines.push(`    proxy_ssl_ciphers ${opensslCipherNames(target.cipherSuites).join(":")};`);
  lines.push(
    `    proxy_ssl_certificate ${a.certificatePath};`,
    `    proxy_ssl_certificate_key ${a.keyPath};`,
    `    proxy_ssl_trusted_certificate ${a.trustedCaPath};`,
    `    proxy_ssl_verify on;`,
    `    proxy_ssl_verify_depth ${depth};`,
    `    proxy_ssl_session_reuse on;`,
    `}`,
  );
  return lines.join("\n") + "\n";
}

/** One upstream of {@link renderNginxMtlsLocations}. */
export interface NginxMtlsRoute {
  /** The service ({@link MtlsService.nginxTarget}). */
  readonly target: NginxMtlsTarget;
  /** Address nginx connects to (Traefik's internal Service). */
  readonly address: string;
  /** Location path, unique per call. */
  readonly location: string;
}

/** Arguments of {@link renderNginxMtlsLocations}. */
export interface NginxMtlsLocationsArgs {
  /** The caller identity nginx presents (a WorkloadIdentity's name); every target must list it. */
  readonly identity: string;
  /** The identity's certificate file, used for every upstream. */
  readonly certificatePath: string;
  /** The identity's key file. */
  readonly keyPath: string;
  /** CA bundle that signs Traefik's server certificates. */
  readonly trustedCaPath: string;
  /** The upstreams, one `location` each. At least one. */
  readonly routes: readonly NginxMtlsRoute[];
  /** `proxy_ssl_verify_depth`. @default 2 */
  readonly verifyDepth?: number;
}

/**
 * Renders one `location` block per upstream service, all presenting the same identity
 * certificate (one WorkloadIdentity for every service that lists it). Refuses a route whose
 * target does not list `identity` among its callers (Traefik would refuse the handshake) and
 * a location used twice.
 */
export function renderNginxMtlsLocations(a: NginxMtlsLocationsArgs): string {
  if (a.routes.length === 0) fail("routes", "is empty; give at least one upstream");
  const seen = new Set<string>();
  return a.routes
    .map((r, i) => {
      if (seen.has(r.location)) fail(`routes[${i}].location`, `${JSON.stringify(r.location)} is used twice`);
      seen.add(r.location);
      if (r.target.callers && !r.target.callers.includes(a.identity)) {
        fail(`routes[${i}].target`, `(${r.target.hostname}) does not list identity ${JSON.stringify(a.identity)} among its callers (${r.target.callers.join(", ")}); add it to the service's \`identities\` or Traefik refuses the handshake`);
      }
      return renderNginxMtlsLocation({
        target: r.target,
        address: r.address,
        location: r.location,
        certificatePath: a.certificatePath,
        keyPath: a.keyPath,
        trustedCaPath: a.trustedCaPath,
        verifyDepth: a.verifyDepth,
      });
    })
    .join("\n");
}
