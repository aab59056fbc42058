/**
 * Validates rendered custom resources against the upstream CRD definitions of the versions
 * the library installs:
 * - cert-manager (`cert-manager.io`): the CRDs of the pinned chart itself,
 *   `../shared/charts/cert-manager-<CERT_MANAGER_CHART_VERSION>/templates/crd-*.yaml` (the chart
 *   installs them with `crds.enabled: true`). `../shared/crds` holds cert-manager's *master*
 *   CRDs (v1.21.0-beta.0-212), which accept fields v1.21.1 does not have (e.g.
 *   `acme.renewalInformationSource`, `dns01.nameservers`), so they are not used for this group.
 * - Traefik (`traefik.io`): `../shared/crds` (verbatim from traefik/traefik at v3.7.9-28, the
 *   v3.7 line the pinned chart 41.3.0 runs, appVersion v3.7.11; the chart's own `crds/` folder
 *   is not vendored). See docs/pins.md.
 *
 * CRD schemas leave `additionalProperties` unset, and the API server *prunes* unknown
 * fields silently (or rejects them under strict field validation, `kubectl --validate=strict`).
 * A misspelled field would therefore pass a plain JSON-Schema check and vanish at apply
 * time. To catch it, every object schema that declares `properties` and neither
 * `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` is made closed.
 * Kubernetes extensions (`x-kubernetes-int-or-string`) are mapped to JSON Schema.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

import { CERT_MANAGER_CHART_VERSION } from "../../components/cert-manager/types";
import { chartDir } from "./helm";

export const CRDS_DIR = process.env.EDGE_MTLS_CRDS_DIR ?? path.resolve(__dirname, "../../../shared/crds");
/** The pinned cert-manager chart's CRD templates. */
export const CERT_MANAGER_CRDS_DIR = path.join(chartDir("cert-manager", CERT_MANAGER_CHART_VERSION), "templates");
/** API groups whose CRDs come from the pinned chart rather than `CRDS_DIR`. */
const FROM_CHART = new Set(["cert-manager.io", "acme.cert-manager.io"]);

type Schema = Record<string, unknown>;

function closeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeSchema);
  if (node === null || typeof node !== "object") return node;
  const src = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith("x-kubernetes-")) continue;
    out[k] = closeSchema(v);
  }
  if (src["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  const preserve = src["x-kubernetes-preserve-unknown-fields"] === true;
  if (src.properties && src.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

interface CrdVersion {
  name: string;
  schema?: { openAPIV3Schema?: Schema };
}
interface Crd {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

let cache: Map<string, ValidateFunction> | undefined;
const sources = new Map<string, string>();

/**
 * The CRD documents of one file. Chart templates wrap a plain CRD in lines of Helm actions
 * (`{{- if .Values.crds.enabled }}`, labels from `include`); dropping those lines leaves the
 * CRD itself (its schema has no template actions).
 */
function crdDocs(file: string): Crd[] {
  let text = fs.readFileSync(file, "utf8");
  if (text.includes("{{")) text = text.split("\n").filter((l) => !l.includes("{{")).join("\n");
  return parseAllDocuments(text).map((d) => d.toJS() as Crd | null).filter((c): c is Crd => c !== null && typeof c === "object");
}

function crdFiles(): string[] {
  const shared = fs.readdirSync(CRDS_DIR).filter((f) => f.endsWith(".yaml")).map((f) => path.join(CRDS_DIR, f));
  if (!fs.existsSync(CERT_MANAGER_CRDS_DIR)) throw new Error(`cert-manager chart ${CERT_MANAGER_CHART_VERSION} is not vendored: ${CERT_MANAGER_CRDS_DIR} is missing`);
  const chart = fs.readdirSync(CERT_MANAGER_CRDS_DIR).filter((f) => /^crd-.*\.yaml$/.test(f)).map((f) => path.join(CERT_MANAGER_CRDS_DIR, f));
  return [...chart, ...shared];
}

function load(): Map<string, ValidateFunction> {
  if (cache) return cache;
  if (!fs.existsSync(CRDS_DIR)) {
    throw new Error(`CRD directory not found: ${CRDS_DIR} (set EDGE_MTLS_CRDS_DIR)`);
  }
  // The CRDs use OpenAPI formats (date-time, int32, int64, byte): ajv-formats implements them,
  // so they are validated rather than ignored with an "unknown format" notice each. Strict
  // mode is on except strictTypes: a Kubernetes quantity (`x-kubernetes-int-or-string` with
  // a string `pattern`) becomes `anyOf: [integer, string]` above, leaving `pattern` without
  // a `type`, which JSON Schema allows (it applies to strings only).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, validateFormats: true });
  addFormats(ajv);
  cache = new Map();
  for (const file of crdFiles()) {
    const fromChart = file.startsWith(CERT_MANAGER_CRDS_DIR);
    for (const crd of crdDocs(file)) {
      if (!crd.spec?.versions) continue;
      // Each group comes from exactly one source: cert-manager's from the pinned chart.
      if (FROM_CHART.has(crd.spec.group) !== fromChart) continue;
      for (const v of crd.spec.versions) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
        cache.set(key, ajv.compile(closeSchema(schema) as Schema));
        sources.set(key, file);
      }
    }
  }
  return cache;
}

/** The file the schema of `group/version/Kind` was read from. */
export function crdSource(key: string): string | undefined {
  load();
  return sources.get(key);
}

/** The kinds (`group/version/Kind`) for which an upstream schema is available. */
export function knownKinds(): string[] {
  return [...load().keys()].sort();
}

/**
 * Validates one custom resource object (`apiVersion`, `kind`, `metadata`, `spec`).
 * Returns a list of problems, empty when valid. Throws when no schema is known for the kind.
 */
export function validateCustomResource(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const validate = load().get(key);
  if (!validate) throw new Error(`no upstream CRD schema for ${key}; known: ${knownKinds().join(", ")}`);
  // metadata is ObjectMeta, validated by the API server; the CRD schema only requires an object.
  const candidate = { ...obj, metadata: typeof obj.metadata === "object" && obj.metadata !== null ? {} : obj.metadata };
  if (validate(candidate)) return [];
  return (validate.errors ?? []).map((e) => `${key}${e.instancePath} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
}
