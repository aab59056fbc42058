/**
 * The `clients: [{ name }]` shorthand keeps the pre-identity layout: an existing stack that
 * still uses it plans with the same URNs (so `pulumi up` replaces nothing) and the same
 * caller CA subjects. The URN list below was recorded from the pre-identity code (main at
 * bd02eec) with the same program; the only additions are the TraefikInstall's default
 * TLS option resources for the mesh entrypoint (new, not renamed).
 */
import { describe, expect, it } from "vitest";
import { runProgram } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { MtlsService, TraefikInstall } from "../../components/traefik";

/** URNs (after `urn:pulumi:test::edge-mtls::`) of the program below, planned by the pre-identity code. */
const PRE_IDENTITY_URNS = [
  "edge-mtls:internal-ca:InternalCA$edge-mtls:internal-ca:IssuedCertificate::mesh-orders-server",
  "edge-mtls:internal-ca:InternalCA$edge-mtls:internal-ca:IssuedCertificate::orders-caller-billing-client",
  "edge-mtls:internal-ca:InternalCA$edge-mtls:internal-ca:IssuedCertificate::orders-caller-nginx-gateway-client",
  "edge-mtls:internal-ca:InternalCA$tls:index/privateKey:PrivateKey::mesh-root-key",
  "edge-mtls:internal-ca:InternalCA$tls:index/privateKey:PrivateKey::orders-caller-billing-root-key",
  "edge-mtls:internal-ca:InternalCA$tls:index/privateKey:PrivateKey::orders-caller-nginx-gateway-root-key",
  "edge-mtls:internal-ca:InternalCA$tls:index/selfSignedCert:SelfSignedCert::mesh-root-cert",
  "edge-mtls:internal-ca:InternalCA$tls:index/selfSignedCert:SelfSignedCert::orders-caller-billing-root-cert",
  "edge-mtls:internal-ca:InternalCA$tls:index/selfSignedCert:SelfSignedCert::orders-caller-nginx-gateway-root-cert",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/certRequest:CertRequest::mesh-orders-server-csr",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/certRequest:CertRequest::orders-caller-billing-client-csr",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/certRequest:CertRequest::orders-caller-nginx-gateway-client-csr",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/locallySignedCert:LocallySignedCert::mesh-orders-server-cert",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/locallySignedCert:LocallySignedCert::orders-caller-billing-client-cert",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/locallySignedCert:LocallySignedCert::orders-caller-nginx-gateway-client-cert",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/privateKey:PrivateKey::mesh-orders-server-key",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/privateKey:PrivateKey::orders-caller-billing-client-key",
  "edge-mtls:internal-ca:IssuedCertificate$tls:index/privateKey:PrivateKey::orders-caller-nginx-gateway-client-key",
  "edge-mtls:traefik:MtlsService$edge-mtls:internal-ca:InternalCA::orders-caller-billing",
  "edge-mtls:traefik:MtlsService$edge-mtls:internal-ca:InternalCA::orders-caller-nginx-gateway",
  "edge-mtls:traefik:MtlsService$kubernetes:core/v1:Secret::orders-client-ca",
  "edge-mtls:traefik:MtlsService$kubernetes:core/v1:Secret::orders-tls",
  "edge-mtls:traefik:MtlsService$kubernetes:traefik.io/v1alpha1:IngressRoute::orders",
  "edge-mtls:traefik:MtlsService$kubernetes:traefik.io/v1alpha1:Middleware::orders-client-cert",
  "edge-mtls:traefik:MtlsService$kubernetes:traefik.io/v1alpha1:Middleware::orders-strip-identity",
  "edge-mtls:traefik:MtlsService$kubernetes:traefik.io/v1alpha1:TLSOption::orders-mtls",
  "edge-mtls:traefik:TraefikInstall$kubernetes:helm.sh/v3:Release::edge",
  "pulumi:pulumi:Stack$edge-mtls:internal-ca:InternalCA::mesh",
  "pulumi:pulumi:Stack$edge-mtls:traefik:MtlsService::orders",
  "pulumi:pulumi:Stack$edge-mtls:traefik:TraefikInstall::edge",
  "pulumi:pulumi:Stack::edge-mtls-test",
];

describe("the clients shorthand (old form)", () => {
  it("plans every pre-identity URN unchanged, adding only the mesh entrypoint's default TLS option", async () => {
    const plan = await runProgram(
      () => {
        const ca = new InternalCA("mesh", {});
        const traefik = new TraefikInstall("edge", {});
        new MtlsService("orders", {
          traefik,
          ca,
          service: { namespace: "apps", name: "orders", port: 8080 },
          hostnames: ["orders.mesh.example.com"],
          clients: [{ name: "nginx-gateway", uris: ["spiffe://mesh.internal/nginx-gateway"] }, { name: "billing" }],
        });
        return {};
      },
      { now: new Date("2026-01-01T00:00:00Z") },
    );
    const urns = plan.resources.map((r) => r.urn.replace("urn:pulumi:test::edge-mtls::", ""));
    expect(urns.filter((u) => PRE_IDENTITY_URNS.includes(u)).sort()).toEqual([...PRE_IDENTITY_URNS].sort());
    expect(urns.filter((u) => !PRE_IDENTITY_URNS.includes(u)).sort()).toEqual([
      "edge-mtls:traefik:TraefikInstall$kubernetes:core/v1:Secret::edge-mesh-client-ca",
      "edge-mtls:traefik:TraefikInstall$kubernetes:traefik.io/v1alpha1:TLSOption::edge-mesh-mtls",
      "edge-mtls:traefik:TraefikInstall$tls:index/privateKey:PrivateKey::edge-mesh-deny-all-key",
      "edge-mtls:traefik:TraefikInstall$tls:index/selfSignedCert:SelfSignedCert::edge-mesh-deny-all-ca",
    ]);
    const subject = (n: string) => plan.find("tls:index/selfSignedCert:SelfSignedCert", `${n}-root-cert`).inputs.subject;
    expect(subject("orders-caller-billing")).toEqual({ commonName: "orders caller billing", organizationalUnit: "edge-mtls caller CA" });
  });
});
