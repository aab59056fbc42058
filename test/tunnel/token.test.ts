import { describe, expect, it } from "vitest";
import { decodeTunnelToken, encodeTunnelToken } from "../../components/tunnel/token";

describe("tunnel token", () => {
  it("is base64 JSON {a, s, t} as cloudflared's connection.TunnelToken decodes it", () => {
    const token = encodeTunnelToken("acc", "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415", "AQIDBA==");
    expect(JSON.parse(Buffer.from(token, "base64").toString("utf8"))).toEqual({
      a: "acc",
      s: "AQIDBA==",
      t: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415",
    });
  });

  it("round-trips through decodeTunnelToken", () => {
    expect(decodeTunnelToken(encodeTunnelToken("a1", "t1", "c2VjcmV0"))).toEqual({ a: "a1", s: "c2VjcmV0", t: "t1" });
  });

  it("rejects a value that is not a tunnel token", () => {
    expect(() => decodeTunnelToken(Buffer.from("{}").toString("base64"))).toThrow(/not a cloudflared tunnel token/);
  });
});
