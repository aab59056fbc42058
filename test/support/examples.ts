/**
 * The example projects under examples/, discovered (every `NN-name` folder), so that a new
 * example is checked by every generic test without being listed anywhere.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "../..");
export const EXAMPLES_DIR = path.join(ROOT, "examples");

/** Folder names of the examples, sorted: `01-tunnel-traefik-wildcard`, … */
export function exampleNames(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d{2}-[a-z0-9-]+$/.test(d.name))
    .map((d) => d.name)
    .sort();
}

export interface ProjectFile {
  readonly name?: unknown;
  readonly runtime?: string | { name?: string; options?: { typescript?: boolean; tsconfig?: string } };
  readonly main?: unknown;
  readonly config?: Record<string, unknown>;
}

/** `Pulumi.yaml` of a project directory. */
export function readProject(dir: string): ProjectFile {
  return parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** Namespaced keys the project file declares `secret: true`. */
export function declaredSecrets(dir: string): string[] {
  const project = readProject(dir);
  return Object.entries(project.config ?? {})
    .filter(([, v]) => typeof v === "object" && v !== null && (v as { secret?: unknown }).secret === true)
    .map(([k]) => (k.includes(":") ? k : `${String(project.name)}:${k}`));
}

export interface PackageFile {
  readonly name?: string;
  readonly private?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

export function readPackage(dir: string): PackageFile {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as PackageFile;
}

/** Every package a project's TypeScript files import by bare name (`@scope/pkg`, `pkg`), builtins excluded. */
export function importedPackages(dir: string): string[] {
  const found = new Set<string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
    const src = fs.readFileSync(path.join(dir, f), "utf8");
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s+["']([^"']+)["']|(?:^|\n)\s*import\s+["']([^"']+)["']/g)) {
      const spec = m[1] ?? m[2] ?? "";
      if (spec.startsWith(".") || spec.startsWith("node:") || spec === "" || builtinModules.includes(spec.split("/")[0] ?? spec)) continue;
      const parts = spec.split("/");
      found.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec));
    }
  }
  return [...found].sort();
}
