/**
 * Rotation that happens on a plain `pulumi up` (and shows in `pulumi preview`), with no
 * `--refresh`.
 *
 * The tls provider's `earlyRenewalHours`/`readyForRenewal` is only re-evaluated when the
 * provider reads the resource, which Pulumi does on refresh, not on up
 * (pulumi/pulumi-tls#39). So the library decides rotation itself, in the program, from
 * facts it has without a refresh:
 *
 * - the *anchor*: the issuing CA root's `validityStartTime`, an output stored in the
 *   state, stable forever (the CA is protected and never replaced);
 * - the *clock* (components/common/clock.ts);
 * - the leaf's *period* `validity − renewBefore`.
 *
 * `generation = floor((now − anchor) / period)` is passed as the leaf key's, CSR's and
 * certificate's `replacementTrigger`. It changes exactly when a period boundary passes, so
 * a leaf issued at generation g (at or after boundary g) is replaced at boundary g+1, which
 * is at least `renewBefore` before it expires, and nothing changes between boundaries.
 * Leaves issued with the CA (the usual first `pulumi up`) are aligned: boundary g+1 is
 * exactly the start of their renewal window. A leaf added later is issued mid-period and
 * its first certificate is rotated early, at the next boundary (never late); from then on
 * it is aligned. See docs/internal-ca.md#rotation for why not `time_rotating` or a
 * dynamic provider.
 */

/** The rotation generation of a leaf at `now`. */
export function rotationGeneration(anchor: Date, now: Date, validityHours: number, renewBeforeHours: number): number {
  const periodMs = rotationPeriodMs(validityHours, renewBeforeHours);
  const elapsed = now.getTime() - anchor.getTime();
  return Math.max(0, Math.floor(elapsed / periodMs));
}

/** When the leaf of generation `generation` is next rotated. */
export function nextRotation(anchor: Date, generation: number, validityHours: number, renewBeforeHours: number): Date {
  const periodMs = rotationPeriodMs(validityHours, renewBeforeHours);
  return new Date(anchor.getTime() + (generation + 1) * periodMs);
}

/** The rotation period `validity − renewBefore` in milliseconds; throws unless positive. */
function rotationPeriodMs(validityHours: number, renewBeforeHours: number): number {
  const periodMs = (validityHours - renewBeforeHours) * 3600_000;
  if (!(periodMs > 0)) throw new Error(`rotation period must be positive (validity ${validityHours}h, renewBefore ${renewBeforeHours}h)`);
  return periodMs;
}
