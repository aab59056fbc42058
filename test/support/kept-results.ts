/**
 * What the suite keeps between runs, keyed by every input it was computed from, so that a run
 * reuses a result only when computing it again would give the same one:
 *
 * - the library build (test/support/library-build.ts): `npm run build` is skipped when `dist/`
 *   was built from the same sources, compiler options and installed packages;
 * - the Pulumi SDK's ts-node output for each example (test/examples/pulumi-loader.test.ts):
 *   ts-node writes it only after the type-check passed, so a hit means the same program, against
 *   the same declarations, compiler and options, passed that check in an earlier run.
 *
 * Every key covers the installed packages through npm's record of `node_modules`
 * (`node_modules/.package-lock.json`, rewritten by every `npm ci` and `npm install`), so an
 * upgrade, a downgrade or a fresh install invalidates everything kept. A file edited by hand
 * inside `node_modules` (npm records versions and integrity, not the files on disk) is not seen:
 * run with `EDGE_MTLS_TEST_COLD=1` after one.
 *
 * `EDGE_MTLS_TEST_COLD=1` reuses nothing (nor the kept RSA key pool): every check and the build
 * run as on a fresh checkout.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

declare module "vitest" {
  interface TaskMeta {
    /** test/examples/pulumi-loader.test.ts: the example's type-check result was reused from an earlier run with the same inputs. */
    typecheckReused?: boolean;
  }
}

/** True when the run must reuse nothing kept by an earlier run (`EDGE_MTLS_TEST_COLD=1`). */
export function coldRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.EDGE_MTLS_TEST_COLD === "1";
}

/** Every regular file under `dir` (or `dir` itself when it is a file), as paths relative to `base`, sorted. */
function filesUnder(base: string, dir: string, keep: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    const stat = fs.statSync(abs);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(abs)) walk(path.join(abs, name));
    } else if (stat.isFile()) {
      const rel = path.relative(base, abs).split(path.sep).join("/");
      if (keep(rel)) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * A SHA-256 over the files named by `entries` (files or directory trees, relative to `base`):
 * each file's path relative to `base` and its bytes, in path order. `keep` selects files by
 * that relative path (default: all). A missing entry counts as an input too (its absence).
 */
export function hashInputs(base: string, entries: readonly string[], keep: (rel: string) => boolean = () => true): string {
  const hash = crypto.createHash("sha256");
  for (const entry of entries) {
    const abs = path.join(base, entry);
    if (!fs.existsSync(abs)) {
      hash.update(`missing\0${entry}\0`);
      continue;
    }
    for (const rel of filesUnder(base, abs, keep)) {
      const bytes = fs.readFileSync(path.join(base, rel));
      hash.update(`file\0${rel}\0${bytes.length}\0`);
      hash.update(bytes);
    }
  }
  return hash.digest("hex");
}

/**
 * npm's record of what is installed in `<root>/node_modules` (`node_modules/.package-lock.json`,
 * every package's version and integrity), relative to `root`; the project's lockfile when npm
 * left no record.
 */
export function installedPackagesRecord(root: string): string {
  const hidden = path.join("node_modules", ".package-lock.json");
  return fs.existsSync(path.join(root, hidden)) ? hidden : "package-lock.json";
}

/** Where the suite keeps results between runs, beside the compile cache (`npm ci` starts it afresh). */
export function keptResultsDir(root: string): string {
  return path.join(root, "node_modules", ".cache", "edge-mtls");
}

/**
 * A directory at a fixed path for as long as this process holds it, or, when another live
 * process holds it, a fresh temporary one (`stable: false`). Tools that key their caches by
 * absolute paths (ts-node's, by the resolved compiler options) can then reuse them across runs.
 * A lock left by a process that no longer runs is taken over. `release` removes the directory
 * and the lock.
 */
export interface ClaimedDir {
  readonly dir: string;
  readonly stable: boolean;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function claimFixedDir(fixed: string, fallbackPrefix: string): ClaimedDir {
  const lock = `${fixed}.lock`;
  const take = (): boolean => {
    try {
      fs.mkdirSync(lock);
    } catch {
      return false;
    }
    fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
    return true;
  };
  let held = take();
  if (!held) {
    let owner = Number.NaN;
    try {
      owner = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
    } catch {
      // A lock without an owner yet: being taken right now, or left by a crash before the pid was written.
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      fs.rmSync(lock, { recursive: true, force: true });
      held = take();
    }
  }
  if (!held) {
    const dir = fs.mkdtempSync(fallbackPrefix);
    return { dir, stable: false, release: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  fs.rmSync(fixed, { recursive: true, force: true });
  fs.mkdirSync(fixed, { recursive: true });
  return {
    dir: fixed,
    stable: true,
    release: () => {
      fs.rmSync(fixed, { recursive: true, force: true });
      fs.rmSync(lock, { recursive: true, force: true });
    },
  };
}

/**
 * `<parent>/<key>`, created, after removing every other entry of `parent`: one kept result per
 * subject (an example, the build), the one for its current inputs.
 */
export function keyedDir(parent: string, key: string): string {
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(parent)) if (name !== key) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  const dir = path.join(parent, key);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
