/**
 * Issue 14: the catalogue of refused inputs. One table lists every input the library refuses —
 * for every public component, the stack files and the `plan` CLI — each with the exact error a
 * user gets. All component rows run inside one offline Pulumi program (prerequisites such as an
 * InternalCA and a TraefikInstall are built once); each row's construction is caught and its
 * error recorded, then asserted here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ApiShieldCa,
  ApiShieldMtls,
  AuthenticatedOriginPulls,
  CertManagerIssuer,
  CloudflareManagedClientCertificate,
  EdgeMtlsArgumentError,
  InternalCA,
  MtlsService,
  StackConfigError,
  StackFileError,
  TraefikInstall,
  TunnelOrigin,
  WorkerClientCertificate,
  WorkerRoute,
  WorkloadIdentity,
  caBundleConfigMap,
  caBundleSecret,
  cloudflareManagedCa,
  tlsSecret,
} from "../../components";
import { main } from "../../engine/cli";
import { readYamlFile } from "../../engine/config";
import { runProgram } from "../../engine";
import { stackConfigSchema, validateStackConfig } from "../../stacks/config";
import { unknownTopLevelKeys } from "../../stacks/unknown-keys";
import { makeTestPki, type TestPki } from "../api-shield/fixtures";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const ZONE_ID = "1123456789abcdef0123456789abcdef";
const PARTNER = [{ hostname: "api.partner.example", proxiedByCloudflare: false }];
const LE_PROD = "https://acme-v02.api.letsencrypt.org/directory";
/** Key material pasted where a certificate belongs (its content must never be echoed). */
const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPlanted0nlyForTheCatalogueTestxxxxxxxxxxxx\n-----END PRIVATE KEY-----\n";

/** What a row may use: prerequisites built once per program. */
interface Ctx {
  readonly ca: InternalCA;
  readonly traefik: TraefikInstall;
  readonly http01: CertManagerIssuer;
  readonly le: CertManagerIssuer;
  readonly pki: TestPki;
}

/** A component row: what the user writes, and the exact error it must give. */
type Row = readonly [title: string, build: (ctx: Ctx) => unknown, error: string];

// JavaScript callers: values of the wrong type, written as TypeScript would refuse them.
const js = <T>(v: unknown): T => v as T;

const mtlsBase = (ctx: Ctx, name: string) => ({
  traefik: ctx.traefik,
  ca: ctx.ca,
  service: { namespace: "shop", name: "orders", port: 8080 },
  hostnames: [`${name}.mesh.example.com`],
  clients: [{ name: "nginx-gateway" }],
});
const tunnelBase = { accountId: ACCOUNT, zone: { id: ZONE_ID, name: "example.com" }, routes: ["app.example.com"], origin: { url: "https://traefik.traefik.svc.cluster.local:443" } };
const acme = (extra: Record<string, unknown> = {}) => ({ issuer: { type: "acme" as const, email: "ops@example.com", ...extra } });

const IC = 'InternalCA "mesh": ';
const CM = 'CertManagerIssuer "le": ';
const TI = 'TraefikInstall "edge": ';
const MS = 'MtlsService "orders": ';
const TO = 'TunnelOrigin "edge": ';

