/**
 * The library built once per `vitest run`, shared by the files that need compiled output
 * (test/examples/pulumi-loader.test.ts, test/package/install.test.ts): `npm run build` (the
 * `prepack` script, `tsc -p tsconfig.build.json`) into this repository's `dist/`, exactly what
 * `npm pack` packs. Whichever file asks first builds; the others wait for its result (a lock
 * directory and a result file in the run's scratch directory from globalSetup). A failed
 * build fails every file that needs it, with the compiler's output.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";
import { ROOT } from "./examples";

declare module "vitest" {
  export interface ProvidedContext {
    /** A scratch directory for this `vitest run` (removed by globalSetup's teardown). */
    runDir: string;
  }
}

/** Where `npm run build` writes (tsconfig.build.json's outDir). */
const DIST = path.join(ROOT, "dist");

interface BuildResult {
  code: number;
  output: string;
  ms: number;
}

async function build(): Promise<BuildResult> {
  const started = Date.now();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    const { stdout, stderr } = await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
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
