/**
 * What a Worker can and cannot do with mTLS on Cloudflare: a Worker's client certificate is
 * refused for a server Cloudflare proxies (Cloudflare answers 520), whatever the order the
 * components are constructed in; WorkerRoute always has its proxied record; Full (strict) is
 * zone-wide unless scoped to hostnames.
 */
import { describe, expect, it } from "vitest";
import { renderPlan, runProgram } from "../../engine";
import {
  ApiShieldMtls,
  WorkerClientCertificate,
  WorkerRoute,
  WORKERS_MTLS_PROXIED_ZONE_RULE,
  cloudflareManagedCa,
  declareProxiedZone,
} from "../../components/api-shield";
import { TunnelOrigin } from "../../components/tunnel/tunnel-origin";
import type { TunnelOriginArgs } from "../../components/tunnel/types";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import { makeTestPki } from "./fixtures";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE = "fedcba9876543210fedcba9876543210";
const RULE = "Currently, mTLS for Workers cannot be used for requests made to a service that is a proxied zone on Cloudflare. If your Worker presents a client certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error.";

async function material(): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const pki = await makeTestPki();
  return { certificatePem: pki.leafPem, privateKeyPem: pki.leafKeyPem };
}

const shield = (hostname = "api.kush.observer"): ApiShieldMtls =>
  new ApiShieldMtls("kush", { zoneId: ZONE, zoneName: "kush.observer", trustAnchor: cloudflareManagedCa({ issuerSki: "AB" }), protections: [{ name: "api", hostnames: [hostname] }] });

const tunnelArgs: TunnelOriginArgs = {
  accountId: ACCOUNT,
  zone: { id: ZONE, name: "example.com" },
  origin: { service: { namespace: "traefik", name: "traefik" }, port: 443, entrypoint: { name: "websecure", port: 8443, mtls: false } },
  routes: ["app.example.com"],
};

/** Runs `program` and returns the message of the EdgeMtlsArgumentError it throws. */
async function refusal(program: () => void): Promise<string> {
  const plan = await runProgram(() => {
    try {
      program();
      return { error: "none" };
    } catch (e) {
      return { error: e instanceof EdgeMtlsArgumentError ? e.message : `not an EdgeMtlsArgumentError: ${String(e)}` };
    }
  });
  return String(plan.outputs.error);
}

