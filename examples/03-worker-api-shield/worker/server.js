/**
 * The API Worker (seed 002's kush.observer), behind ApiShieldMtls: reads what Cloudflare
 * verified about the caller's client certificate from `request.cf.tlsClientAuth`
 * (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/ — the
 * `cf.tls_client_auth.*` fields; in Workers the camelCase `request.cf.tlsClientAuth` object).
 *
 * The zone's WAF rule already blocked every /api/ request without a verified, unrevoked
 * certificate from our CA, so this is defence in depth and identity, not the enforcement.
 *
 * Bindings:
 *   TRUSTED_ISSUER_SKI  plain_text  the InternalCA issuer SKI (ApiShieldCa.issuerSki)
 *   ALLOWED_CALLERS     plain_text  comma-separated subject CNs, e.g. "sesh-tracker"
 */
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/api/")) return new Response("public", { status: 200 });

    const auth = request.cf && request.cf.tlsClientAuth;
    // certPresented: "1" | "0"; certVerified: "SUCCESS" | "NONE" | "FAILED:<reason>"; certRevoked: "1" | "0".
    if (!auth || auth.certPresented !== "1" || auth.certVerified !== "SUCCESS" || auth.certRevoked === "1") {
      return Response.json({ error: "client certificate required", code: "MTLS_REQUIRED" }, { status: 403 });
    }
    // Same pin as the WAF rule: the direct issuer must be our CA, not any CA associated with the host.
    if (env.TRUSTED_ISSUER_SKI && auth.certIssuerSKI.toUpperCase() !== env.TRUSTED_ISSUER_SKI.toUpperCase()) {
      return Response.json({ error: "untrusted client certificate issuer", code: "MTLS_ISSUER" }, { status: 403 });
    }
    const caller = commonName(auth.certSubjectDN);
    const allowed = (env.ALLOWED_CALLERS || "").split(",").map((s) => s.trim()).filter(Boolean);
    if (allowed.length > 0 && !allowed.includes(caller)) {
      return Response.json({ error: "caller not allowed", code: "MTLS_CALLER" }, { status: 403 });
    }

    if (url.pathname === "/api/health") {
      return Response.json({
        status: "ok",
        caller,
        certificate: {
          subjectDN: auth.certSubjectDN,
          issuerDN: auth.certIssuerDN,
          issuerSKI: auth.certIssuerSKI,
          serial: auth.certSerial,
          fingerprintSHA256: auth.certFingerprintSHA256,
          notAfter: auth.certNotAfter,
        },
      });
    }
    return Response.json({ error: "not found" }, { status: 404 });
  },
};

/** The CN of a distinguished name such as "CN=sesh-tracker,O=edge-mtls". */
function commonName(dn) {
  const match = /(?:^|[,/]\s*)CN=([^,/]+)/.exec(dn || "");
  return match ? match[1].trim() : "";
}
