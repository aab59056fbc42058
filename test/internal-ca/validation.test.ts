/**
 * Issue 3 acceptance: every bad InternalCA argument is refused with a message that names the
 * component (`InternalCA "mesh"`), the argument and the fix — at construction, before any
 * resource exists, or (for facts only the state knows, like the CA's remaining life) in the
 * first run that would act on them.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError, InternalCA, type ClientCertificateArgs, type InternalCAArgs, type ServerCertificateArgs } from "../../components";
import { runProgram, type PlanResult } from "../../engine";

const DAY = 24 * 3600_000;

/** A run with one CA named "mesh" (throwaway: unprotected). */
const runCa = (args: InternalCAArgs) =>
  runProgram(async () => {
    new InternalCA("mesh", { protect: false, ...args });
  });

/** A run issuing one server certificate "api" from a CA named "mesh". */
const runServer = (args: ServerCertificateArgs, caArgs: InternalCAArgs = {}) =>
  runProgram(async () => {
    new InternalCA("mesh", { protect: false, ...caArgs }).issueServerCertificate("api", args);
  });

/** A run issuing one client certificate "nginx" from a CA named "mesh". */
const runClient = (args: ClientCertificateArgs, caArgs: InternalCAArgs = {}) =>
  runProgram(async () => {
    new InternalCA("mesh", { protect: false, ...caArgs }).issueClientCertificate("nginx", args);
  });

/** Matches a message holding `parts` in order (each taken literally). */
const inOrder = (...parts: string[]) => new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*"));

/** Runs `build` in a program that catches its error, so that what was registered before the error can be inspected. */
async function registeredBeforeError(build: () => void): Promise<{ error: unknown; plan: PlanResult }> {
  let error: unknown;
  const plan = await runProgram(async () => {
    try {
      build();
    } catch (e) {
      error = e;
    }
  });
  return { error, plan };
}

describe("a valid configuration", () => {
  it("constructs the CA, an intermediate and both leaf kinds without error", async () => {
    const plan = await runProgram(async () => {
      const ca = new InternalCA("mesh", { protect: false, intermediate: true, caValidity: "10y", leafValidity: "90d", renewBefore: "30d" });
      ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal", "*.api.mesh.internal"], ipAddresses: ["10.0.0.12", "fd00::12"] });
      ca.issueClientCertificate("nginx", { identity: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"], validity: "40d", renewBefore: "10d", keyAlgorithm: "RSA-2048" });
    });
    expect(plan.errors).toEqual([]);
    expect(plan.all(undefined, /^mesh/).map((r) => r.name)).toEqual(
      expect.arrayContaining(["mesh", "mesh-root-key", "mesh-root-cert", "mesh-intermediate-cert", "mesh-api-cert", "mesh-nginx-cert"]),
    );
  });
});

describe("durations", () => {
  it.each([
    ["caValidity", { caValidity: "0d" }],
    ["leafValidity", { leafValidity: "0d" }],
    ["renewBefore", { renewBefore: "0h" }],
  ] as const)("refuses a zero %s", async (arg, args) => {
    await expect(runCa(args)).rejects.toThrow(`InternalCA "mesh": ${arg} ("${Object.values(args)[0]}") must be longer than zero`);
  });

  it("refuses a zero leaf validity given to issueServerCertificate", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal"], validity: "0d" })).rejects.toThrow('InternalCA "mesh": issueServerCertificate("api").validity ("0d") must be longer than zero');
  });

  it("refuses an unparseable CA validity and shows the accepted forms", async () => {
    await expect(runCa({ caValidity: "ten years" })).rejects.toThrow('InternalCA "mesh": caValidity ("ten years") is not a duration; write e.g. "90d", "2160h" or "10y"');
  });

  it("refuses an unparseable leaf validity, even an empty one, instead of defaulting it", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal"], validity: "" })).rejects.toThrow('InternalCA "mesh": issueServerCertificate("api").validity ("") is not a duration; write e.g. "90d"');
  });
});

