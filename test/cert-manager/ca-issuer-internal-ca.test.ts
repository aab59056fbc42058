/**
 * The CA issuer backed by a real InternalCA (with an intermediate): the key pair Secret is in
 * the format cert-manager's CA issuer reads, and what it holds is a working CA — checked
 * with OpenSSL, not by string comparison.
 */
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { CertManagerIssuer, InternalCA } from "../../components";
import { splitPem } from "../../components/common/pem";
import { runProgram, type PlanResult } from "../../engine";
import { validateCustomResource } from "../support/crd";
import { opensslVerify, writePems } from "../support/pki";

let plan: PlanResult;
let data: Record<string, string>;
let leafPem: string;

beforeAll(async () => {
  plan = await runProgram(async () => {
    const ca = new InternalCA("mesh", { intermediate: true, protect: false });
    new CertManagerIssuer("internal", { install: false, issuer: { type: "ca", authority: ca } });
    // A leaf signed by the same issuing key stands in for what cert-manager would sign.
    const leaf = ca.issueServerCertificate("probe", { dnsNames: ["probe.mesh.internal"] });
    return { leaf: leaf.certPem };
  });
  data = plan.find("kubernetes:core/v1:Secret", /ca-key-pair$/).inputs.stringData as Record<string, string>;
  leafPem = (plan.outputs as { leaf: string }).leaf;
});

describe("CA issuer from InternalCA", () => {
  it("writes a kubernetes.io/tls Secret with tls.crt, tls.key and ca.crt, all secret", () => {
    const secret = plan.find("kubernetes:core/v1:Secret", /ca-key-pair$/);
    expect(secret.inputs.type).toBe("kubernetes.io/tls");
    expect(Object.keys(data).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    expect(secret.isSecret("stringData")).toBe(true);
  });

  it("puts the intermediate first in tls.crt, then the root (ca.crt)", () => {
    const subjects = splitPem(data["tls.crt"] ?? "").map((pem) => execFileSync("openssl", ["x509", "-noout", "-subject"], { input: pem }).toString().trim());
    expect(subjects).toEqual(["subject=O = edge-mtls, CN = mesh Mesh Servers CA", "subject=O = edge-mtls, CN = mesh Root CA"]);
    expect(splitPem(data["tls.crt"] ?? "")[1]).toBe(splitPem(data["ca.crt"] ?? "")[0]);
  });

  it("holds the private key of the intermediate certificate in tls.key", () => {
    const f = writePems({ chain: data["tls.crt"] ?? "", key: data["tls.key"] ?? "" });
    const certPub = execFileSync("openssl", ["x509", "-in", f.path.chain, "-noout", "-pubkey"]).toString();
    const keyPub = execFileSync("openssl", ["pkey", "-in", f.path.key, "-pubout"]).toString();
    expect(keyPub).toBe(certPub);
  });

  it("verifies a certificate signed by that key against ca.crt, with tls.crt as the chain", async () => {
    const f = writePems({ ca: data["ca.crt"] ?? "", chain: data["tls.crt"] ?? "", leaf: leafPem });
    const r = await opensslVerify({ caFile: f.path.ca, untrusted: f.path.chain, cert: f.path.leaf, purpose: "sslserver" });
    expect(r.output).toMatch(/OK/);
    expect(r.ok).toBe(true);
  });

  it("renders a ClusterIssuer that validates against the cert-manager CRD and references the Secret", () => {
    const issuer = plan.find("kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(validateCustomResource(issuer.inputs as { apiVersion: string; kind: string })).toEqual([]);
    const secretName = (plan.find("kubernetes:core/v1:Secret", /ca-key-pair$/).inputs.metadata as { name: string }).name;
    expect((issuer.inputs.spec as { ca: { secretName: string } }).ca.secretName).toBe(secretName);
  });
});
