/**
 * Test oracle: a TypeScript port of Cloudflare's quoted-string lexer
 * (cloudflare/wirefilter engine/src/rhs_types/bytes.rs, `lex_quoted_string_as_vec`):
 * escapes `\"`, `\\`, `\xHH`, `\OOO` (three octal digits); any other escape is an error; every
 * other character stands for its UTF-8 bytes. Used to parse generated expressions back.
 */

export class LexError extends Error {}

/**
 * Lexes a quoted string whose opening `"` is at `input[start]`. Returns the decoded bytes and
 * the index just after the closing quote.
 */
export function lexQuotedString(input: string, start: number): { bytes: Uint8Array; end: number } {
  if (input[start] !== '"') throw new LexError(`expected '"' at ${start}`);
  const out: number[] = [];
  const chars = Array.from(input.slice(start + 1)); // code points, like Rust's chars()
  let offset = start + 1;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    offset += c.length;
    if (c === "\\") {
      const n = chars[i + 1];
      if (n === undefined) throw new LexError("missing ending quote");
      if (n === '"' || n === "\\") {
        out.push(n.charCodeAt(0));
        i += 1;
        offset += 1;
      } else if (n === "x") {
        const hex = (chars[i + 2] ?? "") + (chars[i + 3] ?? "");
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new LexError(`bad hex escape \\x${hex}`);
        out.push(parseInt(hex, 16));
        i += 3;
        offset += 3;
      } else if (/[0-7]/.test(n)) {
        const oct = n + (chars[i + 2] ?? "") + (chars[i + 3] ?? "");
        if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new LexError(`bad octal escape \\${oct}`);
        out.push(parseInt(oct, 8));
        i += 3;
        offset += 3;
      } else {
        throw new LexError(`invalid character escape \\${n}`);
      }
    } else if (c === '"') {
      return { bytes: Uint8Array.from(out), end: offset };
    } else {
      out.push(...Buffer.from(c, "utf8"));
    }
  }
  throw new LexError("missing ending quote");
}

/**
 * Splits an expression into its skeleton (every string literal replaced by `"…"`) and the
 * decoded literals, in order. Raw strings (`r"…"`) are not expected in generated expressions.
 */
export function splitLiterals(expression: string): { skeleton: string; literals: string[] } {
  let skeleton = "";
  const literals: string[] = [];
  for (let i = 0; i < expression.length; ) {
    if (expression[i] === '"') {
      const { bytes, end } = lexQuotedString(expression, i);
      literals.push(Buffer.from(bytes).toString("utf8"));
      skeleton += '"…"';
      i = end;
    } else {
      skeleton += expression[i];
      i += 1;
    }
  }
  return { skeleton, literals };
}
