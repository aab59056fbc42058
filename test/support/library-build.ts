/**
 * The library built once per `vitest run`, shared by the files that need compiled output
 * (test/examples/pulumi-loader.test.ts, test/package/install.test.ts): `npm run build` (the
 * `prepack` script, `tsc -p tsconfig.build.json`) into this repository's `dist/`, exactly what
 * `npm pack` packs. Whichever file asks first builds; the others wait for its result (a lock
 * directory and a result file in the run's scratch directory from globalSetup). A failed
 * build fails every file that needs it, with the compiler's output.
 *
 * The build is skipped when `dist/` is what it would write: the inputs (components/, engine/,
 * the tsconfigs, package.json and the installed packages: test/support/kept-results.ts) hash to
 * the key recorded after the last successful build of a run, and TypeScript's build info is
 * the one that build left (a build by hand since then, of other sources, changes it).
 * `tsc --incremental` would re-emit nothing either, but it parses every source and declaration
 * to find that out (5–6 s of CPU). EDGE_MTLS_TEST_COLD=1 always builds.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";
import { ROOT } from "./examples";
import { coldRun, hashInputs, installedPackagesRecord, keptResultsDir } from "./kept-results";

declare module "vitest" {
  export interface ProvidedContext {
    /** A scratch directory for this `vitest run` (removed by globalSetup's teardown). */
    runDir: string;
  }
}

/** Where `npm run build` writes (tsconfig.build.json's outDir). */
const DIST = path.join(ROOT, "dist");

/** TypeScript's build info (tsconfig.build.json's tsBuildInfoFile), rewritten by every build that emits. */
const BUILD_INFO = path.join(DIST, "tsconfig.build.tsbuildinfo");
/** What the last successful build of a test run was built from (`BuildStamp`). */
const STAMP = path.join(keptResultsDir(ROOT), "library-build.json");

interface BuildStamp {
  inputs: string;
  buildInfo: string;
}

/** The hash of the build's inputs now. */
function buildInputs(): string {
  return hashInputs(ROOT, ["components", "engine", "tsconfig.json", "tsconfig.build.json", "package.json", installedPackagesRecord(ROOT)], (rel) => !rel.endsWith(".test.ts"));
}

/** The hash of the build info `dist/` holds (empty when there is none). */
function buildInfoHash(): string {
  return fs.existsSync(BUILD_INFO) ? hashInputs(DIST, [path.basename(BUILD_INFO)]) : "";
}

/** True when `dist/` was built by a test run from exactly the current inputs and not rebuilt since. */
function upToDate(): boolean {
  if (coldRun()) return false;
  if (!["components/index.js", "components/index.d.ts", "engine/index.js", "engine/index.d.ts", "engine/bin.js"].every((f) => fs.existsSync(path.join(DIST, f)))) return false;
  try {
    const kept = JSON.parse(fs.readFileSync(STAMP, "utf8")) as Partial<BuildStamp>;
    const buildInfo = buildInfoHash();
    return buildInfo !== "" && kept.buildInfo === buildInfo && kept.inputs === buildInputs();
  } catch {
    return false;
  }
}

interface BuildResult {
  code: number;
  output: string;
  ms: number;
}

async function build(): Promise<BuildResult> {
  const started = Date.now();
  if (upToDate()) return { code: 0, output: "dist/ is up to date (test/support/kept-results.ts)", ms: Date.now() - started };
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    fs.rmSync(STAMP, { force: true });
    // The inputs as the build reads them (an edit during the build is not credited to it).
    const inputs = buildInputs();
    const { stdout, stderr } = await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    fs.mkdirSync(path.dirname(STAMP), { recursive: true, mode: 0o700 });
    fs.writeFileSync(STAMP, JSON.stringify({ inputs, buildInfo: buildInfoHash() } satisfies BuildStamp));
    return { code: 0, output: `${stdout}${stderr}`, ms: Date.now() - started };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { code: typeof err.code === "number" ? err.code : 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}`, ms: Date.now() - started };
  }
}

let built: Promise<string> | undefined;

/** Builds `dist/` once for the whole run (or waits for the file that does); resolves to `dist/`. */
export function builtLibrary(): Promise<string> {
  built ??= (async () => {
    const runDir = inject("runDir");
    const lock = path.join(runDir, "build.lock");
    const done = path.join(runDir, "build.json");
    let result: BuildResult;
    let owner = false;
    try {
      fs.mkdirSync(lock);
      owner = true;
    } catch {
      // Another file is building.
    }
    if (owner) {
      result = await build();
      fs.writeFileSync(`${done}.tmp`, JSON.stringify(result));
      fs.renameSync(`${done}.tmp`, done);
    } else {
      const deadline = Date.now() + 300_000;
      while (!fs.existsSync(done)) {
        if (Date.now() > deadline) throw new Error(`waited 300 s for the library build (${done})`);
        await new Promise((r) => setTimeout(r, 200));
      }
      result = JSON.parse(fs.readFileSync(done, "utf8")) as BuildResult;
    }
    if (result.code !== 0) throw new Error(`npm run build failed (exit ${result.code}):\n${result.output}`);
    return DIST;
  })();
  return built;
}
