import { describe, expect, it } from "vitest";
import { renderNginxMtlsLocation, renderNginxMtlsLocations, type NginxMtlsLocationArgs } from "../../components/traefik/nginx";

const args: NginxMtlsLocationArgs = {
  target: { hostname: "orders.mesh.example.com", minTlsVersion: "1.3", cipherSuites: [], port: 8443 },
  address: "10.0.0.12",
  certificatePath: "/etc/nginx/ssl/nginx-gateway.crt",
  keyPath: "/etc/nginx/ssl/nginx-gateway.key",
  trustedCaPath: "/etc/nginx/ssl/mesh-ca.crt",
};

describe("renderNginxMtlsLocation", () => {
  it("renders the full proxy block for a TLS 1.3 service", () => {
    expect(renderNginxMtlsLocation(args)).toBe(
      [
        "location / {",
        "    proxy_pass https://10.0.0.12:8443;",
        "    proxy_set_header Host orders.mesh.example.com;",
        "    proxy_ssl_server_name on;",
        "    proxy_ssl_name orders.mesh.example.com;",
        "    proxy_ssl_protocols TLSv1.3;",
        "    proxy_ssl_certificate /etc/nginx/ssl/nginx-gateway.crt;",
        "    proxy_ssl_certificate_key /etc/nginx/ssl/nginx-gateway.key;",
        "    proxy_ssl_trusted_certificate /etc/nginx/ssl/mesh-ca.crt;",
        "    proxy_ssl_verify on;",
        "    proxy_ssl_verify_depth 2;",
        "    proxy_ssl_session_reuse on;",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("allows TLS 1.2 with the service's AEAD suites in OpenSSL spelling", () => {
    const out = renderNginxMtlsLocation({ ...args, target: { ...args.target, minTlsVersion: "1.2", cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] } });
    expect(out).toContain("proxy_ssl_protocols TLSv1.2 TLSv1.3;");
    expect(out).toContain("proxy_ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;");
  });

  it("brackets IPv6 addresses", () => {
    expect(renderNginxMtlsLocation({ ...args, address: "fd00::12" })).toContain("proxy_pass https://[fd00::12]:8443;");
  });

  it("refuses paths that would inject configuration", () => {
    expect(() => renderNginxMtlsLocation({ ...args, keyPath: "/etc/k.key; proxy_ssl_verify off" })).toThrow(/keyPath/);
    expect(() => renderNginxMtlsLocation({ ...args, certificatePath: "relative.crt" })).toThrow(/certificatePath/);
  });

  it("refuses an invalid host name", () => {
    expect(() => renderNginxMtlsLocation({ ...args, target: { ...args.target, hostname: "orders" } })).toThrow(/target.hostname/);
  });
});

describe("renderNginxMtlsLocations (one identity, many upstreams)", () => {
  const identity = { identity: "nginx-gateway", certificatePath: args.certificatePath, keyPath: args.keyPath, trustedCaPath: args.trustedCaPath };
  const orders = { ...args.target, callers: ["nginx-gateway"] };
  const billing = { ...args.target, hostname: "billing.mesh.example.com", callers: ["nginx-gateway", "reporting"] };

  it("renders one block per route, all with the identity's certificate", () => {
    const out = renderNginxMtlsLocations({ ...identity, routes: [{ location: "/orders/", address: "10.0.0.12", target: orders }, { location: "/billing/", address: "10.0.0.12", target: billing }] });
    expect(out).toBe(
      renderNginxMtlsLocation({ ...args, target: orders, location: "/orders/" }) + "\n" + renderNginxMtlsLocation({ ...args, target: billing, location: "/billing/" }),
    );
  });

  it("refuses a target whose service does not list the identity", () => {
    expect(() => renderNginxMtlsLocations({ ...identity, identity: "reporting", routes: [{ location: "/", address: "10.0.0.12", target: orders }] })).toThrow(
      /routes\[0\].target \(orders.mesh.example.com\) does not list identity "reporting" among its callers \(nginx-gateway\)/,
    );
  });

  it("refuses a location used twice and an empty route list", () => {
    expect(() => renderNginxMtlsLocations({ ...identity, routes: [{ location: "/", address: "10.0.0.12", target: orders }, { location: "/", address: "10.0.0.12", target: billing }] })).toThrow(/routes\[1\].location "\/" is used twice/);
    expect(() => renderNginxMtlsLocations({ ...identity, routes: [] })).toThrow(/routes is empty/);
  });
});
