// Text shown for tokens, probabilities and modules. Layout sizes boxes from the same strings, so the
// renderer and the ELK input agree on what is drawn.

/** A token as one visible word: whitespace-only tokens stay visible, line breaks don't break the label. */
export function displayToken(token: string): string {
  const visible = token.replaceAll('\n', '↵').replaceAll('\t', '⇥').trim();
  return visible === '' ? '␣' : visible;
}

export function formatProbability(probability: number): string {
  const percent = probability * 100;
  return `${percent < 10 ? percent.toFixed(1) : percent.toFixed(0)}%`;
}

// Leaf names of common decompositions and their canonical roles (spec section 8).
const ROLE_BY_LEAF: Record<string, string> = {
  q_proj: 'q',
  k_proj: 'k',
  v_proj: 'v',
  o_proj: 'o',
  c_fc: 'up',
  up_proj: 'up',
  gate_proj: 'gate',
  down_proj: 'down',
  self_attn: 'attn',
};

// Containers of the per-layer blocks in common model classes; dropping them leaves `<layer>.<block>.<role>`.
const LAYER_CONTAINER = /^(?:model\.layers|transformer\.h|layers|h)\.(?=\d)/;

/** A short row label such as `0.attn.o` or `1.mlp.up`; paths that follow no known scheme are shortened only. */
export function shortModuleName(modulePath: string): string {
  return modulePath
    .replace(LAYER_CONTAINER, '')
    .split('.')
    .map((part) => ROLE_BY_LEAF[part] ?? part)
    .join('.');
}
