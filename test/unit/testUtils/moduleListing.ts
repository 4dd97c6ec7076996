// A module listing in the `modules.json` format (docs/formats.md), shaped like the built-in tiny Llama's:
// an embedding, two blocks of attention and MLP linears, their containers and norms, and the LM head.
import type { ListedModule, ModuleListing } from '../../../protocol/serverApi';

export const MODEL_SOURCE = '/src/paramlens/targets/llama.py';

function linear(path: string, line: number, d_in: number, d_out: number): ListedModule {
  return {
    path,
    type: 'Linear',
    kind: 'linear',
    weight_shape: [d_out, d_in],
    d_in,
    d_out,
    source: { file: MODEL_SOURCE, line },
    matched_by: null,
    C: null,
  };
}

function container(path: string, type: string, line: number): ListedModule {
  return {
    path,
    type,
    kind: null,
    weight_shape: null,
    d_in: null,
    d_out: null,
    source: { file: MODEL_SOURCE, line },
    matched_by: null,
    C: null,
  };
}

export const TINY_LISTING: ModuleListing = {
  format_version: 1,
  target: { source: 'builtin', name: 'tiny_llama', seed: 0 },
  modules: [
    { ...linear('wte', 122, 4096, 128), type: 'Embedding', kind: 'embedding' },
    container('h', 'ModuleList', 123),
    ...[0, 1].flatMap((layer) => [
      container(`h.${layer}`, 'Block', 104),
      container(`h.${layer}.attn`, 'CausalSelfAttention', 108),
      linear(`h.${layer}.attn.q_proj`, 71, 128, 128),
      linear(`h.${layer}.attn.o_proj`, 74, 128, 128),
      container(`h.${layer}.mlp`, 'MLP', 110),
      linear(`h.${layer}.mlp.c_fc`, 96, 128, 512),
      linear(`h.${layer}.mlp.down_proj`, 97, 512, 128),
    ]),
    linear('lm_head', 125, 128, 4096),
  ],
};
