/**
 * vitest setupFiles: runs before each test file. Files share a worker's module registry
 * (`isolate: false` in vitest.config.mts, so @pulumi/* and the library load once per worker);
 * state a file must start from fresh is reset here, and the PEM files it wrote for OpenSSL
 * and nginx are removed after it. It also records the CPU each file costs
 * (its worker's, and that of the child processes it ran: tsc, Pulumi hosts, npm, nginx,
 * OpenSSL), which test/support/summary-reporter.ts prints after the run.
 */
import { afterAll, beforeAll } from "vitest";
import { resetPooledRsaKeys } from "./key-pool";
import { removeWrittenPems } from "./pki";
import { processCpu } from "./proc-stat";

declare module "vitest" {
  interface TaskMeta {
    /** CPU seconds (user + system) of the file's worker and of its child processes, during the file. */
    cpuSeconds?: number;
  }
}

// Every file gets the whole key pool again (each key is still handed out once within a file).
resetPooledRsaKeys();

/** CPU seconds used so far by this process and its reaped children (Linux), else by this process. */
function cpuSeconds(): number {
  try {
    const cpu = processCpu();
    return cpu.self + cpu.children;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

let started = 0;
beforeAll(() => {
  started = cpuSeconds();
});
// vitest 4 passes the suite as the second argument; the first must be a fixtures pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  suite.file.meta.cpuSeconds = cpuSeconds() - started;
  // The PEM files (private keys among them) the file wrote for OpenSSL and nginx.
  removeWrittenPems();
});
