/**
 * Issue 15: the package as a user gets it. One `npm pack` of this repository, installed
 * OFFLINE (from the npm cache that `npm ci` filled) into a fresh project with the README's
 * command, then used as a user would: typechecked under `nodenext`, `bundler` and classic
 * `node` module resolution, planned with the installed `edge-mtls` bin, and tested with a
 * vitest file that calls `runStack` on an ESM program (types, top-level await) and on a
 * CommonJS one.
 *
 * The fresh project starts from this repository's lockfile (root entry replaced by its own
 * package.json), so that an offline install resolves the same versions whose tarballs the
 * cache holds; npm still resolves, dedupes and prunes the tree itself.
 *
 * Slow by nature (a build shared with pulumi-loader.test.ts, an install, three typechecks in one
 * `tsc --build`, two program runs, a lockfile-only resolution): one file, one pack, one install
 * shared by every assertion.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtLibrary } from "../support/library-build";
import { manyFilesScratchDir } from "../support/scratch";

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const repoPkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  files: string[];
};
const nodeMajor = Number(process.versions.node.split(".")[0]);

/** The child processes get a clean environment: no vitest worker variables, no NODE_OPTIONS. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|NODE_OPTIONS|TEST$|npm_)/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0" };
}

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

async function run(cmd: string, args: readonly string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(cmd, [...args], { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: typeof err.code === "number" ? err.code : 1 };
  }
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The peer dependencies the README tells users to install, at the versions CI pins (and caches). */
const PEERS = Object.keys(repoPkg.peerDependencies).map((name) => `${name}@${repoPkg.devDependencies[name] ?? ""}`);

// The user's program: ESM, types, top-level await, the documented API only.
const ESM_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { InternalCA, type InternalCAArgs, type KeyAlgorithm } from "edge-mtls";

const keyAlgorithm: KeyAlgorithm = "ECDSA-P256";
const caArgs: InternalCAArgs = await Promise.resolve({ keyAlgorithm, protect: false });

export default async (): Promise<Record<string, pulumi.Output<string>>> => {
  const config = new pulumi.Config();
  const ca = new InternalCA(config.require("caName"), caArgs);
  const api = ca.issueServerCertificate("api", { dnsNames: ["api.mesh.internal"] });
  return { trustBundle: ca.trustBundle, apiCert: api.certPem };
};
`;

// A CommonJS Pulumi program in the classic style: resources at module level, named exports.
const CJS_PROGRAM = `import { InternalCA } from "edge-mtls";

const ca = new InternalCA("legacy", { protect: false });
export const trustBundle = ca.trustBundle;
`;

// Both entry points, typed, for every module resolution mode.
const API_CHECK = `import { EdgeMtlsArgumentError, InternalCA, MtlsService, TraefikInstall, parseCertStatus, type CertStatusSummary } from "edge-mtls";
import { runStack, renderPlan, type PlanResult } from "edge-mtls/engine";

export async function check(dir: string): Promise<number> {
  const plan: PlanResult = await runStack(dir, "dev");
  // What plan.test.ts (run by vitest, which does not type-check) uses of a plan.
  const protect: boolean = plan.find("tls:index/privateKey:PrivateKey", "consumer-root-key").protect;
  const trustBundle: unknown = plan.outputs.trustBundle;
  const files: Map<string, string> = renderPlan(plan);
  const status: CertStatusSummary = parseCertStatus(undefined);
  const ctors = [InternalCA, MtlsService, TraefikInstall, EdgeMtlsArgumentError];
  return files.size + status.reason.length + ctors.length + Number(protect) + String(trustBundle).length;
}
`;

const VITEST_FILE = `import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runStack } from "edge-mtls/engine";

