import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { validateCustomResource } from "../support/crd";
import { CertManagerIssuer } from "../../components/cert-manager/cert-manager-issuer";
import { certificateName } from "../../components/cert-manager/naming";
import { CERT_MANAGER_CHART_VERSION } from "../../components/cert-manager/types";

const SECRET = "kubernetes:core/v1:Secret";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** cert-manager custom resources (a CustomResource registers as `kubernetes:{apiVersion}:{kind}`). */
function customResources(plan: PlanResult): RecordedResource[] {
  return plan.all().filter((r) => r.type.startsWith("kubernetes:cert-manager.io/v1:"));
}

/** The message of what `fn` throws (the test fails if it does not throw). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("expected an error");
}

/** ACME with both solvers, installing cert-manager, plus an exact-host and a wildcard certificate. */
async function acmeProgram(): Promise<PlanResult> {
  return runProgram(() => {
    const cm = new CertManagerIssuer("letsencrypt", {
      install: true,
      issuer: {
        type: "acme",
        email: "ops@di2amp.com",
        dns01: { cloudflare: { apiToken: "cf-secret-token", zones: ["example.com"] } },
      },
    });
    cm.certificate(certificateName("123", "blog.customer.net"), { dnsNames: ["blog.customer.net"], namespace: "paas-apps" });
    cm.certificate("origin-wildcard", { dnsNames: ["*.example.com", "example.com"], namespace: "traefik" });
    return { ref: cm.issuerRef };
  });
}

