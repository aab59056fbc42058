/**
 * Issue 11: the offline engine answers as Pulumi and the providers do — Cloudflare ids in
 * their real shapes, and the tls provider's Go semantics for IP SANs (net.ParseIP, x509's
 * To4) and validity (time.Duration(hours) * time.Hour, int64 nanoseconds).
 */
import { X509Certificate } from "node:crypto";
import * as cloudflare from "@pulumi/cloudflare";
import * as tls from "@pulumi/tls";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateIpText, goParseIp } from "../../components/common/ip";
import { runProgram, type PlanResult } from "../../engine";

const NOW = new Date("2026-01-01T00:00:00Z");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE = "1123456789abcdef0123456789abcdef";

describe("Cloudflare ids have the provider's shapes", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runProgram(async () => {
      const key = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      const ca = new tls.SelfSignedCert("ca", { privateKeyPem: key.privateKeyPem, subject: { commonName: "CA" }, isCaCertificate: true, validityPeriodHours: 24, allowedUses: ["cert_signing"] });
      const mtls = new cloudflare.MtlsCertificate("mtls", { accountId: ACCOUNT, ca: true, certificates: ca.certPem, name: "ca" });
      new cloudflare.CertificateAuthoritiesHostnameAssociations("assoc", { zoneId: ZONE, mtlsCertificateId: mtls.id, hostnames: ["api.example.com"] });
      const tunnel = new cloudflare.ZeroTrustTunnelCloudflared("tunnel", { accountId: ACCOUNT, name: "edge", configSrc: "cloudflare" });
      new cloudflare.ZeroTrustTunnelCloudflaredConfig("tunnel-config", { accountId: ACCOUNT, tunnelId: tunnel.id, config: { ingresses: [{ service: "http_status:404" }] } });
      new cloudflare.Ruleset("rules", { zoneId: ZONE, kind: "zone", name: "r", phase: "http_request_firewall_custom", rules: [] });
      new cloudflare.DnsRecord("dns", { zoneId: ZONE, name: "app.example.com", type: "CNAME", content: "x.cfargotunnel.com", ttl: 1, proxied: true });
      new cloudflare.ZoneSetting("ssl", { zoneId: ZONE, settingId: "ssl", value: "strict" });
      new cloudflare.WorkersScript("worker", { accountId: ACCOUNT, scriptName: "api", content: "export default {}", mainModule: "index.js" });
      new cloudflare.WorkersRoute("route", { zoneId: ZONE, pattern: "api.example.com/*", script: "api" });
    }, { now: NOW });
  });
  const id = (type: string, name: string) => plan.find(`cloudflare:index/${type}`, name).id;

  it("an uploaded mTLS certificate's id is a UUID, and so is the hostname association's reference to it", () => {
    expect(id("mtlsCertificate:MtlsCertificate", "mtls")).toMatch(UUID);
    expect(plan.find("cloudflare:index/certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations", "assoc").inputs.mtlsCertificateId).toMatch(UUID);
  });

  it("a tunnel id is a UUID; the tunnel configuration's id is the tunnel id", () => {
    expect(id("zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "tunnel")).toMatch(UUID);
    expect(id("zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", "tunnel-config")).toBe(id("zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "tunnel"));
  });

  it("rulesets, DNS records and Worker routes have Cloudflare's 32-hex identifiers", () => {
    for (const [t, n] of [["ruleset:Ruleset", "rules"], ["dnsRecord:DnsRecord", "dns"], ["workersRoute:WorkersRoute", "route"]] as const) expect(id(t, n), t).toMatch(HEX32);
  });

  it("resources keyed by an input take it as their id (setting id, zone id, script name)", () => {
    expect(id("zoneSetting:ZoneSetting", "ssl")).toBe("ssl");
    expect(id("certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations", "assoc")).toBe(ZONE);
    expect(id("workersScript:WorkersScript", "worker")).toBe("api");
  });
});

describe("tls: IP SANs as the Go provider reads them", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::FFFF:0a00:0001", "10.0.0.1"],
    ["2001:db8::1", "2001:db8:0:0:0:0:0:1"],
    ["::", "0:0:0:0:0:0:0:0"],
    ["::1.2.3.4", "0:0:0:0:0:0:102:304"],
  ])("%s is the certificate address %s", (input, text) => {
    expect(certificateIpText(input)).toBe(text);
  });

  it.each(["fe80::1%eth0", "010.0.0.1", "1.2.3", "1.2.3.256", "2001:db8::00001", "1::2::3", "1:2:3:4:5:6:7:8::", "1.2.3.4::", "::1.2.3.4:5", "", "example.com", "10.0.0.1/8"])(
    "%j is not an IP for net.ParseIP",
    (input) => {
      expect(goParseIp(input)).toBeUndefined();
    },
  );

  const sans = async (ips: string[]): Promise<string | undefined> => {
    const plan = await runProgram(async () => {
      const key = new tls.PrivateKey("k", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      new tls.SelfSignedCert("c", { privateKeyPem: key.privateKeyPem, subject: { commonName: "c" }, ipAddresses: ips, validityPeriodHours: 1, allowedUses: [] });
    }, { now: NOW });
    return new X509Certificate(String(plan.find("tls:index/selfSignedCert:SelfSignedCert", "c").outputs.certPem)).subjectAltName;
  };

  it("writes an IPv4-mapped IPv6 address as the IPv4 address (x509 writes ip.To4())", async () => {
    expect(await sans(["::ffff:10.0.0.1", "fd00::12"])).toBe("IP Address:10.0.0.1, IP Address:FD00:0:0:0:0:0:0:12");
  });

  it("fails like the provider on an address net.ParseIP rejects", async () => {
    await expect(sans(["fe80::1%eth0"])).rejects.toThrow('Invalid IP address: Failed to parse "fe80::1%eth0"');
  });
});

describe("tls: validity is a Go time.Duration", () => {
  const endOf = async (hours: number): Promise<{ start: number; end: number; notAfter: number }> => {
    const plan = await runProgram(async () => {
      const key = new tls.PrivateKey("k", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      new tls.SelfSignedCert("c", { privateKeyPem: key.privateKeyPem, subject: { commonName: "c" }, validityPeriodHours: hours, allowedUses: [] });
    }, { now: NOW });
    const c = plan.find("tls:index/selfSignedCert:SelfSignedCert", "c");
    return { start: Date.parse(String(c.outputs.validityStartTime)), end: Date.parse(String(c.outputs.validityEndTime)), notAfter: Date.parse(new X509Certificate(String(c.outputs.certPem)).validTo) };
  };

  it("2,562,047 hours (the largest that fits) end about 292 years later", async () => {
    const v = await endOf(2_562_047);
    expect(v.end - v.start).toBe(2_562_047 * 3_600_000);
    expect(v.notAfter).toBe(v.end);
  });

  it("one hour more overflows as in Go: the certificate ends before it starts", async () => {
    const v = await endOf(2_562_048);
    const wrapped = BigInt.asIntN(64, 2_562_048n * 3_600_000_000_000n) / 1_000_000n;
    expect(v.end - v.start).toBe(Number(wrapped));
    expect(v.end).toBeLessThan(v.start);
  });
});
