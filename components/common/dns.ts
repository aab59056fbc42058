/**
 * DNS name rules shared by every component (RFC 1035 §2.3.4 / RFC 1123 §2.1 host names,
 * RFC 6125 §6.4.3 wildcards: a single `*` as the whole left-most label).
 */

/** Maximum length of a full DNS name in presentation form (RFC 1035: 255 octets on the wire). */
export const MAX_DNS_NAME_LENGTH = 253;
/** Maximum length of one DNS label. */
export const MAX_DNS_LABEL_LENGTH = 63;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Why `name` is not a valid DNS host name, or `undefined` when it is. Wildcards are allowed only when `allowWildcard`. */
export function dnsNameProblem(name: string, options: { allowWildcard?: boolean } = {}): string | undefined {
  if (name.length === 0) return "is empty";
  if (name !== name.trim()) return "has surrounding whitespace";
  if (name !== name.toLowerCase()) return "must be lower case";
  if (name.endsWith(".")) return "must not end with a dot (give the name without the root label)";
  if (name.length > MAX_DNS_NAME_LENGTH) return `is ${name.length} characters long; DNS names are at most ${MAX_DNS_NAME_LENGTH}`;
  const labels = name.split(".");
  if (labels.length < 2) return "must have at least two labels (e.g. api.example.com)";
  for (const [i, label] of labels.entries()) {
    if (label === "*") {
      if (!options.allowWildcard) return "is a wildcard, which is not allowed here";
      if (i !== 0) return "may only have `*` as its whole left-most label";
      if (labels.length < 3) return "is a wildcard directly under a top-level domain";
      continue;
    }
    if (label.length > MAX_DNS_LABEL_LENGTH) return `has a label of ${label.length} characters; labels are at most ${MAX_DNS_LABEL_LENGTH}`;
    if (!LABEL.test(label)) return `has an invalid label ${JSON.stringify(label)} (letters, digits and inner hyphens only)`;
  }
  const tld = labels[labels.length - 1] ?? "";
  if (/^[0-9]+$/.test(tld)) return "has an all-numeric top-level label (is it an IP address?)";
  return undefined;
}

/** True when `name` is a valid DNS host name (wildcards per `allowWildcard`). */
export function isValidDnsName(name: string, options: { allowWildcard?: boolean } = {}): boolean {
  return dnsNameProblem(name, options) === undefined;
}

/** True when `name` is a wildcard (`*.example.com`). */
export function isWildcard(name: string): boolean {
  return name.startsWith("*.");
}

/** True when `name` equals `zone` or lies below it. */
export function isInZone(name: string, zone: string): boolean {
  const n = name.toLowerCase();
  const z = zone.toLowerCase();
  return n === z || n.endsWith(`.${z}`);
}

/**
 * How many labels `name` sits below `zone`: 0 for the apex, 1 for `a.zone` or `*.zone`, 2 for `a.b.zone`.
 * Cloudflare's Universal SSL certificate covers the apex and one level (`*.zone`) only.
 */
export function depthBelowZone(name: string, zone: string): number {
  if (!isInZone(name, zone)) throw new Error(`${name} is not in zone ${zone}`);
  if (name.toLowerCase() === zone.toLowerCase()) return 0;
  return name.slice(0, name.length - zone.length - 1).split(".").length;
}

/** True when `name` is a syntactically valid IPv4 or IPv6 address. */
export function isIpAddress(name: string): boolean {
  // node:net is authoritative and handles every IPv6 form.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isIP } = require("node:net") as typeof import("node:net");
  return isIP(name) !== 0;
}
