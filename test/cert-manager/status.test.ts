import type { ICertificateStatus } from "@kubernetes-models/cert-manager/cert-manager.io/v1/CertificateStatus" with { "resolution-mode": "import" };
import { describe, expect, expectTypeOf, it } from "vitest";
import { parseCertStatus, type CertificateStatusInput, type TlsStatus } from "../../components/cert-manager/status";

const T = "2026-01-01T00:00:00Z";

/** A cert-manager condition as the API returns it. */
function cond(type: string, status: "True" | "False" | "Unknown", reason?: string, message?: string) {
  return { type, status, lastTransitionTime: T, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

const doesNotExist = "Issuing certificate as Secret does not exist";

// One row per condition case; the shapes are those cert-manager writes (see components/cert-manager/status.ts).
const cases: Array<[string, CertificateStatusInput, TlsStatus, string]> = [
  ["missing status (undefined)", undefined, "pending", "NotObserved"],
  ["missing status (null)", null, "pending", "NotObserved"],
  ["status without conditions", {}, "pending", "NotObserved"],
  ["empty conditions list", { conditions: [] }, "pending", "NotObserved"],
  [
    "Ready=True (issued and current)",
    { conditions: [cond("Ready", "True", "Ready", "Certificate is up to date and has not expired")], notAfter: "2026-04-01T00:00:00Z" },
    "issued",
    "Ready",
  ],
  [
    "first issuance: Ready=False DoesNotExist with Issuing=True (seed 003 said failed)",
    { conditions: [cond("Issuing", "True", "DoesNotExist", doesNotExist), cond("Ready", "False", "DoesNotExist", doesNotExist)] },
    "pending",
    "DoesNotExist",
  ],
  [
    "Ready=False with reason and no Issuing condition yet",
    { conditions: [cond("Ready", "False", "DoesNotExist", doesNotExist)] },
    "pending",
    "DoesNotExist",
  ],
  ["Ready=Unknown", { conditions: [cond("Ready", "Unknown")] }, "pending", "NotReady"],
  [
    "renewal: Issuing=True (Renewing) while Ready=True",
    {
      conditions: [
        cond("Ready", "True", "Ready", "Certificate is up to date and has not expired"),
        cond("Issuing", "True", "Renewing", "Renewing certificate as renewal was scheduled at 2026-03-02 00:00:00 +0000 UTC"),
      ],
      renewalTime: "2026-03-02T00:00:00Z",
    },
    "renewing",
    "Renewing",
  ],
  [
    "failed first issuance: Issuing=False Failed, lastFailureTime, Ready=False",
    {
      conditions: [
        cond("Ready", "False", "DoesNotExist", doesNotExist),
        cond("Issuing", "False", "Failed", "The certificate request has failed to complete and will be retried: rate limited"),
      ],
      lastFailureTime: T,
      failedIssuanceAttempts: 2,
    },
    "failed",
    "Failed",
  ],
  [
    "failed renewal: Issuing=False Failed while Ready=True",
    {
      conditions: [cond("Ready", "True", "Ready"), cond("Issuing", "False", "Failed", "challenge failed")],
      lastFailureTime: T,
      failedIssuanceAttempts: 1,
    },
    "failed",
    "Failed",
  ],
  [
    "reissue after the Secret was deleted: Ready=False, Issuing=True",
    { conditions: [cond("Ready", "False", "MissingData", "Issuing certificate as Secret does not contain a certificate"), cond("Issuing", "True", "MissingData")] },
    "pending",
    "MissingData",
  ],
  [
    "Ready=False with lastFailureTime but the Issuing condition gone",
    { conditions: [cond("Ready", "False", "Expired", "Certificate expired")], lastFailureTime: T },
    "failed",
    "Expired",
  ],
];

describe("parseCertStatus", () => {
  it.each(cases)("%s → %s", (_label, status, expected, reason) => {
    const summary = parseCertStatus(status);
    expect(summary.status).toBe(expected);
    expect(summary.reason).toBe(reason);
    expect(summary.message).not.toBe("");
  });

  it("passes cert-manager's message through, so dashboards can show the cause", () => {
    const s = parseCertStatus({ conditions: [cond("Issuing", "False", "Failed", "rate limited by Let's Encrypt")], lastFailureTime: T });
    expect(s.message).toBe("rate limited by Let's Encrypt");
  });

  it("reports failure details (attempts and time) on failure", () => {
    const s = parseCertStatus({ conditions: [cond("Issuing", "False", "Failed", "x")], lastFailureTime: T, failedIssuanceAttempts: 3 });
    expect(s).toMatchObject({ failedIssuanceAttempts: 3, lastFailureTime: T, servingValidCertificate: false });
  });

  it("says a failed renewal still serves the current certificate", () => {
    const s = parseCertStatus({ conditions: [cond("Ready", "True"), cond("Issuing", "False", "Failed")], lastFailureTime: T });
    expect(s.servingValidCertificate).toBe(true);
  });

  it("reports renewalTime and notAfter when issued", () => {
    const s = parseCertStatus({ conditions: [cond("Ready", "True")], renewalTime: "2026-03-02T00:00:00Z", notAfter: "2026-04-01T00:00:00Z" });
    expect(s).toMatchObject({ renewalTime: "2026-03-02T00:00:00Z", notAfter: "2026-04-01T00:00:00Z" });
  });

  it("ignores condition order", () => {
    const a = parseCertStatus({ conditions: [cond("Ready", "True"), cond("Issuing", "True", "Renewing")] });
    const b = parseCertStatus({ conditions: [cond("Issuing", "True", "Renewing"), cond("Ready", "True")] });
    expect(a).toEqual(b);
  });
});

describe("CertificateStatusInput", () => {
  it("accepts cert-manager's own CertificateStatus type (checked by the typechecker)", () => {
    expectTypeOf<ICertificateStatus>().toExtend<NonNullable<CertificateStatusInput>>();
    const upstream: ICertificateStatus = { conditions: [{ type: "Ready", status: "True", reason: "Ready" }] };
    expect(parseCertStatus(upstream).status).toBe("issued");
  });
});
