/**
 * Who talks to whom, and who trusts whom, as a component declares it. Components put a
 * `topology` entry in their registered outputs; `npm run plan` draws it (plan.md, Mermaid).
 * Purely descriptive: nothing is deployed from it.
 */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  /** e.g. "mTLS :8443", "HTTPS (verified)". */
  readonly label?: string;
}

export interface Topology {
  readonly talksTo?: readonly TopologyEdge[];
  readonly trusts?: readonly TopologyEdge[];
}
