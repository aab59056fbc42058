/**
 * What one program knows about its Cloudflare zones, so that components can refuse
 * combinations Cloudflare does not support, whatever order they are constructed in.
 *
 * - **One owner per zone and phase.** Cloudflare keeps a single entry point ruleset per zone and
 *   phase (https://developers.cloudflare.com/ruleset-engine/about/phases/), and a hostname
 *   association replaces the whole hostname list of its (zone, CA) pair. Two components each
 *   writing their own would overwrite each other on every deployment, so the second claim of a
 *   (zone id, phase) in one program is refused. Claims are keyed on the zone **id**: two zones of
 *   the same name in different accounts are different zones.
 * - **Proxied zones and hostnames.** `ApiShieldMtls`, `TunnelOrigin` and `WorkerRoute` record the
 *   zones (and hostnames) they put behind Cloudflare's proxy; `declareProxiedZone` records one the
 *   program proxies by other means (a `cloudflare.DnsRecord` with `proxied: true`).
 * - **Worker mTLS targets.** `WorkerClientCertificate` records the hostnames its Worker presents
 *   the certificate to. A target in a proxied zone is refused (Cloudflare answers 520), whether
 *   the zone is recorded before or after the target.
 *
 * Tables are scoped to the running program's stack resource, so separate programs in one process
 * (tests, automation API) do not see each other's records.
 */
import * as pulumi from "@pulumi/pulumi";
import { isInZone } from "../common/dns";

interface WorkerTarget {
  readonly hostname: string;
  readonly owner: string;
  /** Throws the owner's error for this target in a proxied zone. */
  readonly refuse: (zone: ProxiedZone) => never;
}

/** A zone the program puts behind Cloudflare's proxy, and who does. */
export interface ProxiedZone {
  /** The zone's name, e.g. `example.com`. */
  readonly zoneName: string;
  /** e.g. `ApiShieldMtls "api"`. */
  readonly by: string;
  /** Hostnames of the zone this component proxies (may be empty when unknown). */
  readonly hostnames: readonly string[];
}

interface Tables {
  readonly phaseClaims: Map<string, string>;
  readonly proxied: ProxiedZone[];
  readonly targets: WorkerTarget[];
}

const byStack = new WeakMap<object, Tables>();
const KEY = Symbol.for("edge-mtls.api-shield.zone-registry");
type Holder = { [KEY]?: Tables };

function fresh(): Tables {
  return { phaseClaims: new Map(), proxied: [], targets: [] };
}

function tables(): Tables {
  const stack = pulumi.runtime.getStackResource();
  if (!stack) {
    // No stack resource (plain unit tests): fall back to one process-wide table.
    const holder = globalThis as Holder;
    return (holder[KEY] ??= fresh());
  }
  let t = byStack.get(stack);
  if (!t) {
    t = fresh();
    byStack.set(stack, t);
  }
  return t;
}

/**
 * Records that `owner` manages the entry point ruleset of `phase` in zone `zoneId`. Returns the
 * previous owner when another component already claimed it (the caller reports the error); the
 * same owner claiming again is not a conflict.
 */
export function claimZonePhase(zoneId: string, phase: string, owner: string): string | undefined {
  const table = tables().phaseClaims;
  const key = `${zoneId.toLowerCase()}/${phase}`;
  const previous = table.get(key);
  if (previous !== undefined && previous !== owner) return previous;
  table.set(key, owner);
  return undefined;
}

/**
 * Records that `by` puts zone `zoneName` (and `hostnames` in it) behind Cloudflare's proxy. If a
 * Worker mTLS target already recorded lies in the zone, that target's owner refuses it (throws).
 */
export function declareProxiedZone(zoneName: string, by: string, hostnames: readonly string[] = []): void {
  const t = tables();
  const zone: ProxiedZone = { zoneName: zoneName.toLowerCase(), by, hostnames: hostnames.map((h) => h.toLowerCase()) };
  t.proxied.push(zone);
  for (const target of t.targets) {
    if (isInZone(target.hostname, zone.zoneName)) target.refuse(zone);
  }
}

/** The proxied zone recorded so far that contains `hostname`, if any. */
export function proxiedZoneOf(hostname: string): ProxiedZone | undefined {
  return tables().proxied.find((z) => isInZone(hostname, z.zoneName));
}

/** Every hostname recorded as proxied in `zoneName`, with who proxies it, sorted. */
export function proxiedHostnamesIn(zoneName: string): { hostname: string; by: string }[] {
  const seen = new Map<string, string>();
  for (const z of tables().proxied) {
    if (z.zoneName !== zoneName.toLowerCase()) continue;
    for (const h of z.hostnames) if (!seen.has(h)) seen.set(h, z.by);
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hostname, by]) => ({ hostname, by }));
}

/**
 * Records a hostname a Worker presents a client certificate to. Refuses it at once (through
 * `refuse`) when it lies in a zone already recorded as proxied; later records check it too.
 */
export function declareWorkerMtlsTarget(hostname: string, owner: string, refuse: (zone: ProxiedZone) => never): void {
  const zone = proxiedZoneOf(hostname);
  if (zone) refuse(zone);
  tables().targets.push({ hostname: hostname.toLowerCase(), owner, refuse });
}
