/**
 * One measured plan, in its own process (the parent reads CPU and peak RSS of this process
 * alone). `engine`: the fleet program through the offline engine (runProgram), then the
 * renderer. `floor`: the same resource types, names, parents and inputs registered with the
 * raw Pulumi SDK under `pulumi.runtime.setMocks` — no components' code, no crypto.
 *
 *   tsx bench/plan-child.ts engine <n> [--shape <file>]
 *   tsx bench/plan-child.ts floor <n> --shape <file>
 *
 * Prints one JSON line: { mode, n, resources, programMs, renderMs, cpuMs, maxRssMb, wallMs }.
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../engine/run";
import { renderPlan } from "../engine/render";
import { fleet } from "./fleet";

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
  const limit = process.env.BENCH_STACK_LIMIT === undefined ? undefined : Number(process.env.BENCH_STACK_LIMIT);
  const plan = await runProgram(fleet(n), { now: NOW, stack: "bench", project: "bench", ...(limit === undefined ? {} : { stackTraceLimit: limit }) });
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

async function floor(n: number): Promise<Record<string, unknown>> {
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
  // The engine lowers Error.stackTraceLimit for a run; the floor runs with the same setting.
  const limit = Number(process.env.BENCH_FLOOR_STACK_LIMIT ?? "NaN");
  const saved = Error.stackTraceLimit;
  if (Number.isFinite(limit)) Error.stackTraceLimit = limit;
  const t0 = performance.now();
  class Raw extends pulumi.CustomResource {}
  const make = (e: ShapeEntry, name: string, inputs: Record<string, unknown>, parent: pulumi.Resource | undefined): pulumi.Resource =>
    e.custom ? new Raw(e.type, name, inputs, { parent }) : new pulumi.ComponentResource(e.type, name, {}, { parent });
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
  Error.stackTraceLimit = saved;
  return { resources: shape.fixed.length + n * shape.perService.length + 1, programMs: t1 - t0, renderMs: 0, mocked: count };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const n = Number(process.argv[3]);
  const start = performance.now();
  const r = mode === "engine" ? await engine(n) : mode === "floor" ? await floor(n) : undefined;
  if (!r) throw new Error(`mode must be engine or floor, got ${String(mode)}`);
  const u = process.resourceUsage();
  const out = { mode, n, ...r, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: u.maxRSS / 1024, wallMs: performance.now() + performance.timeOrigin - Number(process.env.BENCH_SPAWNED_AT ?? performance.timeOrigin + start) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
