/**
 * Writing certificates into Kubernetes in the formats consumers read:
 * - `kubernetes.io/tls` Secrets with `tls.crt` (full chain), `tls.key`, `ca.crt` — what
 *   Traefik's IngressRoute `tls.secretName`, cert-manager and most servers read;
 * - a CA bundle (Secret or ConfigMap) holding `ca.crt` only — what Traefik's TLSOption
 *   `clientAuth.secretNames` and ServersTransport `rootCAs` read. Trust comes from the
 *   bundle the library owns (InternalCA.trustBundle), never from a cert-manager-written
 *   `ca.crt`, which changes on renewal and never holds the old and new CA together.
 */
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import * as pulumi from "@pulumi/pulumi";
import type { IssuedCertificate } from "./issued-certificate";
import { checkKubernetesTarget } from "./validate";

/** Where a Secret or ConfigMap goes. */
export interface KubernetesTarget {
  /** Namespace. */
  readonly namespace: pulumi.Input<string>;
  /** Object name. @default the Pulumi resource name */
  readonly name?: pulumi.Input<string>;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

const MANAGED_BY = { "app.kubernetes.io/managed-by": "edge-mtls" };

/**
 * Writes an issued certificate as a `kubernetes.io/tls` Secret: `tls.crt` (leaf and
 * intermediates), `tls.key` (secret), `ca.crt` (the CA trust bundle).
 */
export function tlsSecret(name: string, cert: IssuedCertificate, target: KubernetesTarget, opts?: pulumi.CustomResourceOptions): Secret {
  checkKubernetesTarget("tlsSecret", name, target);
  return new Secret(
    name,
    {
      metadata: { name: target.name ?? name, namespace: target.namespace, labels: { ...MANAGED_BY, ...target.labels } },
      type: "kubernetes.io/tls",
      stringData: {
        "tls.crt": cert.chainPem,
        "tls.key": cert.privateKeyPem,
        "ca.crt": cert.trustBundle,
      },
    },
    opts,
  );
}

/** Writes a CA bundle (`ca.crt` only) as an Opaque Secret. */
export function caBundleSecret(name: string, bundlePem: pulumi.Input<string>, target: KubernetesTarget, opts?: pulumi.CustomResourceOptions): Secret {
  checkKubernetesTarget("caBundleSecret", name, target);
  return new Secret(
    name,
    {
      metadata: { name: target.name ?? name, namespace: target.namespace, labels: { ...MANAGED_BY, ...target.labels } },
      type: "Opaque",
      stringData: { "ca.crt": bundlePem },
    },
    opts,
  );
}

/** Writes a CA bundle (`ca.crt` only) as a ConfigMap (public data; for workloads that mount trust). */
export function caBundleConfigMap(name: string, bundlePem: pulumi.Input<string>, target: KubernetesTarget, opts?: pulumi.CustomResourceOptions): ConfigMap {
  checkKubernetesTarget("caBundleConfigMap", name, target);
  return new ConfigMap(
    name,
    {
      metadata: { name: target.name ?? name, namespace: target.namespace, labels: { ...MANAGED_BY, ...target.labels } },
      data: { "ca.crt": bundlePem },
    },
    opts,
  );
}
