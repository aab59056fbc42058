/**
 * Validates Cloudflare API requests (test/support/cloudflare-request.ts) against Cloudflare's own
 * OpenAPI document: the verbatim subset in `../shared/cloudflare-api/openapi-subset.json`
 * (api-schemas commit cca3064f, 2024-08-06; see its README).
 *
 * Two checks per request:
 * 1. JSON Schema validation (ajv) of the body and of each path parameter against the
 *    operation's request schema, as the API validates it;
 * 2. no undeclared keys: Cloudflare's schemas leave `additionalProperties` open, so a
 *    misspelled key (`noTlsVerify` for `noTLSVerify`) would pass (1) and be ignored by the
 *    API. Every key the request sends must be declared by the schema at its place.
 *
 * Where the August-2024 document is older than the provider (and the live API), a
 * {@link SchemaCorrection} patches a copy of it. Each correction says what it changes, why the
 * library is right, and cites its source; docs/cloudflare-api.md lists them, and
 * test/upstream/cloudflare-api.test.ts proves each one is still needed.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import type { CloudflareRequest } from "./cloudflare-request";

export const CLOUDFLARE_API_DIR = process.env.EDGE_MTLS_CLOUDFLARE_API_DIR ?? path.resolve(__dirname, "../../../shared/cloudflare-api");

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Json>>;
  readonly components: { schemas: Record<string, Json>; requestBodies?: Record<string, Json>; [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A documented place where the 2024 schema is older than the provider and the live API. */
export interface SchemaCorrection {
  readonly id: string;
  /**
   * `loosen`: the 2024 schema rejects what the provider sends and the API accepts today.
   * `tighten`: the 2024 schema checks nothing (or the wrong key) where the API has a shape;
   * the correction checks that shape instead.
   */
  readonly kind: "loosen" | "tighten";
  /** What is changed in the copy of the document. */
  readonly change: string;
  /** Why the library's request is right. */
  readonly why: string;
  /** Sources. */
  readonly citations: readonly string[];
  apply(doc: OpenApiDocument): void;
}

function schemaOf(doc: OpenApiDocument, name: string): Json {
  const s = doc.components.schemas[name];
  if (!s) throw new Error(`the OpenAPI subset has no component ${name}`);
  return s;
}

