/** JSON, pretty-printed and highlighted (keys, strings, numbers, literals), in a scrollable block. */
import { type ReactNode, useMemo } from 'react';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

function highlight(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    const [whole, str, colon, literal, num] = m;
    if (str !== undefined) {
      out.push(
        <span key={at} className={colon === undefined ? 'j-str' : 'j-key'}>
          {str}
        </span>,
      );
      if (colon !== undefined) out.push(colon);
    } else if (literal !== undefined) {
      out.push(
        <span key={at} className="j-lit">
          {literal}
        </span>,
      );
    } else if (num !== undefined) {
      out.push(
        <span key={at} className="j-num">
          {num}
        </span>,
      );
    }
    last = at + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A JSON text given as a string is parsed first, so that history payloads print like values. */
export function asValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export function Json(props: { value: unknown; label: string; maxHeight?: number }) {
  const text = useMemo(
    () => (props.value === undefined ? '—' : JSON.stringify(asValue(props.value), null, 2)),
    [props.value],
  );
  return (
    <section
      className="json"
      aria-label={props.label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      style={props.maxHeight === undefined ? undefined : { maxHeight: props.maxHeight }}
    >
      <pre>
        <code>{highlight(text)}</code>
      </pre>
    </section>
  );
}