const componentRows: Row[] = [
  // ------------------------------------------------------------------ InternalCA
  ["InternalCA args null (JavaScript)", () => new InternalCA("mesh", js(null)), `${IC}args is null; pass an object (or nothing) such as { keyAlgorithm: "ECDSA-P256" }`],
  ["InternalCA args a string", () => new InternalCA("mesh", js("RSA-4096")), `${IC}args is a string; pass an object (or nothing) such as { keyAlgorithm: "ECDSA-P256" }`],
  ["InternalCA name missing (JavaScript)", () => new InternalCA(js(undefined)), 'InternalCA "undefined": name is required (a string)'],
  ["InternalCA keyAlgorithm a number", () => new InternalCA("mesh", { keyAlgorithm: js(4096) }), `${IC}keyAlgorithm (4096) is a number; it must be a string`],
  ["InternalCA RSA-1024", () => new InternalCA("mesh", { keyAlgorithm: js("RSA-1024") }), `${IC}keyAlgorithm ("RSA-1024") is refused: RSA keys under 2048 bits are breakable; use "RSA-2048" or larger, or "ECDSA-P256"`],
  ["InternalCA unknown key algorithm", () => new InternalCA("mesh", { keyAlgorithm: js("Ed25519") }), `${IC}keyAlgorithm ("Ed25519") is not supported; use one of "ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"`],
  ["InternalCA subject null", () => new InternalCA("mesh", { subject: js(null) }), `${IC}subject is null; pass an object { commonName: "mesh Root CA", organization: "example" }`],
  ["InternalCA subject.commonName a number", () => new InternalCA("mesh", { subject: { commonName: js(42) } }), `${IC}subject.commonName (42) is a number; it must be a string`],
  ["InternalCA CN that adds an O to the DN", () => new InternalCA("mesh", { subject: { commonName: "mesh, O=Admins" } }), `${IC}subject.commonName ("mesh, O=Admins") contains ",", which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"`],
  ["InternalCA O with a multi-valued RDN '+'", () => new InternalCA("mesh", { subject: { commonName: "mesh", organization: "Acme+CN=admin" } }), `${IC}subject.organization ("Acme+CN=admin") contains "+", which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"`],
  ["InternalCA OU starting with #", () => new InternalCA("mesh", { subject: { commonName: "mesh", organizationalUnit: "#ops" } }), `${IC}subject.organizationalUnit ("#ops") starts with "#", which RFC 4514 reads as a hex-encoded value`],
  ["InternalCA CN with trailing space", () => new InternalCA("mesh", { subject: { commonName: "mesh " } }), `${IC}subject.commonName ("mesh ") has leading or trailing spaces, which RFC 4514 renderers escape and tools compare differently`],
  ["InternalCA CN over 64 characters", () => new InternalCA("mesh", { subject: { commonName: "c".repeat(65) } }), `${IC}subject.commonName ("${"c".repeat(65)}") is longer than 64 characters (RFC 5280 ub-common-name)`],
  ["InternalCA O over 64 characters, value truncated", () => new InternalCA("mesh", { subject: { commonName: "mesh", organization: "o".repeat(100) } }), `${IC}subject.organization ("${"o".repeat(78)}…(102 characters)) is longer than 64 characters (RFC 5280 ub-organization-name)`],
  ["InternalCA empty CN", () => new InternalCA("mesh", { subject: { commonName: "" } }), `${IC}subject.commonName ("") must be a non-empty name; RFC 5280 requires a CA subject`],
  ["InternalCA caValidity in words", () => new InternalCA("mesh", { caValidity: "10 years" }), `${IC}caValidity ("10 years") is not a duration; write e.g. "90d", "2160h" or "10y"`],
  ["InternalCA caValidity a number", () => new InternalCA("mesh", { caValidity: js(3650) }), `${IC}caValidity (3650) is a number; it must be a string`],
  ["InternalCA renewBefore that rounds to hours", () => new InternalCA("mesh", { renewBefore: "36h30m" }), `${IC}renewBefore ("36h30m") is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider's validity_period_hours), so it would round up to 37h; write "37h"`],
  ["InternalCA leafValidity in minutes that rounds", () => new InternalCA("mesh", { leafValidity: "90m" }), `${IC}leafValidity ("90m") is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider's validity_period_hours), so it would round up to 2h; write "2h"`],
  ["InternalCA zero leafValidity", () => new InternalCA("mesh", { leafValidity: "0d" }), `${IC}leafValidity ("0d") must be longer than zero`],
  ["InternalCA renewBefore equal to leafValidity", () => new InternalCA("mesh", { renewBefore: "90d" }), `${IC}renewBefore (90d) must be shorter than validity (90d); otherwise the certificate would be renewed as soon as it is issued`],
  ["InternalCA intermediate a string", () => new InternalCA("mesh", { intermediate: js("yes") }), `${IC}intermediate is a string; pass an object or true/false, e.g. { validity: "5y" }`],
  ["InternalCA intermediate outliving its root", () => new InternalCA("mesh", { caValidity: "5y", intermediate: { validity: "6y" } }), `${IC}intermediate.validity (6y) must not exceed caValidity (5y); an intermediate cannot outlive its root`],
  ["InternalCA extraTrustedCaPems a string", () => new InternalCA("mesh", { extraTrustedCaPems: js("-----BEGIN CERTIFICATE-----") }), `${IC}extraTrustedCaPems ("-----BEGIN CERTIFICATE-----") is a string; it must be a list`],
  ["InternalCA extraTrustedCaPems entry a number", () => new InternalCA("mesh", { extraTrustedCaPems: [js(42)] }), `${IC}extraTrustedCaPems[0] is a number; give one CA certificate PEM (a string or an Output<string>)`],
  ["InternalCA extraTrustedCaPems not PEM", () => new InternalCA("mesh", { extraTrustedCaPems: ["not a pem"] }), `${IC}extraTrustedCaPems[0] holds no PEM certificate`],
  ["InternalCA extraTrustedCaPems a leaf", (ctx) => new InternalCA("mesh", { extraTrustedCaPems: [ctx.pki.leafPem] }), `${IC}extraTrustedCaPems[0] is not a CA certificate (subject CN=caller-worker has no basicConstraints CA:TRUE); give the issuing CA's certificate, e.g. another InternalCA's rootCertPem`],
  ["InternalCA protect a string", () => new InternalCA("mesh", { protect: js("false") }), `${IC}protect ("false") is a string; it must be true or false`],
  // Kubernetes helpers
  ["tlsSecret namespace upper case", () => tlsSecret("api-tls", js({}), { namespace: "Apps" }), 'tlsSecret "api-tls": target.namespace ("Apps") must be lower-case letters, digits and inner hyphens (a DNS-1123 label, as Kubernetes requires)'],
  ["tlsSecret target missing (JavaScript)", () => tlsSecret("api-tls", js({}), js(undefined)), 'tlsSecret "api-tls": target is missing; pass an object { namespace: "apps", name: "api-tls" }'],
  ["caBundleSecret resource name used as object name", () => caBundleSecret("Mesh_CA", "pem", { namespace: "apps" }), 'caBundleSecret "Mesh_CA": name (used as target.name) ("Mesh_CA") must be lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (a DNS-1123 subdomain)'],
  ["caBundleConfigMap label value with a space", () => caBundleConfigMap("mesh-ca", "pem", { namespace: "apps", labels: { team: "platform team" } }), 'caBundleConfigMap "mesh-ca": target.labels["team"] ("platform team") must be letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit (a Kubernetes label value)'],
  ["caBundleConfigMap label key with two slashes", () => caBundleConfigMap("mesh-ca", "pem", { namespace: "apps", labels: { "example.com/team/x": "a" } }), 'caBundleConfigMap "mesh-ca": target.labels["example.com/team/x"] key has a prefix that must be lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (a DNS-1123 subdomain)'],
  // issueServerCertificate / issueClientCertificate
  ["issueServerCertificate without args", (ctx) => ctx.ca.issueServerCertificate("api", js(undefined)), `${IC}issueServerCertificate("api") args is missing; pass an object { dnsNames: ["api.mesh.internal"] }`],
  ["issueServerCertificate dnsNames a string", (ctx) => ctx.ca.issueServerCertificate("api", { dnsNames: js("api.mesh.internal") }), `${IC}issueServerCertificate("api").dnsNames ("api.mesh.internal") is a string; it must be a list`],
  ["issueServerCertificate empty DNS name", (ctx) => ctx.ca.issueServerCertificate("api", { dnsNames: [""] }), `${IC}issueServerCertificate("api").dnsNames[0] ("") is empty; write a host name such as "api.mesh.internal"`],
  ["issueServerCertificate upper-case DNS name", (ctx) => ctx.ca.issueServerCertificate("api", { dnsNames: ["API.mesh.internal"] }), `${IC}issueServerCertificate("api").dnsNames[0] ("API.mesh.internal") must be lower case; write a host name such as "api.mesh.internal"`],
  ["issueServerCertificate invalid IP", (ctx) => ctx.ca.issueServerCertificate("api", { ipAddresses: ["10.0.0.256"] }), `${IC}issueServerCertificate("api").ipAddresses[0] ("10.0.0.256") is not an IPv4 or IPv6 address as Go's net.ParseIP (the tls provider) reads it`],
  ["issueServerCertificate CN that changes the DN", (ctx) => ctx.ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"], commonName: "api;O=evil" }), `${IC}issueServerCertificate("api").commonName ("api;O=evil") contains ";", which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"`],
  ["issueServerCertificate without SAN", (ctx) => ctx.ca.issueServerCertificate("api", {}), `${IC}issueServerCertificate("api").dnsNames is empty and so is ipAddresses; a server certificate needs at least one SAN (clients verify SANs, not the CN)`],
  ["issueServerCertificate name not a DNS label", (ctx) => ctx.ca.issueServerCertificate("Api_1", { dnsNames: ["api.mesh.internal"] }), `${IC}issueServerCertificate("Api_1") name ("Api_1") must be a lower-case DNS label (letters, digits, "-")`],
  ["issueServerCertificate leaf outliving the CA", (ctx) => ctx.ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"], validity: "11y" }), `${IC}issueServerCertificate("api").validity (11y) would outlive the issuing CA (valid 10y); shorten it`],
  ["issueClientCertificate identity missing (JavaScript)", (ctx) => ctx.ca.issueClientCertificate("nginx", js({})), `${IC}issueClientCertificate("nginx").identity is required (a string)`],
  ["issueClientCertificate identity with a space", (ctx) => ctx.ca.issueClientCertificate("nginx", { identity: "nginx gateway" }), `${IC}issueClientCertificate("nginx").identity ("nginx gateway") must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit`],
  ["issueClientCertificate relative URI", (ctx) => ctx.ca.issueClientCertificate("nginx", { identity: "nginx", uris: ["mesh.internal/nginx"] }), `${IC}issueClientCertificate("nginx").uris[0] ("mesh.internal/nginx") is not an absolute URI; write e.g. "spiffe://mesh.internal/nginx-gateway"`],
  ["issueClientCertificate O that changes the DN", (ctx) => ctx.ca.issueClientCertificate("nginx", { identity: "nginx", organization: "Ops, Inc" }), `${IC}issueClientCertificate("nginx").organization ("Ops, Inc") contains ",", which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"`],
  ["issueClientCertificate renewal window longer than validity", (ctx) => ctx.ca.issueClientCertificate("nginx", { identity: "nginx", validity: "30d", renewBefore: "30d" }), `${IC}issueClientCertificate("nginx").renewBefore (30d) must be shorter than validity (30d); otherwise the certificate would be renewed as soon as it is issued`],

  // ------------------------------------------------------------------ CertManagerIssuer
  ["CertManagerIssuer args missing (JavaScript)", () => new CertManagerIssuer("le", js(undefined)), `${CM}args is missing; pass an object { issuer: { type: "acme" | "ca" | "selfSigned", … } }`],
  ["CertManagerIssuer issuer missing", () => new CertManagerIssuer("le", js({})), `${CM}issuer is missing; pass an object { type: "acme" | "ca" | "selfSigned", … }`],
  ["CertManagerIssuer unknown issuer.type", () => new CertManagerIssuer("le", { issuer: js({ type: "letsencrypt" }) }), `${CM}issuer.type ("letsencrypt") must be one of "acme", "ca", "selfSigned"`],
  ["CertManagerIssuer issuer.type wrong case", () => new CertManagerIssuer("le", { issuer: js({ type: "ACME" }) }), `${CM}issuer.type ("ACME") must be one of "acme", "ca", "selfSigned" — did you mean "acme"?`],
  ["CertManagerIssuer kind wrong case", () => new CertManagerIssuer("le", { ...acme(), kind: js("clusterissuer") }), `${CM}kind ("clusterissuer") must be one of "ClusterIssuer", "Issuer" — did you mean "ClusterIssuer"?`],
  ["CertManagerIssuer environment not a marker", () => new CertManagerIssuer("le", { ...acme(), environment: js("prod") }), `${CM}environment ("prod") must be one of "production", "non-production"`],
  ["Let's Encrypt production by name in a non-production stack", () => new CertManagerIssuer("le", { ...acme({ server: "letsencrypt-production" }), environment: "non-production" }), `${CM}issuer.server ("letsencrypt-production") is Let's Encrypt production, but this stack is marked non-production; use "letsencrypt-staging", or set allowProductionAcme: true if this stack really needs trusted certificates`],
  ["Let's Encrypt production guard: trailing slash", () => new CertManagerIssuer("le", { ...acme({ server: `${LE_PROD}/` }), environment: "non-production" }), `${CM}issuer.server ("${LE_PROD}/") is Let's Encrypt production, but this stack is marked non-production; use "letsencrypt-staging", or set allowProductionAcme: true if this stack really needs trusted certificates`],
  ["Let's Encrypt production guard: upper-case host", () => new CertManagerIssuer("le", { ...acme({ server: "https://ACME-V02.API.LETSENCRYPT.ORG/directory" }), environment: "non-production" }), `${CM}issuer.server ("https://ACME-V02.API.LETSENCRYPT.ORG/directory") is Let's Encrypt production, but this stack is marked non-production; use "letsencrypt-staging", or set allowProductionAcme: true if this stack really needs trusted certificates`],
  ["Let's Encrypt production guard: explicit :443", () => new CertManagerIssuer("le", { ...acme({ server: "https://acme-v02.api.letsencrypt.org:443/directory" }), environment: "non-production" }), `${CM}issuer.server ("https://acme-v02.api.letsencrypt.org:443/directory") is Let's Encrypt production, but this stack is marked non-production; use "letsencrypt-staging", or set allowProductionAcme: true if this stack really needs trusted certificates`],
  ["ACME server over http", () => new CertManagerIssuer("le", acme({ server: "http://acme.example.com/directory" })), `${CM}issuer.server ("http://acme.example.com/directory") has scheme "http:"; only https:// is accepted; use "letsencrypt-production", "letsencrypt-staging" or an https:// ACME directory URL`],
  ["ACME server with credentials (not echoed)", () => new CertManagerIssuer("le", acme({ server: "https://user:hunter2@acme.example.com/directory" })), `${CM}issuer.server ("https://***@acme.example.com/directory") contains credentials; never put secrets in a URL; use "letsencrypt-production", "letsencrypt-staging" or an https:// ACME directory URL`],
  ["ACME server unknown short name", () => new CertManagerIssuer("le", acme({ server: "letsencrypt-prod" })), `${CM}issuer.server ("letsencrypt-prod") is not a known directory name; use "letsencrypt-production", "letsencrypt-staging" or an https:// ACME directory URL`],
  ["ACME email not an address", () => new CertManagerIssuer("le", acme({ email: "ops" })), `${CM}issuer.email ("ops") is not an e-mail address (expected local@domain); give the address Let's Encrypt should write to, e.g. "ops@yourdomain.net"`],
  ["ACME email a number", () => new CertManagerIssuer("le", acme({ email: 42 })), `${CM}issuer.email (42) is a number; it must be a string`],
  ["cert-manager chart version range", () => new CertManagerIssuer("le", { ...acme(), install: { version: "^1.19" } }), `${CM}install.version ("^1.19") is a version range; pin an exact chart version (SemVer, e.g. "41.3.0") so that an upgrade is a deliberate change; the cert-manager chart's versions are its release tags, e.g. "v1.21.1"`],
  ["cert-manager chart version 'latest'", () => new CertManagerIssuer("le", { ...acme(), install: { version: "latest" } }), `${CM}install.version ("latest") is not a SemVer chart version (e.g. "41.3.0" or "v1.21.1"); the cert-manager chart's versions are its release tags, e.g. "v1.21.1"`],
  ["cert-manager Helm release name with underscore", () => new CertManagerIssuer("le", { ...acme(), install: { releaseName: "cert_manager" } }), `${CM}install.releaseName ("cert_manager") must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain)`],
  ["cert-manager Helm release name over 53", () => new CertManagerIssuer("le", { ...acme(), install: { releaseName: "c".repeat(54) } }), `${CM}install.releaseName ("${"c".repeat(54)}") is 54 characters long; Helm allows at most 53 characters in a release name`],
  ["cert-manager deprecated installCRDs", () => new CertManagerIssuer("le", { ...acme(), install: { values: { installCRDs: true } } }), `${CM}install.values.installCRDs is deprecated by the cert-manager chart; remove it (the component always sets crds.enabled: true)`],
  ["cert-manager install a string", () => new CertManagerIssuer("le", { ...acme(), install: js("yes") }), `${CM}install is a string; pass an object or true, e.g. { version: "v1.21.1" }`],
  ["ClusterIssuer with a namespace", () => new CertManagerIssuer("le", { ...acme(), issuerNamespace: "apps" }), `${CM}issuerNamespace ("apps") applies only to kind "Issuer"; a ClusterIssuer has no namespace`],
  ["Issuer without a namespace", () => new CertManagerIssuer("le", { ...acme(), kind: "Issuer" }), `${CM}issuerNamespace is required for a namespaced Issuer`],
  ["cert-manager namespace upper case", () => new CertManagerIssuer("le", { ...acme(), certManagerNamespace: "Cert-Manager" }), `${CM}certManagerNamespace ("Cert-Manager") must be lower-case letters, digits and inner hyphens (RFC 1123 label)`],
  ["DNS-01 without cloudflare", () => new CertManagerIssuer("le", acme({ dns01: {} })), `${CM}issuer.dns01.cloudflare is missing; pass an object { apiToken, zones: ["example.com"] }`],
  ["DNS-01 zones a string", () => new CertManagerIssuer("le", acme({ dns01: { cloudflare: { apiToken: "t", zones: "example.com" } } })), `${CM}issuer.dns01.cloudflare.zones ("example.com") is a string; it must be a list`],
  ["DNS-01 token of the wrong type (value not shown)", () => new CertManagerIssuer("le", acme({ dns01: { cloudflare: { apiToken: 123456, zones: ["example.com"] } } })), `${CM}issuer.dns01.cloudflare.apiToken is a number; give the token as a string or a secret Output (the value is not shown)`],
  ["DNS-01 empty token", () => new CertManagerIssuer("le", acme({ dns01: { cloudflare: { apiToken: "", zones: ["example.com"] } } })), `${CM}issuer.dns01.cloudflare.apiToken (empty) is required for DNS-01: pass a Cloudflare API token with Zone:DNS:Edit and Zone:Zone:Read, e.g. config.requireSecret("cloudflareApiToken")`],
  ["DNS-01 exactHostsInZones unknown", () => new CertManagerIssuer("le", acme({ dns01: { cloudflare: { apiToken: "t", zones: ["example.com"], exactHostsInZones: "both" } } })), `${CM}issuer.dns01.cloudflare.exactHostsInZones ("both") must be one of "dns01", "http01"`],
  ["ACME issuer without any solver", () => new CertManagerIssuer("le", acme({ http01: false })), `${CM}issuer has no ACME solver: keep http01 or add dns01.cloudflare`],
  ["CA issuer with both authority and secretName", (ctx) => new CertManagerIssuer("le", { issuer: { type: "ca", authority: ctx.ca, secretName: "ca-key-pair" } }), `${CM}issuer needs exactly one of authority (e.g. an InternalCA) or secretName; got both`],
  ["CA issuer with neither", () => new CertManagerIssuer("le", { issuer: { type: "ca" } }), `${CM}issuer needs exactly one of authority (e.g. an InternalCA) or secretName; got neither`],
  ["CA issuer authority not a CA", () => new CertManagerIssuer("le", { issuer: { type: "ca", authority: js({ rootCertPem: "x" }) } }), `${CM}issuer.authority has no issuerCertPem/issuerPrivateKeyPem; pass an InternalCA (or another CertificateAuthority)`],
  ["cert-manager readyTimeout in words", () => new CertManagerIssuer("le", { ...acme(), readyTimeout: "10 minutes" }), `${CM}readyTimeout ("10 minutes") is not a duration; use e.g. "90d", "2160h", "1y30d"`],
  ["cert-manager issuerName not a Kubernetes name", () => new CertManagerIssuer("le", { ...acme(), issuerName: "LE_Prod" }), `${CM}issuerName ("LE_Prod") must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)`],
  // certificate()
  ["certificate() name not a label", (ctx) => ctx.http01.certificate("Web", { dnsNames: ["www.example.com"], namespace: "apps" }), `CertManagerIssuer "http01": certificate("Web") name must be lower-case letters, digits and inner hyphens (RFC 1123 label); cert-manager copies it into a label (≤ 63 characters) — use certificateName(app, domain), which shortens stably`],
  ["certificate() without args (JavaScript)", (ctx) => ctx.http01.certificate("web", js(undefined)), `CertManagerIssuer "http01": certificate("web") args is missing; pass an object { dnsNames: ["app.example.com"], namespace: "apps" }`],
  ["certificate() without namespace", (ctx) => ctx.http01.certificate("web", js({ dnsNames: ["www.example.com"] })), `CertManagerIssuer "http01": certificate("web") namespace is required (a string)`],
  ["certificate() with no names", (ctx) => ctx.http01.certificate("web", { dnsNames: [], namespace: "apps" }), `CertManagerIssuer "http01": certificate("web") dnsNames must list at least one DNS name`],
  ["certificate() wildcard with only HTTP-01", (ctx) => ctx.http01.certificate("web", { dnsNames: ["*.example.com"], namespace: "apps" }), `CertManagerIssuer "http01": certificate("web") dnsNames[0] ("*.example.com") is a wildcard, which only DNS-01 can validate, but the issuer has only HTTP-01; add issuer.dns01.cloudflare with its zone`],
  ["certificate() duration under cert-manager's 1h", (ctx) => ctx.http01.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", duration: "30m" }), `CertManagerIssuer "http01": certificate("web") duration (30m) must be at least 1h (cert-manager's minimum)`],
  ["certificate() renewBefore under cert-manager's 5m", (ctx) => ctx.http01.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", renewBefore: "2m" }), `CertManagerIssuer "http01": certificate("web") renewBefore (2m) must be at least 5m (cert-manager's minimum)`],
  ["certificate() renewal window not shorter than duration", (ctx) => ctx.http01.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", renewBefore: "90d" }), `CertManagerIssuer "http01": certificate("web") renewBefore (90d) must be shorter than duration (90d, cert-manager's default); a certificate renewed before it is issued would re-issue forever`],
  ["certificate() renewal window beyond Let's Encrypt's 90 days", (ctx) => ctx.le.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", duration: "180d", renewBefore: "120d" }), `CertManagerIssuer "le-staging": certificate("web") renewBefore (120d) is not shorter than the 90 days Let's Encrypt certificates live (Let's Encrypt ignores duration); cert-manager would renew at once on every issuance — use e.g. "30d"`],
  ["certificate() weak private key", (ctx) => ctx.http01.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", privateKey: js("RSA-1024") }), `CertManagerIssuer "http01": certificate("web") privateKey ("RSA-1024") must be one of ECDSA-P256, ECDSA-P384, RSA-2048, RSA-3072, RSA-4096`],
  ["certificate() secretName not a Kubernetes name", (ctx) => ctx.http01.certificate("web", { dnsNames: ["www.example.com"], namespace: "apps", secretName: "Web_TLS" }), `CertManagerIssuer "http01": certificate("web") secretName ("Web_TLS") must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)`],

  // ------------------------------------------------------------------ TraefikInstall
  ["TraefikInstall args a string", () => new TraefikInstall("edge", js("traefik")), `${TI}args is a string; pass an object (or nothing) such as { namespace: "traefik" }`],
  ["TraefikInstall namespace upper case", () => new TraefikInstall("edge", { namespace: "Traefik" }), `${TI}namespace "Traefik" must be lower-case letters, digits and inner hyphens (a DNS-1123 label)`],
  ["TraefikInstall release name over 53", () => new TraefikInstall("edge", { releaseName: "t".repeat(54) }), `${TI}releaseName ("${"t".repeat(54)}") is 54 characters long; Helm allows at most 53 characters in a release name`],
  ["TraefikInstall release name with underscore", () => new TraefikInstall("edge", { releaseName: "traefik_edge" }), `${TI}releaseName ("traefik_edge") must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain)`],
  ["TraefikInstall component name used as release name", () => new TraefikInstall("Edge", {}), 'TraefikInstall "Edge": name (used as releaseName) ("Edge") must be lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (a DNS-1123 subdomain)'],
  ["TraefikInstall chart version range", () => new TraefikInstall("edge", { chartVersion: "~41.5" }), `${TI}chartVersion ("~41.5") is a version range; pin an exact chart version (SemVer, e.g. "41.3.0") so that an upgrade is a deliberate change`],
  ["TraefikInstall chart version not SemVer", () => new TraefikInstall("edge", { chartVersion: "41.5" }), `${TI}chartVersion ("41.5") is not a SemVer chart version (e.g. "41.3.0" or "v1.21.1")`],
  ["TraefikInstall repository over http", () => new TraefikInstall("edge", { repository: "http://traefik.github.io/charts" }), `${TI}repository ("http://traefik.github.io/charts") has scheme "http:"; only https:// is accepted; give the chart repository URL, e.g. "https://traefik.github.io/charts"`],
  ["TraefikInstall repository with credentials (not echoed)", () => new TraefikInstall("edge", { repository: "https://bot:s3cret@charts.example.com/traefik" }), `${TI}repository ("https://***@charts.example.com/traefik") contains credentials; never put secrets in a URL; give the chart repository URL, e.g. "https://traefik.github.io/charts"`],
  ["TraefikInstall port as a string", () => new TraefikInstall("edge", { mtlsEntrypoint: { port: js("8443") } }), `${TI}mtlsEntrypoint.port ("8443") is a string; it must be a number`],
  ["TraefikInstall mesh entrypoint named like a chart one", () => new TraefikInstall("edge", { mtlsEntrypoint: { name: "web" } }), `${TI}mtlsEntrypoint.name "web" is already an entrypoint of the chart; pick another name (default "mesh")`],
  ["TraefikInstall container port taken by websecure", () => new TraefikInstall("edge", { mtlsEntrypoint: { containerPort: 8443 } }), `${TI}mtlsEntrypoint.containerPort 8443 is already used by a chart entrypoint inside the pod (8000, 8443, 8080, 9100)`],
  ["Traefik forwarded-header guard: ports values", () => new TraefikInstall("edge", { values: { ports: { mesh: { forwardedHeaders: { insecure: true } } } } }), `${TI}values are refused: ports.mesh.forwardedHeaders.insecure is true: clients could forge X-Forwarded-Tls-Client-Cert`],
  ["Traefik forwarded-header guard: values.globalArguments", () => new TraefikInstall("edge", { values: { globalArguments: ["--entrypoints.mesh.forwardedHeaders.insecure=true"] } }), `${TI}values are refused: globalArguments "--entrypoints.mesh.forwardedHeaders.insecure=true" changes forwarded-header or PROXY-protocol trust on the mTLS entrypoint`],
  ["Traefik forwarded-header guard: additionalArguments, camel case", () => new TraefikInstall("edge", { values: { additionalArguments: ["--entryPoints.mesh.forwardedHeaders.trustedIPs=0.0.0.0/0"] } }), `${TI}values are refused: additionalArguments "--entryPoints.mesh.forwardedHeaders.trustedIPs=0.0.0.0/0" changes forwarded-header or PROXY-protocol trust on the mTLS entrypoint`],
  ["Traefik PROXY-protocol guard: values.globalArguments", () => new TraefikInstall("edge", { values: { globalArguments: ["--entrypoints.mesh.proxyProtocol.insecure"] } }), `${TI}values are refused: globalArguments "--entrypoints.mesh.proxyProtocol.insecure" changes forwarded-header or PROXY-protocol trust on the mTLS entrypoint`],
  ["Traefik mesh TLS turned off through values", () => new TraefikInstall("edge", { values: { ports: { mesh: { http: { tls: { enabled: false } } } } } }), `${TI}values are refused: ports.mesh.http.tls.enabled must be true (it is false); a plain-HTTP entrypoint answers nginx's HTTPS with 404 (seed 001)`],
  ["Traefik mesh TLS under the pre-v39 key", () => new TraefikInstall("edge", { values: { ports: { mesh: { tls: { enabled: true } } } } }), `${TI}values are refused: ports.mesh.tls is the layout of Traefik charts before v39.0.0; the chart reads an entrypoint's TLS from ports.mesh.http.tls and its values.schema.json rejects ports.mesh.tls`],
  ["Traefik mesh TLS turned off by a flag in values.globalArguments", () => new TraefikInstall("edge", { values: { globalArguments: ["--entrypoints.mesh.http.tls=false"] } }), `${TI}values are refused: globalArguments "--entrypoints.mesh.http.tls=false" overrides the mTLS entrypoint's TLS; set mtlsEntrypoint instead`],
  ["TraefikInstall values a string", () => new TraefikInstall("edge", { values: js("ports: {}") }), `${TI}values are a string; give chart values as an object`],
  ["TraefikInstall image with a known mTLS bypass", () => new TraefikInstall("edge", { values: { image: { tag: "v3.6.7" } } }), `${TI}values are refused: the image tag selects Traefik "v3.6.7", older than v3.7.3: releases before it let clients bypass a TLSOption's client-certificate check (GHSA-gv8r-9rw9-9697, session resumption across TLSOptions; GHSA-5r4w-85f3-pw66, SNICheck and wildcard hosts; GHSA-9cr8-q42q-g8m7, HTTP/3); use v3.7.3 or later, or leave the image to the chart (v3.7.11)`],
  ["TraefikInstall hardenDefaultTlsOption a string", () => new TraefikInstall("edge", { hardenDefaultTlsOption: js("no") }), `${TI}hardenDefaultTlsOption ("no") is a string; it must be true or false`],

  // ------------------------------------------------------------------ MtlsService
  ["MtlsService args null", () => new MtlsService("orders", js(null)), `${MS}args is null; pass an object { traefik, ca, service, hostnames, identities }`],
  ["MtlsService traefik missing", (ctx) => new MtlsService("orders", js({ ...mtlsBase(ctx, "a"), traefik: undefined })), `${MS}traefik is missing; pass an object (the TraefikInstall the route runs on)`],
  ["MtlsService traefik not an install", (ctx) => new MtlsService("orders", js({ ...mtlsBase(ctx, "a"), traefik: {} })), `${MS}traefik is not a TraefikInstall; pass the TraefikInstall component`],
  ["MtlsService ca a string", (ctx) => new MtlsService("orders", js({ ...mtlsBase(ctx, "a"), ca: "mesh" })), `${MS}ca is a string; pass an object (the InternalCA that signs the server certificate)`],
  ["MtlsService service namespace upper case", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), service: { namespace: "Shop", name: "orders", port: 8080 } }), `${MS}service.namespace "Shop" must be lower-case letters, digits and inner hyphens (a DNS-1123 label)`],
  ["MtlsService service port a boolean", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), service: { namespace: "shop", name: "orders", port: js(true) } }), `${MS}service.port (true) is a boolean; give a port number or a port name`],
  ["MtlsService hostnames a string", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), hostnames: js("orders.example.com") }), `${MS}hostnames ("orders.example.com") is a string; it must be a list`],
  ["MtlsService wildcard hostname", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), hostnames: ["*.example.com"] }), `${MS}hostnames[0] "*.example.com" is a wildcard, which is not allowed here (wildcards need HostRegexp, whose routers skip client-certificate verification: traefik#7530)`],
  ["MtlsService no callers", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: [] }), "MtlsService \"orders\": clients is empty; list at least one WorkloadIdentity in `identities` (or a caller in `clients`): only listed callers may connect"],
  ["MtlsService identity that is not a WorkloadIdentity", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: undefined, identities: [js({ name: "nginx" })] }), `${MS}identities[0] is not a WorkloadIdentity; create one with \`new WorkloadIdentity(name, { uris })\` and list it here`],
  ["MtlsService identities a string", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), identities: js("nginx") }), `${MS}identities ("nginx") is a string; it must be a list`],
  ["WorkloadIdentity renewal window (was reported as InternalCA \"<name>-ca\")", () => new WorkloadIdentity("nginx", { validity: "30d", renewBefore: "30d" }), 'WorkloadIdentity "nginx": renewBefore (30d) must be shorter than validity (30d); otherwise the certificate would be renewed as soon as it is issued'],
  ["WorkloadIdentity CA shorter than its certificates", () => new WorkloadIdentity("nginx", { caValidity: "60d" }), 'WorkloadIdentity "nginx": caValidity ("60d") must be at least 90d: the caller CA issues 90-day client certificates by default, and a certificate cannot outlive its CA'],
  ["WorkloadIdentity validity that rounds", () => new WorkloadIdentity("nginx", { validity: "1000m" }), 'WorkloadIdentity "nginx": validity ("1000m") is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider\'s validity_period_hours), so it would round up to 17h; write "17h"'],
  ["WorkloadIdentity args a string", () => new WorkloadIdentity("nginx", js("spiffe://mesh.internal/nginx")), 'WorkloadIdentity "nginx": args is a string; pass an object (or nothing) such as { uris: ["spiffe://mesh.internal/nginx-gateway"] }'],
  ["MtlsService caller given as a string", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: js(["nginx"]) }), `${MS}clients[0] is a string; pass an object { name: "nginx-gateway" }`],
  ["MtlsService caller name upper case", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: [{ name: "Nginx" }] }), `${MS}clients[0].name "Nginx" must be lower-case letters, digits and inner hyphens (a DNS-1123 label); it becomes the certificate CN and part of resource names`],
  ["MtlsService caller CA too short (was reported as InternalCA \"orders-caller-…\")", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), callerCaValidity: "30d" }), `${MS}callerCaValidity ("30d") must be at least 90d: the caller CA issues 90-day client certificates by default, and a certificate cannot outlive its CA`],
  ["MtlsService caller renewal window (was reported under the child)", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: [{ name: "nginx", renewBefore: "90d" }] }), `${MS}clients[0].renewBefore (90d) must be shorter than validity (90d); otherwise the certificate would be renewed as soon as it is issued`],
  ["MtlsService caller certificate outliving its CA", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), callerCaValidity: "1y", clients: [{ name: "nginx", validity: "2y" }] }), `${MS}clients[0].validity ("2y") would outlive the caller's CA (callerCaValidity 1y); shorten it or raise callerCaValidity`],
  ["MtlsService caller validity that rounds", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), clients: [{ name: "nginx", validity: "36h30m", renewBefore: "12h" }] }), `${MS}clients[0].validity ("36h30m") is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider's validity_period_hours), so it would round up to 37h; write "37h"`],
  ["MtlsService TLS 1.1", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), minTlsVersion: js("1.1") }), `${MS}minTlsVersion "1.1" is below TLS 1.2; accepted: "1.3" (default) or "1.2"`],
  ["MtlsService TLS version a number", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), minTlsVersion: js(1.3) }), `${MS}minTlsVersion (1.3) is a number; it must be a string`],
  ["MtlsService cipher suites with TLS 1.3", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] }), `${MS}cipherSuites ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] given with minTlsVersion "1.3": TLS 1.3 cipher suites are not configurable (all are AEAD); remove cipherSuites or set minTlsVersion "1.2"`],
  ["MtlsService serverCertificate.kind unknown", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), serverCertificate: js({ kind: "letsencrypt" }) }), `${MS}serverCertificate.kind ("letsencrypt") must be one of "internal-ca", "cert-manager"`],
  ["MtlsService serverCertificate.kind wrong case", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), serverCertificate: js({ kind: "Cert-Manager" }) }), `${MS}serverCertificate.kind ("Cert-Manager") must be one of "internal-ca", "cert-manager" — did you mean "cert-manager"?`],
  ["MtlsService internal-ca server certificate with cert-manager settings", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), serverCertificate: js({ kind: "internal-ca", duration: "30d" }) }), `${MS}serverCertificate (["kind","duration"]) has settings that only apply to kind "cert-manager"`],
  ["MtlsService cert-manager renewal window", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), serverCertificate: { kind: "cert-manager", issuerRef: { name: "le" }, renewBefore: "90d" } }), `${MS}serverCertificate.renewBefore (90d) must be shorter than duration (90d); a certificate renewed before it is issued would re-issue forever`],
  ["MtlsService cert-manager issuerRef.kind wrong case", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), serverCertificate: { kind: "cert-manager", issuerRef: { name: "le", kind: js("clusterissuer") } } }), `${MS}serverCertificate.issuerRef.kind ("clusterissuer") must be one of "Issuer", "ClusterIssuer" — did you mean "ClusterIssuer"?`],
  ["MtlsService upstream client identity (was reported under the CA)", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), upstream: { clientIdentity: "traefik edge" } }), `${MS}upstream.clientIdentity ("traefik edge") must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit`],
  ["MtlsService upstream CA not PEM", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), upstream: { trustedCaPem: "not a pem" } }), `${MS}upstream.trustedCaPem (a 9-character string) is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`],
  ["MtlsService upstream CA with a private key (not echoed)", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), upstream: { trustedCaPem: KEY_PEM } }), `${MS}upstream.trustedCaPem (a ${KEY_PEM.length}-character string) contains a PRIVATE KEY; give the certificate only (the value is not shown: it may be a secret)`],
  ["MtlsService unknown entrypoint", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), entrypoint: "websecure2" }), `${MS}entrypoint "websecure2" is not an entrypoint of the Traefik install; known: web, websecure, mesh`],
  ["MtlsService weak caller key", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), callerKeyAlgorithm: js("RSA-1024") }), `${MS}callerKeyAlgorithm ("RSA-1024") is refused: RSA keys under 2048 bits are breakable; use "RSA-2048" or larger, or "ECDSA-P256"`],

  // ------------------------------------------------------------------ TunnelOrigin
  ["TunnelOrigin account name instead of id", () => new TunnelOrigin("edge", { ...tunnelBase, accountId: "my-account" }), `${TO}accountId ("my-account") is not a Cloudflare account id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the dashboard URL or Account Home — not the account name`],
  ["TunnelOrigin upper-case account id", () => new TunnelOrigin("edge", { ...tunnelBase, accountId: ACCOUNT.toUpperCase() }), `${TO}accountId ("${ACCOUNT.toUpperCase()}") must be lower case; Cloudflare account ids are 32 lower-case hex characters`],
  ["TunnelOrigin zone name given as zone id", () => new TunnelOrigin("edge", { ...tunnelBase, zone: { id: "example.com", name: "example.com" } }), `${TO}zone.id ("example.com") is not a Cloudflare zone id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the zone's Overview page — not the zone name`],
  ["TunnelOrigin zone missing", () => new TunnelOrigin("edge", js({ ...tunnelBase, zone: undefined })), `${TO}zone is missing; pass an object { id: "<32-hex zone id>", name: "example.com" }`],
  ["TunnelOrigin routes a string", () => new TunnelOrigin("edge", { ...tunnelBase, routes: js("app.example.com") }), `${TO}routes ("app.example.com") is a string; it must be a list`],
  ["TunnelOrigin route a number", () => new TunnelOrigin("edge", { ...tunnelBase, routes: [js(42)] }), `${TO}routes[0] is a number; pass an object { hostname: "app.example.com" } or "app.example.com"`],
  ["TunnelOrigin hostname below Universal SSL", () => new TunnelOrigin("edge", { ...tunnelBase, routes: ["a.b.example.com"] }), `${TO}routes[0].hostname ("a.b.example.com") is 2 labels below "example.com"; Cloudflare's Universal SSL certificate covers only the apex and *.example.com, so browsers would fail the TLS handshake at the edge (seed 000's outage). Use a hostname one label deep, or order an Advanced certificate covering it and pass edgeCertificate: "advanced"`],
  ["TunnelOrigin origin URL with a path that would be dropped", () => new TunnelOrigin("edge", { ...tunnelBase, origin: { url: "https://traefik.traefik.svc:443/api" } }), `${TO}origin.url ("https://traefik.traefik.svc:443/api") has a path ("/api"), which would be dropped: only scheme, host and port are used; route paths go in the route's \`path\` (a cloudflared path regex)`],
  ["TunnelOrigin origin URL with a query", () => new TunnelOrigin("edge", { ...tunnelBase, origin: { url: "https://traefik.traefik.svc?x=1" } }), `${TO}origin.url ("https://traefik.traefik.svc?x=1") has a query string, which would be dropped; route paths go in the route's \`path\` (a cloudflared path regex)`],
  ["TunnelOrigin origin URL with credentials (not echoed)", () => new TunnelOrigin("edge", { ...tunnelBase, origin: { url: "https://admin:pw@traefik.traefik.svc" } }), `${TO}origin.url must not contain credentials`],
  ["TunnelOrigin origin over ftp", () => new TunnelOrigin("edge", { ...tunnelBase, origin: { url: "ftp://files.internal" } }), `${TO}origin.url ("ftp://files.internal") has scheme "ftp:"; only https:// origins (or http:// with allowInsecureOrigin) are supported`],
  ["TunnelOrigin edgeCertificate wrong case", () => new TunnelOrigin("edge", { ...tunnelBase, edgeCertificate: js("Advanced") }), `${TO}edgeCertificate ("Advanced") must be one of "universal", "advanced" — did you mean "advanced"?`],
  ["TunnelOrigin memory in MB", () => new TunnelOrigin("edge", { ...tunnelBase, resources: { requests: { memory: "64MB" } } }), `${TO}resources.requests.memory ("64MB") is not a Kubernetes quantity (e.g. "500m" CPU, "64Mi" memory); memory uses binary suffixes Ki, Mi, Gi (e.g. "64Mi")`],
  ["TunnelOrigin CPU request above its limit", () => new TunnelOrigin("edge", { ...tunnelBase, resources: { requests: { cpu: "2" }, limits: { cpu: "500m" } } }), `${TO}resources.requests.cpu ("2") exceeds resources.limits.cpu ("500m"); Kubernetes rejects a request above its limit`],
  ["TunnelOrigin negative quantity", () => new TunnelOrigin("edge", { ...tunnelBase, resources: { limits: { cpu: "-1" } } }), `${TO}resources.limits.cpu ("-1") is negative`],
  ["TunnelOrigin replicas a string", () => new TunnelOrigin("edge", { ...tunnelBase, replicas: js("2") }), `${TO}replicas ("2") is a string; it must be a number`],
  ["TunnelOrigin originCertificate.kind unknown", () => new TunnelOrigin("edge", { ...tunnelBase, originCertificate: js({ kind: "acme" }) }), `${TO}originCertificate.kind ("acme") must be one of "cert-manager", "internal-ca"`],
  ["TunnelOrigin private CA PEM that does not parse", () => new TunnelOrigin("edge", { ...tunnelBase, originCertificate: { kind: "cert-manager", issuerRef: { name: "step" }, namespace: "traefik", caPem: "-----BEGIN CERTIFICATE-----\nPRIVATE\n-----END CERTIFICATE-----" } }), `${TO}originCertificate.caPem (a 61-character string) is not a parseable certificate (Argument 'base64Text' is not Base64 encoded)`],
  ["TunnelOrigin name not a Kubernetes label", () => new TunnelOrigin("Edge", tunnelBase), 'TunnelOrigin "Edge": name ("Edge") must be lower-case letters, digits and inner hyphens (a DNS-1123 label, as Kubernetes requires); it names the cloudflared namespace (cloudflared-<name>) and Secrets'],
  ["TunnelOrigin unpinned image", () => new TunnelOrigin("edge", { ...tunnelBase, image: "cloudflare/cloudflared:latest" }), `${TO}image ("cloudflare/cloudflared:latest") must be pinned to a version tag or digest (not latest)`],
  ["TunnelOrigin timeout as a string", () => new TunnelOrigin("edge", { ...tunnelBase, originTimeouts: { connectTimeout: js("10s") } }), `${TO}originTimeouts.connectTimeout ("10s") is a string; it must be a number`],
  ["TunnelOrigin plain http origin", () => new TunnelOrigin("edge", { ...tunnelBase, origin: { url: "http://traefik.traefik.svc:80" } }), `${TO}routes[0].origin.url ("http://traefik.traefik.svc:80") is plain http://: the hop from cloudflared to the origin would be unencrypted and unauthenticated. Use https:// (Traefik's server-TLS entrypoint), or pass allowInsecureOrigin: true to accept it`],

  // ------------------------------------------------------------------ API Shield
  ["ApiShieldMtls zone name given as zone id", () => new ApiShieldMtls("edge", { zoneId: "example.com", zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"] }] }), 'ApiShieldMtls "edge": zoneId ("example.com") is not a Cloudflare zone id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the zone\'s Overview page — not the zone name'],
  ["ApiShieldMtls protections a string", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: js("api") }), 'ApiShieldMtls "edge": protections ("api") is a string; it must be a list'],
  ["ApiShieldMtls trust anchor of unknown kind", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: js({}), protections: [{ name: "api", hostnames: ["api.example.com"] }] }), 'ApiShieldMtls "edge": trustAnchor.kind (undefined) must be one of "uploaded", "cloudflare-managed"'],
  ["ApiShieldMtls protection name with spaces", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "Orders API", hostnames: ["api.example.com"] }] }), 'ApiShieldMtls "edge": protections[0].name ("Orders API") must be 1–50 lower-case letters, digits or inner hyphens'],
  ["ApiShieldMtls hostname outside the zone", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.org"] }] }), 'ApiShieldMtls "edge": protections[0].hostnames[0] ("api.example.org") is not in zone "example.com"'],
  ["ApiShieldMtls path prefix with query string (never matches: API unprotected)", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["/api?v=1"] }] }), "ApiShieldMtls \"edge\": protections[0].pathPrefixes[0] (\"/api?v=1\") contains \"?\": the query string is not part of http.request.uri.path, so the rule would never match (give the path only)"],
  ["ApiShieldMtls path prefix with fragment (never matches: API unprotected)", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["/api#x"] }] }), "ApiShieldMtls \"edge\": protections[0].pathPrefixes[0] (\"/api#x\") contains \"#\": a fragment is never sent to the server, so the rule would never match (give the path only)"],
  ["ApiShieldMtls path prefix with whitespace (never matches: API unprotected)", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["/my api"] }] }), "ApiShieldMtls \"edge\": protections[0].pathPrefixes[0] (\"/my api\") contains whitespace, which never appears in a request path (the rule would never match; percent-encode it)"],
  ["ApiShieldMtls path prefix with no leading slash (never matches: API unprotected)", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["api/"] }] }), "ApiShieldMtls \"edge\": protections[0].pathPrefixes[0] (\"api/\") must start with \"/\" (http.request.uri.path always does, so the rule would never match and the API would be unprotected)"],
  ["ApiShieldMtls path prefix with glob (never matches: API unprotected)", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], pathPrefixes: ["/api/*"] }] }), "ApiShieldMtls \"edge\": protections[0].pathPrefixes[0] (\"/api/*\") contains \"*\": prefixes are literal, not globs (\"/api\" already covers /api and everything below /api/)"],
  ["ApiShieldMtls block status 200", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [{ name: "api", hostnames: ["api.example.com"], response: { statusCode: 200 } }] }), 'ApiShieldMtls "edge": protections[0].response.statusCode (200) must be an integer from 400 to 499'],
  ["ApiShieldCa account id not hex", () => new ApiShieldCa("mesh", { accountId: "acc", certificatePem: "x" }), 'ApiShieldCa "mesh": accountId ("acc") is not a Cloudflare account id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the dashboard URL or Account Home — not the account name'],
  ["ApiShieldCa certificatePem a number", () => new ApiShieldCa("mesh", { accountId: ACCOUNT, certificatePem: js(42) }), 'ApiShieldCa "mesh": certificatePem (42) is a number; it must be a string'],
  ["ApiShieldCa both sources", (ctx) => new ApiShieldCa("mesh", { accountId: ACCOUNT, authority: ctx.ca, certificatePem: ctx.pki.caPem }), 'ApiShieldCa "mesh": authority/certificatePem are both given: give exactly one'],
  ["AuthenticatedOriginPulls zone id not hex", (ctx) => new AuthenticatedOriginPulls("aop", { zoneId: "zone", zoneName: "example.com", ca: ctx.ca, hostnames: ["app.example.com"] }), 'AuthenticatedOriginPulls "aop": zoneId ("zone") is not a Cloudflare zone id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the zone\'s Overview page — not the zone name'],
  ["AuthenticatedOriginPulls mode unknown", (ctx) => new AuthenticatedOriginPulls("aop", { zoneId: ZONE_ID, zoneName: "example.com", mode: js("hostname"), ca: ctx.ca, hostnames: ["app.example.com"] }), 'AuthenticatedOriginPulls "aop": mode ("hostname") must be one of "per-hostname", "zone"'],
  ["AuthenticatedOriginPulls validity that rounds (was reported under the CA)", (ctx) => new AuthenticatedOriginPulls("aop", { zoneId: ZONE_ID, zoneName: "example.com", ca: ctx.ca, hostnames: ["app.example.com"], validity: "36h30m" }), 'AuthenticatedOriginPulls "aop": validity ("36h30m") is not a whole number of hours: certificate lifetimes are counted in hours (the tls provider\'s validity_period_hours), so it would round up to 37h; write "37h"'],
  ["AuthenticatedOriginPulls identity with a space", (ctx) => new AuthenticatedOriginPulls("aop", { zoneId: ZONE_ID, zoneName: "example.com", ca: ctx.ca, hostnames: ["app.example.com"], identity: "cloudflare pull" }), 'AuthenticatedOriginPulls "aop": identity ("cloudflare pull") must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit'],
  ["WorkerClientCertificate account id not hex", (ctx) => new WorkerClientCertificate("caller", { accountId: "x", bindingName: "API_MTLS", issuer: ctx.ca, identity: "worker", targets: PARTNER }), 'WorkerClientCertificate "caller": accountId ("x") is not a Cloudflare account id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the dashboard URL or Account Home — not the account name'],
  ["WorkerClientCertificate binding name with a hyphen", (ctx) => new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "api-mtls", issuer: ctx.ca, identity: "worker", targets: PARTNER }), 'WorkerClientCertificate "caller": bindingName ("api-mtls") must be a JavaScript identifier (letters, digits, _ and $, not starting with a digit), e.g. "API_MTLS"'],
  ["WorkerClientCertificate identity with a space (was reported under the CA)", (ctx) => new WorkerClientCertificate("caller", { accountId: ACCOUNT, bindingName: "API_MTLS", issuer: ctx.ca, identity: "edge worker", targets: PARTNER }), 'WorkerClientCertificate "caller": identity ("edge worker") must be 1–64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit'],
  ["CloudflareManagedClientCertificate CN that changes the DN", () => new CloudflareManagedClientCertificate("cf", { zoneId: ZONE_ID, commonName: "worker, O=Cloudflare" }), 'CloudflareManagedClientCertificate "cf": commonName ("worker, O=Cloudflare") contains ",", which is syntax in a distinguished name (RFC 4514): a rendered subject would read as other attributes; use letters, digits, spaces, "-", "_", "." or ":"'],
  ["CloudflareManagedClientCertificate zero days", () => new CloudflareManagedClientCertificate("cf", { zoneId: ZONE_ID, commonName: "worker", validityDays: 0 }), 'CloudflareManagedClientCertificate "cf": validityDays (0) must be a whole number of days from 1 to 36500'],
  ["CloudflareManagedClientCertificate zone id not hex", () => new CloudflareManagedClientCertificate("cf", { zoneId: "zone", commonName: "worker" }), 'CloudflareManagedClientCertificate "cf": zoneId ("zone") is not a Cloudflare zone id (32 hex characters, e.g. "023e105f4ecef8ad9ca31a8372d0c353"); copy it from the zone\'s Overview page — not the zone name'],

  // ------------------------------------------------------------------ Unknown argument names (a JavaScript caller's typo would be ignored)
  ["InternalCA misspelled argument", () => new InternalCA("mesh", js({ intermediat: true })), `${IC}intermediat is not a known argument (it would be ignored) — did you mean "intermediate"?`],
  ["InternalCA argument it does not have", () => new InternalCA("mesh", js({ rootKeyPassword: "x" })), `${IC}rootKeyPassword is not a known argument (it would be ignored); the known ones are subject, keyAlgorithm, caValidity, intermediate, leafValidity, renewBefore, leafKeyAlgorithm, extraTrustedCaPems, protect, endOfLifeWarning, endOfLifeProcedure`],
  ["InternalCA misspelled intermediate argument", () => new InternalCA("mesh", { intermediate: js({ valdity: "2y" }) }), `${IC}intermediate.valdity is not a known argument (it would be ignored) — did you mean "validity"?`],
  ["issueServerCertificate misspelled argument", (ctx) => ctx.ca.issueServerCertificate("api", js({ dnsName: ["api.mesh.internal"] })), `${IC}issueServerCertificate("api").dnsName is not a known argument (it would be ignored) — did you mean "dnsNames"?`],
  ["issueClientCertificate server-only argument", (ctx) => ctx.ca.issueClientCertificate("nginx", js({ identity: "nginx", dnsNames: ["nginx.mesh.internal"] })), `${IC}issueClientCertificate("nginx").dnsNames is not a known argument (it would be ignored); the known ones are validity, renewBefore, keyAlgorithm, identity, uris, organization`],
  ["CertManagerIssuer misspelled argument", () => new CertManagerIssuer("le", js({ ...acme(), enviroment: "non-production" })), `${CM}enviroment is not a known argument (it would be ignored) — did you mean "environment"?`],
  ["CertManagerIssuer argument of another issuer type", () => new CertManagerIssuer("le", js({ issuer: { type: "selfSigned", email: "ops@example.com" } })), `${CM}issuer.email is not a known argument (it would be ignored); the known ones are type`],
  ["CertManagerIssuer misspelled HTTP-01 argument", () => new CertManagerIssuer("le", acme({ http01: js({ ingressClass: "traefik" }) })), `${CM}issuer.http01.ingressClass is not a known argument (it would be ignored) — did you mean "ingressClassName"?`],
  ["TraefikInstall misspelled argument", () => new TraefikInstall("edge", js({ namespce: "traefik" })), `${TI}namespce is not a known argument (it would be ignored) — did you mean "namespace"?`],
  ["TraefikInstall misspelled mtlsEntrypoint argument", () => new TraefikInstall("edge", { mtlsEntrypoint: js({ name: "mesh", prot: 8443 }) }), `${TI}mtlsEntrypoint.prot is not a known argument (it would be ignored) — did you mean "port"?`],
  ["MtlsService misspelled argument", (ctx) => new MtlsService("orders", js({ ...mtlsBase(ctx, "a"), sniStict: false })), `${MS}sniStict is not a known argument (it would be ignored) — did you mean "sniStrict"?`],
  ["MtlsService misspelled service argument", (ctx) => new MtlsService("orders", { ...mtlsBase(ctx, "a"), service: js({ namespace: "shop", name: "orders", prot: 8080 }) }), `${MS}service.prot is not a known argument (it would be ignored) — did you mean "port"?`],
  ["WorkloadIdentity misspelled argument", () => new WorkloadIdentity("nginx", js({ uri: ["spiffe://mesh.internal/nginx"] })), 'WorkloadIdentity "nginx": uri is not a known argument (it would be ignored) — did you mean "uris"?'],
  ["TunnelOrigin misspelled argument", () => new TunnelOrigin("edge", js({ ...tunnelBase, replica: 2 })), `${TO}replica is not a known argument (it would be ignored) — did you mean "replicas"?`],
  ["TunnelOrigin misspelled route argument", () => new TunnelOrigin("edge", { ...tunnelBase, routes: [js({ hostname: "app.example.com", noTLSVerify: true })] }), `${TO}routes[0].noTLSVerify is not a known argument (it would be ignored) — did you mean "noTlsVerify"?`],
  ["TunnelOrigin origin certificate with a setting of the other kind", (ctx) => new TunnelOrigin("edge", { ...tunnelBase, originCertificate: js({ kind: "internal-ca", ca: ctx.ca, issuerRef: { name: "letsencrypt" } }) }), `${TO}originCertificate.issuerRef is not a known argument (it would be ignored); the known ones are kind, ca, namespace, secretName`],
  ["ApiShieldMtls misspelled protection argument", () => new ApiShieldMtls("edge", { zoneId: ZONE_ID, zoneName: "example.com", trustAnchor: cloudflareManagedCa(), protections: [js({ name: "api", hostnames: ["api.example.com"], pathPrefix: ["/api"] })] }), 'ApiShieldMtls "edge": protections[0].pathPrefix is not a known argument (it would be ignored) — did you mean "pathPrefixes"?'],
  ["WorkerRoute misspelled argument", () => new WorkerRoute("route", js({ zoneId: ZONE_ID, zoneName: "example.com", pattern: "api.example.com/*", script: "orders", dnsRecords: "create" })), 'WorkerRoute "route": dnsRecords is not a known argument (it would be ignored) — did you mean "dnsRecord"?'],
];


