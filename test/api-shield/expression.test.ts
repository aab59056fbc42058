import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { asciiLower, mtlsRuleExpression, rulesStringLiteral } from "../../components/api-shield/expression";
import { lexQuotedString, splitLiterals } from "./rules-lexer";

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
      '(http.host in {"api.example.com"}) and (starts_with(lower(http.request.uri.path), "/api/")) and ' +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${SKI}")`,
    );
  });

  it("builds the exact expression for hostile hostnames and paths, every literal escaped", () => {
    const expression = mtlsRuleExpression({
      hostnames: ['evil"} or true or {"x', "a\\b"],
      pathPrefixes: ['/v1/") or (true', "/x y\t{z}\\"],
      issuerSki: SKI,
      caseSensitivePaths: true,
    });
    expect(expression).toBe(
      '(http.host in {"a\\\\b" "evil\\"} or true or {\\"x"}) and ' +
        '(starts_with(http.request.uri.path, "/v1/\\") or (true") or starts_with(http.request.uri.path, "/x y\\x09{z}\\\\")) and ' +
        `(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "${SKI}")`,
    );
  });

  it("lower-cases prefixes (ASCII only, like lower()) and compares lower(path) by default", () => {
    expect(mtlsRuleExpression({ hostnames: ["a.example.com"], pathPrefixes: ["/API/Ä"], issuerSki: SKI })).toContain(
      'starts_with(lower(http.request.uri.path), "/api/Ä")',
    );
  });

  it("lists hosts and prefixes sorted and without duplicates", () => {
    const e = mtlsRuleExpression({ hostnames: ["b.example.com", "a.example.com", "b.example.com"], pathPrefixes: ["/v2/", "/api/", "/v2/"], issuerSki: SKI });
    expect(e).toContain('http.host in {"a.example.com" "b.example.com"}');
    expect(e).toContain('(starts_with(lower(http.request.uri.path), "/api/") or starts_with(lower(http.request.uri.path), "/v2/"))');
  });

  it("omits the issuer pin only when no SKI is known", () => {
    const e = mtlsRuleExpression({ hostnames: ["a.example.com"], pathPrefixes: ["/"], issuerSki: undefined });
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
          const prefixes = [...new Set(pathPrefixes.map((p) => (caseSensitive ? p : asciiLower(p))))].sort();
          const path = caseSensitive ? "http.request.uri.path" : "lower(http.request.uri.path)";
          const expectedSkeleton =
            `(http.host in {${hosts.map(() => '"…"').join(" ")}}) and ` +
            `(${prefixes.map(() => `starts_with(${path}, "…")`).join(" or ")}) and ` +
            '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked or cf.tls_client_auth.cert_issuer_ski ne "…")';
          expect(skeleton).toBe(expectedSkeleton);
          expect(literals).toEqual([...hosts, ...prefixes, ski].map(utf8));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
