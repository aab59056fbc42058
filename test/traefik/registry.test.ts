import { describe, expect, it } from "vitest";
import { TlsOptionRegistry } from "../../components/traefik/registry";

describe("TlsOptionRegistry", () => {
  it("accepts distinct hosts with distinct TLS options", () => {
    const r = new TlsOptionRegistry();
    r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A" });
    expect(() => r.claim(["b.example.com"], { tlsOption: "apps/b-mtls", owner: "B" })).not.toThrow();
  });

  it("refuses one host with two different TLS options (Traefik would fall back to the default options)", () => {
    const r = new TlsOptionRegistry();
    r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A" });
    expect(() => r.claim(["a.example.com"], { tlsOption: "apps/b-mtls", owner: "B" })).toThrow(/already served by A with TLSOption apps\/a-mtls/);
  });

  it("compares hosts case-insensitively", () => {
    const r = new TlsOptionRegistry();
    r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A" });
    expect(r.conflicts(["A.EXAMPLE.COM"], { tlsOption: "apps/b-mtls", owner: "B" })).toHaveLength(1);
  });

  it("allows the same host again with the same TLS option", () => {
    const r = new TlsOptionRegistry();
    r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A" });
    expect(() => r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A2" })).not.toThrow();
  });

  it("records nothing when a claim is refused", () => {
    const r = new TlsOptionRegistry();
    r.claim(["a.example.com"], { tlsOption: "apps/a-mtls", owner: "A" });
    expect(() => r.claim(["c.example.com", "a.example.com"], { tlsOption: "apps/b-mtls", owner: "B" })).toThrow();
    expect(r.get("c.example.com")).toBeUndefined();
  });
});
