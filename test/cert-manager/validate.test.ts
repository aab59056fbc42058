import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import type { AcmeIssuerArgs, CertManagerIssuerArgs, CertificateArgs } from "../../components/cert-manager/types";
import {
  acmeSolverFor,
  emailProblem,
  environmentFromConfig,
  validateCertificateArgs,
  validateIssuerArgs,
  type IssuerContext,
} from "../../components/cert-manager/validate";

const staging: AcmeIssuerArgs = { type: "acme", email: "ops@di2amp.com" };
const cloudflare = { apiToken: "cf-token", zones: ["example.com"] };

function issuerError(args: CertManagerIssuerArgs, env?: "production" | "non-production"): EdgeMtlsArgumentError {
  try {
    validateIssuerArgs("edge", args, env);
  } catch (e) {
    if (e instanceof EdgeMtlsArgumentError) return e;
    throw e;
  }
  throw new Error("expected validateIssuerArgs to throw");
}

function certError(args: CertificateArgs, ctx: IssuerContext, name = "cert-1-blog-example-com"): EdgeMtlsArgumentError {
  try {
    validateCertificateArgs("edge", name, args, ctx);
  } catch (e) {
    if (e instanceof EdgeMtlsArgumentError) return e;
    throw e;
  }
  throw new Error("expected validateCertificateArgs to throw");
}

describe("issuer arguments that are accepted", () => {
  it.each<[string, CertManagerIssuerArgs]>([
    ["ACME staging with HTTP-01", { issuer: staging }],
    ["ACME with HTTP-01 and DNS-01", { issuer: { ...staging, dns01: { cloudflare } } }],
    ["ACME with DNS-01 only", { issuer: { ...staging, http01: false, dns01: { cloudflare } } }],
    ["ACME with a custom directory URL", { issuer: { ...staging, server: "https://acme.zerossl.com/v2/DV90" } }],
    ["CA from an existing Secret", { issuer: { type: "ca", secretName: "mesh-ca" } }],
    ["self-signed namespaced Issuer", { issuer: { type: "selfSigned" }, kind: "Issuer", issuerNamespace: "apps" }],
    ["installing with a pinned version", { issuer: { type: "selfSigned" }, install: { version: "v1.21.1" } }],
  ])("%s", (_label, args) => {
    expect(() => validateIssuerArgs("edge", args, undefined)).not.toThrow();
  });

  it("skips checks on a token that is still an unresolved Output", () => {
    const apiToken: pulumi.Output<string> = pulumi.output(Promise.resolve(""));
    expect(() => validateIssuerArgs("edge", { issuer: { ...staging, dns01: { cloudflare: { apiToken, zones: ["example.com"] } } } }, undefined)).not.toThrow();
  });
});

