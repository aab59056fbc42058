/**
 * Issue 14: `npm run plan` never destroys what it did not write. The plan directory is written
 * to a temporary sibling and swapped in when complete; an existing `--out` that is not a
 * previous, unmodified plan output is refused before anything runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../engine/cli";
import { PLAN_MARKER, PlanOutputError, planOutputProblem, writePlanDirectory } from "../../engine/plan-dir";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "project");
const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-plan-dir-"));
  made.push(d);
  return d;
}

/** Every file under `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else out[r] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir, "");
  return out;
}

const files = (n: number) => new Map([["plan.md", `# plan ${n}\n`], [`kubernetes/secret-a-${n}.yaml`, "kind: Secret\n"], ["cloudflare.json", "[]\n"]]);

describe("writePlanDirectory", () => {
  it("writes the files and a marker listing them into a new directory", () => {
    const out = path.join(tmp(), "plan");
    writePlanDirectory(out, files(1));
    expect(snapshot(out)).toMatchObject({ "plan.md": "# plan 1\n", "kubernetes/secret-a-1.yaml": "kind: Secret\n", "cloudflare.json": "[]\n" });
    expect(JSON.parse(fs.readFileSync(path.join(out, PLAN_MARKER), "utf8"))).toEqual({ tool: "edge-mtls plan", files: ["cloudflare.json", "kubernetes/secret-a-1.yaml", "plan.md"] });
  });

  it("replaces a previous plan completely (stale files of the old plan go)", () => {
    const out = path.join(tmp(), "plan");
    writePlanDirectory(out, files(1));
    writePlanDirectory(out, files(2));
    expect(Object.keys(snapshot(out)).sort()).toEqual([PLAN_MARKER, "cloudflare.json", "kubernetes/secret-a-2.yaml", "plan.md"]);
  });

  it("accepts an existing empty directory", () => {
    const out = tmp();
    writePlanDirectory(out, files(1));
    expect(fs.existsSync(path.join(out, "plan.md"))).toBe(true);
  });

  it("refuses a directory holding other files and leaves every one of them untouched", () => {
    const out = tmp();
    fs.writeFileSync(path.join(out, "README.md"), "my notes\n");
    fs.mkdirSync(path.join(out, "src"));
    fs.writeFileSync(path.join(out, "src", "index.ts"), "export {};\n");
    const before = snapshot(out);
    expect(() => writePlanDirectory(out, files(1))).toThrow(PlanOutputError);
    expect(() => writePlanDirectory(out, files(1))).toThrow(`--out ${out}: exists and is not a plan output (no ${PLAN_MARKER}; it holds e.g. README.md); nothing was written`);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.includes(".writing-"))).toEqual([]);
  });

  it("refuses a previous plan to which someone added a file, and keeps both", () => {
    const out = path.join(tmp(), "plan");
    writePlanDirectory(out, files(1));
    fs.writeFileSync(path.join(out, "review-notes.md"), "keep me\n");
    const before = snapshot(out);
    expect(() => writePlanDirectory(out, files(2))).toThrow(`--out ${out}: is a plan output, but review-notes.md was not written by the plan; nothing was written`);
    expect(snapshot(out)).toEqual(before);
  });

  it("refuses a file, and a directory that is or contains a protected directory", () => {
    const dir = tmp();
    const file = path.join(dir, "file.txt");
    fs.writeFileSync(file, "x");
    expect(planOutputProblem(file)).toBe(`--out ${file}: exists and is not a directory; give a new or plan-only directory`);
    expect(planOutputProblem(dir, [dir])).toMatch(/: is .*; a plan replaces its output directory/);
    expect(planOutputProblem(path.dirname(dir), [dir])).toMatch(/: contains .*; a plan replaces its output directory/);
    expect(planOutputProblem(path.join(dir, "out", "dev"), [dir])).toBeUndefined();
  });

  it("leaves the previous plan intact when a write fails (a file name too long)", () => {
    const out = path.join(tmp(), "plan");
    writePlanDirectory(out, files(1));
    const before = snapshot(out);
    const bad = new Map([...files(2), [`kubernetes/${"x".repeat(300)}.yaml`, "kind: ConfigMap\n"]]);
    expect(() => writePlanDirectory(out, bad)).toThrow(/ENAMETOOLONG/);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(["plan"]);
  });

  it("refuses plan file names that would escape the directory", () => {
    const out = path.join(tmp(), "plan");
    expect(() => writePlanDirectory(out, new Map([["../escape.md", "x"]]))).toThrow('plan file name "../escape.md" is not a plain relative path');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("npm run plan --out (engine/cli.ts main)", () => {
  async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void errors.push(a.join(" ")));
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const code = await main(args);
    return { code, stderr: errors.join("\n") };
  }

  it("refuses --out . inside a project, before running anything, and deletes nothing", async () => {
    const cwd = process.cwd();
    const before = fs.readdirSync(cwd).sort();
    const r = await cli(["--stack", "ok", "--dir", path.relative(cwd, FIXTURE), "--out", "."]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`--out ${cwd}: contains ${FIXTURE}; a plan replaces its output directory, so give a directory of its own such as out/<stack>`);
    expect(fs.readdirSync(cwd).sort()).toEqual(before);
    expect(cwd).toBe(ROOT);
  });

  it("refuses the project directory itself as --out", async () => {
    const r = await cli(["--stack", "ok", "--dir", FIXTURE, "--out", FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: is .*fixtures\/project; a plan replaces its output directory/);
    expect(fs.existsSync(path.join(FIXTURE, "Pulumi.yaml"))).toBe(true);
  });

  it("plans into a fresh directory and then over its own previous output", async () => {
    const out = path.join(tmp(), "plan");
    expect((await cli(["--stack", "ok", "--dir", FIXTURE, "--out", out, "--at", "2026-01-01"])).code).toBe(0);
    expect(fs.existsSync(path.join(out, PLAN_MARKER))).toBe(true);
    const r = await cli(["--stack", "ok", "--dir", FIXTURE, "--out", out, "--at", "2026-01-01"]);
    expect(r).toEqual({ code: 0, stderr: "" });
    expect(fs.readFileSync(path.join(out, "plan.md"), "utf8")).toMatch(/^# Plan: fixture \/ ok\n/);
  });

  it("refuses a directory holding other files and leaves them untouched", async () => {
    const out = tmp();
    fs.writeFileSync(path.join(out, "important.txt"), "do not delete\n");
    const r = await cli(["--stack", "ok", "--dir", FIXTURE, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`--out ${out}: exists and is not a plan output (no ${PLAN_MARKER}; it holds e.g. important.txt); nothing was written. Give a new directory, or remove it yourself`);
    expect(snapshot(out)).toEqual({ "important.txt": "do not delete\n" });
  });
});
