export { TraefikInstall, TRAEFIK_CHART_VERSION, TRAEFIK_CHART_REPOSITORY, buildTraefikValues, type TraefikInstallArgs, type MtlsEntrypointArgs, type ResolvedMtlsEntrypoint } from "./traefik-install";
export {
  MtlsService,
  type MtlsServiceArgs,
  type MtlsCallerArgs,
  type MtlsBackendArgs,
  type MtlsCaller,
  type ServerCertificateSource,
  type UpstreamMtlsArgs,
} from "./mtls-service";
export { renderNginxMtlsLocation, renderNginxMtlsLocations, type NginxMtlsLocationArgs, type NginxMtlsLocationsArgs, type NginxMtlsRoute, type NginxMtlsTarget } from "./nginx";
export { WorkloadIdentity, isWorkloadIdentity, issueCallerIdentity, type WorkloadIdentityArgs, type CallerIdentityMaterial } from "./workload-identity";
export { TlsOptionRegistry, type HostClaim, type HostConflict } from "./registry";
export {
  AEAD_TLS12_CIPHER_SUITES,
  DEFAULT_TLS12_CIPHER_SUITES,
  TRAEFIK_CA_SECRET_KEY,
  CLIENT_CERT_HEADER,
  CLIENT_CERT_INFO_HEADER,
  buildTlsOptionSpec,
  buildIngressRouteSpec,
  buildPassTlsClientCertSpec,
  buildStripIdentityHeadersSpec,
  buildServersTransportSpec,
  hostRule,
  type AeadCipherSuite,
  type TlsPolicy,
  type TlsVersion,
  type TlsOptionSpec,
  type IngressRouteSpec,
  type MiddlewareSpec,
  type ServersTransportSpec,
} from "./tls-option";
export { validateMtlsServiceArgs, validateTraefikInstallArgs, meshValuesProblems } from "./validate";
