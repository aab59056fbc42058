/**
 * The edge-mtls stack program: composes the library's components from the validated stack
 * config (stacks/config.ts). One program for dev, staging and prod; what differs lives in
 * `Pulumi.<stack>.yaml`. Cloudflare is optional: without a `cloudflare` section the stack
 * needs only a cluster.
 *
 *   Internet ─▶ Cloudflare edge ─(tunnel)─▶ cloudflared ─(verified HTTPS)─▶ Traefik websecure
 *   nginx/edge callers ─(mTLS, named callers only)─▶ Traefik mesh ─▶ services
 *   devices/servers ─(client cert)─▶ API Shield (rule pins our CA) ─▶ API
 *   Worker ─(mtls_certificate binding)─▶ servers Cloudflare does not proxy (partner APIs)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ITLSStore } from "@kubernetes-models/traefik/traefik.io/v1alpha1/TLSStore" with { "resolution-mode": "import" };
import {
  ApiShieldCa,
  ApiShieldMtls,
  CertManagerIssuer,
  InternalCA,
  type KeyAlgorithm,
  MtlsService,
  TraefikInstall,
  TunnelOrigin,
  WorkerClientCertificate,
  WorkloadIdentity,
} from "../components";
import { loadStackConfig } from "./config";

export async function main(): Promise<Record<string, unknown>> {
  const { config, cloudflareToken } = loadStackConfig();
  const env = config.environment;
  const cf = config.cloudflare;

  // 1. The internal CA: root of trust for every internal hop.
  const ca = new InternalCA(`${env}-mesh`, {
    subject: { commonName: config.internalCa.commonName ?? `edge-mtls ${env} Root CA`, organization: config.internalCa.organization ?? "edge-mtls" },
    keyAlgorithm: config.internalCa.keyAlgorithm as KeyAlgorithm | undefined,
    leafKeyAlgorithm: config.internalCa.leafKeyAlgorithm as KeyAlgorithm | undefined,
    caValidity: config.internalCa.caValidity,
    intermediate: config.internalCa.intermediate,
    leafValidity: config.internalCa.leafValidity,
    renewBefore: config.internalCa.renewBefore,
    endOfLifeWarning: config.internalCa.endOfLifeWarning,
  });

  // 2. cert-manager: ACME (Let's Encrypt staging in dev, production in prod; DNS-01 through
  //    Cloudflare when configured) and a CA issuer backed by the internal CA.
  const acme = new CertManagerIssuer("letsencrypt", {
    install: config.certManager.install,
    environment: env === "prod" ? "production" : "non-production",
    issuerName: config.certManager.acmeServer,
    issuer: {
      type: "acme",
      server: config.certManager.acmeServer,
      email: config.certManager.acmeEmail,
      ...(cf && cloudflareToken ? { dns01: { cloudflare: { apiToken: cloudflareToken, zones: [cf.zone] } } } : {}),
    },
  });
  const internalIssuer = new CertManagerIssuer("internal-ca", { install: false, issuerName: "edge-mtls-internal-ca", issuer: { type: "ca", authority: ca } }, { dependsOn: [acme] });

  // 3. The mesh's workload identities: one client certificate each, for every service that lists it.
  const identities = new Map(
    config.identities.map((id) => [id.name, new WorkloadIdentity(id.name, { uris: id.uris, validity: id.validity, renewBefore: id.renewBefore })] as const),
  );
  const identity = (n: string): WorkloadIdentity => {
    const found = identities.get(n);
    if (!found) throw new Error(`identity ${n} is not declared`); // unreachable: the config schema checks it
    return found;
  };

  // 4. Traefik with web, websecure and the private mTLS entrypoint, whose default TLS option
  //    requires one of the mesh identities on any router without its own TLSOption.
  const traefik = new TraefikInstall("traefik", {
    namespace: config.traefik.namespace,
    mtlsEntrypoint: { port: config.traefik.meshPort, identities: [...identities.values()] },
  });

  // 5. One MtlsService per internal service: only its listed callers get in.
  const services = config.services.map(
    (svc) =>
      new MtlsService(
        svc.name,
        {
          traefik,
          ca,
          service: { namespace: svc.namespace, name: svc.service, port: svc.port },
          hostnames: svc.hostnames,
          identities: svc.callers.map(identity),
          clients: svc.clients.map((c) => ({ name: c.name })),
          minTlsVersion: svc.minTlsVersion,
        },
        { dependsOn: [traefik] },
      ),
  );
  // Caller material: one entry per identity (`<identity>`), one per shorthand caller (`<service>/<caller>`).
  const callers: Record<string, unknown> = {};
  for (const [n, id] of identities) callers[n] = { certPem: id.certPem, privateKeyPem: id.privateKeyPem, serverCaPem: ca.trustBundle, notAfter: id.notAfter };
  services.forEach((s, i) => {
    const svc = config.services[i];
    for (const c of svc?.clients ?? []) {
      const m = s.clients[c.name];
      if (m) callers[`${svc?.name ?? i}/${c.name}`] = { certPem: m.certPem, privateKeyPem: m.privateKeyPem, serverCaPem: m.serverCaPem, notAfter: m.notAfter };
    }
  });

  // 6. Cloudflare (optional): tunnel to Traefik over verified HTTPS, API Shield mTLS.
  let tunnelId: pulumi.Output<string> | undefined;
  let publicHostnames: pulumi.Output<string[]> | undefined;
  let apiShield: Record<string, unknown> | undefined;
  const certificateStatus: Record<string, unknown> = {};
  if (cf?.tunnel) {
    const origin = traefik.origin("websecure");
    const tunnel = new TunnelOrigin(
      `${env}-edge`,
      {
        accountId: cf.accountId,
        zone: { id: cf.zoneId, name: cf.zone },
        routes: cf.tunnel.hostnames,
        origin,
        setSslModeStrict: cf.tunnel.setSslStrict,
        originCertificate:
          cf.tunnel.originCertificate === "internal-ca"
            ? { kind: "internal-ca", ca, namespace: traefik.namespace }
            : { kind: "cert-manager", issuerRef: { name: config.certManager.acmeServer, kind: "ClusterIssuer" }, namespace: traefik.namespace, dnsNames: [`*.${cf.zone}`, cf.zone], dependsOn: [acme] },
      },
      { dependsOn: [traefik, acme] },
    );
    tunnelId = tunnel.tunnelId;
    certificateStatus.origin = tunnel.originCertificateStatus;
    publicHostnames = tunnel.hostnames;
    // Traefik serves the origin certificate by default (TLSStore "default"), so cloudflared's
    // originServerName gets it for every public hostname.
    new k8s.apiextensions.CustomResource(
      `${env}-traefik-default-tlsstore`,
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "TLSStore",
        metadata: { name: "default", namespace: traefik.namespace },
        spec: tunnel.originTlsSecret.apply((s): ITLSStore["spec"] => ({ defaultCertificate: { secretName: s?.name ?? `${env}-edge-origin-tls` } })),
      },
      { dependsOn: [traefik, tunnel] },
    );
  }
  if (cf?.apiShield) {
    // The edge-clients issuer signs only edge client certificates, so the rule that pins its SKI
    // refuses every mesh certificate (docs/internal-ca.md#issuers-per-purpose).
    const shieldCa = new ApiShieldCa(`${env}-api-shield-ca`, { accountId: cf.accountId, authority: ca.issuers.edgeClients });
    new ApiShieldMtls(`${env}-api-shield`, {
      zoneId: cf.zoneId,
      zoneName: cf.zone,
      trustAnchor: shieldCa,
      protections: [{ name: "api", hostnames: cf.apiShield.hostnames, pathPrefixes: cf.apiShield.pathPrefixes }],
    });
    apiShield = { protectedHostnames: cf.apiShield.hostnames, pathPrefixes: cf.apiShield.pathPrefixes, caCertificateId: shieldCa.mtlsCertificateId };
  }
  // Workers that call servers Cloudflare does not proxy, with an InternalCA client certificate.
  // (Not the API Shield hostnames above: Cloudflare answers 520 to a Worker's certificate there.)
  const mtlsWorkers: Record<string, unknown> = {};
  for (const w of cf?.mtlsWorkers ?? []) {
    const worker = new WorkerClientCertificate(`${env}-${w.scriptName}`, {
      accountId: cf?.accountId ?? "",
      bindingName: w.bindingName,
      issuer: ca,
      identity: w.scriptName,
      targets: w.targets,
    });
    mtlsWorkers[w.scriptName] = { binding: worker.binding, targets: worker.targets, certificatePem: worker.certificatePem };
  }
  void internalIssuer;

  return {
    environment: env,
    caBundle: ca.trustBundle,
    callers: pulumi.secret(callers),
    internalHostnames: config.services.flatMap((s) => s.hostnames),
    publicHostnames: publicHostnames ?? [],
    tunnelId: tunnelId ?? null,
    apiShield: apiShield ?? null,
    mtlsWorkers,
    issuers: { acme: acme.issuerName, internal: internalIssuer.issuerName },
    certificateStatus,
  };
}
