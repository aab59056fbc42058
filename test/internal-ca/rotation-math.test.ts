/**
 * The pure rotation arithmetic behind leaf rotation (components/internal-ca/rotation.ts):
 * `generation = floor((now − anchor) / (validity − renewBefore))`, never negative, and the
 * next rotation at the following period boundary. Table tests, then properties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextRotation, rotationGeneration } from "../../components/internal-ca/rotation";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ANCHOR = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(ANCHOR.getTime() + ms);

describe("rotationGeneration", () => {
  describe("90-day leaves renewed 30 days before expiry (period 60 days)", () => {
    it.each([
      ["at the anchor", 0, 0],
      ["one day in", DAY, 0],
      ["1 ms before the first boundary", 60 * DAY - 1, 0],
      ["exactly at the first boundary", 60 * DAY, 1],
      ["1 ms before the second boundary", 120 * DAY - 1, 1],
      ["exactly at the second boundary", 120 * DAY, 2],
      ["ten periods in", 600 * DAY, 10],
      ["ten years in", 3650 * DAY, 60],
    ])("is the right generation %s", (_label, offset, generation) => {
      expect(rotationGeneration(ANCHOR, at(offset), 2160, 720)).toBe(generation);
    });
  });

  describe("40-day leaves renewed 10 days before expiry (period 30 days)", () => {
    it.each([
      [29 * DAY, 0],
      [30 * DAY, 1],
      [31 * DAY, 1],
      [60 * DAY, 2],
    ])("at anchor + %d ms is generation %d", (offset, generation) => {
      expect(rotationGeneration(ANCHOR, at(offset), 960, 240)).toBe(generation);
    });
  });

  it.each([
    ["1 ms", -1],
    ["one period", -60 * DAY],
    ["a year", -365 * DAY],
  ])("is 0, never negative, %s before the anchor", (_label, offset) => {
    expect(rotationGeneration(ANCHOR, at(offset), 2160, 720)).toBe(0);
  });

  it.each([
    ["renewBefore equals validity", 2160, 2160],
    ["renewBefore exceeds validity", 2160, 2400],
    ["validity is zero", 0, 0],
    ["validity is negative", -24, 0],
  ])("throws when %s (non-positive period)", (_label, validity, renewBefore) => {
    expect(() => rotationGeneration(ANCHOR, at(DAY), validity, renewBefore)).toThrow(/rotation period must be positive/);
  });
});

describe("nextRotation", () => {
  it.each([
    [0, 60 * DAY],
    [1, 120 * DAY],
    [9, 600 * DAY],
  ])("puts generation %d's rotation at anchor + %d ms (the next boundary)", (generation, offset) => {
    expect(nextRotation(ANCHOR, generation, 2160, 720)).toEqual(at(offset));
  });

  it.each([
    ["renewBefore equals validity", 2160, 2160],
    ["renewBefore exceeds validity", 2160, 2400],
  ])("throws when %s (non-positive period)", (_label, validity, renewBefore) => {
    expect(() => nextRotation(ANCHOR, 0, validity, renewBefore)).toThrow(/rotation period must be positive/);
  });
});

describe("properties", () => {
  /** A leaf profile (validity > renewBefore > 0, whole hours) and an instant at or after the anchor. */
  const leafAndInstant = fc
    .record({ validity: fc.integer({ min: 2, max: 5 * 8760 }), renewFraction: fc.double({ min: 0, max: 0.99, noNaN: true }), offset: fc.integer({ min: 0, max: 20 * 365 * DAY }) })
    .map(({ validity, renewFraction, offset }) => ({ validity, renewBefore: Math.min(validity - 1, Math.floor(validity * renewFraction)), offset }));

  it("increments exactly at each period boundary: generation g holds until nextRotation, then g + 1", () => {
    fc.assert(
      fc.property(leafAndInstant, ({ validity, renewBefore, offset }) => {
        const g = rotationGeneration(ANCHOR, at(offset), validity, renewBefore);
        const next = nextRotation(ANCHOR, g, validity, renewBefore);
        expect(next.getTime()).toBeGreaterThan(at(offset).getTime());
        expect(rotationGeneration(ANCHOR, new Date(next.getTime() - 1), validity, renewBefore)).toBe(g);
        expect(rotationGeneration(ANCHOR, next, validity, renewBefore)).toBe(g + 1);
      }),
    );
  });

  it("never rotates late: a leaf issued at any instant is rotated at least renewBefore before it expires", () => {
    fc.assert(
      fc.property(leafAndInstant, ({ validity, renewBefore, offset }) => {
        const issued = at(offset);
        const rotated = nextRotation(ANCHOR, rotationGeneration(ANCHOR, issued, validity, renewBefore), validity, renewBefore);
        const expires = issued.getTime() + validity * HOUR;
        expect(rotated.getTime()).toBeLessThanOrEqual(expires - renewBefore * HOUR);
      }),
    );
  });

  it("is aligned for leaves issued at the anchor: rotation comes exactly at the start of the renewal window", () => {
    fc.assert(
      fc.property(leafAndInstant, ({ validity, renewBefore }) => {
        const rotated = nextRotation(ANCHOR, rotationGeneration(ANCHOR, ANCHOR, validity, renewBefore), validity, renewBefore);
        expect(rotated.getTime()).toBe(ANCHOR.getTime() + (validity - renewBefore) * HOUR);
      }),
    );
  });

  it("never decreases as time passes", () => {
    fc.assert(
      fc.property(leafAndInstant, fc.integer({ min: 0, max: 365 * DAY }), ({ validity, renewBefore, offset }, later) => {
        expect(rotationGeneration(ANCHOR, at(offset + later), validity, renewBefore)).toBeGreaterThanOrEqual(rotationGeneration(ANCHOR, at(offset), validity, renewBefore));
      }),
    );
  });
});
