/**
 * Runs a Pulumi program offline: the real program code, the real config, the offline
 * monitor in place of the engine and providers.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { setClock } from "../components/common/clock";
import { readProjectMain, readProjectName, readStackConfig } from "./config";
import { OfflineMonitor, type Op, type RecordedResource } from "./monitor";
import type { SimulatedProvider } from "./providers/types";

export type { Op, RecordedResource } from "./monitor";

/** Options of {@link runProgram}. */
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
   * The simulated providers, in lookup order. Each run gets its own instance of a provider
   * that keeps per-run state (`SimulatedProvider.forRun`).
   * @default the `tls` provider (generated keys), `random`, then the cloud echo provider
   */
  readonly providers?: readonly SimulatedProvider[];
  /**
   * `Error.stackTraceLimit` while the program runs (restored after). The Pulumi SDK captures a
   * stack trace for every output promise it creates, for debugging leaks; at fleet scale that
   * is a quarter of a plan's CPU. Errors keep their messages (which is what the plan CLI
   * prints) and this many frames. (0 frames broke the isolation of a failed run from the next in
   * test/internal-ca/validation.test.ts — not root-caused; 3 does not.) @default 3
   */
  readonly stackTraceLimit?: number;
  /**
   * Format stack traces through source maps while the program runs. The Pulumi SDK reads
   * `new Error().stack` of every resource with no frame limit (`Resource.callsites`, for its
   * source position) and of every output promise; under a TypeScript loader (tsx, ts-node) Node
   * maps each frame through the program's source maps, the largest single cost of a plan at
   * fleet scale. With `false` the run formats frames as V8 does by default (positions in the
   * loaded JavaScript) and restores the previous formatting after the run, so an error that
   * reaches the caller is formatted through source maps when its stack is first read after the
   * run; source maps of modules loaded during the run are still recorded.
   * @default false
   */
  readonly sourceMappedStackTraces?: boolean;
  /**
   * Runs the program inside the Pulumi stack and resolves to its outputs, in place of the
   * engine's own `runInPulumiStack(program)`. Pass the Pulumi SDK's language host
   * (`@pulumi/pulumi/cmd/run`'s `run`, which registers ts-node and loads `main` itself) to
   * load a project exactly as `pulumi up` does; `program` is then not called.
   * @default (program) => pulumi.runtime.runInPulumiStack(program)
   */
  readonly host?: (program: () => Promise<unknown>) => Promise<unknown>;
}

/** Default `RunOptions.stackTraceLimit`. */
export const RUN_STACK_TRACE_LIMIT = 3;

type PrepareStackTrace = ErrorConstructor["prepareStackTrace"];

/**
 * V8's own stack formatting (Node's `defaultPrepareStackTrace`): the error's `toString()`,
 * then one `    at <call site>` line per frame. Installed as `Error.prepareStackTrace` it takes
 * precedence over Node's source-mapped formatting. The SDK reads a stack for every output
 * promise, so this is one of a plan's hottest functions (on both sides of the benchmark): a
 * function declaration, so that CPU profiles name it (tsx compiles with esbuild's `keepNames`,
 * which wraps an arrow function in `__name(…)`, and V8 then infers no name for it: it showed
 * as `(anonymous) engine/run.ts:2`).
 */
export function plainStackTrace(error: Error, frames: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = Error.prototype.toString.call(error);
  } catch {
    head = "<error>";
  }
  let out = head;
  // V8's CallSite has its own toString: the frame as V8's default stack trace writes it.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  for (const frame of frames) out += `\n    at ${frame.toString()}`;
  return out;
}

/**
 * Applies a run's stack-trace settings (`stackTraceLimit`, `sourceMappedStackTraces`) and
 * returns the function that restores what was there before. The benchmark's raw-SDK floor runs
 * under the same settings.
 */
export function applyRunStackTraceSettings(options: Pick<RunOptions, "stackTraceLimit" | "sourceMappedStackTraces"> = {}): () => void {
  const previousLimit = Error.stackTraceLimit;
  const previous = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  Error.stackTraceLimit = options.stackTraceLimit ?? RUN_STACK_TRACE_LIMIT;
  if (options.sourceMappedStackTraces !== true) Error.prepareStackTrace = plainStackTrace;
  return () => {
    Error.stackTraceLimit = previousLimit;
    if (options.sourceMappedStackTraces === true) return;
    if (previous) Object.defineProperty(Error, "prepareStackTrace", previous);
    else delete (Error as { prepareStackTrace?: PrepareStackTrace }).prepareStackTrace;
  };
}

