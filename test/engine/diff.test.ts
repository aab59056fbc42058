/**
 * Foundation acceptance: what the engine says a `pulumi up` would do against a prior run —
 * create, same, update, replace, delete — with resource options (protect,
 * replacementTrigger, ignoreChanges) honoured, and failures surfaced as errors.
 */
import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";
import { protectedDeleteError, protectedReplaceError } from "../../engine/monitor";

interface Variant {
  readonly certHours: number;
  readonly tier: string;
  readonly withExtra: boolean;
  readonly trigger: string;
  readonly protectedHours: number;
  readonly ignoredHours: number;
  readonly labelledName: string;
  readonly withProtected: boolean;
  readonly protectNow: boolean;
}

const BASE: Variant = { certHours: 24, tier: "gold", withExtra: true, trigger: "v1", protectedHours: 48, ignoredHours: 72, labelledName: "labelled", withProtected: true, protectNow: true };
const NOW = new Date("2026-01-01T00:00:00Z");

function program(v: Variant) {
  return async () => {
    const key = new tls.PrivateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const cert = (name: string, hours: number, opts?: { protect?: boolean; ignoreChanges?: string[] }) =>
      new tls.SelfSignedCert(name, { privateKeyPem: key.privateKeyPem, subject: { commonName: name }, validityPeriodHours: hours, allowedUses: ["server_auth"] }, opts);
    const c = cert("cert", v.certHours);
    if (v.withProtected) cert("protected", v.protectedHours, { protect: v.protectNow });
    cert("ignored", v.ignoredHours, { ignoreChanges: ["validityPeriodHours"] });
    new k8s.core.v1.ConfigMap("labelled", { metadata: { name: v.labelledName, namespace: "apps", labels: { tier: v.tier } }, data: { a: "1" } });
    new k8s.core.v1.ConfigMap("triggered", { metadata: { name: "triggered", namespace: "apps" }, data: { a: "1" } }, { replacementTrigger: v.trigger });
    if (v.withExtra) new k8s.core.v1.ConfigMap("extra", { metadata: { name: "extra", namespace: "apps" }, data: { b: "2" } });
    return { certPem: c.certPem };
  };
}

const run = (v: Partial<Variant>, prior?: PlanResult) => runProgram(program({ ...BASE, ...v }), { now: NOW, prior });

function opOf(plan: PlanResult, type: string, name: string): string {
  const r = plan.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r.op;
}
const CERT = "tls:index/selfSignedCert:SelfSignedCert";
const CM = "kubernetes:core/v1:ConfigMap";

