export { TunnelOrigin, type OriginTlsSecretRef } from "./tunnel-origin";
export type * from "./types";
export {
  validateTunnelOriginArgs,
  certificateCovers,
  certificateNameMatches,
  defaultCertManagerDnsNames,
  isTraefikOrigin,
  DEFAULT_TRAEFIK_PORT,
  type NormalizedRoute,
  type ValidatedTunnelOrigin,
} from "./validate";
export { buildIngressRules, mergeRoutes, orderRoutes, CATCH_ALL_SERVICE, DEFAULT_ORIGIN_TIMEOUTS, type IngressRule, type OriginRequest } from "./ingress";
export { cloudflaredPodSpec, cloudflaredArgs, cloudflaredLabels, fullChainPem, CLOUDFLARED_IMAGE, METRICS_PORT, ORIGIN_CA_POOL } from "./cloudflared";
export { encodeTunnelToken, decodeTunnelToken, type TunnelTokenFields } from "./token";
