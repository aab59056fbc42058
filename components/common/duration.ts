/**
 * Durations as users write them: `"90d"`, `"2160h"`, `"10y"`, `"1y30d"` (units y = 365 days, d, h, m).
 * Certificate validity in the tls provider is whole hours, so every duration resolves to hours.
 */
export type Duration = string;

const PART = /(\d+)(y|d|h|m)/g;
const MINUTES = { y: 365 * 24 * 60, d: 24 * 60, h: 60, m: 1 } as const;

/** Parses a duration into minutes, or returns `undefined` when it is not of the accepted form. */
export function parseDurationMinutes(value: Duration): number | undefined {
  if (typeof value !== "string" || !/^(\d+(y|d|h|m))+$/.test(value)) return undefined;
  let total = 0;
  for (const m of value.matchAll(PART)) {
    total += Number(m[1]) * MINUTES[m[2] as keyof typeof MINUTES];
  }
  return total;
}

/** Parses a duration into whole hours (rounded up), or `undefined` when invalid. */
export function parseDurationHours(value: Duration): number | undefined {
  const minutes = parseDurationMinutes(value);
  return minutes === undefined ? undefined : Math.ceil(minutes / 60);
}

/** Formats hours for people: `90d`, `36h`, `10y`. */
export function formatHours(hours: number): string {
  if (hours % (365 * 24) === 0) return `${hours / (365 * 24)}y`;
  if (hours % 24 === 0) return `${hours / 24}d`;
  return `${hours}h`;
}