describe("WorkerClientCertificate targets (Cloudflare: Workers mTLS cannot reach a proxied zone)", () => {
  it("the rule is quoted verbatim from Cloudflare's Workers mTLS page", () => {
    expect(WORKERS_MTLS_PROXIED_ZONE_RULE).toBe(RULE);
  });

  it("refuses a target in a zone an ApiShieldMtls of the same program protects, quoting the rule and naming the alternatives", async () => {
    const cert = await material();
    const message = await refusal(() => {
      shield();
      new WorkerClientCertificate("sesh", { accountId: ACCOUNT, bindingName: "KUSH_API", certificate: cert, targets: [{ hostname: "api.kush.observer", proxiedByCloudflare: false }] });
    });
    expect(message).toMatch(/^WorkerClientCertificate "sesh": targets\[0\]\.hostname \("api\.kush\.observer"\) is in zone "kush\.observer", which ApiShieldMtls "kush" puts behind Cloudflare's proxy/);
    expect(message).toContain(RULE);
    expect(message).toContain("https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/");
    expect(message).toMatch(/service binding/);
    expect(message).toMatch(/origin Cloudflare does not proxy/);
    expect(message).toMatch(/devices, servers, nginx or curl/);
  });

  it("refuses it too when the ApiShieldMtls is constructed after the Worker certificate", async () => {
    const cert = await material();
    const message = await refusal(() => {
      new WorkerClientCertificate("sesh", { accountId: ACCOUNT, bindingName: "KUSH_API", certificate: cert, targets: [{ hostname: "kush.observer", proxiedByCloudflare: false }] });
      shield();
    });
    expect(message).toMatch(/^WorkerClientCertificate "sesh": targets\[0\]\.hostname \("kush\.observer"\) is in zone "kush\.observer"/);
    expect(message).toContain(RULE);
  });

  it("refuses a target in a zone a TunnelOrigin of the same program publishes", async () => {
    const cert = await material();
    const message = await refusal(() => {
      new TunnelOrigin("edge", tunnelArgs);
      new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "orders.example.com", proxiedByCloudflare: false }] });
    });
    expect(message).toMatch(/targets\[0\]\.hostname \("orders\.example\.com"\) is in zone "example\.com", which TunnelOrigin "edge" puts behind/);
  });

  it("refuses a target in a zone a WorkerRoute or a declared proxied DNS record puts behind Cloudflare", async () => {
    const cert = await material();
    const viaRoute = await refusal(() => {
      new WorkerRoute("api", { zoneId: ZONE, zoneName: "example.com", pattern: "api.example.com/*", script: "api" });
      new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "api.example.com", proxiedByCloudflare: false }] });
    });
    expect(viaRoute).toMatch(/which WorkerRoute "api" puts behind/);
    const viaRecord = await refusal(() => {
      new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "www.example.net", proxiedByCloudflare: false }] });
      declareProxiedZone("example.net", "DnsRecord www (proxied)", ["www.example.net"]);
    });
    expect(viaRecord).toMatch(/which DnsRecord www \(proxied\) puts behind/);
  });

  it("refuses a third-party target stated as proxied by Cloudflare", async () => {
    const cert = await material();
    const message = await refusal(() => {
      new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "api.partner.example", proxiedByCloudflare: true }] });
    });
    expect(message).toMatch(/targets\[0\]\.hostname \("api\.partner\.example"\) is proxied by Cloudflare \(proxiedByCloudflare: true\)/);
    expect(message).toContain(RULE);
  });

  it("requires the targets, and whether each is proxied, to be stated", async () => {
    const cert = await material();
    expect(await refusal(() => new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [] }))).toMatch(/targets is missing or empty/);
    const unstated = await refusal(
      () =>
        new WorkerClientCertificate("caller", {
          accountId: ACCOUNT,
          bindingName: "API",
          certificate: cert,
          targets: [{ hostname: "api.partner.example" } as unknown as { hostname: string; proxiedByCloudflare: boolean }],
        }),
    );
    expect(unstated).toMatch(/targets\[0\]\.proxiedByCloudflare \(undefined\) must be stated/);
  });

  it("accepts a target Cloudflare does not proxy, in a zone this program does not proxy, and draws it", async () => {
    const cert = await material();
    const plan = await runProgram(() => {
      shield();
      const c = new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "mtls.partner.example", proxiedByCloudflare: false }] });
      return { targets: c.targets };
    });
    expect(plan.errors).toEqual([]);
    expect(plan.outputs.targets).toEqual(["mtls.partner.example"]);
  });

  it("does not let one program's proxied zones leak into another program", async () => {
    const cert = await material();
    await runProgram(() => void shield());
    const plan = await runProgram(() => {
      new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API", certificate: cert, targets: [{ hostname: "api.kush.observer", proxiedByCloudflare: false }] });
    });
    expect(plan.errors).toEqual([]);
  });
});

describe("WorkerRoute (a route runs only on a hostname with a proxied record)", () => {
  const DNS = "cloudflare:index/dnsRecord:DnsRecord";
  const ROUTE = "cloudflare:index/workersRoute:WorkersRoute";

  it("creates a proxied AAAA 100:: record for the route's host, before the route", async () => {
    const plan = await runProgram(() => void new WorkerRoute("kush-api", { zoneId: ZONE, zoneName: "kush.observer", pattern: "kush.observer/api*", script: "kush-api" }));
    const dns = plan.find(DNS, "kush-api-dns");
    expect(dns.inputs).toMatchObject({ zoneId: ZONE, name: "kush.observer", type: "AAAA", content: "100::", proxied: true });
    const route = plan.find(ROUTE, "kush-api-route");
    expect(route.inputs).toMatchObject({ zoneId: ZONE, pattern: "kush.observer/api*", script: "kush-api" });
    expect(route.dependencies).toContain(dns.urn);
  });

  it("with dnsRecord: existing, is refused unless this program proxies the host", async () => {
    const message = await refusal(() => new WorkerRoute("r", { zoneId: ZONE, zoneName: "example.com", pattern: "app.example.com/*", script: "s", dnsRecord: "existing" }));
    expect(message).toMatch(/^WorkerRoute "r": dnsRecord \("existing"\): no proxied DNS record for "app\.example\.com" is known in this program/);
    const plan = await runProgram(() => {
      new TunnelOrigin("edge", tunnelArgs);
      new WorkerRoute("r", { zoneId: ZONE, zoneName: "example.com", pattern: "app.example.com/*", script: "s", dnsRecord: "existing" });
    });
    expect(plan.errors).toEqual([]);
    expect(plan.all(DNS).map((r) => r.name)).toEqual(["edge-cname-app.example.com"]);
  });

  it.each([
    ["https://api.example.com/*", /must not have a scheme/],
    ["api.example.com", /has no path/],
    ["api.other.com/*", /is not in zone "example\.com"/],
  ])("refuses the pattern %j", async (pattern, message) => {
    expect(await refusal(() => new WorkerRoute("r", { zoneId: ZONE, zoneName: "example.com", pattern, script: "s" }))).toMatch(message);
  });

  it("refuses to create a record for a wildcard host", async () => {
    expect(await refusal(() => new WorkerRoute("r", { zoneId: ZONE, zoneName: "example.com", pattern: "*.example.com/*", script: "s" }))).toMatch(/cannot create a record for the wildcard host/);
  });
});

