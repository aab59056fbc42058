/**
 * Seed 004: edge proxy → load balancer → workers, every hop mutual TLS 1.3, certificates from one
 * internal CA (RSA-4096, 10 years) with RSA-2048 leaves valid 90 days and rotated 30 days before
 * expiry. There is no plain-HTTP fallback anywhere. See README.md.
 *
 *   edge-proxy ──mTLS──▶ Traefik mesh ──mTLS (ServersTransport)──▶ load-balancer pods
 *   load-balancer pods ──mTLS──▶ Traefik mesh ──mTLS (ServersTransport)──▶ worker pods
 */
import * as pulumi from "@pulumi/pulumi";
import { InternalCA, MtlsService, TraefikInstall, WorkloadIdentity, caBundleSecret, tlsSecret } from "edge-mtls";

export = async () => {
  const config = new pulumi.Config();
  const namespace = config.get("namespace") ?? "zeitwork";
  const domain = config.get("meshDomain") ?? "zeitwork.internal";

  // Seed 004's CA profile: RSA-4096 CA for 10 years; RSA-2048 service certificates, 90 days, rotated 30 days early.
  const ca = new InternalCA("zeitwork", {
    subject: { commonName: "zeitwork internal Root CA", organization: "zeitwork" },
    keyAlgorithm: "RSA-4096",
    caValidity: "10y",
    leafKeyAlgorithm: "RSA-2048",
    leafValidity: "90d",
    renewBefore: "30d",
  });

  // One identity per calling workload (its own small CA and a client certificate), on the same
  // RSA-2048 / 90d / 30d profile. Each works against every service that lists it.
  const callerProfile = { keyAlgorithm: "RSA-2048", validity: "90d", renewBefore: "30d" } as const;
  const edgeProxy = new WorkloadIdentity("edge-proxy", { uris: [`spiffe://${domain}/edge-proxy`], ...callerProfile });
  const lbCaller = new WorkloadIdentity("load-balancer", { uris: [`spiffe://${domain}/load-balancer`], ...callerProfile });

  // The mesh entrypoint's default TLS option trusts both identities (routes without their own TLSOption).
  const traefik = new TraefikInstall("traefik", { namespace: "traefik", mtlsEntrypoint: { identities: [edgeProxy, lbCaller] } });

  // Hop 1: the edge proxy calls the load balancer. Traefik requires edge-proxy's certificate and
  // re-encrypts to the load-balancer pods with its own client certificate (ServersTransport).
  const loadBalancer = new MtlsService("load-balancer", {
    traefik,
    ca,
    service: { namespace, name: "load-balancer", port: 8443 },
    hostnames: [`lb.${domain}`],
    identities: [edgeProxy],
    minTlsVersion: "1.3",
    upstream: { serverName: `load-balancer.${namespace}.svc` },
  });

  // Hop 2: the load balancer calls the workers; Traefik re-encrypts to the worker pods (the LB→worker
  // ServersTransport) presenting `traefik-workers`, and verifies the worker's certificate.
  const workers = new MtlsService("workers", {
    traefik,
    ca,
    service: { namespace, name: "worker", port: 8443 },
    hostnames: [`workers.${domain}`],
    identities: [lbCaller],
    minTlsVersion: "1.3",
    upstream: { serverName: `worker.${namespace}.svc` },
  });

  // Server certificates the pods present to Traefik's ServersTransports, and the CA bundle they
  // verify Traefik's client certificate with (they must also check its CN, see README).
  const lbServer = ca.issueServerCertificate("load-balancer-pods", { dnsNames: [`load-balancer.${namespace}.svc`] });
  const workerServer = ca.issueServerCertificate("worker-pods", { dnsNames: [`worker.${namespace}.svc`] });
  tlsSecret("load-balancer-server-tls", lbServer, { namespace });
  tlsSecret("worker-server-tls", workerServer, { namespace });
  caBundleSecret("zeitwork-ca-bundle", ca.trustBundle, { namespace });

  return {
    meshEntrypoint: { name: traefik.mtlsEntrypoint.name, port: traefik.mtlsEntrypoint.port },
    tlsPolicy: { loadBalancer: loadBalancer.policy, workers: workers.policy },
    serversTransports: [loadBalancer.serversTransport?.metadata.name, workers.serversTransport?.metadata.name],
    // Certificates for the processes outside Traefik (keys are secrets).
    edgeProxyCertificatePem: edgeProxy.certPem,
    edgeProxyPrivateKeyPem: edgeProxy.privateKeyPem,
    loadBalancerClientCertificatePem: lbCaller.certPem,
    loadBalancerClientPrivateKeyPem: lbCaller.privateKeyPem,
    meshCaPem: ca.trustBundle,
  };
};
