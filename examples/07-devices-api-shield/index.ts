/**
 * Devices, servers, nginx and curl → an API Shield–protected hostname (the third pattern of seed
 * 002's fix): clients that are not Workers present client certificates from the device CA; the
 * zone blocks every request to the whole host without one (pathPrefixes ["/"]).
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { ApiShieldCa, ApiShieldMtls, InternalCA, declareProxiedZone } from "edge-mtls";

export = async () => {
  const config = new pulumi.Config();
  const accountId = config.require("accountId");
  const zoneId = config.require("zoneId");
  const zoneName = config.require("zoneName");
  const apiHostname = config.require("apiHostname");
  const originAddress = config.require("originAddress");
  const devices = config.requireObject<string[]>("devices");

  const ca = new InternalCA("devices", { subject: { commonName: "Device Integration CA", organization: "example" } });
  const anchor = new ApiShieldCa("devices-anchor", { accountId, authority: ca });

  // The API host, proxied (API Shield only sees proxied traffic). Declared, so no Worker of this program can target it with a certificate.
  new cloudflare.DnsRecord("telemetry", { zoneId, name: apiHostname, type: "A", content: originAddress, proxied: true, ttl: 1, comment: "API Shield mTLS: device certificates required" });
  declareProxiedZone(zoneName, "DnsRecord telemetry (proxied)", [apiHostname]);

  const shield = new ApiShieldMtls("telemetry", {
    zoneId,
    zoneName,
    trustAnchor: anchor,
    // "/": the whole host — no path escapes the rule.
    protections: [{ name: "telemetry", hostnames: [apiHostname], pathPrefixes: ["/"] }],
  });

  const issued = Object.fromEntries(devices.map((d) => [d, ca.issueClientCertificate(d, { identity: d, uris: [`spiffe://example.com/device/${d}`] })]));
  return {
    ruleExpression: shield.expressions.apply((e) => e.telemetry),
    pinnedIssuerSki: anchor.issuerSki,
    deviceCertificates: Object.fromEntries(Object.entries(issued).map(([d, c]) => [d, c.certPem])),
    devicePrivateKeys: pulumi.secret(Object.fromEntries(Object.entries(issued).map(([d, c]) => [d, c.privateKeyPem]))),
    curl: devices.map((d) => `curl --cert ${d}.crt --key ${d}.key https://${apiHostname}/v1/readings`),
  };
};
