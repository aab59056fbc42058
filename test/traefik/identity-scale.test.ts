/**
 * Resource counts of N services × M callers, before (each service mints its own CA and
 * certificate per caller: the `clients` shorthand) and after (M shared WorkloadIdentities).
 * Per caller per service the shorthand creates 7 resources (InternalCA, root key, root cert,
 * IssuedCertificate, key, CSR, certificate); a WorkloadIdentity creates 8 once (itself + those 7).
 * Without identities the TraefikInstall adds its 2 deny-all anchor resources.
 *
 * The 50 × 5 numbers in docs/traefik-mtls.md come from the same programs at full size:
 * `EDGE_MTLS_SCALE=1 npx vitest run test/traefik/identity-scale.test.ts` (about a minute).
 */
import { describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall, WorkloadIdentity } from "../../components/traefik";

const NOW = new Date("2026-01-01T00:00:00Z");

function mesh(services: number, callers: number, shared: boolean) {
  return () => {
    const ca = new InternalCA("mesh", {});
    const ids = shared ? Array.from({ length: callers }, (_, j) => new WorkloadIdentity(`caller-${j}`)) : [];
    const traefik = new TraefikInstall("edge", { mtlsEntrypoint: { identities: ids } });
    for (let i = 0; i < services; i++) {
      new MtlsService(`svc-${i}`, {
        traefik,
        ca,
        service: { namespace: "apps", name: `svc-${i}`, port: 8080 },
        hostnames: [`svc-${i}.mesh.internal`],
        ...(shared ? { identities: ids } : { clients: Array.from({ length: callers }, (_, j) => ({ name: `caller-${j}` })) }),
      });
    }
    return {};
  };
}

const count = (plan: PlanResult, type?: string) => plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && (type === undefined || r.type === type)).length;

describe("resource counts: per-service callers vs shared identities", () => {
  it("3 services × 2 callers: 7 resources per caller per service before, 8 per identity after", async () => {
    const before = await runProgram(mesh(3, 2, false), { now: NOW });
    const after = await runProgram(mesh(3, 2, true), { now: NOW });
    expect(count(before) - count(after)).toBe(7 * 3 * 2 + 2 - 8 * 2);
    expect(count(before, "edge-mtls:internal-ca:InternalCA")).toBe(1 + 3 * 2);
    expect(count(after, "edge-mtls:internal-ca:InternalCA")).toBe(1 + 2);
  });

  const scale = process.env.EDGE_MTLS_SCALE ? it : it.skip;
  scale(
    "50 services × 5 callers: the numbers in docs/traefik-mtls.md",
    async () => {
      const before = await runProgram(mesh(50, 5, false), { now: NOW });
      const after = await runProgram(mesh(50, 5, true), { now: NOW });
      expect([count(before), count(after)]).toEqual([2309, 597]);
      expect([count(before, "tls:index/privateKey:PrivateKey"), count(after, "tls:index/privateKey:PrivateKey")]).toEqual([552, 61]);
      expect([count(before, "edge-mtls:internal-ca:InternalCA"), count(after, "edge-mtls:internal-ca:InternalCA")]).toEqual([251, 6]);
    },
    600_000,
  );
});
