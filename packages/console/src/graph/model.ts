/**
 * An ASL definition as a graph: one node per state (ids are scoped, since
 * names repeat across Parallel branches and Map processors), Parallel and Map
 * states as groups that hold their branches, and edges for Next, Default,
 * Choice branches (labelled with their condition) and Catch.
 */
import { describeChoice } from './choice.js';

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface GraphNode {
  id: string;
  /** The state's name (what history events carry), or a group's caption. */
  name: string;
  /** The ASL type, or `Branch` / `Start` / `End` for the nodes the console adds. */
  type: string;
  start: boolean;
  retries: number;
  children: GraphNode[];
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Scope {
  prefix: string;
  edges: GraphEdge[];
}

/** The graph of a definition; an unreadable definition gives an empty graph. */
export function toGraph(definition: unknown): Graph {
  counter = 0;
  const edges: GraphEdge[] = [];
  if (!isObj(definition)) return { nodes: [], edges };
  const states = machine({ prefix: '', edges }, definition);
  const nodes: GraphNode[] = [
    { id: '__start', name: 'Start', type: 'Start', start: false, retries: 0, children: [] },
    ...states,
    { id: '__end', name: 'End', type: 'End', start: false, retries: 0, children: [] },
  ];
  const startAt = str(definition.StartAt);
  if (startAt !== undefined) edges.push({ id: 'e:start', source: '__start', target: startAt, kind: 'next' });
  for (const s of states) if (ends(definition, s.name)) edges.push(edge(s.id, '__end', 'next'));
  return { nodes, edges };
}

function ends(definition: Obj, name: string): boolean {
  const state = isObj(definition.States) ? definition.States[name] : undefined;
  if (!isObj(state)) return false;
  return state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
}

let counter = 0;
function edge(source: string, target: string, kind: EdgeKind, label?: string): GraphEdge {
  counter += 1;
  return label === undefined
    ? { id: `e${counter}`, source, target, kind }
    : { id: `e${counter}`, source, target, kind, label };
}

/** The states of one machine (top level, a branch or a Map processor) and the edges between them. */
function machine(scope: Scope, def: Obj): GraphNode[] {
  const states = isObj(def.States) ? def.States : {};
  const id = (name: string) => `${scope.prefix}${name}`;
  const nodes: GraphNode[] = [];
  for (const [name, raw] of Object.entries(states)) {
    const state = isObj(raw) ? raw : {};
    const type = str(state.Type) ?? '?';
    const retries = Array.isArray(state.Retry) ? state.Retry.length : 0;
    nodes.push({
      id: id(name),
      name,
      type,
      start: def.StartAt === name,
      retries,
      children: groups(scope, id(name), state),
    });
    addEdges(scope, id, name, state);
  }
  return nodes;
}

function addEdges(scope: Scope, id: (n: string) => string, name: string, state: Obj): void {
  const next = str(state.Next);
  if (next !== undefined) scope.edges.push(edge(id(name), id(next), 'next'));
  if (state.Type === 'Choice') {
    const choices = Array.isArray(state.Choices) ? state.Choices : [];
    for (const choice of choices) {
      if (!isObj(choice) || str(choice.Next) === undefined) continue;
      scope.edges.push(edge(id(name), id(String(choice.Next)), 'choice', describeChoice(choice)));
    }
    const fallback = str(state.Default);
    if (fallback !== undefined) scope.edges.push(edge(id(name), id(fallback), 'default', 'Default'));
  }
  const catches = Array.isArray(state.Catch) ? state.Catch : [];
  for (const c of catches) {
    if (!isObj(c) || str(c.Next) === undefined) continue;
    const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(', ') : '';
    scope.edges.push(edge(id(name), id(String(c.Next)), 'catch', `Catch: ${errors}`));
  }
}

/** A Parallel's branches, or a Map's processor, as nested groups. */
function groups(scope: Scope, parentId: string, state: Obj): GraphNode[] {
  const inner = (def: unknown, key: string, caption: string): GraphNode => {
    const groupId = `${parentId}/${key}`;
    const children = isObj(def) ? machine({ prefix: `${groupId}/`, edges: scope.edges }, def) : [];
    return { id: groupId, name: caption, type: 'Branch', start: false, retries: 0, children };
  };
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return state.Branches.map((b, i) => inner(b, String(i), `Branch ${i + 1}`));
  }
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return [inner(processor, 'items', 'Each item')];
  }
  return [];
}
