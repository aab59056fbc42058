/**
 * edge-mtls: zero-trust TLS from the public edge to the pod, as Pulumi components.
 *
 * This is the public API (semantic versioning applies to it and to `edge-mtls/engine`):
 * the components, their argument and output types, and the helpers the docs describe.
 * Everything else (validators, spec builders, the clock) is internal and may change in
 * any release.
 *
 * @packageDocumentation
 * @module edge-mtls
 */

// Errors users catch.
export { EdgeMtlsArgumentError, StackConfigError, StackFileError, type ConfigProblem } from "./common/errors";
export type { Duration } from "./common/duration";

// Internal CA.
export { InternalCA, trustBundle, type InternalCAArgs, type IntermediateArgs } from "./internal-ca/internal-ca";
export { IssuedCertificate } from "./internal-ca/issued-certificate";
export { tlsSecret, caBundleSecret, caBundleConfigMap, type KubernetesTarget } from "./internal-ca/kubernetes";
export { KEY_ALGORITHMS } from "./internal-ca/profile";
export type { KeyAlgorithm, CaSubject, CertificateAuthority, IssuingCa, IssuerPurpose, ServerIssuingCa, ClientIssuingCa, LeafCommonArgs, ServerCertificateArgs, ClientCertificateArgs } from "./internal-ca/types";

// cert-manager.
export { CertManagerIssuer, type ManagedCertificate } from "./cert-manager/cert-manager-issuer";
export {
  CERT_MANAGER_CHART_VERSION,
  LETSENCRYPT_DIRECTORIES,
  type LetsEncryptDirectory,
  type IssuerKind,
  type StackEnvironment,
  type CertManagerInstallArgs,
  type Http01SolverArgs,
  type CloudflareDns01SolverArgs,
  type AcmeIssuerArgs,
  type CaIssuerArgs,
  type SelfSignedIssuerArgs,
  type IssuerSourceArgs,
  type CertManagerIssuerArgs,
  type CertificateArgs,
  type IssuerReference,
} from "./cert-manager/types";
export { certificateName, tlsSecretName } from "./cert-manager/naming";
export { parseCertStatus, type TlsStatus, type CertStatusSummary, type CertificateStatusInput, type CertificateConditionInput } from "./cert-manager/status";

// Traefik.
export { TraefikInstall, TRAEFIK_CHART_VERSION, TRAEFIK_CHART_REPOSITORY, type EntrypointDefaultTlsOption, type TraefikInstallArgs, type MtlsEntrypointArgs, type ResolvedMtlsEntrypoint } from "./traefik/traefik-install";
export {
  MtlsService,
  type MtlsServiceArgs,
  type MtlsCallerArgs,
  type MtlsBackendArgs,
  type MtlsCaller,
  type ServerCertificateSource,
  type UpstreamMtlsArgs,
} from "./traefik/mtls-service";
export { renderNginxMtlsLocation, renderNginxMtlsLocations, type NginxMtlsLocationArgs, type NginxMtlsLocationsArgs, type NginxMtlsRoute, type NginxMtlsTarget } from "./traefik/nginx";
export { WorkloadIdentity, type WorkloadIdentityArgs, type CallerIdentityMaterial } from "./traefik/workload-identity";
export { TlsOptionRegistry, type HostClaim, type HostConflict } from "./traefik/registry";
export { TRAEFIK_CA_SECRET_KEY, AEAD_TLS12_CIPHER_SUITES, type AeadCipherSuite, type TlsPolicy, type TlsVersion } from "./traefik/tls-policy";

// Cloudflare Tunnel.
export { TunnelOrigin, type OriginTlsSecretRef } from "./tunnel/tunnel-origin";
export type * from "./tunnel/types";
export { mergeRoutes } from "./tunnel/ingress";
export { CLOUDFLARED_IMAGE } from "./tunnel/cloudflared";

// Cloudflare API Shield and Workers.
export type * from "./api-shield/types";
export { ApiShieldCa, cloudflareManagedCa, type ApiShieldCaArgs, type CloudflareManagedCaArgs } from "./api-shield/api-shield-ca";
export { ApiShieldMtls } from "./api-shield/api-shield-mtls";
export { WorkerRoute, type WorkerRouteArgs } from "./api-shield/worker-route";
export { declareProxiedZone, type ProxiedZone } from "./api-shield/zone-registry";
export {
  WorkerClientCertificate,
  CloudflareManagedClientCertificate,
  mtlsCertificateBinding,
  WORKERS_MTLS_PROXIED_ZONE_RULE,
  WORKERS_MTLS_DOCS_URL,
  type WorkerMtlsTarget,
  type WorkerClientCertificateArgs,
  type CloudflareManagedClientCertificateArgs,
} from "./api-shield/worker-binding";
export {
  AuthenticatedOriginPulls,
  type AuthenticatedOriginPullsArgs,
  type AuthenticatedOriginPullsMode,
  type OriginPullIssuer,
  type AopTraefikArgs,
  DEFAULT_AOP_IDENTITY,
} from "./api-shield/authenticated-origin-pulls";
export { DEFAULT_BLOCK_CONTENT } from "./api-shield/validate";
