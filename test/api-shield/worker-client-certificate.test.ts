import { beforeAll, describe, expect, it } from "vitest";
import { renderPlan, runProgram, unwrap, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import {
  ApiShieldCa,
  ApiShieldMtls,
  CloudflareManagedClientCertificate,
  WorkerClientCertificate,
  inspectCertificate,
  leafFirstChain,
} from "../../components/api-shield";
import { splitPem } from "../../components/common/pem";
import { x509 } from "../../components/common/x509";
import { makeTestPki, type TestPki } from "./fixtures";

const MTLS_CERT = "cloudflare:index/mtlsCertificate:MtlsCertificate";
const SCRIPT = "cloudflare:index/workersScript:WorkersScript";
const RULESET = "cloudflare:index/ruleset:Ruleset";
const CLIENT_CERT = "cloudflare:index/clientCertificate:ClientCertificate";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE = "fedcba9876543210fedcba9876543210";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});

/** Seed 002 end to end: InternalCA (with an intermediate) → server zone + calling Worker. */
async function seedPlan(): Promise<PlanResult> {
  return runProgram(() => {
    const ca = new InternalCA("mesh", { intermediate: true });
    const anchor = new ApiShieldCa("mesh-anchor", { accountId: ACCOUNT, authority: ca });
    new ApiShieldMtls("kush", { zoneId: ZONE, zoneName: "kush.observer", trustAnchor: anchor, protections: [{ name: "api", hostnames: ["kush.observer"] }] });
    const caller = new WorkerClientCertificate("sesh", {
      accountId: ACCOUNT,
      bindingName: "KUSH_API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }],
      issuer: ca,
      identity: "sesh-tracker",
      script: { scriptName: "sesh-tracker", content: "export default {}", mainModule: "caller.js", compatibilityDate: "2025-01-01" },
    });
    return { bindingName: caller.bindingName };
  });
}

describe("WorkerClientCertificate", () => {
  it("binds the uploaded certificate to the Worker as an mtls_certificate binding with the chosen name", async () => {
    const plan = await seedPlan();
    const upload = plan.find(MTLS_CERT, "sesh-mtls");
    expect(plan.find(SCRIPT, "sesh-script").inputs.bindings).toEqual([{ type: "mtls_certificate", name: "KUSH_API", certificateId: upload.id }]);
  });

  it("uploads the client certificate as a leaf (ca: false), leaf first, with its private key", async () => {
    const plan = await seedPlan();
    const upload = plan.find(MTLS_CERT, "sesh-mtls");
    expect(upload.inputs).toMatchObject({ accountId: ACCOUNT, ca: false, name: "sesh" });
    const chain = splitPem(upload.inputs.certificates as string);
    expect(chain).toHaveLength(2);
    expect(inspectCertificate(chain[0] as string).isCa).toBe(false);
    expect(new x509.X509Certificate(chain[0] as string).subject).toContain("CN=sesh-tracker");
    expect(upload.inputs.privateKey).toMatch(/^-----BEGIN (EC )?PRIVATE KEY-----/);
  });

  it("keeps the private key a secret in the upload's inputs and outputs", async () => {
    const upload = (await seedPlan()).find(MTLS_CERT, "sesh-mtls");
    expect(upload.isSecret("privateKey")).toBe(true);
  });

  it("never shows the private key in plan output", async () => {
    const plan = await seedPlan();
    const key = plan.find(MTLS_CERT, "sesh-mtls").inputs.privateKey as string;
    const body = key.split("\n")[1] as string; // first base64 line of the key
    const files = renderPlan(plan);
    expect(files.size).toBeGreaterThan(0);
    for (const [file, text] of files) expect(text, file).not.toContain(body);
  });

  it("presents a certificate whose issuer is the CA the server rule pins", async () => {
    const plan = await seedPlan();
    const leaf = splitPem(plan.find(MTLS_CERT, "sesh-mtls").inputs.certificates as string)[0] as string;
    const issuerSki = inspectCertificate(leaf).authorityKeyIdentifier;
    expect(issuerSki).toMatch(/^[0-9A-F]{40}$/);
    const rule = (plan.find(RULESET).inputs.rules as { expression: string }[])[0];
    expect(rule?.expression).toContain(`cf.tls_client_auth.cert_issuer_ski ne "${issuerSki}"`);
  });

  it("pins and signs with the InternalCA's edge-clients intermediate, never a mesh intermediate", async () => {
    const plan = await seedPlan();
    const skiOf = (name: string) => inspectCertificate(plan.find("tls:index/locallySignedCert:LocallySignedCert", name).outputs.certPem as string).subjectKeyIdentifier;
    const expression = (plan.find(RULESET).inputs.rules as { expression: string }[])[0]?.expression ?? "";
    expect(expression).toContain(`cf.tls_client_auth.cert_issuer_ski ne "${skiOf("mesh-intermediate-cert") ?? ""}"`);
    for (const mesh of ["mesh-mesh-servers-ca-0-cert", "mesh-mesh-clients-ca-0-cert"]) expect(expression).not.toContain(skiOf(mesh) ?? "no SKI");
  });

  it("uploads the InternalCA root as the trust anchor, while pinning the intermediate that signs leaves", async () => {
    const plan = await seedPlan();
    const anchor = plan.find(MTLS_CERT, "mesh-anchor-ca").inputs.certificates as string;
    const root = inspectCertificate(anchor);
    expect(root.isCa).toBe(true);
    const rule = (plan.find(RULESET).inputs.rules as { expression: string }[])[0];
    expect(rule?.expression).not.toContain(root.subjectKeyIdentifier as string);
  });

  it("exposes the binding for a WorkersScript created elsewhere", async () => {
    let binding: unknown;
    const plan = await runProgram(async () => {
      const caller = new WorkerClientCertificate("sesh", { accountId: ACCOUNT, bindingName: "KUSH_API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], certificate: { certificatePem: pki.leafPem, privateKeyPem: pki.leafKeyPem } });
      binding = await unwrap(caller.binding);
    });
    expect(binding).toEqual({ type: "mtls_certificate", name: "KUSH_API", certificateId: plan.find(MTLS_CERT, "sesh-mtls").id });
    expect(plan.all(SCRIPT)).toHaveLength(0);
  });

  it("wraps a given private key as a secret", async () => {
    const plan = await runProgram(() => {
      new WorkerClientCertificate("sesh", { accountId: ACCOUNT, bindingName: "KUSH_API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], certificate: { certificatePem: pki.leafPem, privateKeyPem: pki.leafKeyPem } });
    });
    expect(plan.find(MTLS_CERT, "sesh-mtls").isSecret("privateKey")).toBe(true);
  });
});

describe("leafFirstChain", () => {
  it("puts the leaf first and drops a repeated leaf from the chain", () => {
    expect(leafFirstChain(pki.leafPem, `${pki.leafPem}\n${pki.caPem}`)).toBe(`${pki.leafPem.trim()}\n${pki.caPem.trim()}\n`);
  });
});

describe("CloudflareManagedClientCertificate", () => {
  it("requests a certificate from the zone's managed CA with a CSR from a local key", async () => {
    const plan = await runProgram(() => {
      new CloudflareManagedClientCertificate("sesh", { zoneId: ZONE, commonName: "sesh-tracker" });
    });
    const cert = plan.find(CLIENT_CERT, "sesh-cert");
    expect(cert.inputs).toMatchObject({ zoneId: ZONE, validityDays: 365 });
    expect(cert.inputs.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(plan.find("tls:index/privateKey:PrivateKey", "sesh-key").isSecret("privateKeyPem")).toBe(true);
  });
});
