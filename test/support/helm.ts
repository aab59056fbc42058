/**
 * Helm's own handling of a release's values, for the vendored upstream charts in
 * `../shared/charts` (verbatim; see their README): the chart is picked by name and version,
 * the user's values are coalesced over the chart's `values.yaml` exactly as Helm 3 does,
 * and the result is validated against the chart's `values.schema.json`, as `helm install`
 * (and so the Pulumi Kubernetes provider's `helm.v3.Release`, which embeds Helm) does
 * before rendering anything.
 *
 * Coalescing (helm/helm `pkg/chartutil/coalesce.go`, `coalesceValues` and
 * `coalesceTablesFullKey`): maps merge key by key, the user's value winning; a user `null`
 * deletes a key the chart defines; lists and scalars replace; a user scalar over a chart
 * map (or the reverse) keeps the user's value (Helm prints a warning).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv";
import { parse } from "yaml";

export const CHARTS_DIR = process.env.EDGE_MTLS_CHARTS_DIR ?? path.resolve(__dirname, "../../../shared/charts");

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** `coalesceTablesFullKey(dst = user, src = chart defaults)`, without mutating either argument. */
function coalesceTables(user: Table, defaults: Table): Table {
  const dst: Table = { ...user };
  for (const [key, val] of Object.entries(defaults)) {
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const dv = dst[key];
    if (has && dv === null) delete dst[key];
    else if (!has) dst[key] = clone(val);
    else if (isTable(val) && isTable(dv)) dst[key] = coalesceTables(dv, val);
    // Otherwise the user's value stays (lists and scalars replace; mismatched kinds: Helm warns, user wins).
  }
  return dst;
}

/** The values a chart's templates and schema see: `user` coalesced over `defaults`, as Helm does. */
export function helmCoalesce(user: Table, defaults: Table): Table {
  return coalesceTables(clone(user), defaults);
}

/** One vendored chart. */
export interface VendoredChart {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly defaults: Table;
  readonly schema: Table;
}

/** The folder a chart version is vendored in: `<chart>-<version>` (the version as pinned, e.g. `v1.21.1`). */
export function chartDir(name: string, version: string): string {
  return path.join(CHARTS_DIR, `${name}-${version}`);
}

/** The vendored chart `name` at `version`, or undefined when that version is not vendored. */
export function vendoredChart(name: string, version: string): VendoredChart | undefined {
  const dir = chartDir(name, version);
  if (!fs.existsSync(path.join(dir, "values.schema.json")) || !fs.existsSync(path.join(dir, "values.yaml"))) return undefined;
  return {
    name,
    version,
    dir,
    defaults: (parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")) ?? {}) as Table,
    schema: JSON.parse(fs.readFileSync(path.join(dir, "values.schema.json"), "utf8")) as Table,
  };
}

/** Every vendored chart folder (`<name>-<version>`), for listing in failure messages. */
export function vendoredChartFolders(): string[] {
  return fs.existsSync(CHARTS_DIR) ? fs.readdirSync(CHARTS_DIR).filter((f) => fs.existsSync(path.join(CHARTS_DIR, f, "values.yaml"))).sort() : [];
}

const validators = new Map<string, ValidateFunction>();

function validator(chart: VendoredChart): ValidateFunction {
  const key = `${chart.name}-${chart.version}`;
  let v = validators.get(key);
  if (!v) {
    // Helm picks the JSON Schema dialect from `$schema`; Traefik's is 2020-12, cert-manager's draft-07.
    const dialect = typeof chart.schema.$schema === "string" ? chart.schema.$schema : "";
    const ajv = dialect.includes("2020-12") ? new Ajv2020({ allErrors: true, strict: false }) : new Ajv({ allErrors: true, strict: false });
    v = ajv.compile(chart.schema);
    validators.set(key, v);
  }
  return v;
}

/** Problems `values` (already coalesced) has against the chart's schema, one line each; empty when valid. */
export function schemaProblems(chart: VendoredChart, values: Table): string[] {
  const validate = validator(chart);
  if (validate(values)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : "";
    return `${chart.name}-${chart.version}: ${e.instancePath || "/"} ${e.message ?? ""}${extra}`;
  });
}

/** Coalesces `userValues` over the chart's defaults and validates the result. */
export function validateReleaseValues(chart: VendoredChart, userValues: Table): { values: Table; problems: string[] } {
  const values = helmCoalesce(userValues, chart.defaults);
  return { values, problems: schemaProblems(chart, values) };
}

/**
 * The vendored chart a `kubernetes:helm.sh/v3:Release` installs, by its `chart` and
 * `version` inputs. Throws when that chart version is not vendored: every pinned chart must
 * have its upstream artifacts next to the repository, or nothing checks its values.
 */
export function chartForRelease(inputs: Record<string, unknown>): VendoredChart {
  const name = inputs.chart;
  const version = inputs.version;
  if (typeof name !== "string" || typeof version !== "string" || version === "") {
    throw new Error(`a helm.v3.Release must name its chart and pin its version; got chart ${JSON.stringify(name)} version ${JSON.stringify(version)}`);
  }
  const chart = vendoredChart(name, version);
  if (!chart) {
    throw new Error(`no vendored chart for ${name} ${version}: expected ${chartDir(name, version)} with values.yaml and values.schema.json (vendored: ${vendoredChartFolders().join(", ") || "none"}); vendor it (docs/pins.md) or pin a vendored version`);
  }
  return chart;
}
