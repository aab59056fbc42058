/**
 * The benchmark's program: one shared InternalCA, one TraefikInstall and `n` MtlsServices
 * with two named callers each — a fleet as stacks/main.ts builds it from config.
 */
import { InternalCA, MtlsService, TraefikInstall } from "../components";

export function fleet(n: number): () => Record<string, unknown> {
  return () => {
    const ca = new InternalCA("fleet-mesh", { subject: { commonName: "fleet Root CA", organization: "bench" } });
    const traefik = new TraefikInstall("traefik", { namespace: "traefik" });
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
          clients: [{ name: "gateway" }, { name: "batch" }],
        },
        { dependsOn: [traefik] },
      );
    }
    return { services: hostnames.length, caBundle: ca.trustBundle };
  };
}
