// Which of a run's modules an ID names: the module path as written, or a canonical short name
// (`1.mlp.down`, spec section 8) read against the module paths of common architectures (`h.1.mlp.down_proj`,
// `transformer.h.1.mlp.c_proj`, `model.layers.1.mlp.down_proj`). The names come from
// protocol/shortNames.generated.json, written from the Python package's table; both resolvers are tested on
// protocol/shortNames.cases.json.
import type {
  CanonicalBlock,
  CanonicalRole,
  ShortSubcomponentId,
  SubcomponentIdMatch,
} from '../../protocol/ids';
import shortNames from '../../protocol/shortNames.generated.json';

const BLOCK_NAMES: Record<CanonicalBlock, readonly string[]> = shortNames.blocks;
const ROLE_LEAVES: Record<
  CanonicalBlock,
  Partial<Record<CanonicalRole, readonly string[]>>
> = shortNames.leaves;
const NUMBER = /^(0|[1-9][0-9]*)$/;

/**
 * The modules the short name describes: the layer number is the path's first number, a later part names a
 * block of the short name's kind, and the last part is a leaf name that plays its role (compared without case).
 */
export function modulesForShortName(short: ShortSubcomponentId, modules: readonly string[]): string[] {
  const leaves = ROLE_LEAVES[short.block][short.role] ?? [];
  const blocks = BLOCK_NAMES[short.block];
  return modules.filter((module) => {
    const parts = module.toLowerCase().split('.');
    const layerAt = parts.findIndex((part) => NUMBER.test(part));
    const leaf = parts.at(-1);
    return (
      layerAt !== -1 &&
      Number(parts[layerAt]) === short.layer &&
      parts.slice(layerAt + 1, -1).some((part) => blocks.includes(part)) &&
      leaf !== undefined &&
      leaves.includes(leaf)
    );
  });
}

/** The module of `modules` that the ID names, or undefined when none does or a short name fits several. */
export function resolveModule(match: SubcomponentIdMatch, modules: readonly string[]): string | undefined {
  if (modules.includes(match.id.module)) return match.id.module;
  if (match.short === undefined) return undefined;
  const fits = modulesForShortName(match.short, modules);
  return fits.length === 1 ? fits[0] : undefined;
}
