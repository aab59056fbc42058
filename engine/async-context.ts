/**
 * The offline engine isolates runs with the Pulumi SDK's AsyncLocalStorage (engine/run.ts).
 * Node 22 and 23 back AsyncLocalStorage with async_hooks unless started with
 * `--experimental-async-context-frame`: once a store is entered, every promise of the process
 * pays an init and a before hook and carries its store as a property — at fleet scale about a
 * tenth of a plan's CPU and of its peak memory (docs/BENCHMARKS.md). Node 24 backs it with
 * AsyncContextFrame by default (nodejs/node#55552). The `edge-mtls` command therefore runs
 * itself with that flag where it is needed; `npm run plan` passes it to Node.
 * https://nodejs.org/docs/latest-v22.x/api/cli.html#--experimental-async-context-frame
 */
import { spawnSync } from "node:child_process";
import { constants } from "node:os";

/** Node's flag for AsyncContextFrame-backed AsyncLocalStorage (added in v22.7.0, the default from v24). */
export const ASYNC_CONTEXT_FRAME_FLAG = "--experimental-async-context-frame";

/**
 * True when a Node process of `version` started with `execArgv` and `nodeOptions` backs
 * AsyncLocalStorage with async_hooks although it could use AsyncContextFrame: Node 22.7 to 23
 * without the flag (on the command line or in NODE_OPTIONS).
 */
export function wantsAsyncContextFrame(version: string, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  if (major >= 24 || major < 22 || (major === 22 && minor < 7)) return false;
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)];
  return !given.some((a) => a === ASYNC_CONTEXT_FRAME_FLAG || a === `--no-${ASYNC_CONTEXT_FRAME_FLAG.slice(2)}`);
}

/**
 * Runs this script again in a child Node with AsyncContextFrame-backed AsyncLocalStorage when
 * this process lacks it (see {@link wantsAsyncContextFrame}), and resolves to the child's exit
 * code; undefined when this process already has it (the caller goes on). stdio is shared; a
 * child killed by a signal exits this process with 128 + the signal's number, as a shell does.
 */
export function rerunWithAsyncContextFrame(): number | undefined {
  if (!wantsAsyncContextFrame(process.version, process.execArgv, process.env.NODE_OPTIONS)) return undefined;
  const child = spawnSync(process.execPath, [ASYNC_CONTEXT_FRAME_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  if (child.error) throw child.error;
  if (child.signal) return 128 + (constants.signals[child.signal] ?? 0);
  return child.status ?? 1;
}
