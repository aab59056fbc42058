/**
 * Pulumi Cloudflare inputs → the Cloudflare API request the provider sends to create the
 * resource. @pulumi/cloudflare v6 bridges cloudflare/terraform-provider-cloudflare v5, whose
 * resources are generated from Cloudflare's API: each model field carries its Terraform name
 * (`tfsdk:"…"`, which Pulumi camel-cases, pluralising lists) and either the JSON body key it is
 * sent as (`json:"…"`), a URL path parameter (`path:"…"`), or `json:"-"` / `computed` (not
 * sent). The tables below transcribe `internal/services/<resource>/model.go` of the provider at
 * v5.22.0 (commit a2efdc57) for every field the library uses, and the operation from the
 * resource's `Create` (`resource.go`; `shared/cloudflare-api/README.md` lists them). An input
 * the tables do not know is an error, so a new field is mapped deliberately, not guessed.
 *
 * Where the JSON key is not the snake_case of the Terraform name (tunnel `originRequest`,
 * `noTLSVerify`, `matchSNItoHost`, `audTag`; Pulumi's plural `ingresses` for `ingress`), the
 * table says so explicitly: these are exactly the places a naive camel→snake conversion gets wrong.
 */

/** How one Pulumi input reaches the request. */
export type Field =
  | { readonly json: string } // a body key (scalar, or list of scalars)
  | { readonly json: string; readonly object: Fields } // a nested object
  | { readonly json: string; readonly list: Fields } // a list of objects
  | { readonly path: string } // a URL path parameter
  | { readonly notSent: string }; // not part of the request (why)

export type Fields = Readonly<Record<string, Field>>;

export interface RequestMapping {
  /** `internal/services/<dir>` in the Terraform provider. */
  readonly source: string;
  readonly method: "POST" | "PUT" | "PATCH";
  /** OpenAPI path template, `{account_id}` style. */
  readonly path: string;
  readonly operationId: string;
  /** `application/json`, or `multipart/form-data` with the JSON in a `metadata` part (Workers). */
  readonly contentType: "application/json" | "multipart/form-data";
  readonly fields: Fields;
}

const ORIGIN_REQUEST: Fields = {
  access: { json: "access", object: { audTags: { json: "audTag" }, teamName: { json: "teamName" }, required: { json: "required" } } },
  caPool: { json: "caPool" },
  connectTimeout: { json: "connectTimeout" },
  disableChunkedEncoding: { json: "disableChunkedEncoding" },
  http2Origin: { json: "http2Origin" },
  httpHostHeader: { json: "httpHostHeader" },
  keepAliveConnections: { json: "keepAliveConnections" },
  keepAliveTimeout: { json: "keepAliveTimeout" },
  matchSnItoHost: { json: "matchSNItoHost" },
  noHappyEyeballs: { json: "noHappyEyeballs" },
  noTlsVerify: { json: "noTLSVerify" },
  originServerName: { json: "originServerName" },
  proxyType: { json: "proxyType" },
  tcpKeepAlive: { json: "tcpKeepAlive" },
  tlsTimeout: { json: "tlsTimeout" },
};

const RULE: Fields = {
  action: { json: "action" },
  actionParameters: {
    json: "action_parameters",
    object: { response: { json: "response", object: { content: { json: "content" }, contentType: { json: "content_type" }, statusCode: { json: "status_code" } } } },
  },
  description: { json: "description" },
  enabled: { json: "enabled" },
  expression: { json: "expression" },
  ref: { json: "ref" },
  logging: { json: "logging", object: { enabled: { json: "enabled" } } },
};

const RULESET_FIELDS: Fields = {
  accountId: { path: "account_id" },
  zoneId: { path: "zone_id" },
  kind: { json: "kind" },
  name: { json: "name" },
  phase: { json: "phase" },
  description: { json: "description" },
  rules: { json: "rules", list: RULE },
};

