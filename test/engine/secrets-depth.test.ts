/**
 * Issue 14, acceptance "no secret at any depth appears in any plan file": a program plants
 * secrets at every depth (top level, nested in objects, inside arrays, arrays of objects) in every
 * output kind the plan writes — stack outputs (plan.md), Kubernetes objects of every flavour
 * (kubernetes/*.yaml: a ConfigMap, a custom resource, a Helm release's values) and Cloudflare
 * inputs (cloudflare.json) — and no planted value may appear in any file. The key-material
 * scanner stays the last line of defence.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { REDACTED, renderPlan, runProgram, type PlanResult } from "../../engine";
import { renderPlanMarkdown } from "../../engine/render";

const NOW = new Date("2026-01-01T00:00:00Z");
const ZONE = "0123456789abcdef0123456789abcdef";

/** A distinct, recognisable secret per planting site. */
const planted: string[] = [];
function secret(site: string): pulumi.Output<string> {
  const value = `planted-secret-${site}-7f3a9c`;
  planted.push(value);
  return pulumi.secret(value);
}

async function program(): Promise<Record<string, unknown>> {
  new k8s.core.v1.ConfigMap("settings", {
    metadata: { name: "settings", namespace: "apps", annotations: { note: secret("configmap-annotation") } },
    data: { plain: "visible", token: secret("configmap-data") },
  });
  new k8s.apiextensions.CustomResource("widget", {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "widget", namespace: "apps" },
    spec: { level1: { level2: { level3: secret("cr-depth-3") } }, list: [{ item: secret("cr-array-object") }, secret("cr-array")] },
  });
  new k8s.helm.v3.Release("chart", {
    chart: "example",
    namespace: "apps",
    values: { auth: { password: secret("helm-nested") }, extraEnv: [{ name: "TOKEN", value: secret("helm-array") }] },
  });
  new cloudflare.Ruleset("rules", {
    zoneId: ZONE,
    kind: "zone",
    name: "rules",
    phase: "http_request_firewall_custom",
    rules: [{ action: "block", expression: secret("cloudflare-array-object"), description: "planted" }],
  });
  return {
    top: secret("output-top"),
    db: { user: "app", password: secret("output-nested") },
    list: [secret("output-array"), "visible-item"],
    deep: { a: [{ b: { c: secret("output-depth-4") } }] },
    keys: [[secret("output-array-of-array")]],
  };
}

describe("secrets at every depth, in every output kind", () => {
  let plan: PlanResult;
  let files: Map<string, string>;
  beforeAll(async () => {
    plan = await runProgram(program, { now: NOW });
    files = renderPlan(plan);
  });

  it("plants a secret at every site (the test cannot pass vacuously)", () => {
    expect(planted.length).toBe(13);
    const cm = plan.find("kubernetes:core/v1:ConfigMap", "settings");
    expect(cm.inputs.data).toEqual({ plain: "visible", token: "planted-secret-configmap-data-7f3a9c" });
    expect(plan.outputs.db).toEqual({ user: "app", password: "planted-secret-output-nested-7f3a9c" });
  });

  it("records nested secret stack outputs by path", () => {
    expect(plan.secretOutputs).toEqual(expect.arrayContaining(["top", "db.password", "list.0", "deep.a.0.b.c", "keys.0.0"]));
    expect(plan.secretOutputs).not.toContain("db.user");
  });

  it("writes no planted secret into any file", () => {
    expect([...files.keys()]).toEqual(expect.arrayContaining(["plan.md", "cloudflare.json"]));
    expect([...files.keys()].filter((f) => f.startsWith("kubernetes/"))).toHaveLength(3);
    for (const [name, content] of files) {
      for (const s of planted) expect(content.includes(s), `${name} contains ${s}`).toBe(false);
    }
  });

  it("redacts nested stack outputs in plan.md and keeps their plain siblings", () => {
    const md = files.get("plan.md") ?? "";
    const outputs = md.slice(md.indexOf("## Stack outputs"));
    expect(outputs).toContain(`password: "${REDACTED}"`);
    expect(outputs).toContain("user: app");
    expect(outputs).toContain("visible-item");
  });

  it("redacts nested and array secrets in Kubernetes objects and keeps the rest", () => {
    const cm = files.get("kubernetes/configmap-apps-settings.yaml") ?? "";
    expect(cm).toContain("plain: visible");
    expect(cm).toContain(`token: "${REDACTED}"`);
    const helm = [...files.entries()].find(([n]) => n.includes("helmrelease"))?.[1] ?? "";
    expect(helm).toContain(`password: "${REDACTED}"`);
    expect(helm).toContain("name: TOKEN");
  });

  it("redacts a secret inside an array of objects in cloudflare.json", () => {
    const cf = JSON.parse(files.get("cloudflare.json") ?? "[]") as Array<{ name: string; inputs: { rules: Array<Record<string, unknown>> } }>;
    const rule = cf.find((r) => r.name === "rules")?.inputs.rules[0];
    expect(rule).toMatchObject({ action: "block", description: "planted", expression: REDACTED });
  });

  it("still refuses to render key material that reached a plan unmarked (the last line of defence)", async () => {
    const leaky = await runProgram(async () => {
      new k8s.core.v1.ConfigMap("leak", { metadata: { name: "leak", namespace: "apps" }, data: { key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----" } });
      return {};
    }, { now: NOW });
    // The PEM block is replaced by "[secret]" first; a bare marker line would still be caught.
    expect(() => renderPlan(leaky)).not.toThrow();
    expect([...renderPlan(leaky).values()].join("\n")).not.toContain("BEGIN RSA PRIVATE KEY");
    const bare = await runProgram(async () => {
      new k8s.core.v1.ConfigMap("leak", { metadata: { name: "leak", namespace: "apps" }, data: { key: "OPENSSH PRIVATE key follows" } });
      return {};
    }, { now: NOW });
    expect(() => renderPlan(bare)).toThrow(/would contain key material; refusing to write it/);
    expect(() => renderPlanMarkdown(plan)).not.toThrow();
  });
});
