/**
 * MtlsService construction errors through the offline engine. The program catches the
 * construction error and returns its message, so the run itself succeeds and the plan
 * shows what was (not) registered: validation happens before the component or any child
 * exists.
 */
import { describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall, WorkloadIdentity, type MtlsServiceArgs } from "../../components/traefik";

const NOW = new Date("2026-01-01T00:00:00Z");

async function attempt(build: (ca: InternalCA, traefik: TraefikInstall) => void): Promise<{ error: string | undefined; plan: PlanResult }> {
  const plan = await runProgram(
    () => {
      const ca = new InternalCA("mesh", {});
      const traefik = new TraefikInstall("edge", {});
      try {
        build(ca, traefik);
        return {};
      } catch (e) {
        return { error: (e as Error).message };
      }
    },
    { now: NOW },
  );
  return { error: plan.outputs.error as string | undefined, plan };
}

const orders = (ca: InternalCA, traefik: TraefikInstall, over: Partial<MtlsServiceArgs> = {}) =>
  new MtlsService("orders", {
    traefik,
    ca,
    service: { namespace: "apps", name: "orders", port: 8080 },
    hostnames: ["orders.mesh.example.com"],
    clients: [{ name: "nginx-gateway" }],
    ...over,
  });

describe("MtlsService construction errors", () => {
  it("refuses an entrypoint the Traefik install does not have", async () => {
    const { error } = await attempt((ca, t) => orders(ca, t, { entrypoint: "internal" }));
    expect(error).toBe('MtlsService "orders": entrypoint "internal" is not an entrypoint of the Traefik install; known: web, websecure, mesh');
  });

  it("refuses a caller listed twice", async () => {
    const { error } = await attempt((ca, t) => orders(ca, t, { clients: [{ name: "a" }, { name: "a" }] }));
    expect(error).toMatch(/clients\[1\].name "a" is listed twice/);
  });

  it("refuses TLS below 1.2 and cipher suites with TLS 1.3", async () => {
    expect((await attempt((ca, t) => orders(ca, t, { minTlsVersion: "1.1" as never }))).error).toMatch(/minTlsVersion "1.1" is below TLS 1.2/);
    expect((await attempt((ca, t) => orders(ca, t, { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] }))).error).toMatch(/given with minTlsVersion "1.3"/);
  });

  it("registers neither the component nor any child when refused", async () => {
    const { error, plan } = await attempt((ca, t) => orders(ca, t, { hostnames: [] }));
    expect(error).toMatch(/hostnames is empty/);
    expect(plan.all("edge-mtls:traefik:MtlsService")).toHaveLength(0);
    expect(plan.all("kubernetes:traefik.io/v1alpha1:TLSOption").map((r) => r.name)).toEqual(["edge-mesh-mtls"]);
  });

  it("refuses two MtlsServices giving one host different TLS options on the same Traefik install", async () => {
    const { error } = await attempt((ca, t) => {
      orders(ca, t, { hostnames: ["api.mesh.example.com"] });
      new MtlsService("billing", {
        traefik: t,
        ca,
        service: { namespace: "apps", name: "billing", port: 8080 },
        hostnames: ["api.mesh.example.com"],
        clients: [{ name: "nginx-gateway" }],
        minTlsVersion: "1.2",
      });
    });
    expect(error).toMatch(/^MtlsService "billing": hostnames "api.mesh.example.com" is already served by MtlsService "orders" with TLSOption apps\/orders-mtls.*traefik PR #5056/);
  });
});

describe("WorkloadIdentity and identity lists", () => {
  it("refuses an identity name that is not a DNS label, before registering anything", async () => {
    const plan = await runProgram(() => {
      try {
        new WorkloadIdentity("Nginx Gateway", {});
        return {};
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    expect(plan.outputs.error).toMatch(/^WorkloadIdentity "Nginx Gateway": name "Nginx Gateway" must be lower-case letters/);
    expect(plan.all("edge-mtls:traefik:WorkloadIdentity")).toHaveLength(0);
  });

  it("refuses a relative URI SAN", async () => {
    const plan = await runProgram(() => {
      try {
        new WorkloadIdentity("gw", { uris: ["mesh/gw"] });
        return {};
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    expect(plan.outputs.error).toMatch(/^WorkloadIdentity "gw": uris\[0\] "mesh\/gw" is not an absolute URI/);
  });

  it("refuses something that is not a WorkloadIdentity in identities", async () => {
    const { error } = await attempt((ca, t) => orders(ca, t, { clients: [], identities: [{ name: "gw" } as never] }));
    expect(error).toMatch(/^MtlsService "orders": identities\[0\] is not a WorkloadIdentity/);
  });

  it("refuses an identity listed twice on the mesh entrypoint", async () => {
    const plan = await runProgram(() => {
      const gw = new WorkloadIdentity("gw", {});
      try {
        new TraefikInstall("edge2", { mtlsEntrypoint: { identities: [gw, gw] } });
        return {};
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    expect(plan.outputs.error).toBe('TraefikInstall "edge2": mtlsEntrypoint.identities[1] ("gw") is listed twice');
    expect(plan.all("edge-mtls:traefik:TraefikInstall")).toHaveLength(0);
  });
});

describe("TraefikInstall construction errors", () => {
  it("refuses values that make the mTLS entrypoint trust forwarded headers", async () => {
    const plan = await runProgram(() => {
      try {
        new TraefikInstall("edge", { values: { ports: { mesh: { forwardedHeaders: { trustedIPs: ["10.0.0.0/8"] } } } } });
        return {};
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    expect(plan.outputs.error).toMatch(/^TraefikInstall "edge": values are refused: ports.mesh.forwardedHeaders.trustedIPs/);
    expect(plan.all("kubernetes:helm.sh/v3:Release")).toHaveLength(0);
  });
});