/** Request mappings by Pulumi resource type. */
export const REQUEST_MAPPINGS: Readonly<Record<string, RequestMapping>> = {
  "cloudflare:index/mtlsCertificate:MtlsCertificate": {
    source: "mtls_certificate",
    method: "POST",
    path: "/accounts/{account_id}/mtls_certificates",
    operationId: "m-tls-certificate-management-upload-m-tls-certificate",
    contentType: "application/json",
    fields: { accountId: { path: "account_id" }, ca: { json: "ca" }, certificates: { json: "certificates" }, name: { json: "name" }, privateKey: { json: "private_key" } },
  },
  "cloudflare:index/certificateAuthoritiesHostnameAssociations:CertificateAuthoritiesHostnameAssociations": {
    source: "certificate_authorities_hostname_associations",
    method: "PUT",
    path: "/zones/{zone_id}/certificate_authorities/hostname_associations",
    operationId: "client-certificate-for-a-zone-put-hostname-associations",
    contentType: "application/json",
    fields: { zoneId: { path: "zone_id" }, hostnames: { json: "hostnames" }, mtlsCertificateId: { json: "mtls_certificate_id" } },
  },
  "cloudflare:index/ruleset:Ruleset": {
    source: "ruleset",
    method: "POST",
    path: "/zones/{zone_id}/rulesets", // or /accounts/{account_id}/rulesets: see requestFor
    operationId: "createZoneRuleset",
    contentType: "application/json",
    fields: RULESET_FIELDS,
  },
  "cloudflare:index/dnsRecord:DnsRecord": {
    source: "dns_record",
    method: "POST",
    path: "/zones/{zone_id}/dns_records",
    operationId: "dns-records-for-a-zone-create-dns-record",
    contentType: "application/json",
    fields: {
      zoneId: { path: "zone_id" },
      name: { json: "name" },
      type: { json: "type" },
      comment: { json: "comment" },
      content: { json: "content" },
      priority: { json: "priority" },
      proxied: { json: "proxied" },
      ttl: { json: "ttl" },
      tags: { json: "tags" },
    },
  },
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": {
    source: "zero_trust_tunnel_cloudflared",
    method: "POST",
    path: "/accounts/{account_id}/cfd_tunnel",
    operationId: "cloudflare-tunnel-create-a-cloudflare-tunnel",
    contentType: "application/json",
    fields: { accountId: { path: "account_id" }, configSrc: { json: "config_src" }, name: { json: "name" }, tunnelSecret: { json: "tunnel_secret" } },
  },
  "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": {
    source: "zero_trust_tunnel_cloudflared_config",
    method: "PUT",
    path: "/accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations",
    operationId: "cloudflare-tunnel-configuration-put-configuration",
    contentType: "application/json",
    fields: {
      accountId: { path: "account_id" },
      tunnelId: { path: "tunnel_id" },
      config: {
        json: "config",
        object: {
          ingresses: { json: "ingress", list: { hostname: { json: "hostname" }, service: { json: "service" }, path: { json: "path" }, originRequest: { json: "originRequest", object: ORIGIN_REQUEST } } },
          originRequest: { json: "originRequest", object: ORIGIN_REQUEST },
        },
      },
      source: { json: "source" },
    },
  },
  "cloudflare:index/zoneSetting:ZoneSetting": {
    source: "zone_setting",
    method: "PATCH",
    path: "/zones/{zone_id}/settings/{setting_id}",
    operationId: "zone-settings-edit-single-setting",
    contentType: "application/json",
    fields: { zoneId: { path: "zone_id" }, settingId: { path: "setting_id" }, value: { json: "value" }, enabled: { json: "enabled" } },
  },
  "cloudflare:index/workersScript:WorkersScript": {
    source: "workers_script",
    method: "PUT",
    path: "/accounts/{account_id}/workers/scripts/{script_name}",
    operationId: "worker-script-upload-worker-module",
    contentType: "multipart/form-data",
    fields: {
      accountId: { path: "account_id" },
      scriptName: { path: "script_name" },
      content: { notSent: "the module itself: the multipart part named by main_module (MarshalMultipart)" },
      contentType: { notSent: "the module part's content type" },
      mainModule: { json: "main_module" },
      bodyPart: { json: "body_part" },
      compatibilityDate: { json: "compatibility_date" },
      compatibilityFlags: { json: "compatibility_flags" },
      bindings: {
        json: "bindings",
        // Service bindings: `service`, `entrypoint`, `environment` (workers_script/model.go, the same json tags as the provider's other service-binding models).
        list: { name: { json: "name" }, type: { json: "type" }, text: { json: "text" }, certificateId: { json: "certificate_id" }, namespaceId: { json: "namespace_id" }, json: { json: "json" }, service: { json: "service" }, entrypoint: { json: "entrypoint" }, environment: { json: "environment" } },
      },
    },
  },
  "cloudflare:index/workersRoute:WorkersRoute": {
    source: "workers_route",
    method: "POST",
    path: "/zones/{zone_id}/workers/routes",
    operationId: "worker-routes-create-route",
    contentType: "application/json",
    fields: { zoneId: { path: "zone_id" }, pattern: { json: "pattern" }, script: { json: "script" } },
  },
};

