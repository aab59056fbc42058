/**
 * Issue 3 acceptance: rotation happens on a plain run (no refresh) inside the renewal
 * window, nothing churns outside it, the CA is never planned for replacement, and rotated
 * leaves still complete handshakes with unchanged peers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA } from "../../components";
import { PlanResult, runProgram, type RecordedResource } from "../../engine";
import { mtlsHandshake } from "../support/pki";

const DAY = 24 * 3600_000;
// Anchored in the past so that certificates minted at T0+31d are valid at the real "now" of the handshakes.
const T0 = new Date(Math.floor((Date.now() - 35 * DAY) / 1000) * 1000);
const at = (days: number) => new Date(T0.getTime() + days * DAY);

function program(extraLeaf = false) {
  return async () => {
    const ca = new InternalCA("mesh", { leafValidity: "90d", renewBefore: "30d" });
    const api = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
    const nginx = ca.issueClientCertificate("nginx", { identity: "nginx-gateway" });
    const batch = ca.issueClientCertificate("batch", { identity: "batch-job", validity: "40d", renewBefore: "10d" });
    if (extraLeaf) ca.issueClientCertificate("late", { identity: "late-joiner" });
    return {
      bundle: ca.trustBundle,
      api: { chain: api.chainPem, key: api.privateKeyPem },
      nginx: { chain: nginx.chainPem, key: nginx.privateKeyPem },
      batch: { chain: batch.chainPem, key: batch.privateKeyPem },
    };
  };
}

const tlsResources = (p: PlanResult) => p.resources.filter((r) => r.type.startsWith("tls:"));
const replaced = (p: PlanResult) => tlsResources(p).filter((r) => r.op === "replace").map((r) => r.name).sort();
const caResources = (p: PlanResult) => p.resources.filter((r) => /mesh-(root|intermediate)-/.test(r.name));

describe("leaf rotation without refresh", () => {
  let first: PlanResult;
  let quiet: PlanResult;
  let batchDue: PlanResult;
  beforeAll(async () => {
    first = await runProgram(program(), { now: T0 });
    quiet = await runProgram(program(), { now: at(20), prior: first });
    batchDue = await runProgram(program(), { now: at(31), prior: quiet });
  });

  it("plans nothing for any certificate while every leaf is outside its renewal window", () => {
    expect(tlsResources(quiet).map((r) => r.op).every((op) => op === "same")).toBe(true);
    expect(quiet.changes()).toEqual([]);
  });

  it("keeps the issued certificates byte-for-byte when nothing is due", () => {
    const pem = (p: PlanResult) => p.find("tls:index/locallySignedCert:LocallySignedCert", "mesh-api-cert").outputs.certPem;
    expect(pem(quiet)).toBe(pem(first));
  });

  it("replaces exactly the due leaf, its key and its CSR once inside its renewal window", () => {
    expect(replaced(batchDue)).toEqual(["mesh-batch-cert", "mesh-batch-csr", "mesh-batch-key"]);
  });

  it("gives the rotated leaf a new key", () => {
    const key = (p: PlanResult) => p.find("tls:index/privateKey:PrivateKey", "mesh-batch-key").outputs.publicKeyPem;
    expect(key(batchDue)).not.toBe(key(quiet));
  });

  it("never plans the CA for replacement", () => {
    for (const p of [quiet, batchDue]) {
      expect(caResources(p).map((r) => r.op)).toEqual(["same", "same"]);
      expect(p.errors).toEqual([]);
    }
  });

  it("lets the rotated client complete a handshake with the unchanged server", async () => {
    const o = batchDue.outputs as { bundle: string; api: { chain: string; key: string }; batch: { chain: string; key: string } };
    const r = await mtlsHandshake({ cert: o.api.chain, key: o.api.key, ca: o.bundle }, { cert: o.batch.chain, key: o.batch.key, ca: o.bundle, servername: "api.mesh.internal" });
    expect(r.error).toBeUndefined();
    expect(r.peerCommonName).toBe("batch-job");
  });

  it("rotates the 90-day leaves 60 days after issue (30 days before expiry), and not a day earlier", async () => {
    const before = await runProgram(program(), { now: at(59), prior: batchDue });
    expect(replaced(before)).toEqual([]);
    const inside = await runProgram(program(), { now: at(61), prior: batchDue });
    expect(replaced(inside)).toEqual(["mesh-api-cert", "mesh-api-csr", "mesh-api-key", "mesh-batch-cert", "mesh-batch-csr", "mesh-batch-key", "mesh-nginx-cert", "mesh-nginx-csr", "mesh-nginx-key"]);
  });

  it("shows the replacement in a preview, with the new key unknown", async () => {
    const preview = await runProgram(program(), { now: at(31), prior: quiet, preview: true });
    expect(replaced(preview)).toEqual(["mesh-batch-cert", "mesh-batch-csr", "mesh-batch-key"]);
    const key = preview.find("tls:index/privateKey:PrivateKey", "mesh-batch-key");
    expect(key.unknownPaths).toContain("privateKeyPem");
  });
});

describe("CA protection", () => {
  let first: PlanResult;
  beforeAll(async () => {
    first = await runProgram(program(), { now: T0 });
  });

  it("marks the CA key and certificate protected", () => {
    expect(caResources(first).map((r) => r.protect)).toEqual([true, true]);
  });

  it("plans no CA change when an unrelated leaf is added", async () => {
    const next = await runProgram(program(true), { now: at(1), prior: first });
    expect(caResources(next).map((r) => r.op)).toEqual(["same", "same"]);
    expect(next.changes().map((r) => r.name).sort()).toEqual(["mesh-late", "mesh-late-cert", "mesh-late-csr", "mesh-late-key"]);
  });

  /** A provider upgrade that starts defaulting an input we never set shows up as a changed input in the diff. */
  function upgradedProviderState(p: PlanResult, names: RegExp): PlanResult {
    const resources = p.resources.map((r): RecordedResource => (names.test(r.name) && r.type.startsWith("tls:") ? { ...r, inputs: { ...r.inputs, setAuthorityKeyId: true, maxPathLength: -1 } } : r));
    return new PlanResult(p.project, p.stack, p.preview, p.now, resources, p.outputs, p.secretOutputs, p.warnings, p.errors);
  }

  it("plans no CA replacement after a provider upgrade changes defaulted inputs", async () => {
    const next = await runProgram(program(), { now: at(1), prior: upgradedProviderState(first, /^mesh-root-/) });
    expect(caResources(next).map((r) => r.op)).toEqual(["same", "same"]);
    expect(next.errors).toEqual([]);
  });

  it("would replace an unprotected leaf under the same simulated upgrade (the check can fail)", async () => {
    const next = await runProgram(program(), { now: at(1), prior: upgradedProviderState(first, /^mesh-api-cert$/) });
    expect(next.find("tls:index/locallySignedCert:LocallySignedCert", "mesh-api-cert").op).toBe("replace");
  });

  it("refuses, loudly, a change that would replace the CA", async () => {
    const changed = await runProgram(
      async () => {
        new InternalCA("mesh", { subject: { commonName: "Another Name" } });
      },
      { now: at(1), prior: first },
    );
    expect(changed.errors.join("\n")).toMatch(/unable to replace resource ".*mesh-root-cert"\nas it is currently marked for protection/);
    expect(caResources(changed).some((r) => r.op === "replace")).toBe(false);
  });
});

describe("the protect resource option", () => {
  const rootKey = (p: PlanResult) => p.find("tls:index/privateKey:PrivateKey", "mesh-root-key");

  it("unprotects the CA when opts.protect is false, whatever the protect argument says", async () => {
    const p = await runProgram(async () => {
      new InternalCA("mesh", { protect: true }, { protect: false });
    }, { now: T0 });
    expect(rootKey(p).protect).toBe(false);
  });

  it("protects the CA when opts.protect is true, whatever the protect argument says", async () => {
    const p = await runProgram(async () => {
      new InternalCA("mesh", { protect: false }, { protect: true });
    }, { now: T0 });
    expect(rootKey(p).protect).toBe(true);
  });

  it("leaves the protect argument in charge when the option is not given", async () => {
    const p = await runProgram(async () => {
      new InternalCA("mesh", { protect: false });
    }, { now: T0 });
    expect(rootKey(p).protect).toBe(false);
  });
});
