/**
 * Issue 3 acceptance: every private key the CA creates or hands out is a Pulumi secret — as a
 * component Output, as a stack output, and in the state of every tls resource that holds
 * it — while certificates and trust bundles (public material) stay readable.
 */
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA } from "../../components";
import { isSecretOutput, runProgram, type PlanResult } from "../../engine";

const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
const CERT_REQUEST = "tls:index/certRequest:CertRequest";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const LOCALLY_SIGNED = "tls:index/locallySignedCert:LocallySignedCert";

/** Whether each Output is secret, read inside the run (the Outputs only resolve there). */
let secretness: Record<string, boolean>;
let plan: PlanResult;

beforeAll(async () => {
  plan = await runProgram(async () => {
    const ca = new InternalCA("mesh", { protect: false, intermediate: true });
    const server = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
    const client = ca.issueClientCertificate("nginx", { identity: "nginx-gateway" });
    const outputs: Record<string, pulumi.Output<string>> = {
      issuerPrivateKeyPem: ca.issuerPrivateKeyPem,
      serverPrivateKeyPem: server.privateKeyPem,
      clientPrivateKeyPem: client.privateKeyPem,
      rootCertPem: ca.rootCertPem,
      issuerCertPem: ca.issuerCertPem,
      trustBundle: ca.trustBundle,
      notAfter: ca.notAfter,
      serverCertPem: server.certPem,
      serverChainPem: server.chainPem,
      serverCaPem: server.caPem,
      clientCertPem: client.certPem,
    };
    secretness = Object.fromEntries(await Promise.all(Object.entries(outputs).map(async ([k, o]) => [k, await isSecretOutput(o)] as const)));
    return outputs;
  });
});

describe("private keys", () => {
  it("IssuedCertificate.privateKeyPem is a secret Output for server and client leaves", () => {
    expect(secretness.serverPrivateKeyPem).toBe(true);
    expect(secretness.clientPrivateKeyPem).toBe(true);
  });

  it("InternalCA.issuerPrivateKeyPem is a secret Output", () => {
    expect(secretness.issuerPrivateKeyPem).toBe(true);
  });

  it("exported as stack outputs, exactly the keys are secret", () => {
    expect([...plan.secretOutputs].sort()).toEqual(["clientPrivateKeyPem", "issuerPrivateKeyPem", "serverPrivateKeyPem"]);
  });

  it("the components register their key outputs as secrets", () => {
    expect(plan.find("edge-mtls:internal-ca:InternalCA", "mesh").isSecret("issuerPrivateKeyPem")).toBe(true);
    for (const leaf of ["mesh-api", "mesh-nginx"]) expect(plan.find("edge-mtls:internal-ca:IssuedCertificate", leaf).isSecret("privateKeyPem")).toBe(true);
  });

  it("every tls.PrivateKey (root, intermediate, leaves) keeps privateKeyPem and privateKeyPemPkcs8 secret in the state", () => {
    const keys = plan.all(PRIVATE_KEY);
    expect(keys.map((k) => k.name).sort()).toEqual(["mesh-api-key", "mesh-intermediate-key", "mesh-mesh-clients-ca-0-key", "mesh-mesh-clients-ca-1-key", "mesh-mesh-servers-ca-0-key", "mesh-mesh-servers-ca-1-key", "mesh-nginx-key", "mesh-root-key"]);
    for (const k of keys) {
      expect(typeof k.outputs.privateKeyPem).toBe("string");
      expect({ name: k.name, pem: k.isSecret("privateKeyPem"), pkcs8: k.isSecret("privateKeyPemPkcs8") }).toEqual({ name: k.name, pem: true, pkcs8: true });
    }
  });

  it("every resource that signs with a key receives it as a secret input", () => {
    for (const r of [...plan.all(CERT_REQUEST), ...plan.all(SELF_SIGNED)]) expect({ name: r.name, secret: r.isSecret("privateKeyPem") }).toEqual({ name: r.name, secret: true });
    for (const r of plan.all(LOCALLY_SIGNED)) expect({ name: r.name, secret: r.isSecret("caPrivateKeyPem") }).toEqual({ name: r.name, secret: true });
    // Leaves (2), the edge-clients intermediate, and two slots each of the mesh-servers and mesh-clients intermediates.
    expect(plan.all(LOCALLY_SIGNED)).toHaveLength(7);
  });
});

describe("public material", () => {
  it.each(["rootCertPem", "issuerCertPem", "trustBundle", "notAfter", "serverCertPem", "serverChainPem", "serverCaPem", "clientCertPem"])("%s is not a secret Output", (name) => {
    expect(secretness[name]).toBe(false);
  });

  it("certificates are not secret in the state", () => {
    const certs = [...plan.all(SELF_SIGNED), ...plan.all(LOCALLY_SIGNED)];
    expect(certs).toHaveLength(8);
    for (const c of certs) expect({ name: c.name, secret: c.isSecret("certPem") }).toEqual({ name: c.name, secret: false });
  });

  it("public keys are not secret in the state", () => {
    for (const k of plan.all(PRIVATE_KEY)) expect({ name: k.name, secret: k.isSecret("publicKeyPem") }).toEqual({ name: k.name, secret: false });
  });

  it("the components register their certificates and bundles as plain outputs", () => {
    const ca = plan.find("edge-mtls:internal-ca:InternalCA", "mesh");
    for (const k of ["rootCertPem", "issuerCertPem", "trustBundle", "notAfter"]) expect({ k, secret: ca.isSecret(k) }).toEqual({ k, secret: false });
    const leaf = plan.find("edge-mtls:internal-ca:IssuedCertificate", "mesh-api");
    for (const k of ["certPem", "chainPem", "caPem"]) expect({ k, secret: leaf.isSecret(k) }).toEqual({ k, secret: false });
  });
});