/** Runs every component row in one program; returns each row's error (or "accepted"). */
async function runComponentRows(): Promise<Map<string, unknown>> {
  const pki = await makeTestPki();
  const results = new Map<string, unknown>();
  await runProgram(async () => {
    const ctx: Ctx = {
      pki,
      ca: new InternalCA("mesh", { protect: false }),
      traefik: new TraefikInstall("edge-traefik", {}),
      http01: new CertManagerIssuer("http01", acme()),
      le: new CertManagerIssuer("le-staging", acme({ server: "letsencrypt-staging" })),
    };
    for (const [title, build] of componentRows) {
      try {
        build(ctx);
        results.set(title, "accepted");
      } catch (e) {
        results.set(title, e);
      }
    }
  });
  return results;
}

// ------------------------------------------------------------------ stack files
const F = "Pulumi.dev.yaml";
const baseConfig = {
  environment: "dev",
  certManager: { acmeEmail: "ops@example.com", acmeServer: "letsencrypt-staging" },
  services: [{ name: "orders", namespace: "shop", service: "orders", port: 8080, hostnames: ["orders.mesh.internal"], clients: [{ name: "nginx-gateway" }] }],
};
/** A stack-file row: the problem lines a StackConfigError prints. */
type ConfigRow = readonly [title: string, problems: () => string, error: string];
const schemaProblems = (raw: Record<string, unknown>) => () => new StackConfigError(F, validateStackConfig(raw).problems).message;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-catalogue-"));
const yamlFile = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const yamlProblem = (f: string) => () => {
  try {
    readYamlFile(f);
    return "accepted";
  } catch (e) {
    return e instanceof StackFileError ? e.message.replace(dir, "<dir>") : `not a StackFileError: ${String(e)}`;
  }
};
let bomb = "config:\n  x: 1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n";
for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;

