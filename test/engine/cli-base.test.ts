/**
 * `npm run plan -- --base <git ref>` on a temporary git repository holding this project
 * (components, stacks, the dev stack file): each commit changes the dev stack's config, and
 * diff.md must show exactly what that commit changes. The CLI's `main` runs in this process
 * (test/engine/cli.test.ts checks the CLI as a child process: exit codes, stdout, stderr).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../engine/cli";
import { addBillingCaller, addOrdersHostname } from "../support/stack-edits";

const ROOT = path.resolve(__dirname, "..", "..");
let repo: string;
const commits: Record<"base" | "caller" | "hostname", string> = { base: "", caller: "", hostname: "" };

function git(...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.email=test@example.com", "-c", "user.name=test", ...args], { encoding: "utf8" }).trim();
}

interface PlanRun {
  code: number | null;
  stdout: string;
  stderr: string;
  diff: string;
}

/** `npm run plan -- --dir <repo> --stack dev …`: the CLI's `main` in this process, console captured. */
async function plan(args: readonly string[]): Promise<PlanRun> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-base-out-"));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void stdout.push(`${a.map(String).join(" ")}\n`));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(`${a.map(String).join(" ")}\n`));
  try {
    const code = await main(["--dir", repo, "--stack", "dev", "--out", out, "--at", "2027-01-10", ...args]);
    const file = path.join(out, "diff.md");
    const diff = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), diff };
  } finally {
    log.mockRestore();
    error.mockRestore();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** The bullet items of one `## <heading> (n)` section of diff.md: `type name`, property lines dropped. */
function section(diff: string, heading: string): string[] {
  const m = new RegExp(`^## ${heading} \\((\\d+)\\)\\n\\n([\\s\\S]*?)(?=\\n## |(?![\\s\\S]))`, "m").exec(diff);
  if (!m) throw new Error(`diff.md has no section ${heading}:\n${diff}`);
  const items = (m[2] ?? "").split("\n").filter((l) => l.startsWith("- ")).map((l) => l.replace(/^- `([^`]+)` \*\*([^*]+)\*\*.*$/, "$1 $2"));
  expect(items.length, heading).toBe(Number(m[1]));
  return items;
}

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-base-repo-"));
  for (const f of ["components", "stacks", "Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json", "package.json"]) fs.cpSync(path.join(ROOT, f), path.join(repo, f), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\nout\n");
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "base");
  commits.base = git("rev-parse", "HEAD");
  // One more caller for the orders service (a new workload identity, listed in orders' callers).
  addBillingCaller(path.join(repo, "Pulumi.dev.yaml"));
  git("commit", "-qam", "orders: allow caller billing");
  commits.caller = git("rev-parse", "HEAD");
  // A second hostname for orders: its server certificate must be re-issued.
  addOrdersHostname(path.join(repo, "Pulumi.dev.yaml"));
  git("commit", "-qam", "orders: second hostname");
  commits.hostname = git("rev-parse", "HEAD");
});

afterAll(() => {
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

describe("plan --base", () => {
  it("for a commit that adds one caller, shows exactly that caller's resources and the changed client-CA Secrets", async () => {
    git("checkout", "-q", commits.caller);
    const r = await plan(["--base", commits.base]);
    expect(r.code, r.stderr).toBe(0);
    const added = section(r.diff, "Added");
    expect(added.length).toBeGreaterThan(0);
    for (const item of added) expect(item).toMatch(/ billing(-|$)/);
    expect(added).toEqual(
      expect.arrayContaining([
        "edge-mtls:traefik:WorkloadIdentity billing",
        "tls:index/selfSignedCert:SelfSignedCert billing-ca-root-cert",
        "tls:index/locallySignedCert:LocallySignedCert billing-ca-client-cert",
      ]),
    );
    // Only trust changes besides: the client-CA Secrets that TLSOptions name (orders', the mesh default's), or a TLSOption.
    const updated = section(r.diff, "Updated");
    expect(updated).toContain("kubernetes:core/v1:Secret orders-client-ca");
    for (const item of updated) expect(item).toMatch(/^(kubernetes:core\/v1:Secret [a-z0-9-]+-client-ca|kubernetes:traefik\.io\/v1alpha1:TLSOption [a-z0-9-]+)$/);
    expect(r.diff).toContain("  - `stringData.tls.ca`: changed ([secret])");
    expect(section(r.diff, "Removed")).toEqual([]);
    expect(section(r.diff, "Replaced")).toEqual([]);
    expect(section(r.diff, "Certificates re-issued")).toEqual([]);
    expect(r.diff.split("\n")[0]).toBe(`# plan dev: ${added.length} to add, ${updated.length} to update`);
    expect(r.stdout.split("\n")[0]).toBe(`plan dev: ${added.length} to add, ${updated.length} to update`);
  }, 240_000);

  it("for a commit that adds a hostname, re-issues the server certificate and says why", async () => {
    git("checkout", "-q", commits.hostname);
    const r = await plan(["--base", "HEAD~1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(section(r.diff, "Certificates re-issued")).toEqual(["tls:index/locallySignedCert:LocallySignedCert dev-mesh-orders-server-cert"]);
    expect(r.diff).toContain("**dev-mesh-orders-server-cert**: its request changed (dnsNames)");
    expect(r.diff).toContain('  - `dnsNames`: ["orders.mesh.internal"] → ["orders.mesh.internal","orders-v2.mesh.internal"]');
    expect(section(r.diff, "Added")).toEqual([]);
    expect(section(r.diff, "Removed")).toEqual([]);
    expect(r.diff).not.toMatch(/PRIVATE KEY|-----BEGIN/);
  }, 240_000);

  it("refuses a ref that is not a commit, naming the fix", async () => {
    const r = await plan(["--base", "no-such-branch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--base no-such-branch: not a commit in .*; fetch it first/);
  }, 120_000);

  it("refuses --base together with --since", async () => {
    const r = await plan(["--base", "HEAD~1", "--since", "2027-01-01"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--base and --since/);
  }, 120_000);
});
