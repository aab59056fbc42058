/**
 * Issue 3 acceptance: the X.509 profile of each role (CA, intermediate, server, client), read
 * from certificates the engine minted, twice: with `openssl x509 -text` and with
 * @peculiar/x509. Also validity and key sizes, and `openssl verify -purpose` per role.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InternalCA, type InternalCAArgs, type KeyAlgorithm } from "../../components";
import { x509 } from "../../components/common/x509";
import { runProgram } from "../../engine";
import { opensslText, opensslVerify, writePems } from "../support/pki";
import { pooledProviders } from "../support/key-pool";

const DAY = 24 * 3600_000;
/** The engine clock for every run here. */
const T0 = new Date("2026-03-01T12:00:00Z");

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const KU = x509.KeyUsageFlags;

interface Minted {
  root: string;
  issuer: string;
  clientIssuer: string;
  edgeIssuer: string;
  bundle: string;
  server: string;
  serverChain: string;
  client: string;
  clientChain: string;
  defaultOrgClient: string;
}

function profileProgram(caArgs: InternalCAArgs) {
  return async () => {
    const ca = new InternalCA("mesh", { protect: false, subject: { commonName: "Mesh Root CA", organization: "edge-mtls" }, ...caArgs });
    const server = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal", "*.api.mesh.internal"], ipAddresses: ["10.0.0.12", "fd00::12"] });
    const client = ca.issueClientCertificate("nginx", { identity: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"], organization: "platform" });
    const defaultOrgClient = ca.issueClientCertificate("batch", { identity: "batch-job" });
    return {
      root: ca.rootCertPem,
      issuer: ca.issuerCertPem,
      clientIssuer: ca.issuers.meshClients.issuerCertPem,
      edgeIssuer: ca.issuers.edgeClients.issuerCertPem,
      bundle: ca.trustBundle,
      server: server.certPem,
      serverChain: server.chainPem,
      client: client.certPem,
      clientChain: client.chainPem,
      defaultOrgClient: defaultOrgClient.certPem,
    };
  };
}

async function mintProfile(caArgs: InternalCAArgs = {}): Promise<Minted> {
  return (await runProgram(profileProgram(caArgs), { now: T0, providers: pooledProviders() })).outputs as unknown as Minted;
}

/** `openssl x509 -text` of the first certificate in `pem`. */
async function text(pem: string): Promise<string> {
  return opensslText(writePems({ cert: pem }).path.cert);
}

const parse = (pem: string) => new x509.X509Certificate(pem);
const ski = (c: x509.X509Certificate) => c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
const aki = (c: x509.X509Certificate) => c.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
const ekus = (c: x509.X509Certificate) => c.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String);
const keyUsage = (c: x509.X509Certificate) => c.getExtension(x509.KeyUsagesExtension);
const basic = (c: x509.X509Certificate) => c.getExtension(x509.BasicConstraintsExtension);
const sans = (c: x509.X509Certificate) => c.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [];

let ec: Minted;
let withIntermediate: Minted;
let rsa: Minted;
beforeAll(async () => {
  ec = await mintProfile();
  withIntermediate = await mintProfile({ intermediate: true });
  rsa = await mintProfile({ keyAlgorithm: "RSA-4096" });
});

describe("root CA", () => {
  it("has basicConstraints critical CA:TRUE", async () => {
    expect(await text(ec.root)).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(basic(parse(ec.root))).toMatchObject({ critical: true, ca: true });
  });

  it("has keyUsage critical Certificate Sign and CRL Sign, nothing else", async () => {
    expect(await text(ec.root)).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(keyUsage(parse(ec.root))).toMatchObject({ critical: true, usages: KU.keyCertSign | KU.cRLSign });
  });

  it("has a subject key identifier", async () => {
    expect(await text(ec.root)).toMatch(/X509v3 Subject Key Identifier:\s+[0-9A-F]{2}(:[0-9A-F]{2}){19}\n/);
    expect(ski(parse(ec.root))).toMatch(/^[0-9a-f]{40}$/);
  });

  it("is self-signed with the configured subject", async () => {
    const root = parse(ec.root);
    expect(root.subjectName.getField("CN")).toEqual(["Mesh Root CA"]);
    expect(root.subjectName.getField("O")).toEqual(["edge-mtls"]);
    expect(root.issuer).toBe(root.subject);
    expect(await root.verify({ signatureOnly: true })).toBe(true);
  });

  it("is valid for 10 years (3650 days) from the engine clock by default", () => {
    const root = parse(ec.root);
    expect(root.notBefore.toISOString()).toBe(T0.toISOString());
    expect(root.notAfter.getTime() - root.notBefore.getTime()).toBe(3650 * DAY);
  });
});

describe("intermediate CA", () => {
  it("is signed by the root", async () => {
    const [inter, root] = [parse(withIntermediate.issuer), parse(withIntermediate.root)];
    expect(inter.issuer).toBe(root.subject);
    expect(await inter.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    const f = writePems({ root: withIntermediate.root, inter: withIntermediate.issuer });
    const r = await opensslVerify({ caFile: f.path.root, cert: f.path.inter, attime: new Date(T0.getTime() + DAY) });
    expect(r.ok, r.output).toBe(true);
  });

  it("names the root's subject key identifier as its authority key identifier", async () => {
    const [inter, root] = [parse(withIntermediate.issuer), parse(withIntermediate.root)];
    expect(aki(inter)).toBe(ski(root));
    expect(await text(withIntermediate.issuer)).toMatch(/X509v3 Authority Key Identifier:\s+(keyid:)?[0-9A-F:]{59}\n/);
  });

  it("has basicConstraints critical CA:TRUE and the CA key usages", async () => {
    const t = await text(withIntermediate.issuer);
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(t).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(basic(parse(withIntermediate.issuer))).toMatchObject({ critical: true, ca: true });
  });

  it("signs server leaves with the mesh-servers intermediate and client leaves with the mesh-clients intermediate", () => {
    expect(aki(parse(withIntermediate.server))).toBe(ski(parse(withIntermediate.issuer)));
    expect(aki(parse(withIntermediate.client))).toBe(ski(parse(withIntermediate.clientIssuer)));
  });

  it("has one issuing intermediate per purpose, each signed by the root, with distinct keys and subjects", async () => {
    const pems = [withIntermediate.issuer, withIntermediate.clientIssuer, withIntermediate.edgeIssuer];
    expect(new Set(pems.map((p) => ski(parse(p)))).size).toBe(3);
    expect(pems.map((p) => parse(p).subject)).toEqual(["O=edge-mtls, CN=mesh Mesh Servers CA", "O=edge-mtls, CN=mesh Mesh Clients CA", "O=edge-mtls, CN=mesh Edge Clients CA"]);
    for (const p of pems) expect(aki(parse(p))).toBe(ski(parse(withIntermediate.root)));
  });
});

describe("server certificate", () => {
  it("has keyUsage critical Digital Signature only for an ECDSA key", async () => {
    expect(await text(ec.server)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(keyUsage(parse(ec.server))).toMatchObject({ critical: true, usages: KU.digitalSignature });
  });

  it("adds Key Encipherment for an RSA key", async () => {
    expect(await text(rsa.server)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(keyUsage(parse(rsa.server))?.usages).toBe(KU.digitalSignature | KU.keyEncipherment);
  });

  it("has the serverAuth extended key usage only", async () => {
    expect(await text(ec.server)).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(ekus(parse(ec.server))).toEqual([SERVER_AUTH]);
  });

  it("carries the DNS and IP SANs", async () => {
    expect(await text(ec.server)).toMatch(/DNS:api\.mesh\.internal, DNS:\*\.api\.mesh\.internal, IP Address:10\.0\.0\.12, IP Address:FD00:0:0:0:0:0:0:12\n/);
    expect(sans(parse(ec.server))).toEqual([
      { type: "dns", value: "api.mesh.internal" },
      { type: "dns", value: "*.api.mesh.internal" },
      { type: "ip", value: "10.0.0.12" },
      { type: "ip", value: "fd00::12" },
    ]);
  });

  it("uses the first DNS name as its common name", () => {
    expect(parse(ec.server).subjectName.getField("CN")).toEqual(["api.mesh.internal"]);
  });

  it("is not a CA (basicConstraints CA:FALSE)", async () => {
    expect(await text(ec.server)).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE\n/);
    expect(basic(parse(ec.server))?.ca).toBe(false);
  });

  it("names its issuer's subject key identifier as its authority key identifier", () => {
    expect(aki(parse(ec.server))).toBe(ski(parse(ec.root)));
  });
});

describe("client certificate", () => {
  it("has keyUsage critical Digital Signature only", async () => {
    expect(await text(ec.client)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(keyUsage(parse(ec.client))?.usages).toBe(KU.digitalSignature);
  });

  it("keeps keyUsage at Digital Signature for an RSA key too", () => {
    expect(keyUsage(parse(rsa.client))?.usages).toBe(KU.digitalSignature);
  });

  it("has the clientAuth extended key usage only", async () => {
    expect(await text(ec.client)).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(ekus(parse(ec.client))).toEqual([CLIENT_AUTH]);
  });

  it("carries the identity as CN and the requested organization as O", async () => {
    expect(await text(ec.client)).toMatch(/Subject: O\s?=\s?platform, CN\s?=\s?nginx-gateway\n/);
    const subject = parse(ec.client).subjectName;
    expect(subject.getField("CN")).toEqual(["nginx-gateway"]);
    expect(subject.getField("O")).toEqual(["platform"]);
  });

  it("takes the CA's organization when none is given", () => {
    expect(parse(ec.defaultOrgClient).subjectName.getField("O")).toEqual(["edge-mtls"]);
  });

  it("carries the URI SAN (SPIFFE ID)", async () => {
    expect(await text(ec.client)).toMatch(/X509v3 Subject Alternative Name:\s+URI:spiffe:\/\/mesh\.internal\/nginx-gateway\n/);
    expect(sans(parse(ec.client))).toEqual([{ type: "url", value: "spiffe://mesh.internal/nginx-gateway" }]);
  });

  it("is not a CA and names its issuer's key", () => {
    const c = parse(ec.client);
    expect(basic(c)?.ca).toBe(false);
    expect(aki(c)).toBe(ski(parse(ec.root)));
  });
});

describe("validity", () => {
  it("starts leaves at the engine clock and ends them 90 days later by default", async () => {
    for (const pem of [ec.server, ec.client]) {
      const c = parse(pem);
      expect(c.notBefore.toISOString()).toBe(T0.toISOString());
      expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(90 * DAY);
    }
    const t = await text(ec.server);
    expect(t).toMatch(/Not Before: Mar {2}1 12:00:00 2026 GMT/);
    expect(t).toMatch(/Not After : May 30 12:00:00 2026 GMT/);
  });
});

describe("key algorithms", () => {
  let leaves: Record<KeyAlgorithm, string>;
  beforeAll(async () => {
    const algorithms: KeyAlgorithm[] = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"];
    const plan = await runProgram(
      async () => {
        const ca = new InternalCA("algs", { protect: false });
        return Object.fromEntries(algorithms.map((a) => [a, ca.issueClientCertificate(a.toLowerCase(), { identity: a, keyAlgorithm: a }).certPem]));
      },
      { now: T0, providers: pooledProviders() },
    );
    leaves = plan.outputs as Record<KeyAlgorithm, string>;
  });

  it("uses ECDSA P-256 for the CA and leaves by default", async () => {
    for (const pem of [ec.root, ec.server, ec.client]) {
      const t = await text(pem);
      expect(t).toMatch(/Public Key Algorithm: id-ecPublicKey/);
      expect(t).toMatch(/Public-Key: \(256 bit\)/);
      expect(t).toMatch(/ASN1 OID: prime256v1/);
    }
  });

  it("gives an RSA-4096 CA RSA-2048 leaves by default (seed 004)", async () => {
    expect(await text(rsa.root)).toMatch(/Public-Key: \(4096 bit\)/);
    expect(await text(rsa.server)).toMatch(/Public-Key: \(2048 bit\)/);
    expect(await text(rsa.client)).toMatch(/Public-Key: \(2048 bit\)/);
  });

  it.each([
    ["ECDSA-P256", /Public-Key: \(256 bit\)[\s\S]*ASN1 OID: prime256v1/],
    ["ECDSA-P384", /Public-Key: \(384 bit\)[\s\S]*ASN1 OID: secp384r1/],
    ["RSA-2048", /rsaEncryption\s+Public-Key: \(2048 bit\)/],
    ["RSA-3072", /rsaEncryption\s+Public-Key: \(3072 bit\)/],
    ["RSA-4096", /rsaEncryption\s+Public-Key: \(4096 bit\)/],
  ] as const)("issues an %s leaf key when asked", async (algorithm, expected) => {
    expect(await text(leaves[algorithm])).toMatch(expected);
  });
});

describe("openssl verify -purpose (at the engine clock + 1 day)", () => {
  const attime = new Date(T0.getTime() + DAY);
  for (const [label, m] of [
    ["root-issued", () => ec],
    ["intermediate-issued", () => withIntermediate],
  ] as const) {
    it(`accepts the ${label} server certificate as sslserver and refuses it as sslclient`, async () => {
      const f = writePems({ bundle: m().bundle, chain: m().serverChain });
      const asServer = await opensslVerify({ caFile: f.path.bundle, cert: f.path.chain, untrusted: f.path.chain, purpose: "sslserver", attime });
      expect(asServer.ok, asServer.output).toBe(true);
      const asClient = await opensslVerify({ caFile: f.path.bundle, cert: f.path.chain, untrusted: f.path.chain, purpose: "sslclient", attime });
      expect(asClient.ok).toBe(false);
      expect(asClient.output).toMatch(/error 26 .*(unsuitable|unsupported) certificate purpose/);
    });

    it(`accepts the ${label} client certificate as sslclient and refuses it as sslserver`, async () => {
      const f = writePems({ bundle: m().bundle, chain: m().clientChain });
      const asClient = await opensslVerify({ caFile: f.path.bundle, cert: f.path.chain, untrusted: f.path.chain, purpose: "sslclient", attime });
      expect(asClient.ok, asClient.output).toBe(true);
      const asServer = await opensslVerify({ caFile: f.path.bundle, cert: f.path.chain, untrusted: f.path.chain, purpose: "sslserver", attime });
      expect(asServer.ok).toBe(false);
      expect(asServer.output).toMatch(/error 26 .*(unsuitable|unsupported) certificate purpose/);
    });
  }
});
