/**
 * Authenticated Origin Pulls: Cloudflare presents a certificate from our InternalCA to the origin,
 * and the origin (Traefik TLSOption) requires and verifies it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderPlan, runProgram, type PlanResult } from "../../engine";
import { InternalCA } from "../../components/internal-ca";
import { AuthenticatedOriginPulls, type AuthenticatedOriginPullsArgs } from "../../components/api-shield";
import { splitPem } from "../../components/common/pem";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import { x509 } from "../../components/common/x509";
import { validateCustomResource } from "../support/crd";
import { mtlsHandshake } from "../support/pki";
import { makeTestPki, type TestPki } from "./fixtures";

const HOST_CERT = "cloudflare:index/authenticatedOriginPullsHostnameCertificate:AuthenticatedOriginPullsHostnameCertificate";
const AOP = "cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls";
const SETTINGS = "cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings";
const SECRET = "kubernetes:core/v1:Secret";
const ZONE = "fedcba9876543210fedcba9876543210";
const HOSTS = ["api.example.com", "app.example.com"];

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});

interface Out {
  originTrust: string;
  bundle: string;
  serverChain: string;
  serverKey: string;
  rogueChain: string;
  rogueKey: string;
}

/** Per-hostname AOP with the Traefik origin side, plus a server cert and a rogue client cert for handshakes. */
async function perHostnamePlan(): Promise<PlanResult> {
  return runProgram(() => {
    const ca = new InternalCA("mesh", {});
    const aop = new AuthenticatedOriginPulls("edge", { zoneId: ZONE, zoneName: "example.com", ca, hostnames: HOSTS, traefik: { namespace: "traefik" } });
    const server = ca.issueServerCertificate("origin", { dnsNames: ["api.example.com"] });
    const rogue = new InternalCA("rogue", {}).issueClientCertificate("attacker", { identity: "cloudflare-origin-pull" });
    return {
      originTrust: aop.originTrustPem,
      bundle: ca.trustBundle,
      serverChain: server.chainPem,
      serverKey: server.privateKeyPem,
      rogueChain: rogue.chainPem,
      rogueKey: rogue.privateKeyPem,
    };
  });
}

let plan: PlanResult;
beforeAll(async () => {
  plan = await perHostnamePlan();
});

const TLS_OPTION = "kubernetes:traefik.io/v1alpha1:TLSOption";
const tlsOption = (p: PlanResult) => p.find(TLS_OPTION, "edge-origin");

