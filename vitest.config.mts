import * as path from "node:path";
import { defineConfig } from "vitest/config";

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
    maxWorkers: Number(process.env.EDGE_MTLS_TEST_WORKERS ?? 2),
    isolate: process.env.EDGE_MTLS_TEST_ISOLATE === "1",
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Generates the suite's RSA key pool once (test/support/key-pool.ts).
    globalSetup: ["./test/support/global-setup.ts"],
    setupFiles: ["./test/support/per-file.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