/** The outcome of one offline run. */
export class PlanResult {
  constructor(
    /** Project name. */
    readonly project: string,
    /** Stack name. */
    readonly stack: string,
    /** True for a preview run (provider-computed values unknown). */
    readonly preview: boolean,
    /** The moment the program ran at. */
    readonly now: Date,
    /** Every registered resource in registration order, then planned deletes. */
    readonly resources: readonly RecordedResource[],
    /** Stack outputs. */
    readonly outputs: Record<string, unknown>,
    /** Secret stack outputs: the names of wholly secret outputs, and the dotted paths of secrets nested in others (`db.password`, `keys.0`). */
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
const state = require("@pulumi/pulumi/runtime/state") as {
  getStore(): RuntimeStore;
  getLocalStore(): object | undefined;
  withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
};

let running = false;

/**
 * Run isolation. Each run gets its own Pulumi runtime store (`withLocalStorage`, the
 * AsyncLocalStorage the Automation API gives each inline program): config, the stack
 * resource, the monitor and the RPC chain are per run, and whatever a run started keeps
 * using its own store after the run is over. Console output and unhandled rejections are
 * attributed to a run by that store: a failed run's late warnings and rejections are
 * dropped instead of reaching the run that happens to be in progress.
 */
interface RunSinks {
  readonly warnings: string[];
  readonly errors: string[];
  fail(reason: unknown): void;
}
const liveRuns = new Map<object, RunSinks>();
const finishedRuns = new WeakSet<object>();
let routerInstalled = false;
const routes: { warn?: (...args: unknown[]) => void; error?: (...args: unknown[]) => void } = {};

function currentRun(): { store: object | undefined; sinks: RunSinks | undefined; finished: boolean } {
  const store = state.getLocalStore();
  return { store, sinks: store ? liveRuns.get(store) : undefined, finished: store !== undefined && finishedRuns.has(store) };
}

function onUnhandledRejection(reason: unknown): void {
  const run = currentRun();
  if (run.sinks) return run.sinks.fail(reason);
  if (run.finished) return; // debris of a run that is over: never another run's failure
  // Not from any run: while one is in progress it fails that run (as before isolation);
  // otherwise behave as Node does without listeners (throw), unless others listen too.
  const live = [...liveRuns.values()][0];
  if (live) return live.fail(reason);
  if (process.listenerCount("unhandledRejection") === 1) throw reason;
}

/**
 * Installs the console and rejection routing that runs rely on: the rejection listener once per
 * process; the console routes whenever `console.warn`/`console.error` are not ours (someone,
 * e.g. a test's spy, replaced them since), wrapping whatever is there now, so that output
 * outside a run still reaches it.
 */
function installRouter(): void {
  if (!routerInstalled) {
    routerInstalled = true;
    process.on("unhandledRejection", onUnhandledRejection);
  }
  for (const kind of ["warn", "error"] as const) {
    if (console[kind] === routes[kind]) continue;
    const fallthrough = console[kind].bind(console);
    const routed = (...args: unknown[]): void => {
      const run = currentRun();
      if (run.sinks) {
        const msg = args.map(String).join(" ");
        if (kind === "warn") run.sinks.warnings.push(msg.replace(/^warning: \[runtime\] /, ""));
        else run.sinks.errors.push(msg.replace(/^error: \[runtime\] /, ""));
        return;
      }
      if (run.finished) return;
      fallthrough(...args);
    };
    routes[kind] = routed;
    console[kind] = routed;
  }
}

/**
 * Runs `program` (a stack program's body: create resources, return stack outputs) offline
 * and returns everything it registered. Rejects with the program's own error (e.g. a
 * component's construction error) or the first resource registration failure. A run that
 * fails leaves nothing that changes a later run in the same process.
 */
export async function runProgram(program: () => unknown, options: RunOptions = {}): Promise<PlanResult> {
  if (running) throw new Error("offline engine: runs cannot overlap in one process (the Pulumi runtime is global)");
  running = true;
  installRouter();
  try {
    return await state.withLocalStorage(() => runIsolated(program, options));
  } finally {
    running = false;
  }
}

async function runIsolated(program: () => unknown, options: RunOptions): Promise<PlanResult> {
  const store = state.getLocalStore();
  if (!store) throw new Error("offline engine: the Pulumi runtime gave the run no local store");
  const project = options.project ?? "edge-mtls";
  const stack = options.stack ?? "test";
  const preview = options.preview ?? false;
  const now = new Date((options.now ?? new Date()).getTime());
  const monitor = new OfflineMonitor({ preview, now: () => now, prior: options.prior?.byUrn, providers: options.providers });
  const warnings: string[] = [];
  const runtimeErrors: string[] = [];

  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.config ?? {})) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(config, [...(options.secretConfig ?? [])]);
  const rt = pulumi.runtime as unknown as InternalRuntime;
  rt.setMockOptions(monitor, project, stack, preview);
  Object.assign(state.getStore(), {
    supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false, supportsDeletedWith: true,
    supportsReplaceWith: true, supportsAliasSpecs: true, supportsTransforms: true, supportsInvokeTransforms: true,
    supportsParameterization: true, supportsResourceHooks: true, supportsErrorHooks: true, supportsInvokeDependsOn: false,
  } satisfies RuntimeStore);

