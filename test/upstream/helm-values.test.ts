/**
 * Issue 11, Helm values against the charts' own schemas: every `helm.v3.Release` that any
 * stack or example plans is installed from a vendored chart (by chart name and pinned
 * version), and its values, coalesced over the chart's `values.yaml` as Helm does, pass the
 * chart's `values.schema.json`, which Helm (and so `pulumi up`) enforces before rendering.
 * Programs are found on disk (test/support/projects.ts), so new stacks and examples are covered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlanResult, RecordedResource } from "../../engine";
import { buildTraefikValues, TRAEFIK_CHART_VERSION } from "../../components/traefik/traefik-install";
import { meshValuesProblems } from "../../components/traefik/validate";
import { CERT_MANAGER_CHART_VERSION } from "../../components/cert-manager/types";
import { certManagerChartValues } from "../../components/cert-manager/render";
import { chartForRelease, helmCoalesce, schemaProblems, validateReleaseValues, vendoredChart } from "../support/helm";
import { ROOT } from "../support/examples";
import { allProjectStacks, exampleStacks, planAll } from "../support/projects";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PROGRAMS = allProjectStacks();
let plans: Map<string, PlanResult>;

beforeAll(async () => {
  plans = await planAll(PROGRAMS);
}, 300_000);

const releasesOf = (label: string): RecordedResource[] => (plans.get(label) as PlanResult).all(RELEASE);
const valuesOf = (r: RecordedResource): Record<string, unknown> => (r.inputs.values ?? {}) as Record<string, unknown>;

describe("the programs under test are found on disk", () => {
  it("covers the dev, staging and prod stacks and every folder under examples/ with a Pulumi.yaml", () => {
    const labels = PROGRAMS.map((p) => p.label);
    expect(labels).toEqual(expect.arrayContaining(["stack dev", "stack staging", "stack prod"]));
    const folders = fs.readdirSync(path.join(ROOT, "examples")).filter((f) => fs.existsSync(path.join(ROOT, "examples", f, "Pulumi.yaml")));
    expect(folders.length).toBeGreaterThanOrEqual(5);
    for (const f of folders) expect(exampleStacks().some((p) => p.dir.endsWith(`${path.sep}${f}`)), f).toBe(true);
  });

  it("the plans install both charts somewhere (the checks below are not vacuous)", () => {
    const charts = new Set([...plans.values()].flatMap((p) => p.all(RELEASE).map((r) => `${String(r.inputs.chart)} ${String(r.inputs.version)}`)));
    expect([...charts].sort()).toEqual([`cert-manager ${CERT_MANAGER_CHART_VERSION}`, `traefik ${TRAEFIK_CHART_VERSION}`]);
  });
});

describe.each(PROGRAMS.map((p) => p.label))("%s", (label) => {
  it("installs every Helm release from a vendored chart at its pinned version", () => {
    for (const r of releasesOf(label)) expect(() => chartForRelease(r.inputs), r.name).not.toThrow();
  });

  it("every Helm release's values, coalesced over the chart's values.yaml, pass its values.schema.json", () => {
    for (const r of releasesOf(label)) {
      const { problems } = validateReleaseValues(chartForRelease(r.inputs), valuesOf(r));
      expect(problems, `${label}: release ${r.name}`).toEqual([]);
    }
  });

  it("as the Traefik chart sees them, the mTLS entrypoint has TLS on and trusts no forwarded or PROXY headers", () => {
    for (const r of releasesOf(label).filter((x) => x.inputs.chart === "traefik")) {
      const { values } = validateReleaseValues(chartForRelease(r.inputs), valuesOf(r));
      expect(meshValuesProblems(values, "mesh"), `${label}: release ${r.name}`).toEqual([]);
    }
  });
});

describe("the schema check can fail", () => {
  const traefik = (): Record<string, unknown> => {
    const r = releasesOf("stack dev").find((x) => x.inputs.chart === "traefik");
    if (!r) throw new Error("stack dev installs no Traefik");
    return structuredClone(valuesOf(r));
  };
  const chart = () => chartForRelease({ chart: "traefik", version: TRAEFIK_CHART_VERSION });

  it("rejects the pre-v39 key ports.<name>.tls, as Helm does (\"must NOT have additional properties\")", () => {
    const v = traefik() as { ports: Record<string, Record<string, unknown>> };
    (v.ports.mesh as Record<string, unknown>).tls = { enabled: true };
    expect(validateReleaseValues(chart(), v).problems).toEqual(["traefik-41.3.0: /ports/mesh must NOT have additional properties (tls)"]);
  });

  it("rejects the old layout the library used before this fix, on websecure as on mesh", () => {
    const old = buildTraefikValues({ name: "mesh", port: 8443, containerPort: 9443, exposePublicly: false }, true) as { ports: Record<string, Record<string, unknown>> };
    for (const ep of ["websecure", "mesh"]) {
      const p = old.ports[ep] as Record<string, unknown>;
      delete p.http;
      p.tls = { enabled: true };
    }
    const problems = validateReleaseValues(chart(), old).problems;
    expect(problems).toEqual(expect.arrayContaining(["traefik-41.3.0: /ports/websecure must NOT have additional properties (tls)", "traefik-41.3.0: /ports/mesh must NOT have additional properties (tls)"]));
  });

  it("rejects globalArguments, which chart 41.3.0 no longer has (replaced by global.* in v36.0.0)", () => {
    expect(validateReleaseValues(chart(), { ...traefik(), globalArguments: ["--global.checknewversion"] }).problems).toEqual([
      "traefik-41.3.0: / must NOT have additional properties (globalArguments)",
    ]);
  });

  it("rejects a wrongly typed value", () => {
    const v = traefik() as { ports: { mesh: Record<string, unknown> } };
    v.ports.mesh.exposedPort = "8443";
    expect(validateReleaseValues(chart(), v).problems).toEqual(["traefik-41.3.0: /ports/mesh/exposedPort must be integer"]);
  });

  it("rejects cert-manager's removed installCRDs spelling mistakes (unknown top-level keys)", () => {
    const cm = chartForRelease({ chart: "cert-manager", version: CERT_MANAGER_CHART_VERSION });
    expect(validateReleaseValues(cm, { crds: { enabled: true }, crd: { enabled: true } }).problems.join("\n")).toMatch(/additional properties \(crd\)/);
  });

  it("fails when a release pins a chart version that is not vendored", () => {
    expect(() => chartForRelease({ chart: "traefik", version: "41.5.0" })).toThrow(/no vendored chart for traefik 41.5.0/);
    expect(() => chartForRelease({ chart: "cert-manager", version: "v1.19.4" })).toThrow(/no vendored chart for cert-manager v1.19.4/);
    expect(() => chartForRelease({ chart: "traefik" })).toThrow(/pin its version/);
  });
});

describe("pinned chart versions are the vendored ones", () => {
  it("TRAEFIK_CHART_VERSION has a vendored chart whose Chart.yaml has that version", () => {
    const chart = vendoredChart("traefik", TRAEFIK_CHART_VERSION);
    expect(chart).toBeDefined();
    const meta = parse(fs.readFileSync(path.join(chart?.dir ?? "", "Chart.yaml"), "utf8")) as { name: string; version: string };
    expect(meta).toMatchObject({ name: "traefik", version: TRAEFIK_CHART_VERSION });
  });

  it("CERT_MANAGER_CHART_VERSION has a vendored chart", () => {
    expect(vendoredChart("cert-manager", CERT_MANAGER_CHART_VERSION)).toBeDefined();
  });
});

describe("Helm's coalescing (pkg/chartutil/coalesce.go)", () => {
  const defaults = { a: { b: 1, c: [1, 2], d: { e: "x" } }, f: "keep", g: { h: 1 } };

  it("merges maps key by key, the user's value winning", () => {
    expect(helmCoalesce({ a: { b: 2 } }, defaults)).toEqual({ a: { b: 2, c: [1, 2], d: { e: "x" } }, f: "keep", g: { h: 1 } });
  });

  it("replaces lists whole", () => {
    expect((helmCoalesce({ a: { c: [9] } }, defaults).a as { c: unknown }).c).toEqual([9]);
  });

  it("deletes a key the chart defines when the user sets it to null", () => {
    const out = helmCoalesce({ a: { d: null }, g: null }, defaults);
    expect(out).not.toHaveProperty("g");
    expect(out.a).not.toHaveProperty("d");
  });

  it("keeps a user null for a key the chart does not define", () => {
    expect(helmCoalesce({ z: null }, defaults)).toHaveProperty("z", null);
  });

  it("keeps the user's scalar over a chart map (Helm warns)", () => {
    expect(helmCoalesce({ g: "flat" }, defaults).g).toBe("flat");
  });

  it("changes neither argument", () => {
    const user = { a: { b: 2 } };
    helmCoalesce(user, defaults);
    expect(user).toEqual({ a: { b: 2 } });
    expect(defaults.a.b).toBe(1);
  });
});

// ---------------------------------------------------------------- where each value lands

/** Leaf paths of a values tree (lists are leaves). */
function leafPaths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
}

