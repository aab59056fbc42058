/**
 * What the engine's per-run caching and run settings must not change: the `tls` provider's
 * checks still fail for bad input although it memoises keys, certificates and CA checks,
 * runs do not share that memo, a key source's keys must match the request, the key-identifier
 * aliases render in one pass exactly as before, and `Error.stackTraceLimit` is restored.
 */
import * as crypto from "node:crypto";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
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
