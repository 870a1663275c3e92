// evaluate(): scores a model on an MCQ dataset under one protocol (paper / harness / cloze) and returns per-item
// records with the accuracy summary. Every check (options, tokenizer vs model, split, subjects, shots, items, prompts
// that do not fit) runs before any model work; the request cache makes a long run resumable.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { McqDataset, McqItem } from '../data/types.js';
import { checkShots, checkSplit } from '../data/checks.js';
import { validateItem } from '../data/validate.js';
import { summarizeAccuracy } from '../stats/index.js';
import type { RequestStore } from './cache.js';
import { modelFingerprint, sha256Strings, type FingerprintableModel } from './hash.js';
import { validateOptions, type EvalProgress, type EvaluateOptions } from './options.js';
import { planPaperItem, runPaper, type GeneratingModel, type PaperSettings } from './paper.js';
import { harnessDescription, paperPromptMMLU, paperPromptMultiline } from './prompts.js';
import { clozeRequests, harnessRequests, type ItemRequests } from './requests.js';
import { scoreItems, type ScoringModel } from './score.js';
import type { EvalResult, ItemResult } from './types.js';

/** What evaluate() needs of a model: transformer-core's GPT fits. */
export type EvalModel = ScoringModel & GeneratingModel & FingerprintableModel;

/** The items scored: `subjects` in order, each subject's split items in file order, the first `limit` of each. */
export function selectItems(dataset: McqDataset, split: 'dev' | 'val' | 'test', subjects: readonly string[], limit?: number): McqItem[] {
  const by = new Map<string, McqItem[]>(subjects.map((s) => [s, []]));
  for (const it of dataset[split]) by.get(it.subject)?.push(it);
  const out: McqItem[] = [];
  for (const s of subjects) {
    const list = by.get(s)!.slice().sort((a, b) => a.index - b.index);
    out.push(...(limit === undefined ? list : list.slice(0, limit)));
  }
  return out;
}

function devBySubject(dataset: McqDataset, subjects: readonly string[], shots: number): Map<string, McqItem[]> {
  const by = new Map<string, McqItem[]>(subjects.map((s) => [s, []]));
  for (const it of dataset.dev) by.get(it.subject)?.push(it);
  for (const [s, list] of by) {
    list.sort((a, b) => a.index - b.index);
    list.splice(shots);
    list.forEach((it, i) => validateItem(it, `${dataset.source}: dev shot ${i} of ${s}`));
  }
  return by;
}

function checkModel(model: EvalModel, tok: Tokenizer): void {
  if (!model || typeof model !== 'object' || !model.config || typeof model.logprobs !== 'function' || typeof model.generate !== 'function') {
    throw new Error('evaluate: model must be a transformer-core GPT (config, logprobs, generate, stateDict)');
  }
  if (!tok || typeof tok.encode !== 'function' || typeof tok.decode !== 'function') throw new Error('evaluate: tokenizer must be a @glyphlm/unicode-tokenizer Tokenizer');
  if (tok.vocabSize !== model.config.vocabSize) {
    throw new Error(`evaluate: tokenizer ${tok.name} has ${tok.vocabSize} ids but the model's config.vocabSize is ${model.config.vocabSize}: they do not belong together`);
  }
}

class ProgressClock {
  private readonly t0 = performance.now();
  constructor(private readonly total: number, private readonly cb?: (p: EvalProgress) => void) {}
  report(done: number, computed: number, subject: string): void {
    if (!this.cb) return;
    const s = (performance.now() - this.t0) / 1000;
    const rps = computed > 0 && s > 0 ? computed / s : 0;
    this.cb({ done, total: this.total, subject, requestsPerSecond: rps, etaMs: rps > 0 ? ((this.total - done) / rps) * 1000 : done >= this.total ? 0 : NaN });
  }
}

