import type * as cloudflareInput from "@pulumi/cloudflare/types/input";
import type * as pulumi from "@pulumi/pulumi";
import type { ClientCertificateArgs } from "../internal-ca/types";

/**
 * The CA whose client certificates a protected API accepts. Produced by
 * {@link ApiShieldCa} (a CA you upload — Enterprise) or {@link cloudflareManagedCa}
 * (Cloudflare's managed client-certificate CA — every plan).
 */
export interface MtlsTrustAnchor {
  /** `"uploaded"`: an account mTLS certificate with `ca: true`; `"cloudflare-managed"`: the zone's Cloudflare-managed CA. */
  readonly kind: "uploaded" | "cloudflare-managed";
  /** Id of the uploaded CA (hostname associations point at it); `undefined` for the Cloudflare-managed CA. */
  readonly mtlsCertificateId: pulumi.Output<string> | undefined;
  /**
   * Subject key identifier (upper-case hex) of the CA that signs client certificates, pinned in
   * the rule with `cf.tls_client_auth.cert_issuer_ski`. Resolves to `undefined` only for a
   * Cloudflare-managed CA whose SKI was not given (the rule then trusts any CA on the host).
   */
  readonly issuerSki: pulumi.Output<string | undefined>;
  /** Human-readable name for rule descriptions and error messages. */
  readonly label: string;
  /** Stable slug used in child resource names (`<zone component>-hosts-<anchorName>`). */
  readonly anchorName: string;
}

/** A custom response instead of Cloudflare's block page. */
export interface BlockResponse {
  /** HTTP status, 400–499. @default 403 */
  readonly statusCode?: number;
  /** One of `application/json`, `text/plain`, `text/html`, `text/xml`. @default "application/json" */
  readonly contentType?: "application/json" | "text/plain" | "text/html" | "text/xml";
  /** Response body; must be valid JSON when `contentType` is JSON. @default {@link DEFAULT_BLOCK_CONTENT} */
  readonly content?: string;
}

/** One protected API: hosts and path prefixes that require a client certificate from one CA. */
export interface ApiProtection {
  /** Identifies the rule in the zone: lower-case letters, digits and inner hyphens, unique per zone. */
  readonly name: string;
  /** Fully qualified hostnames inside the zone (no wildcards). At least one. */
  readonly hostnames: readonly string[];
  /**
   * URI paths that require the certificate, as prefixes on segment boundaries: `"/api"` (or
   * `"/api/"`) protects `/api` and everything below `/api/`, not `/apiary`; `"/"` protects the
   * whole host. Each starts with `/` and has no `?`, `#`, `*` or whitespace.
   * @default ["/api/"]
   */
  readonly pathPrefixes?: readonly string[];
  /** The CA that must have issued the client certificate. @default the zone's `trustAnchor` */
  readonly trustAnchor?: MtlsTrustAnchor;
  /** Compare paths case-sensitively. @default false — `/API/x` is protected like `/api/x`, failing closed */
  readonly caseSensitivePaths?: boolean;
  /** Answer blocked requests with this response. @default Cloudflare's block page (HTTP 403) */
  readonly response?: BlockResponse;
}

/** Arguments of {@link ApiShieldMtls}. */
export interface ApiShieldMtlsArgs {
  /** The zone's id. */
  readonly zoneId: pulumi.Input<string>;
  /** The zone's name (e.g. `example.com`); every protected hostname must lie in it. Plain string: it is validated at construction. */
  readonly zoneName: string;
  /** The CA client certificates must come from, unless a protection names its own. */
  readonly trustAnchor: MtlsTrustAnchor;
  /** The protected APIs of this zone. At least one. All of a zone's protections go here: they share one ruleset. */
  readonly protections: readonly ApiProtection[];
  /**
   * Other custom rules of this zone's `http_request_firewall_custom` entrypoint, evaluated *after*
   * the mTLS rules (a zone has one entrypoint ruleset per phase, so they must live in this one).
   * @default none
   */
  readonly additionalRules?: pulumi.Input<pulumi.Input<cloudflareInput.RulesetRule>[]>;
  /** Name of the ruleset. @default `edge-mtls custom rules for <zoneName>` */
  readonly rulesetName?: string;
}

/** Anything that issues client certificates — {@link InternalCA} does. */
export interface ClientCertificateIssuer {
  /** Issues a client certificate as a child component named `name`. */
  issueClientCertificate(name: string, args: ClientCertificateArgs): IssuedClientCertificate;
}

/** The parts of an issued client certificate the upload needs. */
export interface IssuedClientCertificate {
  /** The leaf certificate PEM. */
  readonly certPem: pulumi.Output<string>;
  /** Chain PEM (intermediates, possibly with the leaf); merged leaf-first with `certPem`. */
  readonly chainPem?: pulumi.Output<string>;
  /** The leaf's private key PEM (secret). */
  readonly privateKeyPem: pulumi.Output<string>;
}

/** A client certificate you already have. */
export interface ClientCertificateMaterial {
  /** Leaf certificate PEM, optionally followed by intermediates. */
  readonly certificatePem: pulumi.Input<string>;
  /** The leaf's private key PEM. Wrapped as a secret. */
  readonly privateKeyPem: pulumi.Input<string>;
}