describe("issuer arguments that are refused, each with its own error", () => {
  it("a DNS-01 solver with no token", () => {
    const e = issuerError({ issuer: { ...staging, dns01: { cloudflare: { apiToken: undefined as unknown as string, zones: ["example.com"] } } } });
    expect(e.argument).toBe("issuer.dns01.cloudflare.apiToken");
    expect(e.message).toMatch(/^CertManagerIssuer "edge": issuer\.dns01\.cloudflare\.apiToken \(missing\) is required for DNS-01/);
  });

  it("a DNS-01 solver with an empty token", () => {
    expect(issuerError({ issuer: { ...staging, dns01: { cloudflare: { apiToken: " ", zones: ["example.com"] } } } }).message).toMatch(/apiToken \(empty\)/);
  });

  it.each([["not-an-email"], ["ops@"], ["ops@localhost"], ["a b@example.com"], [""]])("an invalid email %j", (email) => {
    const e = issuerError({ issuer: { ...staging, email } });
    expect(e.argument).toBe("issuer.email");
    expect(e.message).toContain(JSON.stringify(email));
  });

  it("production ACME in a stack marked non-production", () => {
    const e = issuerError({ issuer: { ...staging, server: "letsencrypt-production" } }, "non-production");
    expect(e.argument).toBe("issuer.server");
    expect(e.message).toMatch(/Let's Encrypt production, but this stack is marked non-production.*allowProductionAcme/);
  });

  it("production ACME given by URL in a stack marked non-production", () => {
    const e = issuerError({ issuer: { ...staging, server: "https://acme-v02.api.letsencrypt.org/directory" } }, "non-production");
    expect(e.argument).toBe("issuer.server");
  });

  it("but not production ACME when explicitly allowed, or in a production stack", () => {
    const prod: CertManagerIssuerArgs = { issuer: { ...staging, server: "letsencrypt-production" } };
    expect(() => validateIssuerArgs("edge", { ...prod, allowProductionAcme: true }, "non-production")).not.toThrow();
    expect(() => validateIssuerArgs("edge", prod, "production")).not.toThrow();
  });

  it("an ACME server that is neither a known name nor an https URL", () => {
    expect(issuerError({ issuer: { ...staging, server: "http://acme.local/dir" } }).argument).toBe("issuer.server");
  });

  it("an ACME issuer with no solver at all", () => {
    expect(issuerError({ issuer: { ...staging, http01: false } }).message).toMatch(/has no ACME solver/);
  });

  it("DNS-01 zones that are empty or invalid", () => {
    expect(issuerError({ issuer: { ...staging, dns01: { cloudflare: { apiToken: "t", zones: [] } } } }).argument).toBe("issuer.dns01.cloudflare.zones");
    expect(issuerError({ issuer: { ...staging, dns01: { cloudflare: { apiToken: "t", zones: ["*.example.com"] } } } }).argument).toBe(
      "issuer.dns01.cloudflare.zones[0]",
    );
  });

  it("exact hosts routed to HTTP-01 while HTTP-01 is disabled", () => {
    const e = issuerError({ issuer: { ...staging, http01: false, dns01: { cloudflare: { ...cloudflare, exactHostsInZones: "http01" } } } });
    expect(e.argument).toBe("issuer.dns01.cloudflare.exactHostsInZones");
  });

  it("a namespaced Issuer without a namespace", () => {
    expect(issuerError({ issuer: { type: "selfSigned" }, kind: "Issuer" }).argument).toBe("issuerNamespace");
  });

  it("a ClusterIssuer given a namespace", () => {
    expect(issuerError({ issuer: { type: "selfSigned" }, issuerNamespace: "apps" }).argument).toBe("issuerNamespace");
  });

  it("a CA issuer with neither or both sources", () => {
    expect(issuerError({ issuer: { type: "ca" } }).message).toMatch(/exactly one of authority .* or secretName; got neither/);
    const authority = { issuerCertPem: pulumi.output("c"), issuerPrivateKeyPem: pulumi.output("k"), rootCertPem: pulumi.output("r"), trustBundle: pulumi.output("r") };
    expect(issuerError({ issuer: { type: "ca", authority, secretName: "x" } }).message).toMatch(/got both/);
  });

  it("the deprecated installCRDs chart value", () => {
    expect(issuerError({ issuer: { type: "selfSigned" }, install: { values: { installCRDs: true } } }).argument).toBe("install.values.installCRDs");
  });

  it("an invalid issuer name", () => {
    expect(issuerError({ issuer: { type: "selfSigned" }, issuerName: "Lets_Encrypt" }).argument).toBe("issuerName");
  });

  it("an invalid ready timeout", () => {
    expect(issuerError({ issuer: { type: "selfSigned" }, readyTimeout: "ten minutes" }).argument).toBe("readyTimeout");
  });
});

describe("certificate arguments", () => {
  const http01Only: IssuerContext = { kind: "ClusterIssuer", acme: { http01: {} } };
  const both: IssuerContext = { kind: "ClusterIssuer", acme: { http01: {}, dns01: { cloudflare } } };
  const ca: IssuerContext = { kind: "ClusterIssuer" };
  const ok: CertificateArgs = { dnsNames: ["blog.example.com"], namespace: "paas-apps" };

  it("accepts a wildcard when DNS-01 covers its zone", () => {
    expect(() => validateCertificateArgs("edge", "origin", { dnsNames: ["*.example.com", "example.com"], namespace: "traefik" }, both)).not.toThrow();
  });

  it("refuses a wildcard when the issuer has only HTTP-01", () => {
    const e = certError({ ...ok, dnsNames: ["*.example.com"] }, http01Only);
    expect(e.argument).toBe('certificate("cert-1-blog-example-com") dnsNames[0]');
    expect(e.message).toMatch(/\("\*\.example\.com"\) is a wildcard, which only DNS-01 can validate, but the issuer has only HTTP-01/);
  });

  it("refuses a wildcard outside the DNS-01 zones", () => {
    expect(certError({ ...ok, dnsNames: ["*.other.net"] }, both).message).toMatch(/has no ACME solver: it is outside the DNS-01 zones \["example.com"\]/);
  });

  it("refuses a host outside the DNS-01 zones when HTTP-01 is disabled", () => {
    const dnsOnly: IssuerContext = { kind: "ClusterIssuer", acme: { http01: false, dns01: { cloudflare } } };
    expect(certError({ ...ok, dnsNames: ["blog.other.net"] }, dnsOnly).message).toMatch(/HTTP-01 is disabled/);
  });

  it("accepts a wildcard from a CA issuer (no ACME challenge)", () => {
    expect(() => validateCertificateArgs("edge", "mesh", { dnsNames: ["*.svc.example.com"], namespace: "mesh" }, ca)).not.toThrow();
  });

  it.each([
    ["an invalid DNS name", "blog..example.com", /blog\.\.example\.com/],
    ["a label over 63 characters", `${"a".repeat(64)}.example.com`, /label of 64 characters/],
    ["a name over 253 characters", `${Array.from({ length: 5 }, () => "b".repeat(60)).join(".")}.com`, /is 308 characters long; DNS names are at most 253/],
    ["an upper-case name", "Blog.example.com", /must be lower case/],
    ["a wildcard not in the left-most label", "api.*.example.com", /left-most/],
  ])("refuses %s", (_label, dnsName, pattern) => {
    const e = certError({ ...ok, dnsNames: [dnsName] }, ca);
    expect(e.argument).toBe('certificate("cert-1-blog-example-com") dnsNames[0]');
    expect(e.message).toMatch(pattern);
  });

  it("refuses no DNS names", () => {
    expect(certError({ ...ok, dnsNames: [] }, ca).message).toMatch(/at least one DNS name/);
  });

  it("refuses a duplicated DNS name", () => {
    expect(certError({ ...ok, dnsNames: ["a.example.com", "a.example.com"] }, ca).message).toMatch(/listed twice/);
  });

  it("refuses renewBefore equal to duration", () => {
    const e = certError({ ...ok, duration: "30d", renewBefore: "720h" }, ca);
    expect(e.argument).toBe('certificate("cert-1-blog-example-com") renewBefore');
    expect(e.message).toMatch(/\(720h\) must be shorter than duration \(30d\)/);
  });

  it("refuses renewBefore longer than the default 90-day duration", () => {
    expect(certError({ ...ok, renewBefore: "100d" }, ca).message).toMatch(/shorter than duration \(90d, cert-manager's default\)/);
  });

  it("refuses a duration below cert-manager's 1h minimum", () => {
    expect(certError({ ...ok, duration: "30m" }, ca).argument).toMatch(/duration$/);
  });

  it("refuses a certificate name over 63 characters, pointing at certificateName()", () => {
    const e = certError(ok, ca, `cert-${"x".repeat(60)}`);
    expect(e.message).toMatch(/at most 63.*certificateName\(app, domain\)/);
  });

  it("refuses a namespace other than a namespaced Issuer's", () => {
    expect(certError(ok, { kind: "Issuer", issuerNamespace: "apps" }).message).toMatch(/differs from the Issuer's namespace/);
  });

  it("refuses an unknown key algorithm", () => {
    expect(certError({ ...ok, privateKey: "RSA-1024" as never }, ca).argument).toMatch(/privateKey$/);
  });
});

describe("ACME solver selection model", () => {
  const zoneArgs = { http01: {}, dns01: { cloudflare } } as const;
  it.each([
    ["*.example.com", "dns01"],
    ["blog.example.com", "dns01"],
    ["customer.net", "http01"],
  ] as const)("by default %s → %s", (name, solver) => {
    expect(acmeSolverFor(name, zoneArgs)).toBe(solver);
  });

  it("sends exact hosts in the zones to HTTP-01 when asked, wildcards still to DNS-01", () => {
    const args = { http01: {}, dns01: { cloudflare: { ...cloudflare, exactHostsInZones: "http01" as const } } };
    expect(acmeSolverFor("blog.example.com", args)).toBe("http01");
    expect(acmeSolverFor("*.example.com", args)).toBe("dns01");
  });
});

describe("helpers", () => {
  it.each([
    [undefined, undefined],
    ["production", "production"],
    ["prod", "production"],
    ["dev", "non-production"],
    ["staging", "non-production"],
  ])("environment config %j → %j", (value, env) => {
    expect(environmentFromConfig(value)).toBe(env);
  });

  it("accepts an ordinary e-mail", () => {
    expect(emailProblem("ops@di2amp.com")).toBeUndefined();
  });
});
