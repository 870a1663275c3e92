// The paper's generative protocol (Bochkov, _models_benchmarking.py): the zero-shot prompt, `maxNewTokens`
// generated tokens (1 for MMLU, 2 for ARC / CommonsenseQA), decoded, '<s>' removed, stripped, upper-cased, and the
// first character compared with the gold label. `runs` seeded runs (each item's seed derived from the run's seed,
// the subject and the index) give the author's mean ± 1.96 σ/√runs. The `firstNonSpace` variant keeps generating
// (up to `maxExtraTokens` more) until a non-space character appears: with bvv241-2-3 ' A' is a space then a
// letter, so the faithful one-token protocol often reads only the space.
import type { GenerateOptions } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { McqItem } from '../data/types.js';
import type { RequestStore } from './cache.js';
import { sha256Strings } from './hash.js';
import { hasNonSpace, parsePaperAnswer } from './paper-parse.js';
import { choiceLabels } from './prompts.js';
import { ContextLengthError } from './requests.js';

/** The part of transformer-core's GPT the paper protocol uses. */
export interface GeneratingModel {
  readonly config: { readonly blockSize: number; readonly vocabSize: number };
  generate(prompt: ArrayLike<number>, opts?: GenerateOptions): AsyncGenerator<number, void, undefined>;
}

export interface PaperSettings {
  maxNewTokens: number;
  /** 0 = faithful; > 0 = the firstNonSpace variant's extra tokens. */
  maxExtraTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  runs: number;
  truncate: boolean;
}

export interface PaperItemPlan {
  item: McqItem;
  prompt: string;
  ids: number[];
  truncatedTokens: number;
}

export interface PaperItemOutcome {
  /** Generated text of each run. */
  outputs: string[];
  /** Parsed prediction of each run (-1 = invalid format). */
  preds: number[];
}

/** FNV-1a over a string: the per-item, per-run generation seed (uint32). */
export function itemSeed(seed: number, run: number, subject: string, index: number): number {
  const s = `${seed}|${run}|${subject}|${index}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Tokenizes the prompt; left-truncates (or throws, with truncate off) when prompt + new tokens exceed blockSize. */
export function planPaperItem(tok: Tokenizer, item: McqItem, prompt: string, blockSize: number, s: PaperSettings): PaperItemPlan {
  const ids = Array.from(tok.encode(prompt));
  const room = blockSize - s.maxNewTokens - s.maxExtraTokens;
  if (ids.length <= room) return { item, prompt, ids, truncatedTokens: 0 };
  if (!s.truncate || room < 1) {
    throw new ContextLengthError(`item ${item.subject}#${item.index}: prompt of ${ids.length} tokens + ${s.maxNewTokens + s.maxExtraTokens} generated tokens exceeds the model's blockSize ${blockSize}${s.truncate ? '' : ', and truncate is false'}`);
  }
  return { item, prompt, ids: ids.slice(ids.length - room), truncatedTokens: ids.length - room };
}

/** Generates one run's output text for an item. */
async function generateOne(model: GeneratingModel, tok: Tokenizer, plan: PaperItemPlan, promptText: string, s: PaperSettings, seed: number): Promise<string> {
  const out: number[] = [];
  let text = '';
  const stream = model.generate(plan.ids, { maxNewTokens: s.maxNewTokens + s.maxExtraTokens, temperature: s.temperature, topK: s.topK, topP: s.topP, seed });
  for await (const id of stream) {
    out.push(id);
    if (out.length >= s.maxNewTokens) {
      // the author slices decode(prompt + output) after the prompt's text, then removes '<s>'
      text = tok.decode([...plan.ids, ...out]).slice(promptText.length).replaceAll('<s>', '');
      if (s.maxExtraTokens === 0 || hasNonSpace(text)) break;
    }
  }
  if (out.length < s.maxNewTokens) text = tok.decode([...plan.ids, ...out]).slice(promptText.length).replaceAll('<s>', '');
  return text;
}

/** Runs the paper protocol on the planned items; outputs come from / go to the store when given. */
export async function runPaper(
  model: GeneratingModel, tok: Tokenizer, plans: readonly PaperItemPlan[], s: PaperSettings,
  opts: { store?: RequestStore; onItem?: (done: number, computed: number, subject: string) => void },
): Promise<{ outcomes: PaperItemOutcome[]; computed: number; cacheHits: number }> {
  const distinctRuns = s.temperature === 0 ? 1 : s.runs; // greedy runs are identical: generate once
  const outcomes: PaperItemOutcome[] = [];
  let done = 0;
  let computed = 0;
  let cacheHits = 0;
  for (const plan of plans) {
    const labels = choiceLabels(plan.item);
    const promptText = tok.decode(plan.ids);
    const base = opts.store ? await sha256Strings(['generate', plan.ids.join(','), String(s.maxNewTokens), String(s.maxExtraTokens), String(s.temperature), String(s.topK ?? ''), String(s.topP ?? '')]) : '';
    const texts: string[] = [];
    for (let r = 0; r < distinctRuns; r++) {
      const seed = itemSeed(s.seed, r, plan.item.subject, plan.item.index);
      const key = `gen:${base}:${seed}`;
      const hit = opts.store?.get(key);
      if (typeof hit === 'string') {
        texts.push(hit);
        cacheHits++;
      } else {
        const t = await generateOne(model, tok, plan, promptText, s, seed);
        texts.push(t);
        computed++;
        if (opts.store) await opts.store.put(key, t);
      }
      done++;
    }
    const outputs = Array.from({ length: s.runs }, (_, r) => texts[Math.min(r, texts.length - 1)]);
    outcomes.push({ outputs, preds: outputs.map((o) => parsePaperAnswer(o, labels).pred) });
    opts.onItem?.(done, computed, plan.item.subject);
  }
  return { outcomes, computed, cacheHits };
}
