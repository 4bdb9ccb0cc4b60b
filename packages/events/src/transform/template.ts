/**
 * Placeholder substitution in an InputTemplate, with EventBridge's quoting:
 * in a JSON template a value outside quotes is written as JSON (strings get
 * their quotes), inside quotes a string is escaped in place and an object is
 * written raw (which leaves invalid JSON); in a string template strings are
 * written raw and objects and lists are flattened with their quotes removed.
 * An undefined value (missing path) is an empty string.
 */

/** True when the template is meant to produce JSON (an object or an array). */
export function isJsonTemplate(template: string): boolean {
  const first = template.trimStart()[0];
  return first === '{' || first === '[';
}

function asJson(value: unknown): string {
  return value === undefined ? '""' : (JSON.stringify(value) ?? '""');
}

function inQuotes(value: unknown, json: boolean): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
  if (typeof value === 'object' && value !== null && !json) return flat(value);
  return JSON.stringify(value);
}

function flat(value: object): string {
  return JSON.stringify(value).replaceAll('"', '');
}

function bare(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return flat(value);
  return JSON.stringify(value);
}

/** Where a placeholder sits and what kind of template holds it. */
export interface Site {
  readonly json: boolean;
  readonly quoted: boolean;
}

/** The text to put in place of a value at a site. */
export function render(value: unknown, site: Site): string {
  if (site.quoted) return inQuotes(value, site.json);
  return site.json ? asJson(value) : bare(value);
}

/**
 * Walks the template, calling `replace` for each `<name>` with its site; a
 * `null` answer leaves the placeholder as written.
 */
export function substitute(template: string, replace: (name: string, site: Site) => string | null): string {
  const json = isJsonTemplate(template);
  let out = '';
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] ?? '';
    if (c === '\\' && quoted) {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    const end = c === '<' ? template.indexOf('>', i + 1) : -1;
    const name = end > i ? template.slice(i + 1, end) : null;
    const text = name === null || name.includes('<') ? null : replace(name, { json, quoted });
    if (text === null) out += c;
    else {
      out += text;
      i = end;
    }
  }
  return out;
}