const configRows: ConfigRow[] = [
  ["misspelled top-level key edge-mtls:internalCA", () => new StackConfigError(F, unknownTopLevelKeys(["edge-mtls:internalCA", "edge-mtls:environment", "cloudflare:apiToken"], "edge-mtls", stackConfigSchema)).message, `${F}: edge-mtls:internalCA: unknown key "internalCA" — did you mean "internalCa"? (an unknown key is never read, so its setting would be silently lost)`],
  ["unknown top-level key, nothing close", () => new StackConfigError(F, unknownTopLevelKeys(["edge-mtls:colour"], "edge-mtls", stackConfigSchema)).message, `${F}: edge-mtls:colour: unknown key "colour"; known keys here: environment, internalCa, certManager, traefik, identities, services, cloudflare`],
  ["misspelled top-level key edge-mtls:identites", () => new StackConfigError(F, unknownTopLevelKeys(["edge-mtls:identites"], "edge-mtls", stackConfigSchema)).message, `${F}: edge-mtls:identites: unknown key "identites" — did you mean "identities"? (an unknown key is never read, so its setting would be silently lost)`],
  ["misspelled nested key internalCa.keyAlgoritm", schemaProblems({ ...baseConfig, internalCa: { keyAlgoritm: "RSA-4096" } }), `${F}: edge-mtls:internalCa.keyAlgoritm: unknown key "keyAlgoritm" — did you mean "keyAlgorithm"? (an unknown key is never read, so its setting would be silently lost)`],
  ["misspelled key in a list item services[0].clients[0].nmae", schemaProblems({ ...baseConfig, services: [{ ...baseConfig.services[0], clients: [{ nmae: "gw", name: "gw" }] }] }), `${F}: edge-mtls:services.0.clients.0.nmae: unknown key "nmae" — did you mean "name"? (an unknown key is never read, so its setting would be silently lost)`],
  ["misspelled key in the cloudflare section", schemaProblems({ ...baseConfig, cloudflare: { accountId: ACCOUNT, zoneId: ZONE_ID, zone: "example.com", apiSheild: {} } }), `${F}: edge-mtls:cloudflare.apiSheild: unknown key "apiSheild" — did you mean "apiShield"? (an unknown key is never read, so its setting would be silently lost)`],
  ["environment not a supported value", schemaProblems({ ...baseConfig, environment: "production" }), `${F}: edge-mtls:environment: Invalid option: expected one of "dev"|"staging"|"prod"`],
  ["environment missing", schemaProblems({ ...baseConfig, environment: undefined }), `${F}: edge-mtls:environment: missing required key (expected one of "dev"|"staging"|"prod")`],
  ["zone name given as cloudflare.zoneId", schemaProblems({ ...baseConfig, cloudflare: { accountId: ACCOUNT, zoneId: "example.com", zone: "example.com" } }), `${F}: edge-mtls:cloudflare.zoneId: must be the 32-hex-character Cloudflare zone id`],
  ["ACME server short name misspelled", schemaProblems({ ...baseConfig, certManager: { acmeEmail: "ops@example.com", acmeServer: "letsencrypt-prod" } }), `${F}: edge-mtls:certManager.acmeServer: Invalid option: expected one of "letsencrypt-staging"|"letsencrypt-production"`],
  ["ACME e-mail not an address", schemaProblems({ ...baseConfig, certManager: { acmeEmail: "ops", acmeServer: "letsencrypt-staging" } }), `${F}: edge-mtls:certManager.acmeEmail: must be an e-mail address for the ACME account`],
  ["service port 0", schemaProblems({ ...baseConfig, services: [{ ...baseConfig.services[0], port: 0 }] }), `${F}: edge-mtls:services.0.port: Too small: expected number to be >=1`],
  ["service namespace upper case", schemaProblems({ ...baseConfig, services: [{ ...baseConfig.services[0], namespace: "Shop" }] }), `${F}: edge-mtls:services.0.namespace: must be a Kubernetes name (lower-case letters, digits, '-')`],
  ["YAML duplicate key", yamlProblem(yamlFile("dup.yaml", "config:\n  edge-mtls:environment: dev\n  edge-mtls:environment: prod\n")), "<dir>/dup.yaml:3:3: Map keys must be unique; each key may appear once — merge the two entries"],
  ["YAML tab indentation", yamlProblem(yamlFile("tab.yaml", "config:\n\tedge-mtls:environment: dev\n")), "<dir>/tab.yaml:2:1: Tabs are not allowed as indentation; indent with spaces"],
  ["YAML syntax error", yamlProblem(yamlFile("syntax.yaml", "config:\n  edge-mtls:services: [a, b\n")), "<dir>/syntax.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]"],
  ["YAML alias bomb", yamlProblem(yamlFile("bomb.yaml", bomb)), "<dir>/bomb.yaml:4:10: expands more than 100 aliases (Excessive alias count indicates a resource exhaustion attack); write the values out instead of nesting *aliases"],
  ["stack file missing", yamlProblem(path.join(dir, "missing.yaml")), "<dir>/missing.yaml: cannot read the file: no such file (ENOENT)"],
  ["stack file is a directory", yamlProblem((fs.mkdirSync(path.join(dir, "isdir.yaml")), path.join(dir, "isdir.yaml"))), "<dir>/isdir.yaml: cannot read the file: is a directory, not a file (EISDIR)"],
];

