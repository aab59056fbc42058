/**
 * Issue 13: a caller identity's own CA (WorkloadIdentity, no intermediate, 5 years) announces
 * its end of life like any InternalCA, with the identity's own replacement path instead of the
 * CA rotation (docs/internal-ca.md#per-identity-cas), and no run fails past it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { WorkloadIdentity } from "../../components";
import { runProgram, type PlanResult } from "../../engine";

const DAY = 24 * 3600_000;
const T0 = new Date("2026-01-01T00:00:00Z");
const at = (day: number) => new Date(T0.getTime() + day * DAY);
const program = async () => {
  new WorkloadIdentity("nginx-gateway", {});
};

describe("a WorkloadIdentity's CA at its end of life", () => {
  // 5y = 1825 days; last full-length client certificate on day 1735; warning from day 1555.
  const plans = new Map<number, PlanResult>();
  beforeAll(async () => {
    let prior: PlanResult | undefined;
    for (const day of [0, 1554, 1555, 1740]) {
      prior = await runProgram(program, { now: at(day), prior });
      plans.set(day, prior);
    }
  });

  it("does not warn the day before the documented date", () => {
    expect((plans.get(1554) as PlanResult).warnings).toEqual([]);
  });

  it("warns from the documented date with the identity's replacement path, not the CA rotation", () => {
    const warning = (plans.get(1555) as PlanResult).warnings.join("\n");
    expect(warning).toContain("approaches its end of life: it expires 2030-12-31, and certificates it signs after 2030-10-02 would outlive it");
    expect(warning).toContain('add a successor identity ("nginx-gateway-v2") next to "nginx-gateway" on every service that lists it');
    expect(warning).not.toContain("extraTrustedCaPems");
  });

  it("keeps running past the last full-length date, warning that it can no longer sign one", () => {
    const p = plans.get(1740) as PlanResult;
    expect(p.errors).toEqual([]);
    expect(p.warnings.join("\n")).toContain("can no longer sign a full-length certificate");
  });
});
