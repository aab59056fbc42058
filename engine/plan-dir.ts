/**
 * Writing a plan directory without ever destroying what the plan did not write.
 *
 * - Every plan directory holds a marker file, {@link PLAN_MARKER}, listing the files the plan wrote.
 * - `--out` may be a directory that does not exist, an empty directory, or a previous plan output
 *   (marker present, and nothing in it but the files the marker lists). Anything else — a project
 *   directory (`--out .`), a home directory, a plan directory someone added files to — is refused
 *   before the stack runs, naming the first foreign file.
 * - The new plan is written to a temporary directory beside the target and swapped in with
 *   `rename` only when complete; a failed write removes only that temporary directory, and the
 *   previous plan stays as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The marker file of a plan directory. */
export const PLAN_MARKER = ".edge-mtls-plan.json";

/** Why the plan directory cannot be written (a person's mistake, not a crash). */
export class PlanOutputError extends Error {
  /** Always `PlanOutputError`. */
  override readonly name = "PlanOutputError";
}

interface Marker {
  readonly tool: "edge-mtls plan";
  readonly files: readonly string[];
}

/** Every file under `dir`, as relative paths with `/` separators (directories themselves are not listed). */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const inner = listFiles(path.join(dir, entry.name), rel);
      // An empty directory is something we did not write either.
      out.push(...(inner.length ? inner : [`${rel}/`]));
    } else out.push(rel);
  }
  return out;
}

function readMarker(dir: string): Marker | undefined {
  const file = path.join(dir, PLAN_MARKER);
  if (!fs.existsSync(file)) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Marker>;
    if (m.tool === "edge-mtls plan" && Array.isArray(m.files) && m.files.every((f) => typeof f === "string")) return m as Marker;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Why `out` must not be (over)written by a plan, or undefined when it may: it does not exist, is
 * an empty directory, or is an unmodified previous plan output. `protectedDirs` (the project
 * directory, the working directory) may never be the output or lie inside it.
 */
export function planOutputProblem(out: string, protectedDirs: readonly string[] = []): string | undefined {
  const target = path.resolve(out);
  for (const p of protectedDirs) {
    const dir = path.resolve(p);
    const rel = path.relative(target, dir);
    if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) {
      return `--out ${out}: ${rel === "" ? "is" : "contains"} ${dir}; a plan replaces its output directory, so give a directory of its own such as out/<stack>`;
    }
  }
  if (!fs.existsSync(target)) return undefined;
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) return `--out ${out}: is a symbolic link; give a real directory`;
  if (!stat.isDirectory()) return `--out ${out}: exists and is not a directory; give a new or plan-only directory`;
  const files = listFiles(target);
  if (files.length === 0) return undefined;
  const marker = readMarker(target);
  if (!marker) {
    return `--out ${out}: exists and is not a plan output (no ${PLAN_MARKER}; it holds e.g. ${files.sort()[0] ?? ""}); nothing was written. Give a new directory, or remove it yourself`;
  }
  const known = new Set([PLAN_MARKER, ...marker.files]);
  const foreign = files.filter((f) => !known.has(f)).sort();
  if (foreign.length) {
    return `--out ${out}: is a plan output, but ${foreign[0]} was not written by the plan; nothing was written. Move that file out, or give another directory`;
  }
  return undefined;
}

/**
 * Writes `files` (relative path → content) as the plan directory `out`, atomically: a temporary
 * sibling directory is filled and renamed into place. Throws {@link PlanOutputError} (having
 * written nothing) when `out` may not be replaced; on a write failure, the previous plan is intact.
 */
export function writePlanDirectory(out: string, files: ReadonlyMap<string, string>, protectedDirs: readonly string[] = []): void {
  const target = path.resolve(out);
  const problem = planOutputProblem(target, protectedDirs);
  if (problem) throw new PlanOutputError(problem);
  for (const name of files.keys()) {
    const norm = path.posix.normalize(name);
    if (name !== norm || name.startsWith("/") || norm.startsWith("../") || name === PLAN_MARKER) throw new PlanOutputError(`plan file name ${JSON.stringify(name)} is not a plain relative path`);
  }
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const base = path.basename(target);
  const tmp = fs.mkdtempSync(path.join(parent, `.${base}.writing-`));
  try {
    for (const [name, content] of files) {
      const file = path.join(tmp, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const marker: Marker = { tool: "edge-mtls plan", files: [...files.keys()].sort() };
    fs.writeFileSync(path.join(tmp, PLAN_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  // Swap: the previous plan (checked above: only files the plan wrote) moves aside, the new one in.
  let old: string | undefined;
  if (fs.existsSync(target)) {
    old = `${tmp}.previous`;
    fs.renameSync(target, old);
  }
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    if (old) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
