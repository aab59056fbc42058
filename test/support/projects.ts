/**
 * Every Pulumi program this repository ships, found on disk so that a new stack file or a
 * new example folder is covered by the upstream-contract tests without editing them:
 * the root project's `Pulumi.<stack>.yaml` files, and each folder under `examples/` that
 * holds a `Pulumi.yaml` with its `Pulumi.<stack>.yaml` files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runStack, type PlanResult } from "../../engine";
import { EXAMPLES_DIR, ROOT } from "./examples";
import { pooledProviders } from "./key-pool";


/** One plannable program: a project folder and one of its stacks. */
export interface ProjectStack {
  /** `stack dev`, `example 03-worker-api-shield/example`. */
  readonly label: string;
  readonly dir: string;
  readonly stack: string;
}

function stacksIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The root project's stacks. */
export function rootStacks(): ProjectStack[] {
  return stacksIn(ROOT).map((stack) => ({ label: `stack ${stack}`, dir: ROOT, stack }));
}

/** Every example project's stacks. */
export function exampleStacks(): ProjectStack[] {
  const out: ProjectStack[] = [];
  for (const folder of fs.readdirSync(EXAMPLES_DIR).sort()) {
    const dir = path.join(EXAMPLES_DIR, folder);
    if (!fs.statSync(dir).isDirectory() || !fs.existsSync(path.join(dir, "Pulumi.yaml"))) continue;
    for (const stack of stacksIn(dir)) out.push({ label: `example ${folder}/${stack}`, dir, stack });
  }
  return out;
}

/** Root stacks, then example stacks. */
export function allProjectStacks(): ProjectStack[] {
  return [...rootStacks(), ...exampleStacks()];
}

/** The fixed clock the contract tests plan at (plans are then reproducible). */
export const PLAN_AT = new Date("2026-01-01T00:00:00Z");

/**
 * Plans every program once, in order (runs cannot overlap: the Pulumi runtime is global).
 * RSA keys come from the suite's pool (test/support/key-pool.ts). Call from `beforeAll`.
 */
export async function planAll(programs: readonly ProjectStack[]): Promise<Map<string, PlanResult>> {
  const plans = new Map<string, PlanResult>();
  for (const p of programs) plans.set(p.label, await runStack(p.dir, p.stack, { now: PLAN_AT, providers: pooledProviders() }));
  return plans;
}
