/**
 * Seed 001: nginx (public TLS termination) → Traefik's private `mesh` entrypoint (8443) over
 * mutual TLS → the backend. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { InternalCA, MtlsService, TraefikInstall, WorkloadIdentity, renderNginxMtlsLocation } from "edge-mtls";

/** The caller identity: the CN of nginx's client certificate. */
const GATEWAY = "nginx-gateway";

export = async () => {
  const config = new pulumi.Config();
  const backend = config.requireObject<{ namespace: string; name: string; port: number }>("backend");
  const hostname = config.require("hostname");

  // The mesh CA signs Traefik's server certificate; nginx trusts its bundle (proxy_ssl_trusted_certificate).
  const ca = new InternalCA("mesh", { subject: { commonName: "edge-mtls mesh Root CA", organization: "example" } });

  // nginx's identity: one client certificate for every service behind `mesh` that lists it.
  const gateway = new WorkloadIdentity(GATEWAY, { uris: [`spiffe://mesh.internal/${GATEWAY}`] });

  // Traefik with web, websecure and the private mTLS entrypoint `mesh` (Service port 8443, TLS always
  // on). The whole entrypoint requires a client certificate (seed 001): its default TLS option trusts
  // the gateway, so even a route added by hand without a TLSOption refuses other callers.
  const traefik = new TraefikInstall("traefik", { namespace: "traefik", mtlsEntrypoint: { identities: [gateway] } });

  // One backend behind `mesh`: only nginx-gateway's certificate is accepted (TLS 1.3, sniStrict).
  // Further services list the same identity; nginx keeps one certificate for all of them.
  const dashboard = new MtlsService("dashboard", {
    traefik,
    ca,
    service: backend,
    hostnames: [hostname],
    identities: [gateway],
  });

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
    meshCaPem: ca.trustBundle,
  };
};
