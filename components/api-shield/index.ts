export * from "./types";
export { ApiShieldCa, validateApiShieldCaArgs, cloudflareManagedCa, type ApiShieldCaArgs, type CloudflareManagedCaArgs } from "./api-shield-ca";
export { WorkerRoute, parseRoutePattern, WORKER_ONLY_ORIGIN, type WorkerRouteArgs } from "./worker-route";
export { declareProxiedZone, proxiedHostnamesIn, claimZonePhase, type ProxiedZone } from "./zone-registry";
export { ApiShieldMtls, CUSTOM_RULES_PHASE, rulesetImportCommand, protectionRule, protectionRuleRef, groupHostnamesByAnchor } from "./api-shield-mtls";
export {
  WorkerClientCertificate,
  CloudflareManagedClientCertificate,
  mtlsCertificateBinding,
  leafFirstChain,
  validateWorkerClientCertificateArgs,
  MTLS_CERTIFICATE_BINDING_TYPE,
  WORKERS_MTLS_PROXIED_ZONE_RULE,
  WORKERS_MTLS_DOCS_URL,
  WORKERS_MTLS_ALTERNATIVES,
  proxiedTargetProblem,
  type WorkerMtlsTarget,
  type WorkerClientCertificateArgs,
  type CloudflareManagedClientCertificateArgs,
} from "./worker-binding";
export { mtlsRuleExpression, pathCondition, pathPrefixBase, rulesStringLiteral, asciiLower, FIELDS as MTLS_RULE_FIELDS, type MtlsRuleExpressionInput } from "./expression";
export {
  validateApiShieldMtlsArgs,
  pathPrefixProblem,
  bindingNameProblem,
  DEFAULT_PATH_PREFIXES,
  DEFAULT_BLOCK_CONTENT,
  BLOCK_CONTENT_TYPES,
} from "./validate";
export {
  inspectCertificate,
  subjectKeyIdentifier,
  trustAnchorProblem,
  issuerProblem,
  clientCertificateProblem,
  CLOUDFLARE_CA_SIGNATURE_ALGORITHMS,
  type CertificateFacts,
} from "./certificate";
export { AuthenticatedOriginPulls, validateAuthenticatedOriginPullsArgs, aopTlsOptionSpec, sharedCertificateWarning, AOP_ORIGIN_TLS_POLICY, AOP_MAX_HOSTNAMES_PER_CERTIFICATE, DEFAULT_AOP_IDENTITY, type AuthenticatedOriginPullsArgs, type AuthenticatedOriginPullsMode, type OriginPullIssuer, type AopTraefikArgs } from "./authenticated-origin-pulls";
