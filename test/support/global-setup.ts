/**
 * vitest globalSetup:
 * - generates the suite's pool of RSA keys once per `vitest run`, with the engine's own key
 *   generator (the `tls` provider's code path, off the main thread), and hands the PEMs to
 *   every test file (`inject("rsaKeyPool")`). RSA-4096 generation (0.6–2.8 s a key) otherwise
 *   dominated the stack, example and profile tests. Nothing is committed: the keys live in
 *   memory for this run only.
 * - makes a scratch directory for the run (`inject("runDir")`, removed at the end), where
 *   files coordinate work done once per run (test/support/library-build.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import { generatePrivateKeyAsync } from "../../engine/providers/tls";
import { POOL_SIZES } from "./key-pool";

export default async function setup(project: TestProject): Promise<() => void> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-test-run-"));
  project.provide("runDir", runDir);
  const pool: Record<string, string[]> = {};
  const jobs: Array<Promise<void>> = [];
  for (const [bits, count] of Object.entries(POOL_SIZES)) {
    const list: string[] = [];
    pool[bits] = list;
    for (let i = 0; i < count; i++) {
      jobs.push(
        generatePrivateKeyAsync({ algorithm: "RSA", rsaBits: Number(bits), ecdsaCurve: "P224" }).then((k) => {
          list.push(k.export({ type: "pkcs8", format: "pem" }).toString());
        }),
      );
    }
  }
  await Promise.all(jobs);
  project.provide("rsaKeyPool", pool);
  return () => fs.rmSync(runDir, { recursive: true, force: true });
}
