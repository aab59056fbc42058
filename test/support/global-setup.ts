/**
 * vitest globalSetup:
 * - hands every test file the suite's pool of RSA keys (`inject("rsaKeyPool")`,
 *   test/support/key-pool.ts). The keys are generated with the engine's own key generator (the
 *   `tls` provider's code path, off the main thread) and kept between runs in
 *   `node_modules/.cache/edge-mtls/test-rsa-key-pool.json` (mode 0600), as the V8 compile
 *   cache is: RSA-4096 generation (0.3–3 s a key) cost every `vitest run` 8–15 s of CPU before
 *   its first test could start, the whole suite's and a single file's alike. The file is
 *   checked on every run (each key parses as an RSA key of its size, enough of each size) and
 *   regenerated when it does not pass, or when `EDGE_MTLS_TEST_FRESH_KEYS=1` (or
 *   `EDGE_MTLS_TEST_COLD=1`). These keys sign nothing outside the offline engine's test runs;
 *   nothing of them is committed.
 * - makes a scratch directory for the run (`inject("runDir")`, removed at the end), where
 *   files coordinate work done once per run (test/support/library-build.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node" with { "resolution-mode": "import" };
import { generatePrivateKeyAsync } from "../../engine/providers/tls";
import { ROOT } from "./examples";
import { coldRun, keptResultsDir } from "./kept-results";
import { POOL_SIZES, readKeyPool, type KeyPool } from "./key-pool";

/** Where the pool is kept between runs (beside the compile cache; `npm ci` starts it afresh). */
const KEY_POOL_FILE = path.join(keptResultsDir(ROOT), "test-rsa-key-pool.json");

/** A new pool of POOL_SIZES keys, generated concurrently on libuv's thread pool. */
async function generateKeyPool(): Promise<KeyPool> {
  const pool: KeyPool = {};
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
  return pool;
}

/** Writes the pool readable by its owner only, atomically (a concurrent run reads a whole file or none). */
function writeKeyPool(file: string, pool: KeyPool): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(pool), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The kept pool when it passes `readKeyPool`, else a new one (then kept). */
async function keyPool(): Promise<KeyPool> {
  if (process.env.EDGE_MTLS_TEST_FRESH_KEYS !== "1" && !coldRun()) {
    const kept = readKeyPool(KEY_POOL_FILE);
    if (kept) return kept;
  }
  const pool = await generateKeyPool();
  writeKeyPool(KEY_POOL_FILE, pool);
  return pool;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-test-run-"));
  project.provide("runDir", runDir);
  project.provide("rsaKeyPool", await keyPool());
  return () => fs.rmSync(runDir, { recursive: true, force: true });
}
