// Which of a run's modules an ID names: the module path as written, or a canonical short name
// (`1.mlp.down`, spec section 8) read against the module paths of common architectures (`h.1.mlp.down_proj`,
// `transformer.h.1.mlp.c_proj`, `model.layers.1.mlp.down_proj`).
import type { CanonicalBlock, CanonicalRole, SubcomponentIdMatch } from '../../protocol/ids';

const BLOCK_NAMES: Record<CanonicalBlock, readonly string[]> = {
  attn: ['attn', 'self_attn', 'attention', 'self_attention'],
  attn_fused: ['attn', 'self_attn', 'attention', 'self_attention'],
  mlp: ['mlp', 'feed_forward', 'ffn'],
  glu: ['mlp', 'feed_forward', 'ffn'],
};

// Leaf names per block and role; GPT-2's `c_proj` is the attention output in `attn` and the down
// projection in `mlp`, so leaves are looked up by block.
const ROLE_LEAVES: Record<CanonicalBlock, Partial<Record<CanonicalRole, readonly string[]>>> = {
  attn: {
    q: ['q_proj', 'q', 'query', 'wq'],
    k: ['k_proj', 'k', 'key', 'wk'],
    v: ['v_proj', 'v', 'value', 'wv'],
    o: ['o_proj', 'out_proj', 'c_proj', 'o', 'wo', 'dense'],
  },
  attn_fused: {
    qkv: ['c_attn', 'qkv_proj', 'qkv', 'query_key_value', 'wqkv'],
    o: ['c_proj', 'out_proj', 'o_proj', 'o', 'wo', 'dense'],
  },
  mlp: {
    up: ['c_fc', 'up_proj', 'fc1', 'fc_in', 'dense_h_to_4h', 'w1', 'up'],
    down: ['c_proj', 'down_proj', 'fc2', 'fc_out', 'dense_4h_to_h', 'w2', 'down'],
  },
  glu: {
    up: ['up_proj', 'w3', 'up'],
    gate: ['gate_proj', 'w1', 'gate'],
    down: ['down_proj', 'w2', 'down'],
  },
};

/** The module of `modules` that the ID names, or undefined when none does or a short name fits several. */
export function resolveModule(match: SubcomponentIdMatch, modules: readonly string[]): string | undefined {
  if (modules.includes(match.id.module)) return match.id.module;
  const short = match.short;
  if (short === undefined) return undefined;
  const leaves = ROLE_LEAVES[short.block][short.role] ?? [];
  const blocks = BLOCK_NAMES[short.block];
  const fits = modules.filter((module) => {
    const parts = module.toLowerCase().split('.');
    const layerAt = parts.indexOf(String(short.layer));
    const leaf = parts.at(-1);
    // The layer index must be the first number in the path: `h.1.mlp`, not an expert index further in.
    const firstNumber = parts.findIndex((part) => /^\d+$/.test(part));
    return (
      layerAt !== -1 &&
      layerAt === firstNumber &&
      parts.slice(layerAt + 1, -1).some((part) => blocks.includes(part)) &&
      leaf !== undefined &&
      leaves.includes(leaf)
    );
  });
  return fits.length === 1 ? fits[0] : undefined;
}
