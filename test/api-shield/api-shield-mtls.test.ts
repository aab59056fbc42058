import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, type PlanResult } from "../../engine";
import { ApiShieldCa, ApiShieldMtls, cloudflareManagedCa } from "../../components/api-shield";
import { makeTestPki, type TestPki } from "./fixtures";

const RULESET = "cloudflare:index/ruleset:Ruleset";
const ASSOCIATIONS = "cloudflare:index/certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations";
const MTLS_CERT = "cloudflare:index/mtlsCertificate:MtlsCertificate";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE = "fedcba9876543210fedcba9876543210";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});

type Rule = { ref: string; action: string; expression: string; enabled: boolean; description: string; actionParameters?: unknown };

function rules(plan: PlanResult): Rule[] {
  return plan.find(RULESET).inputs.rules as Rule[];
}

/** Seed 002 done right: kush.observer's API accepts only the caller Worker's certificate. */
async function seedZone(): Promise<PlanResult> {
  return runProgram(() => {
    const ca = new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem });
    const shield = new ApiShieldMtls("kush", {
      zoneId: ZONE,
      zoneName: "kush.observer",
      trustAnchor: ca,
      protections: [{ name: "api", hostnames: ["kush.observer"] }],
    });
    return { importCommand: shield.rulesetImportCommand };
  });
}

describe("ApiShieldCa", () => {
  it("uploads the CA PEM as an account mTLS certificate with ca: true", async () => {
    const plan = await seedZone();
    const cert = plan.find(MTLS_CERT, "mesh-ca-ca");
    expect(cert.inputs).toMatchObject({ accountId: ACCOUNT, ca: true, certificates: pki.caPem, name: "mesh-ca" });
    expect(cert.inputs.privateKey).toBeUndefined();
  });
});

describe("ApiShieldCa with an explicit issuing CA (e.g. a client-only intermediate)", () => {
  it("pins the SKI of the issuing CA it is given, below the uploaded CA", async () => {
    const plan = await runProgram(() => ({ ski: new ApiShieldCa("ca", { accountId: ACCOUNT, certificatePem: pki.caPem, issuerCertificatePem: pki.intermediatePem }).issuerSki }));
    expect(plan.outputs.ski).toBe(pki.intermediateSki);
    expect(plan.find(MTLS_CERT, "ca-ca").inputs.certificates).toBe(pki.caPem);
  });

  it("takes an issuing CA with authority too, overriding the authority's issuer", async () => {
    const plan = await runProgram(() => ({
      ski: new ApiShieldCa("ca", { accountId: ACCOUNT, authority: { rootCertPem: pulumi.output(pki.caPem), issuerCertPem: pulumi.output(pki.caPem), issuerPrivateKeyPem: pulumi.output("unused"), trustBundle: pulumi.output(pki.caPem) }, issuerCertificatePem: pki.intermediatePem }).issuerSki,
    }));
    expect(plan.outputs.ski).toBe(pki.intermediateSki);
  });

  it("refuses an issuing CA that the uploaded CA did not sign (Cloudflare would refuse every certificate it issues)", async () => {
    const other = await makeTestPki();
    const run = runProgram(() => ({ ski: new ApiShieldCa("ca", { accountId: ACCOUNT, certificatePem: pki.caPem, issuerCertificatePem: other.intermediatePem }).issuerSki }));
    await expect(run).rejects.toThrow(/ApiShieldCa "ca": issuerCertificatePem \(CN=edge-mtls test client-only issuer\) is neither the uploaded CA \(CN=edge-mtls test CA\) nor signed by it/);
  });
});

