import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import * as pulumi from "@pulumi/pulumi";
import { argChecker, q } from "../common/errors";
import { parseDurationMinutes } from "../common/duration";
import { parseCertStatus, type CertStatusSummary, type CertificateStatusInput } from "./status";
import { defaultSecretName } from "./naming";
import {
  CERT_MANAGER_API_VERSION,
  CLOUDFLARE_TOKEN_KEY,
  DEFAULT_READY_TIMEOUT_SECONDS,
  caIssuerCertChain,
  certManagerChartValues,
  readinessAnnotations,
  renderAcmeIssuerSpec,
  renderCaIssuerSpec,
  renderCertificateSpec,
  renderSelfSignedIssuerSpec,
  type IssuerSpec,
} from "./render";
import {
  CERT_MANAGER_CHART_REPO,
  CERT_MANAGER_CHART_VERSION,
  type CertManagerIssuerArgs,
  type CertificateArgs,
  type IssuerKind,
  type IssuerReference,
} from "./types";
import { COMPONENT, checkIssuerContract, environmentFromConfig, validateCertificateArgs, validateIssuerArgs, type IssuerContext } from "./validate";

/** What {@link CertManagerIssuer.certificate} returns. */
export interface ManagedCertificate {
  /** The `Certificate` custom resource. */
  readonly resource: CustomResource;
  /** The Certificate's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The `kubernetes.io/tls` Secret cert-manager writes (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly secretName: string;
  /**
   * The certificate's status as dashboards show it (issued / pending / renewing / failed),
   * projected from the live `status` the Kubernetes provider reads back after apply
   * ({@link parseCertStatus}). `pending` until cert-manager has reported.
   */
  readonly status: pulumi.Output<CertStatusSummary>;
}

/**
 * A cert-manager issuer (ACME with HTTP-01 / Cloudflare DNS-01, CA from an InternalCA or a Secret,
 * or self-signed), optionally installing cert-manager first, and a `certificate()` method for
 * Certificates signed by it. See docs/cert-manager.md.
 */
export class CertManagerIssuer extends pulumi.ComponentResource {
  /** The issuer object's name. */
  readonly issuerName: pulumi.Output<string>;
  /** `ClusterIssuer` or `Issuer`. */
  readonly issuerKind: pulumi.Output<IssuerKind>;
  /** Reference for a Certificate's or Ingress annotation's `issuerRef`. */
  readonly issuerRef: pulumi.Output<IssuerReference>;
  /** Namespace cert-manager runs in. */
  readonly certManagerNamespace: pulumi.Output<string>;
  /** Installed chart version, or undefined when cert-manager was not installed by this component. */
  readonly chartVersion: pulumi.Output<string | undefined>;
  /** The Helm release, when installing. */
  readonly release?: Release;
  /** The ClusterIssuer / Issuer custom resource. */
  readonly issuer: CustomResource;

  private readonly componentName: string;
  private readonly ref: IssuerReference;
  private readonly context: IssuerContext;
  private readonly wait: boolean;
  private readonly timeoutSeconds: number;
  private readonly certificates = new Map<string, { key: string; cert: ManagedCertificate }>();

