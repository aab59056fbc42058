/**
 * Seed 002: a caller Worker (sesh-tracker) calls an API (kush.observer, here api.example.com)
 * over mutual TLS. The API's zone blocks `/api/` unless the request carries a client
 * certificate that Cloudflare verified, that is not revoked, and that our CA issued. See README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { ApiShieldCa, ApiShieldMtls, InternalCA, WorkerClientCertificate } from "edge-mtls";

const CALLER = "sesh-tracker";
const workerSource = (file: string) => fs.readFileSync(path.join(__dirname, "worker", file), "utf8");

export = async () => {
  const config = new pulumi.Config();
  const accountId = config.require("accountId");
  const zoneId = config.require("zoneId");
  const zoneName = config.require("zoneName");
  const apiHostname = config.require("apiHostname");

  // The integration CA (seed 002's "Kush-Sesh Integration CA", but 10 years, rotated leaves, key in state as a secret).
  const ca = new InternalCA("kush-sesh", { subject: { commonName: "Kush-Sesh Integration CA", organization: "example" } });

  // Upload the CA to the account as the API Shield trust anchor (Enterprise "bring your own CA").
  const anchor = new ApiShieldCa("kush-sesh-anchor", { accountId, authority: ca, displayName: "Kush-Sesh Integration CA" });

  // Server side: block /api/ on the API host unless verified ∧ ¬revoked ∧ issuer SKI = our CA.
  const shield = new ApiShieldMtls("api", {
    zoneId,
    zoneName,
    trustAnchor: anchor,
    protections: [
      {
        name: "api",
        hostnames: [apiHostname],
        pathPrefixes: ["/api/"],
        response: { statusCode: 403, contentType: "application/json", content: '{"error":"client certificate required","code":"MTLS_REQUIRED"}' },
      },
    ],
  });

  // Client side: the caller Worker gets its certificate through an mtls_certificate binding (env.KUSH_API.fetch).
  const caller = new WorkerClientCertificate(CALLER, {
    accountId,
    bindingName: "KUSH_API",
    issuer: ca,
    identity: CALLER,
    uris: [`spiffe://example.com/${CALLER}`],
    script: {
      scriptName: CALLER,
      content: workerSource("caller.js"),
      mainModule: "caller.js",
      compatibilityDate: "2025-01-01",
      bindings: [{ type: "plain_text", name: "API_ORIGIN", text: `https://${apiHostname}` }],
    },
  });

  // The API Worker behind the rule (defence in depth: it re-checks the issuer SKI and the caller CN).
  const api = new cloudflare.WorkersScript("kush-api", {
    accountId,
    scriptName: "kush-api",
    content: workerSource("server.js"),
    mainModule: "server.js",
    compatibilityDate: "2025-01-01",
    bindings: [
      { type: "plain_text", name: "TRUSTED_ISSUER_SKI", text: anchor.issuerSki },
      { type: "plain_text", name: "ALLOWED_CALLERS", text: CALLER },
    ],
  });
  new cloudflare.WorkersRoute("kush-api-route", { zoneId, pattern: `${apiHostname}/api/*`, script: api.scriptName });

  return {
    trustAnchorId: anchor.mtlsCertificateId,
    pinnedIssuerSki: anchor.issuerSki,
    ruleExpression: shield.expressions.apply((e) => e.api),
    callerBinding: caller.binding,
    callerCertificateId: caller.certificateId,
    callerCertificatePem: caller.certificatePem,
  };
};
