// What model-aware features know about a config's target: its module listing (`modules.json`), and the
// alive subcomponents of the run chosen for the config, when one has been evaluated or harvested.
import type { ListedModule, ModuleListing } from '../../protocol/serverApi';
import { editDistance } from '../schema/suggest';
import { fnmatchCase } from './fnmatch';
import type { PatternEntry } from './configSections';

export interface ModelFacts {
  listing: ModuleListing;
  alive: AliveFacts | undefined;
}

export interface AliveFacts {
  runId: string;
  /** `harvest`: mean CI over the harvested tokens; `evaluation`: over the run's latest evaluation batches. */
  source: 'harvest' | 'evaluation';
  /** Alive subcomponents per module path. */
  perModule: ReadonlyMap<string, number>;
  /** Dead subcomponents as `module:index`; only a harvest has a row per subcomponent. */
  dead: ReadonlySet<string> | undefined;
}

/** Modules the engine can decompose: linear, conv1d and embedding layers. */
export function decomposableModules(listing: ModuleListing): ListedModule[] {
  return listing.modules.filter((module) => module.kind !== null);
}

/** Every listed module whose path the pattern matches, containers included, in listing order. */
export function modulesMatching(pattern: string, listing: ModuleListing): ListedModule[] {
  return listing.modules.filter((module) => fnmatchCase(module.path, pattern));
}

/** The config entry that decomposes a module path: the first pattern matching it, as the engine picks. */
export function patternFor(path: string, patterns: readonly PatternEntry[]): PatternEntry | undefined {
  return patterns.find((entry) => fnmatchCase(path, entry.pattern));
}

/** `linear 128 → 512`: how a module is decomposed, with its input and output dimensions. */
export function shapeOf(module: ListedModule): string {
  if (module.kind === null) {
    const weight = module.weight_shape === null ? 'no weight' : `weight [${module.weight_shape.join(', ')}]`;
    return `${module.type}, ${weight}, not decomposable`;
  }
  return `${module.kind} ${module.d_in ?? '?'} → ${module.d_out ?? '?'}`;
}

/**
 * Patterns that group decomposable modules across layers: each path with its layer numbers as `*`
 * (`h.0.mlp.c_fc` → `h.*.mlp.c_fc`), when that matches more than one module.
 */
export function layerPatterns(listing: ModuleListing): { pattern: string; modules: ListedModule[] }[] {
  const groups = new Map<string, ListedModule[]>();
  for (const module of decomposableModules(listing)) {
    const pattern = module.path
      .split('.')
      .map((part) => (/^\d+$/.test(part) ? '*' : part))
      .join('.');
    if (pattern === module.path) continue;
    groups.set(pattern, [...(groups.get(pattern) ?? []), module]);
  }
  return [...groups]
    .filter(([, modules]) => modules.length > 1)
    .map(([pattern, modules]) => ({ pattern, modules }));
}

/** The decomposable paths and layer patterns closest to `text` by edit distance, closest first. */
export function closestPaths(text: string, listing: ModuleListing, count = 3): string[] {
  const candidates = [
    ...layerPatterns(listing).map(({ pattern }) => pattern),
    ...decomposableModules(listing).map((module) => module.path),
  ];
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(text, candidate) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ candidate }) => candidate);
}
