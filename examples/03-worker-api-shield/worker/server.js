/**
 * kush.observer's API Worker (seed 002's server). Two ways in:
 *
 * 1. `SeshTrackerApi` — a named entrypoint reachable only through a service binding, which only
 *    this account can create: sesh-tracker's Worker (../index.ts binds it). No certificate: the
 *    binding is the identity.
 * 2. `default` — the public route on kush.observer, behind ApiShieldMtls: the zone's WAF rule has
 *    already blocked /api requests without a verified, unrevoked certificate from our CA.
 *    This handler checks again what Cloudflare verified, from `request.cf.tlsClientAuth`
 *    (https://developers.cloudflare.com/ssl/client-certificates/client-certificate-variables/):
 *    certPresented "1"/"0", certVerified "SUCCESS"/"NONE"/"FAILED:<reason>", certRevoked "1"/"0",
 *    certIssuerSKI, certSubjectDN, certFingerprintSHA256 ...
 *
 * Answers (403 bodies are JSON { error, code, certificate }):
 *   MTLS_REQUIRED  no certificate, not verified, or revoked
 *   MTLS_ISSUER    issued by a CA other than TRUSTED_ISSUER_SKI
 *   MTLS_CALLER    subject CN not in ALLOWED_CALLERS (an empty list allows nobody)
 *
 * Bindings:
 *   TRUSTED_ISSUER_SKI  plain_text  ApiShieldCa.issuerSki (the CA that signs client certificates)
 *   ALLOWED_CALLERS     plain_text  comma-separated subject CNs, e.g. "sesh-tracker"
 */
import { WorkerEntrypoint } from "cloudflare:workers";

export class SeshTrackerApi extends WorkerEntrypoint {
  async fetch(request) {
    return api(request, { caller: "sesh-tracker", via: "service-binding", certificate: null });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/api" && !url.pathname.toLowerCase().startsWith("/api/")) return new Response("public", { status: 200 });

    const auth = request.cf && request.cf.tlsClientAuth;
    const certificate = auth && auth.certPresented === "1" ? { subjectDN: auth.certSubjectDN, issuerSKI: auth.certIssuerSKI, fingerprintSHA256: auth.certFingerprintSHA256 } : null;
    const refuse = (error, code) => Response.json({ error, code, certificate }, { status: 403 });
    if (!auth || auth.certPresented !== "1" || auth.certVerified !== "SUCCESS" || auth.certRevoked !== "0") {
      return refuse("client certificate required", "MTLS_REQUIRED");
    }
    // Same pin as the WAF rule: the direct issuer must be our CA, not any CA associated with the host.
    if (!env.TRUSTED_ISSUER_SKI || String(auth.certIssuerSKI).toUpperCase() !== env.TRUSTED_ISSUER_SKI.toUpperCase()) {
      return refuse("untrusted client certificate issuer", "MTLS_ISSUER");
    }
    const caller = commonName(auth.certSubjectDN);
    const allowed = (env.ALLOWED_CALLERS || "").split(",").map((s) => s.trim()).filter(Boolean);
    if (!allowed.includes(caller)) return refuse("caller not allowed", "MTLS_CALLER");
    return api(request, { caller, via: "api-shield-mtls", certificate });
  },
};

/** The API itself, once the caller is known. */
function api(request, who) {
  const url = new URL(request.url);
  if (url.pathname === "/api/health") return Response.json({ status: "ok", ...who });
  return Response.json({ error: "not found" }, { status: 404 });
}

/** The CN of a distinguished name such as "CN=sesh-tracker,O=example". */
function commonName(dn) {
  const match = /(?:^|[,/]\s*)CN=([^,/]+)/.exec(dn || "");
  return match ? match[1].trim() : "";
}
