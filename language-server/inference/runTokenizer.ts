// Tokenises prompts as the run's Python side does, from its Hugging Face `tokenizer.json`, with
// @huggingface/tokenizers (pure JS: nothing to build for Electron, works offline on the local file).
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenText } from '../../protocol/lspRequests';
import { InferenceError } from './errors';

export class RunTokenizer {
  private constructor(private readonly tokenizer: Tokenizer) {}

  static async load(file: string): Promise<RunTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InferenceError(`The run's tokenizer ${file} could not be read: ${describe(error)}.`);
    }
    try {
      return new RunTokenizer(new Tokenizer(json as object, {}));
    } catch (error) {
      throw new InferenceError(`${file} is not a tokenizer.json this server can read: ${describe(error)}.`);
    }
  }

  /** Ids as the training data was tokenised: `encode(text, add_special_tokens=False)` in Python. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  tokens(ids: readonly number[]): TokenText[] {
    return ids.map((id) => ({ id, text: this.decode(id) }));
  }

  decode(id: number): string {
    return this.tokenizer.decode([id]);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