// ------------------------------------------------------------------ CLI
const FIXTURE = path.join(__dirname, "..", "engine", "fixtures", "project");
const busy = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-catalogue-busy-"));
fs.writeFileSync(path.join(busy, "notes.txt"), "mine\n");
const aFile = path.join(busy, "notes.txt");
type CliRow = readonly [title: string, args: string[], error: string];
const cliRows: CliRow[] = [
  ["--out . inside the project", ["--stack", "ok", "--dir", FIXTURE, "--out", "."], `--out ${process.cwd()}: contains ${FIXTURE}; a plan replaces its output directory, so give a directory of its own such as out/<stack>`],
  ["--out the project directory", ["--stack", "ok", "--dir", FIXTURE, "--out", FIXTURE], `--out ${FIXTURE}: is ${FIXTURE}; a plan replaces its output directory, so give a directory of its own such as out/<stack>`],
  ["--out a directory holding other files", ["--stack", "ok", "--dir", FIXTURE, "--out", busy], `--out ${busy}: exists and is not a plan output (no .edge-mtls-plan.json; it holds e.g. notes.txt); nothing was written. Give a new directory, or remove it yourself`],
  ["--out a file", ["--stack", "ok", "--dir", FIXTURE, "--out", aFile], `--out ${aFile}: exists and is not a directory; give a new or plan-only directory`],
  ["--at not a date", ["--stack", "ok", "--dir", FIXTURE, "--at", "tomorrow"], "--at tomorrow: not a date; write e.g. 2027-03-01 or 2027-03-01T12:00:00Z"],
  ["--since after --at", ["--stack", "ok", "--dir", FIXTURE, "--at", "2026-01-01", "--since", "2027-01-01"], "--since 2027-01-01 is after --at; give the earlier moment to --since"],
];

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(busy, { recursive: true, force: true });
});

