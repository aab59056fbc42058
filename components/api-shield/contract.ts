/**
 * The construction-time type contract of the API Shield components, for every caller (plain
 * JavaScript included): wrong types, unknown discriminants, Cloudflare ids that are not 32 hex
 * characters, PEMs that do not parse, DN values that would change a subject's meaning, and the
 * values an issuing InternalCA would otherwise refuse under its own (child) name. Value rules
 * specific to one component stay in its validator, which runs after this.
 */
import { argChecker, q, type ArgChecker } from "../common/errors";
import {
  argNames,
  checkCloudflareId,
  checkDnValue,
  isKnown,
  isPlainObject,
  refuseUnknownKeys,
  requireArray,
  requireNumber,
  requireObject,
  requireOneOf,
  requireOptionalBoolean,
  requireString,
  requireStringInput,
  typeName,
} from "../common/validate";
import { checkIdentity, checkUris, durationHours } from "../internal-ca/validate";
import type { ApiShieldCaArgs } from "./api-shield-ca";
import type { AopTraefikArgs, AuthenticatedOriginPullsArgs } from "./authenticated-origin-pulls";
import type { ApiProtection, ApiShieldMtlsArgs, BlockResponse, ClientCertificateMaterial } from "./types";
import type { CloudflareManagedClientCertificateArgs, WorkerClientCertificateArgs } from "./worker-binding";

// The names each args interface has (the compiler keeps them in step, see argNames).
const API_SHIELD_MTLS_ARGS = argNames<ApiShieldMtlsArgs>()(["zoneId", "zoneName", "trustAnchor", "protections", "additionalRules", "rulesetName"]);
const PROTECTION_ARGS = argNames<ApiProtection>()(["name", "hostnames", "pathPrefixes", "trustAnchor", "caseSensitivePaths", "response"]);
const RESPONSE_ARGS = argNames<BlockResponse>()(["statusCode", "contentType", "content"]);
const API_SHIELD_CA_ARGS = argNames<ApiShieldCaArgs>()(["accountId", "authority", "certificatePem", "issuerCertificatePem", "displayName"]);
const AOP_ARGS = argNames<AuthenticatedOriginPullsArgs>()(["zoneId", "zoneName", "mode", "ca", "hostnames", "identity", "validity", "acceptSharedCloudflareCertificate", "cloudflareOriginPullCaPem", "traefik"]);
const AOP_TRAEFIK_ARGS = argNames<AopTraefikArgs>()(["namespace"]);
const WORKER_CLIENT_CERTIFICATE_ARGS = argNames<WorkerClientCertificateArgs>()(["accountId", "bindingName", "issuer", "identity", "uris", "validity", "certificate", "displayName", "targets", "script"]);
const CERTIFICATE_MATERIAL_ARGS = argNames<ClientCertificateMaterial>()(["certificatePem", "privateKeyPem"]);
const MANAGED_CLIENT_CERTIFICATE_ARGS = argNames<CloudflareManagedClientCertificateArgs>()(["zoneId", "commonName", "organization", "validityDays"]);

function checkName(c: ArgChecker, name: unknown): void {
  requireString(c, "name", name);
  c.check(name.trim() !== "", "name", "is empty; give the component a logical name");
}

/** Type of a PEM input; the component's own validator parses it (CA or leaf rules differ per argument). */
function checkPemInput(c: ArgChecker, arg: string, v: unknown, optional = true): void {
  requireStringInput(c, arg, v, optional);
}

function checkAnchorShape(c: ArgChecker, arg: string, anchor: unknown): void {
  requireObject(c, arg, anchor, "(an ApiShieldCa or cloudflareManagedCa(...))");
  requireOneOf(c, `${arg}.kind`, anchor.kind, ["uploaded", "cloudflare-managed"], false);
}