interface LandingRow {
  readonly value: string;
  readonly template: string;
  readonly evidence: string;
  readonly lands: string;
}

/** The rows of the "Where each Helm value lands" tables in docs/traefik-mtls.md. */
function landingRows(): LandingRow[] {
  const doc = fs.readFileSync(path.join(ROOT, "docs/traefik-mtls.md"), "utf8");
  const start = doc.indexOf("## Where each Helm value lands");
  expect(start, "docs/traefik-mtls.md has a section \"Where each Helm value lands\"").toBeGreaterThan(-1);
  const end = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows: LandingRow[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 6 || !cells[1]?.startsWith("`")) continue;
    const unquote = (c: string | undefined): string => (c ?? "").replace(/^`|`$/g, "");
    rows.push({ value: unquote(cells[1]), template: unquote(cells[2]), evidence: unquote(cells[3]), lands: cells[4] ?? "" });
  }
  return rows;
}

describe("docs/traefik-mtls.md says where each value the library sets lands", () => {
  const traefikPaths = leafPaths(buildTraefikValues({ name: "mesh", port: 8443, containerPort: 9443, exposePublicly: false }, true, "traefik-edge-mesh-mtls@kubernetescrd"));
  const certManagerPaths = leafPaths(certManagerChartValues(undefined, "cert-manager", "cert-manager-resources"));

  it.each([...traefikPaths.map((p) => ["traefik", p]), ...certManagerPaths.map((p) => ["cert-manager", p])])("%s value %s has a row", (_chart, value) => {
    expect(landingRows().map((r) => r.value)).toContain(value);
  });

  it("every row names a template of the vendored chart that contains the quoted template text", () => {
    const rows = landingRows();
    expect(rows.length).toBeGreaterThanOrEqual(traefikPaths.length + certManagerPaths.length);
    for (const r of rows) {
      const chart = r.template.startsWith("cert-manager/") ? vendoredChart("cert-manager", CERT_MANAGER_CHART_VERSION) : vendoredChart("traefik", TRAEFIK_CHART_VERSION);
      const file = path.join(chart?.dir ?? "", "templates", r.template.replace(/^(traefik|cert-manager)\//, ""));
      expect(fs.existsSync(file), `${r.value}: ${file}`).toBe(true);
      expect(fs.readFileSync(file, "utf8"), `${r.value}: template text`).toContain(r.evidence);
      expect(r.lands, `${r.value}: where it lands`).not.toBe("");
    }
  });

  it("the schema check agrees with the guard on the values TraefikInstall builds", () => {
    const chart = chartForRelease({ chart: "traefik", version: TRAEFIK_CHART_VERSION });
    const built = buildTraefikValues({ name: "mesh", port: 8443, containerPort: 9443, exposePublicly: true }, false);
    expect(schemaProblems(chart, helmCoalesce(built, chart.defaults))).toEqual([]);
  });
});
