import { CertificateAuthoritiesHostnameAssociations } from "@pulumi/cloudflare/certificateAuthoritiesHostnameAssociations";
import { Ruleset } from "@pulumi/cloudflare/ruleset";
import type * as cloudflareInput from "@pulumi/cloudflare/types/input";
import * as pulumi from "@pulumi/pulumi";
import type { Topology } from "../common/topology";
import { argChecker, q } from "../common/errors";
import { mtlsRuleExpression } from "./expression";
import { DEFAULT_BLOCK_CONTENT, DEFAULT_PATH_PREFIXES, sameAnchor, validateApiShieldMtlsArgs } from "./validate";
import { claimZonePhase, declareProxiedZone } from "./zone-registry";
import type { ApiProtection, ApiShieldMtlsArgs, MtlsTrustAnchor } from "./types";

/** The phase of WAF custom rules (https://developers.cloudflare.com/waf/custom-rules/create-api/). */
export const CUSTOM_RULES_PHASE = "http_request_firewall_custom";

type RulesetRule = cloudflareInput.RulesetRule;

/** The rule `ref` of a protection: stable across deployments, unique in the zone. */
export function protectionRuleRef(protectionName: string): string {
  return `edge_mtls_${protectionName.replace(/-/g, "_")}`;
}

/**
 * The WAF custom rule for one protection, given the pinned issuer SKI. Pure (the component
 * resolves the SKI first), so tests can assert the exact rule.
 */
export function protectionRule(p: ApiProtection, anchorLabel: string, issuerSki: string | undefined): RulesetRule {
  const expression = mtlsRuleExpression({
    hostnames: p.hostnames,
    pathPrefixes: p.pathPrefixes ?? DEFAULT_PATH_PREFIXES,
    issuerSki,
    caseSensitivePaths: p.caseSensitivePaths ?? false,
  });
  return {
    ref: protectionRuleRef(p.name),
    description: `edge-mtls ${p.name}: client certificate from ${anchorLabel} required`,
    expression,
    action: "block",
    enabled: true,
    ...(p.response
      ? {
          actionParameters: {
            response: {
              statusCode: p.response.statusCode ?? 403,
              contentType: p.response.contentType ?? "application/json",
              content: p.response.content ?? DEFAULT_BLOCK_CONTENT,
            },
          },
        }
      : {}),
  };
}

/**
 * The command that adopts an existing zone entry point ruleset of the custom-rules phase as the
 * `${componentName}-waf` child of the ApiShieldMtls whose URN is `componentUrn`. The import id
 * format is the provider's: `zones/<zone_id>/<ruleset_id>` (node_modules/@pulumi/cloudflare/ruleset.d.ts).
 */
export function rulesetImportCommand(componentName: string, zoneId: string, componentUrn: string, rulesetId = "<RULESET_ID>"): string {
  return `pulumi import cloudflare:index/ruleset:Ruleset ${componentName}-waf zones/${zoneId}/${rulesetId} --parent '${componentName}=${componentUrn}' --generate-code=false`;
}

/** Protections grouped by trust anchor: one hostname association per (zone, CA). */
export function groupHostnamesByAnchor(args: ApiShieldMtlsArgs): { anchor: MtlsTrustAnchor; hostnames: string[] }[] {
  const groups: { anchor: MtlsTrustAnchor; hostnames: Set<string> }[] = [];
  for (const p of args.protections) {
    const anchor = p.trustAnchor ?? args.trustAnchor;
    let group = groups.find((g) => sameAnchor(g.anchor, anchor));
    if (!group) {
      group = { anchor, hostnames: new Set() };
      groups.push(group);
    }
    for (const h of p.hostnames) group.hostnames.add(h);
  }
  return groups.map((g) => ({ anchor: g.anchor, hostnames: [...g.hostnames].sort() }));
}

/**
 * API Shield mTLS for one zone: every listed API refuses requests without a client certificate
 * that Cloudflare verified, that is not revoked, and that *our* CA issued.
 *
 * Creates, all `{ parent: this }`:
 * - `${name}-waf` — the zone's single `http_request_firewall_custom` entrypoint `Ruleset`, one
 *   blocking rule per protection (then `additionalRules`);
 * - `${name}-hosts-${anchor.anchorName}` — one `CertificateAuthoritiesHostnameAssociations` per
 *   trust anchor with the union of its hostnames, created after the ruleset so that a host never
 *   asks for client certificates without a rule enforcing them.
 *
 * One instance per zone per program (enforced): Cloudflare has one entrypoint ruleset per zone and
 * phase, and an association replaces its (zone, CA) hostname list — list every protected API of a
 * zone in `protections`.
 */