describe("CertManagerIssuer (ACME, installing cert-manager)", () => {
  it("emits one ClusterIssuer and one Certificate per certificate() call", async () => {
    const plan = await acmeProgram();
    const kinds = customResources(plan).map((r) => r.inputs.kind);
    expect(kinds.sort()).toEqual(["Certificate", "Certificate", "ClusterIssuer"]);
  });

  it("every emitted custom resource validates against the cert-manager CRD schema", async () => {
    const plan = await acmeProgram();
    const crs = customResources(plan);
    expect(crs.length).toBeGreaterThan(0);
    for (const r of crs) {
      const { apiVersion, kind, metadata, spec } = r.inputs as { apiVersion: string; kind: string; metadata: unknown; spec: unknown };
      expect({ name: r.name, problems: validateCustomResource({ apiVersion, kind, metadata, spec }) }).toEqual({ name: r.name, problems: [] });
    }
  });

  it("the Helm release comes before every custom resource and Secret in the dependency graph", async () => {
    const plan = await acmeProgram();
    const release = plan.find(RELEASE);
    const releaseIndex = plan.resources.indexOf(release);
    const dependents = [...customResources(plan), ...plan.all(SECRET)];
    expect(dependents.length).toBe(4);
    for (const r of dependents) {
      expect(r.dependencies, r.name).toContain(release.urn);
      expect(plan.resources.indexOf(r), r.name).toBeGreaterThan(releaseIndex);
    }
  });

  it("installs the pinned official chart with crds.enabled in its own namespace", async () => {
    const release = (await acmeProgram()).find(RELEASE);
    expect(release.inputs).toMatchObject({
      chart: "cert-manager",
      version: CERT_MANAGER_CHART_VERSION,
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      namespace: "cert-manager",
      createNamespace: true,
      values: { crds: { enabled: true } },
    });
    expect(release.inputs.values).not.toHaveProperty("installCRDs");
  });

  it("writes the Cloudflare token to a Secret in the cert-manager namespace, as a Pulumi secret", async () => {
    const secret = (await acmeProgram()).find(SECRET);
    expect(secret.inputs).toMatchObject({
      metadata: { name: "letsencrypt-cloudflare-api-token", namespace: "cert-manager" },
      stringData: { "api-token": "cf-secret-token" },
    });
    expect(secret.isSecret("stringData.api-token")).toBe(true);
  });

  it("certificates reference the issuer and wait for Ready with a timeout", async () => {
    const plan = await acmeProgram();
    const cert = customResources(plan).find((r) => r.inputs.kind === "Certificate" && (r.inputs.metadata as { name: string }).name === "cert-123-blog-customer-net");
    expect(cert?.inputs).toMatchObject({
      metadata: { namespace: "paas-apps", annotations: { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "600" } },
      spec: {
        secretName: "tls-123-blog-customer-net",
        issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      },
    });
    const issuer = customResources(plan).find((r) => r.inputs.kind === "ClusterIssuer");
    expect(cert?.dependencies).toContain(issuer?.urn);
  });

  it("exposes the issuer reference as an output", async () => {
    const plan = await acmeProgram();
    expect(plan.outputs.ref).toEqual({ name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" });
  });

  it("parents every child to the component", async () => {
    const plan = await acmeProgram();
    const component = plan.find("edge-mtls:cert-manager:CertManagerIssuer");
    expect(plan.children(component.urn).map((r) => r.name).sort()).toEqual([
      "letsencrypt-cert-manager",
      "letsencrypt-cloudflare-token",
      "letsencrypt-issuer",
      "letsencrypt-paas-apps-cert-123-blog-customer-net",
      "letsencrypt-traefik-origin-wildcard",
    ]);
  });
});

describe("CertManagerIssuer (CA from an InternalCA-like authority)", () => {
  const pem = (s: string) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`;

  async function caProgram(kind: "ClusterIssuer" | "Issuer" = "ClusterIssuer"): Promise<PlanResult> {
    return runProgram(() => {
      const authority = {
        issuerCertPem: pulumi.output(pem("INTERMEDIATE")),
        issuerPrivateKeyPem: pulumi.secret("-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"),
        rootCertPem: pulumi.output(pem("ROOT")),
        trustBundle: pulumi.output(pem("ROOT")),
      };
      const cm = new CertManagerIssuer("mesh-ca", {
        issuer: { type: "ca", authority },
        ...(kind === "Issuer" ? { kind, issuerNamespace: "mesh" } : {}),
      });
      cm.certificate("api", { dnsNames: ["api.mesh.svc.cluster.local"], namespace: "mesh", duration: "30d", renewBefore: "10d" });
      return {};
    });
  }

  it("writes the key pair as a kubernetes.io/tls Secret with the chain to the root", async () => {
    const secret = (await caProgram()).find(SECRET);
    expect(secret.inputs).toMatchObject({
      type: "kubernetes.io/tls",
      metadata: { name: "mesh-ca-ca-key-pair", namespace: "cert-manager" },
      stringData: { "tls.crt": pem("INTERMEDIATE") + pem("ROOT"), "ca.crt": pem("ROOT") },
    });
  });

  it("keeps the CA private key a Pulumi secret", async () => {
    const secret = (await caProgram()).find(SECRET);
    expect(secret.isSecret("stringData.tls.key")).toBe(true);
  });

  it("puts a namespaced Issuer's Secret in the Issuer's namespace", async () => {
    const secret = (await caProgram("Issuer")).find(SECRET);
    expect((secret.inputs.metadata as { namespace: string }).namespace).toBe("mesh");
  });

  it("emits CRs that validate and references the Secret from the CA issuer", async () => {
    const plan = await caProgram();
    for (const r of customResources(plan)) {
      const { apiVersion, kind, spec } = r.inputs as { apiVersion: string; kind: string; spec: unknown };
      expect(validateCustomResource({ apiVersion, kind, spec })).toEqual([]);
    }
    const issuer = customResources(plan).find((r) => r.inputs.kind === "ClusterIssuer");
    expect(issuer?.inputs.spec).toEqual({ ca: { secretName: "mesh-ca-ca-key-pair" } });
  });

  it("without install, creates no Helm release", async () => {
    expect((await caProgram()).all(RELEASE)).toEqual([]);
  });
});

describe("CertManagerIssuer behaviour", () => {
  it("returns the same Certificate when certificate() is called twice with the same arguments", async () => {
    const plan = await runProgram(() => {
      const cm = new CertManagerIssuer("boot", { issuer: { type: "selfSigned" } });
      const a = cm.certificate("ca", { dnsNames: ["ca.example.com"], namespace: "mesh" });
      const b = cm.certificate("ca", { dnsNames: ["ca.example.com"], namespace: "mesh" });
      return { same: a === b };
    });
    expect(plan.outputs.same).toBe(true);
    expect(plan.all("kubernetes:cert-manager.io/v1:Certificate")).toHaveLength(1);
  });

  it("refuses the same certificate name with different arguments", async () => {
    const plan = await runProgram(() => {
      const cm = new CertManagerIssuer("boot", { issuer: { type: "selfSigned" } });
      cm.certificate("ca", { dnsNames: ["ca.example.com"], namespace: "mesh" });
      return { error: errorOf(() => cm.certificate("ca", { dnsNames: ["other.example.com"], namespace: "mesh" })) };
    });
    expect(plan.outputs.error).toMatch(/certificate\("ca"\) was already created in namespace "mesh" with different arguments/);
  });

  it("omits the waitFor annotations when waitForReady is false", async () => {
    const plan = await runProgram(() => {
      const cm = new CertManagerIssuer("boot", { issuer: { type: "selfSigned" }, waitForReady: false });
      cm.certificate("ca", { dnsNames: ["ca.example.com"], namespace: "mesh" });
      return {};
    });
    const crs = customResources(plan);
    expect(crs.map((r) => r.inputs.kind).sort()).toEqual(["Certificate", "ClusterIssuer"]);
    for (const r of crs) expect((r.inputs.metadata as { annotations?: object }).annotations ?? {}).toEqual({});
  });

  it("refuses production ACME in a stack whose config marks it non-production, before creating anything", async () => {
    const plan = await runProgram(
      () => ({
        error: errorOf(() => new CertManagerIssuer("le", { issuer: { type: "acme", email: "ops@di2amp.com", server: "letsencrypt-production" } })),
      }),
      { config: { "edge-mtls:environment": "dev" } },
    );
    expect(plan.outputs.error).toMatch(/^CertManagerIssuer "le": issuer.server \("letsencrypt-production"\) is Let's Encrypt production, but this stack is marked non-production/);
    expect(plan.all().filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  it("refuses a wildcard certificate from an HTTP-01-only issuer, creating no Certificate", async () => {
    const plan = await runProgram(() => {
      const cm = new CertManagerIssuer("le", { issuer: { type: "acme", email: "ops@di2amp.com" } });
      return { error: errorOf(() => cm.certificate("wild", { dnsNames: ["*.example.com"], namespace: "traefik" })) };
    });
    expect(plan.outputs.error).toMatch(/only DNS-01 can validate, but the issuer has only HTTP-01/);
    expect(plan.all("kubernetes:cert-manager.io/v1:Certificate")).toEqual([]);
  });
});