describe("the catalogue of refused inputs", () => {
  let results: Map<string, unknown>;
  beforeAll(async () => {
    results = await runComponentRows();
  }, 120_000);

  it("lists at least 150 refused inputs across the components, the stack files and the CLI", () => {
    expect(componentRows.length + configRows.length + cliRows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(componentRows.map(([t]) => t)).size).toBe(componentRows.length);
  });

  describe("components: an EdgeMtlsArgumentError with the exact message, never a TypeError", () => {
    it.each(componentRows.map(([title, , error]) => [title, error] as const))("%s", (title, error) => {
      const e = results.get(title);
      expect(e, "the input was accepted").not.toBe("accepted");
      expect(e).toBeInstanceOf(EdgeMtlsArgumentError);
      expect((e as Error).message).toBe(error);
    });
  });

  describe("stack files: file, key or line, and the fix", () => {
    it.each(configRows.map(([title, problems, error]) => [title, problems, error] as const))("%s", (_title, problems, error) => {
      expect(problems()).toBe(error);
    });
  });

  describe("npm run plan: exit code 2, one line, nothing run or written", () => {
    it.each(cliRows.map(([title, args, error]) => [title, args, error] as const))("%s", async (_title, args, error) => {
      const errors: string[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void errors.push(a.join(" ")));
      try {
        expect(await main(args)).toBe(2);
      } finally {
        spy.mockRestore();
      }
      expect(errors).toEqual([error]);
      expect(fs.readdirSync(busy)).toEqual(["notes.txt"]);
    });
  });
});

describe("values that are unresolved Outputs are not judged at construction", () => {
  it("accepts Output account and zone ids and an Output CA PEM, which only resolve at deploy time", async () => {
    const plan = await runProgram(async () => {
      new TunnelOrigin("edge", {
        ...tunnelBase,
        accountId: pulumi.output("resolved-later"),
        zone: { id: pulumi.output("resolved-later"), name: "example.com" },
        originCertificate: { kind: "cert-manager", issuerRef: { name: "step" }, namespace: "traefik", caPem: pulumi.output("resolved later") },
      });
    });
    expect(plan.all("edge-mtls:tunnel:TunnelOrigin")).toHaveLength(1);
  });
});

describe("npm run plan on a stack file with a YAML error", () => {
  it("exits 1 with one line naming the file, the line and the fix, and writes nothing", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-catalogue-out-")), "plan");
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void errors.push(a.join(" ")));
    try {
      expect(await main(["--stack", "dupkey", "--dir", FIXTURE, "--out", out])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([`${path.join(FIXTURE, "Pulumi.dupkey.yaml")}:4:3: Map keys must be unique; each key may appear once — merge the two entries`]);
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
