/**
 * Lays a {@link Graph} out with ELK (layered, top to bottom, groups laid out
 * with their children) and returns absolute boxes and edge polylines for SVG.
 */
import type { ELK as Elk, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { EdgeKind, Graph, GraphNode } from './model.js';

export interface Box {
  id: string;
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  group: boolean;
}

export interface Line {
  id: string;
  kind: EdgeKind;
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface Layout {
  boxes: Box[];
  lines: Line[];
  width: number;
  height: number;
}

const CHAR = 7.4;
const LABEL_MAX = 42;
let elk: Promise<Elk> | undefined;
/** ELK is large: it is loaded (as its own chunk) when the first graph is drawn. */
const loadElk = () => {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
};

/** A group's caption: `Fan · Parallel`, `Branch 1`. */
export const caption = (node: GraphNode) =>
  node.type === 'Branch' ? node.name : `${node.name} · ${node.type}`;

/** Edge labels are cut to a readable length; the full text stays in the title. */
export const shortLabel = (text: string) =>
  text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;

function elkNode(node: GraphNode): ElkNode {
  if (node.children.length > 0) {
    return {
      id: node.id,
      layoutOptions: {
        'elk.padding': '[top=34,left=14,bottom=14,right=14]',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.round(caption(node).length * CHAR + 120)}, 40)`,
      },
      children: node.children.map(elkNode),
    };
  }
  const terminal = node.type === 'Start' || node.type === 'End';
  // room for the detail line with a status: `Task · retry ×2 · succeeded`
  const chars = Math.max(node.name.length + 2, node.type.length + (node.retries > 0 ? 10 : 0) + 12);
  return { id: node.id, width: terminal ? 64 : Math.max(110, chars * CHAR + 28), height: terminal ? 30 : 48 };
}

function allIds(nodes: readonly GraphNode[], into = new Set<string>()): Set<string> {
  for (const n of nodes) {
    into.add(n.id);
    allIds(n.children, into);
  }
  return into;
}

export async function layout(graph: Graph): Promise<Layout> {
  const ids = allIds(graph.nodes);
  const edges: ElkExtendedEdge[] = graph.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels:
        e.label === undefined
          ? []
          : [{ text: shortLabel(e.label), width: shortLabel(e.label).length * 6.6 + 10, height: 16 }],
    }));
  const root = await (await loadElk()).layout({
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '46',
      'elk.spacing.nodeNode': '30',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map(elkNode),
    edges,
  });
  return collect(root, graph);
}

function collect(root: ElkNode, graph: Graph): Layout {
  const byId = new Map<string, GraphNode>();
  const index = (nodes: readonly GraphNode[]) => {
    for (const n of nodes) {
      byId.set(n.id, n);
      index(n.children);
    }
  };
  index(graph.nodes);
  const kinds = new Map(graph.edges.map((e) => [e.id, e] as const));
  const boxes: Box[] = [];
  const lines: Line[] = [];
  const offsets = new Map<string, { x: number; y: number }>([['__root', { x: 0, y: 0 }]]);
  const walk = (parent: ElkNode, ox: number, oy: number) => {
    for (const child of parent.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      offsets.set(child.id, { x, y });
      const node = byId.get(child.id);
      if (node !== undefined) {
        const group = (child.children?.length ?? 0) > 0;
        boxes.push({ id: child.id, node, x, y, width: child.width ?? 0, height: child.height ?? 0, group });
      }
      walk(child, x, y);
    }
    for (const e of parent.edges ?? []) lines.push(line(e, offsets, kinds));
  };
  walk(root, 0, 0);
  return { boxes, lines, width: root.width ?? 0, height: root.height ?? 0 };
}

function line(
  e: ElkExtendedEdge,
  offsets: Map<string, { x: number; y: number }>,
  kinds: Map<string, { kind: EdgeKind; label?: string }>,
): Line {
  const container = (e as { container?: string }).container ?? '__root';
  const o = offsets.get(container) ?? { x: 0, y: 0 };
  const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
  const meta = kinds.get(e.id);
  const l = e.labels?.[0];
  const result: Line = {
    id: e.id,
    kind: meta?.kind ?? 'next',
    points: points.map((p) => ({ x: p.x + o.x, y: p.y + o.y })),
  };
  if (l !== undefined && meta?.label !== undefined) {
    result.label = {
      text: meta.label,
      x: (l.x ?? 0) + o.x,
      y: (l.y ?? 0) + o.y,
      width: l.width ?? 0,
      height: l.height ?? 0,
    };
  }
  return result;
}
