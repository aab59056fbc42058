/**
 * Validates rendered custom resources against the upstream CRD definitions in
 * `../shared/crds` (verbatim cert-manager and Traefik v3 files; see their README).
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

export const CRDS_DIR = process.env.EDGE_MTLS_CRDS_DIR ?? path.resolve(__dirname, "../../../shared/crds");

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
  for (const file of fs.readdirSync(CRDS_DIR).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRDS_DIR, file), "utf8"))) {
      const crd = doc.toJS() as Crd | null;
      if (!crd?.spec?.versions) continue;
      for (const v of crd.spec.versions) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
        cache.set(key, ajv.compile(closeSchema(schema) as Schema));
      }
    }
  }
  return cache;
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
