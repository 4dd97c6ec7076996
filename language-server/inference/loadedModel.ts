// One run's exported model, ready to run: the onnxruntime session, the sidecar's C layout and the
// tokenizer. Forward passes take several mask sets at once as one batch, so that an intervention and its
// unmasked baseline cost one call.
import type * as Ort from 'onnxruntime-node';
import { InferenceError } from './errors';
import type { ModelSidecar } from './modelSidecar';
import type { OnnxRuntime } from './onnxRuntime';
import type { RunTokenizer } from './runTokenizer';

export const LM_INPUTS = ['input_ids', 'component_mask', 'delta_mask'] as const;
export const LM_OUTPUTS = ['logits', 'ci'] as const;

export interface ForwardOutput {
  /** [batch, tokens, vocab], row-major. */
  logits: Float32Array;
  /** [batch, tokens, C_total]: CI of the clean forward, the same for every mask set. */
  ci: Float32Array;
  vocabSize: number;
}

export class LoadedModel {
  private running = 0;
  private released = false;

  constructor(
    readonly runDir: string,
    readonly sidecar: ModelSidecar,
    readonly tokenizer: RunTokenizer,
    private readonly runtime: OnnxRuntime,
    private readonly session: Ort.InferenceSession,
  ) {}

  /** Runs `ids` once per component mask (each [tokens, C_total]), with Δ masked out (delta_mask 0). */
  async forward(ids: readonly number[], componentMasks: readonly Float32Array[]): Promise<ForwardOutput> {
    const { Tensor } = this.runtime;
    const batch = componentMasks.length;
    const tokens = ids.length;
    const inputIds = new BigInt64Array(batch * tokens);
    for (let row = 0; row < batch; row++) {
      ids.forEach((id, position) => (inputIds[row * tokens + position] = BigInt(id)));
    }
    const masks = new Float32Array(batch * tokens * this.sidecar.cTotal);
    componentMasks.forEach((mask, row) => masks.set(mask, row * mask.length));
    const feeds = {
      input_ids: new Tensor('int64', inputIds, [batch, tokens]),
      component_mask: new Tensor('float32', masks, [batch, tokens, this.sidecar.cTotal]),
      delta_mask: new Tensor('float32', new Float32Array(batch * tokens * this.sidecar.modules.length), [
        batch,
        tokens,
        this.sidecar.modules.length,
      ]),
    };
    this.running++;
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InferenceError(`The model failed on ${tokens} tokens: ${reason}`);
    } finally {
      this.running--;
      if (this.released && this.running === 0) this.free();
    }
    const logits = results.logits;
    const ci = results.ci;
    if (logits?.type !== 'float32' || ci?.type !== 'float32') {
      throw new InferenceError(`${this.runDir}/model.onnx did not return float32 \`logits\` and \`ci\`.`);
    }
    return {
      logits: logits.data as Float32Array,
      ci: ci.data as Float32Array,
      vocabSize: logits.dims[2] ?? 0,
    };
  }

  /** Frees the native session once the forward passes in flight have finished. */
  release(): void {
    this.released = true;
    if (this.running === 0) this.free();
  }

  private free(): void {
    // Nothing waits on the release, and a session that fails to free itself leaves nothing to fix.
    this.session.release().catch(() => undefined);
  }
}
