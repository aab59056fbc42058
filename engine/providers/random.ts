/**
 * The `random` provider with real randomness (Node's CSPRNG). Output names and encodings
 * follow pulumi-random's schema (RandomBytes: base64/hex; RandomId: hex/b64Std/b64Url/dec;
 * RandomPassword/RandomString: result; RandomUuid: result; RandomInteger: result).
 */
import * as crypto from "node:crypto";
import type { SimulatedProvider } from "./types";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC = "0123456789";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function pick(chars: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += chars[crypto.randomInt(chars.length)] ?? "";
  return out;
}

function randomString(inputs: Record<string, unknown>): string {
  const length = Number(inputs.length ?? 0);
  const flag = (k: string): boolean => inputs[k] !== false;
  const special = typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : SPECIAL;
  const sets: Array<[string, number]> = [];
  if (flag("lower")) sets.push([LOWER, Number(inputs.minLower ?? 0)]);
  if (flag("upper")) sets.push([UPPER, Number(inputs.minUpper ?? 0)]);
  if (flag("numeric") && flag("number")) sets.push([NUMERIC, Number(inputs.minNumeric ?? 0)]);
  if (flag("special")) sets.push([special, Number(inputs.minSpecial ?? 0)]);
  const all = sets.map(([c]) => c).join("");
  let chars = sets.map(([c, min]) => pick(c, min)).join("");
  chars += pick(all, Math.max(0, length - chars.length));
  // Fisher–Yates so that the minimums are not always first.
  const arr = [...chars];
  for (let i = arr.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [arr[i], arr[j]] = [arr[j] ?? "", arr[i] ?? ""];
  }
  return arr.join("");
}

export const randomProvider: SimulatedProvider = {
  handles: (type) => type.startsWith("random:"),
  computedOutputs: () => ["result", "base64", "hex", "b64Std", "b64Url", "dec", "bcryptHash"],
  // Every argument of pulumi-random resources forces a new value (keepers included).
  replaceOnChange: () => ["*"],
  async create(inputs, ctx) {
    const t = ctx.type.split(":").pop() ?? "";
    switch (t) {
      case "RandomBytes": {
        const b = crypto.randomBytes(Number(inputs.length ?? 0));
        return { id: "none", outputs: { ...inputs, base64: b.toString("base64"), hex: b.toString("hex") } };
      }
      case "RandomId": {
        const b = crypto.randomBytes(Number(inputs.byteLength ?? 0));
        const prefix = typeof inputs.prefix === "string" ? inputs.prefix : "";
        const b64Url = b.toString("base64url");
        return {
          id: b64Url,
          outputs: { ...inputs, hex: prefix + b.toString("hex"), b64Std: prefix + b.toString("base64"), b64Url: prefix + b64Url, dec: prefix + BigInt(`0x${b.toString("hex") || "0"}`).toString(10) },
        };
      }
      case "RandomPassword":
      case "RandomString": {
        const result = randomString(inputs);
        return { id: t === "RandomPassword" ? "none" : result, outputs: { ...inputs, result } };
      }
      case "RandomUuid": {
        const result = crypto.randomUUID();
        return { id: result, outputs: { ...inputs, result } };
      }
      case "RandomInteger": {
        const min = Number(inputs.min ?? 0);
        const max = Number(inputs.max ?? 0);
        const result = min + crypto.randomInt(max - min + 1);
        return { id: String(result), outputs: { ...inputs, result } };
      }
      default:
        throw new Error(`offline engine: random resource ${ctx.type} is not simulated`);
    }
  },
};
