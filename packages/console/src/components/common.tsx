/** Small shared pieces: errors in place, status badges, empty states, dates. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function ErrorNote(props: { error: Error | undefined; context?: string }) {
  if (props.error === undefined) return null;
  const e = props.error;
  const code = e instanceof ApiError ? `${e.code} (${e.status})` : e.name;
  return (
    <div className="error" role="alert">
      <strong>{props.context ?? 'Could not load'}:</strong> <span className="code">{code}</span> {e.message}
    </div>
  );
}

export function Status(props: { value: string }) {
  return <span className={`status status-${props.value.toLowerCase()}`}>{props.value}</span>;
}

export function Empty(props: { children: ReactNode }) {
  return <p className="empty">{props.children}</p>;
}

/** Holds the place of content still loading, at the height it will have. */
export function Placeholder(props: { rows?: number; label?: string }) {
  return (
    <div
      className="placeholder"
      role="status"
      aria-live="polite"
      style={{ minHeight: (props.rows ?? 3) * 32 }}
    >
      {props.label ?? 'Loading…'}
    </div>
  );
}

export function When(props: { at: string | undefined | null }) {
  if (props.at === undefined || props.at === null) return <span>—</span>;
  const d = new Date(props.at);
  return (
    <time dateTime={props.at} title={props.at}>
      {d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}

export function PageHeader(props: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{props.title}</h1>
      <div className="actions">{props.children}</div>
    </header>
  );
}
