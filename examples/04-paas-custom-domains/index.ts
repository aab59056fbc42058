/**
 * Seed 003: a PaaS attaches custom domains to apps. Each domain gets a cert-manager Certificate
 * (ACME HTTP-01 through Traefik) named by seed 003's convention, and a Traefik route that serves
 * the issued Secret. See README.md.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertManagerIssuer, certificateName, tlsSecretName } from "edge-mtls";
import { tlsStatusTable } from "./tls-status";

interface CustomDomain {
  readonly app: string;
  readonly domain: string;
}

export = async () => {
  const config = new pulumi.Config();
  const namespace = config.get("namespace") ?? "paas-apps";
  const server = config.get("acmeServer") ?? "letsencrypt-staging";
  const domains = config.requireObject<CustomDomain[]>("customDomains");

  // The ClusterIssuer (seed 003 hard-coded `letsencrypt-prod`; here the name follows the server).
  const letsencrypt = new CertManagerIssuer("letsencrypt", {
    issuerName: server,
    issuer: { type: "acme", server, email: config.require("acmeEmail"), http01: { ingressClassName: "traefik" } },
  });

  const certificates = domains.map(({ app, domain }) => {
    // Seed 003's names: cert-{app}-{domain with dots as dashes} / tls-…, shortened with a stable hash past 63 characters.
    const cert = letsencrypt.certificate(certificateName(app, domain), { dnsNames: [domain], namespace, secretName: tlsSecretName(app, domain) });
    // Traefik serves the Secret for that host (seed 003's "patch IngressRoute (add host)").
    new k8s.apiextensions.CustomResource(`route-${cert.name}`, {
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: { name: cert.name.replace(/^cert-/, "route-"), namespace },
      spec: {
        entryPoints: ["websecure"],
        routes: [{ kind: "Rule", match: `Host(\`${domain}\`)`, services: [{ kind: "Service", name: `app-${app}`, port: 80 }] }],
        tls: { secretName: cert.secretName },
      },
    });
    return { app, domain, certificate: cert.name, secret: cert.secretName };
  });

  return {
    issuer: letsencrypt.issuerRef,
    certificates,
    // What the dashboard shows for typical cert-manager statuses (seed 003's mapping alongside).
    tlsStatusExamples: tlsStatusTable(),
  };
};
