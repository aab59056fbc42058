import { describe, expect, it } from "vitest";
import { validateCustomResource } from "../support/crd";
import {
  caIssuerCertChain,
  certManagerChartValues,
  readinessAnnotations,
  renderAcmeIssuerSpec,
  renderAcmeSolvers,
  renderCaIssuerSpec,
  renderCertificateSpec,
  renderPrivateKey,
  renderSelfSignedIssuerSpec,
  toCertManagerDuration,
  type IssuerReference,
} from "../../components/cert-manager/render";
import type { AcmeIssuerArgs } from "../../components/cert-manager/types";

const names = { accountKeySecretName: "le-account", cloudflareSecretName: "cf-token" };
const cloudflare = { apiToken: "t", zones: ["example.com", "example.net"] };
const acme: AcmeIssuerArgs = { type: "acme", email: "ops@di2amp.com" };
const ref: IssuerReference = { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" };

const issuerSpecs = {
  "ACME HTTP-01 only": renderAcmeIssuerSpec(acme, names),
  "ACME DNS-01 only": renderAcmeIssuerSpec({ ...acme, http01: false, dns01: { cloudflare } }, names),
  "ACME HTTP-01 + DNS-01": renderAcmeIssuerSpec({ ...acme, dns01: { cloudflare } }, names),
  "ACME HTTP-01 + DNS-01, exact hosts via HTTP-01": renderAcmeIssuerSpec(
    { ...acme, server: "letsencrypt-production", dns01: { cloudflare: { ...cloudflare, exactHostsInZones: "http01" } } },
    names,
  ),
  CA: renderCaIssuerSpec("mesh-ca-key-pair"),
  SelfSigned: renderSelfSignedIssuerSpec(),
};

describe("rendered issuers validate against the upstream cert-manager CRDs", () => {
  for (const [label, spec] of Object.entries(issuerSpecs)) {
    it(`ClusterIssuer: ${label}`, () => {
      expect(validateCustomResource({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "x" }, spec })).toEqual([]);
    });
    it(`Issuer: ${label}`, () => {
      expect(validateCustomResource({ apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "x", namespace: "apps" }, spec })).toEqual([]);
    });
  }
});

describe("rendered certificates validate against the upstream cert-manager CRD", () => {
  it.each([
    ["defaults", { dnsNames: ["blog.example.com"], namespace: "apps", secretName: "tls-1-blog-example-com" }],
    ["every option", { dnsNames: ["*.example.com", "example.com"], namespace: "traefik", secretName: "wild", duration: "90d", renewBefore: "30d", privateKey: "RSA-3072" as const }],
  ])("%s", (_label, args) => {
    const spec = renderCertificateSpec(args, ref);
    expect(validateCustomResource({ apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "c", namespace: "apps" }, spec })).toEqual([]);
  });
});

