import * as fs from "node:fs";
import { it } from "vitest";
import { allProjectStacks, planAll } from "../support/projects";
it("probe", async () => {
  const plans = await planAll(allProjectStacks());
  const out: Record<string, unknown[]> = {};
  for (const [label, plan] of plans) for (const r of plan.all().filter((x) => x.type.startsWith("cloudflare:"))) (out[r.type] ??= []).push({ label, name: r.name, inputs: r.inputs });
  fs.writeFileSync("/tmp/cf-inputs.json", JSON.stringify(out, null, 1));
}, 300000);
