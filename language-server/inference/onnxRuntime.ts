// Loads onnxruntime-node on first use, so that the server starts, and every other feature works, on a
// machine where its native binding is missing or does not load.
import type * as Ort from 'onnxruntime-node';
import { InferenceError } from './errors';

/** The parts of onnxruntime-node inference uses. */
export type OnnxRuntime = Pick<typeof Ort, 'InferenceSession' | 'Tensor'>;
export type OnnxRuntimeLoader = () => Promise<OnnxRuntime>;

export const loadOnnxRuntimeNode: OnnxRuntimeLoader = () => import('onnxruntime-node');

/** Runs `load`, turning any failure into one message that says what failed and what to do. */
export async function loadRuntime(load: OnnxRuntimeLoader): Promise<OnnxRuntime> {
  try {
    return await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InferenceError(
      `onnxruntime-node could not be loaded (${reason}). Inference needs its native binding for this ` +
        'platform: reinstall the ParamLens extension, or run `npm install` in a development checkout.',
    );
  }
}