describe("TunnelOrigin SSL mode Full (strict)", () => {
  it("zone-wide: warns, naming every other hostname of the zone this program proxies and the per-hostname option", async () => {
    const plan = await runProgram(() => {
      new TunnelOrigin("edge", { ...tunnelArgs, setSslModeStrict: true });
      new WorkerRoute("api", { zoneId: ZONE, zoneName: "example.com", pattern: "api.example.com/*", script: "api" });
    });
    const warning = plan.warnings.find((w) => w.includes("setSslModeStrict"));
    expect(warning).toMatch(/sets the SSL\/TLS mode of the whole zone example\.com to Full \(strict\), not only app\.example\.com/);
    expect(warning).toContain('api.example.com (WorkerRoute "api")');
    expect(warning).toContain('sslModeStrictScope: "hostnames"');
    expect(plan.find("cloudflare:index/zoneSetting:ZoneSetting", "edge-ssl-mode").inputs).toMatchObject({ settingId: "ssl", value: "strict" });
    // npm run plan puts it in plan.md under Warnings.
    const planMd = renderPlan(plan).get("plan.md") ?? "";
    expect(planMd).toMatch(/## Warnings[\s\S]*setSslModeStrict sets the SSL\/TLS mode of the whole zone example\.com/);
  });

  it("zone-wide: warns in a preview too, where the tunnel's id is not known yet", async () => {
    const plan = await runProgram(() => void new TunnelOrigin("edge", { ...tunnelArgs, setSslModeStrict: true }), { preview: true });
    expect(plan.warnings.filter((w) => w.includes("whole zone example.com"))).toHaveLength(1);
  });

  it('per hostname: a Configuration Rule sets Full (strict) for the tunnel\'s hostnames only, and the zone setting is left alone', async () => {
    const plan = await runProgram(() => void new TunnelOrigin("edge", { ...tunnelArgs, routes: ["b.example.com", "a.example.com"], setSslModeStrict: true, sslModeStrictScope: "hostnames" }));
    expect(plan.all("cloudflare:index/zoneSetting:ZoneSetting")).toEqual([]);
    const ruleset = plan.find("cloudflare:index/ruleset:Ruleset", "edge-ssl-strict");
    expect(ruleset.inputs).toMatchObject({ zoneId: ZONE, kind: "zone", phase: "http_config_settings" });
    expect(ruleset.inputs.rules).toEqual([
      expect.objectContaining({ action: "set_config", actionParameters: { ssl: "strict" }, expression: '(http.host in {"a.example.com" "b.example.com"})', enabled: true }),
    ]);
    expect(plan.warnings.filter((w) => w.includes("setSslModeStrict"))).toEqual([]);
  });

  it("per hostname: refuses a second owner of the zone's http_config_settings entry point", async () => {
    const message = await refusal(() => {
      new TunnelOrigin("a", { ...tunnelArgs, setSslModeStrict: true, sslModeStrictScope: "hostnames" });
      new TunnelOrigin("b", { ...tunnelArgs, routes: ["b.example.com"], setSslModeStrict: true, sslModeStrictScope: "hostnames" });
    });
    expect(message).toMatch(/^TunnelOrigin "b": sslModeStrictScope \("hostnames"\) needs the zone's http_config_settings entry point ruleset, which TunnelOrigin "a" already manages/);
  });
});
