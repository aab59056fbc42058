/**
 * The public API is what `edge-mtls` and `edge-mtls/engine` export, and it follows semantic
 * versioning (CHANGELOG.md). These lists make every change to it deliberate: adding a name
 * here is a minor release, removing one a breaking one. Internals (validators, spec
 * builders, the clock) stay in their modules.
 */
import { describe, expect, it } from "vitest";
import * as root from "../../components";
import * as engine from "../../engine";

describe("the public API", () => {
  it("exports exactly the documented values from edge-mtls", () => {
    expect(Object.keys(root).sort()).toEqual([
      "AEAD_TLS12_CIPHER_SUITES",
      "ApiShieldCa",
      "ApiShieldMtls",
      "AuthenticatedOriginPulls",
      "CERT_MANAGER_CHART_VERSION",
      "CLOUDFLARED_IMAGE",
      "CertManagerIssuer",
      "CloudflareManagedClientCertificate",
      "DEFAULT_AOP_IDENTITY",
      "DEFAULT_BLOCK_CONTENT",
      "EdgeMtlsArgumentError",
      "InternalCA",
      "IssuedCertificate",
      "KEY_ALGORITHMS",
      "LETSENCRYPT_DIRECTORIES",
      "MtlsService",
      "StackConfigError",
      "StackFileError",
      "TRAEFIK_CA_SECRET_KEY",
      "TRAEFIK_CHART_REPOSITORY",
      "TRAEFIK_CHART_VERSION",
      "TlsOptionRegistry",
      "TraefikInstall",
      "TunnelOrigin",
      "WORKERS_MTLS_DOCS_URL",
      "WORKERS_MTLS_PROXIED_ZONE_RULE",
      "WorkerClientCertificate",
      "WorkerRoute",
      "WorkloadIdentity",
      "caBundleConfigMap",
      "caBundleSecret",
      "certificateName",
      "cloudflareManagedCa",
      "declareProxiedZone",
      "mergeRoutes",
      "mtlsCertificateBinding",
      "parseCertStatus",
      "renderNginxMtlsLocation",
      "renderNginxMtlsLocations",
      "tlsSecret",
      "tlsSecretName",
      "trustBundle",
    ]);
  });

  it("keeps the clock setter and the validators private", () => {
    const names = Object.keys(root);
    expect(names.filter((n) => /^(setClock|now)$|^validate|Problem$|^build.*Spec$|^render.*Spec$/.test(n))).toEqual([]);
  });

  it("exports exactly the documented values from edge-mtls/engine", () => {
    expect(Object.keys(engine).sort()).toEqual([
      "PLAN_MARKER",
      "PlanOutputError",
      "PlanResult",
      "REDACTED",
      "isSecretOutput",
      "planOutputProblem",
      "readStackConfig",
      "readYamlFile",
      "redact",
      "renderPlan",
      "renderPlanMarkdown",
      "runProgram",
      "runStack",
      "securePlaceholder",
      "toRuntimeConfig",
      "unwrap",
      "writePlanDirectory",
    ]);
  });
});
