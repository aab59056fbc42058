/**
 * sesh-tracker's Worker (seed 002's caller). It calls kush.observer's API through a **service
 * binding** to the API Worker's `SeshTrackerApi` entrypoint: a direct Worker-to-Worker call on
 * the same account, with no public hop and no certificate
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/service-bindings/).
 *
 * Not `env.KUSH_API.fetch` on an mtls_certificate binding to https://kush.observer: kush.observer is
 * a proxied zone (API Shield runs there), and "Currently, mTLS for Workers cannot be used for
 * requests made to a service that is a proxied zone on Cloudflare. If your Worker presents a
 * client certificate to a service proxied by Cloudflare, Cloudflare will return a 520 error."
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/).
 *
 * Bindings (../index.ts):
 *   KUSH_API  service  kush-api, entrypoint SeshTrackerApi
 */
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/test/kush-health") return new Response("not found", { status: 404 });
    // The host is not looked up: a service binding always delivers to the bound Worker.
    const response = await env.KUSH_API.fetch("https://kush.observer/api/health", { headers: { accept: "application/json" } });
    return Response.json({ status: response.status, body: await response.json() }, { status: response.ok ? 200 : 502 });
  },
};
