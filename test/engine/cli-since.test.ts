/**
 * `npm run plan -- --since <date> --at <date>` on the real dev stack: the plan is diffed
 * against the stack as deployed at `--since`, so it lists exactly what rotates in between.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../engine/cli";

const ROOT = path.resolve(__dirname, "..", "..");

/** The CLI's `main` in this process (test/engine/cli.test.ts runs it as a child process too). */
async function plan(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; planMd: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-since-"));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void stdout.push(`${a.map(String).join(" ")}\n`));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(`${a.map(String).join(" ")}\n`));
  try {
    const code = await main(["--dir", ROOT, "--stack", "dev", "--out", out, ...args]);
    const planMd = fs.existsSync(path.join(out, "plan.md")) ? fs.readFileSync(path.join(out, "plan.md"), "utf8") : "";
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), planMd };
  } finally {
    log.mockRestore();
    error.mockRestore();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

describe("plan --since", () => {
  it("lists no change when no certificate is due between the two dates", async () => {
    const r = await plan(["--since", "2027-01-01", "--at", "2027-01-20"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/since 2027-01-01: 0 changes/);
    expect(r.planMd).toMatch(/None: every resource is unchanged\./);
  });

  it("lists the leaf keys, CSRs and certificates that rotate once their renewal window has opened", async () => {
    const r = await plan(["--since", "2027-01-01", "--at", "2027-03-03"]);
    expect(r.code).toBe(0);
    expect(r.planMd).toMatch(/\*\*replace\*\* `tls:index\/privateKey:PrivateKey` dev-mesh-orders-server-key \(changed: replacementTrigger\)/);
    expect(r.planMd).toMatch(/\*\*replace\*\* `tls:index\/locallySignedCert:LocallySignedCert` dev-mesh-orders-server-cert/);
    expect(r.planMd).not.toMatch(/\*\*replace\*\* `tls:index\/selfSignedCert:SelfSignedCert` dev-mesh-root-cert/);
  });

  it("refuses --since later than --at", async () => {
    const r = await plan(["--since", "2027-03-01", "--at", "2027-01-01"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since 2027-03-01 is after --at/);
  });
});
