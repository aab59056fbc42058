/**
 * Runs a Pulumi program offline: the real program code, the real config, the offline
 * monitor in place of the engine and providers.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setClock } from "../components/common/clock";
import { readProjectMain, readProjectName, readStackConfig } from "./config";
import { OfflineMonitor, type Op, type RecordedResource } from "./monitor";

export type { Op, RecordedResource } from "./monitor";

export interface RunOptions {
  /** Stack name. @default "test" */
  readonly stack?: string;
  /** Project name. @default "edge-mtls" */
  readonly project?: string;
  /** Config values by namespaced key (`edge-mtls:environment`); objects are JSON-encoded. */
  readonly config?: Record<string, unknown>;
  /** Keys of `config` that are secrets. */
  readonly secretConfig?: readonly string[];
  /** Run as `pulumi preview` (provider-computed values unknown). @default false */
  readonly preview?: boolean;
  /** The moment the program runs at (tls validity, rotation). @default the wall clock at start */
  readonly now?: Date;
  /** A previous run to diff against: unchanged resources keep their outputs, ops say what changes. */
  readonly prior?: PlanResult;
  /**
   * Runs the program inside the Pulumi stack and resolves to its outputs, in place of the
   * engine's own `runInPulumiStack(program)`. Pass the Pulumi SDK's language host
   * (`@pulumi/pulumi/cmd/run`'s `run`, which registers ts-node and loads `main` itself) to
   * load a project exactly as `pulumi up` does; `program` is then not called.
   * @default (program) => pulumi.runtime.runInPulumiStack(program)
   */
  readonly host?: (program: () => Promise<unknown>) => Promise<unknown>;
}

/** The outcome of one offline run. */
export class PlanResult {
  constructor(
    readonly project: string,
    readonly stack: string,
    readonly preview: boolean,
    readonly now: Date,
    /** Every registered resource in registration order, then planned deletes. */
    readonly resources: readonly RecordedResource[],
    /** Stack outputs. */
    readonly outputs: Record<string, unknown>,
    /** Names of secret stack outputs. */
    readonly secretOutputs: readonly string[],
    /** Warnings logged by the program (`pulumi.log.warn`). */
    readonly warnings: readonly string[],
    /** Errors the engine would stop on (e.g. replacing a protected resource). */
    readonly errors: readonly string[],
  ) {}

  /** Resources by URN, for use as `prior`. */
  get byUrn(): ReadonlyMap<string, RecordedResource> {
    return new Map(this.resources.filter((r) => r.op !== "delete").map((r) => [r.urn, r]));
  }

  /** Ops by URN. */
  get ops(): Record<string, Op> {
    return Object.fromEntries(this.resources.map((r) => [r.urn, r.op]));
  }

  /** All resources, optionally of one type and matching a name. */
  all(type?: string, name?: string | RegExp): RecordedResource[] {
    return this.resources.filter(
      (r) => r.op !== "delete" && (type === undefined || r.type === type) && (name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name))),
    );
  }

  /** Exactly one resource of `type` (and `name`); throws otherwise, listing what exists. */
  find(type: string, name?: string | RegExp): RecordedResource {
    const found = this.all(type, name);
    if (found.length !== 1) {
      const names = this.all(type).map((r) => r.name);
      throw new Error(`expected exactly one ${type}${name ? ` named ${String(name)}` : ""}, found ${found.length} (of this type: ${names.join(", ") || "none"})`);
    }
    return found[0] as RecordedResource;
  }

  /** Children (direct) of a resource. */
  children(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn && r.op !== "delete");
  }

  /** Resources whose op is not `same` (what a preview would list). */
  changes(): RecordedResource[] {
    return this.resources.filter((r) => r.op !== "same" && r.type !== "pulumi:pulumi:Stack");
  }
}

interface InternalRuntime {
  setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  waitForRPCs?(): Promise<void>;
}

interface RuntimeStore {
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  supportsInvokeTransforms: boolean;
  supportsParameterization: boolean;
  supportsResourceHooks: boolean;
  supportsErrorHooks: boolean;
  supportsInvokeDependsOn: boolean;
  supportsReplaceWith: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeStore };

let running = false;

/**
 * Runs `program` (a stack program's body: create resources, return stack outputs) offline
 * and returns everything it registered. Rejects with the program's own error (e.g. a
 * component's construction error) or the first resource registration failure.
 */