export class ApiShieldMtls extends pulumi.ComponentResource {
  /** Id of the zone's custom-rules entrypoint ruleset. */
  readonly rulesetId: pulumi.Output<string>;
  /** Rule expression of each protection, by protection name. */
  readonly expressions: pulumi.Output<Record<string, string>>;
  /**
   * The `pulumi import` command that adopts the zone's existing custom-rules entry point ruleset
   * (created in the dashboard) as this component's `${name}-waf` child; replace `<RULESET_ID>`.
   * See docs/api-shield.md#adopting-an-existing-custom-rules-entry-point.
   */
  readonly rulesetImportCommand: pulumi.Output<string>;
  /** Hostnames associated with each trust anchor, by `anchorName`. */
  readonly associatedHostnames: Record<string, readonly string[]>;

  constructor(name: string, args: ApiShieldMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateApiShieldMtlsArgs(name, args);
    const c = argChecker("ApiShieldMtls", name);
    const owner = `ApiShieldMtls ${q(name)}`;
    const claim = (zoneId: string): void => {
      const previous = claimZonePhase(zoneId, CUSTOM_RULES_PHASE, owner);
      if (previous !== undefined) {
        c.fail(
          "zoneId",
          `(${q(zoneId)}) is already managed by ${previous}: a zone has one ${CUSTOM_RULES_PHASE} entry point ruleset, so list all of its protected APIs in that component's protections`,
        );
      }
    };
    // Keyed on the zone id: a plain string is checked now, an Output when it resolves.
    if (typeof args.zoneId === "string") claim(args.zoneId);
    // API Shield only sees proxied traffic: the zone is proxied, and Workers cannot present client certificates to it.
    declareProxiedZone(args.zoneName, owner, args.protections.flatMap((p) => p.hostnames));
    super("edge-mtls:api-shield:ApiShieldMtls", name, {}, opts);
    const zoneId = pulumi.output(args.zoneId).apply((id) => {
      claim(id);
      return id;
    });

    const rules = args.protections.map((p) => {
      const anchor = p.trustAnchor ?? args.trustAnchor;
      return anchor.issuerSki.apply((ski) => {
        if (ski === undefined) {
          void pulumi.log.warn(
            `ApiShieldMtls ${q(name)}: protection ${q(p.name)} trusts ${anchor.label} without its SKI, so any CA associated with ${p.hostnames.join(", ")} is accepted; pass cloudflareManagedCa({ issuerSki })`,
            this,
          );
        }
        return protectionRule(p, anchor.label, ski);
      });
    });
    const allRules = pulumi
      .all([pulumi.all(rules), pulumi.output(args.additionalRules ?? [])])
      .apply(([own, extra]) => [...own, ...(extra as RulesetRule[])]);

    const ruleset = new Ruleset(
      `${name}-waf`,
      {
        zoneId,
        kind: "zone",
        phase: CUSTOM_RULES_PHASE,
        name: args.rulesetName ?? `edge-mtls custom rules for ${args.zoneName}`,
        description: "Managed by edge-mtls ApiShieldMtls: mTLS enforcement rules first, then additional rules.",
        rules: allRules,
      },
      { parent: this },
    );
    this.rulesetId = ruleset.id;
    this.rulesetImportCommand = pulumi
      .all([zoneId, this.urn])
      .apply(([id, urn]) => rulesetImportCommand(name, id, urn));
    this.expressions = pulumi
      .all(rules)
      .apply((rs) => Object.fromEntries(rs.map((r, i) => [args.protections[i]?.name ?? String(i), r.expression])));

    this.associatedHostnames = {};
    for (const group of groupHostnamesByAnchor(args)) {
      new CertificateAuthoritiesHostnameAssociations(
        `${name}-hosts-${group.anchor.anchorName}`,
        {
          zoneId: args.zoneId,
          hostnames: group.hostnames,
          // Omitted for the Cloudflare-managed CA (the API's meaning of "no mtls_certificate_id").
          ...(group.anchor.mtlsCertificateId ? { mtlsCertificateId: group.anchor.mtlsCertificateId } : {}),
        },
        // After the ruleset: a host that requests client certificates is always enforced.
        { parent: this, dependsOn: [ruleset] },
      );
      this.associatedHostnames[group.anchor.anchorName] = group.hostnames;
    }

    const topology: Topology = {
      talksTo: args.protections.flatMap((p) => p.hostnames.map((h) => ({ from: "mTLS API clients", to: h, label: `${(p.pathPrefixes ?? DEFAULT_PATH_PREFIXES).join(" ")} — client cert required` }))),
      trusts: args.protections.flatMap((p) => p.hostnames.map((h) => ({ from: h, to: (p.trustAnchor ?? args.trustAnchor).label, label: "issuer SKI pinned" }))),
    };
    this.registerOutputs({ topology, rulesetId: this.rulesetId, rulesetImportCommand: this.rulesetImportCommand, expressions: this.expressions, associatedHostnames: this.associatedHostnames });
  }
}