describe("the CRD check can fail", () => {
  it("rejects a misspelled Certificate field (dnsName for dnsNames)", () => {
    const { dnsNames, ...rest } = renderCertificateSpec({ dnsNames: ["a.example.com"], namespace: "apps", secretName: "s" }, ref);
    const problems = validateCustomResource({ apiVersion: "cert-manager.io/v1", kind: "Certificate", spec: { ...rest, dnsName: dnsNames } });
    expect(problems.join("\n")).toMatch(/dnsName/);
  });

  it("rejects a misspelled solver field (ingressClass for ingressClassName)", () => {
    const spec = { acme: { server: "https://x.example/dir", privateKeySecretRef: { name: "k" }, solvers: [{ http01: { ingress: { ingressClass: "traefik" } } }] } };
    expect(validateCustomResource({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", spec }).join("\n")).toMatch(/ingressClass/);
  });
});

describe("ACME solvers", () => {
  it("HTTP-01 alone uses ingress class traefik and no selector", () => {
    expect(renderAcmeSolvers({}, "cf")).toEqual([{ http01: { ingress: { ingressClassName: "traefik" } } }]);
  });

  it("DNS-01 references the token Secret and is limited to its zones", () => {
    expect(renderAcmeSolvers({ http01: false, dns01: { cloudflare } }, "cf")).toEqual([
      { dns01: { cloudflare: { apiTokenSecretRef: { name: "cf", key: "api-token" } } }, selector: { dnsZones: ["example.com", "example.net"] } },
    ]);
  });

  it("with both, DNS-01 takes the zones (wildcards included) and HTTP-01 the rest", () => {
    const solvers = renderAcmeSolvers({ dns01: { cloudflare } }, "cf");
    expect(solvers.map((s) => [s.http01 ? "http01" : "dns01", s.selector ?? null])).toEqual([
      ["http01", null],
      ["dns01", { dnsZones: ["example.com", "example.net"] }],
    ]);
  });

  it("with exactHostsInZones http01, an HTTP-01 solver for the zones comes first so ties go to it", () => {
    const solvers = renderAcmeSolvers({ dns01: { cloudflare: { ...cloudflare, exactHostsInZones: "http01" } } }, "cf");
    expect(solvers.map((s) => [s.http01 ? "http01" : "dns01", s.selector ?? null])).toEqual([
      ["http01", { dnsZones: ["example.com", "example.net"] }],
      ["dns01", { dnsZones: ["example.com", "example.net"] }],
      ["http01", null],
    ]);
  });

  it("resolves Let's Encrypt names to directory URLs, staging by default", () => {
    expect(renderAcmeIssuerSpec(acme, names).acme?.server).toBe("https://acme-staging-v02.api.letsencrypt.org/directory");
    expect(renderAcmeIssuerSpec({ ...acme, server: "letsencrypt-production" }, names).acme?.server).toBe("https://acme-v02.api.letsencrypt.org/directory");
  });
});

describe("certificate spec", () => {
  it("defaults to ECDSA P-256 with rotationPolicy Always and leaves durations to cert-manager", () => {
    expect(renderCertificateSpec({ dnsNames: ["a.example.com"], namespace: "apps", secretName: "s" }, ref)).toEqual({
      secretName: "s",
      issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
      dnsNames: ["a.example.com"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    });
  });

  it.each([
    ["ECDSA-P384", { algorithm: "ECDSA", size: 384 }],
    ["RSA-2048", { algorithm: "RSA", size: 2048 }],
    ["RSA-4096", { algorithm: "RSA", size: 4096 }],
  ] as const)("maps %s", (alg, expected) => {
    expect(renderPrivateKey(alg)).toEqual({ ...expected, rotationPolicy: "Always" });
  });

  it.each([
    ["90d", "2160h0m0s"],
    ["30d", "720h0m0s"],
    ["90m", "1h30m0s"],
  ])("writes duration %s as Go duration %s", (d, go) => {
    expect(toCertManagerDuration(d)).toBe(go);
  });
});

describe("readiness annotations", () => {
  it("wait for condition Ready with a timeout", () => {
    expect(readinessAnnotations(true, 600)).toEqual({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "600" });
  });

  it("are absent when waiting is turned off", () => {
    expect(readinessAnnotations(false, 600)).toEqual({});
  });
});

describe("CA key pair and chart values", () => {
  const root = "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n";
  const inter = "-----BEGIN CERTIFICATE-----\nINTER\n-----END CERTIFICATE-----";

  it("tls.crt is the intermediate followed by the root", () => {
    expect(caIssuerCertChain(inter, root)).toBe(`${inter}\n${root}`);
  });

  it("tls.crt is the root alone when the root signs", () => {
    expect(caIssuerCertChain(root, root)).toBe(root);
  });

  it("chart values always enable CRDs, never through installCRDs", () => {
    const v = certManagerChartValues({ crds: { keep: true }, replicaCount: 2 }, "cert-manager", "cert-manager");
    expect(v).toEqual({ crds: { keep: true, enabled: true }, replicaCount: 2 });
    expect(v).not.toHaveProperty("installCRDs");
  });

  it("chart values carry a cluster resource namespace that differs from cert-manager's", () => {
    expect(certManagerChartValues(undefined, "cert-manager", "edge-secrets")).toEqual({ crds: { enabled: true }, clusterResourceNamespace: "edge-secrets" });
  });
});