/** Values an InternalCA checks when it issues a client certificate, reported under the caller's argument names. */
function checkIssuedClientArgs(c: ArgChecker, args: Record<string, unknown>, defaultIdentity?: string): void {
  requireString(c, "identity", args.identity, defaultIdentity !== undefined);
  const identity = (args.identity as string | undefined) ?? defaultIdentity;
  if (identity !== undefined) checkIdentity(c, "identity", identity);
  requireArray(c, "uris", args.uris, true, (u, path) => requireString(c, path, u));
  if (Array.isArray(args.uris)) checkUris(c, "uris", args.uris as string[]);
  requireString(c, "validity", args.validity, true);
  if (args.validity !== undefined) durationHours(c, "validity", args.validity);
}

/** Contract of `ApiShieldMtlsArgs`. */
export function checkApiShieldMtlsContract(name: unknown, args: unknown): void {
  const c = argChecker("ApiShieldMtls", String(name));
  checkName(c, name);
  requireObject(c, "args", args, "{ zoneId, zoneName, trustAnchor, protections }");
  refuseUnknownKeys(c, "", args, API_SHIELD_MTLS_ARGS);
  checkCloudflareId(c, "zoneId", args.zoneId, "zone");
  requireString(c, "zoneName", args.zoneName);
  checkAnchorShape(c, "trustAnchor", args.trustAnchor);
  requireString(c, "rulesetName", args.rulesetName, true);
  if (isKnown(args.additionalRules)) requireArray(c, "additionalRules", args.additionalRules, true);
  requireArray(c, "protections", args.protections, false, (p, path) => {
    requireObject(c, path, p, '{ name: "orders-api", hostnames: ["api.example.com"] }');
    refuseUnknownKeys(c, path, p, PROTECTION_ARGS);
    requireString(c, `${path}.name`, p.name);
    requireArray(c, `${path}.hostnames`, p.hostnames, false, (h, hp) => requireString(c, hp, h));
    requireArray(c, `${path}.pathPrefixes`, p.pathPrefixes, true, (x, xp) => requireString(c, xp, x));
    requireOptionalBoolean(c, `${path}.caseSensitivePaths`, p.caseSensitivePaths);
    if (p.trustAnchor !== undefined) checkAnchorShape(c, `${path}.trustAnchor`, p.trustAnchor);
    if (p.response !== undefined) {
      requireObject(c, `${path}.response`, p.response, '{ statusCode: 403, contentType: "application/json" }');
      refuseUnknownKeys(c, `${path}.response`, p.response, RESPONSE_ARGS);
      requireNumber(c, `${path}.response.statusCode`, p.response.statusCode, true);
      requireString(c, `${path}.response.contentType`, p.response.contentType, true);
      requireString(c, `${path}.response.content`, p.response.content, true);
    }
  });
}

/** Contract of `ApiShieldCaArgs`. */
export function checkApiShieldCaContract(name: unknown, args: unknown): void {
  const c = argChecker("ApiShieldCa", String(name));
  checkName(c, name);
  requireObject(c, "args", args, "{ accountId, authority } or { accountId, certificatePem }");
  refuseUnknownKeys(c, "", args, API_SHIELD_CA_ARGS);
  checkCloudflareId(c, "accountId", args.accountId, "account");
  if (args.authority !== undefined) {
    requireObject(c, "authority", args.authority, "(such as an InternalCA)");
    c.check(args.authority.rootCertPem !== undefined && args.authority.issuerCertPem !== undefined, "authority", "has no rootCertPem/issuerCertPem; pass an InternalCA");
  }
  checkPemInput(c, "certificatePem", args.certificatePem);
  checkPemInput(c, "issuerCertificatePem", args.issuerCertificatePem);
  requireStringInput(c, "displayName", args.displayName, true);
}

