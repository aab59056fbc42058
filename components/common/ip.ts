/**
 * IP addresses as Go's `net.ParseIP` reads them (current Go implements it with `netip.ParseAddr` and refuses zones), which is what the `tls` provider
 * (hashicorp/terraform-provider-tls, `ip_addresses`: `net.ParseIP(ipStr)`, "Invalid IP
 * address" when it returns nil) and so every certificate the library issues go by:
 * - IPv4 is dotted decimal with exactly four parts, each 0-255, without leading zeros
 *   (Go ≥ 1.17 rejects `010.0.0.1`);
 * - IPv6 is hex groups with at most one `::`, optionally ending in an embedded IPv4;
 *   a zone (`fe80::1%eth0`) is not an IP for ParseIP;
 * - in a certificate, Go's x509 writes `ip.To4()` when it is non-nil: an IPv4-mapped IPv6
 *   address (`::ffff:10.0.0.1`) becomes the 4-byte IPv4 address 10.0.0.1.
 */

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith("0"))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === "") return [];
    const bytes: number[] = [];
    const parts = h.split(":");
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        bytes.push(...v4);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      const n = parseInt(p, 16);
      bytes.push(n >> 8, n & 0xff);
    }
    return bytes;
  };
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (!left || !right) return undefined;
  // An embedded IPv4 may only end the address.
  if (halves.length === 2 && (halves[0] ?? "").includes(".")) return undefined;
  if (halves.length === 1) return left.length === 16 ? left : undefined;
  const missing = 16 - left.length - right.length;
  if (missing < 2) return undefined; // `::` stands for at least one group
  return [...left, ...new Array<number>(missing).fill(0), ...right];
}

/** The address bytes Go's `net.ParseIP` gives for `s` (4 for dotted IPv4, else 16), or undefined when it returns nil. */
export function goParseIp(s: string): Uint8Array | undefined {
  if (typeof s !== "string" || s === "") return undefined;
  // netip.ParseAddr (behind net.ParseIP) decides by the first '.', ':' or '%'; a zone makes ParseIP return nil.
  const first = /[.:%]/.exec(s)?.[0];
  if (first === ".") {
    const v4 = parseIPv4(s);
    return v4 ? Uint8Array.from(v4) : undefined;
  }
  if (first !== ":" || s.includes("%")) return undefined;
  const v6 = parseIPv6(s);
  return v6 ? Uint8Array.from(v6) : undefined;
}

/** Go's `ip.To4()`: the 4-byte form of an IPv4 or IPv4-mapped (`::ffff:a.b.c.d`) address, else undefined. */
export function goTo4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) return ip.slice(12);
  return undefined;
}

/**
 * The address a certificate's iPAddress SAN holds for `s`, as text (dotted IPv4, or the
 * eight full hex groups of IPv6), or undefined when Go's ParseIP rejects `s`.
 */
export function certificateIpText(s: string): string | undefined {
  const ip = goParseIp(s);
  if (!ip) return undefined;
  const v4 = goTo4(ip);
  if (v4) return [...v4].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip[i] ?? 0) << 8) | (ip[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}