export const CORRECTIONS: readonly SchemaCorrection[] = [
  {
    id: "tunnel-catch-all-ingress",
    kind: "loosen",
    change: "`tunnel_ingressRule`: `hostname` is no longer required",
    why:
      "cloudflared requires the last ingress rule to be a catch-all without a hostname (e.g. `service: http_status:404`); " +
      "the provider's model has `hostname` optional (zero_trust_tunnel_cloudflared_config/model.go: `json:\"hostname,optional\"`), " +
      "and Cloudflare's docs require a concluding catch-all rule (\"Configuration files that contain ingress rules must always include a catch-all rule that concludes the file\"). The 2024 schema requires `hostname` on every rule, which would forbid it.",
    citations: [
      "https://developers.cloudflare.com/cloudflare-one/connections/connect-apps/configuration/ingress",
      "cloudflare/terraform-provider-cloudflare v5.22.0 internal/services/zero_trust_tunnel_cloudflared_config/model.go",
      "shared/cloudflare-api/README.md (\"catch-all tunnel ingress rules without a hostname\")",
    ],
    apply(doc) {
      const rule = schemaOf(doc, "tunnel_ingressRule");
      rule.required = (rule.required as string[]).filter((r) => r !== "hostname");
    },
  },
  {
    id: "tunnel-config-source",
    kind: "loosen",
    change: "`cloudflare-tunnel-configuration-put-configuration` body: declares `source` (`\"cloudflare\"` or `\"local\"`)",
    why:
      "The provider sends the configuration's `source` with the body (zero_trust_tunnel_cloudflared_config/model.go: `Source … json:\"source,computed_optional\"`); " +
      "the provider is generated from Cloudflare's current API, so the API added it to the request after August 2024. TunnelOrigin sets `source: \"cloudflare\"`, " +
      "the value that makes the configuration remotely managed, as `configSrc: \"cloudflare\"` on the tunnel does.",
    citations: [
      "cloudflare/terraform-provider-cloudflare v5.22.0 internal/services/zero_trust_tunnel_cloudflared_config/model.go",
    ],
    apply(doc) {
      const op = doc.paths["/accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations"]?.put as Json;
      const schema = (((op.requestBody as Json).content as Json)["application/json"] as Json).schema as Json;
      (schema.properties as Json).source = { enum: ["cloudflare", "local"], type: "string" };
    },
  },
  {
    id: "dns-record-create-without-id",
    kind: "loosen",
    change: "`dns-records_dns-record` (the create body): `id` is no longer required",
    why:
      "The 2024 document reuses the DNS record *response* object as the create body and requires its `id` (which is not marked readOnly, unlike the other " +
      "response-only fields). Cloudflare assigns the id; the provider never sends it (dns_record/model.go: `ID … json:\"id,computed\"`), and Cloudflare's " +
      "current API reference for \"Create DNS Record\" takes the record without its `id` (returned, not sent).",
    citations: [
      "https://developers.cloudflare.com/api/go/resources/dns/subresources/records/methods/create",
      "cloudflare/terraform-provider-cloudflare v5.22.0 internal/services/dns_record/model.go",
    ],
    apply(doc) {
      const record = schemaOf(doc, "dns-records_dns-record");
      record.required = (record.required as string[]).filter((r) => r !== "id");
    },
  },
  {
    id: "zone-setting-body-without-id",
    kind: "loosen",
    change: "`zone-settings-edit-single-setting` body: the setting (matched by the `{setting_id}` path parameter) without a required `id`",
    why:
      "The 2024 document reuses the settings *response* object (`zones_setting`: a oneOf of every setting, each requiring `id` and `value`) as the PATCH body. " +
      "The setting is named by the `{setting_id}` path parameter; the provider sends `{\"value\": …}` only (zone_setting/model.go: `ID … json:\"-,computed\"`, `SettingID … path:\"setting_id\"`), " +
      "and Cloudflare's current API reference documents the body as `{ value }` or `{ enabled }`.",
    citations: [
      "https://developers.cloudflare.com/api/resources/zones/subresources/settings/methods/edit",
      "cloudflare/terraform-provider-cloudflare v5.22.0 internal/services/zone_setting/model.go",
    ],
    apply(doc) {
      const base = schemaOf(doc, "zones_base");
      base.required = (base.required as string[]).filter((r) => r !== "id");
    },
  },
  {
    id: "workers-mtls-binding",
    kind: "tighten",
    change: "Worker `metadata.bindings` items: an `mtls_certificate` binding must match `workers_mtls_cert_binding`, whose `required` names `certificate_id`",
    why:
      "The 2024 document types binding items as a bare `object` (so nothing is checked) and its `workers_mtls_cert_binding` component declares `certificate_id` " +
      "but requires `certificate`, a key that does not exist. The provider sends `certificate_id` (workers_script/model.go: `CertificateID … json:\"certificate_id,optional\"`), " +
      "as Cloudflare's Workers docs for mTLS bindings do. With the correction, mTLS bindings are checked against the component instead of not at all.",
    citations: [
      "https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/",
      "cloudflare/terraform-provider-cloudflare v5.22.0 internal/services/workers_script/model.go",
      "shared/cloudflare-api/README.md (the two components only the corrections reference)",
    ],
    apply(doc) {
      const binding = schemaOf(doc, "workers_mtls_cert_binding");
      binding.required = ["name", "type", "certificate_id"];
      const upload = doc.components.requestBodies?.workers_script_upload as Json;
      const multipart = ((upload.content as Json)["multipart/form-data"] as Json).schema as { oneOf: Json[] };
      for (const branch of multipart.oneOf) {
        const metadata = (branch.properties as Json | undefined)?.metadata as Json | undefined;
        const bindings = (metadata?.properties as Json | undefined)?.bindings as Json | undefined;
        if (!bindings) continue;
        bindings.items = {
          type: "object",
          if: { properties: { type: { const: "mtls_certificate" } }, required: ["type"] },
          then: { $ref: "#/components/schemas/workers_mtls_cert_binding" },
        };
      }
    },
  },
];