  constructor(name: string, args: CertManagerIssuerArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so bad arguments leave no trace in the stack.
    checkIssuerContract(name, args);
    const environment = args.environment ?? environmentFromConfig(new pulumi.Config("edge-mtls").get("environment"));
    validateIssuerArgs(name, args, environment);
    super("edge-mtls:cert-manager:CertManagerIssuer", name, {}, opts);

    const kind: IssuerKind = args.kind ?? "ClusterIssuer";
    const issuerName = args.issuerName ?? name;
    const cmNamespace = args.certManagerNamespace ?? "cert-manager";
    const clusterResourceNamespace = args.clusterResourceNamespace ?? cmNamespace;
    // ClusterIssuer Secrets are read from the cluster resource namespace (cert-manager docs,
    // "Cluster Resource Namespace"); an Issuer's from its own namespace.
    const secretNamespace = kind === "ClusterIssuer" ? clusterResourceNamespace : (args.issuerNamespace as string);
    this.componentName = name;
    this.wait = args.waitForReady ?? true;
    this.timeoutSeconds = args.readyTimeout ? (parseDurationMinutes(args.readyTimeout) ?? 10) * 60 : DEFAULT_READY_TIMEOUT_SECONDS;
    this.ref = { name: issuerName, kind, group: "cert-manager.io" };

    let install: { version: string; releaseName: string; values?: Record<string, unknown> } | undefined;
    if (args.install) {
      const i = args.install === true ? {} : args.install;
      install = { version: i.version ?? CERT_MANAGER_CHART_VERSION, releaseName: i.releaseName ?? "cert-manager", values: i.values };
      this.release = new Release(
        `${name}-cert-manager`,
        {
          name: install.releaseName,
          chart: "cert-manager",
          version: install.version,
          repositoryOpts: { repo: CERT_MANAGER_CHART_REPO },
          namespace: cmNamespace,
          createNamespace: true,
          values: certManagerChartValues(install.values, cmNamespace, clusterResourceNamespace),
        },
        { parent: this },
      );
    }
    const after: pulumi.Resource[] = this.release ? [this.release] : [];

    const issuer = args.issuer;
    let spec: IssuerSpec;
    const secrets: pulumi.Resource[] = [];
    switch (issuer.type) {
      case "acme": {
        const cloudflareSecretName = issuer.dns01?.cloudflare.secretName ?? `${issuerName}-cloudflare-api-token`;
        if (issuer.dns01) {
          secrets.push(
            new Secret(
              `${name}-cloudflare-token`,
              {
                metadata: { name: cloudflareSecretName, namespace: secretNamespace },
                type: "Opaque",
                stringData: { [CLOUDFLARE_TOKEN_KEY]: pulumi.secret(issuer.dns01.cloudflare.apiToken) },
              },
              { parent: this, dependsOn: after },
            ),
          );
        }
        spec = renderAcmeIssuerSpec(issuer, {
          accountKeySecretName: issuer.accountKeySecretName ?? `${issuerName}-acme-account-key`,
          cloudflareSecretName,
        });
        this.context = { kind, issuerNamespace: args.issuerNamespace, acme: { http01: issuer.http01, dns01: issuer.dns01, server: issuer.server } };
        break;
      }
      case "ca": {
        let secretName = issuer.secretName;
        if (issuer.authority) {
          const ca = issuer.authority;
          secretName = issuer.keyPairSecretName ?? `${issuerName}-ca-key-pair`;
          secrets.push(
            new Secret(
              `${name}-ca-key-pair`,
              {
                metadata: { name: secretName, namespace: secretNamespace },
                type: "kubernetes.io/tls",
                stringData: {
                  "tls.crt": pulumi.all([ca.issuerCertPem, ca.rootCertPem]).apply(([c, r]) => caIssuerCertChain(c, r)),
                  "tls.key": pulumi.secret(ca.issuerPrivateKeyPem),
                  "ca.crt": ca.rootCertPem,
                },
              },
              { parent: this, dependsOn: after },
            ),
          );
        }
        spec = renderCaIssuerSpec(secretName as string);
        this.context = { kind, issuerNamespace: args.issuerNamespace };
        break;
      }
      case "selfSigned":
        spec = renderSelfSignedIssuerSpec();
        this.context = { kind, issuerNamespace: args.issuerNamespace };
        break;
    }

    this.issuer = new CustomResource(
      `${name}-issuer`,
      {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind,
        metadata: {
          name: issuerName,
          ...(kind === "Issuer" ? { namespace: args.issuerNamespace } : {}),
          annotations: readinessAnnotations(this.wait, this.timeoutSeconds),
        },
        spec,
      },
      { parent: this, dependsOn: [...after, ...secrets] },
    );

    this.issuerName = this.issuer.metadata.apply(() => issuerName);
    this.issuerKind = pulumi.output(kind);
    this.issuerRef = this.issuer.metadata.apply(() => this.ref);
    this.certManagerNamespace = pulumi.output(cmNamespace);
    this.chartVersion = this.release ? this.release.version : pulumi.output(undefined);

    this.registerOutputs({
      issuerName: this.issuerName,
      issuerKind: this.issuerKind,
      issuerRef: this.issuerRef,
      certManagerNamespace: this.certManagerNamespace,
      chartVersion: this.chartVersion,
    });
  }

  /**
   * Creates a `Certificate` signed by this issuer (ECDSA P-256 unless `privateKey` says otherwise,
   * `rotationPolicy: Always`). Calling it again with the same name, namespace and arguments returns
   * the same Certificate; different arguments for the same name are an error. Name it with
   * {@link certificateName} for seed 003's convention.
   */
  certificate(name: string, args: CertificateArgs): ManagedCertificate {
    validateCertificateArgs(this.componentName, name, args, this.context);
    const secretName = args.secretName ?? defaultSecretName(name);
    const key = JSON.stringify({ ...args, dnsNames: [...args.dnsNames], secretName });
    const id = `${args.namespace}/${name}`;
    const existing = this.certificates.get(id);
    if (existing) {
      if (existing.key === key) return existing.cert;
      argChecker(COMPONENT, this.componentName).fail(
        `certificate(${q(name)})`,
        `was already created in namespace ${q(args.namespace)} with different arguments (${existing.key}); use another name or the same arguments`,
      );
    }
    const resource = new CustomResource(
      `${this.componentName}-${args.namespace}-${name}`,
      {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Certificate",
        metadata: { name, namespace: args.namespace, annotations: readinessAnnotations(this.wait, this.timeoutSeconds) },
        spec: renderCertificateSpec({ ...args, secretName }, this.ref),
        // Listed (unset) so that the provider's read-back of `status` becomes an output.
        status: undefined,
      },
      { parent: this, dependsOn: [...(this.release ? [this.release] : []), this.issuer] },
    );
    const liveStatus = (resource as unknown as { status?: pulumi.Output<CertificateStatusInput> }).status ?? pulumi.output(undefined);
    const cert: ManagedCertificate = { resource, name, namespace: args.namespace, secretName, status: liveStatus.apply((st) => parseCertStatus(st)) };
    this.certificates.set(id, { key, cert });
    return cert;
  }
}
