// Parser and printer for subcomponent and graph-node IDs (DESIGN.md "Subcomponent and node IDs").
// The Python package has its own; both are tested on `ids.cases.json`. Parsers return `undefined` on
// invalid input instead of throwing, because hover calls them on arbitrary text.

/** `<module_path>:<index>`, e.g. `h.2.mlp.down_proj:2359`; `module` is a name from `model.named_modules()`. */
export interface SubcomponentId {
  module: string;
  /** Position on the C axis of the module's decomposition. */
  index: number;
}

/** Blocks of the canonical short names (spec section 8) and the roles each one has. */
export const CANONICAL_ROLES = {
  attn: ['q', 'k', 'v', 'o'],
  attn_fused: ['qkv', 'o'],
  mlp: ['up', 'down'],
  glu: ['up', 'down', 'gate'],
} as const;

export type CanonicalBlock = keyof typeof CANONICAL_ROLES;
export type CanonicalRole = (typeof CANONICAL_ROLES)[CanonicalBlock][number];

/** `<layer>.<block>.<role>:<index>`, e.g. `2.mlp.down:2359`; the target's architecture maps it to a module. */
export interface ShortSubcomponentId {
  layer: number;
  block: CanonicalBlock;
  role: CanonicalRole;
  index: number;
}

export type NodeId =
  /** `<module_path>:<position>:<index>`: a subcomponent at one token position. */
  | { kind: 'component'; module: string; position: number; index: number }
  /** `embed:<position>`: the token embedding at a position. */
  | { kind: 'embed'; position: number }
  /** `output:<position>:<token_id>`: the logit of one token at a position. */
  | { kind: 'output'; position: number; tokenId: number };

/**
 * A graph ID names a file, `graphs/<id>.graph.json`: letters, digits, `.`, `_` and `-`, not starting with a dot
 * (so never `.` or `..`), at most 200 characters.
 */
export const GRAPH_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export function isGraphId(text: string): boolean {
  return GRAPH_ID_PATTERN.test(text);
}

// Module names are Python attribute names or ModuleList indices, joined by dots.
const MODULE_PATH = '[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*';
// No sign, fraction or leading zero, so that printing a parsed ID gives back the same text.
const NUMBER = '0|[1-9][0-9]*';

const SUBCOMPONENT_PATTERN = new RegExp(`^(${MODULE_PATH}):(${NUMBER})$`);
const SHORT_PATTERN = new RegExp(`^(${NUMBER})\\.([a-z_]+)\\.([a-z]+):(${NUMBER})$`);
const COMPONENT_NODE_PATTERN = new RegExp(`^(${MODULE_PATH}):(${NUMBER}):(${NUMBER})$`);
const EMBED_NODE_PATTERN = new RegExp(`^embed:(${NUMBER})$`);
const OUTPUT_NODE_PATTERN = new RegExp(`^output:(${NUMBER}):(${NUMBER})$`);
const PSEUDO_NODE_NAMES: ReadonlySet<string> = new Set(['embed', 'output']);

export function parseSubcomponentId(text: string): SubcomponentId | undefined {
  const match = SUBCOMPONENT_PATTERN.exec(text);
  const index = parseNumber(match?.[2]);
  if (match?.[1] === undefined || index === undefined) return undefined;
  return { module: match[1], index };
}

export function parseShortSubcomponentId(text: string): ShortSubcomponentId | undefined {
  const match = SHORT_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, layerText, block, role, indexText] = match;
  const layer = parseNumber(layerText);
  const index = parseNumber(indexText);
  if (layer === undefined || index === undefined) return undefined;
  if (!isCanonicalBlock(block) || !isRoleOf(block, role)) return undefined;
  return { layer, block, role, index };
}

/** A first field `embed` or `output` always means the pseudo-node, never a module of that name. */
export function parseNodeId(text: string): NodeId | undefined {
  const embed = EMBED_NODE_PATTERN.exec(text);
  if (embed !== null) {
    const position = parseNumber(embed[1]);
    return position === undefined ? undefined : { kind: 'embed', position };
  }
  const output = OUTPUT_NODE_PATTERN.exec(text);
  if (output !== null) {
    const position = parseNumber(output[1]);
    const tokenId = parseNumber(output[2]);
    return position === undefined || tokenId === undefined
      ? undefined
      : { kind: 'output', position, tokenId };
  }
  const component = COMPONENT_NODE_PATTERN.exec(text);
  const position = parseNumber(component?.[2]);
  const index = parseNumber(component?.[3]);
  const module = component?.[1];
  if (module === undefined || PSEUDO_NODE_NAMES.has(module)) return undefined;
  if (position === undefined || index === undefined) return undefined;
  return { kind: 'component', module, position, index };
}

export function formatSubcomponentId(id: SubcomponentId): string {
  return `${id.module}:${id.index}`;
}

export function formatNodeId(id: NodeId): string {
  switch (id.kind) {
    case 'component':
      return `${id.module}:${id.position}:${id.index}`;
    case 'embed':
      return `embed:${id.position}`;
    case 'output':
      return `output:${id.position}:${id.tokenId}`;
  }
}

/** A subcomponent ID found in a line of text. */
export interface SubcomponentIdMatch {
  /** The ID as written. */
  text: string;
  /** Character offsets of the ID in the line; `end` is exclusive. */
  start: number;
  end: number;
  id: SubcomponentId;
  /** Set when the ID also reads as a canonical short name, which the target's architecture may map to a module. */
  short: ShortSubcomponentId | undefined;
}

/**
 * The subcomponent ID under the cursor, in any file type. The cursor may sit just after the ID, so that a
 * cursor at the end of a line finds an ID ending there. The match is syntactic only (`localhost:8080`
 * matches): callers check that the module exists in the run they look it up in.
 */
export function findSubcomponentIdAt(lineText: string, character: number): SubcomponentIdMatch | undefined {
  if (character < 0 || character > lineText.length) return undefined;
  let start = character;
  while (start > 0 && isIdCharacter(lineText[start - 1])) start--;
  let end = character;
  while (end < lineText.length && isIdCharacter(lineText[end])) end++;
  // Dots and colons may also be punctuation around the ID: "see h.2.mlp.down_proj:2359." or a YAML key.
  while (start < end && isIdPunctuation(lineText[start])) start++;
  while (end > start && isIdPunctuation(lineText[end - 1])) end--;
  if (character < start || character > end) return undefined;
  const text = lineText.slice(start, end);
  const id = parseSubcomponentId(text);
  if (id === undefined) return undefined;
  return { text, start, end, id, short: parseShortSubcomponentId(text) };
}

function isIdCharacter(character: string | undefined): boolean {
  return character !== undefined && /[A-Za-z0-9_.:]/.test(character);
}

function isIdPunctuation(character: string | undefined): boolean {
  return character === '.' || character === ':';
}

function parseNumber(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

function isCanonicalBlock(block: string | undefined): block is CanonicalBlock {
  return block !== undefined && Object.hasOwn(CANONICAL_ROLES, block);
}

function isRoleOf(block: CanonicalBlock, role: string | undefined): role is CanonicalRole {
  const roles: readonly string[] = CANONICAL_ROLES[block];
  return role !== undefined && roles.includes(role);
}
