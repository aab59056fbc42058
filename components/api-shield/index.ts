export * from "./types";
export { ApiShieldCa, validateApiShieldCaArgs, cloudflareManagedCa, type ApiShieldCaArgs, type CloudflareManagedCaArgs } from "./api-shield-ca";
export { ApiShieldMtls, CUSTOM_RULES_PHASE, protectionRule, protectionRuleRef, groupHostnamesByAnchor } from "./api-shield-mtls";
export {
  WorkerClientCertificate,
  CloudflareManagedClientCertificate,
  mtlsCertificateBinding,
  leafFirstChain,
  validateWorkerClientCertificateArgs,
  MTLS_CERTIFICATE_BINDING_TYPE,
  type WorkerClientCertificateArgs,
  type CloudflareManagedClientCertificateArgs,
} from "./worker-binding";
export { mtlsRuleExpression, rulesStringLiteral, asciiLower, FIELDS as MTLS_RULE_FIELDS, type MtlsRuleExpressionInput } from "./expression";
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
