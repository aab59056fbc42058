/**
 * edge-mtls: zero-trust TLS from the public edge to the pod, as Pulumi components.
 */
export * from "./common";
export * from "./internal-ca";
export * from "./cert-manager";
export * from "./traefik";
export * from "./api-shield";
export * from "./tunnel";
