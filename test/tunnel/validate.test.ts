import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import type { TraefikOrigin, TunnelOriginArgs } from "../../components/tunnel/types";
import {
  certificateCovers,
  defaultCertManagerDnsNames,
  validateTunnelOriginArgs,
} from "../../components/tunnel/validate";

const websecure: TraefikOrigin = {
  service: { namespace: "traefik", name: "traefik-public" },
  port: 443,
  entrypoint: { name: "websecure", port: 8443, mtls: false },
};
const base: TunnelOriginArgs = {
  accountId: "0123456789abcdef0123456789abcdef",
  zone: { id: "1123456789abcdef0123456789abcdef", name: "mlops-club.org" },
  origin: websecure,
  routes: ["whoami.mlops-club.org"],
};
const validate = (over: Partial<TunnelOriginArgs>) => validateTunnelOriginArgs("edge", { ...base, ...over });

describe("validateTunnelOriginArgs: accepted input", () => {
  it("targets Traefik's Service over https with the hostname as origin server name", () => {
    const v = validate({});
    expect(v.routes).toEqual([
      {
        hostname: "whoami.mlops-club.org",
        service: "https://traefik-public.traefik.svc.cluster.local:443",
        scheme: "https",
        originServerName: "whoami.mlops-club.org",
        noTlsVerify: false,
        traefikNamespace: "traefik",
      },
    ]);
    expect(v.warnings).toEqual([]);
  });

  it("accepts the zone apex", () => {
    expect(validate({ routes: ["mlops-club.org"] }).hostnames).toEqual(["mlops-club.org"]);
  });

  it("lists each hostname once even when it has several paths", () => {
    const v = validate({ routes: ["a.mlops-club.org", { hostname: "a.mlops-club.org", path: "^/api/" }] });
    expect(v.hostnames).toEqual(["a.mlops-club.org"]);
    expect(v.routes).toHaveLength(2);
  });
});

