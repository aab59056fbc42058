/**
 * Seed 002's goal — sesh-tracker must be the only caller of kush.observer's API — with what
 * Cloudflare supports:
 *
 * - sesh-tracker's Worker → kush.observer's API Worker through a **service binding** to its
 *   `SeshTrackerApi` entrypoint: no public hop, no certificate, and no other Worker can bind it
 *   without access to the account.
 * - Everyone else (sesh-tracker's servers, curl) reaches kush.observer's API on its public route,
 *   where API Shield blocks /api without a client certificate from the integration CA, and the
 *   API Worker lets only `sesh-tracker` in.
 *
 * Not the seed's design (the Worker presenting a client certificate to kush.observer): kush.observer
 * is a proxied zone, and Cloudflare answers 520 to a Worker's client certificate there. See README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { ApiShieldCa, ApiShieldMtls, InternalCA, WorkerRoute } from "edge-mtls";

const CALLER = "sesh-tracker";
/** The API Worker's entrypoint that only sesh-tracker's Worker is bound to. */
const CALLER_ENTRYPOINT = "SeshTrackerApi";
const workerSource = (file: string) => fs.readFileSync(path.join(__dirname, "worker", file), "utf8");

export = async () => {
  const config = new pulumi.Config();
  const accountId = config.require("accountId");
  const zoneId = config.require("zoneId");
  const zoneName = config.require("zoneName");
  const apiHostname = config.require("apiHostname");

  // The integration CA (seed 002's "Kush-Sesh Integration CA": 10 years, rotated leaves, key in state as a secret).
  const ca = new InternalCA("kush-sesh", { subject: { commonName: "Kush-Sesh Integration CA", organization: "example" } });
  const anchor = new ApiShieldCa("kush-sesh-anchor", { accountId, authority: ca, displayName: "Kush-Sesh Integration CA" });

  // Public side: /api (the bare path too) requires a verified, unrevoked certificate from our CA.
  const shield = new ApiShieldMtls("api", {
    zoneId,
    zoneName,
    trustAnchor: anchor,
    protections: [
      {
        name: "api",
        hostnames: [apiHostname],
        pathPrefixes: ["/api"],
        response: { statusCode: 403, contentType: "application/json", content: '{"error":"client certificate required","code":"MTLS_REQUIRED"}' },
      },
    ],
  });

  // The API Worker, on a route whose host gets its proxied record (a route runs only on a proxied hostname).
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
  const route = new WorkerRoute("kush-api", { zoneId, zoneName, pattern: `${apiHostname}/*`, script: api.scriptName });

  // sesh-tracker's Worker calls the API Worker's SeshTrackerApi entrypoint through a service binding.
  const caller = new cloudflare.WorkersScript(
    CALLER,
    {
      accountId,
      scriptName: CALLER,
      content: workerSource("caller.js"),
      mainModule: "caller.js",
      compatibilityDate: "2025-01-01",
      bindings: [{ type: "service", name: "KUSH_API", service: api.scriptName, entrypoint: CALLER_ENTRYPOINT }],
    },
    { dependsOn: [api] },
  );

  // sesh-tracker's servers (not its Worker) call the public API with curl/nginx and this certificate.
  const servers = ca.issueClientCertificate(`${CALLER}-servers`, { identity: CALLER, uris: [`spiffe://example.com/${CALLER}`] });

  return {
    trustAnchorId: anchor.mtlsCertificateId,
    pinnedIssuerSki: anchor.issuerSki,
    ruleExpression: shield.expressions.apply((e) => e.api),
    rulesetImportCommand: shield.rulesetImportCommand,
    apiRoute: route.hostname,
    callerScript: caller.scriptName,
    callerBinding: { type: "service", name: "KUSH_API", service: "kush-api", entrypoint: CALLER_ENTRYPOINT },
    serverCallerCertificatePem: servers.certPem,
    serverCallerPrivateKeyPem: pulumi.secret(servers.privateKeyPem),
    caBundle: ca.trustBundle,
  };
};
