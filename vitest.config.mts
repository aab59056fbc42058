import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "edge-mtls/engine": path.resolve(import.meta.dirname, "engine/index.ts"),
      "edge-mtls": path.resolve(import.meta.dirname, "components/index.ts"),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "components/**/*.test.ts", "engine/**/*.test.ts"],
    // Each file gets its own process: the Pulumi runtime keeps global state.
    pool: "forks",
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Generates the suite's RSA key pool once (test/support/key-pool.ts).
    globalSetup: ["./test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
