/**
 * The pure schedule of self-rotating intermediates and of the end-of-life warning
 * (components/internal-ca/lifecycle.ts): the default numbers, then the properties the design
 * rests on, for any leaf and intermediate settings the library accepts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activeSlot,
  dueEndOfLife,
  endOfLife,
  endOfLifeMessage,
  intermediateGeneration,
  intermediateSchedule,
  intermediateValidityHours,
  minimumIntermediateHours,
  rotationGeneration,
  slotGeneration,
} from "../../components/internal-ca";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ANCHOR = new Date("2026-01-01T00:00:00Z");
const at = (days: number) => new Date(ANCHOR.getTime() + days * DAY);

describe("intermediateSchedule", () => {
  it("rotates a 1-year intermediate every 240 days (4 leaf periods), leaving 125 days of overlap, with 90d/30d leaves", () => {
    expect(intermediateSchedule(365 * 24, 90 * 24, 30 * 24)).toEqual({ periodHours: 240 * 24, overlapHours: 125 * 24 });
  });

  it("accepts 210 days as the shortest intermediate for 90d/30d leaves, and refuses 209", () => {
    expect(minimumIntermediateHours(90 * 24, 30 * 24)).toBe(210 * 24);
    expect(intermediateSchedule(210 * 24, 90 * 24, 30 * 24)).toEqual({ periodHours: 120 * 24, overlapHours: 90 * 24 });
    expect(intermediateSchedule(209 * 24, 90 * 24, 30 * 24)).toBeUndefined();
  });

  it("switches on day 240, not day 239", () => {
    const s = intermediateSchedule(365 * 24, 90 * 24, 30 * 24);
    if (!s) throw new Error("no schedule");
    expect(intermediateGeneration(ANCHOR, at(239), s)).toBe(0);
    expect(intermediateGeneration(ANCHOR, at(240), s)).toBe(1);
  });
});

describe("slots", () => {
  it.each([
    [0, 0, 0],
    [0, 1, -1],
    [1, 0, 0],
    [1, 1, 1],
    [2, 0, 2],
    [2, 1, 1],
    [7, 0, 6],
    [7, 1, 7],
  ] as const)("generation %i: slot %i holds generation %i", (g, slot, held) => {
    expect(slotGeneration(g, slot)).toBe(held);
  });

  it("signs from the slot that holds the current generation", () => {
    for (let g = 0; g < 10; g++) expect(slotGeneration(g, activeSlot(g))).toBe(g);
  });
});

describe("intermediateValidityHours", () => {
  const s = { periodHours: 240 * 24, overlapHours: 125 * 24 };
  it("is the full year while the root has more than a year left after the generation starts", () => {
    expect(intermediateValidityHours(ANCHOR, at(3650), 13, s)).toBe(365 * 24);
  });

  it("ends with the root for the generations that start within a year of the root's end (day 3360: 290 days)", () => {
    expect(intermediateValidityHours(ANCHOR, at(3650), 14, s)).toBe(290 * 24);
  });

  it("never drops below one hour once the root has expired", () => {
    expect(intermediateValidityHours(ANCHOR, at(3650), 20, s)).toBe(1);
  });
});

describe("end of life", () => {
  const limit = { what: 'root CA "mesh Root CA"', notAfter: at(3650), leafHours: 90 * 24 };

  it("puts the last full-length leaf one leaf validity before the end, and the first warning the horizon before that", () => {
    const e = endOfLife(limit, 180 * 24);
    expect(e.lastFullLeaf).toEqual(at(3560));
    expect(e.warnFrom).toEqual(at(3380));
  });

  it("is due from the warning date on, and not a second before", () => {
    expect(dueEndOfLife([limit], 180 * 24, new Date(at(3380).getTime() - 1000))).toEqual([]);
    expect(dueEndOfLife([limit], 180 * 24, at(3380))).toHaveLength(1);
  });

  it("lists the earliest due signer first", () => {
    const edge = { what: "edge-clients intermediate CA", notAfter: at(1825), leafHours: 90 * 24 };
    expect(dueEndOfLife([limit, edge], 180 * 24, at(3400)).map((e) => e.what)).toEqual([edge.what, limit.what]);
  });

  it("names the dates, the state and the CA-rotation steps in the warning", () => {
    const m = endOfLifeMessage("mesh", endOfLife(limit, 180 * 24), at(3600));
    expect(m).toContain("can no longer sign a full-length certificate: it expires 2035-12-30, and certificates it signs after 2035-10-01 would outlive it");
    expect(m).toContain('1. add a new InternalCA ("mesh-v2")');
    expect(m).toContain("The procedure can start at any time");
  });

  it("quotes the owner's procedure for a CA owned by a component", () => {
    expect(endOfLifeMessage("id", endOfLife(limit, 180 * 24), at(3400), "add a successor identity")).toContain("Replace this CA before 2035-10-01: add a successor identity.");
  });
});

describe("properties, for any accepted leaf and intermediate settings", () => {
  const settings = fc
    .record({ leafDays: fc.integer({ min: 2, max: 400 }), renewFraction: fc.double({ min: 0.05, max: 0.9, noNaN: true }), extraDays: fc.integer({ min: 0, max: 2000 }) })
    .map(({ leafDays, renewFraction, extraDays }) => {
      const leaf = leafDays * 24;
      const renew = Math.max(1, Math.min(leaf - 1, Math.round(leaf * renewFraction)));
      return { leaf, renew, inter: minimumIntermediateHours(leaf, renew) + extraDays * 24 };
    });

  it("a leaf issued at any moment of an intermediate generation ends before that intermediate does", () => {
    fc.assert(
      fc.property(settings, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 20 }), ({ leaf, renew, inter }, frac, g) => {
        const s = intermediateSchedule(inter, leaf, renew);
        if (!s) return false;
        const start = g * s.periodHours;
        const issued = start + frac * s.periodHours;
        return issued + leaf <= start + s.periodHours + s.overlapHours;
      }),
    );
  });

  it("a slot is reused only after every leaf of the generation it held has expired", () => {
    fc.assert(
      fc.property(settings, ({ leaf, renew, inter }) => {
        const s = intermediateSchedule(inter, leaf, renew);
        if (!s) return false;
        // Generation g's last leaves are issued just before g+1 starts; the slot is reused when g+2 starts.
        return s.periodHours + leaf <= 2 * s.periodHours;
      }),
    );
  });

  it("intermediate switches fall on leaf rotation days (for leaves with the CA's defaults)", () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 30 }), ({ leaf, renew, inter }, g) => {
        const s = intermediateSchedule(inter, leaf, renew);
        if (!s) return false;
        const switchAt = new Date(ANCHOR.getTime() + g * s.periodHours * HOUR);
        const before = new Date(switchAt.getTime() - 1);
        return rotationGeneration(ANCHOR, switchAt, leaf, renew) === rotationGeneration(ANCHOR, before, leaf, renew) + 1;
      }),
    );
  });
});
