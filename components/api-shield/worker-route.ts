/**
 * A Worker route that works: Cloudflare runs a route's Worker only for requests that reach its
 * edge, that is for a hostname with a **proxied** DNS record. "If your route is configured to a
 * hostname, you will need to add a DNS record to Cloudflare to ensure that the hostname can be
 * resolved externally. If your Worker acts as your origin (that is, the request terminates in a
 * Worker), you must add a DNS record. You may enter a placeholder AAAA record pointing to 100::,
 * which must be proxied through Cloudflare"
 * (https://developers.cloudflare.com/workers/configuration/routing/routes/).
 *
 * So the route either creates that record, or is refused unless this program already proxies the
 * host (a `TunnelOrigin` route, another `WorkerRoute`, or `declareProxiedZone(zone, by, [host])`
 * for a record you create yourself).
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { WorkersRoute } from "@pulumi/cloudflare/workersRoute";
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q, type ArgChecker } from "../common/errors";
import { dnsNameProblem, isInZone, isWildcard } from "../common/dns";
import type { Topology } from "../common/topology";
import { argNames, refuseUnknownKeys, requireObject } from "../common/validate";
import { declareProxiedZone, proxiedHostnamesIn } from "./zone-registry";

/** The placeholder origin of a Worker-only hostname (IPv6 discard prefix, RFC 6666). */
export const WORKER_ONLY_ORIGIN = "100::";

/** Arguments of {@link WorkerRoute}. */
export interface WorkerRouteArgs {
  /** The zone's id. */
  readonly zoneId: pulumi.Input<string>;
  /** The zone's name; the route's host must lie in it. */
  readonly zoneName: string;
  /** Route pattern `<host>/<path>`, e.g. `api.example.com/api/*`. No scheme. */
  readonly pattern: string;
  /** Name of the Worker script the route runs. */
  readonly script: pulumi.Input<string>;
  /**
   * `"create"`: create a proxied `AAAA 100::` record for the host (the Worker is the origin).
   * `"existing"`: the host already has a proxied record managed in this program (a `TunnelOrigin`
   * route, another `WorkerRoute`, or one given to `declareProxiedZone`); refused when none is known.
   * @default "create"
   */
  readonly dnsRecord?: "create" | "existing";
}

/** The host and path of a route pattern, or a problem. */
export function parseRoutePattern(pattern: string): { host: string; path: string } | { problem: string } {
  if (typeof pattern !== "string" || pattern.length === 0) return { problem: "must be a non-empty string like \"api.example.com/api/*\"" };
  if (/^[a-z]+:\/\//i.test(pattern)) return { problem: "must not have a scheme (give \"api.example.com/api/*\")" };
  const slash = pattern.indexOf("/");
  if (slash < 0) return { problem: "has no path: add \"/*\" to match every path of the host" };
  return { host: pattern.slice(0, slash), path: pattern.slice(slash) };
}

/** The names {@link WorkerRouteArgs} has (the compiler keeps them in step, see argNames). */
const WORKER_ROUTE_ARGS = argNames<WorkerRouteArgs>()(["zoneId", "zoneName", "pattern", "script", "dnsRecord"]);

/**
 * A `WorkersRoute` whose host is guaranteed a proxied DNS record. Children: `${name}-route`
 * (`WorkersRoute`) and, with `dnsRecord: "create"`, `${name}-dns` (`DnsRecord`, proxied `AAAA 100::`).
 */
export class WorkerRoute extends pulumi.ComponentResource {
  /** The route's host. */
  readonly hostname: string;
  /** The route's id. */
  readonly routeId: pulumi.Output<string>;

  constructor(name: string, args: WorkerRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    const c: ArgChecker = argChecker("WorkerRoute", name);
    requireObject(c, "args", args, '{ zoneId, zoneName, pattern: "api.example.com/*", script }');
    refuseUnknownKeys(c, "", args, WORKER_ROUTE_ARGS);
    const zoneProblem = typeof args.zoneName === "string" ? dnsNameProblem(args.zoneName) : "must be a string";
    if (zoneProblem) c.fail("zoneName", `(${q(args.zoneName)}) ${zoneProblem}`);
    const parsed = parseRoutePattern(args.pattern);
    if ("problem" in parsed) c.fail("pattern", `(${q(args.pattern)}) ${parsed.problem}`);
    const { host } = parsed;
    const hostProblem = dnsNameProblem(host, { allowWildcard: true });
    if (hostProblem) c.fail("pattern", `(${q(args.pattern)}): host ${q(host)} ${hostProblem}`);
    c.check(isInZone(host.replace(/^\*\./, ""), args.zoneName), "pattern", `(${q(args.pattern)}): host ${q(host)} is not in zone ${q(args.zoneName)}`);
    const mode = args.dnsRecord ?? "create";
    c.check(mode === "create" || mode === "existing", "dnsRecord", `(${q(mode)}) must be "create" or "existing"`);
    if (mode === "create") {
      c.check(
        !isWildcard(host),
        "dnsRecord",
        `("create") cannot create a record for the wildcard host ${q(host)}: create proxied records for the hosts yourself, declare them with declareProxiedZone, and give dnsRecord: "existing"`,
      );
    } else {
      const known = proxiedHostnamesIn(args.zoneName).map((h) => h.hostname);
      const covered = isWildcard(host) ? known.some((k) => isInZone(k, host.slice(2)) && k !== host.slice(2)) : known.includes(host);
      c.check(
        covered,
        "dnsRecord",
        `("existing"): no proxied DNS record for ${q(host)} is known in this program, and a Worker route runs only for a hostname with a proxied record (https://developers.cloudflare.com/workers/configuration/routing/routes/). Give dnsRecord: "create" (a proxied AAAA ${WORKER_ONLY_ORIGIN}), or construct the record's owner first (TunnelOrigin, or declareProxiedZone(zone, by, [host]) for your own proxied DnsRecord)`,
      );
    }
    declareProxiedZone(args.zoneName, `WorkerRoute ${q(name)}`, isWildcard(host) ? [] : [host]);
    super("edge-mtls:api-shield:WorkerRoute", name, {}, opts);
    this.hostname = host;

    const dns =
      mode === "create"
        ? new DnsRecord(
            `${name}-dns`,
            { zoneId: args.zoneId, name: host, type: "AAAA", content: WORKER_ONLY_ORIGIN, proxied: true, ttl: 1, comment: `Worker route ${args.pattern} (edge-mtls WorkerRoute ${name})` },
            { parent: this },
          )
        : undefined;
    const route = new WorkersRoute(
      `${name}-route`,
      { zoneId: args.zoneId, pattern: args.pattern, script: args.script },
      { parent: this, ...(dns ? { dependsOn: [dns] } : {}) },
    );
    this.routeId = route.id;
    const topology: Topology = { talksTo: [{ from: "internet", to: `Worker route ${args.pattern}`, label: "HTTPS via Cloudflare (proxied)" }] };
    this.registerOutputs({ topology, hostname: this.hostname, routeId: this.routeId });
  }
}
