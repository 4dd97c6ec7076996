// Reads the IDs of an intervention against the run's C layout: which columns of the component mask
// each one selects, at every position or at one.
import { parseNodeId, parseShortSubcomponentId, parseSubcomponentId } from '../../protocol/ids';
import { InferenceError } from './errors';
import type { ModuleSlice } from './modelSidecar';
import { resolveModule } from '../runs/moduleNames';

export interface MaskSelection {
  /** Column on the C_total axis. */
  column: number;
  /** The one position a node ID names; undefined for a subcomponent ID (every position). */
  position: number | undefined;
}

/** Resolves each ID, or throws an InferenceError naming the first bad one and what would be valid. */
export function resolveInterventionIds(
  ids: readonly string[],
  modules: readonly ModuleSlice[],
  tokenCount: number,
): MaskSelection[] {
  return ids.map((text) => resolveId(text, modules, tokenCount));
}

function resolveId(text: string, modules: readonly ModuleSlice[], tokenCount: number): MaskSelection {
  const subcomponent = parseSubcomponentId(text);
  if (subcomponent !== undefined) {
    const module = findModule(text, subcomponent.module, modules);
    return { column: column(text, module, subcomponent.index), position: undefined };
  }
  const node = parseNodeId(text);
  if (node !== undefined && node.kind !== 'component') {
    throw new InferenceError(
      `${text}: pseudo-nodes (embed, output) have no mask; only subcomponents can be kept or ablated.`,
    );
  }
  if (node?.kind === 'component') {
    const module = findModule(text, node.module, modules);
    if (node.position >= tokenCount) {
      throw new InferenceError(
        `${text}: position ${node.position} is out of range; the text has ${tokenCount} tokens ` +
          `(positions 0–${tokenCount - 1}).`,
      );
    }
    return { column: column(text, module, node.index), position: node.position };
  }
  throw new InferenceError(
    `${JSON.stringify(text)} is not a subcomponent ID (h.1.mlp.down_proj:12, or the short 1.mlp.down:12) ` +
      'or a node ID (h.1.mlp.down_proj:3:12, position 3).',
  );
}

function findModule(text: string, name: string, modules: readonly ModuleSlice[]): ModuleSlice {
  const exact = modules.find((module) => module.path === name);
  if (exact !== undefined) return exact;
  if (name === 'embed' || name === 'output') {
    throw new InferenceError(
      `${text}: pseudo-nodes (embed, output) have no mask; only subcomponents can be kept or ablated.`,
    );
  }
  const paths = modules.map((module) => module.path);
  // A short name (`1.mlp.down`) is read as hover reads it; one that fits several modules resolves to none.
  const short = parseShortSubcomponentId(`${name}:0`);
  const id = { module: name, index: 0 };
  const resolved = resolveModule({ text, start: 0, end: text.length, id, short }, paths);
  if (resolved !== undefined) return modules.find((module) => module.path === resolved) as ModuleSlice;
  throw new InferenceError(`${text}: the run has no module ${name}; its modules are ${paths.join(', ')}.`);
}

function column(text: string, module: ModuleSlice, index: number): number {
  if (index >= module.C) {
    throw new InferenceError(
      `${text}: index ${index} is out of range; ${module.path} has ${module.C} subcomponents (indices 0–${module.C - 1}).`,
    );
  }
  return module.offset + index;
}
