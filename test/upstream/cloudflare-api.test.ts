/**
 * Issue 11, Cloudflare request bodies against Cloudflare's own schema: every Cloudflare
 * resource that any stack or example plans is converted to the API request the provider sends
 * (test/support/cloudflare-request.ts, transcribed from the provider's model.go) and validated
 * against the verbatim OpenAPI subset in shared/cloudflare-api (test/support/cloudflare-openapi.ts).
 * Where the August-2024 schema is older than the provider, a documented correction applies;
 * each one is shown to be needed, and docs/cloudflare-api.md lists them with their sources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanResult, RecordedResource } from "../../engine";
import { CORRECTIONS, requestProblems } from "../support/cloudflare-openapi";
import { REQUEST_MAPPINGS, requestFor, type CloudflareRequest } from "../support/cloudflare-request";
import { ROOT } from "../support/examples";
import { allProjectStacks, planAll } from "../support/projects";

const PROGRAMS = allProjectStacks();
let plans: Map<string, PlanResult>;

beforeAll(async () => {
  plans = await planAll(PROGRAMS);
}, 300_000);

const cloudflareOf = (plan: PlanResult): RecordedResource[] => plan.all().filter((r) => r.custom && r.type.startsWith("cloudflare:"));
const allRequests = (): { label: string; resource: RecordedResource; request: CloudflareRequest }[] =>
  [...plans.entries()].flatMap(([label, plan]) => cloudflareOf(plan).map((resource) => ({ label, resource, request: requestFor(resource.type, resource.inputs) })));

describe("coverage", () => {
  it("the plans create Cloudflare resources of every mapped type (the checks below are not vacuous)", () => {
    const planned = new Set([...plans.values()].flatMap((p) => cloudflareOf(p).map((r) => r.type)));
    expect([...planned].sort()).toEqual(Object.keys(REQUEST_MAPPINGS).sort());
  });
});

describe.each(PROGRAMS.map((p) => p.label))("%s", (label) => {
  it("every Cloudflare resource's create request passes Cloudflare's OpenAPI schema (documented corrections only)", () => {
    for (const r of cloudflareOf(plans.get(label) as PlanResult)) {
      const req = requestFor(r.type, r.inputs);
      expect(requestProblems(req), `${label}: ${r.name} (${req.method} ${req.path})`).toEqual([]);
    }
  });
});

describe("every documented correction is needed", () => {
  it.each(CORRECTIONS.filter((c) => c.kind === "loosen").map((c) => [c.id]))("without %s, some planned request fails", (id) => {
    const without = CORRECTIONS.filter((c) => c.id !== id);
    const failing = allRequests().filter(({ request }) => requestProblems(request, without).length > 0);
    expect(failing.length, `correction ${id} is not needed by any planned request: remove it`).toBeGreaterThan(0);
  });

  it("without workers-mtls-binding (a tightening), an mTLS binding without certificate_id would pass unchecked", () => {
    const req = allRequests().find((x) => x.resource.type === "cloudflare:index/workersScript:WorkersScript" && JSON.stringify(x.request.body).includes('"mtls_certificate"'))?.request;
    if (!req) throw new Error("no planned Worker with an mTLS binding");
    const broken = structuredClone<CloudflareRequest>(req);
    for (const b of broken.body.bindings as Record<string, unknown>[]) if (b.type === "mtls_certificate") delete b.certificate_id;
    expect(requestProblems(broken, CORRECTIONS.filter((c) => c.id !== "workers-mtls-binding"))).toEqual([]);
    expect(requestProblems(broken).length).toBeGreaterThan(0);
  });
});

describe("the check can fail", () => {
  const first = (type: string): CloudflareRequest => {
    const found = allRequests().find((x) => x.resource.type === type);
    if (!found) throw new Error(`no planned ${type}`);
    return structuredClone<CloudflareRequest>(found.request);
  };

  it("a key spelled as the Pulumi input instead of the API field (noTlsVerify for noTLSVerify) is not declared", () => {
    const req = first("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig");
    const ingress = (req.body.config as { ingress: Record<string, Record<string, unknown>>[] }).ingress[0] as Record<string, Record<string, unknown>>;
    const origin = ingress.originRequest as Record<string, unknown>;
    origin.noTlsVerify = origin.noTLSVerify;
    delete origin.noTLSVerify;
    expect(requestProblems(req)).toEqual(["body/config/ingress[0]/originRequest/noTlsVerify is not declared by the schema"]);
  });

  it("an mTLS certificate id that is not a UUID (the engine's old 32-hex placeholder) is refused", () => {
    const req = first("cloudflare:index/certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations");
    req.body.mtls_certificate_id = "5fbb9597ba074ea9e771d2a69df4b05d";
    expect(requestProblems(req)).toEqual(["body/mtls_certificate_id must NOT have fewer than 36 characters"]);
  });

  it("a ruleset rule with an unknown action, and a zone id that is not 32 hex, are refused", () => {
    const req = first("cloudflare:index/ruleset:Ruleset");
    (req.pathParams as Record<string, string>).zone_id = "not-a-zone";
    ((req.body.rules as Record<string, unknown>[])[0] as Record<string, unknown>).action = "blockk";
    const problems = requestProblems(req).join("\n");
    expect(problems).toMatch(/path parameter zone_id must match pattern/);
    expect(problems).toMatch(/body\/rules\/0/);
  });

  it("an unknown zone setting is refused", () => {
    const req = first("cloudflare:index/zoneSetting:ZoneSetting");
    (req.pathParams as Record<string, string>).setting_id = "no_such_setting";
    expect(() => requestProblems(req)).toThrow(/no zone setting "no_such_setting"/);
  });

  it("a wrong zone setting value is refused (ssl accepts off, flexible, full, strict)", () => {
    const req = first("cloudflare:index/zoneSetting:ZoneSetting");
    req.body.value = "strictest";
    expect(requestProblems(req).join("\n")).toMatch(/body\/value must be equal to one of the allowed values/);
  });

  it("an mTLS Worker binding without certificate_id is refused", () => {
    const req = allRequests().find((x) => x.resource.type === "cloudflare:index/workersScript:WorkersScript" && JSON.stringify(x.request.body).includes("mtls_certificate"))?.request;
    if (!req) throw new Error("no planned Worker with an mTLS binding");
    const copy = structuredClone<CloudflareRequest>(req);
    for (const b of copy.body.bindings as Record<string, unknown>[]) if (b.type === "mtls_certificate") delete b.certificate_id;
    expect(requestProblems(copy).join("\n")).toMatch(/certificate_id/);
  });
});

describe("the input → request mapping (the provider's model.go)", () => {
  it("sends tunnel origin settings under the API's own names (originRequest, noTLSVerify, ingress)", () => {
    const req = requestFor("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", {
      accountId: "0123456789abcdef0123456789abcdef",
      tunnelId: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415",
      config: { ingresses: [{ hostname: "a.example.com", service: "https://traefik:443", originRequest: { noTlsVerify: false, matchSnItoHost: true, caPool: "/ca.crt" } }, { service: "http_status:404" }] },
    });
    expect(req).toMatchObject({ method: "PUT", path: "/accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations", pathParams: { account_id: "0123456789abcdef0123456789abcdef", tunnel_id: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415" } });
    expect(req.body).toEqual({
      config: { ingress: [{ hostname: "a.example.com", service: "https://traefik:443", originRequest: { noTLSVerify: false, matchSNItoHost: true, caPool: "/ca.crt" } }, { service: "http_status:404" }] },
    });
  });

  it("picks the account ruleset operation for an account-level ruleset", () => {
    const req = requestFor("cloudflare:index/ruleset:Ruleset", { accountId: "0123456789abcdef0123456789abcdef", kind: "root", name: "r", phase: "http_request_firewall_custom", rules: [] });
    expect(req).toMatchObject({ operationId: "createAccountRuleset", path: "/accounts/{account_id}/rulesets" });
  });

  it("sends a Worker's configuration as the metadata part, not the module source", () => {
    const req = requestFor("cloudflare:index/workersScript:WorkersScript", { accountId: "a", scriptName: "api", content: "export default {}", mainModule: "index.js", compatibilityDate: "2025-01-01" });
    expect(req.body).toEqual({ main_module: "index.js", compatibility_date: "2025-01-01" });
    expect(req.parts).toEqual(["index.js", "metadata"]);
  });

  it("refuses an input it has no mapping for, instead of guessing its JSON name", () => {
    expect(() => requestFor("cloudflare:index/dnsRecord:DnsRecord", { zoneId: "z", name: "a", type: "A", content: "1.2.3.4", ttl: 1, someNewField: 1 })).toThrow(/DnsRecord\.someNewField: no request mapping/);
    expect(() => requestFor("cloudflare:index/zone:Zone", {})).toThrow(/no request mapping for cloudflare:index\/zone:Zone/);
  });
});

describe("docs/cloudflare-api.md", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs/cloudflare-api.md"), "utf8");
  it.each(CORRECTIONS.map((c) => [c.id, c]))("documents correction %s with its sources", (id, c) => {
    expect(doc).toContain(`\`${id}\``);
    for (const cite of c.citations.filter((x) => x.startsWith("https://"))) expect(doc).toContain(cite);
  });
});
