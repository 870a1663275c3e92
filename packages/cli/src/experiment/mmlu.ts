// MMLU for one trained model under the report's protocols: harness (log-likelihood of " A".." D", 5 shots dropped
// to fit the context), the paper's generative protocol greedy, the same with the first non-space character read
// (how much of the paper's gap is tokenization), and seeded sampled runs. The subset is the first
// `limitPerSubject` test items of each subject.
import { evaluate, type EvalResult, type MMLU } from '@glyphlm/mmlu-eval';
import type { GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { Preset } from './presets.js';

export const MMLU_PROTOCOLS = ['harness', 'paper-greedy', 'paper-greedy-nonspace', 'paper-sampled'] as const;
export type MmluProtocolKey = (typeof MMLU_PROTOCOLS)[number];

export const PROTOCOL_LABELS: Record<MmluProtocolKey, string> = {
  harness: 'harness (log-likelihood of " A".." D", up to 5 shots that fit the context)',
  'paper-greedy': "paper (one generated token, greedy; the author's protocol)",
  'paper-greedy-nonspace': 'paper, first non-space character (greedy; tokenization-aware variant)',
  'paper-sampled': 'paper (one generated token, sampled runs at temperature 1, mean ± 1.96 σ/√runs)',
};

export interface MmluRunOptions {
  mmlu: MMLU;
  preset: Preset['mmlu'];
  seed: number;
  modelName: string;
  onProgress?: (protocol: MmluProtocolKey, done: number, total: number) => void;
}

/** The preset's evaluations of one model. */
export async function evaluateMmlu(model: GPT, tok: Tokenizer, o: MmluRunOptions): Promise<Partial<Record<MmluProtocolKey, EvalResult>>> {
  const base = {
    split: o.preset.split,
    subjects: o.preset.subjects ?? o.mmlu.subjects,
    limitPerSubject: o.preset.limitPerSubject,
    modelName: o.modelName,
  };
  const progress = (k: MmluProtocolKey) => (p: { done: number; total: number }) => o.onProgress?.(k, p.done, p.total);
  const out: Partial<Record<MmluProtocolKey, EvalResult>> = {};
  for (const k of o.preset.protocols) {
    const opts = k === 'harness' ? { protocol: 'harness' as const, shots: o.preset.harnessShots }
      : k === 'paper-greedy' ? { protocol: 'paper' as const, runs: 1, temperature: 0 }
        : k === 'paper-greedy-nonspace' ? { protocol: 'paper' as const, runs: 1, temperature: 0, firstNonSpace: true }
          : { protocol: 'paper' as const, runs: o.preset.paperRuns, temperature: o.preset.temperature, seed: o.seed };
    out[k] = await evaluate(model, tok, o.mmlu, { ...base, ...opts, onProgress: progress(k) });
  }
  return out;
}
