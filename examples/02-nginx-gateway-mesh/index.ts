/**
 * Seed 001: nginx (public TLS termination) → Traefik's private `mesh` entrypoint (8443) over
 * mutual TLS → the backend. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { InternalCA, MtlsService, TraefikInstall, renderNginxMtlsLocation } from "edge-mtls";

/** The caller identity: the CN of nginx's client certificate. */
const GATEWAY = "nginx-gateway";

export = async () => {
  const config = new pulumi.Config();
  const backend = config.requireObject<{ namespace: string; name: string; port: number }>("backend");
  const hostname = config.require("hostname");

  // The mesh CA signs Traefik's server certificate; nginx trusts its bundle (proxy_ssl_trusted_certificate).
  const ca = new InternalCA("mesh", { subject: { commonName: "edge-mtls mesh Root CA", organization: "example" } });

  // Traefik with web, websecure and the private mTLS entrypoint `mesh` (Service port 8443, TLS always on).
  const traefik = new TraefikInstall("traefik", { namespace: "traefik" });

  // One backend behind `mesh`: only nginx-gateway's certificate is accepted (TLS 1.3, sniStrict).
  const dashboard = new MtlsService("dashboard", {
    traefik,
    ca,
    service: backend,
    hostnames: [hostname],
    clients: [{ name: GATEWAY, uris: [`spiffe://mesh.internal/${GATEWAY}`] }],
  });
  const gateway = dashboard.clients[GATEWAY];
  if (!gateway) throw new Error(`MtlsService "dashboard" has no caller ${GATEWAY}`);

  // The nginx side: https:// to 8443, SNI + Host = the service host name, upstream verified.
  const nginxLocation = renderNginxMtlsLocation({
    target: dashboard.nginxTarget(),
    address: config.require("traefikAddress"),
    certificatePath: `/etc/nginx/ssl/${GATEWAY}.crt`,
    keyPath: `/etc/nginx/ssl/${GATEWAY}.key`,
    trustedCaPath: "/etc/nginx/ssl/mesh-ca.crt",
  });

  return {
    nginxLocation,
    meshEntrypoint: { name: traefik.mtlsEntrypoint.name, port: traefik.mtlsEntrypoint.port },
    tlsOption: dashboard.tlsOptionRef,
    // Files for the nginx host: certificate, key (secret) and the CA that signs Traefik's certificate.
    gatewayCertificatePem: gateway.certPem,
    gatewayPrivateKeyPem: gateway.privateKeyPem,
    meshCaPem: gateway.serverCaPem,
  };
};
