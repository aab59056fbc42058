/**
 * examples/README.md's checklist, enforced for every folder under examples/: each example is a
 * standalone Pulumi project a user can `npm install` and `pulumi up`. Whether it also loads
 * through Pulumi's own TypeScript loader and plans is pulumi-loader.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { declaredSecrets, EXAMPLES_DIR, exampleNames, importedPackages, readPackage, readProject, ROOT } from "../support/examples";

const EXAMPLES = exampleNames();
const read = (example: string, file: string) => fs.readFileSync(path.join(EXAMPLES_DIR, example, file), "utf8");

it("examples/ holds at least the five seed examples", () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(5);
});

describe.each(EXAMPLES)("example %s", (example) => {
  const dir = path.join(EXAMPLES_DIR, example);

  it("has every file of the checklist", () => {
    for (const f of ["README.md", "Pulumi.yaml", "Pulumi.example.yaml", "package.json", "tsconfig.json", ".npmrc", "index.ts"]) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
  });

  it("Pulumi.yaml names a TypeScript nodejs project whose main is index.ts", () => {
    const project = readProject(dir);
    expect(typeof project.name).toBe("string");
    const runtime = typeof project.runtime === "string" ? { name: project.runtime } : project.runtime;
    expect(runtime?.name).toBe("nodejs");
    expect(project.main).toBe("index.ts");
  });

  it("Pulumi.example.yaml holds no `secure:` value (no backend could decrypt it) and no credential in clear", () => {
    const text = read(example, "Pulumi.example.yaml");
    expect(text).not.toMatch(/^\s*secure:/m);
    const doc = parse(text) as { config?: Record<string, unknown> };
    for (const key of Object.keys(doc.config ?? {})) expect(key, "set it with pulumi config set --secret").not.toMatch(/token|secret|password|apikey|privatekey/i);
    for (const key of declaredSecrets(dir)) expect(Object.keys(doc.config ?? {}), key).not.toContain(key);
  });

  it("package.json is private and depends on the library checkout as file:../..", () => {
    const pkg = readPackage(dir);
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies?.["edge-mtls"]).toBe("file:../..");
  });

  it("package.json declares every package the TypeScript files import, and TypeScript for Pulumi's loader", () => {
    const pkg = readPackage(dir);
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of importedPackages(dir)) expect(declared, name).toHaveProperty([name]);
    expect(pkg.devDependencies).toHaveProperty(["typescript"]);
    expect(pkg.devDependencies).toHaveProperty(["@types/node"]);
  });

  it("every version range in package.json admits the version this repository tests with", () => {
    const pkg = readPackage(dir);
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (name === "edge-mtls") continue;
      const installed = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
      expect(semver.satisfies(installed, range), `${name}@${installed} vs ${range}`).toBe(true);
    }
  });

  it(".npmrc installs the library as a packed copy (install-links), so there is one @pulumi/pulumi", () => {
    expect(read(example, ".npmrc")).toMatch(/^install-links=true$/m);
  });

  it("tsconfig.json is strict and maps no module paths (the program resolves edge-mtls as a package)", () => {
    const ts = JSON.parse(read(example, "tsconfig.json")) as { compilerOptions?: Record<string, unknown> };
    expect(ts.compilerOptions?.strict).toBe(true);
    expect(ts.compilerOptions).not.toHaveProperty("paths");
  });

  it("index.ts imports the library by its package name and assigns the program to module.exports", () => {
    const source = read(example, "index.ts");
    expect(source).toMatch(/from "edge-mtls";/);
    expect(source).not.toMatch(/from "\.\.\/\.\.\/(components|engine)/);
    // The Pulumi Node.js host calls module.exports when it is a function; it never calls a CommonJS `default`.
    expect(source).toMatch(/^export = async \(\) =>/m);
    expect(source).not.toMatch(/^export default/m);
  });

  it("README gives the seed, the offline plan command, and the deploy steps with every secret", () => {
    const readme = read(example, "README.md");
    expect(readme).toContain(`npm run plan -- --stack example --dir examples/${example}`);
    expect(readme).toMatch(/seed \d{3}/i);
    expect(readme).toMatch(/^npm install$/m);
    expect(readme).toMatch(/^pulumi up -s example$/m);
    const secrets = [...declaredSecrets(dir), ...(readPackage(dir).dependencies?.["@pulumi/cloudflare"] ? ["cloudflare:apiToken"] : [])];
    for (const key of secrets) expect(readme, key).toMatch(new RegExp(`^pulumi config set --secret ${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\S+ -s example`, "m"));
  });
});
