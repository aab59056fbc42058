/**
 * Projects a cert-manager `Certificate.status` onto the operator vocabulary seed 003's dashboard
 * shows (`tls_status`): `issued | failed | pending | renewing`.
 *
 * Seed 003 mapped `Ready=False` to `failed`. That is wrong: on first issuance cert-manager sets
 * `Ready=False` (reason `DoesNotExist`, "Issuing certificate as Secret does not exist") together
 * with `Issuing=True` while the order is in flight — the certificate is *pending*, not failed
 * (see the conditions logged in cert-manager PR #3444's e2e output). A failed issuance shows as
 * `Issuing=False` with reason `Failed`, plus `status.lastFailureTime` and
 * `status.failedIssuanceAttempts`; cert-manager retries it with exponential backoff
 * (cert-manager PR #4772, "Exponential backoff for retrying failed certificate issuances").
 * A scheduled renewal sets `Issuing=True` (reason `Renewing`, "Renewing certificate as renewal
 * was scheduled at …", trigger controller policies) while `Ready` stays `True`: the old
 * certificate is served until the new one lands — that is `renewing`.
 *
 * Rules, first match wins:
 * | # | conditions                                   | result     |
 * |---|----------------------------------------------|------------|
 * | 1 | no status / no conditions                    | `pending`  |
 * | 2 | `Issuing=False`, reason `Failed`             | `failed`   |
 * | 3 | `Issuing=True` and `Ready=True`              | `renewing` |
 * | 4 | `Issuing=True` (Ready not True)              | `pending`  |
 * | 5 | `Ready=True`                                 | `issued`   |
 * | 6 | `lastFailureTime` set (Ready not True)       | `failed`   |
 * | 7 | anything else (`Ready=False`/`Unknown`)      | `pending`  |
 */
/** The operator-facing TLS state (seed 003's `tls_status`, plus `renewing`). */
export type TlsStatus = "issued" | "failed" | "pending" | "renewing";

/** The fields of one cert-manager Certificate condition that {@link parseCertStatus} reads. */
export interface CertificateConditionInput {
  /** `Ready` or `Issuing`. */
  readonly type?: string;
  /** `True`, `False` or `Unknown`. */
  readonly status?: string;
  /** Machine-readable reason, e.g. `Failed`. */
  readonly reason?: string | null;
  /** Human-readable message. */
  readonly message?: string | null;
}

/**
 * A loosely typed Certificate status, as read from the API (every field optional): the
 * subset of cert-manager's `CertificateStatus` that {@link parseCertStatus} reads. It is
 * declared here rather than imported from `@kubernetes-models/cert-manager`, so that users
 * need not install that package; test/cert-manager/status.test.ts checks that the upstream
 * type stays assignable to it.
 */
export type CertificateStatusInput =
  | {
      /** `status.conditions`. */
      readonly conditions?: ReadonlyArray<CertificateConditionInput | null | undefined> | null;
      /** `status.failedIssuanceAttempts`. */
      readonly failedIssuanceAttempts?: number | null;
      /** `status.lastFailureTime`. */
      readonly lastFailureTime?: string | Date | null;
      /** `status.renewalTime`. */
      readonly renewalTime?: string | Date | null;
      /** `status.notAfter`. */
      readonly notAfter?: string | Date | null;
    }
  | null
  | undefined;

/** Result of {@link parseCertStatus}. */
export interface CertStatusSummary {
  /** The state to show. */
  readonly status: TlsStatus;
  /** Machine-readable reason: cert-manager's condition reason, or `NotObserved`. */
  readonly reason: string;
  /** Human-readable message (cert-manager's, or ours when it gave none). */
  readonly message: string;
  /** True when the Secret holds a valid, current certificate (`Ready=True`), e.g. during renewal or a failed renewal. */
  readonly servingValidCertificate: boolean;
  /** `status.failedIssuanceAttempts`, when set. */
  readonly failedIssuanceAttempts?: number;
  /** `status.lastFailureTime`, when set. */
  readonly lastFailureTime?: string;
  /** `status.renewalTime`, when set. */
  readonly renewalTime?: string;
  /** `status.notAfter`, when set. */
  readonly notAfter?: string;
}

function condition(status: NonNullable<CertificateStatusInput>, type: string): CertificateConditionInput | undefined {
  return (status.conditions ?? []).find((c) => c?.type === type) ?? undefined;
}

/** Maps cert-manager's Certificate status to `issued | failed | pending | renewing` (rules in the module doc). */
export function parseCertStatus(status: CertificateStatusInput): CertStatusSummary {
  if (!status || !status.conditions || status.conditions.length === 0) {
    return {
      status: "pending",
      reason: "NotObserved",
      message: "cert-manager has not reported a status for this Certificate yet",
      servingValidCertificate: false,
    };
  }
  const ready = condition(status, "Ready");
  const issuing = condition(status, "Issuing");
  const readyTrue = ready?.status === "True";
  const extra = {
    servingValidCertificate: readyTrue,
    ...(status.failedIssuanceAttempts !== undefined && status.failedIssuanceAttempts !== null ? { failedIssuanceAttempts: status.failedIssuanceAttempts } : {}),
    ...(status.lastFailureTime ? { lastFailureTime: String(status.lastFailureTime) } : {}),
    ...(status.renewalTime ? { renewalTime: String(status.renewalTime) } : {}),
    ...(status.notAfter ? { notAfter: String(status.notAfter) } : {}),
  };
  const from = (c: CertificateConditionInput | undefined, fallbackReason: string, fallbackMessage: string) => ({
    reason: c?.reason || fallbackReason,
    message: c?.message || fallbackMessage,
  });

  if (issuing?.status === "False" && issuing.reason === "Failed") {
    return { status: "failed", ...from(issuing, "Failed", "the last issuance attempt failed; cert-manager will retry with backoff"), ...extra };
  }
  if (issuing?.status === "True") {
    return readyTrue
      ? { status: "renewing", ...from(issuing, "Renewing", "a new certificate is being issued; the current one is still served"), ...extra }
      : { status: "pending", ...from(issuing, "Issuing", "the certificate is being issued"), ...extra };
  }
  if (readyTrue) {
    return { status: "issued", ...from(ready, "Ready", "the certificate is up to date and has not expired"), ...extra };
  }
  if (status.lastFailureTime) {
    return { status: "failed", ...from(ready, "Failed", "the last issuance attempt failed; cert-manager will retry with backoff"), ...extra };
  }
  return { status: "pending", ...from(ready, "NotReady", "the certificate is not ready yet"), ...extra };
}
