/**
 * Issue 14: property-based tests of the pure validators (fast-check).
 *
 * 1. Whatever a caller passes — any JavaScript value, or an object with the right keys holding
 *    any values — a validator either accepts or throws an `EdgeMtlsArgumentError`; never a
 *    `TypeError` or anything else.
 * 2. Every name a validator accepts is valid for the platform that receives it: Kubernetes names
 *    against apimachinery's own rules (validation.go: DNS-1123 label / subdomain formats and
 *    lengths), Helm release names against Helm's (`helm install` refuses names over 53), and
 *    Cloudflare values against Cloudflare's OpenAPI schema (../shared/cloudflare-api).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components/common/errors";
import {
  chartVersionProblem,
  cloudflareIdProblem,
  dnValueProblem,
  helmReleaseNameProblem,
  httpsUrlProblem,
  k8sLabelNameProblem,
  k8sObjectNameProblem,
  quantityProblem,
} from "../../components/common/validate";
import { dnsNameProblem } from "../../components/common/dns";
import { checkInternalCaContract, checkLeafContract } from "../../components/internal-ca/validate";
import { validateIssuerArgs, validateCertificateArgs, labelNameProblem, objectNameProblem } from "../../components/cert-manager/validate";
import { checkMtlsServiceContract, checkTraefikInstallContract, checkWorkloadIdentityContract, dns1123Problem } from "../../components/traefik/validate";
import { validateTunnelOriginArgs } from "../../components/tunnel/validate";
import { validateApiShieldMtlsArgs } from "../../components/api-shield/validate";
import { validateAuthenticatedOriginPullsArgs } from "../../components/api-shield/authenticated-origin-pulls";
import { validateApiShieldCaArgs } from "../../components/api-shield/api-shield-ca";
import { validateWorkerClientCertificateArgs } from "../../components/api-shield/worker-binding";

const RUNS = { numRuns: 400 };

/** Kubernetes apimachinery (pkg/util/validation/validation.go), written out independently. */
const K8S = {
  label: (s: string) => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s),
  subdomain: (s: string) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s),
};

/** Cloudflare's OpenAPI schema, read from the upstream artifact. */
const cfSchemas = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "shared", "cloudflare-api", "openapi-subset.json"), "utf8")) as {
  components: { schemas: Record<string, { maxLength?: number; pattern?: string }> };
}).components.schemas;
const cfRecordNameMax = cfSchemas["dns-records_name"]?.maxLength ?? 0;
const cfIdMax = cfSchemas["zones_identifier"]?.maxLength ?? 0;

/** Strings over an alphabet that makes both valid and invalid names likely. */
const nameish = (max = 80) => fc.string({ unit: fc.constantFrom(..."abcxyz0129-.", "A", "_", " ", "*", "é"), maxLength: max });
const anything = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
/** An object with `keys`, each holding anything (or a plausible value). */
const shaped = (keys: readonly string[], plausible: Record<string, fc.Arbitrary<unknown>> = {}) =>
  fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(anything, plausible[k] ?? fc.constant(undefined))])), { requiredKeys: [] });

