/**
 * vitest's file order, with the suite's two longest files first. vitest's own order
 * (BaseSequencer) starts the files that took longest in the previous run, from its results
 * cache; on a fresh checkout (CI) it has no cache and starts the largest files. Either way the
 * Pulumi loader test and the pack-and-install test (each a chain of child processes: the
 * library build, then the SDK hosts or npm and tsc) could start late and run on alone while
 * one core idles. Started first, they overlap with everything else.
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Repository-relative paths of the files to start first, in this order. */
export const FIRST = ["test/examples/pulumi-loader.test.ts", "test/package/install.test.ts"];

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = FIRST.findIndex((p) => f.moduleId.replaceAll("\\", "/").endsWith(`/${p}`));
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
