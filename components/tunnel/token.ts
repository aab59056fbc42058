/**
 * The tunnel token cloudflared reads from `TUNNEL_TOKEN` (`tunnel run --token`, EnvVars TUNNEL_TOKEN).
 *
 * It is computed here rather than fetched with the v6 data source
 * `getZeroTrustTunnelCloudflaredTokenOutput`: the token is nothing but
 * `base64(JSON {"a": account tag, "s": tunnel secret, "t": tunnel id})` — cloudflared's
 * `connection.TunnelToken` (connection/connection.go; `s` is `[]byte`, so it is the base64 of
 * the secret bytes, i.e. exactly the `tunnelSecret` we generated). Computing it needs no API
 * call and no extra token permission at plan time, is available as soon as the tunnel id is,
 * and cannot drift from the secret we hold. The optional `e` (endpoint) field is only set for
 * non-default regions (e.g. FedRAMP) and is not supported here.
 */

/** The decoded token. Key order matches Go's `json.Marshal` of the struct (a, s, t). */
export interface TunnelTokenFields {
  readonly a: string;
  readonly s: string;
  readonly t: string;
}

/** Encodes a remotely-managed tunnel's token from the account id, tunnel id and base64 tunnel secret. */
export function encodeTunnelToken(accountId: string, tunnelId: string, tunnelSecretBase64: string): string {
  const fields: TunnelTokenFields = { a: accountId, s: tunnelSecretBase64, t: tunnelId };
  return Buffer.from(JSON.stringify(fields), "utf8").toString("base64");
}

/** Decodes a tunnel token (for tests and diagnostics). Throws when it is not a tunnel token. */
export function decodeTunnelToken(token: string): TunnelTokenFields {
  const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as Partial<TunnelTokenFields>;
  if (typeof parsed.a !== "string" || typeof parsed.s !== "string" || typeof parsed.t !== "string") {
    throw new Error("not a cloudflared tunnel token: expected base64 JSON with string fields a, s, t");
  }
  return { a: parsed.a, s: parsed.s, t: parsed.t };
}
