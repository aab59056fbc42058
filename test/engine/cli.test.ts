/**
 * Foundation acceptance: `npm run plan` (engine/cli.ts) on the fixture project — a plan on
 * success, and one actionable stderr line on each config mistake. Two tests run the CLI as a
 * child process (exit codes and streams as a shell sees them; tsx from node_modules/.bin
 * rather than `npx tsx`, so that npm's own warnings cannot reach stderr; bounded to 60 s);
 * the others call its `main` in-process with console output captured.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../engine/cli";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const FIXTURE = path.relative(ROOT, path.join(__dirname, "fixtures", "project"));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  out: string;
}

const outDirs: string[] = [];
afterAll(() => {
  for (const d of outDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The CLI as a child process. */
function planChild(args: readonly string[]): Promise<CliResult> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-plan-"));
  outDirs.push(out);
  return new Promise((resolve) => {
    execFile(TSX, ["engine/cli.ts", "--dir", FIXTURE, "--out", out, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr, out });
    });
  });
}

/** The CLI's `main` in this process: its exit code and what it printed. */
async function plan(args: readonly string[]): Promise<CliResult> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-plan-"));
  outDirs.push(out);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void stdout.push(`${a.map(String).join(" ")}\n`));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(`${a.map(String).join(" ")}\n`));
  try {
    const code = await main(["--dir", FIXTURE, "--out", out, ...args]);
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), out };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

describe("engine/cli.ts on the fixture project", () => {
  it("writes plan.md and exits 0 for a valid stack", async () => {
    const r = await planChild(["--stack", "ok", "--at", "2026-01-01"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ resources planned; wrote \d+ files to /);
    const md = fs.readFileSync(path.join(r.out, "plan.md"), "utf8");
    expect(md).toMatch(/^# Plan: fixture \/ ok\n/);
    expect(fs.existsSync(path.join(r.out, "kubernetes", "configmap-apps-settings.yaml"))).toBe(true);
  });

  it("exits non-zero with one stderr line naming the stack file, the missing key and the fix", async () => {
    const r = await planChild(["--stack", "missing"]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(lines(r.stderr)).toEqual([
      `${path.join(FIXTURE, "Pulumi.missing.yaml")}: fixture:greeting: missing required key; set it with \`pulumi config set fixture:greeting <value> -s missing\``,
    ]);
  });

  it("exits non-zero with one stderr line naming the stack file and the key when a value has the wrong type", async () => {
    const r = await plan(["--stack", "badtype"]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    const stderr = lines(r.stderr);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain(path.join(FIXTURE, "Pulumi.badtype.yaml"));
    expect(stderr[0]).toContain("fixture:replicas");
    expect(stderr[0]).toContain('"abc" is not a valid number');
  });

  it("exits 2 naming the stack file for an unknown stack", async () => {
    const r = await plan(["--stack", "nope"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toMatch(new RegExp(`^${path.join(FIXTURE, "Pulumi.nope.yaml").replace(/[.]/g, "\\.")}: no such stack file; create it or pick one of: .*Pulumi\\.ok\\.yaml`));
  });

  it("exits 2 for an --at that is not a date", async () => {
    const r = await plan(["--stack", "ok", "--at", "yesterday-ish"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["--at yesterday-ish: not a date; write e.g. 2027-03-01 or 2027-03-01T12:00:00Z"]);
  });
});
