/**
 * Issue 5: only the listed callers may connect — also over time. When a caller is removed
 * from `clients`, the next `pulumi up` takes its CA out of the TLSOption's trust, so its
 * still-valid certificate is refused, while the remaining caller keeps its certificate
 * (unchanged) and still gets in. Real handshakes with the engine's certificates.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA, MtlsService, TraefikInstall } from "../../components";
import { runProgram, type PlanResult } from "../../engine";
import { mtlsHandshake } from "../support/pki";

type Pair = { cert: string; key: string };
interface Out {
  clientTrust: string;
  serverTrust: string;
  server: Pair & { ca: string };
  callers: Record<string, Pair>;
}

function program(clients: string[]) {
  return async () => {
    const ca = new InternalCA("mesh", {});
    const traefik = new TraefikInstall("traefik", {});
    const svc = new MtlsService("orders", { traefik, ca, service: { namespace: "shop", name: "orders", port: 8080 }, hostnames: ["orders.mesh.internal"], clients: clients.map((name) => ({ name })) });
    const callers: Record<string, { cert: unknown; key: unknown }> = {};
    for (const [name, c] of Object.entries(svc.clients)) callers[name] = { cert: c.certPem, key: c.privateKeyPem };
    return { clientTrust: svc.clientCaBundle, serverTrust: ca.trustBundle, callers };
  };
}

/** What Traefik serves on the route (the server certificate Secret) and what callers trust. */
function serverMaterial(plan: PlanResult): Pair & { ca: string } {
  const data = plan.find("kubernetes:core/v1:Secret", /orders.*tls$/).inputs.stringData as Record<string, string>;
  return { cert: data["tls.crt"] ?? "", key: data["tls.key"] ?? "", ca: (plan.outputs as { serverTrust: string }).serverTrust };
}

describe("removing a caller", () => {
  let before: Out;
  let after: Out;
  let afterPlan: PlanResult;
  beforeAll(async () => {
    const p1 = await runProgram(program(["nginx-gateway", "billing"]));
    afterPlan = await runProgram(program(["nginx-gateway"]), { prior: p1 });
    before = { ...(p1.outputs as unknown as Out), server: serverMaterial(p1) };
    after = { ...(afterPlan.outputs as unknown as Out), server: serverMaterial(afterPlan) };
  });

  const connect = (server: Out["server"], trust: string, client: Pair) =>
    mtlsHandshake({ cert: server.cert, key: server.key, ca: trust, minVersion: "TLSv1.3" }, { cert: client.cert, key: client.key, ca: server.ca, servername: "orders.mesh.internal" });

  it("lets both listed callers in before the removal", async () => {
    for (const name of ["nginx-gateway", "billing"]) {
      const r = await connect(before.server, before.clientTrust, before.callers[name] as Pair);
      expect(r.error).toBeUndefined();
    }
  });

  it("refuses the removed caller's still-valid certificate after the next run", async () => {
    const r = await connect(after.server, after.clientTrust, before.callers.billing as Pair);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/UNABLE_TO_(GET_ISSUER_CERT_LOCALLY|VERIFY_LEAF_SIGNATURE)/);
  });

  it("keeps the remaining caller's certificate unchanged and lets it in", async () => {
    expect(after.callers["nginx-gateway"]).toEqual(before.callers["nginx-gateway"]);
    const r = await connect(after.server, after.clientTrust, after.callers["nginx-gateway"] as Pair);
    expect(r.error).toBeUndefined();
  });

  it("deletes the removed caller's CA and certificate", () => {
    const deleted = afterPlan.resources.filter((r) => r.op === "delete" && r.type.startsWith("tls:")).map((r) => r.name);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((n) => n.includes("billing"))).toBe(true);
  });
});

describe("caller CAs and the protect resource option", () => {
  const callerRootKeys = (p: PlanResult) => p.all("tls:index/privateKey:PrivateKey", /^orders-caller-.*-root-key$/);
  const plan = (opts?: { protect: boolean }) =>
    runProgram(async () => {
      const ca = new InternalCA("mesh", {});
      const traefik = new TraefikInstall("traefik", {});
      new MtlsService("orders", { traefik, ca, service: { namespace: "shop", name: "orders", port: 8080 }, hostnames: ["orders.mesh.internal"], clients: [{ name: "batch" }] }, opts);
    });

  it("leaves caller CAs unprotected by default, so that removing a caller deletes (revokes) its CA", async () => {
    expect(callerRootKeys(await plan()).map((r) => r.protect)).toEqual([false]);
  });

  it("protects caller CAs when the MtlsService is given protect: true", async () => {
    expect(callerRootKeys(await plan({ protect: true })).map((r) => r.protect)).toEqual([true]);
  });
});
