/** Pieces of the databases page: TTL countdown, endpoint text, the provisioning run's link. */
import { useEffect, useState } from 'react';
import { seg } from '../api/client.js';
import type { Endpoint } from '../api/types.js';

export const endpointText = (e: Endpoint | null | undefined) => (e == null ? '—' : `${e.host}:${e.port}`);

/** `arn:dbplane:states:<region>:<account>:execution:<machine>:<name>` → the console's execution page. */
export function executionLink(arn: string | null | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  if (parts.length < 8 || parts[5] !== 'execution') return undefined;
  return `/state-machines/${seg(parts[6] ?? '')}/executions/${seg(parts.slice(7).join(':'))}`;
}

function left(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

export function Countdown(props: { until: string | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (props.until === undefined) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [props.until]);
  if (props.until === undefined) return <span>no TTL</span>;
  return <time dateTime={props.until}>{left(Date.parse(props.until) - now)}</time>;
}
