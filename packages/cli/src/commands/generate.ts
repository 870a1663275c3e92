// `glyphlm generate`: a checkpoint + a prompt -> text streamed to stdout as tokens are produced.
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { loadCheckedModel } from '../cli/checkpoint.js';

export interface GenerateFlags {
  prompt: string;
  tokenizer?: string;
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
}

export async function generateCommand(checkpoint: string, opts: GenerateFlags, io: CliIO): Promise<void> {
  const { model, tokenizer } = await loadCheckedModel(checkpoint, opts.tokenizer);
  try {
    const prompt = [...tokenizer.encode(opts.prompt)];
    if (prompt.length === 0) throw new UsageError('--prompt encodes to no tokens');
    const room = model.config.blockSize - prompt.length;
    if (room < 1) throw new UsageError(`--prompt is ${prompt.length} tokens; the model's context is ${model.config.blockSize}`);
    const maxNewTokens = Math.min(opts.maxNewTokens, room);
    io.stdout(opts.prompt);
    const out: number[] = [];
    let printed = '';
    for await (const id of model.generate(prompt, {
      maxNewTokens, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed: opts.seed,
    })) {
      out.push(id);
      const text = tokenizer.decode(out);
      // Print only the new, complete part (byte-level tokenizers may end mid-character).
      if (!text.endsWith('\uFFFD')) { io.stdout(text.slice(printed.length)); printed = text; }
    }
    io.stdout(tokenizer.decode(out).slice(printed.length) + '\n');
  } finally {
    model.dispose();
  }
}
