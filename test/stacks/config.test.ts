/**
 * Issue 8: stack config is validated at start with one clear error per problem (which key,
 * which file, what is expected), by a schema (zod), before any resource exists.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../components/common/errors";
import { runStack } from "../../engine";
import { validateStackConfig } from "../../stacks/config";

const ROOT = path.resolve(__dirname, "../..");
const base = { environment: "dev", certManager: { acmeEmail: "ops@example.com", acmeServer: "letsencrypt-staging" } };

describe("validateStackConfig", () => {
  const cf = { accountId: "0".repeat(32), zoneId: "1".repeat(32), zone: "example.com" };

  it("refuses a Worker calling the API Shield zone (apiShield.callerWorker), quoting Cloudflare's 520 rule and naming the alternatives", () => {
    const { problems } = validateStackConfig({ ...base, cloudflare: { ...cf, apiShield: { hostnames: ["api.example.com"], callerWorker: { scriptName: "partner-caller", bindingName: "API_MTLS" } } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe("edge-mtls:cloudflare.apiShield.callerWorker");
    expect(problems[0]?.problem).toContain("If your Worker presents a client certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error.");
    expect(problems[0]?.problem).toMatch(/service binding/);
    expect(problems[0]?.problem).toMatch(/cloudflare\.mtlsWorkers/);
  });

  it("requires every mtlsWorkers target to state whether Cloudflare proxies it", () => {
    const { problems } = validateStackConfig({ ...base, cloudflare: { ...cf, mtlsWorkers: [{ scriptName: "partner-caller", bindingName: "P", targets: [{ hostname: "api.partner.example" }] }] } });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:cloudflare.mtlsWorkers.0.targets.0.proxiedByCloudflare"]);
  });

  it("accepts the minimal dev config and fills defaults", () => {
    const { config, problems } = validateStackConfig(base);
    expect(problems).toEqual([]);
    expect(config?.traefik).toEqual({ namespace: "traefik", meshPort: 8443 });
    expect(config?.cloudflare).toBeUndefined();
  });

  it("names a missing required key", () => {
    const { problems } = validateStackConfig({ environment: "dev" });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:certManager"]);
    expect(problems[0]?.problem).toMatch(/missing required key/);
  });

  it("names a key of the wrong type with what is expected", () => {
    const { problems } = validateStackConfig({ ...base, traefik: { meshPort: "8443" } });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:traefik.meshPort"]);
    expect(problems[0]?.problem).toMatch(/expected number/);
  });

  it("reports one problem per bad value, each with its path", () => {
    const { problems } = validateStackConfig({
      ...base,
      environment: "qa",
      services: [{ name: "Orders", namespace: "shop", service: "orders", port: 70000, hostnames: ["bad_host"], clients: [{ name: "nginx" }] }],
    });
    expect(problems.map((p) => p.key).sort()).toEqual(["edge-mtls:environment", "edge-mtls:services.0.hostnames.0", "edge-mtls:services.0.name", "edge-mtls:services.0.port"]);
  });

  it("refuses a service caller that is not a declared identity, naming the known ones", () => {
    const svc = { name: "orders", namespace: "shop", service: "orders", port: 8080, hostnames: ["orders.mesh.internal"] };
    const { problems } = validateStackConfig({ ...base, identities: [{ name: "nginx-gateway" }], services: [{ ...svc, callers: ["nginx-gateway", "billing"] }] });
    expect(problems).toEqual([{ key: "edge-mtls:services.0.callers.1", problem: '"billing" is not a declared identity; declare it under `identities` (known: nginx-gateway)' }]);
  });

  it("refuses a service without any caller (neither `callers` nor `clients`)", () => {
    const svc = { name: "orders", namespace: "shop", service: "orders", port: 8080, hostnames: ["orders.mesh.internal"] };
    const { problems } = validateStackConfig({ ...base, services: [svc] });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:services.0.callers"]);
    expect(problems[0]?.problem).toMatch(/must list at least one caller/);
  });

  it("refuses an identity declared twice", () => {
    const { problems } = validateStackConfig({ ...base, identities: [{ name: "gw" }, { name: "gw" }] });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:identities.1.name"]);
  });

  it("no longer accepts the unused `clients[].identity` key", () => {
    const svc = { name: "orders", namespace: "shop", service: "orders", port: 8080, hostnames: ["orders.mesh.internal"], clients: [{ name: "gw", identity: "gw" }] };
    const { problems } = validateStackConfig({ ...base, services: [svc] });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:services.0.clients.0.identity"]);
    expect(problems[0]?.problem).toMatch(/^unknown key "identity"/);
  });

  it("rejects a misspelled key instead of ignoring it", () => {
    const { problems } = validateStackConfig({ ...base, certManger: {} });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:certManger"]);
    expect(problems[0]?.problem).toMatch(/^unknown key "certManger" — did you mean "certManager"\?/);
  });

  it("accepts the intermediate's validities and the end-of-life warning horizon", () => {
    const { config, problems } = validateStackConfig({ ...base, internalCa: { intermediate: { validity: "2y", edgeClientsValidity: "10y" }, endOfLifeWarning: "1y" } });
    expect(problems).toEqual([]);
    expect(config?.internalCa).toMatchObject({ intermediate: { validity: "2y", edgeClientsValidity: "10y" }, endOfLifeWarning: "1y" });
  });

  it("rejects an intermediate too short to outlive the leaves it signs, naming the minimum", () => {
    const { problems } = validateStackConfig({ ...base, internalCa: { intermediate: { validity: "120d" } } });
    expect(problems).toEqual([
      { key: "edge-mtls:internalCa.intermediate.validity", problem: '"120d" is too short for 90d leaves renewed 30d before expiry: an intermediate must outlive the last leaves it signed; use at least 210d' },
    ]);
  });

  it("rejects an intermediate that would outlive the root", () => {
    const { problems } = validateStackConfig({ ...base, internalCa: { caValidity: "1y", intermediate: { validity: "2y" } } });
    expect(problems).toEqual([{ key: "edge-mtls:internalCa.intermediate.validity", problem: "must not exceed caValidity (1y); an intermediate cannot outlive its root" }]);
  });

  it("rejects an intermediate validity that is not a duration, and an unknown intermediate key", () => {
    const { problems } = validateStackConfig({ ...base, internalCa: { intermediate: { validity: "soon", rotate: true } } });
    expect(problems.map((p) => p.key).sort()).toEqual(["edge-mtls:internalCa.intermediate.rotate", "edge-mtls:internalCa.intermediate.validity"].sort());
  });

  it("rejects an invalid ACME e-mail", () => {
    const { problems } = validateStackConfig({ ...base, certManager: { ...base.certManager, acmeEmail: "not-an-email" } });
    expect(problems[0]?.key).toBe("edge-mtls:certManager.acmeEmail");
  });

  it("rejects a Cloudflare account id that is not 32 hex characters", () => {
    const { problems } = validateStackConfig({ ...base, cloudflare: { accountId: "123", zoneId: "0123456789abcdef0123456789abcdef", zone: "example.com" } });
    expect(problems.map((p) => p.key)).toEqual(["edge-mtls:cloudflare.accountId"]);
    expect(problems[0]?.problem).toMatch(/32-hex/);
  });
});

describe("the stack program with bad config", () => {
  it("fails before creating any resource, naming the stack file and every bad key", async () => {
    const err = await runStack(ROOT, "dev", { configOverrides: { "edge-mtls:traefik": JSON.stringify({ meshPort: 0 }), "edge-mtls:environment": "qa" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackConfigError);
    const lines = (err as Error).message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Pulumi\.dev\.yaml: edge-mtls:environment: /);
    expect(lines[1]).toMatch(/^Pulumi\.dev\.yaml: edge-mtls:traefik\.meshPort: /);
  });

  it("requires the Cloudflare token as a secret when a cloudflare section is configured", async () => {
    const cloudflare = JSON.stringify({ accountId: "0123456789abcdef0123456789abcdef", zoneId: "0123456789abcdef0123456789abcdef", zone: "example.com" });
    const err = await runStack(ROOT, "dev", { configOverrides: { "edge-mtls:cloudflare": cloudflare } }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Pulumi\.dev\.yaml: cloudflare:apiToken: missing secret; .*pulumi config set --secret cloudflare:apiToken/);
  });
});

describe("a misspelled key in a real stack file (issue 14)", () => {
  it("fails the dev stack run naming the file, the key and the right spelling, instead of silently using the default CA", async () => {
    await expect(runStack(ROOT, "dev", { configOverrides: { "edge-mtls:internalCA": { keyAlgorithm: "RSA-4096", intermediate: true } } })).rejects.toThrow(
      'Pulumi.dev.yaml: edge-mtls:internalCA: unknown key "internalCA" — did you mean "internalCa"? (an unknown key is never read, so its setting would be silently lost)',
    );
  });
});
