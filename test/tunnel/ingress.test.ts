import { describe, expect, it } from "vitest";
import {
  CATCH_ALL_SERVICE,
  DEFAULT_ORIGIN_TIMEOUTS,
  buildIngressRules,
  mergeRoutes,
  orderRoutes,
} from "../../components/tunnel/ingress";
import type { NormalizedRoute } from "../../components/tunnel/validate";

const traefik = "https://traefik.traefik.svc.cluster.local:443";
const route = (hostname: string, path?: string): NormalizedRoute => ({
  hostname,
  ...(path ? { path } : {}),
  service: traefik,
  scheme: "https",
  originServerName: hostname,
  noTlsVerify: false,
});

describe("buildIngressRules", () => {
  it("ends with exactly one catch-all rule, http_status:404, and no other rule lacks a hostname", () => {
    const rules = buildIngressRules([route("a.example.com"), route("b.example.com")]);
    expect(rules.at(-1)).toEqual({ service: CATCH_ALL_SERVICE });
    expect(rules.filter((r) => r.hostname === undefined)).toHaveLength(1);
    expect(rules.filter((r) => r.service === CATCH_ALL_SERVICE)).toHaveLength(1);
  });

  it("gives every https rule its originServerName, http2Origin and verification on", () => {
    const [rule] = buildIngressRules([route("whoami.example.com")]);
    expect(rule?.originRequest).toMatchObject({ originServerName: "whoami.example.com", http2Origin: true, noTlsVerify: false });
  });

  it("points caPool at the mounted CA bundle when one is given, and omits it otherwise", () => {
    expect(buildIngressRules([route("a.example.com")], { caPool: "/ca/ca.crt" })[0]?.originRequest?.caPool).toBe("/ca/ca.crt");
    expect(buildIngressRules([route("a.example.com")])[0]?.originRequest).not.toHaveProperty("caPool");
  });

  it("applies the default timeouts unless overridden", () => {
    expect(buildIngressRules([route("a.example.com")])[0]?.originRequest).toMatchObject(DEFAULT_ORIGIN_TIMEOUTS);
    expect(buildIngressRules([route("a.example.com")], { timeouts: { connectTimeout: 3 } })[0]?.originRequest?.connectTimeout).toBe(3);
  });

  it("sends no TLS options to a plain http origin", () => {
    const http: NormalizedRoute = { hostname: "a.example.com", service: "http://app:80", scheme: "http", noTlsVerify: false };
    const o = buildIngressRules([http], { caPool: "/ca" })[0]?.originRequest;
    expect(o).not.toHaveProperty("originServerName");
    expect(o).not.toHaveProperty("caPool");
    expect(o).not.toHaveProperty("http2Origin");
  });
});

describe("orderRoutes", () => {
  it("puts a hostname's path rules before its path-less rule (cloudflared takes the first match)", () => {
    const ordered = orderRoutes([route("a.example.com"), route("b.example.com"), route("a.example.com", "^/api/")]);
    expect(ordered.map((r) => `${r.hostname}${r.path ?? ""}`)).toEqual(["a.example.com^/api/", "a.example.com", "b.example.com"]);
  });
});

describe("mergeRoutes", () => {
  it("concatenates route groups into one list for the tunnel's single config", () => {
    expect(mergeRoutes(["a.example.com"], [{ hostname: "b.example.com" }])).toEqual(["a.example.com", { hostname: "b.example.com" }]);
  });

  it("keeps the same hostname under different paths", () => {
    expect(mergeRoutes(["a.example.com"], [{ hostname: "a.example.com", path: "^/api/" }])).toHaveLength(2);
  });

  it("refuses two groups publishing the same hostname", () => {
    expect(() => mergeRoutes(["a.example.com"], ["a.example.com"])).toThrow(/"a.example.com", already published by group 0/);
  });
});
