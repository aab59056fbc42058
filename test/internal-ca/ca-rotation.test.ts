/**
 * Issue 3 acceptance: the CA itself is rotated in three `pulumi up`s (introduce the new CA
 * in every trust bundle, re-issue leaves from it, remove the old CA) and at each step
 * every issued client/server pair — old, new and mixed — completes a handshake.
 * The procedure is documented in docs/internal-ca.md#ca-rotation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA, type IssuedCertificate } from "../../components";
import { type PlanResult, runProgram } from "../../engine";
import { mtlsHandshake } from "../support/pki";

type Pair = { chain: string; key: string };
interface Out {
  bundle: string;
  server?: Pair;
  client?: Pair;
}

const pair = (c: IssuedCertificate) => ({ chain: c.chainPem, key: c.privateKeyPem });

/** Step 0: today. */
const step0 = async () => {
  const v1 = new InternalCA("mesh-v1", {});
  return { bundle: v1.trustBundle, server: pair(v1.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] })), client: pair(v1.issueClientCertificate("nginx", { identity: "nginx-gateway" })) };
};

/** Step 1: introduce v2; each CA's bundle trusts the other. Leaves unchanged. */
const step1 = async () => {
  const v2 = new InternalCA("mesh-v2", {});
  const v1 = new InternalCA("mesh-v1", { extraTrustedCaPems: [v2.rootCertPem] });
  return { bundle: v1.trustBundle, v2bundle: v2.trustBundle, server: pair(v1.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] })), client: pair(v1.issueClientCertificate("nginx", { identity: "nginx-gateway" })) };
};

/** Step 2: re-issue the leaves from v2 (v1 kept, unprotected, so that step 3 may delete it). */
const step2 = async () => {
  const v1 = new InternalCA("mesh-v1", { protect: false });
  const v2 = new InternalCA("mesh-v2", { extraTrustedCaPems: [v1.rootCertPem] });
  return { bundle: v2.trustBundle, server: pair(v2.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] })), client: pair(v2.issueClientCertificate("nginx", { identity: "nginx-gateway" })) };
};

/** Step 3: v1 removed. */
const step3 = async () => {
  const v2 = new InternalCA("mesh-v2", {});
  return { bundle: v2.trustBundle, server: pair(v2.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] })), client: pair(v2.issueClientCertificate("nginx", { identity: "nginx-gateway" })) };
};

async function handshake(server: Pair, client: Pair, serverTrust: string, clientTrust: string) {
  return mtlsHandshake({ cert: server.chain, key: server.key, ca: serverTrust }, { cert: client.chain, key: client.key, ca: clientTrust, servername: "api.mesh.internal" });
}

describe("CA rotation in three runs", () => {
  let p0: PlanResult, p1: PlanResult, p2: PlanResult, p3: PlanResult;
  let o0: Out, o1: Out, o2: Out, o3: Out;
  beforeAll(async () => {
    p0 = await runProgram(step0);
    p1 = await runProgram(step1, { prior: p0 });
    p2 = await runProgram(step2, { prior: p1 });
    p3 = await runProgram(step3, { prior: p2 });
    [o0, o1, o2, o3] = [p0, p1, p2, p3].map((p) => p.outputs as unknown as Out) as [Out, Out, Out, Out];
  });

  it("step 0: the v1 pair completes a handshake", async () => {
    expect((await handshake(o0.server!, o0.client!, o0.bundle, o0.bundle)).ok).toBe(true);
  });

  it("step 1: introduces v2 into the bundle without touching v1 or any leaf", () => {
    expect(p1.errors).toEqual([]);
    expect(p1.changes().filter((r) => r.type.startsWith("tls:")).map((r) => r.name).sort()).toEqual(["mesh-v2-root-cert", "mesh-v2-root-key"]);
    expect(o1.bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it("step 1: the unchanged pair completes a handshake with the two-CA bundle on both sides", async () => {
    const r = await handshake(o1.server!, o1.client!, o1.bundle, o1.bundle);
    expect(r.error).toBeUndefined();
  });

  it("step 2: old, new and mixed pairs all complete handshakes while pods pick up new secrets", async () => {
    const old = o1;
    const neu = o2;
    for (const [server, client, serverTrust, clientTrust] of [
      [neu.server!, neu.client!, neu.bundle, neu.bundle],
      [neu.server!, old.client!, neu.bundle, old.bundle],
      [old.server!, neu.client!, old.bundle, neu.bundle],
      [old.server!, old.client!, old.bundle, old.bundle],
    ] as const) {
      const r = await handshake(server, client, serverTrust, clientTrust);
      expect(r.error).toBeUndefined();
    }
  });

  it("step 2: re-issues the leaves (new URNs under v2) and plans no CA replacement", () => {
    expect(p2.errors).toEqual([]);
    expect(p2.resources.filter((r) => /root-(cert|key)$/.test(r.name)).every((r) => r.op === "same")).toBe(true);
    expect(p2.all(undefined, /^mesh-v2-(api|nginx)$/).map((r) => r.op)).toEqual(["create", "create"]);
    expect(p2.resources.filter((r) => r.op === "delete").map((r) => r.name).sort()).toEqual(
      ["mesh-v1-api", "mesh-v1-api-cert", "mesh-v1-api-csr", "mesh-v1-api-key", "mesh-v1-nginx", "mesh-v1-nginx-cert", "mesh-v1-nginx-csr", "mesh-v1-nginx-key"],
    );
  });

  it("step 3: removes v1 and the v2 pair completes a handshake with the v2-only bundle", async () => {
    expect(o3.bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(p3.resources.filter((r) => r.op === "delete").map((r) => r.name).sort()).toEqual(["mesh-v1", "mesh-v1-root-cert", "mesh-v1-root-key"]);
    const r = await handshake(o3.server!, o3.client!, o3.bundle, o3.bundle);
    expect(r.error).toBeUndefined();
  });

  it("step 3: a leftover v1 client is now refused", async () => {
    const r = await handshake(o3.server!, o1.client!, o3.bundle, o3.bundle);
    expect(r.ok).toBe(false);
  });
});
