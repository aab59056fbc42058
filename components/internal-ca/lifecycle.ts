/**
 * The pure schedule behind self-rotating intermediates and the root's end of life
 * (docs/internal-ca.md#lifecycle). No resources here: InternalCA feeds these numbers to
 * `replacementTrigger` and `validityPeriodHours`, the tests check them on their own.
 *
 * Intermediates rotate like leaves: `generation = floor((now − anchor) / period)` with the
 * root's `validityStartTime` as anchor (rotation.ts). Their period is a whole number of leaf
 * periods, so an intermediate switch always falls on a leaf rotation day, and it leaves
 * an *overlap* (`validity − period`) of at least one leaf validity: a leaf signed just before
 * the switch ends before the intermediate that signed it.
 *
 * Each rotating purpose has two slots (0 and 1). Slot `k` holds the newest generation `g'`
 * with `g' ≡ k (mod 2)`: at every switch the slot of the *previous-but-one* generation is
 * replaced, the previous generation stays in the state (its leaves keep a valid chain until
 * they rotate, and pins list it), and leaves move to the new one.
 */
import { rotationGeneration } from "./rotation";

const HOUR = 3600_000;

/** The rotation period and overlap of a rotating intermediate, or why there is none. */
export interface IntermediateSchedule {
  /** Hours between two intermediate generations: a multiple of the leaf period. */
  readonly periodHours: number;
  /** `validity − period`: how long an intermediate stays valid after its successor took over. */
  readonly overlapHours: number;
}

/**
 * The intermediate period for leaves of `leafHours` rotated `renewBeforeHours` before expiry:
 * the largest multiple of the leaf period `p = leaf − renewBefore` with
 * `period ≤ intermediate − leaf`. Returns `undefined` when no period of at least
 * `max(p, leaf)` fits (the intermediate is too short for its leaves).
 */
export function intermediateSchedule(intermediateHours: number, leafHours: number, renewBeforeHours: number): IntermediateSchedule | undefined {
  const leafPeriod = leafHours - renewBeforeHours;
  if (!(leafPeriod > 0)) return undefined;
  const periodHours = Math.floor((intermediateHours - leafHours) / leafPeriod) * leafPeriod;
  if (periodHours < Math.max(leafPeriod, leafHours)) return undefined;
  return { periodHours, overlapHours: intermediateHours - periodHours };
}

/** The shortest intermediate validity {@link intermediateSchedule} accepts for these leaves. */
export function minimumIntermediateHours(leafHours: number, renewBeforeHours: number): number {
  const p = leafHours - renewBeforeHours;
  return leafHours + Math.ceil(Math.max(p, leafHours) / p) * p;
}

/** The generation of an intermediate at `now` (never negative). */
export function intermediateGeneration(anchor: Date, now: Date, s: IntermediateSchedule): number {
  return rotationGeneration(anchor, now, s.periodHours + s.overlapHours, s.overlapHours);
}

/** The generation slot `slot` (0 or 1) holds while generation `current` is in use: `current` or `current − 1` (−1 on day 0: a spare). */
export function slotGeneration(current: number, slot: 0 | 1): number {
  return (current - slot) % 2 === 0 ? current : current - 1;
}

/** The slot that signs while generation `g` is current. */
export const activeSlot = (g: number): 0 | 1 => (g % 2 === 0 ? 0 : 1);

/**
 * The validity (hours) of the intermediate of generation `g`: the configured validity, cut
 * so that it ends with the root when the root has less left. Computed from the generation's
 * start, never from the clock, so it is the same on every run of one generation (no churn).
 */
export function intermediateValidityHours(anchor: Date, rootNotAfter: Date, g: number, s: IntermediateSchedule): number {
  const start = anchor.getTime() + Math.max(0, g) * s.periodHours * HOUR;
  const left = Math.floor((rootNotAfter.getTime() - start) / HOUR);
  return Math.max(1, Math.min(s.periodHours + s.overlapHours, left));
}

/** When the intermediate of generation `g` takes over (its generation's start). */
export function intermediateSwitch(anchor: Date, g: number, s: IntermediateSchedule): Date {
  return new Date(anchor.getTime() + g * s.periodHours * HOUR);
}

/** One certificate whose end of life the CA announces. */
export interface SigningLimit {
  /** What signs (e.g. `root CA "mesh Root CA"`). */
  readonly what: string;
  /** The end of its validity: nothing it signs can be valid after it (also the root's, for an intermediate). */
  readonly notAfter: Date;
  /** The longest leaf it signs (hours). */
  readonly leafHours: number;
}

/** The end-of-life schedule of one signer. */
export interface EndOfLife {
  readonly what: string;
  readonly notAfter: Date;
  /** The last moment it can sign a full-length leaf: `notAfter − leaf validity`. */
  readonly lastFullLeaf: Date;
  /** The first run that warns: `lastFullLeaf − warning horizon`. */
  readonly warnFrom: Date;
}

/** The end-of-life schedule of a signer, with the warning horizon `warnHours`. */
export function endOfLife(limit: SigningLimit, warnHours: number): EndOfLife {
  const lastFullLeaf = new Date(limit.notAfter.getTime() - limit.leafHours * HOUR);
  return { what: limit.what, notAfter: limit.notAfter, lastFullLeaf, warnFrom: new Date(lastFullLeaf.getTime() - warnHours * HOUR) };
}

/** The signers whose end-of-life warning is due at `now`, earliest first. */
export function dueEndOfLife(limits: readonly SigningLimit[], warnHours: number, now: Date): EndOfLife[] {
  return limits
    .map((l) => endOfLife(l, warnHours))
    .filter((e) => now.getTime() >= e.warnFrom.getTime())
    .sort((a, b) => a.lastFullLeaf.getTime() - b.lastFullLeaf.getTime());
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The CA-rotation procedure in one sentence, for CA `caName`. */
export function caRotationProcedure(caName: string): string {
  return (
    `three \`pulumi up\` runs (docs/internal-ca.md#ca-rotation): 1. add a new InternalCA ("${caName}-v2") and list its rootCertPem in this CA's extraTrustedCaPems; ` +
    `2. issue the leaves with the new CA "${caName}-v2" (its extraTrustedCaPems: this root) and set protect: false here; 3. remove this CA`
  );
}

/** The warning text for a due end of life: the dates and the exact procedure (`procedure`, default the CA rotation). */
export function endOfLifeMessage(caName: string, e: EndOfLife, now: Date, procedure = caRotationProcedure(caName)): string {
  const state = now.getTime() >= e.notAfter.getTime() ? "has EXPIRED" : now.getTime() >= e.lastFullLeaf.getTime() ? "can no longer sign a full-length certificate" : "approaches its end of life";
  return (
    `InternalCA "${caName}": the ${e.what} ${state}: it expires ${day(e.notAfter)}, and certificates it signs after ${day(e.lastFullLeaf)} ` +
    `would outlive it (they stop working on ${day(e.notAfter)}). Replace this CA before ${day(e.lastFullLeaf)}: ${procedure}. ` +
    `The procedure can start at any time, also after ${day(e.lastFullLeaf)}; no run fails meanwhile.`
  );
}
