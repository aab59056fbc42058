/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own
 * summary, so that CI logs state the count in a form any tool reads. Before it, the files
 * that cost the most CPU (their worker's and their child processes', recorded by
 * test/support/per-file.ts): where the suite's time goes (README, "Test suite cost"); and which
 * examples the Pulumi loader test type-checked in this run and which it reused from an earlier
 * run with the same inputs (test/support/kept-results.ts).
 */
import type { Reporter, TestModule } from "vitest/node" with { "resolution-mode": "import" };
import type {} from "./kept-results";

/** How many of the costliest files to list. */
const TOP = 12;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const cpu: Array<[string, number]> = [];
    const checked: string[] = [];
    const reused: string[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
        const typecheckReused = t.meta().typecheckReused;
        if (typecheckReused !== undefined) (typecheckReused ? reused : checked).push((t.parent.type === "suite" ? t.parent.name : t.name).replace(/^example (\S+) .*$/, "$1"));
      }
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++;
      const s = m.meta().cpuSeconds;
      if (typeof s === "number") cpu.push([m.relativeModuleId, s]);
    }
    if (cpu.length > 0) {
      const total = cpu.reduce((sum, [, s]) => sum + s, 0);
      const lines = cpu
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP)
        .map(([file, s]) => `  ${s.toFixed(1).padStart(6)} s  ${file}`);
      process.stdout.write(`\nCPU by test file (worker + child processes; ${total.toFixed(1)} s in all files):\n${lines.join("\n")}\n`);
    }
    if (checked.length + reused.length > 0) {
      process.stdout.write(
        `\nPulumi loader type-checks (test/examples/pulumi-loader.test.ts): ${checked.length} checked in this run, ${reused.length} reused from an earlier run with identical inputs` +
          `${reused.length > 0 ? ` (${reused.join("; ")}; EDGE_MTLS_TEST_COLD=1 checks every one)` : ""}\n`,
      );
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
