/**
 * Issue 13: a stack created by the previous version (one protected intermediate,
 * `<name>-intermediate-*`, signing every leaf) upgrades on a plain run: nothing protected is
 * replaced, the old intermediate becomes the edge-clients issuer (same certificate, so the same
 * API Shield pin), mesh leaves are re-signed by the new rotating intermediates, and old and new
 * leaves complete handshakes with each other.
 *
 * The previous version's resources are registered here exactly as its code did (same types,
 * names, parents, inputs and options: git show bd02eec:components/internal-ca/internal-ca.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA } from "../../components";
import { allowedUses, privateKeyArgs } from "../../components/internal-ca/profile";
import { runProgram, type PlanResult } from "../../engine";
import { opensslHandshake, writePems } from "../support/pki";

const DAY = 24 * 3600_000;
const T0 = new Date("2026-01-01T04:17:00Z");
const CA_DEFAULTED = ["setAuthorityKeyId", "setSubjectKeyId", "maxPathLength", "earlyRenewalHours", "dnsNames", "ipAddresses", "uris", "privateKeyPemWo", "privateKeyPemWoVersion", "caPrivateKeyPemWo", "caPrivateKeyPemWoVersion"];

class LegacyCa extends pulumi.ComponentResource {
  constructor(name: string) {
    super("edge-mtls:internal-ca:InternalCA", name, {});
    const caOpts = { parent: this, protect: true, ignoreChanges: CA_DEFAULTED };
    const rootKey = new tls.PrivateKey(`${name}-root-key`, privateKeyArgs("ECDSA-P256"), caOpts);
    const root = new tls.SelfSignedCert(
      `${name}-root-cert`,
      { privateKeyPem: rootKey.privateKeyPem, subject: { commonName: `${name} Root CA`, organization: "edge-mtls", organizationalUnit: undefined }, validityPeriodHours: 87600, isCaCertificate: true, allowedUses: allowedUses("ca", "ECDSA-P256"), setSubjectKeyId: true },
      caOpts,
    );
    const interKey = new tls.PrivateKey(`${name}-intermediate-key`, privateKeyArgs("ECDSA-P256"), caOpts);
    const interCsr = new tls.CertRequest(`${name}-intermediate-csr`, { privateKeyPem: interKey.privateKeyPem, subject: { commonName: `${name} Intermediate CA`, organization: "edge-mtls" } }, caOpts);
    const inter = new tls.LocallySignedCert(
      `${name}-intermediate-cert`,
      { certRequestPem: interCsr.certRequestPem, caCertPem: root.certPem, caPrivateKeyPem: rootKey.privateKeyPem, validityPeriodHours: 5 * 8760, isCaCertificate: true, allowedUses: allowedUses("ca", "ECDSA-P256"), setSubjectKeyId: true },
      caOpts,
    );
    this.root = root.certPem;
    this.inter = inter.certPem;
    this.api = this.leaf("api", "server", { commonName: "api.mesh.internal", organization: "edge-mtls" }, ["api.mesh.internal"], interKey, inter);
    this.nginx = this.leaf("nginx", "client", { commonName: "nginx-gateway", organization: "edge-mtls" }, [], interKey, inter);
  }
  readonly root: pulumi.Output<string>;
  readonly inter: pulumi.Output<string>;
  readonly api: { chain: pulumi.Output<string>; key: pulumi.Output<string> };
  readonly nginx: { chain: pulumi.Output<string>; key: pulumi.Output<string> };

  private leaf(n: string, role: "server" | "client", subject: { commonName: string; organization: string }, dnsNames: string[], interKey: tls.PrivateKey, inter: tls.LocallySignedCert) {
    const name = `mesh-${n}`;
    const parent = new (class extends pulumi.ComponentResource {
      constructor(p: pulumi.Resource) {
        super("edge-mtls:internal-ca:IssuedCertificate", name, {}, { parent: p });
      }
    })(this);
    const opts = { parent, replacementTrigger: "generation-0" };
    const key = new tls.PrivateKey(`${name}-key`, privateKeyArgs("ECDSA-P256"), opts);
    const csr = new tls.CertRequest(`${name}-csr`, { privateKeyPem: key.privateKeyPem, subject, dnsNames, ipAddresses: [], uris: [] }, opts);
    const cert = new tls.LocallySignedCert(
      `${name}-cert`,
      { certRequestPem: csr.certRequestPem, caCertPem: inter.certPem, caPrivateKeyPem: pulumi.secret(interKey.privateKeyPemPkcs8), validityPeriodHours: 2160, earlyRenewalHours: 720, allowedUses: allowedUses(role, "ECDSA-P256"), setSubjectKeyId: true },
      opts,
    );
    return { chain: pulumi.all([cert.certPem, inter.certPem]).apply(([l, m]) => `${l.trimEnd()}\n${m.trimEnd()}\n`), key: pulumi.secret(key.privateKeyPemPkcs8) };
  }
}

interface Out {
  bundle: string;
  edge: string;
  api: { chain: string; key: string };
  nginx: { chain: string; key: string };
}

describe("upgrading a stack from the single protected intermediate", () => {
  let before: PlanResult;
  let after: PlanResult;
  beforeAll(async () => {
    before = await runProgram(
      async () => {
        const ca = new LegacyCa("mesh");
        return { bundle: ca.root, edge: ca.inter, api: ca.api, nginx: ca.nginx };
      },
      { now: T0 },
    );
    after = await runProgram(
      async () => {
        const ca = new InternalCA("mesh", { intermediate: true });
        const api = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
        const nginx = ca.issueClientCertificate("nginx", { identity: "nginx-gateway" });
        return { bundle: ca.trustBundle, edge: ca.issuers.edgeClients.issuerCertPem, api: { chain: api.chainPem, key: api.privateKeyPem }, nginx: { chain: nginx.chainPem, key: nginx.privateKeyPem } };
      },
      { now: new Date(T0.getTime() + 10 * DAY), prior: before },
    );
  });

  it("plans no error and replaces nothing protected: the root and the old intermediate stay as they are", () => {
    expect(after.errors).toEqual([]);
    const kept = after.resources.filter((r) => /^mesh-(root|intermediate)-/.test(r.name));
    expect(kept.map((r) => [r.name, r.op, r.protect]).sort()).toEqual([
      ["mesh-intermediate-cert", "same", true],
      ["mesh-intermediate-csr", "same", true],
      ["mesh-intermediate-key", "same", true],
      ["mesh-root-cert", "same", true],
      ["mesh-root-key", "same", true],
    ]);
  });

  it("keeps the old intermediate as the edge-clients issuer, so the API Shield pin does not change", () => {
    const o0 = before.outputs as unknown as Out;
    const o1 = after.outputs as unknown as Out;
    expect(o1.edge).toBe(o0.edge);
    expect(o1.bundle).toBe(o0.bundle);
  });

  it("creates the rotating mesh intermediates and re-signs the mesh leaves from them", () => {
    expect(after.changes().filter((r) => r.op === "create" && r.type === "tls:index/locallySignedCert:LocallySignedCert").map((r) => r.name).sort()).toEqual([
      "mesh-mesh-clients-ca-0-cert",
      "mesh-mesh-clients-ca-1-cert",
      "mesh-mesh-servers-ca-0-cert",
      "mesh-mesh-servers-ca-1-cert",
    ]);
    expect(after.changes().filter((r) => r.op === "replace" && r.name.endsWith("-cert")).map((r) => r.name).sort()).toEqual(["mesh-api-cert", "mesh-nginx-cert"]);
  });

  it("lets old and new leaves complete handshakes with each other (peers trust the unchanged root)", async () => {
    const o0 = before.outputs as unknown as Out;
    const o1 = after.outputs as unknown as Out;
    const attime = new Date(T0.getTime() + 10 * DAY + 3600_000);
    for (const [s, c] of [[o0, o1], [o1, o0], [o1, o1]] as const) {
      const f = writePems({ sc: s.api.chain, sk: s.api.key, sca: s.bundle, cc: c.nginx.chain, ck: c.nginx.key, cca: c.bundle });
      const r = await opensslHandshake({ server: { cert: f.path.sc, key: f.path.sk, caFile: f.path.sca }, client: { cert: f.path.cc, key: f.path.ck, caFile: f.path.cca, servername: "api.mesh.internal" }, attime });
      expect(r.error).toBeUndefined();
    }
  });
});
