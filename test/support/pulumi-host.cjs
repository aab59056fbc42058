/**
 * Loads a Pulumi project the way `pulumi up` does and plans it with the offline engine.
 *
 * Run with plain Node (no TypeScript loader of our own), the project as working directory:
 *
 *   node pulumi-host.cjs <edge-mtls engine module> <project> <stack> <main> <result.json>
 *
 * The program is started by the Pulumi SDK's own Node.js entry point,
 * `@pulumi/pulumi/cmd/run` (resolved from the project, as the CLI's language host resolves
 * it), with the arguments the language host passes. That entry point reads the project's
 * `tsconfig.json` (or PULUMI_NODEJS_TSCONFIG_PATH), registers ts-node (the project's, else
 * the one the SDK vendors) with the project's `typescript`, type-checks unless told not to
 * (PULUMI_NODEJS_TRANSPILE_ONLY or `noCheck`), and requires or imports `main`. The caller
 * sets PULUMI_NODEJS_TYPESCRIPT=true as the language host does for
 * `runtime.options.typescript` (the default).
 *
 * The offline engine only stands in for the Pulumi engine and the providers: its monitor is
 * installed before the SDK starts (the `--monitor` address is then unused), and the program
 * is done when Node's event loop drains (`beforeExit`), which is how the SDK itself tells.
 *
 * Writes a JSON summary of the plan to <result.json>; exits 1 with the error on stderr when
 * the program does not load or plan.
 *
 * With EDGE_MTLS_RSA_KEYS=<file.json> (PKCS#8 PEMs by modulus length: the suite's key pool,
 * test/support/key-pool.ts), the engine's `tls` provider takes RSA keys from that pool (each
 * once) instead of searching for primes; every key still goes through the provider.
 */
"use strict";
const fs = require("node:fs");

const [engineModule, project, stack, main, resultFile] = process.argv.slice(2);
if (!engineModule || !project || !stack || !main || !resultFile) {
  console.error("usage: node pulumi-host.cjs <engine module> <project> <stack> <main> <result.json>");
  process.exit(2);
}

const engine = require(engineModule);
// The SDK entry point the language host runs; the same copy of @pulumi/pulumi the program loads.
const entry = require.resolve("@pulumi/pulumi/cmd/run", { paths: [process.cwd()] });

/** The engine's providers with pooled RSA keys, or undefined (the engine's defaults). */
function pooledProviders() {
  const file = process.env.EDGE_MTLS_RSA_KEYS;
  if (!file) return undefined;
  const crypto = require("node:crypto");
  const path = require("node:path");
  const providers = path.join(path.dirname(engineModule), "providers");
  const pems = JSON.parse(fs.readFileSync(file, "utf8"));
  const next = new Map();
  const keySource = (request) => {
    if (request.algorithm !== "RSA") return undefined;
    const list = pems[String(request.rsaBits)] ?? [];
    const i = next.get(request.rsaBits) ?? 0;
    if (i >= list.length) return undefined;
    next.set(request.rsaBits, i + 1);
    return crypto.createPrivateKey(list[i]);
  };
  return [
    require(path.join(providers, "tls.js")).createTlsProvider({ keySource }),
    require(path.join(providers, "random.js")).randomProvider,
    require(path.join(providers, "cloud.js")).cloudProvider,
  ];
}

function sdkHost() {
  return new Promise((resolve) => {
    process.once("beforeExit", () => resolve(undefined));
    process.argv = [process.argv[0], entry, "--monitor=offline-engine", `--project=${project}`, `--stack=${stack}`, `--pwd=${process.cwd()}`, `--root-directory=${process.cwd()}`, main];
    require(entry);
  });
}

engine
  .runStack(process.cwd(), stack, { host: sdkHost, providers: pooledProviders() })
  .then((plan) => {
    fs.writeFileSync(
      resultFile,
      JSON.stringify({
        project: plan.project,
        stack: plan.stack,
        errors: plan.errors,
        warnings: plan.warnings,
        resources: plan.resources.map((r) => ({ urn: r.urn, type: r.type, op: r.op })),
        outputs: Object.keys(plan.outputs).sort(),
        secretOutputs: [...plan.secretOutputs].sort(),
      }),
    );
    process.exit(0);
  })
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
