/**
 * The library's one source of "now". Certificate rotation is decided when the program runs
 * (see docs/rotation.md), so the time is read here and nowhere else.
 *
 * By default it is the wall clock. The offline engine and `npm run plan -- --at <date>`
 * set it to plan as if the program ran at another moment ("what will next month's
 * `pulumi up` replace?"). It lives on `globalThis` so that every copy of the library
 * loaded in one process (source and built) agrees.
 */
const KEY = Symbol.for("edge-mtls.clock");

type ClockHolder = { [KEY]?: () => Date };

/** The current time as the library sees it. */
export function now(): Date {
  const fn = (globalThis as ClockHolder)[KEY];
  return fn ? fn() : new Date();
}

/** Sets the clock (`undefined` restores the wall clock). Returns the previous clock. */
export function setClock(clock: (() => Date) | undefined): (() => Date) | undefined {
  const holder = globalThis as ClockHolder;
  const previous = holder[KEY];
  if (clock) holder[KEY] = clock;
  else delete holder[KEY];
  return previous;
}
