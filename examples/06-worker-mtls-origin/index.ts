/**
 * A Worker → an origin Cloudflare does **not** proxy, over mTLS (the second pattern of seed 002's
 * fix): the partner-caller Worker presents an InternalCA client certificate through an
 * mtls_certificate binding; the origin (a partner's API, or Traefik's mTLS entrypoint published
 * DNS-only) verifies it against the integration CA's bundle and accepts only `partner-caller`.
 *
 * The target is declared (`targets`, `proxiedByCloudflare: false`): WorkerClientCertificate refuses
 * a target in a zone this program proxies, where Cloudflare would answer 520. See README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { InternalCA, WorkerClientCertificate } from "edge-mtls";

const CALLER = "partner-caller";
const workerSource = (file: string) => fs.readFileSync(path.join(__dirname, "worker", file), "utf8");

export = async () => {
  const config = new pulumi.Config();
  const accountId = config.require("accountId");
  const originZoneId = config.require("originZoneId");
  const originHostname = config.require("originHostname");
  const originAddress = config.require("originAddress");

  const ca = new InternalCA("partner-integration", { subject: { commonName: "Partner Integration CA", organization: "example" } });

  // The origin's server certificate (for the partner's server or Traefik), from the same CA.
  const server = ca.issueServerCertificate("orders-origin", { dnsNames: [originHostname] });

  // Published DNS-only: Cloudflare resolves it but does not proxy it, so a Worker may present a certificate to it.
  new cloudflare.DnsRecord("orders-origin", {
    zoneId: originZoneId,
    name: originHostname,
    type: "A",
    content: originAddress,
    proxied: false,
    ttl: 300,
    comment: "mTLS origin for the partner-caller Worker: DNS-only (a Worker's client certificate to a proxied host gets 520)",
  });

  const caller = new WorkerClientCertificate(CALLER, {
    accountId,
    bindingName: "ORIGIN_MTLS",
    issuer: ca,
    identity: CALLER,
    uris: [`spiffe://example.com/${CALLER}`],
    targets: [{ hostname: originHostname, proxiedByCloudflare: false }],
    script: {
      scriptName: CALLER,
      content: workerSource("caller.js"),
      mainModule: "caller.js",
      compatibilityDate: "2025-01-01",
      bindings: [{ type: "plain_text", name: "ORIGIN_URL", text: `https://${originHostname}` }],
    },
  });

  return {
    callerBinding: caller.binding,
    callerCertificatePem: caller.certificatePem,
    callerTargets: caller.targets,
    /** What the origin verifies callers with (Traefik TLSOption clientAuth, nginx ssl_client_certificate, Node `ca`). */
    originTrustPem: ca.trustBundle,
    originCertificatePem: server.certPem,
    originPrivateKeyPem: pulumi.secret(server.privateKeyPem),
    allowedCallers: [CALLER],
  };
};
