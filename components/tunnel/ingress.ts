/**
 * The tunnel's single configuration document: one ingress rule per route, then the mandatory
 * catch-all. Pure functions, unit-tested without the engine.
 *
 * Field names follow the v6 provider (`ZeroTrustTunnelCloudflaredConfigConfigIngress` in
 * @pulumi/cloudflare types/input.d.ts: `originServerName`, `caPool`, `http2Origin`,
 * `noTlsVerify`, timeouts as integer seconds). Semantics: Cloudflare's origin parameters
 * reference, https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/origin-configuration/
 * (`originServerName` defaults to the service URL's host; `caPool` is added to the system roots,
 * cloudflared tlsconfig `loadOriginCertPool`).
 */
import { argChecker, q } from "../common/errors";
import type { OriginTimeouts, TunnelRoute } from "./types";
import type { NormalizedRoute } from "./validate";

/** The service of the catch-all rule cloudflared requires as the last ingress rule. */
export const CATCH_ALL_SERVICE = "http_status:404";

/** Origin timeouts applied when the caller gives none (seconds; cloudflared's documented defaults, keepalive tuned). */
export const DEFAULT_ORIGIN_TIMEOUTS: Required<OriginTimeouts> = {
  connectTimeout: 10,
  tlsTimeout: 10,
  tcpKeepAlive: 30,
  keepAliveTimeout: 90,
  keepAliveConnections: 100,
};

/** `originRequest` of one rule (a subset of the provider's type, as plain data). */
export interface OriginRequest {
  originServerName?: string;
  caPool?: string;
  http2Origin?: boolean;
  noTlsVerify: boolean;
  connectTimeout: number;
  tlsTimeout: number;
  tcpKeepAlive: number;
  keepAliveTimeout: number;
  keepAliveConnections: number;
}

/** One ingress rule. The catch-all has only `service`. */
export interface IngressRule {
  hostname?: string;
  path?: string;
  service: string;
  originRequest?: OriginRequest;
}

/** Options of {@link buildIngressRules}. */
export interface IngressOptions {
  /** Path of the mounted origin CA bundle in the cloudflared pod. @default none (system roots only) */
  readonly caPool?: string;
  /** @default {@link DEFAULT_ORIGIN_TIMEOUTS} */
  readonly timeouts?: OriginTimeouts;
}

/**
 * Orders routes the way cloudflared must see them: it takes the first matching rule, so for a
 * hostname every path rule goes before that hostname's path-less rule. Otherwise the given order holds.
 */
export function orderRoutes<T extends { readonly hostname: string; readonly path?: string }>(routes: readonly T[]): T[] {
  const indexed = routes.map((r, i) => ({ r, i }));
  const firstIndexOfHost = new Map<string, number>();
  for (const { r, i } of indexed) if (!firstIndexOfHost.has(r.hostname)) firstIndexOfHost.set(r.hostname, i);
  return indexed
    .sort((a, b) => {
      const ha = firstIndexOfHost.get(a.r.hostname) ?? 0;
      const hb = firstIndexOfHost.get(b.r.hostname) ?? 0;
      if (ha !== hb) return ha - hb;
      const pa = a.r.path === undefined ? 1 : 0;
      const pb = b.r.path === undefined ? 1 : 0;
      return pa !== pb ? pa - pb : a.i - b.i;
    })
    .map(({ r }) => r);
}

/** Builds the complete ingress list: one rule per route, ordered, ending with exactly one catch-all. */
export function buildIngressRules(routes: readonly NormalizedRoute[], options: IngressOptions = {}): IngressRule[] {
  const t = { ...DEFAULT_ORIGIN_TIMEOUTS, ...(options.timeouts ?? {}) };
  const rules: IngressRule[] = orderRoutes(routes).map((r) => {
    const https = r.scheme === "https";
    const originRequest: OriginRequest = {
      ...(https && r.originServerName !== undefined ? { originServerName: r.originServerName } : {}),
      ...(https && options.caPool !== undefined ? { caPool: options.caPool } : {}),
      ...(https ? { http2Origin: true } : {}),
      noTlsVerify: r.noTlsVerify,
      connectTimeout: t.connectTimeout,
      tlsTimeout: t.tlsTimeout,
      tcpKeepAlive: t.tcpKeepAlive,
      keepAliveTimeout: t.keepAliveTimeout,
      keepAliveConnections: t.keepAliveConnections,
    };
    return { hostname: r.hostname, ...(r.path !== undefined ? { path: r.path } : {}), service: r.service, originRequest };
  });
  rules.push({ service: CATCH_ALL_SERVICE });
  return rules;
}

/**
 * Merges the route lists of several applications into the one list a tunnel's single
 * configuration is built from. Throws when two groups publish the same hostname and path
 * (two configs — or two rules — for one name would silently shadow each other).
 */
export function mergeRoutes(...groups: ReadonlyArray<ReadonlyArray<string | TunnelRoute>>): Array<string | TunnelRoute> {
  const c = argChecker("mergeRoutes", "routes");
  const owner = new Map<string, number>();
  const out: Array<string | TunnelRoute> = [];
  for (const [g, group] of groups.entries()) {
    for (const route of group) {
      const r = typeof route === "string" ? { hostname: route } : route;
      const key = `${r.hostname} ${r.path ?? ""}`;
      const prev = owner.get(key);
      if (prev !== undefined) {
        c.fail(`group ${g}`, `publishes ${q(r.hostname)}${r.path ? ` path ${q(r.path)}` : ""}, already published by group ${prev}`);
      }
      owner.set(key, g);
      out.push(route);
    }
  }
  return out;
}
