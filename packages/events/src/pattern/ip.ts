/** IP addresses and CIDR blocks as bit strings, so a block is a prefix of its addresses. */

/** An address or block: `bits` holds one '0'/'1' character per bit. */
export interface IpBits {
  readonly family: 4 | 6;
  readonly bits: string;
}

function byteBits(n: number, width: number): string {
  return n.toString(2).padStart(width, '0');
}

/** Dotted quad -> 32 bits, scanning characters (hot path: every string tested against a cidr). */
function ipv4(text: string): string | null {
  const n = ipv4Number(text);
  return n < 0 ? null : byteBits(n, 32);
}

/** A dotted quad as an unsigned 32-bit number, or -1 when `text` is not one. */
export function ipv4Number(text: string): number {
  let n = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) {
      octet = (octet < 0 ? 0 : octet * 10) + c - 48;
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3 && octet <= 255) {
      n = n * 256 + octet;
      [octet, digits] = [-1, 0];
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return -1;
  return n * 256 + octet;
}

function groups(text: string): string[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  return parts.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p)) ? parts : null;
}

function ipv6(text: string): string | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return all.map((g) => byteBits(Number.parseInt(g, 16), 16)).join('');
}

/** The bits of an IPv4 or IPv6 address, or null when `text` is not one. */
export function ipBits(text: string): IpBits | null {
  const v4 = ipv4(text);
  if (v4 !== null) return { family: 4, bits: v4 };
  const v6 = text.includes(':') ? ipv6(text) : null;
  return v6 === null ? null : { family: 6, bits: v6 };
}

/** A CIDR block: addresses whose first bits equal `bits` and that are not below `base` (the address as written). */
export interface CidrBlock {
  readonly family: 4 | 6;
  readonly bits: string;
  readonly base: string;
}

/**
 * Parses `10.0.0.0/24` as event-ruler does: the range runs from the address as
 * written (not masked) to the top of its block; or gives event-ruler's reason.
 */
export function parseCidr(text: string): CidrBlock | string {
  const slashed = text.split('/');
  if (slashed.length !== 2) return "Malformed CIDR, one '/' required";
  const [address = '', mask = ''] = slashed;
  if (!/^[+-]?\d+$/.test(mask)) return 'Malformed CIDR, mask bits must be an integer';
  const len = Number(mask);
  if (len < 0) return 'Malformed CIDR, mask bits must not be negative';
  const ip = ipBits(address);
  if (ip === null) return `Nonstandard IP address: ${address}`;
  if (ip.family === 4 && len > 31) return 'IPv4 mask bits must be < 32';
  if (ip.family === 6 && len > 127) return 'IPv6 mask bits must be < 128';
  return { family: ip.family, bits: ip.bits.slice(0, len), base: ip.bits };
}
