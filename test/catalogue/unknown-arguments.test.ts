/**
 * The unknown-argument refusal on its own: `refuseUnknownKeys` (what a JavaScript caller's
 * misspelled option meets) and `argNames` (the typed list of an args interface's names). The
 * component rows, one per component, are in refusals.test.ts.
 */
import { describe, expect, it } from "vitest";
import { EdgeMtlsArgumentError } from "../../components";
import { argChecker } from "../../components/common/errors";
import { argNames, refuseUnknownKeys } from "../../components/common/validate";

interface Example {
  readonly validity?: string;
  readonly renewBefore?: string;
}
type Variant = { readonly kind: "a"; readonly onlyA?: number } | { readonly kind: "b"; readonly onlyB?: number };

const c = argChecker("Example", "x");
const refusal = (obj: Record<string, unknown>, arg = ""): unknown => {
  try {
    refuseUnknownKeys(c, arg, obj, argNames<Example>()(["validity", "renewBefore"]));
    return "accepted";
  } catch (e) {
    return e instanceof EdgeMtlsArgumentError ? e.message : e;
  }
};

describe("refuseUnknownKeys", () => {
  it("accepts an object with only known names", () => {
    expect(refusal({ validity: "90d", renewBefore: "30d" })).toBe("accepted");
  });

  it("accepts an unknown name whose value is undefined (spread optional values)", () => {
    expect(refusal({ validity: "90d", valdity: undefined })).toBe("accepted");
  });

  it("refuses a near miss, suggesting the known name", () => {
    expect(refusal({ renewbefore: "30d" })).toBe('Example "x": renewbefore is not a known argument (it would be ignored) — did you mean "renewBefore"?');
  });

  it("refuses a name far from every known one, listing the known names", () => {
    expect(refusal({ replicas: 2 })).toBe('Example "x": replicas is not a known argument (it would be ignored); the known ones are validity, renewBefore');
  });

  it("names a nested object's key by its path", () => {
    expect(refusal({ validty: "1y" }, "intermediate")).toBe('Example "x": intermediate.validty is not a known argument (it would be ignored) — did you mean "validity"?');
  });
});

describe("argNames", () => {
  it("returns the names it was given, in order", () => {
    expect(argNames<Example>()(["renewBefore", "validity"])).toEqual(["renewBefore", "validity"]);
  });

  it("takes the names of every member of a union", () => {
    expect(argNames<Variant>()(["kind", "onlyA", "onlyB"])).toEqual(["kind", "onlyA", "onlyB"]);
  });

  it("is a type error when a name is missing or is not the interface's (checked by npm run typecheck)", () => {
    // @ts-expect-error -- "renewBefore" is missing: the error names it as missingArgumentNames.
    const missing = argNames<Example>()(["validity"]);
    // @ts-expect-error -- "validty" is not a name of Example.
    const extra = argNames<Example>()(["validity", "renewBefore", "validty"]);
    // @ts-expect-error -- a union's member names count too: "onlyB" is missing.
    const union = argNames<Variant>()(["kind", "onlyA"]);
    expect([missing, extra, union].map((l) => l.length)).toEqual([1, 3, 2]);
  });
});
