/**
 * One owner per zone. Cloudflare keeps a single entrypoint ruleset per zone and phase
 * (https://developers.cloudflare.com/ruleset-engine/about/phases/), and a hostname association
 * replaces the whole hostname list of its (zone, CA) pair. Two components each writing their own
 * would overwrite each other on every deployment, so the second {@link ApiShieldMtls} for a zone
 * in one program is refused at construction.
 *
 * Claims are scoped to the running program's stack resource, so separate programs in one process
 * (tests, automation API) do not see each other's claims.
 */
import * as pulumi from "@pulumi/pulumi";

type Claims = Map<string, string>;

const byStack = new WeakMap<object, Claims>();
const KEY = Symbol.for("edge-mtls.api-shield.zone-claims");
type Holder = { [KEY]?: Claims };

function claims(): Claims {
  const stack = pulumi.runtime.getStackResource();
  if (!stack) {
    // No stack resource (plain unit tests): fall back to one process-wide table.
    const holder = globalThis as Holder;
    return (holder[KEY] ??= new Map<string, string>());
  }
  let table = byStack.get(stack);
  if (!table) {
    table = new Map();
    byStack.set(stack, table);
  }
  return table;
}

/**
 * Records that `owner` manages zone `zoneName`'s mTLS ruleset and associations. Returns the
 * previous owner's name when the zone is already claimed (the caller reports the error).
 */
export function claimZone(zoneName: string, owner: string): string | undefined {
  const table = claims();
  const key = zoneName.toLowerCase();
  const previous = table.get(key);
  if (previous !== undefined) return previous;
  table.set(key, owner);
  return undefined;
}
