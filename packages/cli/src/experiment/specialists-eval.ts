// Evaluating the specialists and their fusion on the same inputs: next-token loss on fixed windows of each script's
// validation set (every model scores the same windows, so differences pair window by window), MMLU under the
// harness protocol (mmlu-eval's evaluate; the fused model scores through FusedModel.logprobs), and greedy samples.
import { evaluate, type EvalResult, type MMLU } from '@glyphlm/mmlu-eval';
import type { FusedModel, GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { SpecialistsPreset } from './specialists-presets.js';

export type AnyModel = GPT | FusedModel;

/** Start offsets of up to `max` non-overlapping windows of T + 1 tokens (inputs + shifted targets) over `ids`. */
export function windowStarts(n: number, T: number, max: number): number[] {
  const out: number[] = [];
  for (let o = 0; o + T + 1 <= n && out.length < max; o += T) out.push(o);
  return out;
}

/** Mean next-token loss of each window (nats/token); the same windows for every model. */
export async function windowLosses(model: AnyModel, ids: Uint32Array, T: number, max: number): Promise<number[]> {
  const starts = windowStarts(ids.length, T, max);
  if (starts.length === 0) throw new RangeError(`validation set of ${ids.length} tokens holds no window of ${T + 1} tokens`);
  const out: number[] = [];
  for (const o of starts) {
    const x = [Array.from(ids.subarray(o, o + T))];
    const y = [Array.from(ids.subarray(o + 1, o + T + 1))];
    const l = model.loss(x, y);
    out.push((await l.data())[0]);
    l.dispose();
  }
  return out;
}

/** MMLU under the harness protocol on the preset's subset. */
export function mmluHarness(model: AnyModel, tok: Tokenizer, mmlu: MMLU, p: SpecialistsPreset['mmlu'], name: string, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
  return evaluate(model, tok, mmlu, {
    protocol: 'harness', shots: p.harnessShots, split: p.split, subjects: p.subjects ?? mmlu.subjects, limitPerSubject: p.limitPerSubject,
    modelName: name, onProgress: onProgress && ((q) => onProgress(q.done, q.total)),
  });
}

/** Greedy continuations of the preset's prompts. */
export async function greedySamples(model: AnyModel, tok: Tokenizer, prompts: readonly string[], maxNewTokens: number): Promise<Array<{ prompt: string; completion: string }>> {
  const out: Array<{ prompt: string; completion: string }> = [];
  for (const prompt of prompts) {
    const ids = [...tok.encode(prompt)];
    const room = Math.min(maxNewTokens, model.config.blockSize - ids.length);
    const gen: number[] = [];
    if (room > 0) for await (const id of model.generate(ids, { maxNewTokens: room, temperature: 0 })) gen.push(id);
    out.push({ prompt, completion: tok.decode(gen) });
  }
  return out;
}