export async function runProgram(program: () => unknown, options: RunOptions = {}): Promise<PlanResult> {
  if (running) throw new Error("offline engine: runs cannot overlap in one process (the Pulumi runtime is global)");
  running = true;
  const project = options.project ?? "edge-mtls";
  const stack = options.stack ?? "test";
  const preview = options.preview ?? false;
  const now = new Date((options.now ?? new Date()).getTime());
  const monitor = new OfflineMonitor({ preview, now: () => now, prior: options.prior?.byUrn });
  const warnings: string[] = [];
  const runtimeErrors: string[] = [];

  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.config ?? {})) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(config, [...(options.secretConfig ?? [])]);
  const rt = pulumi.runtime as unknown as InternalRuntime;
  rt.setMockOptions(monitor, project, stack, preview);
  const store = state.getStore();
  Object.assign(store, {
    supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false, supportsDeletedWith: true,
    supportsReplaceWith: true, supportsAliasSpecs: true, supportsTransforms: true, supportsInvokeTransforms: true,
    supportsParameterization: true, supportsResourceHooks: true, supportsErrorHooks: true, supportsInvokeDependsOn: false,
  } satisfies RuntimeStore);

  const previousClock = setClock(() => now);
  const origWarn = console.warn;
  const origError = console.error;
  console.warn = (...args: unknown[]) => {
    const msg = args.map(String).join(" ");
    warnings.push(msg.replace(/^warning: \[runtime\] /, ""));
  };
  console.error = (...args: unknown[]) => {
    const msg = args.map(String).join(" ");
    runtimeErrors.push(msg.replace(/^error: \[runtime\] /, ""));
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
    failFast(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  // A rejected Output that only reaches a resource option (e.g. a replacementTrigger) leaves
  // the run waiting forever; the first unhandled rejection therefore fails the run at once.
  let failFast: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failFast = reject;
  });
  failed.catch(() => undefined); // handled by the race; never itself an unhandled rejection
  try {
    const host = options.host ?? ((p: () => Promise<unknown>) => pulumi.runtime.runInPulumiStack(p));
    const outputs = ((await Promise.race([host(async () => program()), failed])) ?? {}) as Record<string, unknown>;
    await rt.waitForRPCs?.();
    // Let registrations started by late applies settle.
    await new Promise((r) => setImmediate(r));
    await rt.waitForRPCs?.();
    if (unhandled.length) throw unhandled[0] instanceof Error ? unhandled[0] : new Error(String(unhandled[0]));
    if (runtimeErrors.length) throw new Error(runtimeErrors.join("\n"));
    const stackRes = [...monitor.resources.values()].find((r) => r.type === "pulumi:pulumi:Stack");
    const secretOutputs = stackRes ? Object.keys(stackRes.outputs).filter((k) => stackRes.isSecret(k)) : [];
    const plain = stackRes?.outputs ?? outputs;
    return new PlanResult(project, stack, preview, now, [...monitor.resources.values(), ...monitor.deletes()], plain, secretOutputs, warnings, monitor.errors);
  } finally {
    // A program that throws leaves the runtime's own promises for the half-built stack
    // rejected; they surface as unhandled rejections a few ticks later. Absorb them here so
    // they cannot fail the next run in the same process.
    await new Promise((r) => setTimeout(r, 25));
    process.off("unhandledRejection", onUnhandled);
    console.warn = origWarn;
    console.error = origError;
    setClock(previousClock);
    running = false;
  }
}

export interface StackRunOptions extends Omit<RunOptions, "project" | "stack" | "config" | "secretConfig"> {
  /** Extra config on top of the stack file (namespaced keys). */
  readonly configOverrides?: Record<string, unknown>;
}

/**
 * Loads a stack program with a dynamic import, so that the host's TypeScript loader compiles
 * it as `pulumi up` does with ts-node: tsx for the plan CLI, vite for vitest. One module
 * graph per process: the program and the caller share the library's classes.
 */
async function loadProgram(main: string): Promise<{ default?: unknown } & Record<string, unknown>> {
  return (await import(main)) as { default?: unknown } & Record<string, unknown>;
}

/**
 * Runs the Pulumi project in `projectDir` for `stack`: reads `Pulumi.yaml` (name, main) and
 * `Pulumi.<stack>.yaml` (config), loads the program and calls its default export (or uses
 * its named exports as outputs, like the Pulumi Node.js host).
 */
export async function runStack(projectDir: string, stack: string, options: StackRunOptions = {}): Promise<PlanResult> {
  const dir = path.resolve(projectDir);
  const project = readProjectName(dir);
  const cfg = readStackConfig(dir, stack, project);
  const main = readProjectMain(dir);
  const config = { ...cfg.values, ...(options.configOverrides ?? {}) };
  return runProgram(
    async () => {
      const mod = await loadProgram(main);
      const entry = mod.default ?? mod;
      return typeof entry === "function" ? (entry as () => unknown)() : entry;
    },
    { ...options, project, stack, config, secretConfig: cfg.secretKeys },
  );
}