describe("AuthenticatedOriginPulls — per-hostname mode", () => {
  it("uploads exactly one hostname certificate: the InternalCA-issued client certificate, leaf first", () => {
    expect(plan.all(HOST_CERT)).toHaveLength(1);
    const upload = plan.find(HOST_CERT, "edge-cert");
    expect(upload.inputs.zoneId).toBe(ZONE);
    const leaf = splitPem(upload.inputs.certificate as string)[0] as string;
    const cert = new x509.X509Certificate(leaf);
    expect(cert.subject).toContain("CN=cloudflare-origin-pull");
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toContain(x509.ExtendedKeyUsage.clientAuth);
    expect(upload.inputs.privateKey).toMatch(/^-----BEGIN (EC )?PRIVATE KEY-----/);
  });

  it("keeps the private key a secret in the upload", () => {
    expect(plan.find(HOST_CERT, "edge-cert").isSecret("privateKey")).toBe(true);
  });

  it("never shows the private key in plan output", () => {
    const key = plan.find(HOST_CERT, "edge-cert").inputs.privateKey as string;
    const body = key.split("\n")[1] as string;
    const files = renderPlan(plan);
    expect(files.size).toBeGreaterThan(0);
    for (const [file, text] of files) expect(text, file).not.toContain(body);
  });

  it("enables AOP for each hostname with the upload's id, after the upload", () => {
    const upload = plan.find(HOST_CERT, "edge-cert");
    for (const hostname of HOSTS) {
      const aop = plan.find(AOP, `edge-host-${hostname}`);
      expect(aop.inputs).toEqual({ zoneId: ZONE, configs: [{ hostname, certId: upload.id, enabled: true }] });
      expect(aop.dependencies).toContain(upload.urn);
    }
    expect(plan.all(AOP)).toHaveLength(HOSTS.length);
    expect(plan.all(SETTINGS)).toHaveLength(0);
  });

  it("renders a TLSOption that validates against Traefik's CRD and requires and verifies client certificates from the CA Secret", () => {
    const option = tlsOption(plan);
    expect(validateCustomResource(option.inputs as { apiVersion: string; kind: string })).toEqual([]);
    expect(option.inputs.metadata).toMatchObject({ name: "edge-origin", namespace: "traefik" });
    expect(option.inputs.spec).toMatchObject({
      minVersion: "VersionTLS12",
      sniStrict: true,
      clientAuth: { clientAuthType: "RequireAndVerifyClientCert", secretNames: ["edge-origin-ca"] },
    });
  });

  it("applies the TLSOption only after Cloudflare is told to present the certificate (and after the CA Secret)", () => {
    const deps = tlsOption(plan).dependencies;
    for (const hostname of HOSTS) expect(deps).toContain(plan.find(AOP, `edge-host-${hostname}`).urn);
    expect(deps).toContain(plan.find(SECRET, "edge-origin-ca").urn);
  });

  it("puts the InternalCA trust bundle in the CA Secret under tls.ca", () => {
    const secret = plan.find(SECRET, "edge-origin-ca");
    const out = plan.outputs as unknown as Out;
    expect(secret.inputs.metadata).toMatchObject({ name: "edge-origin-ca", namespace: "traefik" });
    expect(secret.inputs.stringData).toEqual({ "tls.ca": out.bundle });
    expect(out.originTrust).toBe(out.bundle);
  });

  it("origin settings accept the certificate Cloudflare presents (real handshake)", async () => {
    const out = plan.outputs as unknown as Out;
    const upload = plan.find(HOST_CERT, "edge-cert");
    const r = await mtlsHandshake(
      { cert: out.serverChain, key: out.serverKey, ca: out.originTrust },
      { cert: upload.inputs.certificate as string, key: upload.inputs.privateKey as string, ca: out.bundle, servername: "api.example.com" },
    );
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, peerCommonName: "cloudflare-origin-pull" });
  });

  it("origin settings reject a client certificate from another CA, even with the same CN", async () => {
    const out = plan.outputs as unknown as Out;
    const r = await mtlsHandshake(
      { cert: out.serverChain, key: out.serverKey, ca: out.originTrust },
      { cert: out.rogueChain, key: out.rogueKey, ca: out.bundle, servername: "api.example.com" },
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/server: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/);
  });

  it("declares its topology: Cloudflare talks to each origin, which trusts our CA", async () => {
    const component = plan.find("edge-mtls:api-shield:AuthenticatedOriginPulls", "edge");
    const topology = component.outputs.topology as { talksTo: { from: string; to: string }[]; trusts: { to: string }[] };
    expect(topology.talksTo.map((e) => e.to)).toEqual(HOSTS.map((h) => `origin ${h}`));
    expect(topology.trusts.every((e) => e.to === 'CA of AuthenticatedOriginPulls "edge"')).toBe(true);
  });
});

describe("AuthenticatedOriginPulls — zone mode (Cloudflare's shared certificate)", () => {
  const zoneArgs = (extra: Partial<AuthenticatedOriginPullsArgs> = {}): AuthenticatedOriginPullsArgs => ({
    zoneId: ZONE,
    zoneName: "example.com",
    mode: "zone",
    cloudflareOriginPullCaPem: pki.caPem, // stands in for Cloudflare's origin-pull CA
    ...extra,
  });

  it("is refused without acceptSharedCloudflareCertificate", () => {
    expect(() => new AuthenticatedOriginPulls("edge", zoneArgs())).toThrow(
      /^AuthenticatedOriginPulls "edge": acceptSharedCloudflareCertificate \(undefined\) must be true in mode "zone": the shared certificate is presented for every Cloudflare customer/,
    );
  });

  it("with the flag, enables zone-level AOP and warns that any Cloudflare zone could reach the origin", async () => {
    const p = await runProgram(() => {
      new AuthenticatedOriginPulls("edge", zoneArgs({ acceptSharedCloudflareCertificate: true }));
    });
    expect(p.find(SETTINGS, "edge-zone").inputs).toEqual({ zoneId: ZONE, enabled: true });
    expect(p.all(HOST_CERT)).toHaveLength(0);
    expect(p.warnings.some((w) => w.includes('AuthenticatedOriginPulls "edge"') && w.includes("every customer's zone"))).toBe(true);
  });

  it("gives the origin the supplied Cloudflare origin-pull CA to trust", async () => {
    const p = await runProgram(() => {
      const aop = new AuthenticatedOriginPulls("edge", zoneArgs({ acceptSharedCloudflareCertificate: true, traefik: { namespace: "traefik" } }));
      return { trust: aop.originTrustPem };
    });
    expect(p.outputs.trust).toBe(pki.caPem);
    expect(p.find(SECRET, "edge-origin-ca").inputs.stringData).toEqual({ "tls.ca": pki.caPem });
    expect(tlsOption(p).dependencies).toContain(p.find(SETTINGS, "edge-zone").urn);
  });
});

