/**
 * One measured plan, in its own process (the parent reads CPU and peak RSS of this process
 * alone).
 *
 * - `engine`: the fleet program (bench/fleet.ts) through the offline engine (runProgram), then
 *   the renderer.
 * - `floor`: the same resources — types, names, parents and inputs, recorded from the engine's
 *   own run at N = 2 and replayed per service — registered with the raw Pulumi SDK under
 *   `pulumi.runtime.setMocks`, each custom resource through its provider SDK's own class
 *   (`tls.PrivateKey`, `k8s.core.v1.Secret`, `k8s.apiextensions.CustomResource`, …): what a
 *   program registering the same resource types with the raw SDK runs. No component code, no
 *   crypto. Same stack-trace settings as the engine uses during a run.
 * - `floor-generic`: as `floor`, but every custom resource as one generic
 *   `class Raw extends pulumi.CustomResource` with only the recorded inputs (no provider
 *   class, no output properties) — less SDK work per resource than the real types cost.
 *
 *   tsx bench/plan-child.ts engine <n> [--callers identities|clients] [--shape <file>]
 *   tsx bench/plan-child.ts floor|floor-generic <n> --shape <file>
 *
 * Prints one JSON line: { mode, n, resources, programMs, renderMs, cpuMs, maxRssMb, wallMs }.
 * BENCH_SOURCE_MAPS=1 runs either with source-mapped stack traces (the setting's cost).
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { applyRunStackTraceSettings, runProgram } from "../engine/run";
import { renderPlan } from "../engine/render";
import { fleet, FLEET_CALLERS, type FleetCallers } from "./fleet";

const NOW = new Date("2026-12-01T00:00:00Z");

/** A recorded resource as the floor replays it. */
interface ShapeEntry {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Index of the parent in the list; -1 for the stack. */
  readonly parent: number;
  readonly inputs: Record<string, unknown>;
}

interface Shape {
  /** Resources outside any service. */
  readonly fixed: ShapeEntry[];
  /** The resources of service `svc0000`, parents relative to this list (or `fixed` as -2 - index). */
  readonly perService: ShapeEntry[];
}

const SERVICE0 = "svc0000";

function arg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function engine(n: number): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const callers = (arg("--callers") ?? "identities") as FleetCallers;
  if (!FLEET_CALLERS.includes(callers)) throw new Error(`--callers must be one of ${FLEET_CALLERS.join(", ")}`);
  const plan = await runProgram(fleet(n, callers), { now: NOW, stack: "bench", project: "bench", sourceMappedStackTraces: SOURCE_MAPS });
  const t1 = performance.now();
  const files = renderPlan(plan);
  const t2 = performance.now();
  const shapeFile = arg("--shape");
  if (shapeFile) {
    const live = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const inService = (r: (typeof live)[number]): boolean => r.urn.includes(SERVICE0);
    const fixedList = live.filter((r) => !/svc\d{4}/.test(r.urn));
    const svcList = live.filter(inService);
    const fixedIdx = new Map(fixedList.map((r, i) => [r.urn, i]));
    const svcIdx = new Map(svcList.map((r, i) => [r.urn, i]));
    const plain = (r: (typeof live)[number]): Record<string, unknown> => JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown>;
    const shape: Shape = {
      fixed: fixedList.map((r) => ({ type: r.type, name: r.name, custom: r.custom, parent: r.parent && fixedIdx.has(r.parent) ? (fixedIdx.get(r.parent) ?? -1) : -1, inputs: plain(r) })),
      perService: svcList.map((r) => ({
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent && svcIdx.has(r.parent) ? (svcIdx.get(r.parent) ?? -1) : r.parent && fixedIdx.has(r.parent) ? -2 - (fixedIdx.get(r.parent) ?? 0) : -1,
        inputs: plain(r),
      })),
    };
    fs.writeFileSync(shapeFile, JSON.stringify(shape));
  }
  return { resources: plan.resources.length, programMs: t1 - t0, renderMs: t2 - t1, files: files.size };
}

const SOURCE_MAPS = process.env.BENCH_SOURCE_MAPS === "1";