describe("validateTunnelOriginArgs: errors", () => {
  const cases: Array<[string, Partial<TunnelOriginArgs>, RegExp]> = [
    ["a hostname outside the zone", { routes: ["app.example.com"] }, /routes\[0\]\.hostname \("app\.example\.com"\) is not in zone "mlops-club\.org"/],
    ["a look-alike zone suffix", { routes: ["app.evilmlops-club.org"] }, /is not in zone/],
    ["duplicate hostnames", { routes: ["a.mlops-club.org", "a.mlops-club.org"] }, /routes\[1\]\.hostname \("a\.mlops-club\.org"\) duplicates routes\[0\]/],
    [
      "a duplicate hostname and path",
      { routes: [{ hostname: "a.mlops-club.org", path: "^/x" }, { hostname: "a.mlops-club.org", path: "^/x" }] },
      /duplicates routes\[0\]/,
    ],
    ["a plain http:// origin", { origin: { url: "http://app.default.svc:80" } }, /routes\[0\]\.origin\.url \("http:\/\/app\.default\.svc:80"\) is plain http:\/\//],
    ["noTlsVerify", { routes: [{ hostname: "a.mlops-club.org", noTlsVerify: true }] }, /routes\[0\]\.noTlsVerify \(true\) disables verification/],
    [
      "a hostname two labels below the zone (Universal SSL does not cover it)",
      { routes: ["api.dev.mlops-club.org"] },
      /\("api\.dev\.mlops-club\.org"\) is 2 labels below "mlops-club\.org"; Cloudflare's Universal SSL certificate covers only the apex and \*\.mlops-club\.org/,
    ],
    [
      "the mTLS entrypoint (cloudflared#860)",
      { origin: { ...websecure, entrypoint: { name: "websecure-mtls", mtls: true } } },
      /origin\.entrypoint \("websecure-mtls"\) requires client certificates .*cloudflared\/issues\/860/,
    ],
    [
      "the mTLS entrypoint on one route",
      { routes: [{ hostname: "a.mlops-club.org", origin: { ...websecure, entrypoint: { name: "mtls", mtls: true } } }] },
      /routes\[0\]\.origin\.entrypoint \("mtls"\) requires client certificates/,
    ],
    ["a wildcard hostname", { routes: ["*.mlops-club.org"] }, /is a wildcard/],
    ["an upper-case hostname", { routes: ["App.mlops-club.org"] }, /must be lower case/],
    ["no routes", { routes: [] }, /routes must list at least one hostname/],
    ["a route without any origin", { origin: undefined }, /routes\[0\]\.origin is required/],
    ["a non-http(s) origin", { origin: { url: "tcp://db:5432" } }, /has scheme "tcp:"/],
    ["an invalid path regex", { routes: [{ hostname: "a.mlops-club.org", path: "([" }] }, /path \("\(\["\) is not a valid regular expression/],
    ["zero replicas", { replicas: 0 }, /replicas \(0\) must be a whole number of at least 1/],
    ["an unpinned image", { image: "cloudflare/cloudflared:latest" }, /image .* must be pinned/],
    ["a fractional timeout", { originTimeouts: { connectTimeout: 1.5 } }, /originTimeouts\.connectTimeout \(1\.5\) must be a positive whole number/],
    [
      "cert-manager dnsNames that miss a route's server name",
      { originCertificate: { kind: "cert-manager", issuerRef: { name: "le" }, dnsNames: ["other.mlops-club.org"] } },
      /originCertificate\.dnsNames \(other\.mlops-club\.org\) do not cover origin server name "whoami\.mlops-club\.org"/,
    ],
    [
      "an origin certificate without a namespace when no route targets Traefik",
      { origin: { url: "https://app.internal:8443" }, originCertificate: { kind: "cert-manager", issuerRef: { name: "le" } } },
      /originCertificate\.namespace is required when the routes do not target a Traefik Service/,
    ],
  ];
  it.each(cases)("refuses %s", (_label, over, message) => {
    expect(() => validate(over)).toThrow(message);
  });

  it("throws EdgeMtlsArgumentError naming the component and instance", () => {
    expect(() => validate({ routes: ["x.example.com"] })).toThrow(EdgeMtlsArgumentError);
    expect(() => validate({ routes: ["x.example.com"] })).toThrow(/^TunnelOrigin "edge": /);
  });
});

describe("validateTunnelOriginArgs: explicit overrides turn errors into warnings", () => {
  it("accepts a plain http:// origin with allowInsecureOrigin, and warns", () => {
    const v = validate({ origin: { url: "http://app.default.svc:80" }, allowInsecureOrigin: true });
    expect(v.routes[0]?.scheme).toBe("http");
    expect(v.warnings).toEqual([expect.stringMatching(/reaches its origin over plain http:\/\//)]);
  });

  it("accepts noTlsVerify with allowInsecureOrigin, and warns", () => {
    const v = validate({ routes: [{ hostname: "a.mlops-club.org", noTlsVerify: true }], allowInsecureOrigin: true });
    expect(v.warnings).toEqual([expect.stringMatching(/has noTlsVerify: cloudflared accepts any origin certificate/)]);
  });

  it("accepts a deep hostname when the caller says an advanced certificate covers it", () => {
    expect(validate({ routes: ["api.dev.mlops-club.org"], edgeCertificate: "advanced" }).hostnames).toEqual(["api.dev.mlops-club.org"]);
  });

  it("warns about a single cloudflared replica", () => {
    expect(validate({ replicas: 1 }).warnings).toEqual([expect.stringMatching(/replicas is 1/)]);
  });
});

describe("origin certificate names", () => {
  it("defaults to the apex, the wildcard and any deeper server name", () => {
    expect(defaultCertManagerDnsNames("mlops-club.org", ["a.mlops-club.org", "x.y.mlops-club.org"])).toEqual([
      "mlops-club.org",
      "*.mlops-club.org",
      "x.y.mlops-club.org",
    ]);
  });

  it("matches a wildcard one label deep only", () => {
    expect(certificateCovers(["*.mlops-club.org"], "a.mlops-club.org")).toBe(true);
    expect(certificateCovers(["*.mlops-club.org"], "a.b.mlops-club.org")).toBe(false);
    expect(certificateCovers(["*.mlops-club.org"], "mlops-club.org")).toBe(false);
  });

  it("uses the routes' Traefik namespace for the origin certificate by default", () => {
    const v = validate({ originCertificate: { kind: "cert-manager", issuerRef: { name: "le" } } });
    expect(v.originCertificateNamespace).toBe("traefik");
    expect(v.certManagerDnsNames).toEqual(["mlops-club.org", "*.mlops-club.org"]);
  });
});
