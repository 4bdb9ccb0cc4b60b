/**
 * Draws a laid-out definition as SVG. With `statuses` (state name → what
 * happened to it) nodes are colored and say their status in words too; with
 * `onSelect` they are buttons (Tab, Enter) that pick a state.
 */
import { type KeyboardEvent, useEffect, useState } from 'react';
import { ErrorNote, Placeholder } from '../components/common.js';
import { type Box, caption, type Layout, type Line, layout, shortLabel } from './layout.js';
import { toGraph } from './model.js';

export type StateStatus = 'running' | 'succeeded' | 'failed' | 'caught' | 'aborted';

interface Props {
  definition: unknown;
  statuses?: ReadonlyMap<string, StateStatus>;
  selected?: string | undefined;
  onSelect?: (stateName: string) => void;
}

export function GraphView(props: Props) {
  const [result, setResult] = useState<{ layout?: Layout; error?: Error }>({});
  const [fit, setFit] = useState(false);
  useEffect(() => {
    let live = true;
    layout(toGraph(props.definition)).then(
      (l) => live && setResult({ layout: l }),
      (err: unknown) => live && setResult({ error: err instanceof Error ? err : new Error(String(err)) }),
    );
    return () => {
      live = false;
    };
  }, [props.definition]);
  if (result.error !== undefined)
    return <ErrorNote error={result.error} context="Could not draw the graph" />;
  const l = result.layout;
  if (l === undefined) return <Placeholder rows={8} label="Drawing the graph…" />;
  const states = l.boxes.filter((b) => !['Start', 'End', 'Branch'].includes(b.node.type)).length;
  return (
    <figure className="graph-scroll" aria-label={`State machine graph, ${states} states`}>
      <button type="button" className="graph-zoom" aria-pressed={fit} onClick={() => setFit(!fit)}>
        {fit ? 'Actual size' : 'Fit to view'}
      </button>
      <svg
        className={fit ? 'graph fit' : 'graph'}
        width={fit ? '100%' : l.width}
        height={fit ? undefined : l.height}
        viewBox={`0 0 ${l.width} ${l.height}`}
      >
        <title>{`The states and transitions of the definition (${states} states)`}</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
          </marker>
        </defs>
        {l.boxes
          .filter((b) => b.group)
          .map((b) => (
            <GroupBox key={b.id} box={b} status={props.statuses?.get(b.node.name)} />
          ))}
        {l.lines.map((line) => (
          <Edge key={line.id} line={line} />
        ))}
        {l.boxes
          .filter((b) => !b.group)
          .map((b) => (
            <StateBox
              key={b.id}
              box={b}
              status={props.statuses?.get(b.node.name)}
              selected={props.selected === b.node.name}
              onSelect={props.onSelect}
            />
          ))}
      </svg>
    </figure>
  );
}

function GroupBox(props: { box: Box; status: StateStatus | undefined }) {
  const { box } = props;
  const branch = box.node.type === 'Branch';
  const cls = `group ${branch ? 'branch' : 'container'} ${props.status === undefined ? '' : `st-${props.status}`}`;
  return (
    <g className={cls} data-state={branch ? undefined : box.node.name}>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} />
      <text x={box.x + 12} y={box.y + 21} className="group-caption">
        {caption(box.node)}
        {props.status === undefined ? '' : ` · ${props.status}`}
      </text>
    </g>
  );
}

function StateBox(props: {
  box: Box;
  status: StateStatus | undefined;
  selected: boolean;
  onSelect: ((name: string) => void) | undefined;
}) {
  const { box, status, onSelect } = props;
  const { node } = box;
  const terminal = node.type === 'Start' || node.type === 'End';
  const cx = box.x + box.width / 2;
  const detail = [node.type, node.retries > 0 ? `retry ×${node.retries}` : '', status ?? '']
    .filter((s) => s !== '')
    .join(' · ');
  const interactive = onSelect !== undefined && !terminal;
  const select = () => onSelect?.(node.name);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select();
    }
  };
  const cls = ['state', `type-${node.type.toLowerCase()}`, status === undefined ? '' : `st-${status}`];
  if (props.selected) cls.push('selected');
  if (node.start) cls.push('start');
  return (
    <g
      className={cls.join(' ')}
      data-state={terminal ? undefined : node.name}
      {...(interactive
        ? {
            role: 'button',
            tabIndex: 0,
            'aria-label': `${node.name}, ${detail}`,
            'aria-pressed': props.selected,
            onClick: select,
            onKeyDown,
          }
        : {})}
    >
      <title>{`${node.name} (${detail})`}</title>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={terminal ? box.height / 2 : 6} />
      {terminal ? (
        <text x={cx} y={box.y + 19} className="state-name" textAnchor="middle">
          {node.name}
        </text>
      ) : (
        <>
          <text x={cx} y={box.y + 20} className="state-name" textAnchor="middle">
            {node.name}
          </text>
          <text x={cx} y={box.y + 37} className="state-type" textAnchor="middle">
            {detail}
          </text>
        </>
      )}
    </g>
  );
}

function Edge(props: { line: Line }) {
  const { line } = props;
  if (line.points.length === 0) return null;
  const d = line.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const label = line.label;
  return (
    <g className={`edge edge-${line.kind}`}>
      <path d={d} markerEnd="url(#arrow)" />
      {label === undefined ? null : (
        <g className="edge-label">
          <title>{label.text}</title>
          <rect x={label.x} y={label.y} width={label.width} height={label.height} rx={3} />
          <text x={label.x + 5} y={label.y + 12}>
            {shortLabel(label.text)}
          </text>
        </g>
      )}
    </g>
  );
}