describe("a leaf that would outlive its CA", () => {
  it("refuses a default leaf validity longer than the CA's validity", async () => {
    await expect(runCa({ caValidity: "1y", leafValidity: "400d" })).rejects.toThrow(`InternalCA "mesh": leafValidity (400d) must not exceed the issuing CA's validity (1y)`);
  });

  it("refuses a per-leaf validity longer than the CA's validity", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal"], validity: "2y" }, { caValidity: "1y" })).rejects.toThrow(
      'InternalCA "mesh": issueServerCertificate("api").validity (2y) would outlive the issuing CA (valid 1y); shorten it',
    );
  });

  it("refuses a per-leaf validity longer than a rotating intermediate's overlap", async () => {
    await expect(runClient({ identity: "nginx-gateway", validity: "200d" }, { caValidity: "10y", intermediate: { validity: "1y" } })).rejects.toThrow(
      'InternalCA "mesh": issueClientCertificate("nginx").validity (200d) would outlive the mesh clients intermediate that signs it: a rotating intermediate stays valid 125d after its successor takes over; shorten the validity or lengthen intermediate.validity',
    );
  });

  it("refuses an intermediate too short to rotate one leaf validity before it expires", async () => {
    await expect(runCa({ intermediate: { validity: "180d" } })).rejects.toThrow(
      `InternalCA "mesh": intermediate.validity (180d) is too short for 90d leaves renewed 30d before expiry: an intermediate rotates on a leaf rotation day and must outlive the last leaves it signed; use at least 210d`,
    );
  });

  it("accepts the shortest intermediate it names (210d for 90d leaves renewed 30d before expiry)", async () => {
    await expect(runCa({ intermediate: { validity: "210d" } })).resolves.toBeDefined();
  });

  it("refuses a default leaf validity longer than the edge-clients intermediate's validity", async () => {
    await expect(runCa({ intermediate: { edgeClientsValidity: "60d" } })).rejects.toThrow(`InternalCA "mesh": leafValidity (90d) must not exceed the edge-clients intermediate's validity (60d)`);
  });

  describe("given the CA's remaining life from the state", () => {
    const T0 = new Date("2026-01-01T00:00:00Z");
    const program = async () => {
      const ca = new InternalCA("mesh", { protect: false, caValidity: "1y" });
      ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
    };
    let first: PlanResult;
    beforeAll(async () => {
      first = await runProgram(program, { now: T0 });
    });

    it("still issues a 90-day leaf that ends before the CA does (270 days in)", async () => {
      const plan = await runProgram(program, { now: new Date(T0.getTime() + 270 * DAY), prior: first });
      expect(plan.find("tls:index/locallySignedCert:LocallySignedCert", "mesh-api-cert").op).toBe("replace");
    });

    it("does not fail the run that issues a leaf ending after the CA (300 days in): it warns, with the date and the procedure", async () => {
      const plan = await runProgram(program, { now: new Date(T0.getTime() + 300 * DAY), prior: first });
      expect(plan.errors).toEqual([]);
      expect(plan.find("tls:index/locallySignedCert:LocallySignedCert", "mesh-api-cert").op).toBe("replace");
      expect(plan.warnings.join("\n")).toMatch(/InternalCA "mesh": the root CA "mesh Root CA" can no longer sign a full-length certificate: it expires 2027-01-01, and certificates it signs after 2026-10-03 would outlive it .*docs\/internal-ca.md#ca-rotation/);
    });
  });
});

describe("extraTrustedCaPems", () => {
  let rootA: string;
  let rootB: string;
  let leaf: string;
  beforeAll(async () => {
    const plan = await runProgram(async () => {
      const a = new InternalCA("a", { protect: false });
      const b = new InternalCA("b", { protect: false });
      return { rootA: a.rootCertPem, rootB: b.rootCertPem, leaf: a.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] }).certPem };
    });
    ({ rootA, rootB, leaf } = plan.outputs as { rootA: string; rootB: string; leaf: string });
  });

  it("accepts one CA certificate per entry (the CA-rotation shape)", async () => {
    const plan = await runProgram(async () => ({ bundle: new InternalCA("mesh", { protect: false, extraTrustedCaPems: [rootA, rootB] }).trustBundle }));
    expect((plan.outputs.bundle as string).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });

  it("refuses a chain (two CA PEMs concatenated) where one certificate is expected", async () => {
    await expect(runCa({ extraTrustedCaPems: [`${rootA}${rootB}`] })).rejects.toThrow(
      'InternalCA "mesh": extraTrustedCaPems[0] holds 2 certificates (a chain); give each CA certificate as its own entry',
    );
  });

  it("refuses a chain given as an Output once it resolves", async () => {
    await expect(runCa({ extraTrustedCaPems: [pulumi.output(`${rootA}${rootB}`)] })).rejects.toThrow(
      'InternalCA "mesh": extraTrustedCaPems[0] holds 2 certificates (a chain); give each CA certificate as its own entry',
    );
  });

  it("refuses a certificate that is not a CA", async () => {
    await expect(runCa({ extraTrustedCaPems: [rootA, leaf] })).rejects.toThrow(
      inOrder('InternalCA "mesh": extraTrustedCaPems[1] is not a CA certificate', "CN=api.mesh.internal", "basicConstraints CA:TRUE", "give the issuing CA's certificate"),
    );
  });

  it("refuses an entry that holds no PEM certificate", async () => {
    await expect(runCa({ extraTrustedCaPems: ["not a pem"] })).rejects.toThrow('InternalCA "mesh": extraTrustedCaPems[0] holds no PEM certificate');
  });
});