/** Runs `f`; fails the property when it throws anything but an EdgeMtlsArgumentError. */
function onlyOurError(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    if (e instanceof EdgeMtlsArgumentError) return true;
    throw new Error(`threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
  }
  return true;
}

describe("no input makes a validator throw anything but EdgeMtlsArgumentError", () => {
  const cases: Array<[string, fc.Arbitrary<unknown>, (v: unknown) => unknown]> = [
    ["InternalCA args", fc.oneof(anything, shaped(["subject", "keyAlgorithm", "caValidity", "intermediate", "leafValidity", "renewBefore", "leafKeyAlgorithm", "extraTrustedCaPems", "protect"], { subject: shaped(["commonName", "organization"]), caValidity: fc.constantFrom("1y", "90m", "x") })), (v) => checkInternalCaContract("mesh", v)],
    ["InternalCA leaf args", fc.oneof(anything, shaped(["dnsNames", "ipAddresses", "commonName", "validity", "renewBefore", "keyAlgorithm"], { dnsNames: fc.array(nameish()) })), (v) => checkLeafContract("mesh", 'issueServerCertificate("api")', "server", "api", v)],
    ["CertManagerIssuer args", fc.oneof(anything, shaped(["issuer", "install", "kind", "issuerNamespace", "environment", "readyTimeout"], { issuer: shaped(["type", "email", "server", "http01", "dns01"], { type: fc.constantFrom("acme", "ca", "selfSigned") }) })), (v) => validateIssuerArgs("le", v as never, "non-production")],
    ["certificate() args", fc.oneof(anything, shaped(["dnsNames", "namespace", "secretName", "duration", "renewBefore", "privateKey"], { dnsNames: fc.array(nameish()), namespace: nameish() })), (v) => validateCertificateArgs("le", "web", v as never, { kind: "ClusterIssuer", acme: { http01: {} } })],
    ["TraefikInstall args", fc.oneof(anything, shaped(["namespace", "releaseName", "chartVersion", "repository", "mtlsEntrypoint", "values"], { values: shaped(["globalArguments", "additionalArguments", "ports"]) })), (v) => checkTraefikInstallContract("edge", v)],
    ["MtlsService args", fc.oneof(anything, shaped(["traefik", "ca", "service", "hostnames", "clients", "serverCertificate", "upstream", "callerCaValidity"], { clients: fc.array(shaped(["name", "validity", "renewBefore", "uris"])) })), (v) => checkMtlsServiceContract("orders", v)],
    ["WorkloadIdentity args", fc.oneof(anything, shaped(["uris", "validity", "renewBefore", "keyAlgorithm", "caValidity", "protect"], { validity: fc.constantFrom("30d", "90m", "2y"), caValidity: fc.constantFrom("60d", "5y") })), (v) => checkWorkloadIdentityContract("nginx", v)],
    ["TunnelOrigin args", fc.oneof(anything, shaped(["accountId", "zone", "routes", "origin", "originCertificate", "resources", "replicas", "originTimeouts", "edgeCertificate"], { zone: shaped(["id", "name"]), routes: fc.array(fc.oneof(nameish(), shaped(["hostname", "path", "origin"]))) })), (v) => validateTunnelOriginArgs("edge", v as never)],
    ["ApiShieldMtls args", fc.oneof(anything, shaped(["zoneId", "zoneName", "trustAnchor", "protections"], { protections: fc.array(shaped(["name", "hostnames", "pathPrefixes", "response"])) })), (v) => validateApiShieldMtlsArgs("edge", v as never)],
    ["ApiShieldCa args", fc.oneof(anything, shaped(["accountId", "authority", "certificatePem", "issuerCertificatePem"])), (v) => validateApiShieldCaArgs("mesh", v as never)],
    ["AuthenticatedOriginPulls args", fc.oneof(anything, shaped(["zoneId", "zoneName", "mode", "ca", "hostnames", "identity", "validity", "traefik"])), (v) => validateAuthenticatedOriginPullsArgs("aop", v as never)],
    ["WorkerClientCertificate args", fc.oneof(anything, shaped(["accountId", "bindingName", "issuer", "identity", "certificate", "script"])), (v) => validateWorkerClientCertificateArgs("caller", v as never)],
  ];
  it.each(cases)("%s", (_name, arb, f) => {
    fc.assert(fc.property(arb, (v) => onlyOurError(() => f(v))), RUNS);
  });

  it("checks the hole of a sparse list like any element (fast-check's counterexample { dnsNames: [,] })", () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = { dnsNames: [, "a.example.com"], namespace: "a" };
    const err = ((): unknown => {
      try {
        validateCertificateArgs("le", "web", sparse as never, { kind: "ClusterIssuer", acme: { http01: {} } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EdgeMtlsArgumentError);
    expect((err as Error).message).toBe('CertManagerIssuer "le": certificate("web") dnsNames[0] is required (a string)');
  });

  it("the pure problem functions never throw on any string", () => {
    const fns = [dnsNameProblem, k8sLabelNameProblem, k8sObjectNameProblem, helmReleaseNameProblem, chartVersionProblem, quantityProblem, dnValueProblem, (s: string) => httpsUrlProblem(s), (s: string) => cloudflareIdProblem(s, "zone")];
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => fns.every((f) => f(s) === undefined || typeof f(s) === "string")), RUNS);
  });
});

describe("every accepted name is valid for Kubernetes, Helm and Cloudflare", () => {
  it("DNS-1123 labels (namespaces, Service names, cert-manager label-bound names) pass apimachinery's rule", () => {
    for (const problem of [k8sLabelNameProblem, labelNameProblem, dns1123Problem]) {
      fc.assert(fc.property(nameish(70), (s) => problem(s) !== undefined || K8S.label(s)), RUNS);
    }
    // …and apimachinery's valid labels are accepted (the validators are not merely stricter).
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), (s) => k8sLabelNameProblem(s) === undefined), RUNS);
  });

  it("object names (Secrets, issuers) pass apimachinery's DNS-1123 subdomain rule", () => {
    for (const problem of [k8sObjectNameProblem, objectNameProblem]) {
      fc.assert(fc.property(nameish(260), (s) => problem(s) !== undefined || K8S.subdomain(s)), RUNS);
    }
  });

  it("Helm release names are Kubernetes subdomains of at most 53 characters", () => {
    fc.assert(fc.property(nameish(60), (s) => helmReleaseNameProblem(s) !== undefined || (K8S.subdomain(s) && s.length <= 53)), RUNS);
  });

  it("DNS names accepted for a zone or hostname fit Cloudflare's record-name schema (ASCII/punycode, ≤ maxLength)", () => {
    expect(cfRecordNameMax).toBe(255);
    fc.assert(
      fc.property(nameish(300), (s) => dnsNameProblem(s, { allowWildcard: true }) !== undefined || (s.length <= cfRecordNameMax && /^[\x21-\x7e]+$/.test(s) && s.split(".").every((l) => l.length >= 1 && l.length <= 63))),
      RUNS,
    );
  });

  it("accepted Cloudflare ids fit Cloudflare's identifier schema (≤ 32 characters; 32 lower-case hex)", () => {
    expect(cfIdMax).toBe(32);
    fc.assert(fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFg"), minLength: 30, maxLength: 34 }), fc.string()), (s) => cloudflareIdProblem(s, "account") !== undefined || (s.length <= cfIdMax && /^[0-9a-f]{32}$/.test(s))), RUNS);
  });

  it("accepted DN values contain no RFC 4514 syntax and fit RFC 5280's 64-character bound", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."ab1 ,+=\"\\<>;#-_.:"), maxLength: 70 }), (s) => dnValueProblem(s) !== undefined || (!/[,+="\\<>;]/.test(s) && !s.startsWith("#") && s.length <= 64 && s === s.trim())), RUNS);
  });
});
