/**
 * Test oracle: evaluates a Rules-language expression against one request, for the subset the
 * library renders — `and`/`or`/`not`, parentheses, `in {…}`, `eq`/`ne`, `starts_with(…)`,
 * `lower(…)`, boolean fields — with Cloudflare's semantics
 * (https://developers.cloudflare.com/ruleset-engine/rules-language/operators/: `not` binds
 * tightest, then `and`, then `or`; `lower()` converts ASCII only). String literals are decoded
 * with the port of Cloudflare's lexer (rules-lexer.ts). Anything outside the subset throws, so a
 * rendered expression the oracle cannot read fails the test instead of passing silently.
 */
import { lexQuotedString } from "./rules-lexer";

/** What Cloudflare knows about one request, in Rules-language field names. */
export interface RuleRequest {
  readonly "http.host": string;
  readonly "http.request.uri.path": string;
  readonly "cf.tls_client_auth.cert_verified": boolean;
  readonly "cf.tls_client_auth.cert_revoked": boolean;
  readonly "cf.tls_client_auth.cert_issuer_ski": string;
  readonly "cf.tls_client_auth.cert_presented"?: boolean;
}

type Token = { kind: "str"; value: string } | { kind: "word"; value: string } | { kind: "punct"; value: string };

function tokenize(expression: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < expression.length; ) {
    const ch = expression[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '"') {
      const { bytes, end } = lexQuotedString(expression, i);
      out.push({ kind: "str", value: Buffer.from(bytes).toString("utf8") });
      i = end;
    } else if ("(){},".includes(ch)) {
      out.push({ kind: "punct", value: ch });
      i += 1;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(expression.slice(i));
      if (!m) throw new Error(`rules-eval: unexpected ${JSON.stringify(ch)} at ${i}`);
      out.push({ kind: "word", value: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Evaluates `expression` for `request`: true when the rule matches (for a block rule: blocked). */
export function evaluateRule(expression: string, request: RuleRequest): boolean {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const t = tokens[pos++];
    if (!t) throw new Error("rules-eval: unexpected end of expression");
    return t;
  };
  const expect = (value: string): void => {
    const t = next();
    if (t.value !== value || t.kind === "str") throw new Error(`rules-eval: expected ${value}, got ${t.value}`);
  };
  const field = (name: string): string | boolean => {
    if (!(name in request)) throw new Error(`rules-eval: unknown field ${name}`);
    return (request as unknown as Record<string, string | boolean>)[name] as string | boolean;
  };

  // value := "str" | field | lower(value)
  const value = (): string | boolean => {
    const t = next();
    if (t.kind === "str") return t.value;
    if (t.kind === "word" && t.value === "lower") {
      expect("(");
      const v = value();
      expect(")");
      if (typeof v !== "string") throw new Error("rules-eval: lower() of a non-string");
      return asciiLower(v);
    }
    if (t.kind === "word") return field(t.value);
    throw new Error(`rules-eval: unexpected ${t.value}`);
  };

  // atom := ( or ) | not atom | starts_with(value, value) | value [eq|ne value | in {str...}]
  const atom = (): boolean => {
    const t = peek();
    if (t?.kind === "punct" && t.value === "(") {
      next();
      const v = or();
      expect(")");
      return v;
    }
    if (t?.kind === "word" && t.value === "not") {
      next();
      return !atom();
    }
    if (t?.kind === "word" && t.value === "starts_with") {
      next();
      expect("(");
      const a = value();
      expect(",");
      const b = value();
      expect(")");
      if (typeof a !== "string" || typeof b !== "string") throw new Error("rules-eval: starts_with of non-strings");
      return a.startsWith(b);
    }
    const left = value();
    const op = peek();
    if (op?.kind === "word" && (op.value === "eq" || op.value === "ne")) {
      next();
      const right = value();
      return op.value === "eq" ? left === right : left !== right;
    }
    if (op?.kind === "word" && op.value === "in") {
      next();
      expect("{");
      const set: string[] = [];
      for (let t2 = next(); !(t2.kind === "punct" && t2.value === "}"); t2 = next()) {
        if (t2.kind !== "str") throw new Error("rules-eval: only string sets are supported");
        set.push(t2.value);
      }
      return typeof left === "string" && set.includes(left);
    }
    if (typeof left !== "boolean") throw new Error("rules-eval: a string used as a condition");
    return left;
  };
  const and = (): boolean => {
    let v = atom();
    while (peek()?.kind === "word" && peek()?.value === "and") {
      next();
      const r = atom();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (peek()?.kind === "word" && peek()?.value === "or") {
      next();
      const r = and();
      v = v || r;
    }
    return v;
  };
  const result = or();
  if (pos !== tokens.length) throw new Error(`rules-eval: trailing tokens from ${pos}`);
  return result;
}
