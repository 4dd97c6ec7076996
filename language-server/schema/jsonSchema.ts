// The config's JSON Schema, generated from the Python model into protocol/ and bundled with the server,
// and the subset of JSON Schema (draft 2020-12) that the generator emits and the services read.
import generatedSchema from '../../protocol/config.schema.json';

/**
 * One schema node. String-valued keywords are plain strings because a JSON import types them so; the
 * readers in this folder narrow them. Keywords the generator never emits are not listed.
 */
export interface JsonSchema {
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** The root of the config schema (`paramlens.config.DecompositionConfig`). */
export const configSchema: JsonSchema = generatedSchema;
