/** Wildcard patterns: `*` matches any run of characters, `\*` a literal star, `\\` a backslash. */

/** event-ruler's position: the UTF-8 byte offset in the value with its opening quote. */
function pos(pattern: string, i: number): number {
  let bytes = 1;
  for (const ch of pattern.slice(0, i)) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The reason a wildcard is rejected (event-ruler's texts), or null when it is valid. */
export function wildcardProblem(pattern: string): string | null {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${pos(pattern, i)}`;
      i++;
    } else if (c === '*' && pattern[i + 1] === '*') {
      return `Consecutive wildcard characters at pos ${pos(pattern, i)}`;
    }
  }
  return null;
}

/** The literal text before the first unescaped `*` (all of it when there is none). */
export function wildcardLiteralPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') return out;
    if (c === '\\') i++;
    out += pattern[i] ?? '';
  }
  return out;
}

/** Compiles a valid wildcard pattern into an anchored regular expression. */
export function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      source += '.*';
      continue;
    }
    const literal = c === '\\' ? (pattern[++i] ?? '') : c;
    source += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
