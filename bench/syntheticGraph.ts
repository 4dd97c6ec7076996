import type { AttributionGraph, ComponentNode, GraphEdge, GraphNode, OutputNode } from '../protocol/graph';
import { seededRandom } from './seededRandom';

/** Sizes of a synthetic attribution graph. */
export interface SyntheticShape {
  blocks: number;
  positions: number;
  components: number;
  edges: number;
  seed: number;
}

const BLOCK_MODULES = ['attn.v_proj', 'attn.o_proj', 'mlp.c_fc', 'mlp.down_proj'];

/**
 * A random graph shaped like a real one: components spread over (module, position) cells, edges from
 * earlier to later rows at the same position, value → output-projection edges from earlier positions of
 * the same block, and a few predicted tokens at the last position. Seeded, so every run sees the same graph.
 */
export function syntheticGraph(shape: SyntheticShape): AttributionGraph {
  const random = seededRandom(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const modules = Array.from({ length: shape.blocks }, (_, block) =>
    BLOCK_MODULES.map((name) => `h.${block}.${name}`),
  ).flat();
  const tokens = Array.from({ length: shape.positions }, (_, position) => ` t${position}`);
  const last = shape.positions - 1;

  const components = new Map<string, ComponentNode>();
  while (components.size < shape.components) {
    const module = pick(modules);
    const position = Math.floor(random() * shape.positions);
    const component = Math.floor(random() * 1024);
    const id = `${module}:${position}:${component}`;
    const ci = 0.05 + 0.95 * random();
    components.set(id, {
      id,
      kind: 'component',
      module,
      position,
      component,
      ci,
      activation: 4 * random() - 2,
    });
  }
  const outputs: OutputNode[] = [0, 1, 2].map((rank) => ({
    id: `output:${last}:${100 + rank}`,
    kind: 'output',
    position: last,
    token_id: 100 + rank,
    token: ` next${rank}`,
    probability: 0.4 / (rank + 1),
  }));
  const nodes: GraphNode[] = [
    ...tokens.map((token, position): GraphNode => ({
      id: `embed:${position}`,
      kind: 'embed',
      position,
      token,
    })),
    ...components.values(),
    ...outputs,
  ];

  const rowOf = (node: GraphNode): number =>
    node.kind === 'embed'
      ? 0
      : node.kind === 'output'
        ? modules.length + 1
        : modules.indexOf(node.module) + 1;
  const canFeed = (source: GraphNode, target: GraphNode): boolean => {
    if (rowOf(source) >= rowOf(target)) return false;
    if (target.kind === 'component' && target.module.endsWith('o_proj')) {
      const valueModule = target.module.replace('o_proj', 'v_proj');
      return (
        source.kind === 'component' && source.module === valueModule && source.position <= target.position
      );
    }
    return source.position === target.position;
  };

  const targets = nodes.filter((node) => node.kind !== 'embed');
  const sourcesOf = new Map(targets.map((target) => [target, nodes.filter((node) => canFeed(node, target))]));
  const edges = new Map<string, GraphEdge>();
  const maxEdges = [...sourcesOf.values()].reduce((sum, sources) => sum + sources.length, 0);
  while (edges.size < Math.min(shape.edges, maxEdges)) {
    const target = pick(targets);
    const sources = sourcesOf.get(target)!;
    if (sources.length === 0) continue;
    const source = pick(sources);
    const weight = (random() < 0.25 ? -1 : 1) * random();
    edges.set(`${source.id}>${target.id}`, { source: source.id, target: target.id, weight });
  }

  return {
    format_version: 1,
    id: `synthetic-${shape.components}-${shape.edges}`,
    prompt: tokens.join(''),
    input_kind: 'tokens',
    tokens,
    modules,
    nodes,
    edges: [...edges.values()],
  };
}
