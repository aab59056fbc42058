/**
 * The suite's RSA keys, generated once per run by globalSetup (test/support/global-setup.ts)
 * and injected into the engine through its `providers` option. The engine stays real: every
 * `PrivateKey` still goes through the `tls` provider (PEM encodings, public key, OpenSSH
 * form, fingerprints, id); only the RSA prime search is done once for the suite. Each key is
 * handed out once per test file (test/support/per-file.ts resets the pool before each file);
 * when the pool runs dry, keys are generated as usual.
 */
import * as crypto from "node:crypto";
import { inject } from "vitest";
import { createTlsProvider, type KeySource } from "../../engine/providers/tls";
import { randomProvider } from "../../engine/providers/random";
import { cloudProvider } from "../../engine/providers/cloud";
import type { SimulatedProvider } from "../../engine/providers/types";

declare module "vitest" {
  export interface ProvidedContext {
    /** PKCS#8 PEMs by modulus length. */
    rsaKeyPool: Record<string, string[]>;
  }
}

/** How many keys of each size the pool holds (the most one test file uses, with room to spare). */
export const POOL_SIZES: Readonly<Record<number, number>> = { 2048: 16, 3072: 2, 4096: 8 };

let pems: Record<string, string[]> | undefined;

/** A key source that hands out each pooled key of the requested size once, from `next` on; undefined when none is left. */
function keySource(next: Map<number, number>): KeySource {
  return (request) => {
    if (request.algorithm !== "RSA") return undefined;
    pems ??= inject("rsaKeyPool");
    const list = pems[String(request.rsaBits)] ?? [];
    const i = next.get(request.rsaBits) ?? 0;
    const pem = list[i];
    if (pem === undefined) return undefined;
    next.set(request.rsaBits, i + 1);
    return crypto.createPrivateKey(pem);
  };
}

const next = new Map<number, number>();

/** Hands out each pooled key of the requested size once per file; undefined when none is left. */
export const pooledRsaKeys: KeySource = keySource(next);

/** Hands the whole pool out again (before each test file). */
export function resetPooledRsaKeys(): void {
  next.clear();
}

/** The engine's providers, with RSA keys from the suite's pool. */
export function pooledProviders(): SimulatedProvider[] {
  return [createTlsProvider({ keySource: pooledRsaKeys }), randomProvider, cloudProvider];
}

/**
 * The engine's providers for a run that repeats an earlier run of the same file (a determinism
 * check): the pool's keys again from the first, each once within this run, so the repeat needs
 * no fresh keys. Not for runs whose keys must differ from an earlier run's (rotation).
 */
export function repeatRunProviders(): SimulatedProvider[] {
  return [createTlsProvider({ keySource: keySource(new Map()) }), randomProvider, cloudProvider];
}
