/**
 * Edits of the dev stack file that the `--base` tests commit: the changes a pull request
 * would make. Each throws when the stack file no longer has the shape it edits.
 */
import * as fs from "node:fs";

function edit(file: string, from: string, to: string): void {
  const before = fs.readFileSync(file, "utf8");
  if (!before.includes(from)) throw new Error(`${file}: ${JSON.stringify(from)} not found; update test/support/stack-edits.ts`);
  fs.writeFileSync(file, before.replace(from, to));
}

/** One more caller for the orders service: a new workload identity `billing`, listed in orders' callers. */
export function addBillingCaller(devStackFile: string): void {
  edit(devStackFile, "      uris: [spiffe://mesh.internal/nginx-gateway]\n", "      uris: [spiffe://mesh.internal/nginx-gateway]\n    - name: billing\n");
  edit(devStackFile, "callers: [nginx-gateway]", "callers: [nginx-gateway, billing]");
}

/** A second hostname for the orders service (its server certificate must be re-issued). */
export function addOrdersHostname(devStackFile: string): void {
  edit(devStackFile, "hostnames: [orders.mesh.internal]", "hostnames: [orders.mesh.internal, orders-v2.mesh.internal]");
}
