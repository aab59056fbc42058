/**
 * Issue 11: InternalCA refuses, at construction, what the tls provider (Go) would turn into a
 * wrong certificate: a validity past what a Go time.Duration holds, and IP SANs that Go's
 * net.ParseIP rejects. What Go accepts but rewrites (an IPv4-mapped IPv6 address) is accepted.
 */
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError, InternalCA, type InternalCAArgs, type ServerCertificateArgs } from "../../components";
import { MAX_TLS_PROVIDER_HOURS } from "../../components/internal-ca/validate";
import { runProgram } from "../../engine";

const NOW = new Date("2026-01-01T00:00:00Z");
const runCa = (args: InternalCAArgs) => runProgram(async () => void new InternalCA("mesh", { protect: false, ...args }), { now: NOW });
const runServer = (args: ServerCertificateArgs) =>
  runProgram(async () => void new InternalCA("mesh", { protect: false }).issueServerCertificate("api", args), { now: NOW });

describe("validity past a Go time.Duration", () => {
  it("the limit is the largest whole number of hours in int64 nanoseconds (2,562,047 h, about 292 years)", () => {
    expect(MAX_TLS_PROVIDER_HOURS).toBe(2_562_047);
    expect(MAX_TLS_PROVIDER_HOURS * 3_600_000_000_000).toBeLessThanOrEqual(2 ** 63);
  });

  it.each([
    ["caValidity", { caValidity: "293y" }],
    ["caValidity in hours", { caValidity: "2562048h" }],
    ["intermediate.validity", { intermediate: { validity: "300y" } }],
  ])("refuses %s beyond the limit, naming the Go overflow", async (arg, args) => {
    const err = await runCa(args as InternalCAArgs).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeMtlsArgumentError);
    expect(String((err as Error).message)).toMatch(new RegExp(`InternalCA "mesh".*${arg.split(" ")[0]?.replace(".", "\\.")}.*Go time\\.Duration.*at most 2562047 hours`));
  });

  it("accepts the limit itself", async () => {
    const plan = await runCa({ caValidity: "2562047h" });
    const root = plan.find("tls:index/selfSignedCert:SelfSignedCert", "mesh-root-cert");
    expect(root.inputs.validityPeriodHours).toBe(2_562_047);
    expect(Date.parse(String(root.outputs.validityEndTime))).toBeGreaterThan(NOW.getTime());
  });
});

describe("IP SANs as Go's net.ParseIP reads them", () => {
  it.each([
    ["an IPv6 address with a zone", "fe80::1%eth0", /has a zone/],
    ["an IPv4 address with a leading zero", "010.0.0.1", /leading zero/],
    ["a five-digit IPv6 group", "2001:db8::00001", /is not an IPv4 or IPv6 address as Go's net.ParseIP/],
    ["an IPv4 address with a port", "10.0.0.1:443", /is not an IPv4 or IPv6 address/],
    ["a CIDR", "10.0.0.0/8", /is not an IPv4 or IPv6 address/],
  ])("refuses %s (%s) at construction", async (_label, ip, why) => {
    const err = await runServer({ dnsNames: ["api.mesh.internal"], ipAddresses: [ip] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeMtlsArgumentError);
    expect((err as Error).message).toMatch(/issueServerCertificate\("api"\)\.ipAddresses\[0\]/);
    expect((err as Error).message).toMatch(why);
  });

  it("accepts an IPv4-mapped IPv6 address; the certificate holds the IPv4 address", async () => {
    const plan = await runServer({ dnsNames: ["api.mesh.internal"], ipAddresses: ["::ffff:10.0.0.1", "2001:db8::1"] });
    const pem = String(plan.find("tls:index/locallySignedCert:LocallySignedCert", "mesh-api-cert").outputs.certPem);
    const { X509Certificate } = await import("node:crypto");
    expect(new X509Certificate(pem).subjectAltName).toBe("DNS:api.mesh.internal, IP Address:10.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1");
  });
});
