/**
 * Seed 000: browser → Cloudflare edge → Cloudflare Tunnel → cloudflared → Traefik `websecure`
 * over HTTPS that cloudflared *verifies* (SNI = the public hostname), with a wildcard origin
 * certificate from Let's Encrypt through DNS-01 at Cloudflare, and the zone in SSL Full (strict).
 * See README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CertManagerIssuer, TraefikInstall, TunnelOrigin } from "edge-mtls";

/** The Secret Traefik serves for every host of the zone (seed 000: `mlops-wildcard-tls`). */
const WILDCARD_SECRET = "example-wildcard-tls";

/** The certificate blocks of a PEM file, without its explanatory text. */
function pemCertificates(text: string): string {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error("letsencrypt-staging-roots.pem holds no certificate");
  return `${blocks.join("\n")}\n`;
}

export = async () => {
  const config = new pulumi.Config();
  const zone = config.require("zone");
  const server = config.get("acmeServer") ?? "letsencrypt-staging";
  const issuerName = `${server}-dns01`;

  // A ClusterIssuer that solves DNS-01 at Cloudflare: the only way to get *.zone. cert-manager itself is
  // already in the cluster, as in seed 000 (see README.md, "Before you deploy").
  const letsencrypt = new CertManagerIssuer("letsencrypt", {
    issuerName,
    issuer: {
      type: "acme",
      server,
      email: config.require("acmeEmail"),
      http01: false,
      dns01: { cloudflare: { apiToken: config.requireSecret("dns01ApiToken"), zones: [zone] } },
    },
  });

  // Traefik; its default TLSStore serves the wildcard Secret for every host on websecure.
  const traefik = new TraefikInstall("traefik", {
    namespace: "traefik",
    values: { tlsStore: { default: { defaultCertificate: { secretName: WILDCARD_SECRET } } } },
  });

  // Let's Encrypt staging is not in cloudflared's system roots: trust its roots explicitly (caPool).
  // With letsencrypt-production, leave caPem unset: the system roots verify it.
  const stagingRoots = server === "letsencrypt-staging" ? pemCertificates(fs.readFileSync(path.join(__dirname, "letsencrypt-staging-roots.pem"), "utf8")) : undefined;

  const tunnel = new TunnelOrigin("edge", {
    accountId: config.require("accountId"),
    zone: { id: config.require("zoneId"), name: zone },
    routes: config.requireObject<string[]>("hostnames"),
    // Traefik's server-TLS entrypoint (never `mesh`: cloudflared cannot present a client certificate).
    origin: traefik.origin("websecure"),
    // The wildcard origin certificate, in Traefik's namespace: dnsNames zone + *.zone (the default).
    originCertificate: {
      kind: "cert-manager",
      issuerRef: { name: issuerName },
      namespace: traefik.namespace,
      secretName: WILDCARD_SECRET,
      ...(stagingRoots ? { caPem: stagingRoots } : {}),
    },
    setSslModeStrict: true,
  });

  return {
    tunnelId: tunnel.tunnelId,
    cnameTarget: tunnel.cnameTarget,
    hostnames: tunnel.hostnames,
    originTlsSecret: tunnel.originTlsSecret,
    clusterIssuer: letsencrypt.issuerName,
  };
};
