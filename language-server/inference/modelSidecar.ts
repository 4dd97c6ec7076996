// Reads `model.onnx.json`, the sidecar `paramlens export-onnx` writes beside `model.onnx`
// (docs/formats.md, "model.onnx"): which modules the C axis holds, in which order, and the tokenizer.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OnnxSidecar, SidecarModule } from '../../protocol/runFiles';
import { InferenceError } from './errors';

export const MODEL_FILE = 'model.onnx';
export const SIDECAR_FILE = 'model.onnx.json';
const FORMAT_VERSION = 1;

export interface ModuleSlice {
  path: string;
  C: number;
  /** Where the module's subcomponents start on the C_total axis. */
  offset: number;
}

export interface ModelSidecar {
  runId: string;
  inputKind: 'tokens' | 'features';
  /** In the model's C layout: sorted by path, offsets increasing. */
  modules: ModuleSlice[];
  cTotal: number;
  vocabSize: number | null;
  /** Longest prompt the model takes (its position embeddings), when the export says. */
  maxSeqLen: number | null;
  /** Absolute path of tokenizer.json; null for toy targets. */
  tokenizer: string | null;
}

export function exportHint(runDir: string): string {
  return `Run \`paramlens export-onnx ${runDir}\` to export the run for inference.`;
}

export async function readSidecar(runDir: string): Promise<ModelSidecar> {
  const file = path.join(runDir, SIDECAR_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InferenceError(`${file} is missing. ${exportHint(runDir)}`);
  }
  try {
    return parseSidecar(JSON.parse(text), runDir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InferenceError(`${file} is not a valid export sidecar: ${reason}. ${exportHint(runDir)}`);
  }
}

/** Checks the fields inference relies on; throws a plain Error naming the first bad one. */
export function parseSidecar(value: unknown, runDir: string): ModelSidecar {
  // Keys from the generated type, values still unchecked: a key the Python side renames fails to compile.
  const record = asRecord(value, 'the file') as { [Key in keyof OnnxSidecar]?: unknown };
  if (record.format_version !== FORMAT_VERSION) {
    throw new Error(`format_version is ${String(record.format_version)}, expected ${FORMAT_VERSION}`);
  }
  const inputKind = record.input_kind;
  if (inputKind !== 'tokens' && inputKind !== 'features') {
    throw new Error(`input_kind is ${JSON.stringify(inputKind)}, expected "tokens" or "features"`);
  }
  if (!Array.isArray(record.modules) || record.modules.length === 0) {
    throw new Error('modules must be a non-empty list');
  }
  let expectedOffset = 0;
  const modules = record.modules.map((entry: unknown, index): ModuleSlice => {
    const module = asRecord(entry, `modules[${index}]`) as { [Key in keyof SidecarModule]?: unknown };
    const slice = { path: module.path, C: module.C, offset: module.offset };
    if (typeof slice.path !== 'string' || !isCount(slice.C) || slice.offset !== expectedOffset) {
      throw new Error(`modules[${index}] must be {path, C, offset} with offset ${expectedOffset}`);
    }
    expectedOffset += slice.C;
    return slice as ModuleSlice;
  });
  if (record.C_total !== expectedOffset) {
    throw new Error(`C_total is ${String(record.C_total)}, but the modules' C add up to ${expectedOffset}`);
  }
  const tokenizer = record.tokenizer;
  if (tokenizer !== null && typeof tokenizer !== 'string')
    throw new Error('tokenizer must be a path or null');
  return {
    runId: typeof record.run_id === 'string' ? record.run_id : path.basename(runDir),
    inputKind,
    modules,
    cTotal: expectedOffset,
    vocabSize: isCount(record.vocab_size) ? record.vocab_size : null,
    maxSeqLen: isCount(record.max_seq_len) ? record.max_seq_len : null,
    tokenizer: tokenizer === null ? null : path.resolve(runDir, tokenizer),
  };
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
