/** UTF-8 and base64 without platform globals (the package has no DOM or Node typings). */

/** UTF-8 bytes of a string. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Decodes UTF-8 bytes; throws on invalid sequences. */
export function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const x = b[i] as number;
    const n = x < 0x80 ? 0 : x >= 0xf0 ? 3 : x >= 0xe0 ? 2 : x >= 0xc0 ? 1 : -1;
    if (n < 0 || i + n > b.length - 1) throw new Error('invalid UTF-8');
    let c = n === 0 ? x : x & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const y = b[i + k] as number;
      if ((y & 0xc0) !== 0x80) throw new Error('invalid UTF-8');
      c = (c << 6) | (y & 63);
    }
    s += String.fromCodePoint(c);
    i += n + 1;
  }
  return s;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding. */
export function base64Encode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] as number) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += ALPHABET[n >> 18] as string;
    s += ALPHABET[(n >> 12) & 63] as string;
    s += i + 1 < b.length ? (ALPHABET[(n >> 6) & 63] as string) : '=';
    s += i + 2 < b.length ? (ALPHABET[n & 63] as string) : '=';
  }
  return s;
}

/** Decodes standard base64; throws on invalid input. */
export function base64Decode(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error('invalid base64');
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const q = [0, 1, 2, 3].map((k) => (s[i + k] === '=' ? 0 : ALPHABET.indexOf(s[i + k] as string)));
    const n =
      ((q[0] as number) << 18) | ((q[1] as number) << 12) | ((q[2] as number) << 6) | (q[3] as number);
    out.push(n >> 16);
    if (s[i + 2] !== '=') out.push((n >> 8) & 255);
    if (s[i + 3] !== '=') out.push(n & 255);
  }
  return Uint8Array.from(out);
}
