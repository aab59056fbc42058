export { CertManagerIssuer, type ManagedCertificate } from "./cert-manager-issuer";
export * from "./types";
export { certificateName, tlsSecretName, defaultSecretName, domainSlug, fitObjectName, MAX_OBJECT_NAME_LENGTH } from "./naming";
export { parseCertStatus, type TlsStatus, type CertStatusSummary, type CertificateStatusInput } from "./status";
export {
  validateIssuerArgs,
  validateCertificateArgs,
  acmeSolverFor,
  isProductionAcme,
  acmeDirectoryUrl,
  environmentFromConfig,
  type IssuerContext,
} from "./validate";
export {
  renderAcmeSolvers,
  renderAcmeIssuerSpec,
  renderCaIssuerSpec,
  renderSelfSignedIssuerSpec,
  renderCertificateSpec,
  renderPrivateKey,
  readinessAnnotations,
  caIssuerCertChain,
  certManagerChartValues,
  toCertManagerDuration,
  type IssuerReference,
} from "./render";
