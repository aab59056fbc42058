import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { asciiLower, mtlsRuleExpression, pathPrefixBase, rulesStringLiteral } from "../../components/api-shield/expression";
import { lexQuotedString, splitLiterals } from "./rules-lexer";
import { evaluateRule, type RuleRequest } from "./rules-eval";

const SKI = "8204924CF49D471E855862706D889F58F6B784D3";

/** What a JS string becomes once sent to Cloudflare as UTF-8 (lone surrogates → U+FFFD). */
const utf8 = (s: string): string => Buffer.from(s, "utf8").toString("utf8");

/** Characters that could break a naive builder, plus ordinary ones. */
const hostileChar = fc.constantFrom('"', "\\", "{", "}", "(", ")", " ", "\t", "\n", "\r", "\0", "\x7f", "#", "r", "x", "0", "7", "a", "/", "é", "😀", "\u2028");
const hostileString = fc.oneof(
  fc.array(hostileChar, { maxLength: 24 }).map((cs) => cs.join("")),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
);

describe("rulesStringLiteral", () => {
  it("wraps plain text in double quotes unchanged", () => {
    expect(rulesStringLiteral("/api/")).toBe('"/api/"');
  });

  it("escapes a double quote as \\\"", () => {
    expect(rulesStringLiteral('a"b')).toBe('"a\\"b"');
  });

  it("escapes a backslash as \\\\", () => {
    expect(rulesStringLiteral("a\\b")).toBe('"a\\\\b"');
  });

  it("writes control characters as \\xHH", () => {
    expect(rulesStringLiteral("a\nb\x7f")).toBe('"a\\x0Ab\\x7F"');
  });

  it("keeps braces, spaces and non-ASCII characters literally", () => {
    expect(rulesStringLiteral("{ é }")).toBe('"{ é }"');
  });

  it("always lexes back, per Cloudflare's lexer, to exactly its input and ends at its closing quote", () => {
    fc.assert(
      fc.property(hostileString, hostileString, (value, trailer) => {
        const literal = rulesStringLiteral(value);
        const { bytes, end } = lexQuotedString(literal + trailer, 0);
        expect(Buffer.from(bytes).equals(Buffer.from(value, "utf8"))).toBe(true);
        expect(end).toBe(literal.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("mtlsRuleExpression", () => {
  it("builds the exact expression for a typical API", () => {
    expect(mtlsRuleExpression({ hostnames: ["api.example.com"], pathPrefixes: ["/api/"], issuerSki: SKI })).toBe(
      '(http.host in {"api.example.com"}) and (lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/")) and ' +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${SKI}")`,
    );
  });

  it("builds the exact expression for hostile hostnames and paths, every literal escaped", () => {
    const expression = mtlsRuleExpression({
      hostnames: ['evil"} or true or {"x', "a\\b"],
      pathPrefixes: ['/v1") or (true', "/x y\t{z}\\"],
      issuerSki: SKI,
      caseSensitivePaths: true,
    });
    expect(expression).toBe(
      '(http.host in {"a\\\\b" "evil\\"} or true or {\\"x"}) and ' +
        '(http.request.uri.path eq "/v1\\") or (true" or starts_with(http.request.uri.path, "/v1\\") or (true/") or ' +
        'http.request.uri.path eq "/x y\\x09{z}\\\\" or starts_with(http.request.uri.path, "/x y\\x09{z}\\\\/")) and ' +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${SKI}")`,
    );
  });

  it("lower-cases prefixes (ASCII only, like lower()) and compares lower(path) by default", () => {
    expect(mtlsRuleExpression({ hostnames: ["a.example.com"], pathPrefixes: ["/API/Ä"], issuerSki: SKI })).toContain(
      'lower(http.request.uri.path) eq "/api/Ä" or starts_with(lower(http.request.uri.path), "/api/Ä/")',
    );
  });

  it("lists hosts and prefixes sorted and without duplicates", () => {
    const e = mtlsRuleExpression({ hostnames: ["b.example.com", "a.example.com", "b.example.com"], pathPrefixes: ["/v2/", "/api/", "/v2"], issuerSki: SKI });
    expect(e).toContain('http.host in {"a.example.com" "b.example.com"}');
    expect(e).toContain(
      '(lower(http.request.uri.path) eq "/api" or starts_with(lower(http.request.uri.path), "/api/") or ' +
        'lower(http.request.uri.path) eq "/v2" or starts_with(lower(http.request.uri.path), "/v2/"))',
    );
  });

  it("omits the issuer pin only when no SKI is known", () => {
    const e = mtlsRuleExpression({ hostnames: ["a.example.com"], pathPrefixes: ["/api"], issuerSki: undefined });
    expect(e.endsWith("(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked)")).toBe(true);
  });

  it("refuses to build a rule without hostnames or without path prefixes", () => {
    expect(() => mtlsRuleExpression({ hostnames: [], pathPrefixes: ["/"], issuerSki: SKI })).toThrow(/hostname/);
    expect(() => mtlsRuleExpression({ hostnames: ["a.example.com"], pathPrefixes: [], issuerSki: SKI })).toThrow(/path prefix/);
  });

  it("keeps its structure for any input: hostile values stay inside their literals and parse back exactly", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hostileString, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(hostileString, { minLength: 1, maxLength: 4 }),
        hostileString,
        fc.boolean(),
        (hostnames, pathPrefixes, ski, caseSensitive) => {
          const expression = mtlsRuleExpression({ hostnames, pathPrefixes, issuerSki: ski, caseSensitivePaths: caseSensitive });
          const { skeleton, literals } = splitLiterals(expression);

          const hosts = [...new Set(hostnames)].sort();
          const bases = [...new Set(pathPrefixes.map((p) => pathPrefixBase(caseSensitive ? p : asciiLower(p))))].sort();
          const wholeHost = bases.includes("");
          const path = caseSensitive ? "http.request.uri.path" : "lower(http.request.uri.path)";
          const expectedSkeleton =
            `(http.host in {${hosts.map(() => '"…"').join(" ")}}) and ` +
            (wholeHost ? "" : `(${bases.map(() => `${path} eq "…" or starts_with(${path}, "…")`).join(" or ")}) and `) +
            '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "…")';
          expect(skeleton).toBe(expectedSkeleton);
          const pathLiterals = wholeHost ? [] : bases.flatMap((b) => [b, `${b}/`]);
          expect(literals).toEqual([...hosts, ...pathLiterals, ski].map(utf8));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** A request to `path` on `host` with `cert` as Cloudflare reports it. */
function request(host: string, path: string, cert: "ours" | "none" | "other-ca" | "revoked"): RuleRequest {
  return {
    "http.host": host,
    "http.request.uri.path": path,
    "cf.tls_client_auth.cert_verified": cert !== "none",
    "cf.tls_client_auth.cert_revoked": cert === "revoked",
    "cf.tls_client_auth.cert_issuer_ski": cert === "none" ? "" : cert === "other-ca" ? "0000000000000000000000000000000000000000" : SKI,
  };
}

describe("the rendered rule, evaluated per path (Rules-language semantics)", () => {
  const HOST = "api.example.com";
  const apiRule = (prefixes: string[], caseSensitivePaths = false) => mtlsRuleExpression({ hostnames: [HOST], pathPrefixes: prefixes, issuerSki: SKI, caseSensitivePaths });

  it.each([["/api/"], ["/api"], ["/api//"]])("prefix %j blocks the bare path /api without a certificate", (prefix) => {
    expect(evaluateRule(apiRule([prefix]), request(HOST, "/api", "none"))).toBe(true);
  });

  it.each(["/api/", "/api/health", "/api/v1/users", "/API/health", "/Api"])("prefix /api blocks %j without a certificate (case-insensitive by default)", (path) => {
    expect(evaluateRule(apiRule(["/api"]), request(HOST, path, "none"))).toBe(true);
  });

  it.each(["/apiary", "/api-docs", "/public/api/x", "/", "/ap"])("prefix /api does not cover %j (segment boundary)", (path) => {
    expect(evaluateRule(apiRule(["/api"]), request(HOST, path, "none"))).toBe(false);
  });

  it("with caseSensitivePaths, /API/x is not covered by /api", () => {
    expect(evaluateRule(apiRule(["/api"], true), request(HOST, "/API/x", "none"))).toBe(false);
    expect(evaluateRule(apiRule(["/api"], true), request(HOST, "/api", "none"))).toBe(true);
  });

  it.each(["/", "/anything", "/api", "/.well-known/x"])("prefix / protects the whole host: %j is blocked without a certificate", (path) => {
    const rule = apiRule(["/api", "/"]);
    expect(rule).not.toContain("http.request.uri.path");
    expect(evaluateRule(rule, request(HOST, path, "none"))).toBe(true);
  });

  it.each([
    ["none", true],
    ["revoked", true],
    ["other-ca", true],
    ["ours", false],
  ] as const)("on /api/x a %s certificate is blocked: %s", (cert, blocked) => {
    expect(evaluateRule(apiRule(["/api"]), request(HOST, "/api/x", cert))).toBe(blocked);
  });

  it("does not touch other hosts", () => {
    expect(evaluateRule(apiRule(["/"]), request("www.example.com", "/api", "none"))).toBe(false);
  });
});
