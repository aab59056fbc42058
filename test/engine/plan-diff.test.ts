/** The pure parts of `plan --base`: property changes (secrets redacted) and the summary line. */
import { describe, expect, it } from "vitest";
import { propertyChanges, summaryLine } from "../../engine/diff";
import type { RecordedResource } from "../../engine/monitor";
import { coveredBy } from "../../engine/values";

function resource(inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
  const secretPaths = extra.secretPaths ?? [];
  return {
    urn: "urn:pulumi:dev::p::t::r", type: "t", name: "r", custom: true, inputs, outputs: {}, secretPaths, unknownPaths: [], protect: false,
    dependencies: [], ignoreChanges: [], deleteBeforeReplace: false, additionalSecretOutputs: [], op: "update", changed: [],
    isSecret: (p: string) => coveredBy(p, secretPaths),
    ...extra,
  };
}

describe("propertyChanges", () => {
  it("lists the changed leaves below the changed top-level keys, with before and after", () => {
    const before = resource({ spec: { a: 1, b: ["x"] }, kept: 1 });
    const after = resource({ spec: { a: 2, b: ["x", "y"] }, kept: 1 }, { changed: ["spec"] });
    expect(propertyChanges(before, after)).toEqual([
      { path: "spec.a", before: "1", after: "2" },
      { path: "spec.b", before: '["x"]', after: '["x","y"]' },
    ]);
  });

  it("redacts values at and below a secret path on either side, keeping the key names", () => {
    const before = resource({ stringData: { "tls.key": "old-key-value", note: "same" } }, { secretPaths: ["stringData"] });
    const after = resource({ stringData: { "tls.key": "new-key-value", note: "same" } }, { secretPaths: [], changed: ["stringData"] });
    const changes = propertyChanges(before, after);
    expect(changes).toEqual([{ path: "stringData.tls.key", before: "[secret]", after: "[secret]" }]);
    expect(JSON.stringify(changes)).not.toMatch(/key-value/);
  });

  it("leaves out keys the engine did not report as changed (ignoreChanges)", () => {
    const before = resource({ metadata: { labels: { a: "1" } } });
    const after = resource({ metadata: { labels: { a: "2" } } }, { changed: [] });
    expect(propertyChanges(before, after)).toEqual([]);
  });
});

describe("summaryLine", () => {
  it("names only the non-zero counts, in the order add, update, replace, remove, certificates", () => {
    expect(summaryLine("dev", { add: 7, update: 1, replace: 0, remove: 0, certificates: 0 })).toBe("plan dev: 7 to add, 1 to update");
    expect(summaryLine("prod", { add: 0, update: 2, replace: 2, remove: 1, certificates: 1 })).toBe("plan prod: 2 to update, 2 to replace, 1 to remove, 1 certificate re-issued");
  });

  it("says no changes when there are none", () => {
    expect(summaryLine("staging", { add: 0, update: 0, replace: 0, remove: 0, certificates: 0 })).toBe("plan staging: no changes");
  });
});
