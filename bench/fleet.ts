/**
 * The benchmark's program: one shared InternalCA, one TraefikInstall and `n` MtlsServices
 * called by two workloads, "gateway" and "batch" — a fleet as stacks/main.ts builds it.
 *
 * - `identities` (the recommended design, docs/traefik-mtls.md): the two callers are shared
 *   `WorkloadIdentity`s, listed by every service and by the TraefikInstall's entrypoint.
 * - `clients` (the shorthand, the "before" design): every service mints its own CA and client
 *   certificate per caller (`clients: [{ name }]`).
 */
import { InternalCA, MtlsService, TraefikInstall, WorkloadIdentity } from "../components";

/** How the fleet's services name their callers. */
export type FleetCallers = "identities" | "clients";

export const FLEET_CALLERS: readonly FleetCallers[] = ["identities", "clients"];

export function fleet(n: number, callers: FleetCallers = "identities"): () => Record<string, unknown> {
  return () => {
    const ca = new InternalCA("fleet-mesh", { subject: { commonName: "fleet Root CA", organization: "bench" } });
    const ids = callers === "identities" ? [new WorkloadIdentity("gateway"), new WorkloadIdentity("batch")] : [];
    const traefik = new TraefikInstall("traefik", { namespace: "traefik", ...(callers === "identities" ? { mtlsEntrypoint: { identities: ids } } : {}) });
    const hostnames: string[] = [];
    for (let i = 0; i < n; i++) {
      const name = `svc${String(i).padStart(4, "0")}`;
      const host = `${name}.mesh.internal`;
      hostnames.push(host);
      new MtlsService(
        name,
        {
          traefik,
          ca,
          service: { namespace: "apps", name, port: 8080 },
          hostnames: [host],
          ...(callers === "identities" ? { identities: ids } : { clients: [{ name: "gateway" }, { name: "batch" }] }),
        },
        { dependsOn: [traefik] },
      );
    }
    return { services: hostnames.length, caBundle: ca.trustBundle };
  };
}