describe("subject alternative names and identities", () => {
  it("refuses an empty DNS name", async () => {
    await expect(runServer({ dnsNames: [""] })).rejects.toThrow('InternalCA "mesh": issueServerCertificate("api").dnsNames[0] ("") is empty; write a host name such as "api.mesh.internal"');
  });

  it.each([
    ["api_v2.mesh.internal", 'has an invalid label "api_v2" (letters, digits and inner hyphens only)'],
    ["API.mesh.internal", "must be lower case"],
    ["localhost", "must have at least two labels (e.g. api.example.com)"],
    ["api.*.mesh.internal", "may only have `*` as its whole left-most label"],
  ])("refuses the invalid DNS name %j", async (dns, problem) => {
    await expect(runServer({ dnsNames: ["ok.mesh.internal", dns] })).rejects.toThrow(`InternalCA "mesh": issueServerCertificate("api").dnsNames[1] (${JSON.stringify(dns)}) ${problem}`);
  });

  it("refuses a DNS name listed twice", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal", "api.mesh.internal"] })).rejects.toThrow('InternalCA "mesh": issueServerCertificate("api").dnsNames[1] ("api.mesh.internal") is listed twice');
  });

  it.each(["10.0.0.256", "fd00::g", "api.mesh.internal", ""])("refuses the invalid IP address %j", async (ip) => {
    await expect(runServer({ ipAddresses: [ip] })).rejects.toThrow(`InternalCA "mesh": issueServerCertificate("api").ipAddresses[0] (${JSON.stringify(ip)}) is not an IPv4 or IPv6 address`);
  });

  it.each(["mesh.internal/nginx-gateway", "spiffe://mesh.internal/nginx gateway", " spiffe://mesh.internal/nginx", ""])("refuses the invalid URI %j", async (uri) => {
    await expect(runClient({ identity: "nginx-gateway", uris: [uri] })).rejects.toThrow(
      `InternalCA "mesh": issueClientCertificate("nginx").uris[0] (${JSON.stringify(uri)}) is not an absolute URI; write e.g. "spiffe://mesh.internal/nginx-gateway"`,
    );
  });

  it.each(["", " nginx", "-nginx", "nginx gateway", "x".repeat(65)])("refuses the client identity %j", async (identity) => {
    await expect(runClient({ identity })).rejects.toThrow(
      `InternalCA "mesh": issueClientCertificate("nginx").identity (${JSON.stringify(identity)}) must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
    );
  });

  it("refuses a server certificate with no SAN", async () => {
    await expect(runServer({})).rejects.toThrow(
      'InternalCA "mesh": issueServerCertificate("api").dnsNames is empty and so is ipAddresses; a server certificate needs at least one SAN',
    );
  });

  it("refuses a server common name longer than 64 characters", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal"], commonName: "c".repeat(65) })).rejects.toThrow(
      inOrder('InternalCA "mesh": issueServerCertificate("api").commonName', "is longer than 64 characters (RFC 5280 ub-common-name)"),
    );
  });
});

describe("renewal windows", () => {
  it("refuses a CA-wide renewBefore equal to the leaf validity", async () => {
    await expect(runCa({ leafValidity: "90d", renewBefore: "90d" })).rejects.toThrow(
      'InternalCA "mesh": renewBefore (90d) must be shorter than validity (90d); otherwise the certificate would be renewed as soon as it is issued',
    );
  });

  it("refuses a CA-wide renewBefore longer than the leaf validity", async () => {
    await expect(runCa({ leafValidity: "2160h", renewBefore: "2400h" })).rejects.toThrow('InternalCA "mesh": renewBefore (2400h) must be shorter than validity (2160h)');
  });

  it("refuses a per-leaf renewBefore that is not shorter than its validity", async () => {
    await expect(runClient({ identity: "batch-job", validity: "40d", renewBefore: "40d" })).rejects.toThrow(
      'InternalCA "mesh": issueClientCertificate("nginx").renewBefore (40d) must be shorter than validity (40d)',
    );
  });

  it("refuses a per-leaf validity that leaves no room for the CA's default renewBefore", async () => {
    await expect(runClient({ identity: "batch-job", validity: "20d" })).rejects.toThrow('InternalCA "mesh": issueClientCertificate("nginx").renewBefore (30d) must be shorter than validity (20d)');
  });
});

describe("key algorithms", () => {
  it.each(["keyAlgorithm", "leafKeyAlgorithm"] as const)("refuses ED25519 as %s and lists the supported algorithms", async (arg) => {
    await expect(runCa({ [arg]: "ED25519" })).rejects.toThrow(
      `InternalCA "mesh": ${arg} ("ED25519") is not supported; use one of "ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"`,
    );
  });

  it.each(["keyAlgorithm", "leafKeyAlgorithm"] as const)("refuses RSA-1024 as %s and asks for 2048 bits or more", async (arg) => {
    await expect(runCa({ [arg]: "RSA-1024" })).rejects.toThrow(
      `InternalCA "mesh": ${arg} ("RSA-1024") is refused: RSA keys under 2048 bits are breakable; use "RSA-2048" or larger`,
    );
  });

  it("refuses RSA-1024 for a single leaf", async () => {
    await expect(runServer({ dnsNames: ["api.mesh.internal"], keyAlgorithm: "RSA-1024" as never })).rejects.toThrow(
      'InternalCA "mesh": issueServerCertificate("api").keyAlgorithm ("RSA-1024") is refused: RSA keys under 2048 bits are breakable; use "RSA-2048" or larger',
    );
  });
});

describe("certificate names", () => {
  it("refuses a second certificate with the same name, even of the other kind", async () => {
    const run = runProgram(async () => {
      const ca = new InternalCA("mesh", { protect: false });
      ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
      ca.issueClientCertificate("api", { identity: "api" });
    });
    await expect(run).rejects.toThrow('InternalCA "mesh": issueClientCertificate("api") name ("api") is already issued by this CA; certificate names must be unique');
  });

  it("refuses a name that is not a lower-case DNS label", async () => {
    const run = runProgram(async () => {
      new InternalCA("mesh", { protect: false }).issueServerCertificate("Api_1", { dnsNames: ["api.mesh.internal"] });
    });
    await expect(run).rejects.toThrow('InternalCA "mesh": issueServerCertificate("Api_1") name ("Api_1") must be a lower-case DNS label');
  });
});

describe("CA subjects and the intermediate", () => {
  it("refuses an intermediate validity longer than caValidity", async () => {
    await expect(runCa({ caValidity: "5y", intermediate: { validity: "6y" } })).rejects.toThrow(
      'InternalCA "mesh": intermediate.validity (6y) must not exceed caValidity (5y); an intermediate cannot outlive its root',
    );
  });

  it.each(["", "   "])("refuses the root subject commonName %j", async (commonName) => {
    await expect(runCa({ subject: { commonName } })).rejects.toThrow(`InternalCA "mesh": subject.commonName (${JSON.stringify(commonName)}) must be a non-empty name; RFC 5280 requires a CA subject`);
  });

  it("refuses an empty intermediate subject commonName", async () => {
    await expect(runCa({ intermediate: { subject: { commonName: "" } } })).rejects.toThrow(
      'InternalCA "mesh": intermediate.subject.commonName ("") must be a non-empty name; RFC 5280 requires a CA subject',
    );
  });
});

describe("nothing is created before an argument is refused", () => {
  it.each<[string, InternalCAArgs]>([
    ["caValidity", { caValidity: "0d" }],
    ["keyAlgorithm", { keyAlgorithm: "RSA-1024" as never }],
    ["renewBefore", { renewBefore: "90d" }],
    ["intermediate.validity", { caValidity: "5y", intermediate: { validity: "6y" } }],
    ["intermediate.subject.commonName", { intermediate: { subject: { commonName: "" } } }],
    ["extraTrustedCaPems", { extraTrustedCaPems: ["not a pem"] }],
  ])("registers no resource at all when %s is refused", async (_arg, args) => {
    const { error, plan } = await registeredBeforeError(() => new InternalCA("mesh", { protect: false, ...args }));
    expect(error).toBeInstanceOf(EdgeMtlsArgumentError);
    expect(plan.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("registers nothing for a refused leaf (the CA itself stays as it was)", async () => {
    const { error, plan } = await registeredBeforeError(() => new InternalCA("mesh", { protect: false }).issueServerCertificate("api", { dnsNames: ["api.mesh.internal"], ipAddresses: ["10.0.0.256"] }));
    expect(error).toBeInstanceOf(EdgeMtlsArgumentError);
    expect(plan.all(undefined, /^mesh-api/)).toEqual([]);
    expect(plan.all(undefined, /^mesh/).map((r) => r.name).sort()).toEqual(["mesh", "mesh-root-cert", "mesh-root-key"]);
  });

  it("reports the component, instance and argument as fields of the error", async () => {
    const { error } = await registeredBeforeError(() => new InternalCA("edge", { renewBefore: "3000h" }));
    expect(error).toMatchObject({ component: "InternalCA", instance: "edge", argument: "renewBefore" });
  });
});
