/**
 * partner-caller: a Worker that calls an origin Cloudflare does **not** proxy (a partner's API, or
 * Traefik's mTLS entrypoint published DNS-only) and proves who it is with a client certificate.
 *
 * `env.ORIGIN_MTLS` is an mtls_certificate binding: its fetch is the standard fetch that always
 * presents the bound certificate (https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/).
 * The server verifies it against the integration CA's bundle and checks the caller's name.
 * This only works because the origin is not proxied: "If your Worker presents a client
 * certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error."
 *
 * Bindings (../index.ts):
 *   ORIGIN_MTLS  mtls_certificate  the caller's client certificate (InternalCA)
 *   ORIGIN_URL   plain_text        e.g. "https://orders-mtls.partner.example"
 */
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/sync") return new Response("not found", { status: 404 });
    let response;
    try {
      response = await env.ORIGIN_MTLS.fetch(`${env.ORIGIN_URL}/orders`, { headers: { accept: "text/plain" } });
    } catch (error) {
      // A server that refuses the certificate ends the TLS handshake: there is no HTTP answer.
      return Response.json({ ok: false, error: String(error && error.message ? error.message : error) }, { status: 502 });
    }
    return Response.json({ ok: response.ok, status: response.status, body: await response.text() }, { status: response.ok ? 200 : 502 });
  },
};