/** A provider SDK resource class; the recorded inputs are passed as they were registered. */
type Ctor = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The provider SDK class that registers a resource type, as a raw-SDK program would use it. */
function sdkClass(type: string): Ctor {
  const byType: Record<string, Ctor> = {
    "tls:index/privateKey:PrivateKey": tls.PrivateKey,
    "tls:index/selfSignedCert:SelfSignedCert": tls.SelfSignedCert,
    "tls:index/certRequest:CertRequest": tls.CertRequest,
    "tls:index/locallySignedCert:LocallySignedCert": tls.LocallySignedCert,
    "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
    "kubernetes:core/v1:ConfigMap": k8s.core.v1.ConfigMap,
    "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
    "kubernetes:helm.sh/v3:Release": k8s.helm.v3.Release,
  };
  const known = byType[type];
  if (known) return known;
  // Custom resources of CRDs (Traefik's IngressRoute, Middleware, TLSOption): the type token is `kubernetes:<apiVersion>:<kind>`.
  if (type.startsWith("kubernetes:") && type.includes(".")) return k8s.apiextensions.CustomResource;
  throw new Error(`bench floor: no provider SDK class for ${type}; add it to sdkClass()`);
}

async function floor(n: number, generic: boolean): Promise<Record<string, unknown>> {
  const shapeFile = arg("--shape");
  if (!shapeFile) throw new Error("floor needs --shape");
  const shape = JSON.parse(fs.readFileSync(shapeFile, "utf8")) as Shape;
  const perServiceJson = shape.perService.map((e) => JSON.stringify(e.inputs));
  let count = 0;
  void pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        count++;
        return { id: `${a.name}-id`, state: a.inputs as Record<string, unknown> };
      },
      call: (a) => a.inputs as Record<string, unknown>,
    },
    "bench",
    "bench",
    false,
  );
  // The floor runs under the stack-trace settings the engine applies during a run.
  const restore = applyRunStackTraceSettings({ sourceMappedStackTraces: SOURCE_MAPS });
  const t0 = performance.now();
  class Raw extends pulumi.CustomResource {}
  const make = (e: ShapeEntry, name: string, inputs: Record<string, unknown>, parent: pulumi.Resource | undefined): pulumi.Resource => {
    if (!e.custom) return new pulumi.ComponentResource(e.type, name, {}, { parent });
    if (generic) return new Raw(e.type, name, inputs, { parent });
    return new (sdkClass(e.type))(name, inputs as never, { parent });
  };
  await pulumi.runtime.runInPulumiStack(async () => {
    const fixed: pulumi.Resource[] = [];
    for (const e of shape.fixed) fixed.push(make(e, e.name, e.inputs, e.parent >= 0 ? fixed[e.parent] : undefined));
    for (let i = 0; i < n; i++) {
      const svc = `svc${String(i).padStart(4, "0")}`;
      const made: pulumi.Resource[] = [];
      shape.perService.forEach((e, j) => {
        const inputs = JSON.parse((perServiceJson[j] ?? "{}").replaceAll(SERVICE0, svc)) as Record<string, unknown>;
        const parent = e.parent >= 0 ? made[e.parent] : e.parent <= -2 ? fixed[-2 - e.parent] : undefined;
        made.push(make(e, e.name.replaceAll(SERVICE0, svc), inputs, parent));
      });
    }
    return {};
  });
  const rt = pulumi.runtime as unknown as { waitForRPCs?(): Promise<void> };
  await rt.waitForRPCs?.();
  await new Promise((r) => setImmediate(r));
  await rt.waitForRPCs?.();
  const t1 = performance.now();
  restore();
  return { resources: shape.fixed.length + n * shape.perService.length + 1, programMs: t1 - t0, renderMs: 0, mocked: count };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const n = Number(process.argv[3]);
  const start = performance.now();
  const r = mode === "engine" ? await engine(n) : mode === "floor" ? await floor(n, false) : mode === "floor-generic" ? await floor(n, true) : undefined;
  if (!r) throw new Error(`mode must be engine, floor or floor-generic, got ${String(mode)}`);
  const u = process.resourceUsage();
  const out = { mode, n, ...r, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: u.maxRSS / 1024, wallMs: performance.now() + performance.timeOrigin - Number(process.env.BENCH_SPAWNED_AT ?? performance.timeOrigin + start) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