describe("AuthenticatedOriginPulls construction errors", () => {
  const ca = { issueClientCertificate: () => { throw new Error("must not be called"); }, trustBundle: undefined } as unknown as AuthenticatedOriginPullsArgs["ca"];
  const make = (extra: Partial<AuthenticatedOriginPullsArgs>) => () =>
    new AuthenticatedOriginPulls("edge", { zoneId: ZONE, zoneName: "example.com", ca, hostnames: ["api.example.com"], ...extra });

  it("refuses per-hostname mode without hostnames", () => {
    expect(make({ hostnames: [] })).toThrow('AuthenticatedOriginPulls "edge": hostnames is empty: per-hostname mode needs at least one hostname (or use mode "zone")');
  });

  it("refuses per-hostname mode without a CA", () => {
    expect(make({ ca: undefined })).toThrow('AuthenticatedOriginPulls "edge": ca is required in per-hostname mode: give the InternalCA');
  });

  it("refuses a hostname outside the zone", () => {
    expect(make({ hostnames: ["api.example.org"] })).toThrow('AuthenticatedOriginPulls "edge": hostnames[0] ("api.example.org") is not in zone "example.com"');
  });

  it("refuses a wildcard hostname and says to list exact hostnames", () => {
    expect(make({ hostnames: ["*.example.com"] })).toThrow(
      'AuthenticatedOriginPulls "edge": hostnames[0] ("*.example.com") is a wildcard; per-hostname Authenticated Origin Pulls associates a certificate with exact hostnames (one "hostname" per association), so list each hostname',
    );
  });

  it("refuses a repeated hostname", () => {
    expect(make({ hostnames: ["api.example.com", "api.example.com"] })).toThrow('AuthenticatedOriginPulls "edge": hostnames[1] ("api.example.com") repeats hostnames[0]');
  });

  it("refuses more hostnames than Cloudflare allows per certificate", () => {
    const many = Array.from({ length: 101 }, (_, i) => `h${i}.example.com`);
    expect(make({ hostnames: many })).toThrow('AuthenticatedOriginPulls "edge": hostnames has 101 entries; Cloudflare allows at most 100');
  });

  it("refuses a traefik option without a namespace", () => {
    expect(make({ traefik: {} as { namespace: string } })).toThrow('AuthenticatedOriginPulls "edge": traefik.namespace is missing: give the namespace');
  });

  it("refuses a traefik namespace that is not a DNS-1123 label", () => {
    expect(make({ traefik: { namespace: "Traefik" } })).toThrow('AuthenticatedOriginPulls "edge": traefik.namespace ("Traefik") must be lower-case letters');
  });

  it("refuses zone mode without Cloudflare's origin-pull CA", () => {
    expect(() => new AuthenticatedOriginPulls("edge", { zoneId: ZONE, zoneName: "example.com", mode: "zone", acceptSharedCloudflareCertificate: true })).toThrow(
      'AuthenticatedOriginPulls "edge": cloudflareOriginPullCaPem is required in mode "zone"',
    );
  });

  it("refuses a non-CA certificate as Cloudflare's origin-pull CA", () => {
    expect(
      () => new AuthenticatedOriginPulls("edge", { zoneId: ZONE, zoneName: "example.com", mode: "zone", acceptSharedCloudflareCertificate: true, cloudflareOriginPullCaPem: pki.leafPem }),
    ).toThrow(/^AuthenticatedOriginPulls "edge": cloudflareOriginPullCaPem is not a CA certificate/);
  });

  it("refuses per-hostname arguments in zone mode", () => {
    expect(make({ mode: "zone", acceptSharedCloudflareCertificate: true, cloudflareOriginPullCaPem: pki.caPem })).toThrow(
      'AuthenticatedOriginPulls "edge": hostnames/ca/identity/validity only apply in mode "per-hostname"',
    );
  });

  it("throws the library's argument error type, naming component, instance and argument", () => {
    try {
      make({ hostnames: ["api.example.org"] })();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EdgeMtlsArgumentError);
      expect(e).toMatchObject({ component: "AuthenticatedOriginPulls", instance: "edge", argument: "hostnames[0]" });
    }
  });
});
