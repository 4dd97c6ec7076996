import { GRAPH_FORMAT_VERSION, type AttributionGraph } from '../protocol/graph';

/** Parses a `*.graph.json` file, saying which field is wrong instead of failing later in the webview. */
export function parseGraphFile(text: string, fileName: string): AttributionGraph {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const graph = value as Partial<AttributionGraph>;
  if (typeof value !== 'object' || value === null) throw new Error(`${fileName}: expected a JSON object.`);
  if (graph.format_version !== GRAPH_FORMAT_VERSION) {
    throw new Error(
      `${fileName}: "format_version" is ${JSON.stringify(graph.format_version)}; this version of ParamLens reads ${GRAPH_FORMAT_VERSION}.`,
    );
  }
  for (const key of ['tokens', 'modules', 'nodes', 'edges'] as const) {
    if (!Array.isArray(graph[key])) throw new Error(`${fileName}: "${key}" must be an array.`);
  }
  const ids = new Set(graph.nodes!.map((node) => node.id));
  const dangling = graph.edges!.find((edge) => !ids.has(edge.source) || !ids.has(edge.target));
  if (dangling) {
    throw new Error(
      `${fileName}: edge ${dangling.source} → ${dangling.target} refers to a node that is not in "nodes".`,
    );
  }
  return graph as AttributionGraph;
}
