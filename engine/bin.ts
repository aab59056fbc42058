#!/usr/bin/env node
/**
 * The `edge-mtls` command of the installed package: `edge-mtls plan --stack <name> [...]`.
 * Compiled JavaScript: it needs no TypeScript loader of its own and registers tsx to load a
 * TypeScript stack program (see engine/run.ts).
 */
import { rerunWithAsyncContextFrame } from "./async-context";
import type * as Cli from "./cli";

/** The plan CLI, loaded when first needed: a plan that re-runs with AsyncContextFrame (below) does so before the engine loads. */
function cli(): typeof Cli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./cli") as typeof Cli;
}

const USAGE =
  "usage: edge-mtls plan --stack <name> [--out <dir>] [--at <ISO date>] [--since <ISO date>] [--preview] [--dir <project dir>]\n" +
  "  plans the Pulumi project in --dir (default: the current directory) offline; `edge-mtls plan --help` for details";

/** Runs one `edge-mtls` command line; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "plan") return cli().main(rest);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? console.error : console.log)(USAGE);
    return command === undefined ? 2 : 0;
  }
  console.error(`edge-mtls: unknown command ${JSON.stringify(command)}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  // A plan on Node 22/23 runs in a child Node with AsyncContextFrame-backed AsyncLocalStorage (engine/async-context.ts).
  const rerun = process.argv[2] === "plan" ? rerunWithAsyncContextFrame() : undefined;
  if (rerun !== undefined) process.exit(rerun);
  cli().exitWith(run);
}