export function loadOpenApi(): OpenApiDocument {
  const file = path.join(CLOUDFLARE_API_DIR, "openapi-subset.json");
  if (!fs.existsSync(file)) throw new Error(`Cloudflare OpenAPI subset not found: ${file} (set EDGE_MTLS_CLOUDFLARE_API_DIR)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as OpenApiDocument;
}

function isReadOnly(doc: OpenApiDocument, schema: Json): boolean {
  const r = resolve(doc, schema);
  if (r.readOnly === true) return true;
  return ((r.allOf as Json[] | undefined) ?? []).some((b) => resolve(doc, b).readOnly === true);
}

/**
 * OpenAPI 3.0 request semantics (Schema Object, `readOnly`): "If the property is marked as
 * readOnly being true and is in the required list, the required will take effect on the
 * response only." Cloudflare's schemas are shared by requests and responses (a DNS record
 * requires its `id`, a ruleset its `version`), so for requests those names leave `required`.
 */
function applyRequestSemantics(doc: OpenApiDocument): void {
  // The property schemas a node declares, itself and through allOf/anyOf/oneOf (where Cloudflare's
  // `required` lists usually sit above the branches that declare the properties).
  const declared = (node: Json, name: string, depth = 0): Json[] => {
    if (depth > 12) return [];
    const r = resolve(doc, node);
    const own = (r.properties as Record<string, Json> | undefined)?.[name];
    const nested = (["allOf", "anyOf", "oneOf"] as const).flatMap((k) => ((r[k] as Json[] | undefined) ?? []).flatMap((b) => declared(b, name, depth + 1)));
    return own ? [own, ...nested] : nested;
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    const n = node as Json;
    if (Array.isArray(n.required)) {
      n.required = (n.required as string[]).filter((name) => {
        const props = declared(n, name);
        return !(props.length > 0 && props.every((p) => isReadOnly(doc, p)));
      });
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(doc.components);
  walk(doc.paths);
}

/** A copy of the document, in its request view, with `corrections` applied. */
export function correctedDocument(corrections: readonly SchemaCorrection[] = CORRECTIONS): OpenApiDocument {
  const doc = loadOpenApi();
  applyRequestSemantics(doc);
  for (const c of corrections) c.apply(doc);
  return doc;
}

/** Every `$ref: "#/…"` rewritten to point into the document registered as `cf`. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `cf${v}` : rebase(v);
  return out;
}

function resolve(doc: OpenApiDocument, node: Json): Json {
  let n = node;
  for (let i = 0; i < 20 && typeof n.$ref === "string"; i++) {
    const ref = n.$ref.replace(/^cf/, "");
    let target: unknown = doc;
    for (const part of ref.replace(/^#\//, "").split("/")) target = (target as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (!target) throw new Error(`unresolved $ref ${String(n.$ref)}`);
    n = target as Json;
  }
  return n;
}

/** The operation's request parts: body schema (JSON or the multipart `metadata` part) and path parameter schemas. */
function operation(doc: OpenApiDocument, req: CloudflareRequest): { body: Json; params: Record<string, Json> } {
  const item = doc.paths[req.path];
  const op = item?.[req.method.toLowerCase()];
  if (!op || op.operationId !== req.operationId) throw new Error(`the OpenAPI subset has no ${req.method} ${req.path} (${req.operationId})`);
  const params: Record<string, Json> = {};
  for (const p of [...((item?.parameters as unknown as Json[] | undefined) ?? []), ...((op.parameters as Json[] | undefined) ?? [])]) {
    const param = resolve(doc, p);
    if (param.in === "path") params[String(param.name)] = param.schema as Json;
  }
  const requestBody = resolve(doc, op.requestBody as Json);
  const content = requestBody.content as Record<string, { schema: Json }>;
  const media = content[req.contentType];
  if (!media) throw new Error(`${req.operationId} takes no ${req.contentType} body`);
  let body = media.schema;
  if (req.contentType === "multipart/form-data") {
    // The JSON of a Worker upload is the `metadata` part (workers_script/model.go MarshalMultipart).
    const branches = (resolve(doc, body).oneOf as Json[] | undefined) ?? [body];
    const metadata = branches.map((b) => (resolve(doc, b).properties as Json | undefined)?.metadata as Json | undefined).find((m) => m !== undefined);
    if (!metadata) throw new Error(`${req.operationId}: no metadata part in the multipart schema`);
    body = metadata;
  }
  // A zone setting's PATCH body is that one setting: the document's oneOf of every setting,
  // narrowed by the setting id in the path (each branch pins `id` with an enum).
  const settingId = req.pathParams.setting_id;
  if (settingId !== undefined) {
    const branches = (resolve(doc, body).oneOf as Json[] | undefined) ?? [];
    const idEnum = (b: Json): unknown[] => {
      const r = resolve(doc, b);
      const parts = [r, ...((r.allOf as Json[] | undefined) ?? []).map((x) => resolve(doc, x))];
      return parts.flatMap((x) => ((((x.properties as Json | undefined)?.id as Json | undefined)?.enum as unknown[] | undefined) ?? []));
    };
    const branch = branches.find((b) => idEnum(b).includes(settingId));
    if (!branch) throw new Error(`${req.operationId}: the OpenAPI subset has no zone setting ${JSON.stringify(settingId)}`);
    body = branch;
  }
  return { body, params };
}

/** Every key of `value` the schema does not declare at its place (schemas are open, so ajv alone would not see them). */
export function undeclaredKeys(doc: OpenApiDocument, schema: Json, value: unknown, at = ""): string[] {
  const branches: Json[] = [];
  const collect = (s: Json): void => {
    const r = resolve(doc, s);
    branches.push(r);
    for (const k of ["allOf", "anyOf", "oneOf"] as const) for (const b of (r[k] as Json[] | undefined) ?? []) collect(b);
    // `if: {properties: {k: {const: v}}}` / `then`: the branch applies when value[k] === v (the only form the corrections use).
    if (r.if && r.then && value !== null && typeof value === "object") {
      const conds = Object.entries(((r.if as Json).properties as Record<string, Json> | undefined) ?? {});
      if (conds.every(([k, c]) => (value as Json)[k] === c.const)) collect(r.then as Json);
    }
  };
  collect(schema);
  if (Array.isArray(value)) {
    const items = branches.map((b) => b.items as Json | undefined).filter((x): x is Json => x !== undefined);
    return items.length ? value.flatMap((v, i) => undeclaredKeys(doc, { anyOf: items }, v, `${at}[${i}]`)) : [];
  }
  if (value === null || typeof value !== "object") return [];
  const props = new Map<string, Json[]>();
  let open = false;
  for (const b of branches) {
    for (const [k, v] of Object.entries((b.properties as Json | undefined) ?? {})) props.set(k, [...(props.get(k) ?? []), v as Json]);
    if (b.additionalProperties !== undefined && b.additionalProperties !== false) open = true;
  }
  if (props.size === 0) return []; // a free-form object
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const declared = props.get(k);
    if (!declared) {
      if (!open) out.push(`${at}/${k}`);
      continue;
    }
    out.push(...undeclaredKeys(doc, { anyOf: declared }, v, `${at}/${k}`));
  }
  return out;
}

const validators = new Map<string, { doc: OpenApiDocument; ajv: Ajv }>();

function ajvFor(corrections: readonly SchemaCorrection[]): { doc: OpenApiDocument; ajv: Ajv } {
  const key = corrections.map((c) => c.id).join(",");
  let v = validators.get(key);
  if (!v) {
    const doc = correctedDocument(corrections);
    const ajv = new Ajv({ allErrors: true, strict: false });
    // OpenAPI formats the subset uses (ajv-formats is not a dependency; these are the checks it would make).
    ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
    ajv.addFormat("ipv4", (s: string) => net.isIPv4(s));
    ajv.addFormat("ipv6", (s: string) => net.isIPv6(s));
    ajv.addFormat("hostname", /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/i);
    ajv.addFormat("binary", () => true);
    ajv.addSchema({ $id: "cf", components: rebase(doc.components) as Json });
    v = { doc, ajv };
    validators.set(key, v);
  }
  return v;
}

const compiled = new Map<string, ValidateFunction>();

function check(ajv: Ajv, cacheKey: string, schema: Json, value: unknown, label: string): string[] {
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = ajv.compile(rebase(schema) as Json);
    compiled.set(cacheKey, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${label}${e.instancePath} ${e.message ?? ""}${e.params && "missingProperty" in e.params ? "" : ""}`.trim());
}

/**
 * Problems of one request against the (corrected) document: schema errors of the body and the
 * path parameters, and keys the schema does not declare. Empty when the request is valid.
 */
export function requestProblems(req: CloudflareRequest, corrections: readonly SchemaCorrection[] = CORRECTIONS): string[] {
  const { doc, ajv } = ajvFor(corrections);
  const op = operation(doc, req);
  const key = corrections.map((c) => c.id).join(",");
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(op.params)) {
    const value = req.pathParams[name];
    if (value === undefined) problems.push(`path parameter ${name} is missing`);
    else problems.push(...check(ajv, `${key}|${req.operationId}|param:${name}`, schema, value, `path parameter ${name}`));
  }
  problems.push(...check(ajv, `${key}|${req.operationId}|body`, op.body, req.body, "body"));
  problems.push(...undeclaredKeys(doc, op.body, req.body).map((p) => `body${p} is not declared by the schema`));
  return problems;
}
