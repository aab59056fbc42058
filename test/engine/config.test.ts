/**
 * Foundation acceptance: stack configuration read the way the Pulumi CLI reads it
 * (engine/config.ts), and seen by a real program through `runStack`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretOutput, readStackConfig, runProgram, runStack, securePlaceholder, toRuntimeConfig, type PlanResult } from "../../engine";

const FIXTURE = path.join(__dirname, "fixtures", "project");

describe("toRuntimeConfig", () => {
  it("puts un-namespaced keys in the project namespace", () => {
    expect(toRuntimeConfig({ greeting: "hi" }, "proj").values).toEqual({ "proj:greeting": "hi" });
  });

  it("keeps namespaced keys as they are", () => {
    expect(toRuntimeConfig({ "aws:region": "eu-central-1", "proj:zone": "z" }, "proj").values).toEqual({ "aws:region": "eu-central-1", "proj:zone": "z" });
  });

  it("JSON-encodes structured values and scalars that are not strings", () => {
    const { values } = toRuntimeConfig({ obj: { a: 1, b: ["x"] }, list: [1, 2], n: 3, flag: true }, "proj");
    expect(values).toEqual({ "proj:obj": '{"a":1,"b":["x"]}', "proj:list": "[1,2]", "proj:n": "3", "proj:flag": "true" });
  });

  it("turns a top-level secure value into the placeholder and lists its key as secret", () => {
    const cfg = toRuntimeConfig({ token: { secure: "AAABAxyz" }, plain: "p" }, "proj");
    expect(cfg.values["proj:token"]).toBe(securePlaceholder("proj:token"));
    expect(cfg.secretKeys).toEqual(["proj:token"]);
  });

  it("replaces a secure value nested in an object and lists the whole key as secret", () => {
    const cfg = toRuntimeConfig({ db: { host: "h", password: { secure: "AAABAxyz" } } }, "proj");
    expect(JSON.parse(cfg.values["proj:db"] ?? "")).toEqual({ host: "h", password: securePlaceholder("proj:db.password") });
    expect(cfg.secretKeys).toEqual(["proj:db"]);
  });

  it("never passes the ciphertext through", () => {
    const cfg = toRuntimeConfig({ token: { secure: "AAABAxyz" }, db: { p: { secure: "AAABAabc" } } }, "proj");
    expect(JSON.stringify(cfg.values)).not.toMatch(/AAABA/);
  });
});

describe("readStackConfig", () => {
  it("reads Pulumi.<stack>.yaml: namespaces, JSON and secret keys", () => {
    const cfg = readStackConfig(FIXTURE, "ok", "fixture");
    expect(cfg.file).toBe(path.join(FIXTURE, "Pulumi.ok.yaml"));
    expect(cfg.values["fixture:greeting"]).toBe("hello");
    expect(cfg.values["fixture:replicas"]).toBe("3");
    expect(cfg.values["kubernetes:namespace"]).toBe("apps");
    expect(JSON.parse(cfg.values["fixture:settings"] ?? "")).toEqual({ zone: "example.org", credentials: securePlaceholder("fixture:settings.credentials") });
    expect([...cfg.secretKeys].sort()).toEqual(["fixture:apiToken", "fixture:settings"]);
  });

  it("treats a missing stack file as empty config", () => {
    expect(readStackConfig(FIXTURE, "no-such-stack", "fixture")).toMatchObject({ values: {}, secretKeys: [] });
  });
});

describe("runStack on the fixture project", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runStack(FIXTURE, "ok", { now: new Date("2026-01-01T00:00:00Z") });
  });

  it("gives `new pulumi.Config().require` the stack file's value", () => {
    expect(plan.outputs.greeting).toBe("hello");
    expect(plan.outputs.replicas).toBe(3);
    expect(plan.outputs.zone).toBe("example.org");
    expect(plan.find("kubernetes:core/v1:ConfigMap", "settings").inputs).toMatchObject({ metadata: { name: "settings", namespace: "apps" }, data: { greeting: "hello", replicas: "3" } });
  });

  it("makes `requireSecret` of a secure key a secret Output holding the placeholder", () => {
    expect(plan.secretOutputs).toEqual(["apiToken"]);
    expect(plan.outputs.apiToken).toBe(securePlaceholder("fixture:apiToken"));
  });

  it("reports the stack and project names from the stack file and Pulumi.yaml", () => {
    expect(plan.outputs.stack).toBe("ok");
    expect(plan.outputs.project).toBe("fixture");
    expect(plan.stack).toBe("ok");
    expect(plan.project).toBe("fixture");
  });

  it("returns an Output that isSecretOutput reports secret from requireSecret of a secret key", async () => {
    let secret = false;
    await runProgram(
      async () => {
        const v = new pulumi.Config().requireSecret("token");
        secret = await isSecretOutput(v);
        return {};
      },
      { config: { "edge-mtls:token": "t" }, secretConfig: ["edge-mtls:token"] },
    );
    expect(secret).toBe(true);
  });
});