describe("ops against a prior run", () => {
  let first: PlanResult;
  beforeAll(async () => {
    first = await run({});
  });

  it("creates every resource on the first run", () => {
    const ops = Object.values(first.ops);
    expect(ops.length).toBe(first.resources.length);
    expect(new Set(ops)).toEqual(new Set(["create"]));
  });

  it("reports every resource `same`, with identical outputs and ids, when nothing changed", async () => {
    const again = await run({}, first);
    expect(new Set(Object.values(again.ops))).toEqual(new Set(["same"]));
    for (const r of again.resources) {
      const before = first.byUrn.get(r.urn);
      expect(r.outputs, r.urn).toEqual(before?.outputs);
      expect(r.id, r.urn).toBe(before?.id);
    }
    expect(again.outputs).toEqual(first.outputs);
    expect(again.errors).toEqual([]);
  });

  it("replaces a tls resource whose input changed", async () => {
    const next = await run({ certHours: 25 }, first);
    expect(opOf(next, CERT, "cert")).toBe("replace");
    expect(next.find(CERT, "cert").changed).toEqual(["validityPeriodHours"]);
    expect(next.find(CERT, "cert").outputs.certPem).not.toBe(first.find(CERT, "cert").outputs.certPem);
    expect(opOf(next, "tls:index/privateKey:PrivateKey", "key")).toBe("same");
  });

  it("updates a Kubernetes object in place when only a label changed", async () => {
    const next = await run({ tier: "silver" }, first);
    expect(opOf(next, CM, "labelled")).toBe("update");
    expect(next.find(CM, "labelled").changed).toEqual(["metadata"]);
    expect(next.find(CM, "labelled").id).toBe(first.find(CM, "labelled").id);
  });

  it("replaces a Kubernetes object whose metadata.name changed", async () => {
    const next = await run({ labelledName: "renamed" }, first);
    expect(opOf(next, CM, "labelled")).toBe("replace");
  });

  it("deletes a resource the program no longer registers", async () => {
    const next = await run({ withExtra: false }, first);
    const urn = first.find(CM, "extra").urn;
    expect(next.ops[urn]).toBe("delete");
    expect(next.all(CM, "extra")).toEqual([]);
  });

  it("replaces a resource whose replacementTrigger changed, though its inputs did not", async () => {
    const next = await run({ trigger: "v2" }, first);
    expect(opOf(next, CM, "triggered")).toBe("replace");
    expect(next.find(CM, "triggered").changed).toEqual(["replacementTrigger"]);
  });

  it("refuses to replace a protected resource: Pulumi's error, and the op is not replace", async () => {
    const next = await run({ protectedHours: 49 }, first);
    const urn = first.find(CERT, "protected").urn;
    expect(next.errors).toEqual([
      `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``,
    ]);
    expect(next.errors[0]).toBe(protectedReplaceError(urn));
    expect(next.ops[urn]).not.toBe("replace");
    expect(next.find(CERT, "protected").outputs.certPem).toBe(first.find(CERT, "protected").outputs.certPem);
  });

  it("replaces a resource unprotected in the same run, as Pulumi allows (old and new must both protect)", async () => {
    const next = await run({ protectedHours: 49, protectNow: false }, first);
    expect(next.errors).toEqual([]);
    expect(opOf(next, CERT, "protected")).toBe("replace");
  });

  it("refuses to delete a protected resource the program no longer declares, with Pulumi's error", async () => {
    const next = await run({ withProtected: false }, first);
    const urn = first.find(CERT, "protected").urn;
    expect(next.errors).toEqual([
      `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``,
    ]);
    expect(next.errors[0]).toBe(protectedDeleteError(urn));
  });

  it("refuses the same delete in a preview", async () => {
    const next = await runProgram(program({ ...BASE, withProtected: false }), { now: NOW, prior: first, preview: true });
    expect(next.errors).toEqual([protectedDeleteError(first.find(CERT, "protected").urn)]);
  });

  it("deletes a formerly protected resource once a run has unprotected it", async () => {
    const unprotected = await run({ protectNow: false }, first);
    expect(unprotected.errors).toEqual([]);
    const next = await run({ withProtected: false }, unprotected);
    expect(next.errors).toEqual([]);
    expect(next.ops[first.find(CERT, "protected").urn]).toBe("delete");
  });

  it("reports `same` when the only changed input is listed in ignoreChanges", async () => {
    const next = await run({ ignoredHours: 73 }, first);
    expect(opOf(next, CERT, "ignored")).toBe("same");
    expect(next.find(CERT, "ignored").outputs.certPem).toBe(first.find(CERT, "ignored").outputs.certPem);
  });
});

describe("run failures", () => {
  it("rejects a program that registers two resources with the same name and type", async () => {
    await expect(
      runProgram(async () => {
        new k8s.core.v1.ConfigMap("dup", { data: {} });
        new k8s.core.v1.ConfigMap("dup", { data: {} });
        return {};
      }),
    ).rejects.toThrow(/Duplicate resource URN '[^']*::dup'/);
  });

  it("rejects with the program's own error when the program throws", async () => {
    await expect(
      runProgram(async () => {
        new k8s.core.v1.ConfigMap("before-throw", { data: {} });
        throw new Error("boom: the program failed on purpose");
      }),
    ).rejects.toThrow("boom: the program failed on purpose");
  });

  it("runs cleanly after a failed run in the same file", async () => {
    const plan = await runProgram(async () => {
      const cm = new k8s.core.v1.ConfigMap("after", { data: { ok: "yes" } });
      return { name: cm.metadata.name };
    });
    expect(plan.find(CM, "after").outputs.data).toEqual({ ok: "yes" });
    expect(plan.outputs.name).toMatch(/^after-[0-9a-f]{8}$/);
    expect(plan.errors).toEqual([]);
  });
});
