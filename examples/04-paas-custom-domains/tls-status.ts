/**
 * Seed 003's `tls_status` with parseCertStatus, on Certificate statuses as cert-manager reports
 * them. The one seed 003 got wrong is `firstIssuance`: Ready=False *with* Issuing=True is an order
 * in flight — pending — not a failure.
 */
import { parseCertStatus, type CertificateStatusInput, type TlsStatus } from "edge-mtls";

/** Sample `Certificate.status` values, one per situation an operator sees. */
export const SAMPLE_STATUSES: Readonly<Record<string, CertificateStatusInput>> = {
  /** Just created; cert-manager has not reconciled it yet. */
  notObserved: undefined,
  /** First issuance, ACME order in flight (seed 003 showed "failed" here). */
  firstIssuance: {
    conditions: [
      { type: "Ready", status: "False", reason: "DoesNotExist", message: "Issuing certificate as Secret does not exist" },
      { type: "Issuing", status: "True", reason: "DoesNotExist", message: "Issuing certificate as Secret does not exist" },
    ],
  },
  /** Issued and current. */
  issued: {
    conditions: [{ type: "Ready", status: "True", reason: "Ready", message: "Certificate is up to date and has not expired" }],
    notAfter: "2027-03-01T00:00:00Z",
    renewalTime: "2027-01-30T00:00:00Z",
  },
  /** Scheduled renewal: the old certificate is still served (seed 003 said this was not detectable). */
  renewing: {
    conditions: [
      { type: "Ready", status: "True", reason: "Ready", message: "Certificate is up to date and has not expired" },
      { type: "Issuing", status: "True", reason: "Renewing", message: "Renewing certificate as renewal was scheduled at 2027-01-30 00:00:00 +0000 UTC" },
    ],
  },
  /** The order failed (e.g. HTTP-01 could not reach Traefik); cert-manager retries with backoff. */
  failed: {
    conditions: [
      { type: "Ready", status: "False", reason: "DoesNotExist", message: "Issuing certificate as Secret does not exist" },
      { type: "Issuing", status: "False", reason: "Failed", message: "The certificate request has failed to complete and will be retried" },
    ],
    lastFailureTime: "2026-11-23T09:00:00Z",
    failedIssuanceAttempts: 1,
  },
};

/** What seed 003's `parse_cert_status` returned: Ready=True → issued, Ready=False → failed, else pending. */
export function seed003TlsStatus(status: CertificateStatusInput): "issued" | "failed" | "pending" {
  const ready = status?.conditions?.find((c) => c?.type === "Ready")?.status;
  return ready === "True" ? "issued" : ready === "False" ? "failed" : "pending";
}

/** Each sample's tls_status, the library's next to seed 003's. */
export function tlsStatusTable(): Record<string, { status: TlsStatus; reason: string; seed003: string }> {
  return Object.fromEntries(
    Object.entries(SAMPLE_STATUSES).map(([name, status]) => {
      const parsed = parseCertStatus(status);
      return [name, { status: parsed.status, reason: parsed.reason, seed003: seed003TlsStatus(status) }];
    }),
  );
}