describe("ApiShieldMtls", () => {
  it("creates the zone's http_request_firewall_custom entrypoint ruleset", async () => {
    const plan = await seedZone();
    expect(plan.find(RULESET, "kush-waf").inputs).toMatchObject({ zoneId: ZONE, kind: "zone", phase: "http_request_firewall_custom" });
  });

  it("blocks /api/ requests without a verified, unrevoked certificate from the uploaded CA (exact expression)", async () => {
    const plan = await seedZone();
    expect(rules(plan)).toHaveLength(1);
    expect(rules(plan)[0]?.expression).toBe(
      '(http.host in {"kush.observer"}) and (lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/")) and ' +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${pki.caSki}")`,
    );
  });

  it("uses the block action with Cloudflare's block page by default", async () => {
    const rule = rules(await seedZone())[0];
    expect(rule).toMatchObject({ action: "block", enabled: true, ref: "edge_mtls_api" });
    expect(rule?.actionParameters).toBeUndefined();
  });

  it("can answer with a JSON 403 instead of the block page", async () => {
    const plan = await runProgram(() => {
      new ApiShieldMtls("kush", {
        zoneId: ZONE,
        zoneName: "kush.observer",
        trustAnchor: new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem }),
        protections: [{ name: "api", hostnames: ["kush.observer"], response: {} }],
      });
    });
    expect(rules(plan)[0]).toMatchObject({
      action: "block",
      actionParameters: {
        response: { statusCode: 403, contentType: "application/json", content: '{"error":"client certificate required","code":"MTLS_REQUIRED"}' },
      },
    });
  });

  it("associates the protected hostnames with the uploaded CA", async () => {
    const plan = await seedZone();
    const assoc = plan.find(ASSOCIATIONS, "kush-hosts-mesh-ca");
    expect(assoc.inputs).toEqual({ zoneId: ZONE, hostnames: ["kush.observer"], mtlsCertificateId: plan.find(MTLS_CERT).id });
  });

  it("creates the hostname association only after the blocking ruleset exists", async () => {
    const plan = await seedZone();
    expect(plan.find(ASSOCIATIONS).dependencies).toContain(plan.find(RULESET).urn);
  });

  it("merges two protected APIs of one zone into one ruleset with both rules and one association", async () => {
    const plan = await runProgram(() => {
      const ca = new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem });
      new ApiShieldMtls("example", {
        zoneId: ZONE,
        zoneName: "example.com",
        trustAnchor: ca,
        protections: [
          { name: "orders", hostnames: ["orders.example.com"] },
          { name: "billing", hostnames: ["billing.example.com", "orders.example.com"], pathPrefixes: ["/v2/"] },
        ],
      });
    });
    expect(plan.all(RULESET)).toHaveLength(1);
    expect(rules(plan).map((r) => r.ref)).toEqual(["edge_mtls_orders", "edge_mtls_billing"]);
    expect(rules(plan)[1]?.expression).toContain(
      '(http.host in {"billing.example.com" "orders.example.com"}) and (lower(http.request.uri.path) eq "/v2" or starts_with(lower(http.request.uri.path), "/v2/"))',
    );
    expect(plan.all(ASSOCIATIONS)).toHaveLength(1);
    expect(plan.find(ASSOCIATIONS).inputs.hostnames).toEqual(["billing.example.com", "orders.example.com"]);
  });

  it("appends additional custom rules after the mTLS rules in the same ruleset", async () => {
    const plan = await runProgram(() => {
      new ApiShieldMtls("example", {
        zoneId: ZONE,
        zoneName: "example.com",
        trustAnchor: new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem }),
        protections: [{ name: "orders", hostnames: ["orders.example.com"] }],
        additionalRules: [{ action: "managed_challenge", expression: 'http.request.uri.path eq "/login"', ref: "login" }],
      });
    });
    expect(rules(plan).map((r) => r.ref)).toEqual(["edge_mtls_orders", "login"]);
  });

  it("refuses a second ApiShieldMtls for the same zone instead of creating a competing ruleset", async () => {
    const plan = await runProgram(() => {
      const ca = new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem });
      new ApiShieldMtls("orders", { zoneId: ZONE, zoneName: "example.com", trustAnchor: ca, protections: [{ name: "orders", hostnames: ["orders.example.com"] }] });
      try {
        new ApiShieldMtls("billing", { zoneId: ZONE, zoneName: "example.com", trustAnchor: ca, protections: [{ name: "billing", hostnames: ["billing.example.com"] }] });
        return { error: "none" };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    expect(plan.outputs.error).toMatch(new RegExp(`^ApiShieldMtls "billing": zoneId \\("${ZONE}"\\) is already managed by ApiShieldMtls "orders"`));
    expect(plan.all(RULESET)).toHaveLength(1);
  });

  it("keys the one-ruleset-per-zone claim on the zone id: the same name in two zones (two accounts) is allowed", async () => {
    const plan = await runProgram(() => {
      const anchor = cloudflareManagedCa({ issuerSki: "AB" });
      new ApiShieldMtls("a", { zoneId: ZONE, zoneName: "example.com", trustAnchor: anchor, protections: [{ name: "a", hostnames: ["a.example.com"] }] });
      new ApiShieldMtls("b", { zoneId: "0".repeat(32), zoneName: "example.com", trustAnchor: anchor, protections: [{ name: "b", hostnames: ["b.example.com"] }] });
    });
    expect(plan.errors).toEqual([]);
    expect(plan.all(RULESET).map((r) => r.inputs.zoneId).sort()).toEqual(["0".repeat(32), ZONE].sort());
  });

  it("refuses two ApiShieldMtls whose zone ids resolve to the same zone, even when given as Outputs", async () => {
    const run = runProgram(() => {
      const anchor = cloudflareManagedCa({ issuerSki: "AB" });
      new ApiShieldMtls("a", { zoneId: pulumi.output(ZONE), zoneName: "example.com", trustAnchor: anchor, protections: [{ name: "a", hostnames: ["a.example.com"] }] });
      new ApiShieldMtls("b", { zoneId: pulumi.output(ZONE), zoneName: "example.com", trustAnchor: anchor, protections: [{ name: "b", hostnames: ["b.example.com"] }] });
    });
    await expect(run).rejects.toThrow(/ApiShieldMtls "b": zoneId \("fedcba9876543210fedcba9876543210"\) is already managed by ApiShieldMtls "a"/);
  });

  it("gives the pulumi import command that adopts an existing custom-rules entry point as its -waf child", async () => {
    const plan = await seedZone();
    const component = plan.all().find((r) => r.type === "edge-mtls:api-shield:ApiShieldMtls");
    expect(plan.outputs.importCommand).toBe(
      `pulumi import cloudflare:index/ruleset:Ruleset kush-waf zones/${ZONE}/<RULESET_ID> --parent 'kush=${String(component?.urn)}' --generate-code=false`,
    );
    const ruleset = plan.find(RULESET, "kush-waf");
    expect(ruleset.parent).toBe(component?.urn);
  });

  it("lets two programs (stacks) each manage the same zone name", async () => {
    const program = (): void => {
      new ApiShieldMtls("orders", {
        zoneId: ZONE,
        zoneName: "example.com",
        trustAnchor: cloudflareManagedCa({ issuerSki: "AB" }),
        protections: [{ name: "orders", hostnames: ["orders.example.com"] }],
      });
    };
    await runProgram(program);
    expect((await runProgram(program)).all(RULESET)).toHaveLength(1);
  });

  it("keeps one association per CA when protections of one zone trust different CAs", async () => {
    const plan = await runProgram(() => {
      const ca = new ApiShieldCa("mesh-ca", { accountId: ACCOUNT, certificatePem: pki.caPem });
      new ApiShieldMtls("example", {
        zoneId: ZONE,
        zoneName: "example.com",
        trustAnchor: ca,
        protections: [
          { name: "orders", hostnames: ["orders.example.com"] },
          { name: "partners", hostnames: ["partners.example.com"], trustAnchor: cloudflareManagedCa({ issuerSki: "AB:CD" }) },
        ],
      });
    });
    expect(plan.find(ASSOCIATIONS, "example-hosts-mesh-ca").inputs.hostnames).toEqual(["orders.example.com"]);
    const managed = plan.find(ASSOCIATIONS, "example-hosts-cloudflare-managed");
    expect(managed.inputs).toEqual({ zoneId: ZONE, hostnames: ["partners.example.com"] });
    expect(rules(plan)[1]?.expression).toContain('cf.tls_client_auth.cert_issuer_ski ne "ABCD"');
  });

  it("warns when a Cloudflare-managed CA is trusted without its SKI", async () => {
    const plan = await runProgram(() => {
      new ApiShieldMtls("example", {
        zoneId: ZONE,
        zoneName: "example.com",
        trustAnchor: cloudflareManagedCa(),
        protections: [{ name: "orders", hostnames: ["orders.example.com"] }],
      });
    });
    expect(plan.warnings.join("\n")).toMatch(/without its SKI/);
    expect(rules(plan)[0]?.expression).not.toContain("cert_issuer_ski");
  });
});
