// The inference requests on a loaded model: `paramlens/ciForText` and `paramlens/intervene`
// (protocol/lspRequests.ts). Parameters arrive from other processes, so each is checked here.
import type {
  ActiveSubcomponent,
  CiForTextParams,
  CiForTextResult,
  InterveneParams,
  InterveneResult,
  Prediction,
} from '../../protocol/lspRequests';
import { fullMask, interventionMask, type InterventionMode } from './componentMask';
import { klDivergence, logSoftmax, topK } from './distributions';
import { InferenceError } from './errors';
import { resolveInterventionIds } from './interventionIds';
import type { LoadedModel } from './loadedModel';

export const DEFAULT_CI_THRESHOLD = 0.1;
export const DEFAULT_TOP_K = 10;

export async function ciForText(model: LoadedModel, params: CiForTextParams): Promise<CiForTextResult> {
  const threshold = params.threshold ?? DEFAULT_CI_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold < 1)) {
    throw new InferenceError(`threshold must be a number in [0, 1), got ${JSON.stringify(threshold)}.`);
  }
  const ids = encodePrompt(model, params.text);
  const { cTotal, modules } = model.sidecar;
  const { ci } = await model.forward(ids, [fullMask(ids.length, cTotal)]);
  const active: ActiveSubcomponent[] = [];
  for (let position = 0; position < ids.length; position++) {
    for (const module of modules) {
      for (let index = 0; index < module.C; index++) {
        const value = ci[position * cTotal + module.offset + index] as number;
        if (value > threshold) active.push({ position, module: module.path, index, ci: value });
      }
    }
  }
  return {
    tokens: model.tokenizer.tokens(ids),
    modules: modules.map(({ path, C }) => ({ path, C })),
    active,
  };
}

export async function intervene(model: LoadedModel, params: InterveneParams): Promise<InterveneResult> {
  const { mode, ids: interventionIds } = interventionOf(params);
  const topCount = params.topK ?? DEFAULT_TOP_K;
  if (!Number.isSafeInteger(topCount) || topCount < 1) {
    throw new InferenceError(`topK must be a positive integer, got ${JSON.stringify(params.topK)}.`);
  }
  const ids = encodePrompt(model, params.text);
  const target = params.target === undefined ? undefined : targetToken(model, params.target);
  const { cTotal, modules } = model.sidecar;
  const selections = resolveInterventionIds(interventionIds, modules, ids.length);
  const masks = [interventionMask(mode, selections, ids.length, cTotal), fullMask(ids.length, cTotal)];
  const { logits, vocabSize } = await model.forward(ids, masks);
  const last = (row: number): Float64Array => {
    const start = (row * ids.length + ids.length - 1) * vocabSize;
    return logSoftmax(logits.subarray(start, start + vocabSize));
  };
  const masked = last(0);
  const unmasked = last(1);
  const probability = (logProbs: Float64Array): number | null =>
    target === undefined ? null : Math.exp(logProbs[target] ?? -Infinity);
  return {
    tokens: model.tokenizer.tokens(ids),
    predictions: predictions(model, masked, topCount),
    baseline: predictions(model, unmasked, topCount),
    targetProb: probability(masked),
    baselineTargetProb: probability(unmasked),
    klToUnmasked: klDivergence(unmasked, masked),
  };
}

function interventionOf(params: InterveneParams): { mode: InterventionMode; ids: string[] } {
  const { keep, ablate } = params;
  if ((keep === undefined) === (ablate === undefined)) {
    throw new InferenceError('Give exactly one of `keep` (keep only these) and `ablate` (ablate these).');
  }
  const mode: InterventionMode = keep !== undefined ? 'keep' : 'ablate';
  const ids: unknown = keep ?? ablate;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new InferenceError(`\`${mode}\` must be a list of subcomponent or node IDs.`);
  }
  return { mode, ids };
}

function encodePrompt(model: LoadedModel, text: unknown): number[] {
  if (typeof text !== 'string') throw new InferenceError('`text` must be a string.');
  const ids = model.tokenizer.encode(text);
  if (ids.length === 0) throw new InferenceError('The text is empty: give at least one token of prompt.');
  const { maxSeqLen } = model.sidecar;
  if (maxSeqLen !== null && ids.length > maxSeqLen) {
    throw new InferenceError(`The text is ${ids.length} tokens; this model takes at most ${maxSeqLen}.`);
  }
  return ids;
}

function targetToken(model: LoadedModel, target: unknown): number {
  if (typeof target !== 'string') throw new InferenceError('`target` must be a string.');
  const ids = model.tokenizer.encode(target);
  if (ids.length !== 1) {
    const pieces = model.tokenizer.tokens(ids).map((token) => JSON.stringify(token.text));
    throw new InferenceError(
      `target ${JSON.stringify(target)} is ${ids.length} tokens (${pieces.join(', ')}); give a single token.`,
    );
  }
  return ids[0] as number;
}

function predictions(model: LoadedModel, logProbs: Float64Array, count: number): Prediction[] {
  return topK(logProbs, count).map((id) => ({
    token: model.tokenizer.decode(id),
    id,
    prob: Math.exp(logProbs[id] as number),
  }));
}
