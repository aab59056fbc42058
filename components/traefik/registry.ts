/**
 * Which TLS options each host uses on one Traefik install.
 *
 * Traefik resolves TLS options per host (SNI). When routers for the same host name
 * *different* TLSOptions, it logs a warning and silently uses the `default` TLS options
 * for all of them (traefik PR #5056; pkg/server/router/tcp/manager.go: "Found different
 * TLS options for routers on the same host …, so using the default TLS options instead").
 * For an mTLS route that means no client-certificate check at all. Options are compared
 * by *name* (`namespace/name`), so two identical specs under two names still conflict.
 *
 * The registry makes that conflict a construction error instead.
 */

/** One host's claim. */
export interface HostClaim {
  /** The TLSOption reference as Traefik compares it: `namespace/name`. */
  readonly tlsOption: string;
  /** Who claimed it, for the error message, e.g. `MtlsService "orders"`. */
  readonly owner: string;
}

/** A conflict found by {@link TlsOptionRegistry.conflicts}. */
export interface HostConflict {
  /** The host name claimed twice. */
  readonly host: string;
  /** The claim registered first. */
  readonly existing: HostClaim;
  /** The claim that conflicts with it. */
  readonly requested: HostClaim;
}

/** Host → TLSOption registry. Hosts are compared case-insensitively, as Traefik does. */
export class TlsOptionRegistry {
  private readonly claims = new Map<string, HostClaim>();

  /** The conflicts that claiming `hosts` with `claim` would cause (empty when none). */
  conflicts(hosts: readonly string[], claim: HostClaim): HostConflict[] {
    const out: HostConflict[] = [];
    for (const raw of hosts) {
      const host = raw.toLowerCase();
      const existing = this.claims.get(host);
      if (existing && existing.tlsOption !== claim.tlsOption) out.push({ host, existing, requested: claim });
    }
    return out;
  }

  /**
   * Records `hosts` as served with `claim.tlsOption`. All-or-nothing: throws (and records
   * nothing) when any host already uses a different TLSOption.
   */
  claim(hosts: readonly string[], claim: HostClaim): void {
    const conflicts = this.conflicts(hosts, claim);
    const first = conflicts[0];
    if (first) {
      throw new Error(
        `host ${JSON.stringify(first.host)} is already served by ${first.existing.owner} with TLSOption ${first.existing.tlsOption}; ` +
          `${claim.owner} would give it TLSOption ${claim.tlsOption}, and Traefik then falls back to the default TLS options ` +
          `(no client-certificate check) for both (traefik PR #5056). Use one MtlsService per host.`,
      );
    }
    for (const host of hosts) this.claims.set(host.toLowerCase(), claim);
  }

  /** The claim on `host`, if any. */
  get(host: string): HostClaim | undefined {
    return this.claims.get(host.toLowerCase());
  }

  /** All claims, host → claim. */
  entries(): ReadonlyMap<string, HostClaim> {
    return this.claims;
  }
}
