// Sample generations for the report: the same prompts, greedy, for every arm (so differences are the model's).
import type { GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';

export interface Sample {
  prompt: string;
  completion: string;
}

/** Greedy completions of `prompts` (each cut to fit the context). */
export async function sampleGenerations(model: GPT, tok: Tokenizer, prompts: readonly string[], maxNewTokens: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const prompt of prompts) {
    let ids = [...tok.encode(prompt)];
    const room = Math.max(1, Math.min(maxNewTokens, model.config.blockSize - 1));
    if (ids.length + room > model.config.blockSize) ids = ids.slice(ids.length + room - model.config.blockSize);
    const gen: number[] = [];
    for await (const id of model.generate(ids, { maxNewTokens: room, temperature: 0 })) gen.push(id);
    out.push({ prompt, completion: tok.decode(gen) });
  }
  return out;
}
