// Result types of evaluate(): per-item records and the accuracy summary (computed by stats/).

export type Protocol = 'harness' | 'paper' | 'cloze';

export interface ItemResult {
  subject: string;
  index: number;
  gold: number;
  /** Predicted choice index, or -1 when the output was not a valid letter (paper protocol). */
  pred: number;
  /** Harness/cloze: log-likelihood of each choice's continuation. */
  logliks?: number[];
  /** Cloze: length-normalised prediction (acc_norm). */
  predNorm?: number;
  /** Paper: the generated text (one token, two for ARC/CSQA), per run when runs > 1. */
  output?: string;
  outputs?: string[];
  /** Paper with runs > 1: correct count over runs. */
  correctRuns?: number;
  /** Paper with runs > 1: the predicted choice of each run (-1 = not a valid letter); read by summarizeAccuracy. */
  preds?: number[];
  /** Number of choices of the item (default: logliks.length, else 4); sets the chance line. */
  nChoices?: number;
  /** Harness: shots actually used after dropping to fit the context. */
  shots?: number;
  /** True when the prompt was left-truncated (zero shots did not fit). */
  truncated?: boolean;
}

export interface SubjectAccuracy {
  acc: number;
  n: number;
  ci95: [number, number];
  /** Share of invalid outputs among the subject's items (over all runs). */
  invalidRate?: number;
}

export interface Accuracy {
  /** Mean over items (the harness's number). */
  micro: number;
  /** Mean of per-subject accuracies (the original script's number). */
  macro: number;
  perSubject: Record<string, SubjectAccuracy>;
  /** The four categories of the original script: STEM, humanities, social sciences, other. */
  categories: Record<string, SubjectAccuracy>;
  /** Wilson 95 % interval of micro (or mean ± 1.96 σ/√runs across runs for the sampled paper protocol). */
  ci95: [number, number];
  /** Share of items whose output was not a valid letter (paper protocol; 0 otherwise). */
  invalidRate: number;
  /** 1 / number of choices (0.25 for MMLU; mean over items for mixed ARC). */
  chance: number;
  n: number;
  /** Cloze: length-normalised accuracy. */
  microNorm?: number;
  /** Paper with runs > 1: accuracy of each run. */
  runs?: number[];
  /** Paper with runs > 1: population σ of the per-run accuracies (the author's σ). */
  runsStd?: number;
  /** Paper with runs > 1: item-sampling CI95 (normal, over each item's share of correct runs); ci95 is across runs. */
  ci95Items?: [number, number];
  /** Cloze: Wilson CI95 of microNorm. */
  ci95Norm?: [number, number];
}

export interface EvalResult {
  schema: 'glyphlm.mmlu-eval.result/1';
  protocol: Protocol;
  variant?: string;
  dataset: string;
  source: string;
  split: 'dev' | 'val' | 'test';
  shots: number;
  /** SHA-256 hex over every prompt string, in item order. */
  promptsHash: string;
  model: { fingerprint: string; name?: string };
  tokenizer: { name: string; fingerprint: string };
  options: Record<string, unknown>;
  items: ItemResult[];
  accuracy: Accuracy;
  counts: { items: number; subjects: number; truncated: number; shotsReduced: number };
  timing: { ms: number; requests: number; requestsPerSecond: number; /** Requests answered by the request cache. */ cacheHits?: number };
}
