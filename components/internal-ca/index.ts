export * from "./types";
export { InternalCA, trustBundle, edgeClientsIssuer, type InternalCAArgs } from "./internal-ca";
export { IssuedCertificate } from "./issued-certificate";
export { tlsSecret, caBundleSecret, caBundleConfigMap, type KubernetesTarget } from "./kubernetes";
export { rotationGeneration, nextRotation } from "./rotation";
export * from "./lifecycle";
export type { IntermediateArgs } from "./internal-ca";
export { allowedUses, privateKeyArgs, KEY_ALGORITHMS, defaultLeafAlgorithm } from "./profile";
export { singleCaCertificateProblem } from "./validate";