/** Scores `dataset` under `options.protocol`; see EvaluateOptions. */
export async function evaluate(model: EvalModel, tokenizer: Tokenizer, dataset: McqDataset, options: EvaluateOptions): Promise<EvalResult> {
  validateOptions(options);
  checkModel(model, tokenizer);
  const protocol = options.protocol;
  const split = options.split ?? 'test';
  const subjects = options.subjects ?? dataset.subjects;
  checkSplit(dataset, split, subjects);
  const shots = protocol === 'harness' ? (options.shots ?? 5) : 0;
  checkShots(dataset, shots, subjects);
  const items = selectItems(dataset, split, subjects, options.limitPerSubject);
  items.forEach((it) => validateItem(it, `${dataset.source}: ${split} item ${it.subject}#${it.index}`));
  const truncate = options.truncate ?? true;
  const blockSize = model.config.blockSize;
  const isMMLU = dataset.name === 'mmlu';

  // prompts and requests (a prompt that cannot fit with truncate: false throws here, before any model work)
  let scoring: ItemRequests[] | undefined;
  let paper: { plans: ReturnType<typeof planPaperItem>[]; settings: PaperSettings } | undefined;
  const effective: Record<string, unknown> = { protocol, split, shots, subjects: options.subjects ?? 'all', limitPerSubject: options.limitPerSubject ?? null, truncate };
  let variant: string | undefined;
  if (protocol === 'paper') {
    const runs = options.runs ?? 1;
    const firstNonSpace = options.firstNonSpace ?? false;
    const settings: PaperSettings = {
      maxNewTokens: options.maxNewTokens ?? (isMMLU ? 1 : 2),
      maxExtraTokens: firstNonSpace ? (options.maxExtraTokens ?? 4) : 0,
      temperature: options.temperature ?? (runs > 1 ? 1 : 0),
      topK: options.topK,
      topP: options.topP,
      seed: options.seed ?? 0,
      runs,
      truncate,
    };
    const format = options.paperFormat ?? (isMMLU ? 'single-line' : 'multi-line');
    const build = format === 'single-line' ? paperPromptMMLU : paperPromptMultiline;
    paper = { plans: items.map((it) => planPaperItem(tokenizer, it, build(it), blockSize, settings)), settings };
    variant = firstNonSpace ? 'firstNonSpace' : 'faithful';
    Object.assign(effective, { runs, seed: settings.seed, temperature: settings.temperature, topK: settings.topK ?? null, topP: settings.topP ?? null, maxNewTokens: settings.maxNewTokens, firstNonSpace, maxExtraTokens: settings.maxExtraTokens, paperFormat: format });
  } else if (protocol === 'harness') {
    const dev = devBySubject(dataset, subjects, shots);
    scoring = items.map((it) => harnessRequests(tokenizer, it, { shots, dev: dev.get(it.subject)!, description: isMMLU ? harnessDescription(it.subject) : '', blockSize, truncate }));
  } else {
    scoring = items.map((it) => clozeRequests(tokenizer, it, blockSize, truncate));
  }
  if (scoring) Object.assign(effective, { prefixCache: options.prefixCache ?? true, batchSize: options.batchSize ?? null });
  const prompts = scoring ? scoring.map((r) => r.prompt) : paper!.plans.map((p) => p.prompt);
  const promptsHash = await sha256Strings(prompts);

  const fingerprint = options.modelFingerprint ?? (await modelFingerprint(model));
  let store: RequestStore | undefined;
  if (options.cache) store = await options.cache.open(fingerprint);

  const t0 = performance.now();
  let requests = 0;
  let computed = 0;
  let cacheHits = 0;
  const results: ItemResult[] = [];
  try {
    if (scoring) {
      const total = scoring.reduce((s, r) => s + r.continuations.length, 0);
      const clock = new ProgressClock(total, options.onProgress);
      const { logliks, stats } = await scoreItems(model, scoring, { store, prefixCache: options.prefixCache, batchSize: options.batchSize, onChunk: (d, c, s) => clock.report(d, c, s) });
      requests = stats.requests;
      computed = stats.computed;
      cacheHits = stats.cacheHits;
      scoring.forEach((r, i) => {
        const ll = logliks[i];
        const rec: ItemResult = { subject: r.item.subject, index: r.item.index, gold: r.item.answer, pred: argmax(ll), logliks: ll, nChoices: ll.length };
        if (protocol === 'harness') rec.shots = r.shots;
        else rec.predNorm = argmax(ll.map((v, j) => v / [...r.item.choices[j]].length)); // acc_norm: by characters, as lm-eval
        if (r.truncatedTokens > 0) rec.truncated = true;
        results.push(rec);
      });
    } else {
      const { plans, settings } = paper!;
      const total = plans.length * (settings.temperature === 0 ? 1 : settings.runs);
      const clock = new ProgressClock(total, options.onProgress);
      const out = await runPaper(model, tokenizer, plans, settings, { store, onItem: (d, c, s) => clock.report(d, c, s) });
      requests = total;
      computed = out.computed;
      cacheHits = out.cacheHits;
      plans.forEach((p, i) => {
        const o = out.outcomes[i];
        const rec: ItemResult = { subject: p.item.subject, index: p.item.index, gold: p.item.answer, pred: o.preds[0], output: o.outputs[0], nChoices: p.item.choices.length };
        if (settings.runs > 1) {
          rec.outputs = o.outputs;
          rec.preds = o.preds;
          rec.correctRuns = o.preds.filter((q) => q === p.item.answer).length;
        }
        if (p.truncatedTokens > 0) rec.truncated = true;
        results.push(rec);
      });
    }
  } finally {
    await store?.close?.();
  }
  const ms = performance.now() - t0;
  const accuracy = summarizeAccuracy(results, { subjects, runs: protocol === 'paper' ? paper!.settings.runs : 1 });
  return {
    schema: 'glyphlm.mmlu-eval.result/1',
    protocol,
    ...(variant ? { variant } : {}),
    dataset: dataset.name,
    source: dataset.source,
    split,
    shots,
    promptsHash,
    model: { fingerprint, ...(options.modelName ? { name: options.modelName } : {}) },
    tokenizer: { name: tokenizer.name, fingerprint: tokenizer.fingerprint },
    options: effective,
    items: results,
    accuracy,
    counts: {
      items: results.length,
      subjects: new Set(results.map((r) => r.subject)).size,
      truncated: results.filter((r) => r.truncated).length,
      shotsReduced: results.filter((r) => r.shots !== undefined && r.shots < shots).length,
    },
    timing: { ms, requests, requestsPerSecond: computed > 0 ? computed / (ms / 1000) : 0, cacheHits },
  };
}

/** Index of the largest value (the first one on ties). */
export function argmax(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
