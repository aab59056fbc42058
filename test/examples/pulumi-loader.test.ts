/**
 * Every example loads the way `pulumi up` loads it, and plans.
 *
 * The library is built once per run (`npm run build`, shared with test/package/install.test.ts:
 * test/support/library-build.ts) and laid out as `npm install` lays out the example (`"edge-mtls": "file:../.."` with install-links): a copy of the example outside this
 * repository, whose node_modules holds the built library and exactly the packages its
 * package.json declares (links to this repository's installed copies, so one @pulumi/pulumi).
 * Nothing of the repository's tsconfig (its `paths`) or node_modules is reachable by walking up.
 *
 * test/support/pulumi-host.cjs then starts the program through the Pulumi SDK's own Node.js
 * entry point (`@pulumi/pulumi/cmd/run`) with PULUMI_NODEJS_TYPESCRIPT=true, as the CLI's
 * language host does for `runtime.options.typescript`: the SDK registers its ts-node with the
 * example's tsconfig.json and type-checks. The offline engine stands in for the Pulumi engine.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EXAMPLES_DIR, exampleNames, readPackage, readProject, ROOT } from "../support/examples";
import { builtLibrary } from "../support/library-build";

const HOST = path.join(ROOT, "test/support/pulumi-host.cjs");
const EXAMPLES = exampleNames();
let work: string;
let library: string;
/** The suite's RSA key pool (test/support/key-pool.ts), for the engine in each host. */
let rsaKeys: string;

/** Lays the built library out in `<into>` (package.json + a copy of dist), resolving its own deps from this repository. */
function layOutLibrary(dist: string, into: string): void {
  fs.mkdirSync(into, { recursive: true });
  fs.cpSync(dist, path.join(into, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(into, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(into, "node_modules"), "dir");
}

/** Copies an example out of the repository and installs what its package.json declares. */
function install(example: string, name = example): string {
  const dir = path.join(work, name);
  fs.cpSync(path.join(EXAMPLES_DIR, example), dir, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
  const pkg = readPackage(dir);
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const target = dep === "edge-mtls" ? library : path.join(ROOT, "node_modules", dep);
    if (!fs.existsSync(target)) throw new Error(`${example}/package.json: ${dep} is not installed in this repository`);
    const link = path.join(dir, "node_modules", dep);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, "dir");
  }
  return dir;
}

interface HostResult {
  code: number | null;
  stderr: string;
  plan?: { project: string; errors: string[]; resources: { urn: string; type: string; op: string }[]; outputs: string[]; secretOutputs: string[] };
}

/** At most this many hosts at once: each type-checks the SDK's and providers' typings (CPU and memory). */
const LIMIT = Math.max(2, Math.min(3, os.availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running >= LIMIT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs the Pulumi SDK's language host on a project directory (see pulumi-host.cjs). */
function pulumiUp(dir: string, stack: string): Promise<HostResult> {
  return limited(() => host(dir, stack));
}

function host(dir: string, stack: string): Promise<HostResult> {
  const project = readProject(dir);
  const options = typeof project.runtime === "object" ? project.runtime.options : undefined;
  const result = path.join(dir, ".plan.json");
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_TYPESCRIPT: String(options?.typescript ?? true) };
  delete env.NODE_OPTIONS;
  delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
  if (options?.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  env.EDGE_MTLS_RSA_KEYS = rsaKeys;
  // No TS_NODE_* setting of the caller's (TS_NODE_TRANSPILE_ONLY would skip the check). The SDK's
  // ts-node keeps a disk cache of its output (on by default), and a hit skips the type-check; its
  // default directory is shared by every run on the machine (tmpdir/ts-node-<hash>). This run's own
  // directory keeps each run's check real and leaves nothing behind.
  for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_")) delete env[k];
  env.TS_NODE_CACHE_DIRECTORY = path.join(work, "ts-node-cache");
  const engine = path.join(library, "dist/engine/index.js");
  return new Promise((resolve) => {
    execFile(process.execPath, [HOST, engine, String(project.name), stack, typeof project.main === "string" ? project.main : ".", result], { cwd: dir, env, timeout: 240_000 }, (err, _stdout, stderr) => {
      const plan = fs.existsSync(result) ? (JSON.parse(fs.readFileSync(result, "utf8")) as HostResult["plan"]) : undefined;
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stderr, plan });
    });
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-pulumi-loader-"));
  library = path.join(work, "edge-mtls");
  rsaKeys = path.join(work, "rsa-keys.json");
  fs.writeFileSync(rsaKeys, JSON.stringify(inject("rsaKeyPool")), { mode: 0o600 });
  layOutLibrary(await builtLibrary(), library);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// Concurrent: each run is its own process (the SDK host and the engine are per process).
describe.concurrent.each(EXAMPLES)("example %s through Pulumi's TypeScript loader", (example) => {
  it("type-checks, runs the exported program and plans it without errors", async () => {
    const dir = install(example);
    const r = await pulumiUp(dir, "example");
    expect(r.stderr.split("\n").filter((l) => /error TS\d+|Cannot find module|TS2209/.test(l)), "loader errors").toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.plan?.project).toBe(String(readProject(dir).name));
    expect(r.plan?.errors).toEqual([]);
    // The program itself ran: resources besides the Stack (a `default` export the host never calls registers none).
    expect(r.plan?.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").length).toBeGreaterThan(0);
    expect(r.plan?.outputs).not.toContain("default");
  }, 300_000);
});

/**
 * The harness itself: what it would report if an example broke. Each probe is a one-file program
 * in the first example's project (its package.json, tsconfig.json and Pulumi.yaml, so the same
 * module format and compiler options), loaded by the same host. The probes import at most
 * @pulumi/pulumi: what they show is the SDK's loading, and a small program keeps each one to a
 * fraction of an example's type-check.
 */
describe.concurrent("the loader check can fail", () => {
  const example = EXAMPLES[0] ?? "";

  /** The first example's project with `source` as its whole program. */
  function probe(name: string, source: string): string {
    const dir = install(example, `${example}-${name}`);
    fs.writeFileSync(path.join(dir, "index.ts"), source);
    return dir;
  }

  it("a type error in index.ts stops the program with the TypeScript diagnostic", async () => {
    const dir = probe(
      "type-error",
      ['const typeCheckProbe: number = "not a number";', "export = async () => ({ probe: typeCheckProbe });", ""].join("\n"),
    );
    const r = await pulumiUp(dir, "example");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.plan).toBeUndefined();
  }, 300_000);

  it("a CommonJS default export is never called: the module runs, the exported function does not", async () => {
    const dir = probe(
      "default-export",
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'new pulumi.ComponentResource("probe:index:ModuleLevel", "module-level");',
        "export default async () => {",
        '  new pulumi.ComponentResource("probe:index:DefaultExport", "default-export");',
        "};",
        "",
      ].join("\n"),
    );
    const r = await pulumiUp(dir, "example");
    expect(r.code, r.stderr).toBe(0);
    expect(r.plan?.resources.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack", "probe:index:ModuleLevel"]);
  }, 300_000);
});
