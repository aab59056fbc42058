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
 *
 * ts-node writes its output to a disk cache only after the check passed, and a hit skips the
 * check. Each example's cache is kept between runs under a key of every input of that check
 * (`typecheckCache`), so an example whose sources, library declarations and installed packages
 * are all unchanged since a run that checked it is loaded from that output (ts-node's cache path,
 * as a repeated `pulumi up` is); the program still runs and plans. Which examples were checked
 * and which reused is printed after the run; EDGE_MTLS_TEST_COLD=1 checks all. The two harness
 * probes are checked on every run.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EXAMPLES_DIR, exampleNames, readPackage, readProject, ROOT } from "../support/examples";
import { claimFixedDir, coldRun, hashInputs, installedPackagesRecord, keptResultsDir, keyedDir, type ClaimedDir } from "../support/kept-results";
import { builtLibrary } from "../support/library-build";

const HOST = path.join(ROOT, "test/support/pulumi-host.cjs");
const EXAMPLES = exampleNames();
let claimed: ClaimedDir | undefined;
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

/** Runs the Pulumi SDK's language host on a project directory (see pulumi-host.cjs), with ts-node's cache in `tsNodeCache`. */
function pulumiUp(dir: string, stack: string, tsNodeCache: string): Promise<HostResult> {
  return limited(() => host(dir, stack, tsNodeCache));
}

function host(dir: string, stack: string, tsNodeCache: string): Promise<HostResult> {
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
  // default directory (tmpdir/ts-node-<hash>) is shared by every run on the machine and keyed by
  // each file's own source only, so a program would not be checked again after the library's
  // declarations changed. The caller gives each host a directory of its own (typecheckCache).
  for (const k of Object.keys(env)) if (k.startsWith("TS_NODE_")) delete env[k];
  env.TS_NODE_CACHE_DIRECTORY = tsNodeCache;
  const engine = path.join(library, "dist/engine/index.js");
  return new Promise((resolve) => {
    execFile(process.execPath, [HOST, engine, String(project.name), stack, typeof project.main === "string" ? project.main : ".", result], { cwd: dir, env, timeout: 240_000 }, (err, _stdout, stderr) => {
      const plan = fs.existsSync(result) ? (JSON.parse(fs.readFileSync(result, "utf8")) as HostResult["plan"]) : undefined;
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stderr, plan });
    });
  });
}

/** The inputs every example's check shares (the library's package.json and declarations, the installed packages), hashed once per run. */
let sharedInputs: string | undefined;

/** The files in a directory tree (ts-node writes one per compiled file, only after its check passed). */
function filesIn(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, String(f))).isFile()).length : 0;
}

/**
 * The ts-node cache directory for an example's host. Kept between runs under a key that covers
 * every input of the type-check: the example's files (its sources, tsconfig.json and
 * package.json), the library's package.json and declarations, and the installed packages (npm's
 * record: @pulumi/*, @types/node, TypeScript, the ts-node the SDK vendors). ts-node's own key
 * adds the source of each file and the resolved compiler options, so a hit is the same program
 * with the same options against the same declarations and compiler: a check that passed in an
 * earlier run and would pass again. Anything else changed means a new key and a real check.
 * A fresh directory for the run when the work directory is not at its fixed path (another run
 * holds it, and ts-node's key includes absolute paths) or with EDGE_MTLS_TEST_COLD=1.
 */
function typecheckCache(example: string): string {
  if (!claimed?.stable || coldRun()) return path.join(work, "ts-node-cache", example);
  const record = installedPackagesRecord(ROOT).split(path.sep).join("/");
  sharedInputs ??= hashInputs(ROOT, ["package.json", "dist", record], (rel) => rel === "package.json" || rel === record || (rel.startsWith("dist/") && rel.endsWith(".d.ts")));
  const key = crypto
    .createHash("sha256")
    .update(hashInputs(EXAMPLES_DIR, [example], (rel) => !rel.split("/").includes("node_modules")))
    .update(sharedInputs)
    .digest("hex");
  return keyedDir(path.join(keptResultsDir(ROOT), "pulumi-loader-ts-node", example), key);
}

beforeAll(async () => {
  // At a fixed path (per checkout) while this run holds it: ts-node's cache key includes absolute paths.
  const checkout = crypto.createHash("sha256").update(ROOT).digest("hex").slice(0, 12);
  claimed = claimFixedDir(path.join(os.tmpdir(), `edge-mtls-pulumi-loader.${checkout}`), path.join(os.tmpdir(), "edge-mtls-pulumi-loader-"));
  work = claimed.dir;
  library = path.join(work, "edge-mtls");
  rsaKeys = path.join(work, "rsa-keys.json");
  fs.writeFileSync(rsaKeys, JSON.stringify(inject("rsaKeyPool")), { mode: 0o600 });
  layOutLibrary(await builtLibrary(), library);
}, 300_000);

afterAll(() => {
  claimed?.release();
});

// Concurrent: each run is its own process (the SDK host and the engine are per process).
describe.concurrent.each(EXAMPLES)("example %s through Pulumi's TypeScript loader", (example) => {
  it("type-checks, runs the exported program and plans it without errors", async ({ task }) => {
    const dir = install(example);
    const cache = typecheckCache(example);
    const kept = filesIn(cache);
    const r = await pulumiUp(dir, "example", cache);
    // Reused: ts-node found every file's output under this key (written after a passing check) and wrote nothing.
    task.meta.typecheckReused = kept > 0 && filesIn(cache) === kept;
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
    const cache = path.join(work, "ts-node-cache", "type-error-probe");
    const r = await pulumiUp(dir, "example", cache);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.plan).toBeUndefined();
    // ts-node keeps no output of a program that failed its check: a kept cache never stands for a failed one.
    expect(filesIn(cache)).toBe(0);
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
    const cache = path.join(work, "ts-node-cache", "default-export-probe");
    const r = await pulumiUp(dir, "example", cache);
    expect(r.code, r.stderr).toBe(0);
    expect(r.plan?.resources.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack", "probe:index:ModuleLevel"]);
    // ...and one output for a program that passed it (index.ts), which a later run with the same inputs may reuse.
    expect(filesIn(cache)).toBe(1);
  }, 300_000);
});
