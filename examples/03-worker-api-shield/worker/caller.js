/**
 * The calling Worker (seed 002's sesh-tracker): calls the protected API over mTLS.
 *
 * Workers have no `fetch(url, { cf: { clientCertificate: { certificateId } } })` option — that
 * code in the seed silently sends no certificate. A Worker presents a client certificate only
 * through an mTLS certificate binding: `env.<BINDING>.fetch(...)` is the standard fetch that
 * always presents the bound certificate
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/).
 *
 * Bindings (created by WorkerClientCertificate in ../index.ts):
 *   KUSH_API  mtls_certificate  the caller's client certificate, issued by InternalCA
 *   API_ORIGIN plain_text       e.g. "https://kush.observer"
 */
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/test/mtls-connection") return new Response("not found", { status: 404 });

    // The certificate is presented during the TLS handshake with the API's zone; the WAF rule
    // there blocks /api/ requests whose certificate is missing, unverified, revoked or not ours.
    const response = await env.KUSH_API.fetch(`${env.API_ORIGIN}/api/health`, {
      headers: { accept: "application/json" },
    });
    return Response.json({
      ok: response.ok,
      status: response.status,
      body: await response.text(),
    }, { status: response.ok ? 200 : 502 });
  },
};
