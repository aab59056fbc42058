/**
 * Which TLS option Traefik applies to a handshake on one entrypoint, following the documented
 * precedence (docs/traefik-mtls.md "Precedence"), so that tests can take a *rendered*
 * configuration (IngressRoutes + the entrypoint's `http.tls.options`) to the TLSOption a
 * caller actually meets:
 * 1. a router with its own `tls` section uses its `options` (or `default`); only routers
 *    without one inherit the entrypoint's `http.tls.options` (Traefik docs, "Router TLS
 *    replaces entrypoint TLS");
 * 2. options are chosen by SNI from the routers' `Host()` rules; an SNI matching no router
 *    host (or none) gets `default` (`pkg/server/router/tcp/manager.go`, `Host(*)` fallback);
 * 3. routers of one host with different options make that host fall back to `default`.
 * Option names are qualified as the CRD provider does: `<namespace>-<name>@kubernetescrd`.
 */
import type { IngressRouteSpec } from "../../components/traefik/tls-option";

export interface RouteObject {
  readonly namespace: string;
  readonly spec: IngressRouteSpec;
}

const DEFAULT = "default";

function hostsOf(match: string): string[] {
  return [...match.matchAll(/Host\(`([^`]+)`\)/g)].map((m) => (m[1] ?? "").toLowerCase());
}

/** The qualified TLS option a route's routers use on `entrypoint`, or undefined when they are not on it. */
export function routeTlsOption(route: RouteObject, entrypoint: string, entrypointDefault: string | undefined): string | undefined {
  if (!(route.spec.entryPoints ?? []).includes(entrypoint)) return undefined;
  const tls = route.spec.tls;
  if (tls === undefined) return entrypointDefault ?? DEFAULT;
  const opt = tls.options;
  if (!opt?.name) return DEFAULT;
  return `${opt.namespace ?? route.namespace}-${opt.name}@kubernetescrd`;
}

/** The TLS option of a handshake with `sni` on `entrypoint`. */
export function selectTlsOption(a: { sni: string | undefined; entrypoint: string; entrypointDefault?: string; routes: readonly RouteObject[] }): string {
  if (!a.sni) return DEFAULT;
  const found = new Set<string>();
  for (const route of a.routes) {
    const option = routeTlsOption(route, a.entrypoint, a.entrypointDefault);
    if (option === undefined) continue;
    for (const r of route.spec.routes ?? []) if (hostsOf(r.match).includes(a.sni.toLowerCase())) found.add(option);
  }
  if (found.size !== 1) return DEFAULT;
  return [...found][0] ?? DEFAULT;
}
