/**
 * Foundation acceptance: the plan renderer (engine/render.ts) is reproducible and never
 * leaks a secret — on a program with an InternalCA, a Kubernetes TLS Secret, a random
 * password and a cloudflare tunnel with a secret input.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA, tlsSecret } from "../../components";
import { PlanResult, REDACTED, renderPlan, runProgram, type RecordedResource } from "../../engine";

const NOW = new Date("2026-01-01T00:00:00Z");
const TUNNEL_SECRET = Buffer.from("offline-tunnel-secret-0123456789abcdef").toString("base64");

async function program(): Promise<Record<string, unknown>> {
  const ca = new InternalCA("mesh", {});
  const api = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
  tlsSecret("api-tls", api, { namespace: "apps" });
  const password = new random.RandomPassword("db-password", { length: 32 });
  new cloudflare.ZeroTrustTunnelCloudflared("edge", { accountId: "0123456789abcdef0123456789abcdef", name: "edge", configSrc: "local", tunnelSecret: pulumi.secret(TUNNEL_SECRET) });
  return { trustBundle: ca.trustBundle, password: password.result };
}

/** Every secret value the run produced: key PEMs (whole and their base64 bodies), the password, the tunnel secret. */
function secretValues(plan: PlanResult): string[] {
  const out: string[] = [TUNNEL_SECRET];
  for (const k of plan.all("tls:index/privateKey:PrivateKey")) {
    for (const field of ["privateKeyPem", "privateKeyPemPkcs8"]) {
      const pem = String(k.outputs[field]);
      out.push(pem);
      // Each base64 line of the body, so that no fragment of a key slips through either.
      out.push(...pem.split("\n").filter((l) => l.length >= 40 && !l.startsWith("-----")));
    }
  }
  out.push(String(plan.find("random:index/randomPassword:RandomPassword", "db-password").outputs.result));
  return out;
}

describe("renderPlan on a realistic program", () => {
  let plan: PlanResult;
  let files: Map<string, string>;
  let again: Map<string, string>;
  beforeAll(async () => {
    plan = await runProgram(program, { now: NOW });
    files = renderPlan(plan);
    again = renderPlan(await runProgram(program, { now: NOW }));
  });

  it("writes plan.md, one YAML per Kubernetes object and cloudflare.json", () => {
    expect([...files.keys()]).toEqual(["cloudflare.json", "kubernetes/secret-apps-api-tls.yaml", "plan.md"]);
  });

  it("produces byte-identical files from two runs, although every run mints new keys", () => {
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [name, content] of files) expect(again.get(name), name).toBe(content);
  });

  it("writes no private key text and no secret value into any file", () => {
    const secrets = secretValues(plan);
    expect(secrets.length).toBeGreaterThan(10);
    for (const [name, content] of files) {
      expect(content, name).not.toMatch(/PRIVATE KEY/);
      for (const s of secrets) expect(content.includes(s), `${name} contains a secret`).toBe(false);
    }
  });

  it("shows a Secret's key names with the values redacted", () => {
    const yaml = files.get("kubernetes/secret-apps-api-tls.yaml") ?? "";
    expect(yaml).toContain(`stringData:\n  ca.crt: "${REDACTED}"\n  tls.crt: "${REDACTED}"\n  tls.key: "${REDACTED}"\n`);
    expect(yaml).toContain("type: kubernetes.io/tls\n");
  });

  it("redacts the cloudflare tunnel secret input but keeps the rest", () => {
    const cf = JSON.parse(files.get("cloudflare.json") ?? "[]") as Array<{ name: string; inputs: Record<string, unknown> }>;
    const tunnel = cf.find((r) => r.name === "edge");
    expect(tunnel?.inputs).toEqual({ accountId: "0123456789abcdef0123456789abcdef", configSrc: "local", name: "edge", tunnelSecret: REDACTED });
  });

  it("redacts a secret stack output", () => {
    expect(files.get("plan.md")).toContain(`password: "${REDACTED}"`);
  });

  it("lists the leaf in the certificate table with subject, SANs, usages, validity 90d and its renewal window", () => {
    const md = files.get("plan.md") ?? "";
    const row = md.split("\n").find((l) => l.startsWith("| mesh-api-cert |"));
    expect(row).toBeDefined();
    const cells = (row ?? "").split(" | ").map((c) => c.replace(/^\| |\s*\|$/g, ""));
    expect(cells).toEqual([
      "mesh-api-cert",
      "CN=api.mesh.internal, O=edge-mtls",
      "DNS:api.mesh.internal",
      "digital_signature, server_auth",
      "O=edge-mtls, CN=mesh Root CA",
      "ECDSA P256",
      "90d",
      "rotates 60d after issue, 30d before expiry",
    ]);
  });

  it("draws the trust graph as a Mermaid block", () => {
    const md = files.get("plan.md") ?? "";
    expect(md).toMatch(/```mermaid\nflowchart LR\n[\s\S]*mesh_root_cert -\. signs \.-> mesh_api_cert\n[\s\S]*```/);
  });
});

function hand(resource: Partial<RecordedResource> & Pick<RecordedResource, "type" | "name" | "inputs">): RecordedResource {
  const r: RecordedResource = {
    urn: `urn:pulumi:test::edge-mtls::${resource.type}::${resource.name}`,
    custom: true,
    outputs: {},
    secretPaths: [],
    unknownPaths: [],
    protect: false,
    dependencies: [],
    ignoreChanges: [],
    deleteBeforeReplace: false,
    additionalSecretOutputs: [],
    op: "create",
    changed: [],
    isSecret: () => false,
    ...resource,
  };
  return r;
}

function planOf(...resources: RecordedResource[]): PlanResult {
  return new PlanResult("edge-mtls", "test", false, NOW, resources, {}, [], [], []);
}

describe("renderPlan's fences against key material", () => {
  // A real-looking PKCS#8 block (structure only; not a usable key).
  const KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHN0YW5kLWluLWtleS1tYXRlcmlhbC1mb3ItdGVzdHM=\n-----END PRIVATE KEY-----\n";

  it("redacts a whole key PEM found in an input not marked secret", () => {
    const files = renderPlan(planOf(hand({ type: "kubernetes:core/v1:ConfigMap", name: "leaky", inputs: { kind: "ConfigMap", metadata: { name: "leaky", namespace: "apps" }, data: { "key.pem": KEY } } })));
    const yaml = files.get("kubernetes/configmap-apps-leaky.yaml") ?? "";
    expect(yaml).toContain(`key.pem: "${REDACTED}"`);
    expect(yaml).not.toContain("MC4CAQAwBQYDK2Vw");
  });

  it("refuses to render when key material survives redaction (a key PEM cut before its END line)", () => {
    const truncated = KEY.split("-----END")[0] ?? "";
    const plan = planOf(hand({ type: "cloudflare:index/mtlsCertificate:MtlsCertificate", name: "leaky", inputs: { certificates: truncated } }));
    expect(() => renderPlan(plan)).toThrow("plan renderer: cloudflare.json would contain key material; refusing to write it");
  });

  it("redacts paths recorded secret whatever their content", () => {
    const files = renderPlan(planOf(hand({ type: "cloudflare:index/ruleset:Ruleset", name: "r", inputs: { token: "plain-looking-token" }, secretPaths: ["token"], isSecret: (p) => p === "token" })));
    expect(files.get("cloudflare.json")).toContain(`"token": "${REDACTED}"`);
    expect(files.get("cloudflare.json")).not.toContain("plain-looking-token");
  });
});