  const previousClock = setClock(() => now);
  const restoreStackTraces = applyRunStackTraceSettings(options);
  const unhandled: unknown[] = [];
  // A rejected Output that only reaches a resource option (e.g. a replacementTrigger) leaves
  // the run waiting forever; the first unhandled rejection of this run therefore fails it at once.
  let failFast: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failFast = reject;
  });
  failed.catch(() => undefined); // handled by the race; never itself an unhandled rejection
  liveRuns.set(store, {
    warnings,
    errors: runtimeErrors,
    fail(reason) {
      unhandled.push(reason);
      failFast(reason);
    },
  });
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
    // Every secret path, at any depth (`db.password`, `tokens.0`): the runtime marks a secret nested in a plain value where it sits.
    const secretOutputs = stackRes ? [...new Set([...Object.keys(stackRes.outputs).filter((k) => stackRes.isSecret(k)), ...stackRes.secretPaths])].sort() : [];
    const plain = stackRes?.outputs ?? outputs;
    return new PlanResult(project, stack, preview, now, [...monitor.resources.values(), ...monitor.deletes()], plain, secretOutputs, warnings, monitor.errors);
  } finally {
    // A program that throws leaves the runtime's outstanding RPCs (e.g. the registerOutputs of
    // a component built before the throw) in flight; they keep this run's store and monitor,
    // but wait for them (bounded) so they finish before the next run starts.
    // The bound's timer is cleared once the RPCs are done: left pending, it kept the process (a
    // script, the CLI, a benchmark child) alive for up to a second after the run.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([rt.waitForRPCs?.().catch(() => undefined), new Promise((r) => (bound = setTimeout(r, 1000)))]);
    clearTimeout(bound);
    // From here on, whatever this run left pending (registrations waiting on inputs, timers,
    // rejections) belongs to a finished run: it keeps this run's store and monitor, and its
    // output and rejections are dropped (see onUnhandledRejection).
    liveRuns.delete(store);
    finishedRuns.add(store);
    setClock(previousClock);
    restoreStackTraces();
  }
}

/** Options of {@link runStack}: those of {@link runProgram}, less what the project and stack files give. */
export interface StackRunOptions extends Omit<RunOptions, "project" | "stack" | "config" | "secretConfig"> {
  /** Extra config on top of the stack file (namespaced keys). */
  readonly configOverrides?: Record<string, unknown>;
}

/** True when this module runs compiled (dist/engine/run.js), false when a TypeScript loader runs its source. */
const COMPILED = __filename.endsWith(".js");

const TYPESCRIPT_PROGRAM = /\.(?:ts|mts|cts|tsx)$/;

let tsxRegistered: Promise<void> | undefined;

/**
 * Registers tsx's loaders (ESM hooks and the CommonJS require hook) once per process, so that
 * the compiled engine can load a TypeScript program with types, ESM or CommonJS, in plain Node.
 * tsx reads the program's tsconfig.json, as ts-node does under `pulumi up`.
 */
function registerTsx(): Promise<void> {
  tsxRegistered ??= (async () => {
    const esm = await import("tsx/esm/api");
    esm.register();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("tsx/cjs/api") as { register(): unknown }).register();
  })();
  return tsxRegistered;
}

/**
 * Loads a stack program with a real dynamic `import()` (tsconfig's `"module": "node16"` keeps
 * it one in the compiled CommonJS), so that ESM programs and top-level await work. Run from
 * source, the host's TypeScript loader compiles the program as `pulumi up` does with ts-node:
 * tsx for `npm run plan`, vite for vitest. Run compiled (the `edge-mtls` bin, or `runStack`
 * from the installed package under vitest or plain Node), it registers tsx for TypeScript
 * programs. One module graph per process: the program and the caller share the library's
 * classes and the Pulumi runtime.
 */
async function loadProgram(main: string): Promise<{ default?: unknown } & Record<string, unknown>> {
  if (COMPILED && TYPESCRIPT_PROGRAM.test(main)) await registerTsx();
  const specifier = COMPILED ? pathToFileURL(main).href : main;
  const mod = (await import(specifier)) as { default?: unknown } & Record<string, unknown>;
  // A CommonJS program compiled from TypeScript (`exports.default = main` with `__esModule`)
  // arrives from import() as `{ default: module.exports }`: unwrap it, as TypeScript's interop
  // and the Pulumi Node.js host do.
  const inner = mod.default;
  if (typeof inner === "object" && inner !== null && (inner as { __esModule?: unknown }).__esModule === true) {
    return inner as { default?: unknown } & Record<string, unknown>;
  }
  return mod;
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