/** One API request. For multipart uploads `body` is the `metadata` part and `parts` the other part names. */
export interface CloudflareRequest {
  readonly type: string;
  readonly method: string;
  readonly operationId: string;
  readonly path: string;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly contentType: RequestMapping["contentType"];
  readonly body: Record<string, unknown>;
  readonly parts: readonly string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function mapObject(fields: Fields, inputs: Record<string, unknown>, where: string, pathParams: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (value === undefined || value === null) continue; // apijson omits null fields
    const f = fields[key];
    if (!f) throw new Error(`${where}.${key}: no request mapping for this input; add it from the provider's model.go (test/support/cloudflare-request.ts)`);
    if ("notSent" in f) continue;
    if ("path" in f) {
      if (typeof value !== "string") throw new Error(`${where}.${key}: a path parameter must be a string`);
      pathParams[f.path] = value;
      continue;
    }
    if ("object" in f) {
      if (!isObject(value)) throw new Error(`${where}.${key}: expected an object`);
      body[f.json] = mapObject(f.object, value, `${where}.${key}`, pathParams);
    } else if ("list" in f) {
      if (!Array.isArray(value)) throw new Error(`${where}.${key}: expected a list`);
      body[f.json] = value.map((item, i) => {
        if (!isObject(item)) throw new Error(`${where}.${key}[${i}]: expected an object`);
        return mapObject(f.list, item, `${where}.${key}[${i}]`, pathParams);
      });
    } else {
      body[f.json] = value;
    }
  }
  return body;
}

/** The request that creates a resource of `type` with these (plain, planned) inputs. */
export function requestFor(type: string, inputs: Record<string, unknown>): CloudflareRequest {
  const m = REQUEST_MAPPINGS[type];
  if (!m) throw new Error(`no request mapping for ${type}; add one to test/support/cloudflare-request.ts from the provider's internal/services/<resource>/model.go`);
  const pathParams: Record<string, string> = {};
  const body = mapObject(m.fields, inputs, type.split(":").pop() ?? type, pathParams);
  let { path, operationId } = m;
  // Ruleset: `r.client.Rulesets.New` with either an account or a zone (resource.go); the API has one operation each.
  if (type === "cloudflare:index/ruleset:Ruleset" && pathParams.account_id !== undefined) {
    path = "/accounts/{account_id}/rulesets";
    operationId = "createAccountRuleset";
  }
  const mainPart = typeof inputs.mainModule === "string" ? inputs.mainModule : "script";
  const parts = m.contentType === "multipart/form-data" ? [mainPart, "metadata"] : [];
  return { type, method: m.method, operationId, path, pathParams, contentType: m.contentType, body, parts };
}
