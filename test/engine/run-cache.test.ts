/**
 * What the engine's per-run caching and run settings must not change: the `tls` provider's
 * checks still fail for bad input although it memoises keys, certificates and CA checks,
 * what it memoises across the certificates of one run (usage extensions, issuers, its own
 * requests) never leaks from one certificate into another, runs do not share that memo, a key source's keys must match the request, the key-identifier
 * aliases render in one pass exactly as before, and `Error.stackTraceLimit` is restored.
 */
import * as crypto from "node:crypto";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
import { x509 } from "../../components/common/x509";
import { runProgram, type PlanResult } from "../../engine";
import { keyIdentifierReplacer } from "../../engine/render";
import { createTlsProvider, generatePrivateKey, tlsProvider } from "../../engine/providers/tls";
import { randomProvider } from "../../engine/providers/random";
import { cloudProvider } from "../../engine/providers/cloud";

const NOW = new Date("2026-12-01T00:00:00Z");

/** A CA (key A, self-signed) and a second key B. */
function caAndKeys() {
  const a = new tls.PrivateKey("a", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const b = new tls.PrivateKey("b", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const ca = new tls.SelfSignedCert("ca", { privateKeyPem: a.privateKeyPem, subject: { commonName: "ca" }, isCaCertificate: true, validityPeriodHours: 100, allowedUses: ["cert_signing"] });
  const leafKey = new tls.PrivateKey("leaf-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const csr = new tls.CertRequest("leaf-csr", { privateKeyPem: leafKey.privateKeyPem, subject: { commonName: "leaf" } });
  return { a, b, ca, csr };
}

describe("tls provider's per-run cache", () => {
  it("refuses a CA key that does not match its certificate, also after the matching key was checked in the same run", async () => {
    const run = runProgram(
      () => {
        const { a, b, ca, csr } = caAndKeys();
        const ok = new tls.LocallySignedCert("ok", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: a.privateKeyPem, validityPeriodHours: 10, allowedUses: ["server_auth"] });
        // Only once the matching pair has been checked (and cached) does the mismatched one run.
        const bad = ok.certPem.apply(() => new tls.LocallySignedCert("bad", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: b.privateKeyPem, validityPeriodHours: 10, allowedUses: ["server_auth"] }).certPem);
        return { ok: ok.certPem, bad };
      },
      { now: NOW },
    );
    await expect(run).rejects.toThrow(/caPrivateKeyPem does not match caCertPem/);
  });

  it("verifies a certificate request it did not create itself and refuses one whose signature is broken", async () => {
    const run = runProgram(
      () => {
        const { a, ca, csr } = caAndKeys();
        // The same CSR with one signature byte flipped: a request this run never signed.
        const tampered = csr.certRequestPem.apply((pem) => {
          const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
          der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0x01;
          return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE REQUEST-----\n`;
        });
        return { cert: new tls.LocallySignedCert("t", { certRequestPem: tampered, caCertPem: ca.certPem, caPrivateKeyPem: a.privateKeyPem, validityPeriodHours: 10, allowedUses: ["server_auth"] }).certPem };
      },
      { now: NOW },
    );
    await expect(run).rejects.toThrow(/certificate request signature is invalid/);
  });

  it("gives every run its own cache instance", () => {
    const first = tlsProvider.forRun?.();
    const second = tlsProvider.forRun?.();
    expect(first).toBeDefined();
    expect(first).not.toBe(second);
  });
});

/** One run's provider and a `create` per resource type, as the monitor calls it. */
function oneRun() {
  const provider = createTlsProvider().forRun?.();
  if (!provider) throw new Error("the tls provider has no per-run instances");
  const create = async (type: string, inputs: Record<string, unknown>) => (await provider.create(inputs, { type: `tls:index/${type}`, name: "x", urn: `urn:${type}`, now: NOW })).outputs;
  return {
    create,
    key: () => create("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" }),
    ca: (key: Record<string, unknown>, commonName: string) => create("selfSignedCert:SelfSignedCert", { privateKeyPem: key.privateKeyPem, subject: { commonName }, isCaCertificate: true, validityPeriodHours: 100, allowedUses: ["cert_signing"] }),
    csr: (key: Record<string, unknown>, commonName: string) => create("certRequest:CertRequest", { privateKeyPem: key.privateKeyPem, subject: { commonName }, dnsNames: [commonName] }),
    issue: (csr: Record<string, unknown>, caKey: Record<string, unknown>, ca: Record<string, unknown>, more: Record<string, unknown>) =>
      create("locallySignedCert:LocallySignedCert", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: caKey.privateKeyPem, validityPeriodHours: 10, ...more }),
    sign: async (csr: Record<string, unknown>, caKey: Record<string, unknown>, ca: Record<string, unknown>, more: Record<string, unknown>) =>
      parsed(await create("locallySignedCert:LocallySignedCert", { certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: caKey.privateKeyPem, validityPeriodHours: 10, ...more })),
  };
}

/** Asserts that `issuer` signed `leaf`: its subject as the issuer name, its key identifier as AKI, its key's signature. */
async function expectIssuedBy(leaf: x509.X509Certificate, issuer: x509.X509Certificate): Promise<void> {
  expect(leaf.issuer).toBe(issuer.subject);
  expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  expect(await leaf.verify({ publicKey: issuer.publicKey, signatureOnly: true })).toBe(true);
}

function parsed(cert: Record<string, unknown>): x509.X509Certificate {
  return new x509.X509Certificate(String(cert.certPem));
}

describe("tls provider's per-run cache, across certificates of one run", () => {
  it("gives each set of allowedUses its own key usages", async () => {
    const run = oneRun();
    const caKey = await run.key();
    const ca = await run.ca(caKey, "ca");
    const csr = await run.csr(await run.key(), "leaf");
    const server = await run.sign(csr, caKey, ca, { allowedUses: ["digital_signature", "server_auth"] });
    const client = await run.sign(csr, caKey, ca, { allowedUses: ["key_encipherment", "client_auth"] });
    expect(server.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(server.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(client.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.keyEncipherment);
    expect(client.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("gives a CA certificate and a leaf with the same allowedUses their own basic constraints", async () => {
    const run = oneRun();
    const caKey = await run.key();
    const ca = await run.ca(caKey, "ca");
    const csr = await run.csr(await run.key(), "sub");
    const intermediate = await run.sign(csr, caKey, ca, { allowedUses: ["cert_signing"], isCaCertificate: true, maxPathLength: 1 });
    const leaf = await run.sign(csr, caKey, ca, { allowedUses: ["cert_signing"] });
    const again = await run.sign(csr, caKey, ca, { allowedUses: ["cert_signing"], isCaCertificate: true });
    expect(intermediate.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 1 });
    expect(leaf.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false, pathLength: undefined });
    expect(again.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: undefined });
  });

  it("names each certificate's own issuer and authority key identifier when two CAs sign in one run", async () => {
    const run = oneRun();
    const [keyA, keyB] = [await run.key(), await run.key()];
    const [caA, caB] = [await run.ca(keyA, "CA A"), await run.ca(keyB, "CA B")];
    const csr = await run.csr(await run.key(), "leaf");
    for (const [key, ca] of [[keyA, caA], [keyB, caB], [keyA, caA]] as const) {
      const leaf = await run.sign(csr, key, ca, { allowedUses: ["server_auth"] });
      await expectIssuedBy(leaf, parsed(ca));
    }
  });

  it("signs with an intermediate CA the run issued as with one it parsed: its subject as issuer, its key identifier, its key", async () => {
    const run = oneRun();
    const rootKey = await run.key();
    const root = await run.ca(rootKey, "root");
    const subKey = await run.key();
    // The intermediate's certPem exactly as the run output it: the run signs with what it recorded.
    const subOutputs = await run.issue(await run.csr(subKey, "intermediate"), rootKey, root, { allowedUses: ["cert_signing"], isCaCertificate: true });
    const leaf = await run.sign(await run.csr(await run.key(), "leaf"), subKey, subOutputs, { allowedUses: ["server_auth"] });
    await expectIssuedBy(leaf, parsed(subOutputs));
  });

  it("gives no authority key identifier to certificates of an issuer without a subject key identifier", async () => {
    const run = oneRun();
    const caKey = await run.key();
    // Not a CA certificate, no setSubjectKeyId: no SKI, although setAuthorityKeyId makes the provider compute one for its AKI.
    const issuer = await run.create("selfSignedCert:SelfSignedCert", { privateKeyPem: caKey.privateKeyPem, subject: { commonName: "issuer" }, setAuthorityKeyId: true, validityPeriodHours: 10, allowedUses: ["cert_signing"] });
    expect(parsed(issuer).getExtension(x509.SubjectKeyIdentifierExtension)).toBeNull();
    expect(parsed(issuer).getExtension(x509.AuthorityKeyIdentifierExtension)).not.toBeNull();
    const leaf = await run.sign(await run.csr(await run.key(), "leaf"), caKey, issuer, { allowedUses: ["server_auth"] });
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)).toBeNull();
  });

  it("signs a request another run made, after verifying it, into the same subject and SANs as its own request gives", async () => {
    const made = oneRun();
    const foreignCsr = await made.csr(await made.key(), "svc.mesh.internal");
    const run = oneRun();
    const caKey = await run.key();
    const ca = await run.ca(caKey, "ca");
    const ownCsr = await run.csr(await run.key(), "svc.mesh.internal");
    const foreign = await run.sign(foreignCsr, caKey, ca, { allowedUses: ["server_auth"] });
    const own = await run.sign(ownCsr, caKey, ca, { allowedUses: ["server_auth"] });
    expect(foreign.subject).toBe(own.subject);
    expect(Buffer.from(foreign.getExtension("2.5.29.17")?.rawData ?? new ArrayBuffer(0)).toString("hex")).toBe(Buffer.from(own.getExtension("2.5.29.17")?.rawData ?? new ArrayBuffer(1)).toString("hex"));
  });
});

describe("tls provider key source", () => {
  it("uses a supplied key for a PrivateKey, through the provider's own encodings", async () => {
    const supplied = generatePrivateKey({ algorithm: "RSA", rsaBits: 2048, ecdsaCurve: "P224" });
    let asked = 0;
    const providers = [createTlsProvider({ keySource: () => (asked++ === 0 ? supplied : undefined) }), randomProvider, cloudProvider];
    const plan: PlanResult = await runProgram(() => ({ pem: new tls.PrivateKey("k", { algorithm: "RSA", rsaBits: 2048 }).publicKeyPem }), { now: NOW, providers });
    const expected = crypto.createPublicKey(supplied).export({ type: "spki", format: "pem" }).toString();
    expect(plan.outputs.pem).toBe(expected);
    expect(plan.find("tls:index/privateKey:PrivateKey").outputs.publicKeyOpenssh).toMatch(/^ssh-rsa AAAA/);
  });

  it("refuses a supplied key that is not what the PrivateKey asks for", async () => {
    const wrong = generatePrivateKey({ algorithm: "ECDSA", rsaBits: 0, ecdsaCurve: "P256" });
    const providers = [createTlsProvider({ keySource: () => wrong }), randomProvider, cloudProvider];
    await expect(runProgram(() => ({ pem: new tls.PrivateKey("k", { algorithm: "RSA", rsaBits: 2048 }).publicKeyPem }), { now: NOW, providers })).rejects.toThrow(/supplied a key that is not RSA 2048/);
  });
});

describe("key-identifier aliases in one pass", () => {
  it("replaces plain and colon-separated identifiers, in any case, by their labels", () => {
    const a = "0123456789abcdef0123456789abcdef01234567";
    const b = "fedcba9876543210fedcba9876543210fedcba98";
    const colons = (h: string) => h.replace(/(..)(?!$)/g, "$1:");
    const replace = keyIdentifierReplacer([
      [new RegExp(`${a}|${colons(a)}`, "gi"), "{SKI of a}"],
      [new RegExp(`${b}|${colons(b)}`, "gi"), "{SKI of b}"],
    ]);
    expect(replace(`x ${a.toUpperCase()} y ${colons(b)} z ${a}`)).toBe("x {SKI of a} y {SKI of b} z {SKI of a}");
    expect(replace("nothing here")).toBe("nothing here");
  });
});

describe("Error.stackTraceLimit during a run", () => {
  it("is the run's setting while the program runs and is restored after, also when the program throws", async () => {
    const before = Error.stackTraceLimit;
    let during = -1;
    await runProgram(() => {
      during = Error.stackTraceLimit;
      return {};
    }, { now: NOW, stackTraceLimit: 2 });
    expect(during).toBe(2);
    expect(Error.stackTraceLimit).toBe(before);
    await expect(runProgram(() => {
      throw new Error("the program's own message");
    }, { now: NOW })).rejects.toThrow("the program's own message");
    expect(Error.stackTraceLimit).toBe(before);
  });
});

describe("key-identifier aliases: the same matches as one alternation of all identifiers", () => {
  it("prefers the longest identifier at a position, finds identifiers inside longer hex runs and resumes after each match", () => {
    const ids: Array<[string, string]> = [
      ["abcd", "{A}"],
      ["abcdef", "{AB}"],
      ["cdef01", "{C}"],
      ["ab:cd", "{A:}"],
    ];
    const replace = keyIdentifierReplacer(ids.map(([h, l]) => [new RegExp(h, "gi"), l]));
    const alternation = new RegExp([...ids].map(([h]) => h).sort((x, y) => y.length - x.length).join("|"), "gi");
    const byAlternation = (s: string) => s.replace(alternation, (m) => ids.find(([h]) => h === m.toLowerCase())?.[1] ?? m);
    for (const text of ["abcdef01", "xxABCDxx", "00abcdef0100", "ab:cd:ef", "cdef01abcd", "abcabcd", "a-b:cd ab:cdab", "", "zz"]) {
      expect(replace(text)).toBe(byAlternation(text));
    }
    expect(replace("00abcdef0100")).toBe("00{AB}0100");
  });
});
