import * as os from "node:os";
import * as path from "node:path";
import { defineConfig } from "vitest/config";
import { coldRun } from "./test/support/kept-results";
import LongestFirstSequencer from "./test/support/sequencer.mts";

// V8's code cache for every Node process of the run (vitest workers, tsc, ts-node, npm, the CLI):
// the same large modules (typescript, @pulumi/*) are compiled once instead of once per process.
process.env.NODE_COMPILE_CACHE ??= path.resolve(import.meta.dirname, "node_modules/.cache/node-compile-cache");

export default defineConfig({
  resolve: {
    alias: {
      "edge-mtls/engine": path.resolve(import.meta.dirname, "engine/index.ts"),
      "edge-mtls": path.resolve(import.meta.dirname, "components/index.ts"),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "components/**/*.test.ts", "engine/**/*.test.ts"],
    pool: "forks",
    // One worker per core, at least three: much of the suite waits on child processes (tsc, the
    // Pulumi hosts, npm, nginx, OpenSSL, workerd), and the two costliest files (pulumi-loader,
    // package/install) would otherwise hold every worker of a 2-core machine while they wait.
    // vitest's default (cores - 1) is one worker on 2 cores.
    maxWorkers: Number(process.env.EDGE_MTLS_TEST_WORKERS ?? Math.max(3, os.availableParallelism())),
    // Files share a worker's modules (@pulumi/* and the library load once per worker, not per file).
    // Each engine run is isolated by the SDK's per-run store; test/support/per-file.ts resets the
    // rest before each file. EDGE_MTLS_TEST_ISOLATE=1 gives each file fresh modules again.
    isolate: process.env.EDGE_MTLS_TEST_ISOLATE === "1",
    // The two costliest files (pulumi-loader, package/install) start first, on a fresh checkout too.
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // The suite's RSA key pool (test/support/key-pool.ts; kept between runs) and a scratch directory for the run.
    globalSetup: ["./test/support/global-setup.ts"],
    // Before each file: fresh key pool, and the file's CPU recorded for the summary reporter.
    setupFiles: ["./test/support/per-file.ts"],
    // vitest's transform of each module (TypeScript to what its module runner executes) kept on
    // disk between runs, keyed by the file's content and the config (node_modules/.experimental-vitest-cache,
    // so `npm ci` starts it afresh): measured 4.6 s less CPU in vitest's main process and about
    // 10 s less in all. EDGE_MTLS_TEST_COLD=1 (test/support/kept-results.ts) transforms everything again.
    experimental: { fsModuleCache: !coldRun() },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
