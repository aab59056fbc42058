/**
 * Every bad input is refused at construction, before any child resource exists, with a message
 * naming the component, instance, argument and bad value. Constructors throw before `super()`,
 * so they are called here without the engine.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../engine";
import {
  ApiShieldCa,
  ApiShieldMtls,
  WorkerClientCertificate,
  cloudflareManagedCa,
  mtlsCertificateBinding,
  type ApiProtection,
  type ApiShieldMtlsArgs,
} from "../../components/api-shield";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import { makeTestPki, type TestPki } from "./fixtures";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});

const anchor = cloudflareManagedCa({ issuerSki: "AB" });

function zone(protections: ApiProtection[], extra: Partial<ApiShieldMtlsArgs> = {}): () => ApiShieldMtls {
  return () => new ApiShieldMtls("edge", { zoneId: "1123456789abcdef0123456789abcdef", zoneName: "example.com", trustAnchor: anchor, protections, ...extra });
}

describe("ApiShieldMtls construction errors", () => {
  it("refuses a protection without hostnames (an empty association would wipe the CA's associations)", () => {
    expect(zone([{ name: "api", hostnames: [] }])).toThrow(
      'ApiShieldMtls "edge": protections[0].hostnames is empty: give at least one hostname (an empty hostname association would remove every association of the CA in the zone)',
    );
  });

  it("refuses a hostname outside the zone", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.org"] }])).toThrow('ApiShieldMtls "edge": protections[0].hostnames[0] ("api.example.org") is not in zone "example.com"');
  });

  it("refuses a hostname that merely ends with the zone name", () => {
    expect(zone([{ name: "api", hostnames: ["evilexample.com"] }])).toThrow(/is not in zone "example.com"/);
  });

  it("refuses a wildcard hostname", () => {
    expect(zone([{ name: "api", hostnames: ["*.example.com"] }])).toThrow(/hostnames\[0\] \("\*\.example\.com"\) is a wildcard/);
  });

  it("refuses an empty path prefix", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], pathPrefixes: [""] }])).toThrow(
      'ApiShieldMtls "edge": protections[0].pathPrefixes[0] ("") is empty (an empty prefix would match every path; use "/" to protect the whole host)',
    );
  });

  it("refuses an empty list of path prefixes", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], pathPrefixes: [] }])).toThrow(/protections\[0\]\.pathPrefixes is empty/);
  });

  it("refuses a path prefix that does not start with /", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["api/"] }])).toThrow(/pathPrefixes\[0\] \("api\/"\) must start with "\/"/);
  });

  it.each([
    ["/api?x=1", /contains "\?": the query string is not part of http.request.uri.path/],
    ["/api#top", /contains "#": a fragment is never sent/],
    ["/api/*", /contains "\*": prefixes are literal, not globs/],
    ["api", /must start with "\/" \(http.request.uri.path always does/],
  ])("refuses the path prefix %j, which can never match http.request.uri.path", (prefix, message) => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], pathPrefixes: [prefix] }])).toThrow(message);
  });

  it("refuses a path prefix with whitespace, which no request path contains", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["/a b/"] }])).toThrow(/contains whitespace/);
  });

  it("refuses a zone without protections", () => {
    expect(zone([])).toThrow('ApiShieldMtls "edge": protections is empty: give at least one protected API');
  });

  it("refuses two protections with the same name", () => {
    expect(zone([{ name: "api", hostnames: ["a.example.com"] }, { name: "api", hostnames: ["b.example.com"] }])).toThrow(
      /protections\[1\]\.name \("api"\) is already used by protections\[0\]/,
    );
  });

  it("refuses one hostname trusted to two different CAs", () => {
    const other = { ...cloudflareManagedCa(), kind: "uploaded" as const, label: "ApiShieldCa \"other\"", anchorName: "other" };
    expect(zone([{ name: "a", hostnames: ["api.example.com"] }, { name: "b", hostnames: ["api.example.com"], pathPrefixes: ["/v2/"], trustAnchor: other }])).toThrow(
      /protections\[1\]\.hostnames \("api\.example\.com"\) is trusted to ApiShieldCa "other" here and to the Cloudflare-managed CA in protections\[0\]/,
    );
  });

  it("refuses a custom response status outside 400–499", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], response: { statusCode: 302 } }])).toThrow(/response\.statusCode \(302\) must be an integer from 400 to 499/);
  });

  it("refuses a JSON response body that is not JSON", () => {
    expect(zone([{ name: "api", hostnames: ["api.example.com"], response: { content: "denied" } }])).toThrow(/response\.content \("denied"\) is not valid JSON/);
  });

  it("reports errors as EdgeMtlsArgumentError", () => {
    expect(zone([])).toThrow(EdgeMtlsArgumentError);
  });
});

describe("ApiShieldCa construction errors", () => {
  it("refuses a non-CA certificate as the trust anchor", () => {
    expect(() => new ApiShieldCa("mesh", { accountId: "0123456789abcdef0123456789abcdef", certificatePem: pki.leafPem })).toThrow(
      'ApiShieldCa "mesh": certificatePem is not a CA certificate (Basic Constraints CA:TRUE is required; subject "CN=caller-worker")',
    );
  });

  it("refuses text that is not a PEM certificate", () => {
    expect(() => new ApiShieldCa("mesh", { accountId: "0123456789abcdef0123456789abcdef", certificatePem: "not a pem" })).toThrow(/certificatePem is not a single parseable PEM certificate/);
  });

  it("refuses a bundle of several certificates as one trust anchor", () => {
    expect(() => new ApiShieldCa("mesh", { accountId: "0123456789abcdef0123456789abcdef", certificatePem: pki.caPem + pki.caPem })).toThrow(/found 2/);
  });

  it("refuses neither or both of authority and certificatePem", () => {
    expect(() => new ApiShieldCa("mesh", { accountId: "0123456789abcdef0123456789abcdef" })).toThrow('ApiShieldCa "mesh": authority/certificatePem are both missing: give exactly one');
  });
});

describe("WorkerClientCertificate construction errors", () => {
  const material = (): { certificatePem: string; privateKeyPem: string } => ({ certificatePem: pki.leafPem, privateKeyPem: pki.leafKeyPem });

  it("refuses a binding name that is not a JavaScript identifier", () => {
    expect(() => new WorkerClientCertificate("caller", { accountId: "0123456789abcdef0123456789abcdef", bindingName: "api-mtls", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], certificate: material() })).toThrow(
      'WorkerClientCertificate "caller": bindingName ("api-mtls") must be a JavaScript identifier (letters, digits, _ and $, not starting with a digit), e.g. "API_MTLS"',
    );
  });

  it("refuses a binding name that starts with a digit", () => {
    expect(() => new WorkerClientCertificate("caller", { accountId: "0123456789abcdef0123456789abcdef", bindingName: "1CERT", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], certificate: material() })).toThrow(/bindingName \("1CERT"\)/);
  });

  it("refuses a binding name already used by the script's other bindings", () => {
    expect(
      () =>
        new WorkerClientCertificate("caller", {
          accountId: "0123456789abcdef0123456789abcdef",
          bindingName: "API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }],
          certificate: material(),
          script: { scriptName: "caller", content: "", bindings: [{ type: "plain_text", name: "API", text: "x" }] },
        }),
    ).toThrow(/script\.bindings already has a binding named "API"/);
  });

  it("refuses a CA certificate as the Worker's client certificate", () => {
    expect(() => new WorkerClientCertificate("caller", { accountId: "0123456789abcdef0123456789abcdef", bindingName: "API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], certificate: { certificatePem: pki.caPem, privateKeyPem: "k" } })).toThrow(
      /certificate\.certificatePem is a CA certificate/,
    );
  });

  it("refuses an issuer without an identity", () => {
    const issuer = { issueClientCertificate: () => ({ certPem: pulumi.output(""), privateKeyPem: pulumi.output("") }) };
    expect(() => new WorkerClientCertificate("caller", { accountId: "0123456789abcdef0123456789abcdef", bindingName: "API", targets: [{ hostname: "api.partner.example", proxiedByCloudflare: false }], issuer })).toThrow(/identity \(undefined\) is required with issuer/);
  });

  it("mtlsCertificateBinding refuses a bad binding name too", () => {
    expect(() => mtlsCertificateBinding("my binding", "id")).toThrow(/name \("my binding"\) must be a JavaScript identifier/);
  });
});

describe("trust anchors known only at deployment", () => {
  // Last in the file: a failed run's rejection can surface after the run ends.
  it("fails the deployment when an Output PEM turns out not to be a CA", async () => {
    await expect(
      runProgram(() => {
        new ApiShieldCa("mesh", { accountId: "0123456789abcdef0123456789abcdef", certificatePem: pulumi.output(pki.leafPem) });
      }),
    ).rejects.toThrow(/ApiShieldCa "mesh": certificatePem is not a CA certificate/);
  });
});
