/**
 * The suite's RSA key pool (test/support/key-pool.ts, global-setup.ts): what a run is handed,
 * and when a pool kept from an earlier run is used again or replaced.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { POOL_SIZES, readKeyPool, type KeyPool } from "./key-pool";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-key-pool-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function kept(content: unknown): string {
  const file = path.join(dir, `pool-${files++}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const pool = inject("rsaKeyPool");
const sizes = Object.entries(POOL_SIZES);

describe("the RSA key pool", () => {
  it("hands this run exactly POOL_SIZES keys of each size, each a distinct RSA key of that size", () => {
    expect(Object.keys(pool).sort()).toEqual(sizes.map(([bits]) => bits).sort());
    for (const [bits, count] of sizes) {
      const list = pool[bits] ?? [];
      expect(list).toHaveLength(count);
      expect(new Set(list).size).toBe(count);
      for (const pem of list) expect(crypto.createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(Number(bits));
    }
  });

  it("uses a kept pool again, trimmed to POOL_SIZES", () => {
    const larger: KeyPool = Object.fromEntries(sizes.map(([bits]) => [bits, [...(pool[bits] ?? []), ...(pool[bits] ?? []).slice(0, 1)]]));
    expect(readKeyPool(kept(larger))).toEqual(pool);
  });

  it("replaces a kept pool with fewer keys of a size than POOL_SIZES", () => {
    const [bits] = sizes[0] ?? ["2048"];
    expect(readKeyPool(kept({ ...pool, [bits]: (pool[bits] ?? []).slice(1) }))).toBeUndefined();
  });

  it("replaces a kept pool holding a key of another size under a size", () => {
    const list = [...(pool["4096"] ?? [])];
    list[0] = pool["2048"]?.[0] ?? "";
    expect(readKeyPool(kept({ ...pool, 4096: list }))).toBeUndefined();
  });

  it("replaces a kept pool holding a key that is not RSA", () => {
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(readKeyPool(kept({ ...pool, 2048: [ec, ...(pool["2048"] ?? []).slice(1)] }))).toBeUndefined();
  });

  it("replaces a missing, truncated or non-JSON file", () => {
    expect(readKeyPool(path.join(dir, "absent.json"))).toBeUndefined();
    expect(readKeyPool(kept(JSON.stringify(pool).slice(0, 500)))).toBeUndefined();
    expect(readKeyPool(kept("[]"))).toBeUndefined();
    expect(readKeyPool(kept("null"))).toBeUndefined();
  });
});
