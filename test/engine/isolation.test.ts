/**
 * Issue 11: runs are isolated. Users call `runProgram` from their own test suites, several
 * times in one process; a run whose program throws must leave nothing behind (late
 * registrations, late warnings, late rejections, config, a stuck RPC chain) that changes the
 * next run. Each scenario runs a failing program, then a healthy one, and compares the healthy
 * run with the same program run alone.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runProgram, type PlanResult } from "../../engine";

const NOW = new Date("2026-01-01T00:00:00Z");
const later = <T>(ms: number, value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));

/** The healthy program: one ConfigMap, a config read, a warning, stack outputs. */
async function healthy(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config("edge-mtls");
  const cm = new k8s.core.v1.ConfigMap("after", { metadata: { name: "after", namespace: "apps" }, data: { color: cfg.get("color") ?? "none" } });
  void pulumi.log.warn("healthy warning");
  return { name: cm.metadata.name, color: cfg.get("color") ?? "none" };
}

/** What a run shows, without the values that are fresh each run. */
function summary(plan: PlanResult): unknown {
  return {
    resources: plan.resources.map((r) => ({ urn: r.urn, op: r.op, inputs: r.inputs, outputs: r.outputs, id: r.id, parent: r.parent })),
    outputs: plan.outputs,
    warnings: plan.warnings,
    errors: plan.errors,
  };
}

async function alone(): Promise<unknown> {
  return summary(await runProgram(healthy, { now: NOW }));
}

describe("two runProgram calls in a row, the first throwing", () => {
  it("a throw after registering resources, with late registrations, warnings and rejections still pending", async () => {
    const expected = await alone();
    await expect(
      runProgram(
        async () => {
          new k8s.core.v1.ConfigMap("before", { metadata: { name: "before", namespace: "apps" }, data: { a: "1" } });
          // Registered only once its input resolves, 150 ms after the program has thrown.
          new k8s.core.v1.ConfigMap("late", { metadata: { name: "late", namespace: "apps" }, data: { v: pulumi.output(later(150, "late")) } });
          void later(150, undefined).then(() => pulumi.log.warn("late warning from the failed run"));
          // An Output that rejects after the throw, reaching nothing but a resource option.
          const failing = pulumi.output(later(150, undefined).then(() => Promise.reject(new Error("late rejection from the failed run"))));
          new k8s.core.v1.ConfigMap("dependent", { metadata: { name: "dependent", namespace: "apps" }, data: { v: failing } });
          throw new Error("boom: first run fails");
        },
        { now: NOW, config: { "edge-mtls:color": "red" } },
      ),
    ).rejects.toThrow("boom: first run fails");
    const second = await runProgram(healthy, { now: NOW });
    expect(summary(second)).toEqual(expected);
    expect(second.outputs.color).toBe("none");
    // Give the failed run's timers time to fire: nothing may reach a run that has finished either.
    await later(300, undefined);
    expect(summary(second)).toEqual(expected);
    expect(summary(await runProgram(healthy, { now: NOW }))).toEqual(expected);
  });

  it("a rejection of the failed run that lands while the next run is in progress does not fail it", async () => {
    const slow = async (): Promise<Record<string, unknown>> => {
      const out = await healthy();
      await later(400, undefined);
      return out;
    };
    const expected = summary(await runProgram(slow, { now: NOW }));
    await expect(
      runProgram(async () => {
        const failing = pulumi.output(later(100, undefined).then(() => Promise.reject(new Error("late rejection during the next run"))));
        new k8s.core.v1.ConfigMap("dependent", { metadata: { name: "dependent", namespace: "apps" }, data: { v: failing } });
        void later(150, undefined).then(() => pulumi.log.warn("late warning during the next run"));
        throw new Error("boom: first run fails");
      }),
    ).rejects.toThrow("boom: first run fails");
    expect(summary(await runProgram(slow, { now: NOW }))).toEqual(expected);
  });

  it("a throw while a registration waits on a promise that never settles", async () => {
    const expected = await alone();
    await expect(
      runProgram(async () => {
        new k8s.core.v1.ConfigMap("stuck", { metadata: { name: "stuck", namespace: "apps" }, data: { v: pulumi.output(new Promise<string>(() => undefined)) } });
        throw new Error("boom: stuck run fails");
      }),
    ).rejects.toThrow("boom: stuck run fails");
    const second = await runProgram(healthy, { now: NOW });
    expect(summary(second)).toEqual(expected);
  });

  it("a component constructor that throws (an EdgeMtlsArgumentError) before anything is registered", async () => {
    const expected = await alone();
    await expect(
      runProgram(async () => {
        throw new TypeError("construction failed");
      }),
    ).rejects.toThrow("construction failed");
    expect(summary(await runProgram(healthy, { now: NOW }))).toEqual(expected);
  });

  it("config of the failed run is not visible to the next one", async () => {
    await expect(runProgram(async () => { throw new Error("x"); }, { config: { "edge-mtls:color": "blue" } })).rejects.toThrow("x");
    const next = await runProgram(healthy, { now: NOW });
    expect(next.outputs.color).toBe("none");
  });
});
