// onnxruntime sessions of exported runs, one per run directory: loaded on the first request for the run,
// reloaded when `paramlens export-onnx` rewrites the model, and freed after a while without requests.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InferenceError } from './errors';
import { LM_INPUTS, LM_OUTPUTS, LoadedModel } from './loadedModel';
import { exportHint, MODEL_FILE, readSidecar, SIDECAR_FILE } from './modelSidecar';
import { loadOnnxRuntimeNode, loadRuntime, type OnnxRuntime, type OnnxRuntimeLoader } from './onnxRuntime';
import { RunTokenizer } from './runTokenizer';

export const DEFAULT_IDLE_MS = 5 * 60_000;

const SESSION_OPTIONS = {
  graphOptimizationLevel: 'all',
  // Threads that wait for work sleep instead of spinning: the server shares the machine with the editor,
  // and on a busy machine spinning threads made a forward pass slower, not faster.
  extra: { session: { intra_op: { allow_spinning: '0' } } },
} as const;

export interface InferenceSessionsOptions {
  /** How onnxruntime-node is loaded; tests inject a failing one. */
  loadRuntime?: OnnxRuntimeLoader;
  /** A session unused this long is freed; the next request loads it again. */
  idleMs?: number;
}

interface Entry {
  /** Size and modification time of the model files the session was loaded from. */
  version: string;
  model: Promise<LoadedModel>;
  idleTimer: NodeJS.Timeout;
}

export class InferenceSessions {
  private readonly entries = new Map<string, Entry>();
  private runtime: Promise<OnnxRuntime> | undefined;
  private readonly loadRuntime: OnnxRuntimeLoader;
  private readonly idleMs: number;

  constructor(options: InferenceSessionsOptions = {}) {
    this.loadRuntime = options.loadRuntime ?? loadOnnxRuntimeNode;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** The model of `runDir`, loading it (or loading it again, if its files changed) when needed. */
  async model(runDir: string): Promise<LoadedModel> {
    const key = path.resolve(runDir);
    const version = await modelVersion(key);
    const cached = this.entries.get(key);
    if (cached?.version === version) {
      cached.idleTimer.refresh();
      return cached.model;
    }
    if (cached !== undefined) this.unload(key, cached);
    const entry: Entry = {
      version,
      model: this.load(key),
      // Unref'd: an idle session alone must not keep the process alive.
      idleTimer: setTimeout(() => this.unload(key, entry), this.idleMs).unref(),
    };
    this.entries.set(key, entry);
    // Idle time counts from the end of the load. A failed load is not cached: the next request tries
    // again, e.g. after the user exports the run.
    entry.model.then(
      () => entry.idleTimer.refresh(),
      () => this.forget(key, entry),
    );
    return entry.model;
  }

  /** Run directories with a session loaded or loading. */
  loadedRunDirs(): string[] {
    return [...this.entries.keys()];
  }

  dispose(): void {
    for (const [key, entry] of this.entries) this.unload(key, entry);
  }

  private async load(runDir: string): Promise<LoadedModel> {
    const sidecar = await readSidecar(runDir);
    if (sidecar.inputKind !== 'tokens' || sidecar.tokenizer === null) {
      throw new InferenceError(
        `${runDir} decomposes a toy target, whose model reads feature vectors: prompts need a language model.`,
      );
    }
    const tokenizer = await RunTokenizer.load(sidecar.tokenizer);
    this.runtime ??= loadRuntime(this.loadRuntime);
    const runtime = this.runtime;
    runtime.catch(() => {
      if (this.runtime === runtime) this.runtime = undefined;
    });
    const ort = await runtime;
    const modelFile = path.join(runDir, MODEL_FILE);
    let session;
    try {
      session = await ort.InferenceSession.create(modelFile, SESSION_OPTIONS);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InferenceError(`onnxruntime could not load ${modelFile}: ${reason}. ${exportHint(runDir)}`);
    }
    const missing = [
      ...LM_INPUTS.filter((name) => !session.inputNames.includes(name)),
      ...LM_OUTPUTS.filter((name) => !session.outputNames.includes(name)),
    ];
    if (missing.length > 0) {
      session.release().catch(() => undefined);
      throw new InferenceError(
        `${modelFile} lacks the inputs or outputs ${missing.join(', ')} of a ParamLens export. ${exportHint(runDir)}`,
      );
    }
    return new LoadedModel(runDir, sidecar, tokenizer, ort, session);
  }

  private unload(key: string, entry: Entry): void {
    this.forget(key, entry);
    entry.model.then(
      (model) => model.release(),
      () => undefined,
    );
  }

  private forget(key: string, entry: Entry): void {
    clearTimeout(entry.idleTimer);
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}

async function modelVersion(runDir: string): Promise<string> {
  const parts: string[] = [];
  for (const file of [MODEL_FILE, SIDECAR_FILE]) {
    try {
      const { size, mtimeMs } = await stat(path.join(runDir, file));
      parts.push(`${size}:${mtimeMs}`);
    } catch {
      throw new InferenceError(await missingModelMessage(runDir, file));
    }
  }
  return parts.join('|');
}

async function missingModelMessage(runDir: string, file: string): Promise<string> {
  try {
    await stat(runDir);
  } catch {
    return `The run directory ${runDir} does not exist.`;
  }
  return `${runDir} has no ${file}. ${exportHint(runDir)}`;
}