describe("runStack from the installed package", () => {
  it("runs an ESM TypeScript program with types and top-level await", async () => {
    const plan = await runStack(".", "dev");
    expect(plan.find("tls:index/privateKey:PrivateKey", "consumer-root-key").protect).toBe(false);
    expect(plan.find("tls:index/locallySignedCert:LocallySignedCert", "consumer-api-cert")).toBeDefined();
    expect(String(plan.outputs.trustBundle)).toContain("BEGIN CERTIFICATE");
  }, 120_000);

  it("runs a CommonJS TypeScript program with named exports", async () => {
    const plan = await runStack(path.join("legacy"), "dev");
    expect(plan.find("tls:index/selfSignedCert:SelfSignedCert", "legacy-root-cert")).toBeDefined();
    expect(String(plan.outputs.trustBundle)).toContain("BEGIN CERTIFICATE");
  }, 120_000);
});
`;

function tsconfig(compilerOptions: Record<string, unknown>, include: string[]): string {
  const base = { strict: true, noEmit: true, skipLibCheck: true, types: ["node"], target: "ES2022", lib: ["ES2022"] };
  return JSON.stringify({ compilerOptions: { ...base, ...compilerOptions }, include }, null, 2);
}

let tmp: string;
let app: string;
let tarball: string;
let packedFiles: string[];
let install: Run;

beforeAll(async () => {
  // The install writes ~21,000 files (~240 MB): in RAM where the machine allows (test/support/scratch.ts).
  tmp = manyFilesScratchDir("edge-mtls-pack-", 1024 ** 3);
  app = path.join(tmp, "app");

  // `npm run build` (the prepack script), once per run for this file and pulumi-loader.test.ts.
  await builtLibrary();
  const pack = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], ROOT);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const packed = (JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0];
  if (!packed) throw new Error("npm pack reported no tarball");
  tarball = path.join(tmp, packed.filename);
  packedFiles = packed.files.map((f) => f.path);

  // A fresh project that already depends on @pulumi/pulumi (and @types/node). Its TypeScript and
  // vitest are this repository's (the versions package.json pins), run on it from outside: what
  // is checked is the installed package under them, and installing both again (~90 MB, vite's
  // and rolldown's native binaries among it) cost 4 s of CPU a run.
  write(
    path.join(app, "package.json"),
    JSON.stringify(
      {
        name: "consumer",
        version: "1.0.0",
        private: true,
        type: "module",
        dependencies: { "@pulumi/pulumi": repoPkg.devDependencies["@pulumi/pulumi"] },
        devDependencies: {
          "@types/node": repoPkg.devDependencies["@types/node"],
        },
      },
      null,
      2,
    ),
  );
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { name: string; version: string; packages: Record<string, unknown> };
  const appPkg = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8")) as Record<string, unknown>;
  lock.name = "consumer";
  lock.version = "1.0.0";
  lock.packages[""] = { name: "consumer", version: "1.0.0", dependencies: appPkg.dependencies, devDependencies: appPkg.devDependencies };
  write(path.join(app, "package-lock.json"), JSON.stringify(lock, null, 2));

  write(path.join(app, "index.ts"), ESM_PROGRAM);
  write(path.join(app, "Pulumi.yaml"), "name: consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n");
  write(path.join(app, "Pulumi.dev.yaml"), "config:\n  consumer:caName: consumer\n");
  write(path.join(app, "api.ts"), API_CHECK);
  write(path.join(app, "plan.test.ts"), VITEST_FILE);
  write(path.join(app, "tsconfig.json"), tsconfig({ module: "nodenext", moduleResolution: "nodenext" }, ["index.ts", "api.ts"]));
  write(path.join(app, "tsconfig.bundler.json"), tsconfig({ module: "esnext", moduleResolution: "bundler" }, ["index.ts", "api.ts"]));
  write(path.join(app, "tsconfig.node.json"), tsconfig({ module: "commonjs", moduleResolution: "node", esModuleInterop: true }, ["api.ts"]));
  write(path.join(app, "legacy", "package.json"), JSON.stringify({ name: "legacy", private: true, type: "commonjs" }, null, 2));
  write(path.join(app, "legacy", "Pulumi.yaml"), "name: legacy\nruntime: nodejs\nmain: index.ts\n");
  write(path.join(app, "legacy", "Pulumi.dev.yaml"), "config: {}\n");
  write(path.join(app, "legacy", "index.ts"), CJS_PROGRAM);
  write(path.join(app, "legacy", "tsconfig.json"), tsconfig({ module: "commonjs", moduleResolution: "node", esModuleInterop: true }, ["index.ts"]));

  // The README's install command, offline.
  install = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball, ...PEERS], app);
  if (install.code !== 0) throw new Error(`npm install --offline failed:\n${install.stdout}\n${install.stderr}`);
}, 600_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, 300_000);

describe("the packed tarball", () => {
  it("ships the compiled components and engine, the bin, the docs the README links to, LICENSE and CHANGELOG", () => {
    for (const f of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/components/index.js", "dist/components/index.d.ts", "dist/engine/index.js", "dist/engine/index.d.ts", "dist/engine/bin.js"]) {
      expect(packedFiles).toContain(f);
    }
    expect(packedFiles.filter((f) => /\.test\.|^test\/|^stacks\/|^examples\//.test(f))).toEqual([]);
  });

  it("resolves every relative link of README.md and docs/*.md inside the tarball", () => {
    const broken: string[] = [];
    for (const doc of packedFiles.filter((f) => f.endsWith(".md"))) {
      const text = fs.readFileSync(path.join(app, "node_modules", "edge-mtls", doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        const target = m[1] ?? "";
        if (/^[a-z]+:/i.test(target)) continue;
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target)).replace(/\/$/, "");
        if (!packedFiles.some((f) => f === resolved || f.startsWith(`${resolved}/`))) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("declares every package its public declarations and its JavaScript import, and no runtime dependency it does not use", () => {
    const imported = new Set([...packagesImported(DECLARATION_ENTRIES, [".d.ts"]), ...packagesImported(JAVASCRIPT_ENTRIES, [".js"])]);
    const declared = new Set([...Object.keys(repoPkg.dependencies), ...Object.keys(repoPkg.peerDependencies)]);
    expect([...imported].filter((p) => !declared.has(p))).toEqual([]);
    expect(Object.keys(repoPkg.dependencies).filter((p) => !imported.has(p))).toEqual([]);
  });

  it("keeps implementation libraries out of its declarations: a user's type-check reads only the Pulumi SDKs' typings besides the library's", () => {
    // An internal re-export once took @peculiar/x509's typings (and asn1js', reflect-metadata's, ...)
    // into every program's type-check, ~100 declaration files, through InternalCA's declarations.
    expect([...packagesImported(DECLARATION_ENTRIES, [".d.ts"])].sort()).toEqual(["@pulumi/cloudflare", "@pulumi/kubernetes", "@pulumi/pulumi"]);
  });
});

/** The package's entry points, as installed. */
const DECLARATION_ENTRIES = ["dist/components/index.d.ts", "dist/engine/index.d.ts"];
const JAVASCRIPT_ENTRIES = ["dist/components/index.js", "dist/engine/index.js", "dist/engine/bin.js"];

/** The packages (names, not paths) that the installed package's `entries` reach through their relative imports. */
function packagesImported(entries: readonly string[], exts: readonly string[]): Set<string> {
  const pkgRoot = path.join(app, "node_modules", "edge-mtls");
  const seen = new Set<string>();
  const imported = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = fs.readFileSync(file, "utf8");
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|import\s+)["']([^"']+)["']/g)) {
      const spec = m[1] ?? "";
      if (spec.startsWith(".")) {
        const base = path.resolve(path.dirname(file), spec);
        const hit = [...exts.map((e) => base + e), ...exts.map((e) => path.join(base, `index${e}`))].find((c) => fs.existsSync(c));
        if (!hit) throw new Error(`${path.relative(pkgRoot, file)}: ${spec} is not in the package`);
        walk(hit);
      } else if (!spec.startsWith("node:")) {
        imported.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec));
      }
    }
  };
  for (const e of entries) walk(path.join(pkgRoot, e));
  return imported;
}

describe("installing it into a fresh project (offline, README command)", () => {
  it.skipIf(nodeMajor < 22)("prints no EBADENGINE warning on Node 22 or later", () => {
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/EBADENGINE/);
  });

  it("requires Node 22 or later, as the Pulumi SDK does", () => {
    expect(repoPkg.engines.node).toBe(">=22");
    const sdk = JSON.parse(fs.readFileSync(path.join(app, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { engines?: { node?: string } };
    expect(sdk.engines?.node).toBe(">=22");
  });

  it("keeps a single @pulumi/pulumi: the project's own copy satisfies the peer dependency", async () => {
    const q = await run("npm", ["query", '[name="@pulumi/pulumi"]'], app);
    expect(q.code).toBe(0);
    const nodes = JSON.parse(q.stdout) as Array<{ location: string; version: string }>;
    expect(nodes.map((n) => `${n.location}@${n.version}`)).toEqual([`node_modules/@pulumi/pulumi@${repoPkg.devDependencies["@pulumi/pulumi"]}`]);
    const ls = await run("npm", ["ls", "--all"], app);
    expect(ls.code, ls.stderr).toBe(0);
  }, 120_000);

  it("installs no TypeScript loader tooling beyond tsx, and no Kubernetes model packages", () => {
    expect(fs.existsSync(path.join(app, "node_modules", "@kubernetes-models"))).toBe(false);
    expect(fs.existsSync(path.join(app, "node_modules", "zod"))).toBe(false);
    expect(fs.existsSync(path.join(app, "node_modules", "ajv"))).toBe(false);
  });
});

/** Module resolution modes a user's project may use, with the tsconfig that selects each. */
const TYPECHECKS: Array<[string, string]> = [
  ["nodenext", "tsconfig.json"],
  ["bundler", "tsconfig.bundler.json"],
  ["classic node", "tsconfig.node.json"],
];

interface TypecheckRun {
  code: number;
  output: string;
  /** What tsc printed while checking each project (by tsconfig file name): its diagnostics. */
  projects: Map<string, string>;
}

/**
 * One `tsc --build --force --verbose` over the three tsconfigs: TypeScript's own CLI checks each
 * project in turn, as `tsc -p <config>` would, and parses the shared declarations (the library's,
 * @pulumi/*, @types/node) once instead of once per project (tsc keeps one parse per file and
 * module format). `--verbose` announces each project, so each one's diagnostics are told apart.
 */
async function typecheckAll(dir: string): Promise<TypecheckRun> {
  write(path.join(dir, "tsconfig.all.json"), JSON.stringify({ files: [], references: TYPECHECKS.map(([, config]) => ({ path: `./${config}` })) }, null, 2));
  const tsc = await run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--build", "tsconfig.all.json", "--force", "--verbose", "--pretty", "false"], dir);
  const output = `${tsc.stdout}${tsc.stderr}`;
  const projects = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split("\n")) {
    // Status lines: `<time> - Building project '<dir>/<config>'...`, `<time> - Project '…' is out of date …`.
    const status = /^\S[^']*? - (?:Building project '([^']+)'\.\.\.|Project '|Projects in this build)/.exec(line);
    if (status) {
      current = status[1] === undefined ? undefined : path.basename(status[1]);
      if (current !== undefined) projects.set(current, "");
    } else if (current !== undefined && line.trim() !== "") {
      projects.set(current, `${projects.get(current) ?? ""}${line}\n`);
    }
  }
  return { code: tsc.code, output, projects };
}

describe("using the installed package", () => {
  let typechecks: Promise<TypecheckRun> | undefined;

  it.concurrent.for(TYPECHECKS)("typechecks a program against it under %s module resolution", { timeout: 300_000 }, async ([, config], { expect }) => {
    typechecks ??= typecheckAll(app);
    const tsc = await typechecks;
    expect([...tsc.projects.keys()], tsc.output).toContain(config);
    expect(tsc.projects.get(config)).toBe("");
    expect(tsc.code, tsc.output).toBe(0);
  });

  it("plans the project with the installed edge-mtls bin, without a TypeScript loader of its own", async () => {
    const plan = await run("npx", ["--offline", "edge-mtls", "plan", "--stack", "dev", "--out", "out/dev"], app);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^dev: \d+ resources planned; wrote \d+ files to out\/dev$/m);
    const md = fs.readFileSync(path.join(app, "out", "dev", "plan.md"), "utf8");
    expect(md).toContain("consumer-root-key");
    expect(md).toContain("consumer-api-cert");
  }, 300_000);

  it("runs a vitest file that calls runStack on ESM and CommonJS TypeScript programs", async () => {
    // vitest resolves its own `import ... from "vitest"`; `edge-mtls/engine` resolves from the project.
    const vitest = await run(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "plan.test.ts"], app);
    expect(vitest.code, `${vitest.stdout}\n${vitest.stderr}`).toBe(0);
    expect(vitest.stdout).toMatch(/Tests\s+2 passed \(2\)/);
  }, 300_000);
});

/**
 * The same tarball in a project already on a NEWER @pulumi/pulumi than the one this repository
 * pins: npm must satisfy the library's peer range (and the provider SDKs' own dependency on
 * @pulumi/pulumi) with the project's copy, never nest a second SDK. What is checked is npm's
 * own resolution of the tree (`npm install --package-lock-only`: npm resolves, dedupes and
 * checks engines as for a full install, and writes the lockfile that `npm ci` installs exactly),
 * read back with `npm query` and `npm ls` on that lockfile; nothing is extracted, which the
 * full install above already covers. The newer SDK's metadata is not in the cache `npm ci`
 * filled, so npm may fetch it from the registry (`--prefer-offline`: cached data is used).
 */
describe("installing it into a project already on a newer @pulumi/pulumi", () => {
  let newer: string;
  let app2: string;
  let install2: Run;

  beforeAll(async () => {
    const pinned = repoPkg.devDependencies["@pulumi/pulumi"] ?? "";
    const view = await run("npm", ["view", `@pulumi/pulumi@>${pinned} <4`, "version", "--json"], tmp);
    if (view.code !== 0) throw new Error(`npm view failed:\n${view.stderr}`);
    const versions = ([] as string[]).concat(JSON.parse(view.stdout) as string | string[]).filter((v) => !v.includes("-"));
    const last = versions[versions.length - 1];
    if (!last) throw new Error(`the registry lists no @pulumi/pulumi release newer than ${pinned}`);
    newer = last;
    app2 = path.join(tmp, "app-newer-sdk");
    write(path.join(app2, "package.json"), JSON.stringify({ name: "consumer-newer", version: "1.0.0", private: true, dependencies: { "@pulumi/pulumi": newer } }, null, 2));
    // The provider SDKs only: the project keeps its own (newer) @pulumi/pulumi.
    install2 = await run("npm", ["install", "--package-lock-only", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...PEERS.filter((p) => !p.startsWith("@pulumi/pulumi@"))], app2);
    if (install2.code !== 0) throw new Error(`npm install failed:\n${install2.stdout}\n${install2.stderr}`);
  }, 600_000);

  it("keeps a single @pulumi/pulumi, the project's newer one", async () => {
    expect(newer).not.toBe(repoPkg.devDependencies["@pulumi/pulumi"]);
    const q = await run("npm", ["query", "--package-lock-only", '[name="@pulumi/pulumi"]'], app2);
    expect(q.code).toBe(0);
    const nodes = JSON.parse(q.stdout) as Array<{ location: string; version: string }>;
    expect(nodes.map((n) => `${n.location}@${n.version}`)).toEqual([`node_modules/@pulumi/pulumi@${newer}`]);
    const ls = await run("npm", ["ls", "--all", "--package-lock-only"], app2);
    expect(ls.code, ls.stderr).toBe(0);
  }, 120_000);

  it.skipIf(nodeMajor < 22)("prints no EBADENGINE warning on Node 22 or later", () => {
    expect(`${install2.stdout}\n${install2.stderr}`).not.toMatch(/EBADENGINE/);
  });
});
