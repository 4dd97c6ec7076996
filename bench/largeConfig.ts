// Large but valid configs for timing the language server: the shape of examples/tiny_llama.decomp.yaml
// with a long list of modules or of analysis prompts, grown to a given size.

const HEADER = `# A large config for timing the language server.
method: vpd
target:
  builtin: tiny_llama
data:
  text:
    train: [data/*.txt]
    tokenizer: data/tokenizer.json
    seq_len: 128
`;

const TRAINING = `training:
  steps: 20000
  batch_size: 32
  lr: 5.0e-4
logging:
  eval_every: 500
`;

/** A config of at least `bytes` bytes whose `modules` list holds most of it. */
export function configWithManyModules(bytes: number): string {
  const modules = grow(bytes - HEADER.length - TRAINING.length, (index) =>
    [`  - pattern: h.${index}.mlp.down_proj`, `    C: ${64 + (index % 512)}`].join('\n'),
  );
  return `${HEADER}modules:\n${modules}${TRAINING}`;
}

/** A config of at least `bytes` bytes whose `analysis.prompts` list holds most of it. */
export function configWithManyPrompts(bytes: number): string {
  const head = `${HEADER}modules:\n  - pattern: h.*.mlp.down_proj\n    C: 256\n${TRAINING}analysis:\n`;
  const prompts = grow(bytes - head.length, (index) =>
    [
      `    - prompt: 'Prompt ${index}: the cat sat on the mat and looked at the dog'`,
      `      name: prompt-${index}`,
    ].join('\n'),
  );
  return `${head}  components:\n    - h.1.mlp.down_proj:12\n  prompts:\n${prompts}`;
}

/** Lines from `entry` until they fill `bytes`. */
function grow(bytes: number, entry: (index: number) => string): string {
  const entries: string[] = [];
  let length = 0;
  for (let index = 0; length < bytes; index++) {
    const text = `${entry(index)}\n`;
    entries.push(text);
    length += text.length;
  }
  return entries.join('');
}
