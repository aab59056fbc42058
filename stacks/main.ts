/**
 * The edge-mtls stack program: composes the library's components from the validated stack
 * config (stacks/config.ts). One program for dev, staging and prod; what differs lives in
 * `Pulumi.<stack>.yaml`.
 */
import { CertManagerIssuer, InternalCA } from "../components";
import { loadStackConfig } from "./config";

export async function main(): Promise<Record<string, unknown>> {
  const { config, cloudflareToken } = loadStackConfig();
  const production = config.environment === "prod";

  // 1. The internal CA: root of trust for every internal hop.
  const ca = new InternalCA(`${config.environment}-mesh`, {
    subject: { commonName: config.internalCa.commonName ?? `edge-mtls ${config.environment} Root CA`, organization: config.internalCa.organization ?? "edge-mtls" },
    keyAlgorithm: config.internalCa.keyAlgorithm as never,
    leafKeyAlgorithm: config.internalCa.leafKeyAlgorithm as never,
    caValidity: config.internalCa.caValidity,
    intermediate: config.internalCa.intermediate,
    leafValidity: config.internalCa.leafValidity,
    renewBefore: config.internalCa.renewBefore,
  });

  // 2. cert-manager: ACME (Let's Encrypt staging in dev, production in prod) and a CA issuer backed by the internal CA.
  const zone = config.cloudflare?.zone;
  const acme = new CertManagerIssuer("letsencrypt", {
    install: config.certManager.install,
    environment: production ? "production" : "non-production",
    issuerName: config.certManager.acmeServer,
    issuer: {
      type: "acme",
      server: config.certManager.acmeServer,
      email: config.certManager.acmeEmail,
      ...(zone && cloudflareToken ? { dns01: { cloudflare: { apiToken: cloudflareToken, zones: [zone] } } } : {}),
    },
  });
  const internalIssuer = new CertManagerIssuer(
    "internal-ca",
    { install: false, issuerName: "edge-mtls-internal-ca", issuer: { type: "ca", authority: ca } },
    { dependsOn: [acme] },
  );

  const certificates: Record<string, string> = {};
  if (zone && config.certManager.wildcardCertificate) {
    const wildcard = acme.certificate("origin-wildcard", {
      dnsNames: [`*.${zone}`, zone],
      namespace: config.certManager.wildcardCertificate.namespace,
      secretName: config.certManager.wildcardCertificate.secretName,
    });
    certificates.originWildcard = wildcard.secretName;
  }

  return {
    environment: config.environment,
    caBundle: ca.trustBundle,
    acmeIssuer: acme.issuerName,
    internalIssuer: internalIssuer.issuerName,
    certificates,
  };
}
