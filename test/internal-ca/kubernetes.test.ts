/**
 * Issue 3 acceptance: certificates written into Kubernetes in the shapes consumers read —
 * `kubernetes.io/tls` Secrets (`tls.crt` full chain, `tls.key`, `ca.crt`) and CA bundles
 * holding `ca.crt` only — with key material kept secret and the chain verifying for real.
 */
import * as crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { caBundleConfigMap, caBundleSecret, InternalCA, tlsSecret } from "../../components";
import { splitPem } from "../../components/common/pem";
import { x509 } from "../../components/common/x509";
import { runProgram, type PlanResult, type RecordedResource } from "../../engine";
import { opensslVerify, writePems } from "../support/pki";

const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

function program(intermediate: boolean) {
  return async () => {
    const ca = new InternalCA("mesh", { protect: false, intermediate });
    const api = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
    tlsSecret("api-tls", api, { namespace: "apps" });
    caBundleSecret("mesh-ca", ca.trustBundle, { namespace: "traefik", name: "mesh-client-ca", labels: { team: "platform" } });
    caBundleConfigMap("mesh-ca-bundle", ca.trustBundle, { namespace: "apps" });
    return { bundle: ca.trustBundle, root: ca.rootCertPem, leaf: api.certPem, intermediate: ca.intermediateCertPem };
  };
}

interface Out {
  bundle: string;
  root: string;
  leaf: string;
  intermediate?: string;
}

const stringData = (r: RecordedResource) => r.inputs.stringData as Record<string, string>;
const cn = (pem: string) => new x509.X509Certificate(pem).subjectName.getField("CN")[0];

let flat: PlanResult;
let chained: PlanResult;
beforeAll(async () => {
  flat = await runProgram(program(false));
  chained = await runProgram(program(true));
});

describe("tlsSecret", () => {
  const secret = (p: PlanResult) => p.find(SECRET, "api-tls");

  it("is of type kubernetes.io/tls", () => {
    expect(secret(flat).inputs.type).toBe("kubernetes.io/tls");
  });

  it("holds exactly tls.crt, tls.key and ca.crt", () => {
    expect(Object.keys(stringData(secret(flat))).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    expect(secret(flat).inputs.data).toBeUndefined();
  });

  it("puts the leaf alone in tls.crt when leaves are signed by the root", () => {
    const certs = splitPem(stringData(secret(flat))["tls.crt"] ?? "");
    expect(certs.map(cn)).toEqual(["api.mesh.internal"]);
  });

  it("puts the full chain in tls.crt, leaf first then the intermediate", () => {
    const out = chained.outputs as unknown as Out;
    const certs = splitPem(stringData(secret(chained))["tls.crt"] ?? "");
    expect(certs.map(cn)).toEqual(["api.mesh.internal", "mesh Mesh Servers CA"]);
    expect(new x509.X509Certificate(certs[0] ?? "").issuer).toBe(new x509.X509Certificate(certs[1] ?? "").subject);
    expect(certs[1]?.trim()).toBe(out.intermediate?.trim());
  });

  it("puts the CA trust bundle (the root, never the intermediate) in ca.crt", () => {
    const out = chained.outputs as unknown as Out;
    const ca = stringData(secret(chained))["ca.crt"] ?? "";
    expect(ca).toBe(out.bundle);
    expect(splitPem(ca).map(cn)).toEqual(["mesh Root CA"]);
  });

  it("puts the private key of the tls.crt leaf in tls.key", () => {
    const data = stringData(secret(chained));
    const key = crypto.createPrivateKey(data["tls.key"] ?? "");
    const leaf = new crypto.X509Certificate(splitPem(data["tls.crt"] ?? "")[0] ?? "");
    expect(leaf.checkPrivateKey(key)).toBe(true);
  });

  it("marks stringData (and so tls.key) as a Pulumi secret", () => {
    const s = secret(chained);
    expect(s.isSecret("stringData")).toBe(true);
    expect(s.isSecret("stringData.tls.key")).toBe(true);
  });

  it.each([
    ["root-signed", () => flat],
    ["intermediate-signed", () => chained],
  ])("holds a %s tls.crt that openssl verifies against its ca.crt as a TLS server", async (_label, plan) => {
    const data = stringData(secret(plan()));
    const f = writePems({ ca: data["ca.crt"] ?? "", crt: data["tls.crt"] ?? "" });
    const r = await opensslVerify({ caFile: f.path.ca, cert: f.path.crt, untrusted: f.path.crt, purpose: "sslserver" });
    expect(r.ok, r.output).toBe(true);
  });

  it("fails openssl verify when tls.crt is checked against another CA's ca.crt (the check can fail)", async () => {
    const f = writePems({ ca: stringData(secret(flat))["ca.crt"] ?? "", crt: stringData(secret(chained))["tls.crt"] ?? "" });
    const r = await opensslVerify({ caFile: f.path.ca, cert: f.path.crt, untrusted: f.path.crt, purpose: "sslserver" });
    expect(r.ok).toBe(false);
  });

  it("names the object after the resource, in the target namespace, labelled as managed by edge-mtls", () => {
    expect(secret(flat).inputs.metadata).toEqual({ name: "api-tls", namespace: "apps", labels: { "app.kubernetes.io/managed-by": "edge-mtls" } });
  });
});

describe("caBundleSecret", () => {
  const secret = (p: PlanResult) => p.find(SECRET, "mesh-ca");

  it("holds ca.crt only, the CA trust bundle", () => {
    const out = chained.outputs as unknown as Out;
    expect(stringData(secret(chained))).toEqual({ "ca.crt": out.bundle });
    expect(secret(chained).inputs.type).toBe("Opaque");
  });

  it("marks stringData as a Pulumi secret", () => {
    expect(secret(chained).isSecret("stringData")).toBe(true);
  });

  it("takes the object name and extra labels from the target", () => {
    expect(secret(chained).inputs.metadata).toEqual({ name: "mesh-client-ca", namespace: "traefik", labels: { "app.kubernetes.io/managed-by": "edge-mtls", team: "platform" } });
  });
});

describe("caBundleConfigMap", () => {
  it("holds ca.crt only, the CA trust bundle, as plain data", () => {
    const out = chained.outputs as unknown as Out;
    const cm = chained.find(CONFIG_MAP, "mesh-ca-bundle");
    expect(cm.inputs.data).toEqual({ "ca.crt": out.bundle });
    expect(splitPem(out.bundle).map(cn)).toEqual(["mesh Root CA"]);
  });
});