/** Contract of `AuthenticatedOriginPullsArgs`. */
export function checkAuthenticatedOriginPullsContract(name: unknown, args: unknown, defaultIdentity: string): void {
  const c = argChecker("AuthenticatedOriginPulls", String(name));
  checkName(c, name);
  requireObject(c, "args", args, '{ zoneId, zoneName, ca, hostnames } or { zoneId, zoneName, mode: "zone", … }');
  refuseUnknownKeys(c, "", args, AOP_ARGS);
  checkCloudflareId(c, "zoneId", args.zoneId, "zone");
  requireString(c, "zoneName", args.zoneName);
  requireOneOf(c, "mode", args.mode, ["per-hostname", "zone"]);
  if (args.ca !== undefined) {
    requireObject(c, "ca", args.ca, "(such as an InternalCA)");
    c.check(typeof args.ca.issueClientCertificate === "function", "ca", "is not a certificate issuer; pass an InternalCA");
  }
  requireArray(c, "hostnames", args.hostnames, true, (h, path) => requireString(c, path, h));
  requireOptionalBoolean(c, "acceptSharedCloudflareCertificate", args.acceptSharedCloudflareCertificate);
  checkPemInput(c, "cloudflareOriginPullCaPem", args.cloudflareOriginPullCaPem);
  if (args.traefik !== undefined) {
    requireObject(c, "traefik", args.traefik, '{ namespace: "traefik" }');
    refuseUnknownKeys(c, "traefik", args.traefik, AOP_TRAEFIK_ARGS);
  }
  if ((args.mode ?? "per-hostname") === "per-hostname") checkIssuedClientArgs(c, args, defaultIdentity);
}

/** Contract of `WorkerClientCertificateArgs`. */
export function checkWorkerClientCertificateContract(name: unknown, args: unknown): void {
  const c = argChecker("WorkerClientCertificate", String(name));
  checkName(c, name);
  requireObject(c, "args", args, '{ accountId, bindingName: "API_MTLS", issuer, identity }');
  refuseUnknownKeys(c, "", args, WORKER_CLIENT_CERTIFICATE_ARGS);
  checkCloudflareId(c, "accountId", args.accountId, "account");
  requireString(c, "bindingName", args.bindingName);
  requireStringInput(c, "displayName", args.displayName, true);
  if (args.issuer !== undefined) {
    requireObject(c, "issuer", args.issuer, "(such as an InternalCA)");
    c.check(typeof args.issuer.issueClientCertificate === "function", "issuer", "is not a certificate issuer; pass an InternalCA");
    if (typeof args.identity === "string" && args.identity.trim() !== "") checkIssuedClientArgs(c, args);
  }
  if (args.certificate !== undefined) {
    requireObject(c, "certificate", args.certificate, "{ certificatePem, privateKeyPem }");
    refuseUnknownKeys(c, "certificate", args.certificate, CERTIFICATE_MATERIAL_ARGS);
    requireStringInput(c, "certificate.certificatePem", args.certificate.certificatePem);
    if (isKnown(args.certificate.privateKeyPem) && typeof args.certificate.privateKeyPem !== "string") {
      c.fail("certificate.privateKeyPem", `is ${typeName(args.certificate.privateKeyPem)}; give the key PEM as a string or a secret Output (the value is not shown)`);
    }
  }
  if (args.script !== undefined && !isPlainObject(args.script)) c.fail("script", `is ${typeName(args.script)}; give the Worker script's arguments as an object`);
}

/** Contract of `CloudflareManagedClientCertificateArgs`. */
export function checkCloudflareManagedClientCertificateContract(name: unknown, args: unknown): void {
  const c = argChecker("CloudflareManagedClientCertificate", String(name));
  checkName(c, name);
  requireObject(c, "args", args, '{ zoneId, commonName: "orders-worker" }');
  refuseUnknownKeys(c, "", args, MANAGED_CLIENT_CERTIFICATE_ARGS);
  checkCloudflareId(c, "zoneId", args.zoneId, "zone");
  checkDnValue(c, "commonName", args.commonName, false);
  checkDnValue(c, "organization", args.organization);
  requireNumber(c, "validityDays", args.validityDays, true);
  const days = args.validityDays as number | undefined;
  if (days !== undefined) c.check(Number.isInteger(days) && days > 0 && days <= 36500, "validityDays", `(${q(days)}) must be a whole number of days from 1 to 36500`);
}
